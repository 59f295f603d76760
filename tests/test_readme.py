"""The README and the command line agree (sqlite-utils' habit): every command in the CLI's
own tree is in the README, and every ``workbench …`` command line the README shows names
commands that exist; plus the two setup commands."""

import re
from pathlib import Path

import click

from workbench.cli import root

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
#: Code the README shows: fenced blocks and `inline` spans.
CODE = re.findall(r"```[a-z]*\n(.*?)```|`([^`\n]+)`", README, flags=re.DOTALL)
#: ``workbench`` as a program name, and the rest of its line.
COMMAND_LINE = re.compile(r"(?:^|(?<=[\s/]))workbench((?: [^\s#]+)*)", flags=re.MULTILINE)


def leaves(command: click.Command, path: str = "workbench") -> list[str]:
    if not isinstance(command, click.Group):
        return [path]
    return [
        found
        for name, sub in sorted(command.commands.items())
        for found in leaves(sub, f"{path} {name}")
    ]


def named_commands() -> list[list[str]]:
    """The words after ``workbench`` in every command line of the README's code."""
    return [
        words.split()
        for block, span in CODE
        for words in COMMAND_LINE.findall(block or span)
        if words.strip()
    ]


def unknown_command(words: list[str]) -> str | None:
    """What in ``words`` is not a command of the tree, or None: group options are skipped,
    the words after a command (its arguments) are not checked, and anything that is not a
    plain word (``…``, ``>``) ends the check."""
    command: click.Command = root
    for word in words:
        if not isinstance(command, click.Group) or not re.fullmatch(r"-*[a-z][a-z-]*", word):
            return None
        options = {opt for param in command.params for opt in param.opts}
        options.update(root.context_settings["help_option_names"])
        if word in options:
            continue
        if word not in command.commands:
            return word
        command = command.commands[word]
    return None


def test_every_cli_command_is_in_the_readme():
    commands = leaves(root)
    assert len(commands) >= 30
    missing = [command for command in commands if command not in README]
    assert not missing, f"undocumented CLI commands: {missing}"


def test_every_command_the_readme_names_exists():
    named = named_commands()
    assert len(named) >= 30  # the command list itself is read
    wrong = [
        " ".join(["workbench", *words]) for words in named if unknown_command(words) is not None
    ]
    assert not wrong, f"the README names commands the CLI does not have: {wrong}"


def test_the_check_catches_a_misnamed_command():
    assert unknown_command(["claims", "lst", "--json"]) == "lst"
    assert unknown_command(["--verbose", "dashboard", "rebuild"]) is None
    assert unknown_command(["--verbose", "dashbord"]) == "dashbord"
    assert unknown_command(["export", "…"]) is None
    assert unknown_command(["db", "--help"]) is None


def test_the_two_commands_are_in_the_readme_and_ci_runs_the_test_one():
    assert "python3 dev.py start" in README and "python3 dev.py test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci

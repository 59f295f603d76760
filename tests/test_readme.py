"""The README documents every CLI command and the two setup commands (sqlite-utils' habit)."""

import argparse
from pathlib import Path

from workbench.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "workbench") -> list[str]:
    found = []
    for action in parser._actions:  # argparse keeps subcommands here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                found.extend(nested or [f"{prefix} {name}"])
    return found


def test_every_cli_command_is_in_the_readme():
    commands = _commands(build_parser())
    assert len(commands) >= 10
    missing = [command for command in commands if command not in README]
    assert not missing, f"undocumented CLI commands: {missing}"


def test_the_two_commands_are_in_the_readme_and_ci_runs_the_test_one():
    assert "python3 dev.py start" in README and "python3 dev.py test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci

"""The ``workbench`` command documents itself (issue 12): help for every command and every
parameter, each command's help ending with an example that is a valid command line, the
exit statuses at the top; and progress bars that stay out of the output unless standard
error is a terminal."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from tests.conftest import new_claim
from tests.factories import csv_file
from workbench import cli
from workbench.cli_command import Command, Group

SCRIPT_TIMEOUT = 120


def walk(command: click.Command, path: str = "workbench") -> Iterator[tuple[str, click.Command]]:
    """Every command of the tree under ``command``, groups included, with its path."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, f"{path} {name}")


TREE = dict(walk(cli.root))


def help_text(path: str) -> str:
    result = CliRunner().invoke(cli.root, [*path.split()[1:], "--help"], prog_name="workbench")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_leaf_runs_through_the_common_runner():
    """Schema check, ``error:`` lines and exit statuses live in ``cli_command.Command``: a
    command made with plain ``click.command`` would skip them."""
    assert len(TREE) >= 40
    for path, command in TREE.items():
        expected = Group if isinstance(command, click.Group) else Command
        assert isinstance(command, expected), path


@pytest.mark.parametrize("path", TREE)
def test_every_command_and_parameter_has_help(path):
    command = TREE[path]
    assert (command.help or "").strip(), f"{path} has no help"
    undocumented = [param.name for param in command.params if not (param.help or "").strip()]
    assert not undocumented, f"{path}: no help for {undocumented}"


@pytest.mark.parametrize("path", TREE)
def test_every_help_ends_with_an_example_of_the_command_itself(path):
    last = help_text(path).rstrip().splitlines()[-1].strip()
    assert last.startswith(f"Example: {path}"), f"{path} ends with {last!r}"
    words = shlex.split(last.removeprefix("Example: ").split(" < ")[0])[1:]
    _parse(words)


def _parse(words: list[str]) -> None:
    """Parse ``words`` (after ``workbench``) as the command line would, down to the command
    they name, without running it: an unknown command or option or a malformed value fails."""
    command: click.Command = cli.root
    ctx, name = None, "workbench"
    while isinstance(command, click.Group):
        ctx = click.Context(command, info_name=name, parent=ctx)
        known = {opt for param in command.params for opt in param.opts}
        while words[0].startswith("-"):
            assert words.pop(0) in known
        name = words.pop(0)
        assert name in command.commands, f"no command {name!r}"
        command = command.commands[name]
    command.make_context(name, words, parent=ctx)


def test_the_top_level_help_documents_the_exit_statuses():
    text = help_text("workbench")
    assert text.startswith("Usage: workbench [OPTIONS] COMMAND [ARGS]...")
    statuses = text[text.index("Exit status:") : text.index("Example:")].splitlines()[1:]
    assert [line.split()[:2] for line in statuses if line[:5].strip()] == [
        ["0", "done"],
        ["1", "refused:"],
        ["2", "usage:"],
    ]
    for group in ("db", "user", "article", "claims", "export", "import", "serve"):
        assert f"\n  {group} " in text


def test_python_dash_m_workbench_is_the_same_command(tmp_path):
    env = {**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"}
    shown = subprocess.run(
        [sys.executable, "-m", "workbench", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout.startswith("Usage: workbench [OPTIONS] COMMAND [ARGS]...")
    assert "Exit status:" in shown.stdout


# --- progress bars --------------------------------------------------------------------------


class Terminal(io.StringIO):
    """Standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def claim_to_export(engine, reviewer, article):
    return new_claim(engine, reviewer, article)


def test_no_bar_when_standard_error_is_not_a_terminal(claim_to_export, tmp_path):
    """CliRunner's streams are no terminal: standard output is the JSON alone, and nothing
    at all goes to standard error."""
    result = CliRunner().invoke(
        cli.root, ["export", "csv", "-o", str(tmp_path / "claims.csv"), "--json"]
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {"file": str(tmp_path / "claims.csv"), "claims": 1}


def test_no_bar_in_a_pipe(claim_to_export, tmp_path):
    """The installed command in a subprocess, its output piped (as a script or cron sees it)."""
    exported = tmp_path / "claims.csv"
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "export", "csv", "-o", str(exported), "--json"],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["claims"] == 1
    imported = subprocess.run(
        [sys.executable, "-m", "workbench", "import", "csv", str(exported), "--dry-run", "--json"],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert (imported.returncode, imported.stderr) == (0, ""), imported.stderr
    assert json.loads(imported.stdout)["records"] == 1


def as_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error as a terminal, with none of the variables that tell rich otherwise.
    Called in the test itself: pytest puts ``capsys``'s stream back before the test runs."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_a_bar_on_a_terminal_and_standard_output_stays_clean(
    claim_to_export, tmp_path, monkeypatch, capsys
):
    terminal = as_terminal(monkeypatch)
    target = tmp_path / "claims.csv"
    assert cli.main(["export", "csv", "-o", str(target), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"file": str(target), "claims": 1}
    assert "Exporting" in terminal.getvalue() and "1 claims" in terminal.getvalue()

    source = tmp_path / "new.csv"
    source.write_bytes(csv_file({"statement": "A claim from a file"}))
    assert cli.main(["import", "csv", str(source), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert "Importing" in terminal.getvalue() and "100%" in terminal.getvalue()

"""How every ``workbench`` command prints: JSON for scripts, a sentence for people, and a
progress bar for long work.

Its own module so the command groups (``cli_admin``, ``cli_reports``, …) and ``cli``, which
assembles them, all depend on it rather than on each other. Standard output carries the
result alone: with ``--json`` nothing but the JSON. Progress goes to standard error, and only
when that is a terminal, so a pipe, a log file or a test sees no bar at all.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

F = TypeVar("F", bound=Callable[..., Any])
#: Where ``--json`` is remembered for :func:`emit`: the command's context, shared by its parents.
_JSON = "workbench.json"


class Step(Protocol):
    """How far the work is: ``done`` of ``total`` (None while unknown), and what it is doing."""

    def __call__(self, done: int, total: int | None, what: str = ...) -> None: ...


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[_JSON] = value


def json_option(command: F) -> F:
    """The ``--json`` flag, defined once for every command that prints data."""
    return click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        callback=_remember_json,
        help="Print the result as JSON for scripts (nothing else goes to standard output).",
    )(command)


def wants_json() -> bool:
    """Whether the running command was given ``--json``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(_JSON))


def _json_default(value: Any) -> Any:
    """Dates as ISO 8601; anything else JSON cannot hold (paths, say) as its text."""
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def emit(data: Any, human: str) -> None:
    """Print ``data`` as JSON with --json, else the human-readable text."""
    if wants_json():
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
    else:
        print(human)


class _Count(ProgressColumn):
    """``1,200 of 5,000 rows``, or ``1,200 rows`` while the total is not known."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        total = "" if task.total is None else f" of {task.total:,.0f}"
        return Text(f"{task.completed:,.0f}{total} {self.unit}")


@contextmanager
def progress(description: str, unit: str = "") -> Iterator[Step]:
    """A progress bar on standard error for the work inside the block, counting ``unit``
    (rows, claims) when given, else in per cent.

    Off (rich's ``disable``) unless standard error is a terminal. Standard output and
    standard error are left as they are (no redirection): a JSON log line written meanwhile
    stays one line, and the command's result stays on standard output.
    """
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        _Count(unit) if unit else TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        disable=not sys.stderr.isatty(),
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with bar:
        task = bar.add_task(description, total=None)

        def step(done: int, total: int | None, what: str = description) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield step
        bar.update(task, total=bar.tasks[0].completed)  # done: a full bar, total known or not

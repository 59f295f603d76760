"""What every ``workbench`` command shares: how it runs and ends, and its argument types.

A command's arguments are parsed and checked first: a malformed one (an id such as ``²``, a
date such as ``31/12``) exits with status 2 and its message before the database is opened.
Then the database is checked (:func:`workbench.db.ensure_schema`; no command but ``db …``
migrates), and the command runs. A refusal (:class:`~workbench.errors.WorkbenchError`) or a
busy or full database prints one ``error:`` line on stderr and exits with status 1; every
command that ran ends with one INFO log line with its status and time.

Its own module, below ``cli`` and every ``cli_<topic>`` module, so that they all build their
commands from it (:func:`command`, :class:`Group`) without importing each other.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from workbench import db, users
from workbench.errors import InvalidInput, WorkbenchError
from workbench.validation import parse_day, parse_id

#: The exit statuses, as the top-level help documents them.
OK, REFUSED, USAGE = 0, 1, 2
#: SQLite's and PostgreSQL's words for a failure the user can act on, and what to tell them.
#: Nothing else of the driver's message is printed: it carries SQL and parameters.
DATABASE_TROUBLE = {
    db.Trouble.BUSY: "the database is busy (an import may be running); try again",
    db.Trouble.FULL: "disk full — nothing was saved",
}
#: The command line's logger, whichever module defines the command.
log = logging.getLogger("workbench.cli")


class Checked(click.ParamType):
    """An argument type from a rule that raises :class:`InvalidInput` (those of
    :mod:`workbench.validation`, say): what it refuses is a usage error, exit status 2."""

    def __init__(self, metavar: str, parse: Callable[[str], Any]) -> None:
        self.name = metavar.lower()
        self.metavar = metavar
        self.parse = parse

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):  # a default, already of its type
            return value
        try:
            return self.parse(value)
        except InvalidInput as error:
            self.fail(str(error), param, ctx)


#: Every id argument: a whole number from 1 to :data:`workbench.validation.MAX_ID`, so no
#: query can overflow.
RECORD_ID = Checked("ID", functools.partial(parse_id, field="An id"))
LIMIT = Checked("N", functools.partial(parse_id, field="A limit"))
#: A day written YYYY-MM-DD, under the rule the drafts use for their dates.
DAY = Checked("YYYY-MM-DD", functools.partial(parse_day, field="The date"))


def command_name(ctx: click.Context) -> str:
    """The command as typed, without the program and the arguments (``claims list``)."""
    return ctx.command_path.partition(" ")[2]


class Command(click.Command):
    """One ``workbench`` command (a leaf of the tree): its exit status, its refusal in one
    line, its log line.

    ``check_schema=False`` for the ``db`` commands, which look at the revision themselves
    (upgrade, backup, restore, copy). ``one_of`` names parameters of which exactly one must
    be given (``FILE`` or ``--url-fetch``): a usage error, found while parsing.
    """

    def __init__(
        self, *args: Any, check_schema: bool = True, one_of: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.check_schema = check_schema
        self.one_of = one_of

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if self.one_of:
            given = [name for name in self.one_of if ctx.params.get(name) not in (None, False)]
            if len(given) != 1:
                shown = " or ".join(self._shown(name) for name in self.one_of)
                raise click.UsageError(f"Give {shown}{', not both' if given else ''}.", ctx)
        return rest

    def _shown(self, name: str) -> str:
        param = next(p for p in self.params if p.name == name)
        return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_epilog(self, formatter)

    def invoke(self, ctx: click.Context) -> int:
        """Run the command; its exit status, logged at INFO with the time it took."""
        command, started = command_name(ctx), time.perf_counter()
        status = self._run(ctx, command)
        log.info(
            "%s exited with status %d",
            command,
            status,
            extra={
                "command": command,
                "status": status,
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        return status

    def _run(self, ctx: click.Context, command: str) -> int:
        try:
            if self.check_schema:
                db.ensure_schema()
            super().invoke(ctx)
        except WorkbenchError as error:
            print(f"error: {error}", file=sys.stderr)
            return REFUSED
        except OperationalError as error:
            kind = db.trouble(error)
            _log_database_trouble(command, kind)
            if kind is None:
                raise
            print(f"error: {DATABASE_TROUBLE[kind]}", file=sys.stderr)
            return REFUSED
        return OK


class Group(click.Group):
    """A command group whose commands and subgroups are :class:`Command` and :class:`Group`."""

    command_class = Command
    group_class = type

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_epilog(self, formatter)


def write_epilog(command: click.Command, formatter: click.HelpFormatter) -> None:
    """The epilog (the example, the exit statuses) line by line as written: click would
    rewrap it, and an example broken in the middle cannot be copied."""
    if command.epilog:
        formatter.write_paragraph()
        indent = " " * (formatter.current_indent + 2)
        for line in inspect.cleandoc(command.epilog).splitlines():
            formatter.write(f"{indent}{line}\n" if line else "\n")


def command(name: str, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    """``@command("name", epilog="Example: workbench …")``: the function, as a :class:`Command`
    (its docstring is the help; text after a form feed, ``\\f``, is for developers only)."""
    return click.command(name, cls=Command, **attrs)


def _log_database_trouble(command: str, kind: db.Trouble | None) -> None:
    """The command that the database refused, as a log line a collector can match.

    Busy or full at INFO: the printed message already tells the person at the terminal and
    stays the only line unless ``--verbose``. Anything else at ERROR, without the exception:
    the traceback that follows on stderr carries SQL and parameters, which a log must not.
    """
    context = {
        "command": command,
        "actor_name": users.CLI_USER,
        "trouble": kind.value if kind else "unexpected",
    }
    if kind is None:
        log.error("%s failed: unexpected database error", command, extra=context)
    else:
        log.info("%s refused: database %s", command, kind.value, extra=context)

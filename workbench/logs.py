"""Log lines a newsroom's log collector can read: one JSON object per line on stderr.

Modules log through ``logging.getLogger(__name__)``, so everything the workbench logs is
under the ``workbench`` logger; :func:`configure` gives that logger its level and one
handler. Each line holds ``timestamp`` (UTC, ISO 8601), ``level``, ``logger`` and
``message``, then the ``extra`` fields the caller passed (ids, actor, action) and, for an
exception, its traceback under ``exception``.

The server configures it at start with ``WORKBENCH_LOG_LEVEL`` (INFO by default); the
command line logs warnings, or everything from INFO with ``--verbose``. Library code
logs ids and names only: never a password, a token, or a text someone typed.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER = "workbench"

#: The attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One record as one line of JSON (``ensure_ascii`` off: names stay readable)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                line.setdefault(key, value)  # an extra named like a field above loses
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.Handler):
    """Writes to the ``sys.stderr`` of the moment, not the one seen when it was made.

    The command line's ``main`` may run many times in one process (its tests replace
    stderr for each run); a handler bound to the first stream would write to a closed one.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # logging must never fail the caller
            self.handleError(record)


def configure(level: int | str) -> logging.Logger:
    """Send the ``workbench`` logger's records at ``level`` and above to stderr as JSON.

    Calling it again changes the level and keeps a single handler. The records still
    propagate to the root logger, which has no handler unless a host (pytest's log
    capture) adds one.
    """
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level)
    for handler in [h for h in logger.handlers if isinstance(h, StderrHandler)]:
        logger.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    return logger

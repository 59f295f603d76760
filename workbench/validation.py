"""Small input checks shared by several services.

Every text a person or a file hands to a service passes through :func:`clean_line` (one-line
fields) or :func:`clean_text` (multi-line fields), both built on :func:`strip_controls`, so
the same input is stored identically on SQLite and PostgreSQL: PostgreSQL refuses NUL in text
outright, neither database can encode a lone surrogate as UTF-8, and the other control
characters are invisible on screen yet break CSV cells, terminals and search.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

from workbench.errors import InvalidInput

Choice = TypeVar("Choice", bound=enum.StrEnum)

#: Ids are ``integer`` columns on PostgreSQL, so nothing larger can name a stored row on
#: either database (SQLite would raise OverflowError from 2**63 on).
MAX_ID = 2**31 - 1

# Carriage returns, vertical tabs, form feeds and Unicode line/paragraph separators all mean
# "new line" to the person who typed them: they become "\n" rather than vanish.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 controls except tab and newline, DEL, and surrogate code points (a Python str holds one
# only when it came from broken UTF-16 or JSON; UTF-8 cannot encode it).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# ASCII only: str.isdigit() and int() also accept "²" or Arabic-Indic digits.
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_SPACE = re.compile(r"\s")


def strip_controls(text: str) -> str:
    """``text`` with line breaks as "\\n" and no other control characters or lone surrogates;
    tabs and newlines are kept. Lengths change, so call it before anything indexes the text.
    Printable text (most cells of a file) has nothing to remove: ``isprintable`` answers
    that in C without building new strings."""
    if text.isprintable():
        return text
    return _UNSTORABLE.sub("", _LINE_BREAKS.sub("\n", text))


def one_line(text: str) -> str:
    """``text`` without control characters, every run of whitespace (line breaks included)
    as one space, trimmed."""
    return " ".join(strip_controls(text).split())


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    required: bool = False,
    multiline: bool = True,
) -> str:
    """A free-text field, trimmed, without control characters, at most ``max_length`` code points.

    Multi-line fields keep their line breaks and tabs; one-line fields have every run of
    whitespace (line breaks included) collapsed to one space. Raises InvalidInput naming
    ``field`` when the text is required but empty, or too long.
    """
    text = strip_controls(value or "").strip() if multiline else one_line(value or "")
    if required and not text:
        raise InvalidInput(f"{field} is required.")
    if len(text) > max_length:
        raise InvalidInput(
            f"{field} is too long ({len(text):,} characters; at most {max_length:,})."
        )
    return text


def clean_line(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """A single-line text field: trimmed, no control characters, bounded length."""
    return clean_text(value, field=field, max_length=max_length, required=required, multiline=False)


def shorten(text: str, max_length: int) -> str:
    """``text`` if it fits, else cut at the last word boundary that leaves room for "…"
    (mid-word only when a single word fills most of the limit)."""
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    boundary = cut.rfind(" ")
    if boundary > max_length // 2:
        cut = cut[:boundary]
    return cut.rstrip(" ,;:–—-") + "…"


def is_web_url(url: str) -> bool:
    """The one rule for a web address, wherever one is stored, shown as a link or published:
    absolute http(s) with a host and no whitespace (so no ``javascript:``, ``data:``,
    ``file:`` or relative path)."""
    parts = urlsplit(url)
    return (
        parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not _SPACE.search(url)
    )


def clean_url(value: str | None, *, field: str, required: bool = False) -> str:
    """An absolute http(s) URL or empty; anything else (javascript:, file:, …) is refused."""
    url = strip_controls(value or "").strip()
    if not url:
        if required:
            raise InvalidInput(f"{field} is required.")
        return ""
    if not is_web_url(url):
        raise InvalidInput(f"{field} must be a full web address starting with http:// or https://.")
    if len(url) > 2000:
        raise InvalidInput(f"{field} is longer than 2,000 characters.")
    return url


def parse_id(text: str, *, field: str = "An id") -> int:
    """A record id written by a person (CLI argument, CSV cell, URL parameter): ASCII digits,
    1 to :data:`MAX_ID`. Raises InvalidInput otherwise, before any query can overflow."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise InvalidInput(f"{field} must be a whole number such as 12, not {shorten(text, 40)!r}.")
    # Length first: int() refuses strings of more than 4,300 digits with a ValueError.
    if len(text.lstrip("+-").lstrip("0")) > len(str(MAX_ID)) or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"{field} must be between 1 and {MAX_ID:,}, not {shorten(text, 40)}.")
    return int(text)


def enum_member(kind: type[Choice], value: str) -> Choice | None:
    """The member of ``kind`` whose *value* is ``value`` (what forms, files and the database
    hold), or None. Matching Python names instead only works while every name equals its
    value, which ``SourceKind`` already breaks ("data set" is ``data_set``)."""
    try:
        return kind(value)
    except ValueError:
        return None


def choice(kind: type[Choice], value: str, *, field: str) -> Choice:
    """:func:`enum_member`, refusing anything else with the allowed values listed and, when
    something was given, what it was (a file's cell or a typo is easier to find by its text)."""
    member = enum_member(kind, value)
    if member is None:
        given = f" (“{shorten(str(value), 40)}” is not a {field.lower()})" if value else ""
        raise InvalidInput(f"{field} must be one of: {', '.join(kind)}{given}.")
    return member


def parse_day(value: date | str | None, *, field: str) -> date | None:
    """A calendar day: a date, or ISO text (``2025-05-31``) as forms, files and the command
    line write it; None for nothing. Raises InvalidInput naming ``field`` otherwise."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{field}: “{shorten(text, 40)}” is not a date (write YYYY-MM-DD)."
        ) from None

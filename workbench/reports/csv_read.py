"""Reading a CSV/TSV file for import: dialect, column mapping and the consistency check.

Real files differ, so nothing is guessed: the delimiter and quoting are explicit.
LIAR's TSVs must be read with quoting off (with ``"`` quoting 29 rows of the
train file are silently swallowed into others), CLEF's ``verified_claims`` with
quoting on (14 cells hold newlines). A wrong choice almost always shows up as
records with the wrong number of fields, so every record must have as many fields
as the header (or the first record) and the importer reports each one that does not.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field

from workbench.errors import InvalidInput
from workbench.reports.columns import ALIASES, COLUMNS

QUOTING = {"minimal": csv.QUOTE_MINIMAL, "none": csv.QUOTE_NONE}


@dataclass(frozen=True)
class ReadOptions:
    """How to read the file: ``delimiter`` (``\\t`` for TSV), ``quoting`` ``minimal``/``none``,
    whether the first line is a header, and ``columns``: a mapping such as
    ``statement=2,claimant=4`` (0-based indexes) or ``statement=vclaim`` (header names)."""

    delimiter: str = ","
    quoting: str = "minimal"
    header: bool = True
    columns: str = ""


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedFile:
    """Records as ``(first line number, {our column: cell})``, plus what went wrong."""

    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: int = 0


def decode(data: bytes | str) -> str:
    """UTF-8 (a BOM is dropped); anything else is refused with a clear message."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"The file is not UTF-8 text (byte {error.start} cannot be read); "
                           "save it as UTF-8 and try again.") from error


def target(name: str) -> str:
    """Our column for a mapping target or header name (aliases allowed), or ""."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    return name if name in COLUMNS else ""


def parse_mapping(spec: str, header: list[str] | None) -> dict[str, int]:
    """``"statement=2,claimant=speaker"`` → {our column: field index}."""
    mapping: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        ours, sep, theirs = part.partition("=")
        column = target(ours)
        if not sep or not column:
            raise InvalidInput(f"Column mapping “{part}”: write our column=their column "
                               f"(our columns: {', '.join(COLUMNS)}).")
        theirs = theirs.strip()
        if theirs.isdigit():
            mapping[column] = int(theirs)
        elif header is not None and theirs in header:
            mapping[column] = header.index(theirs)
        else:
            raise InvalidInput(f"Column mapping “{part}”: there is no column “{theirs}” "
                               "(use a 0-based number for files without a header).")
    return mapping


def _header_mapping(header: list[str], parsed: ParsedFile) -> dict[str, int]:
    mapping = {target(name): i for i, name in enumerate(header) if target(name)}
    ignored = [name for name in header if not target(name)]
    if not mapping:
        raise InvalidInput("None of the file's columns is a report column; give a column "
                           "mapping (e.g. statement=2,claimant=4).")
    if ignored:
        parsed.notes.append(f"Ignored columns: {', '.join(repr(n) for n in ignored)}.")
    return mapping


def read_records(data: bytes | str, options: ReadOptions) -> ParsedFile:
    """Parse and map every record; structural problems become :class:`RowError` s."""
    if options.quoting not in QUOTING:
        raise InvalidInput("Quoting must be “minimal” or “none”.")
    if len(options.delimiter) != 1:
        raise InvalidInput("The delimiter must be one character (use \\t for tabs).")
    text = decode(data)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=options.delimiter,
                        quoting=QUOTING[options.quoting])
    parsed = ParsedFile()
    header: list[str] | None = None
    mapping: dict[str, int] | None = None
    expected = 0
    previous_line = 0
    try:
        for fields in reader:
            first_line, previous_line = previous_line + 1, reader.line_num
            if not fields or fields == [""]:
                continue
            if header is None and options.header:
                header = [name.strip() for name in fields]
                expected = len(header)
                continue
            if mapping is None:
                expected = expected or len(fields)
                mapping = (parse_mapping(options.columns, header) if options.columns
                           else _header_mapping(header or [], parsed))
                _check_indexes(mapping, expected)
                parsed.columns = list(mapping)
            if len(fields) != expected:
                parsed.errors.append(RowError(first_line, (
                    f"{len(fields)} fields where the {'header has' if header else 'first row has'}"
                    f" {expected}: check the delimiter and the quoting option")))
                continue
            parsed.records.append((first_line, {c: fields[i] for c, i in mapping.items()}))
    except csv.Error as error:
        parsed.errors.append(RowError(reader.line_num, f"unreadable CSV ({error}); check the "
                                      "quoting option"))
    parsed.lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if mapping is None and not parsed.errors:
        if options.columns or header is None:
            raise InvalidInput("The file holds no records.")
        mapping = _header_mapping(header, parsed)
        parsed.columns = list(mapping)
    _summarise(parsed, options)
    return parsed


def _check_indexes(mapping: dict[str, int], width: int) -> None:
    for column, index in mapping.items():
        if index >= width:
            raise InvalidInput(f"Column mapping {column}={index}: the file has only {width} "
                               f"columns (numbered 0–{width - 1}).")


def _summarise(parsed: ParsedFile, options: ReadOptions) -> None:
    """Say how records and lines relate, so a swallowed-rows file does not pass silently."""
    records = len(parsed.records) + len(parsed.errors) + (1 if options.header else 0)
    if parsed.errors:
        bad = len(parsed.errors)
        parsed.notes.append(
            f"{bad:,} record{'s' if bad != 1 else ''} with the wrong number of fields: the "
            f"file does not read consistently with delimiter {options.delimiter!r} and quoting "
            f"“{options.quoting}”.")
    elif records != parsed.lines:
        parsed.notes.append(f"{len(parsed.records):,} records from {parsed.lines:,} lines: "
                            f"{parsed.lines - records:,} line breaks are inside quoted cells.")

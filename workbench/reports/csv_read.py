"""Reading a CSV/TSV file for import: dialect, column mapping and the consistency check.

Real files differ, so nothing is guessed: the delimiter and quoting are explicit.
LIAR's TSVs must be read with quoting off (with ``"`` quoting 29 rows of the
train file are silently swallowed into others), CLEF's ``verified_claims`` with
quoting on (14 cells hold newlines). A wrong choice almost always shows up as
records with the wrong number of fields, so every record must have as many fields
as the header (or the first record) and the importer reports each one that does not.

The file is *streamed*: records are decoded and mapped one at a time from a binary
stream, so a million-row file is never held in memory (the importer keeps only
compact per-row plans, and a dry run not even those).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from workbench.errors import InvalidInput
from workbench.reports.columns import ALIASES, COLUMNS

QUOTING: dict[str, Literal[0, 1, 2, 3]] = {"minimal": csv.QUOTE_MINIMAL, "none": csv.QUOTE_NONE}
#: What an import reads: raw bytes or text (uploads, tests), a path, or a binary stream.
Source = bytes | str | Path | BinaryIO


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
        raise _not_utf8(error) from error


def _not_utf8(error: UnicodeDecodeError) -> InvalidInput:
    return InvalidInput(
        "The file is not UTF-8 text (a byte near position "
        f"{error.start:,} cannot be read); save it as UTF-8 and try again."
    )


def open_binary(source: Source) -> BinaryIO:
    """``source`` as a binary stream; the caller closes it."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, Path):
        try:
            return open(source, "rb")  # noqa: SIM115 - the caller closes it
        except OSError as error:
            raise InvalidInput(f"Cannot read {source}: {error.strerror}.") from error
    return source


def size_of(stream: BinaryIO) -> int:
    """Bytes from the current position to the end (for progress), 0 if unknown."""
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (OSError, ValueError):
        return 0
    return end - here


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
            raise InvalidInput(
                f"Column mapping “{part}”: write our column=their column "
                f"(our columns: {', '.join(COLUMNS)})."
            )
        theirs = theirs.strip()
        if theirs.isascii() and theirs.isdigit():
            mapping[column] = int(theirs)
        elif header is not None and theirs in header:
            mapping[column] = header.index(theirs)
        else:
            raise InvalidInput(
                f"Column mapping “{part}”: there is no column “{theirs}” "
                "(use a 0-based number for files without a header)."
            )
    return mapping


def _check_options(options: ReadOptions) -> None:
    if options.quoting not in QUOTING:
        raise InvalidInput("Quoting must be “minimal” or “none”.")
    if len(options.delimiter) != 1:
        raise InvalidInput("The delimiter must be one character (use \\t for tabs).")


class RecordReader:
    """Iterate a file's records as ``(first line number, {our column: cell})`` or, for a
    record with the wrong number of fields or unreadable CSV, a :class:`RowError`.

    After the iteration, ``columns`` holds the mapped columns, ``lines`` the physical
    line count and ``notes`` what the reader noticed (ignored columns, the
    records/lines check). ``bytes_read`` follows the position in the file (progress).
    """

    def __init__(self, source: Source, options: ReadOptions) -> None:
        _check_options(options)
        self.options = options
        self.binary = open_binary(source)
        self.total_bytes = size_of(self.binary)
        self.columns: list[str] = []
        self.notes: list[str] = []
        self.lines = 0
        self.records = 0
        self.bad = 0

    @property
    def bytes_read(self) -> int:
        try:
            return self.binary.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self.binary.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]] | RowError]:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        text = io.TextIOWrapper(self.binary, encoding="utf-8-sig", newline="")
        try:
            yield from self._records(text)
        except UnicodeDecodeError as error:
            raise _not_utf8(error) from error
        finally:
            text.detach()
        self._summarise()

    def _records(self, text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, str]] | RowError]:
        options = self.options
        reader = csv.reader(text, delimiter=options.delimiter, quoting=QUOTING[options.quoting])
        header: list[str] | None = None
        mapping: dict[str, int] | None = None
        expected = previous_line = 0
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
                    mapping = (
                        parse_mapping(options.columns, header)
                        if options.columns
                        else self._header_mapping(header or [])
                    )
                    _check_indexes(mapping, expected)
                    self.columns = list(mapping)
                if len(fields) != expected:
                    self.bad += 1
                    yield RowError(
                        first_line,
                        (
                            f"{len(fields)} fields where the "
                            f"{'header has' if header else 'first row has'} {expected}: "
                            "check the delimiter and the quoting option"
                        ),
                    )
                    continue
                self.records += 1
                yield first_line, {c: fields[i] for c, i in mapping.items()}
        except csv.Error as error:
            self.bad += 1
            yield RowError(reader.line_num, f"unreadable CSV ({error}); check the quoting option")
        self.lines = reader.line_num
        if mapping is None and not self.bad:
            if options.columns or header is None:
                raise InvalidInput("The file holds no records.")
            self.columns = list(self._header_mapping(header))

    def _header_mapping(self, header: list[str]) -> dict[str, int]:
        mapping = {target(name): i for i, name in enumerate(header) if target(name)}
        ignored = [name for name in header if not target(name)]
        if not mapping:
            raise InvalidInput(
                "None of the file's columns is a report column; give a column "
                "mapping (e.g. statement=2,claimant=4)."
            )
        if ignored:
            self.notes.append(f"Ignored columns: {', '.join(repr(n) for n in ignored)}.")
        return mapping

    def _summarise(self) -> None:
        """Say how records and lines relate, so a swallowed-rows file does not pass silently."""
        options = self.options
        records = self.records + self.bad + (1 if options.header else 0)
        if self.bad:
            self.notes.append(
                f"{self.bad:,} record{'s' if self.bad != 1 else ''} with the wrong number of "
                f"fields: the file does not read consistently with delimiter "
                f"{options.delimiter!r} and quoting “{options.quoting}”."
            )
        elif records != self.lines:
            self.notes.append(
                f"{self.records:,} records from {self.lines:,} lines: "
                f"{self.lines - records:,} line breaks are inside quoted cells."
            )


def read_records(data: Source, options: ReadOptions) -> ParsedFile:
    """The whole file parsed into memory: for small files and tests (imports stream with
    :class:`RecordReader`)."""
    reader = RecordReader(data, options)
    parsed = ParsedFile()
    try:
        for item in reader:
            if isinstance(item, RowError):
                parsed.errors.append(item)
            else:
                parsed.records.append(item)
    finally:
        reader.close()
    parsed.columns, parsed.notes, parsed.lines = reader.columns, reader.notes, reader.lines
    return parsed


def _check_indexes(mapping: dict[str, int], width: int) -> None:
    for column, index in mapping.items():
        if index >= width:
            raise InvalidInput(
                f"Column mapping {column}={index}: the file has only {width} "
                f"columns (numbered 0–{width - 1})."
            )

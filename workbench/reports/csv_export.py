"""The CSV claim report, streamed as text chunks.

RFC 4180: comma-separated, ``"``-quoted where needed, ``\\r\\n`` line ends,
newlines inside cells kept. UTF-8, optionally with a BOM so Excel detects the
encoding. Text cells that a spreadsheet would run as formulas are neutralised
(see :mod:`workbench.reports.columns`); the dataframe download button does not
do this, which is why the app uses this generator too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from workbench import db
from workbench.files import replace_file
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.permissions import EDITORS, require
from workbench.reports.columns import COLUMNS, TEXT_COLUMNS, TRIGGERS, neutralise
from workbench.reports.query import iter_report_values

BOM = "\ufeff"
CHUNK_ROWS = 1000


def csv_chunks(
    actor: User,
    engine: Engine | None = None,
    filters: ClaimFilters | None = None,
    *,
    bom: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[str]:
    """The report as a sequence of ``str`` chunks (header first), ``chunk_rows`` rows each.

    Nothing is held but the current chunk, so memory does not grow with the claim count.
    The report is desk data (unpublished claims, names): editors only (PermissionDenied).
    """
    require(actor, EDITORS, "export the claim report")
    for text, _rows in _counted_chunks(engine, filters, bom, chunk_rows):
        yield text


def _counted_chunks(
    engine: Engine | None, filters: ClaimFilters | None, bom: bool, chunk_rows: int
) -> Iterator[tuple[str, int]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    pending = 0
    text_positions = [i for i, name in enumerate(COLUMNS) if name in TEXT_COLUMNS]
    for values in iter_report_values(engine or db.get_engine(), filters):
        cells = ["" if value is None else value for value in values]
        for i in text_positions:
            if cells[i][:1] in TRIGGERS:
                cells[i] = neutralise(cells[i])
        writer.writerow(cells)
        pending += 1
        if pending >= chunk_rows:
            yield _take(buffer, bom), pending
            bom, pending = False, 0
    yield _take(buffer, bom), pending


def _take(buffer: io.StringIO, bom: bool) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return BOM + text if bom else text


def csv_bytes(
    actor: User,
    engine: Engine | None = None,
    filters: ClaimFilters | None = None,
    *,
    bom: bool = False,
) -> bytes:
    """The whole report as UTF-8 bytes (for downloads; large files prefer :func:`write_csv`).
    Editors only (PermissionDenied)."""
    return "".join(csv_chunks(actor, engine, filters, bom=bom)).encode("utf-8")


def write_csv(
    actor: User,
    path: Path | str,
    engine: Engine | None = None,
    filters: ClaimFilters | None = None,
    *,
    bom: bool = False,
    on_progress: Callable[[int], object] | None = None,
) -> int:
    """Stream the report into ``path`` (replaced only when complete, see
    :func:`workbench.files.replace_file`); returns the number of claims written.
    ``on_progress(claims)`` hears the count so far after every chunk.
    Editors only (PermissionDenied, before the file is created)."""
    require(actor, EDITORS, "export the claim report")
    rows = 0

    def counted() -> Iterator[str]:
        nonlocal rows
        for text, count in _counted_chunks(engine, filters, bom, CHUNK_ROWS):
            rows += count
            if on_progress:
                on_progress(rows)
            yield text

    replace_file(path, counted())
    return rows

"""A real spreadsheet reads the report: LibreOffice Calc (headless) opens the CSV and
every cell comes back as written, with no formula evaluated.

The file is converted to flat ODS (XML), where a formula would show as a
``table:formula`` attribute. A control file proves Calc does evaluate an
un-neutralised ``=1+1``, so the absence of formulas means something.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.factories import GOLDEN
from workbench.reports.columns import COLUMNS, neutralise

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _text(element: ET.Element) -> str:
    """A cell's text: paragraphs joined by newlines, ODF space/tab/break elements expanded."""

    def inline(node: ET.Element) -> str:
        out = node.text or ""
        for child in node:
            if child.tag == _q("text", "s"):
                out += " " * int(child.get(_q("text", "c"), "1"))
            elif child.tag == _q("text", "tab"):
                out += "\t"
            elif child.tag == _q("text", "line-break"):
                out += "\n"
            else:
                out += inline(child)
            out += child.tail or ""
        return out

    return "\n".join(inline(p) for p in element.findall("text:p", NS))


def read_fods(path: Path) -> list[list[dict[str, str]]]:
    rows = []
    for row in ET.parse(path).getroot().iter(_q("table", "table-row")):
        cells: list[dict[str, str]] = []
        for cell in row.findall("table:table-cell", NS):
            info = {
                "type": cell.get(_q("office", "value-type"), ""),
                "value": cell.get(_q("office", "value"))
                or cell.get(_q("office", "date-value"))
                or "",
                "formula": cell.get(_q("table", "formula"), ""),
                "text": _text(cell),
            }
            cells += [info] * int(cell.get(_q("table", "number-columns-repeated"), "1"))
        rows.append(cells)
    return rows


def convert(tmp_path: Path, *files: Path) -> None:
    if SOFFICE is None:
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail("LibreOffice (soffice) is required but not installed")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path / "out"),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def hostile_report() -> bytes:
    """The golden report plus cells starting with a tab and a carriage return."""
    buffer = io.StringIO()
    extra = {name: "" for name in COLUMNS} | {
        "claim_id": 5,
        "quote": neutralise("\tTabbed"),
        "claimant": neutralise("\r=1+1"),
        "version": 1,
    }
    csv.writer(buffer, lineterminator="\r\n").writerow(extra.values())
    return GOLDEN + buffer.getvalue().encode()


def test_libreoffice_reads_every_cell_as_written(tmp_path: Path) -> None:
    report = tmp_path / "claims.csv"
    report.write_bytes(hostile_report())
    control = tmp_path / "control.csv"
    control.write_bytes(b"a\r\n=1+1\r\n")
    convert(tmp_path, report, control)

    assert read_fods(tmp_path / "out" / "control.fods")[1][0]["formula"] == "of:=1+1"

    written = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8"), newline="")))
    sheet = read_fods(tmp_path / "out" / "claims.fods")
    assert len(written) == 6
    for r, row in enumerate(written):
        for c, value in enumerate(row):
            cell = sheet[r][c]
            where = f"row {r + 1} column {COLUMNS[c]}"
            assert cell["formula"] == "", where
            if cell["type"] == "float":
                assert float(cell["value"]) == float(value), where
            elif cell["type"] == "date":
                assert cell["value"] == value, where
            else:  # Calc stores line breaks in a cell as \n
                assert cell["text"] == value.replace("\r\n", "\n").replace("\r", "\n"), where
    assert sheet[2][6]["text"].startswith("'=HYPERLINK(")
    assert sheet[2][3]["text"] == 'Line one, "quoted"\nline two 🙂 مرحبا بالعالم'

"""``workbench export csv|claimreview`` and ``workbench import csv``.

Kept apart from ``cli.py`` (which adds :data:`export_group` and :data:`import_group` to the
tree) so the report commands can grow without crowding the core commands. Human output by
default, ``--json`` for scripts; an import with problems prints every one with its line number and
exits non-zero with nothing written.

The commands act as the built-in ``cli`` admin. ``import csv`` brings ratings in as
*proposed* verdicts by ``cli``, which any editor approves in the review queue (the
two-person rule holds for the command line too); ``import csv --restore`` keeps the
file's historical approvals, recorded in the audit trail as "restored from FILE, line
N, by cli" (see ``workbench.reports.csv_import``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from workbench import db, users
from workbench.cli_command import DAY, Group
from workbench.cli_output import emit, json_option, progress
from workbench.errors import WorkbenchError
from workbench.files import replace_file
from workbench.filters import ClaimFilters
from workbench.models import ClaimState, User
from workbench.reports.claimreview import claimreview_feed
from workbench.reports.claimreview_import import run_claimreview_import
from workbench.reports.csv_export import csv_chunks, write_csv
from workbench.reports.csv_import import ImportFailed, run_import
from workbench.reports.csv_read import ReadOptions
from workbench.reports.rating_map import builtin_maps, load_rating_map

_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


export_group = Group(
    "export",
    help="Reports out: the CSV claim report and the ClaimReview feed.",
    epilog="Example: workbench export csv -o claims.csv",
)
import_group = Group(
    "import",
    help=(
        "Reports in: claims from the CSV report or a foreign file, other fact-checkers' "
        "ClaimReview."
    ),
    epilog="Example: workbench import csv claims.csv --dry-run",
)
F = TypeVar("F", bound=Callable[..., Any])


def _filter_options(command: F) -> F:
    """The dashboard's filters (:class:`workbench.filters.ClaimFilters`) and ``-o``."""
    options = [
        click.option("--from", "date_from", type=DAY, help="Claims created on or after this day."),
        click.option("--to", "date_to", type=DAY, help="Claims created on or before this day."),
        click.option("--outlet", default="", help="The article's outlet."),
        click.option("--tag", default="", help="Claims with this tag."),
        click.option(
            "--reviewer", default="", help="User name of the person who created the claim."
        ),
        click.option(
            "--state",
            "states",
            multiple=True,
            type=click.Choice([s.value for s in ClaimState]),
            help="Workflow state; repeat for several (any of them).",
        ),
        click.option(
            "-o", "--output", required=True, help="The file to write, or - for standard output."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(
    date_from: date | None,
    date_to: date | None,
    outlet: str,
    tag: str,
    reviewer: str,
    states: tuple[str, ...],
) -> ClaimFilters:
    return ClaimFilters(
        start=date_from,
        end=date_to,
        outlet=outlet,
        tag=tag,
        reviewer=reviewer,
        states=tuple(dict.fromkeys(states)),
    )


def _cli_user() -> User:
    with db.write_session() as session:
        return users.builtin_user(session, users.CLI_USER)


@export_group.command(
    "csv", epilog="Example: workbench export csv -o claims.csv --from 2025-01-01 --state approved"
)
@_filter_options
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM (for Excel).")
@json_option
def export_csv(output: str, bom: bool, **narrowed: Any) -> None:
    """Write the CSV claim report, one row per claim. Spreadsheet formulas are neutralised;
    the file is replaced only when complete."""
    filters, actor = _filters(**narrowed), _cli_user()
    if output == "-":
        for chunk in csv_chunks(actor, filters=filters, bom=bom):
            sys.stdout.write(chunk)
        return
    with progress("Exporting", unit="claims") as step:
        rows = write_csv(
            actor, output, filters=filters, bom=bom, on_progress=lambda done: step(done, None)
        )
    emit({"file": output, "claims": rows}, f"Wrote {rows:,} claims to {output}.")


@export_group.command(
    "claimreview", epilog="Example: workbench export claimreview -o claimreview.jsonld"
)
@_filter_options
@json_option
def export_claimreview(output: str, **narrowed: Any) -> None:
    """Write the ClaimReview JSON-LD feed of published verdicts. Invalid ones are reported
    and left out."""
    feed, issues = claimreview_feed(_cli_user(), filters=_filters(**narrowed))
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    if output == "-":
        print(text)
    else:
        replace_file(output, [text, "\n"])
    left_out = sorted({i.claim_id for i in issues if i.level == "error"})
    lines = [
        f"Wrote {len(feed['@graph']):,} ClaimReview objects to {output}; "
        f"{len(left_out):,} claims left out."
    ]
    lines += [f"  claim {i.claim_id}: {i.level}: {i.message}" for i in issues]
    if output != "-":
        emit(
            {
                "file": output,
                "exported": len(feed["@graph"]),
                "left_out": left_out,
                "issues": [vars(i) for i in issues],
            },
            "\n".join(lines),
        )
    elif issues:
        print("\n".join(lines[1:]), file=sys.stderr)


def _delimiter(value: str | None, path: Path) -> str:
    if value is None:
        return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    return _DELIMITERS.get(value.lower(), value)


@import_group.command(
    "csv",
    epilog="Example: workbench import csv claims.tsv --columns statement=2,rating=1 --dry-run",
)
@click.argument("file", help="The CSV or TSV file to import.")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option(
    "--delimiter",
    help="One character, or tab, comma, semicolon or pipe (default: tab for .tsv, else comma).",
)
@click.option(
    "--quoting",
    type=click.Choice(["minimal", "none"]),
    default="minimal",
    show_default=True,
    help="none for files with stray quotes (LIAR); minimal (RFC 4180) else.",
)
@click.option(
    "--columns",
    default="",
    help="Mapping, e.g. statement=2,claimant=4,rating=1,tags=3 (0-based) or statement=vclaim "
    "(header names).",
)
@click.option(
    "--rating-map",
    help="A TSV of “their label<TAB>our label”, or a built-in: " + ", ".join(builtin_maps()),
)
@click.option("--no-header", is_flag=True, help="The first line is a record, not a header.")
@click.option(
    "--restore",
    is_flag=True,
    help="Keep the file's approvals (an admin restoring an export): people it names who have "
    "no account are created deactivated; audited.",
)
@json_option
def import_csv(
    file: str,
    dry_run: bool,
    delimiter: str | None,
    quoting: str,
    columns: str,
    rating_map: str | None,
    no_header: bool,
    restore: bool,
) -> None:
    """Import claims from the CSV report or a foreign file. Every row is checked first; with
    any problem nothing is written, and each one is listed with its line."""
    path = Path(file)
    options = ReadOptions(
        delimiter=_delimiter(delimiter, path),
        quoting=quoting,
        header=not no_header,
        columns=columns,
    )
    mapping = load_rating_map(rating_map) if rating_map else None
    try:
        with progress("Importing") as step:
            report = run_import(
                _cli_user(),
                path,
                options,
                rating_map=mapping,
                restore=restore,
                dry_run=dry_run,
                source_name=path.name,
                on_progress=step,
            )
    except ImportFailed as failed:
        report = failed.report
    verb = "Would import" if dry_run else "Imported"
    lines = [
        f"{verb} {path.name}: {report.records:,} records — {report.created:,} new, "
        f"{report.updated:,} updated, {report.unchanged:,} unchanged "
        f"({report.seconds:.2f} s, database locked {report.write_seconds:.2f} s)."
    ]
    if report.proposed:
        lines.append(
            f"{report.proposed:,} ratings are proposed verdicts: an editor approves "
            "them in the review queue."
        )
    if report.restored:
        lines.append(f"{report.restored:,} approved verdicts restored from the file.")
    lines += [f"note: {note}" for note in report.notes]
    lines += [
        f"line {e.line}{', ' + e.column if e.column else ''}: {e.message}" for e in report.errors
    ]
    if report.errors:
        lines[0] = f"{path.name}: {len(report.errors):,} problems; nothing was imported."
    emit(report.as_dict(), "\n".join(lines))
    if report.errors:
        raise WorkbenchError(
            f"{len(report.errors):,} problems in {path.name}; nothing was imported."
        )


@import_group.command(
    "claimreview",
    epilog="Example: workbench import claimreview politifact.jsonld --dry-run --json",
)
@click.argument("file", help="ClaimReview JSON-LD: one object, a list, an @graph or a DataFeed.")
@click.option("--dry-run", is_flag=True, help="Check and count only; write nothing.")
@click.option(
    "--rating-map",
    help="A TSV of “their label<TAB>our label”, tried first, or a built-in: "
    + ", ".join(builtin_maps()),
)
@json_option
def import_claimreview(file: str, dry_run: bool, rating_map: str | None) -> None:
    """Import other fact-checkers' reviews as read-only, approved claims of theirs, so
    "seen before?" names them. A stored review is left as it is; a broken one is skipped
    with its reason and the others are imported. Nothing is fetched."""
    path = Path(file)
    report = run_claimreview_import(
        _cli_user(),
        path,
        rating_map=load_rating_map(rating_map) if rating_map else None,
        dry_run=dry_run,
        source_name=path.name,
    )
    emit(report.as_dict(), report.describe())

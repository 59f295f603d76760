"""``workbench export csv|claimreview`` and ``workbench import csv``.

Kept apart from ``cli.py`` (which calls :func:`register`) so the report commands
can grow without crowding the core commands. Human output by default, ``--json``
for scripts; an import with problems prints every one with its line number and
exits non-zero with nothing written.

The commands act as the built-in ``cli`` admin. ``import csv`` brings ratings in as
*proposed* verdicts by ``cli``, which any editor approves in the review queue (the
two-person rule holds for the command line too); ``import csv --restore`` keeps the
file's historical approvals, recorded in the audit trail as "restored from FILE, line
N, by cli" (see ``workbench.reports.csv_import``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench import db, users
from workbench.cli_output import emit
from workbench.errors import WorkbenchError
from workbench.files import replace_file
from workbench.filters import ClaimFilters
from workbench.models import ClaimState, User
from workbench.reports.claimreview import claimreview_feed
from workbench.reports.csv_export import csv_chunks, write_csv
from workbench.reports.csv_import import ImportFailed, run_import
from workbench.reports.csv_read import ReadOptions
from workbench.reports.rating_map import builtin_maps, load_rating_map
from workbench.validation import parse_day

_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _filters(args: argparse.Namespace) -> ClaimFilters:
    """The dashboard's filters (:class:`workbench.filters.ClaimFilters`) from the flags; dates
    under the rule the drafts use."""
    return ClaimFilters(
        start=parse_day(args.date_from, field="--from"),
        end=parse_day(args.date_to, field="--to"),
        outlet=args.outlet or "",
        tag=args.tag or "",
        reviewer=args.reviewer or "",
        states=tuple(dict.fromkeys(args.state or ())),
    )


def _cli_user() -> User:
    with db.write_session() as session:
        return users.builtin_user(session, users.CLI_USER)


def cmd_export_csv(args: argparse.Namespace) -> None:
    filters, actor = _filters(args), _cli_user()
    if args.output == "-":
        for chunk in csv_chunks(actor, filters=filters, bom=args.bom):
            sys.stdout.write(chunk)
        return
    rows = write_csv(actor, args.output, filters=filters, bom=args.bom)
    emit(args, {"file": args.output, "claims": rows}, f"Wrote {rows:,} claims to {args.output}.")


def cmd_export_claimreview(args: argparse.Namespace) -> None:
    feed, issues = claimreview_feed(_cli_user(), filters=_filters(args))
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    if args.output == "-":
        print(text)
    else:
        replace_file(args.output, [text, "\n"])
    left_out = sorted({i.claim_id for i in issues if i.level == "error"})
    lines = [
        f"Wrote {len(feed['@graph']):,} ClaimReview objects to {args.output}; "
        f"{len(left_out):,} claims left out."
    ]
    lines += [f"  claim {i.claim_id}: {i.level}: {i.message}" for i in issues]
    if args.output != "-":
        emit(
            args,
            {
                "file": args.output,
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


def _progress(done: int, total: int) -> None:
    print(f"\r{100 * done // max(total, 1)}%", end="" if done < total else "\n", file=sys.stderr)


def cmd_import_csv(args: argparse.Namespace) -> None:
    path = Path(args.file)
    options = ReadOptions(
        delimiter=_delimiter(args.delimiter, path),
        quoting=args.quoting,
        header=not args.no_header,
        columns=args.columns or "",
    )
    rating_map = load_rating_map(args.rating_map) if args.rating_map else None
    try:
        report = run_import(
            _cli_user(),
            path,
            options,
            rating_map=rating_map,
            restore=args.restore,
            dry_run=args.dry_run,
            source_name=path.name,
            on_progress=_progress if sys.stderr.isatty() else None,
        )
    except ImportFailed as failed:
        report = failed.report
    verb = "Would import" if args.dry_run else "Imported"
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
    emit(args, report.as_dict(), "\n".join(lines))
    if report.errors:
        raise WorkbenchError(
            f"{len(report.errors):,} problems in {path.name}; nothing was imported."
        )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", help="claims created on or after YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", help="claims created on or before YYYY-MM-DD")
    parser.add_argument("--outlet", help="the article's outlet")
    parser.add_argument("--tag")
    parser.add_argument("--reviewer", help="user name of the person who created the claim")
    parser.add_argument(
        "--state",
        action="append",
        choices=[s.value for s in ClaimState],
        help="workflow state; repeat for several (any of them)",
    )
    parser.add_argument("-o", "--output", required=True, help="file to write, or - for stdout")


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` and ``import`` command groups to the ``workbench`` parser."""
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts")
    export = groups.add_parser("export", help="reports out").add_subparsers(
        dest="command", required=True
    )
    csv_cmd = export.add_parser("csv", parents=[json_flag], help="the CSV claim report")
    _add_filters(csv_cmd)
    csv_cmd.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (Excel)")
    csv_cmd.set_defaults(handler=cmd_export_csv)
    review = export.add_parser(
        "claimreview", parents=[json_flag], help="ClaimReview JSON-LD feed of published verdicts"
    )
    _add_filters(review)
    review.set_defaults(handler=cmd_export_claimreview)

    importing = groups.add_parser("import", help="reports in").add_subparsers(
        dest="command", required=True
    )
    imp = importing.add_parser(
        "csv", parents=[json_flag], help="import claims from the CSV report or a foreign file"
    )
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    imp.add_argument(
        "--delimiter",
        help="one character, or tab/comma/semicolon/pipe (default: tab for .tsv, else comma)",
    )
    imp.add_argument(
        "--quoting",
        choices=["minimal", "none"],
        default="minimal",
        help="none for files with stray quotes (LIAR); minimal (RFC 4180) else",
    )
    imp.add_argument(
        "--columns",
        help="mapping, e.g. statement=2,claimant=4,rating=1,tags=3 "
        "(0-based) or statement=vclaim (header names)",
    )
    imp.add_argument(
        "--rating-map",
        help="TSV “their label<TAB>our label”, or a built-in: " + ", ".join(builtin_maps()),
    )
    imp.add_argument("--no-header", action="store_true", help="the first line is a record")
    imp.add_argument(
        "--restore",
        action="store_true",
        help="keep the file's approvals (admin restore of an export): people it "
        "names who have no account are created deactivated; audited",
    )
    imp.set_defaults(handler=cmd_import_csv)

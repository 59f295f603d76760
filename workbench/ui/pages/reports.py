"""Reports: the CSV claim report, the ClaimReview feed, and CSV import.

Downloads are built only when clicked (``st.download_button(data=callable)``), with
the dashboard's filters: the same widgets, bound to the same URL query parameters
(``dash_dates``, ``dash_outlet``, ``dash_tag``, ``dash_reviewer``, ``dash_states``), so a
filtered report can be bookmarked and a dashboard link opens the same rows here. User
text is shown only through dataframes, ``st.text`` and ``st.code``.
"""

import csv
import io
import json

import streamlit as st

from workbench import actions, loaders
from workbench.errors import PermissionDenied, WorkbenchError
from workbench.models import Role
from workbench.permissions import REVIEW_DESK
from workbench.reports.claimreview import claimreview_feed
from workbench.reports.columns import COLUMNS
from workbench.reports.csv_import import ImportFailed, ImportReport, Progress, run_import
from workbench.reports.csv_read import QUOTING, ReadOptions, decode, target
from workbench.reports.rating_map import builtin_maps, load_rating_map, parse_rating_map
from workbench.ui import routes
from workbench.ui.components.claim_filters import dashboard_filters
from workbench.ui.components.report_download import csv_download
from workbench.ui.context import credentials
from workbench.ui.safe import md

DELIMITERS = {"comma ,": ",", "tab": "\t", "semicolon ;": ";", "pipe |": "|"}
NOT_MAPPED = "(not mapped)"
MAIN_FIELDS = (
    "statement",
    "claimant",
    "claim_date",
    "type",
    "tags",
    "rating_label",
    "rationale",
    "quote",
    "claim_id",
    "version",
)

st.title("Reports")
try:
    desk = loaders.filter_page(credentials(), REVIEW_DESK, "see the reports")
except PermissionDenied as refused:
    st.error(str(refused))
    st.stop()

st.subheader("Filters")
st.caption(
    "The dashboard's filters: a dashboard link's query string selects the same claims "
    "here, and the report has exactly the claims the dashboard counts."
)
filters = dashboard_filters(desk.options)

st.subheader("CSV claim report")
st.caption(
    "One row per claim, every documented column. Cells that a spreadsheet would run "
    "as a formula start with an apostrophe."
)
csv_download(filters, key="reports")

st.subheader("ClaimReview (schema.org JSON-LD)")
if st.button("Check the published verdicts", key="reports_claimreview_check"):
    feed, issues = actions.run_as(credentials(), claimreview_feed, filters=filters)
    st.session_state[routes.CLAIMREVIEW_CHECK] = (
        json.dumps(feed, ensure_ascii=False, indent=2),
        len(feed["@graph"]),
        [vars(issue) for issue in issues],
    )
prepared = st.session_state.get(routes.CLAIMREVIEW_CHECK)
if prepared:
    feed_text, exported, issues = prepared
    left_out = len({i["claim_id"] for i in issues if i["level"] == "error"})
    st.text(f"{exported:,} ClaimReview objects ready; {left_out:,} claims left out.")
    if issues:
        st.dataframe(issues, key="reports_claimreview_issues", hide_index=True)
    st.download_button(
        "Download the ClaimReview feed",
        data=feed_text,
        file_name="claimreview.jsonld",
        mime="application/ld+json",
        key="reports_claimreview_download",
        on_click="ignore",
        icon="⬇️",
    )

st.subheader("Import claims from CSV")
upload = st.file_uploader(
    "A CSV or TSV file (UTF-8)", type=["csv", "tsv", "txt"], key="reports_upload"
)
left, middle, right = st.columns(3)
delimiter = DELIMITERS[left.selectbox("Delimiter", list(DELIMITERS), key="reports_delimiter")]
quoting = middle.selectbox(
    "Quoting",
    list(QUOTING),
    key="reports_quoting",
    help="“none” for files with stray quote marks (e.g. LIAR)",
)
header = right.checkbox("First line is a header", value=True, key="reports_header")
map_choice = left.selectbox(
    "Rating map", ["(labels are ours)", *builtin_maps(), "upload a map…"], key="reports_rating_map"
)
restore = False
if desk.person.role == Role.admin:
    restore = right.checkbox(
        "Restore approvals (admin)",
        key="reports_restore",
        help="Keep the file's historical approvals (restoring an export). Otherwise ratings "
        "arrive as proposed verdicts that a second editor approves in the review queue. "
        "People the file names who have no account are created deactivated.",
    )
map_upload = None
if map_choice == "upload a map…":
    map_upload = middle.file_uploader(
        "Rating map (TSV: their label, tab, our label)",
        type=["tsv", "txt"],
        key="reports_rating_map_file",
    )


def _sample(data: bytes) -> list[list[str]]:
    """The first rows, to offer the file's columns in the mapping selectboxes."""
    text = decode(data)[:200_000]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, quoting=QUOTING[quoting]
    )
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) == 3:
            break
    return rows


mapping = ""
if upload is not None:
    try:
        sample = _sample(upload.getvalue())
    except Exception as error:  # noqa: BLE001 - any parse problem is shown, not raised
        st.error("Cannot read the start of the file with these options:")
        st.text(str(error))
        sample = []
    if sample:
        first = sample[0]
        names = first if header else [f"column {i}" for i in range(len(first))]
        labels = [NOT_MAPPED] + [f"{i}: {name[:40]}" for i, name in enumerate(names)]
        st.text("Map the file's columns onto the report's columns:")
        chosen = {}
        grid = st.columns(3)
        extra = [c for c in COLUMNS if c not in MAIN_FIELDS]
        for n, field in enumerate([*MAIN_FIELDS, *extra]):
            default = next(
                (i + 1 for i, name in enumerate(names) if header and target(name) == field), 0
            )
            choice = grid[n % 3].selectbox(field, labels, index=default, key=f"reports_map_{field}")
            if choice != NOT_MAPPED:
                chosen[field] = labels.index(choice) - 1
        mapping = ",".join(f"{field}={index}" for field, index in chosen.items())
        st.code(mapping or "(nothing mapped)", language=None)


def _run(dry_run: bool, progress: Progress | None = None) -> ImportReport | None:
    """Check the file in a read session, then write it in one short transaction, so
    colleagues' saves are not held up while the file is read."""
    assert upload is not None  # the buttons that run this are shown only with a file
    options = ReadOptions(delimiter=delimiter, quoting=quoting, header=header, columns=mapping)
    try:
        rating_map = None
        if map_choice in builtin_maps():
            rating_map = load_rating_map(map_choice)
        elif map_upload is not None:
            rating_map = parse_rating_map(decode(map_upload.getvalue()), map_upload.name)
        return actions.run_as(
            credentials(),
            run_import,
            upload.getvalue(),
            options,
            rating_map=rating_map,
            restore=restore,
            dry_run=dry_run,
            source_name=upload.name,
            on_progress=progress,
        )
    except ImportFailed as failed:
        return failed.report
    except WorkbenchError as error:
        st.error(md(str(error)))
        return None


if upload is not None and mapping:
    left, right = st.columns(2)
    report = None
    if left.button("Dry run (check only)", key="reports_dry_run"):
        report = _run(dry_run=True)
    if right.button("Import", type="primary", key="reports_import"):
        bar = st.progress(0.0, text="Importing…")
        report = _run(
            dry_run=False,
            progress=lambda done, total: bar.progress(
                min(1.0, done / max(total, 1)), text=f"{100 * done // max(total, 1)}%"
            ),
        )
    if report is not None:
        if report.errors:
            st.error(f"{len(report.errors):,} problems: nothing was imported.")
            st.dataframe(
                [{"line": e.line, "column": e.column, "problem": e.message} for e in report.errors],
                key="reports_errors",
                hide_index=True,
            )
        elif report.dry_run:
            st.success(
                f"No problems: {report.created:,} new and {report.updated:,} updated "
                f"claims would be imported."
            )
        else:
            st.success(
                f"Imported: {report.created:,} new, {report.updated:,} updated, "
                f"{report.unchanged:,} unchanged."
            )
            if report.proposed:
                st.info(
                    f"{report.proposed:,} ratings are proposed verdicts: a second editor "
                    "approves them in the review queue."
                )
        for note in report.notes:
            st.text(note)

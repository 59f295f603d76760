"""Importing the claim report (or a foreign file through a column mapping).

* **All or nothing.** Every record is checked first; any problem and nothing is
  written. The writes then happen in the caller's one write transaction, so a
  failure there (a concurrent edit, say) rolls everything back too.
* **Create or update by ``claim_id``.** A stored id is an update, applied through
  :func:`workbench.claims.update_claim` with the file's ``version`` (a stale row is
  refused) and audited as the importing user. Only the editable columns
  (statement, claimant, claim_date, type, tags) change; spans, states and verdicts
  have a workflow and must match. An id that is not stored yet creates the claim
  *with that id* (restoring an export); no id creates a new one.
* **Creates are bulk inserts** (thousands per second), each with an ``import``
  audit event naming the file and line.
* **Ratings** become approved verdicts (the report only carries published ones):
  written by the file's ``reviewer`` (or the importer) and approved by its
  ``approver``, who must be someone else; with no approver, ``reviewer_id`` stays
  empty and the review comment says the verdict was approved outside the
  workbench. Importing ratings needs an editor. Evidence comes back as one link
  per listed source (stance "context"; the first ``independent_source_count``
  sources marked independent, as the export lists them first).
* Timestamps, ids and versions in the file are kept when creating, so
  export → import into an empty database → export gives the same bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from workbench.claims import update_claim
from workbench.errors import WorkbenchError
from workbench.models import Article, Claim, User, utcnow
from workbench.permissions import EDITORS, REVIEW_DESK, require
from workbench.ratings import default_scale, ratings_of
from workbench.reports.bulk import insert_claims
from workbench.reports.csv_read import ReadOptions, RowError, read_records
from workbench.reports.import_rows import Context, NewClaim, Problems, Update, plan_row
from workbench.reports.query import report_row, report_select
from workbench.reports.rating_map import RatingMap

Progress = Callable[[int, int], None]
CHUNK = 500


class ImportFailed(WorkbenchError):
    """Raised when writing fails after the checks passed; the transaction rolls back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("; ".join(str(e) for e in report.errors[:5]) or "Import failed.")
        self.report = report


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or with errors, would do)."""

    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unrated: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in vars(self).items() if k != "errors"},
                "errors": [{"line": e.line, "column": e.column, "message": e.message}
                           for e in self.errors]}


def _chunks(items: list[Any], size: int = CHUNK) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _context(session: Session, actor: User, records: list[tuple[int, dict[str, str]]],
             rating_map: RatingMap | None) -> Context:
    """Ratings, users, the articles named by URL and the claims named by id, loaded in bulk."""
    ratings = {r.label.casefold(): r for r in ratings_of(session, default_scale(session).id)}
    users = {name: uid for uid, name in session.exec(select(User.id, User.name))}
    urls = sorted({c.get("article_url", "").strip() for _, c in records} - {""})
    articles: dict[str, list[Article]] = {}
    for chunk in _chunks(urls):
        for article in session.exec(select(Article).where(col(Article.url).in_(chunk))):
            articles.setdefault(article.url, []).append(article)
    ids = sorted({int(c["claim_id"]) for _, c in records
                  if c.get("claim_id", "").strip().isdigit()})
    existing: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for raw in session.execute(report_select().where(col(Claim.id).in_(chunk))):
            row = report_row(raw)
            existing[row["claim_id"]] = row
    return Context(actor=actor, now=utcnow().replace(microsecond=0), ratings=ratings,
                   rating_map=rating_map, users=users, articles=articles, existing=existing)


def import_csv(session: Session, actor: User, data: bytes | str, options: ReadOptions, *,
               rating_map: RatingMap | None = None, dry_run: bool = False,
               source_name: str = "", on_progress: Progress | None = None) -> ImportReport:
    """Check ``data`` and, unless ``dry_run`` or any record has a problem, write it.

    Runs in the caller's write transaction (``db.write_session`` or the app's ``perform``).
    Problems come back in ``report.errors`` with line numbers; nothing is written then.
    Raises :class:`ImportFailed` if a write fails after the checks, so the caller rolls back.
    """
    started = time.perf_counter()
    require(actor, REVIEW_DESK, "import claims")
    parsed = read_records(data, options)
    report = ImportReport(records=len(parsed.records), errors=parsed.errors,
                          notes=parsed.notes, dry_run=dry_run)
    ctx = _context(session, actor, parsed.records, rating_map)
    creates: list[NewClaim] = []
    updates: list[Update] = []
    total = len(parsed.records)
    for done, (line, cells) in enumerate(parsed.records, start=1):
        plan = plan_row(line, cells, ctx)
        if isinstance(plan, Problems):
            report.errors.extend(RowError(line, message, column) for column, message in plan)
        elif isinstance(plan, NewClaim):
            creates.append(plan)
            report.unrated += plan.verdict is None and bool(cells.get("rating_label", "").strip())
        elif isinstance(plan, Update):
            updates.append(plan)
        else:
            report.unchanged += 1
        if on_progress and done % 1000 == 0:
            on_progress(done // 2, total)
    if any(plan.verdict for plan in creates):
        require(actor, EDITORS, "import published verdicts (ratings)")
    report.errors.sort(key=lambda e: e.line)
    report.created, report.updated = len(creates), len(updates)
    if report.unrated:
        report.notes.append(f"{report.unrated:,} ratings map to no label on our scale: those "
                            "claims are imported without a verdict.")
    if report.errors or dry_run:
        report.seconds = time.perf_counter() - started
        return report
    _write(session, actor, creates, updates, source_name, on_progress, total)
    report.written = True
    report.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(total, total)
    return report


def _write(session: Session, actor: User, creates: list[NewClaim], updates: list[Update],
           source_name: str, on_progress: Progress | None, total: int) -> None:
    """Updates through the claim service, then creates in bulk chunks (ids from the file
    first, so a new automatic id can never take one that a later row names)."""
    work, done = max(1, len(updates) + len(creates)), 0

    def tick(step: int) -> None:
        nonlocal done
        done += step
        if on_progress:
            on_progress(total // 2 + (total - total // 2) * done // work, total)

    for plan in updates:
        try:
            update_claim(session, actor, plan.claim_id, plan.version, **plan.changes)
        except WorkbenchError as error:
            raise ImportFailed(ImportReport(errors=[RowError(plan.line, str(error))])) from error
        tick(1)
    creates = sorted(creates, key=lambda plan: "id" not in plan.claim)
    for chunk in _chunks(creates, 1000):
        insert_claims(session, actor, chunk, source_name)
        tick(len(chunk))

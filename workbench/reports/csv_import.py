"""Importing the claim report (or a foreign file through a column mapping).

* **Two phases, so an import never makes a colleague's save fail.** Phase 1
  (:func:`check_import`, a read session) streams the file, checks every record and
  builds compact plans and search documents; phase 2 (:func:`write_import`, one write
  transaction) only inserts, in bulk, so the write lock is held for the write alone
  (LIAR train: about 1.8 s of a 5 s import; ``report.write_seconds`` says how long, commit
  included), never while the file is read. :func:`run_import` runs both.
* **All or nothing.** Any problem and nothing is written; a failure in phase 2 rolls
  the whole transaction back. Updates are re-checked in phase 2: a claim saved by
  someone between the phases refuses the import with its line number.
* **Create or update by ``claim_id``.** A stored id is an update, applied through
  :func:`workbench.claims.update_claim` with the file's ``version`` (a stale row is
  refused) and audited as the importing user. Only the editable columns
  (statement, claimant, claim_date, type, tags) change; spans, states and verdicts
  have a workflow and must match. An id that is not stored yet creates the claim
  *with that id*; no id creates a new one.
* **Ratings arrive as proposed verdicts** (two-person rule): written by the importing
  user, the claim ``in_review``, waiting in the review queue for a second editor.
  Nothing imported appears in the ClaimReview feed before that approval.
* **Restore** (``restore=True``, admins only) keeps a file's historical approvals:
  verdicts stay approved with their ``approved_at``; the ``reviewer`` and ``approver``
  named in the file are matched by account name, or created as *deactivated*
  accounts (no password, cannot sign in) so no one is invented as an active
  colleague; a rating without an approver is marked as approved outside the
  workbench. The audit trail says "restored from FILE, line N, by ADMIN". Timestamps,
  ids and versions are kept, so export → restore into an empty database → export
  gives the same bytes. Articles the file names by URL that are not stored are
  created from its ``article_title`` and quotes (in both modes).
* **Other fact-checkers' reviews stay theirs.** A row with a ``review_url`` (an exported
  ClaimReview import) that names no stored claim is skipped and counted (``skipped``):
  created from a CSV file it would become the desk's own claim and verdict, published in
  its ClaimReview feed. Importing their ClaimReview file again brings it back read-only.
* **Limits.** A dry run streams any size. A real import keeps one compact plan per
  row until the write (about 1–2 KB each), so it takes at most
  :data:`MAX_WRITE_RECORDS` records; split bigger files. At most :data:`MAX_ERRORS`
  problems are listed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from workbench import db, embeddings
from workbench.claims import update_claim
from workbench.errors import InvalidInput, WorkbenchError
from workbench.models import Article, Claim, User, stored_id, utcnow
from workbench.permissions import ADMINS, REVIEW_DESK, require
from workbench.ratings import default_scale, ratings_of
from workbench.reports.bulk import Prepared, Vectors, insert_claims, prepare_import
from workbench.reports.csv_read import ReadOptions, RecordReader, RowError, Source
from workbench.reports.import_rows import (
    Context,
    ExternalRow,
    NewArticle,
    NewClaim,
    Problems,
    Update,
    build_new_articles,
    plan_row,
    read_int,
)
from workbench.reports.query import report_row, report_select
from workbench.reports.rating_map import RatingMap
from workbench.sql import select_columns

_LOG = logging.getLogger(__name__)
#: ``on_progress(done, total)``: per mille of the whole import (checking is the first half);
#: what it returns is ignored (a progress bar's ``progress`` returns the bar).
Progress = Callable[[int, int], object]
CHUNK = 1000
MAX_WRITE_RECORDS = 500_000
MAX_ERRORS = 10_000
Records = list[tuple[int, dict[str, str]]]
BUSY = (
    "The database is busy (someone is saving or another import is running); nothing "
    "was imported. Try again in a moment."
)
DISK_FULL = "The disk is full — nothing was imported. Free some space and try again."
REFUSED = (
    "The database refused the import; nothing was imported. Try again, or ask an "
    "admin to look at the server's log."
)
_TROUBLE = {db.Trouble.BUSY: BUSY, db.Trouble.FULL: DISK_FULL}


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
    skipped: int = 0
    unrated: int = 0
    proposed: int = 0
    restored: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0
    write_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in vars(self).items() if k != "errors"},
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


@dataclass
class ImportPlan:
    """Phase 1's result: the report so far and what phase 2 writes."""

    report: ImportReport
    restore: bool
    source_name: str
    creates: list[NewClaim] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    articles: list[NewArticle] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    started: float = 0.0
    #: The rows to insert, built before the write (SQLite; see ``bulk.prepare_import``).
    prepared: Prepared | None = None
    #: The new claims' sentence vectors, encoded before the write (``workbench.embeddings``).
    vectors: Vectors | None = None


def _context(
    session: Session, actor: User, rating_map: RatingMap | None, restore: bool, dry_run: bool
) -> Context:
    scale_id = stored_id(default_scale(session))
    ratings = {r.label.casefold(): r for r in ratings_of(session, scale_id)}
    users: dict[str, int] = dict(session.exec(select_columns(User.name, User.id)).all())
    return Context(
        actor=actor,
        now=utcnow().replace(microsecond=0),
        ratings=ratings,
        rating_map=rating_map,
        users=users,
        restore=restore,
        search_docs=not dry_run,
    )


def _load_chunk(session: Session, ctx: Context, records: Records) -> None:
    """The articles named by URL and the claims named by id in ``records``, in bulk."""
    urls = sorted({c.get("article_url", "").strip() for _, c in records} - {""})
    ctx.articles = {}
    if urls:
        for article in session.exec(select(Article).where(col(Article.url).in_(urls))):
            ctx.articles.setdefault(article.url, []).append(article)
    ids = sorted(
        {
            claim_id
            for _, c in records
            if (claim_id := read_int(c.get("claim_id", ""), "claim_id", Problems(), 1))
        }
    )
    ctx.existing = {}
    if ids:
        for raw in session.execute(report_select().where(col(Claim.id).in_(ids))):
            row = report_row(raw)
            ctx.existing[row["claim_id"]] = row


def _chunks(reader: RecordReader, report: ImportReport) -> Iterator[Records]:
    chunk: Records = []
    for item in reader:
        if isinstance(item, RowError):
            _problem(report, item)
            continue
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _problem(report: ImportReport, error: RowError) -> None:
    if len(report.errors) < MAX_ERRORS:
        report.errors.append(error)
    elif len(report.errors) == MAX_ERRORS:
        report.errors.append(
            RowError(
                error.line,
                f"more problems after this line are not listed (the first {MAX_ERRORS:,} are)",
            )
        )


def check_import(
    session: Session,
    actor: User,
    source: Source,
    options: ReadOptions,
    *,
    rating_map: RatingMap | None = None,
    restore: bool = False,
    dry_run: bool = False,
    source_name: str = "",
    on_progress: Progress | None = None,
) -> ImportPlan:
    """Phase 1: stream and check ``source`` in a read session; nothing is written.

    Problems come back in ``plan.report.errors`` with line numbers. A dry run keeps no
    plans, so its memory does not grow with the file. Raises PermissionDenied (restore
    needs an admin) and InvalidInput (unreadable file, or too big to write at once).
    """
    started = time.perf_counter()
    require(
        actor,
        ADMINS if restore else REVIEW_DESK,
        "restore approvals from a file" if restore else "import claims",
    )
    report = ImportReport(dry_run=dry_run)
    plan = ImportPlan(report, restore, source_name, started=started)
    ctx = _context(session, actor, rating_map, restore, dry_run)
    reader = RecordReader(source, options)
    try:
        for chunk in _chunks(reader, report):
            _load_chunk(session, ctx, chunk)
            for line, cells in chunk:
                _plan(plan, ctx, line, cells, dry_run)
            if on_progress and reader.total_bytes:
                on_progress(500 * reader.bytes_read // reader.total_bytes, 1000)
    finally:
        reader.close()
    report.records = reader.records
    report.notes = reader.notes + report.notes
    for line, message in build_new_articles(ctx):
        _problem(report, RowError(line, message, "quote"))
    report.errors.sort(key=lambda e: e.line)
    plan.articles, plan.people = list(ctx.new_articles.values()), list(ctx.people)
    if report.skipped:
        report.notes.append(
            f"{report.skipped:,} rows are other fact-checkers' reviews (review_url) that "
            "are not stored: skipped. Import their ClaimReview files to bring them back."
        )
    if report.unrated:
        report.notes.append(
            f"{report.unrated:,} ratings map to no label on our scale: those "
            "claims are imported without a verdict."
        )
    if ctx.new_articles:
        report.notes.append(
            f"{len(ctx.new_articles):,} articles named by URL are not stored: "
            "they are created from the file's titles and quotes (the file "
            "has no article text)."
        )
    report.seconds = time.perf_counter() - started
    return plan


def _plan(plan: ImportPlan, ctx: Context, line: int, cells: dict[str, str], dry_run: bool) -> None:
    report = plan.report
    result = plan_row(line, cells, ctx)
    if isinstance(result, Problems):
        for column, message in result:
            _problem(report, RowError(line, message, column))
        return
    if result is None:
        report.unchanged += 1
        return
    if isinstance(result, ExternalRow):
        report.skipped += 1
        return
    if isinstance(result, NewClaim):
        report.created += 1
        report.unrated += result.rating_id is None and bool(cells.get("rating_label", "").strip())
        rated = result.rating_id is not None
        report.restored += rated and plan.restore
        report.proposed += rated and not plan.restore
    else:
        report.updated += 1
    if dry_run:
        return
    if report.created + report.updated > MAX_WRITE_RECORDS:
        raise InvalidInput(
            f"The file has more than {MAX_WRITE_RECORDS:,} claims to import "
            "at once; split it (a dry run checks any size)."
        )
    if isinstance(result, NewClaim):
        plan.creates.append(result)
    else:
        plan.updates.append(result)


def write_import(session: Session, actor: User, plan: ImportPlan) -> ImportReport:
    """Phase 2: write a checked plan in the caller's write transaction.

    Updates are re-checked against the stored versions and claims named by id must
    still be free (someone may have saved between the phases): otherwise raises
    :class:`ImportFailed` with the line, and the caller's transaction rolls back.
    """
    report = plan.report
    if report.errors or report.dry_run:
        return report
    started = time.perf_counter()
    require(actor, ADMINS if plan.restore else REVIEW_DESK, "import claims")
    for update in plan.updates:
        try:
            update_claim(session, actor, update.claim_id, update.version, **update.changes)
        except WorkbenchError as error:
            raise ImportFailed(ImportReport(errors=[RowError(update.line, str(error))])) from error
    _check_ids_free(session, plan.creates)
    try:
        insert_claims(
            session,
            actor,
            plan.creates,
            articles=plan.articles,
            people=plan.people,
            restore=plan.restore,
            source_name=plan.source_name,
            prepared=plan.prepared,
            vectors=plan.vectors,
        )
        session.flush()
    except InvalidInput as error:  # a restored person's name that is not a valid account
        raise ImportFailed(ImportReport(errors=[RowError(0, str(error))])) from error
    report.written = True
    report.write_seconds = time.perf_counter() - started
    report.seconds = time.perf_counter() - plan.started
    return report


def _check_ids_free(session: Session, creates: list[NewClaim]) -> None:
    """Refuse if a claim the file names by id was created since the check. One range query
    per 1,000 named ids (an export's ids are dense), not an IN list to compile each time."""
    named = {plan.claim_id: plan.line for plan in creates if plan.claim_id is not None}
    ids = sorted(named)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        stored = session.exec(
            select(Claim.id).where(col(Claim.id).between(chunk[0], chunk[-1]))
        ).all()
        taken = next((claim_id for claim_id in stored if claim_id in named), None)
        if taken is not None:
            raise ImportFailed(
                ImportReport(
                    errors=[
                        RowError(
                            named[taken],
                            (
                                f"claim {taken} was created by someone else while this file "
                                "was being checked; nothing was imported. Import it again."
                            ),
                            "claim_id",
                        )
                    ]
                )
            )


def _encode(creates: list[NewClaim], on_progress: Progress | None) -> Vectors | None:
    """The new claims' vectors when a model is configured, encoded before the write lock
    (about 5 ms a claim on one core); progress from 50% to 95% of the import."""
    model = embeddings.encoder()
    if model is None or not creates:
        return None

    def step(done: int, total: int) -> None:
        if on_progress:
            on_progress(500 + 450 * done // total, 1000)

    texts = [plan.statement for plan in creates]
    return model.name, embeddings.encode_claims(model, texts, step)


def run_import(
    actor: User,
    source: Source,
    options: ReadOptions,
    *,
    engine: Engine | None = None,
    rating_map: RatingMap | None = None,
    restore: bool = False,
    dry_run: bool = False,
    source_name: str = "",
    on_progress: Progress | None = None,
) -> ImportReport:
    """Check ``source`` in a read session, then (unless ``dry_run`` or any problem) write
    it in one short write transaction. Returns the report; raises :class:`ImportFailed`
    when writing was refused, WorkbenchError with a plain message when the database is
    busy or the disk is full (never SQL)."""
    with db.read_session(engine) as session:
        plan = check_import(
            session,
            actor,
            source,
            options,
            rating_map=rating_map,
            restore=restore,
            dry_run=dry_run,
            source_name=source_name,
            on_progress=on_progress,
        )
        if plan.report.errors or dry_run:
            return plan.report
        plan.prepared = prepare_import(
            session,
            actor,
            plan.creates,
            articles=plan.articles,
            people=plan.people,
            restore=restore,
            source_name=source_name,
        )
    plan.vectors = _encode(plan.creates, on_progress)
    locked = time.perf_counter()
    try:
        with db.write_session(engine) as session:
            report = write_import(session, actor, plan)
    except OperationalError as error:
        kind = db.trouble(error)
        _LOG.warning(
            "import refused: database %s",
            kind.value if kind else "error",
            extra={"actor_id": actor.id, "actor_name": actor.name, "source": source_name},
        )
        raise WorkbenchError(_TROUBLE[kind] if kind else REFUSED) from None
    # The lock is held from the first write to the commit: report that, commit included.
    report.write_seconds = time.perf_counter() - locked
    report.seconds = time.perf_counter() - plan.started
    # Bulk rows skip audit.record's per-write line: one line for the whole import.
    _LOG.info(
        "imported %s",
        source_name or "a file",
        extra={
            "actor_id": actor.id,
            "actor_name": actor.name,
            "source": source_name,
            "claims_created": report.created,
            "claims_updated": report.updated,
            "restore": restore,
            "write_seconds": round(report.write_seconds, 3),
        },
    )
    if on_progress:
        on_progress(1000, 1000)
    return report

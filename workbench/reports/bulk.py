"""Bulk inserts for the importer's write phase: people, articles, claims, tags, sources,
evidence, verdicts, audit events and search documents.

The write phase holds the database's write lock (SQLite's ``BEGIN IMMEDIATE``), so it
must be short: every row was checked and every search document built before it began.
Rows go in with the driver's ``executemany`` (plain tuples, ids assigned here) rather
than SQLAlchemy Core: for 100,000 claims Core's per-row type processing took 2.8 s
and raw ``executemany`` 1.1 s, and ``INSERT … RETURNING`` with ordered ids sends one
statement per row on SQLite. Ids are reserved inside the transaction: on SQLite the
write lock makes ``MAX(id) + 1`` safe, on PostgreSQL they come from the sequence.
Values are converted the way SQLAlchemy stores them (SQLite: text timestamps in UTC,
JSON as text), so the services read imported rows like any other.

Search documents are written in the same transaction, so an imported claim is searchable
the moment it exists and a crash leaves neither claims without documents nor documents
without claims. They go in with one statement per 20,000 (``search.index_claims``): the
FTS5 sync triggers stay in charge, for this writer and every other, but FTS5 flushes
its pending terms at the end of each *statement*, so 100,000 single-row inserts cost
3.6 s CPU through the triggers and 20,000-row statements 1.2 s, as fast as bypassing the
triggers with ``INSERT INTO claim_fts … SELECT``. Indexing in follow-up transactions
after the commit was the alternative; it would leave claims briefly unsearchable (and
need a repair after a crash) to save about a second per 100,000 claims of lock time.
While it writes, the connection gets a larger page cache (:meth:`Rows.roomy_cache`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, text, update
from sqlmodel import Session, col, select

from workbench import nearest_claims, search, summary, users
from workbench.models import (
    AnchorStatus,
    Article,
    Claim,
    Role,
    SourceKind,
    Stance,
    User,
    VerdictStatus,
    stored_id,
    utcnow,
)
from workbench.reports.import_rows import NewArticle, NewClaim, Person
from workbench.text.extract import body_hash

CHUNK = 10_000
#: ``PRAGMA cache_size`` while importing: negative means KiB (64 MiB).
IMPORT_CACHE_KIB = -65_536
CLAIM_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "anchor_status",
    "statement",
    "context",
    "claimant",
    "claim_date",
    "claim_type",
    "score",
    "reasons",
    "state",
    "assignee_id",
    "repeat_of_id",
    "created_by",
    "created_at",
    "updated_at",
    "version",
)
VERDICT_COLUMNS = (
    "id",
    "claim_id",
    "rating_id",
    "conclusion",
    "rationale",
    "author_id",
    "created_at",
    "status",
    "reviewer_id",
    "reviewed_at",
    "review_comment",
    "corrects_id",
    "correction_reason",
    "version",
)
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "entity",
    "entity_id",
    "action",
    "claim_id",
    "changes",
)
EVIDENCE_COLUMNS = (
    "claim_id",
    "source_id",
    "stance",
    "excerpt",
    "independent",
    "added_by",
    "created_at",
)
SOURCE_COLUMNS = (
    "id",
    "url",
    "title",
    "publisher",
    "published",
    "accessed",
    "archive_url",
    "kind",
    "notes",
    "created_by",
    "created_at",
)
ARTICLE_COLUMNS = (
    "id",
    "title",
    "outlet",
    "url",
    "author",
    "published",
    "language",
    "body",
    "body_hash",
    "created_by",
    "created_at",
)
OUTSIDE = "approved outside the workbench"


class Rows:
    """Raw ``executemany`` on the session's connection, with values as SQLAlchemy stores them."""

    def __init__(self, session: Session) -> None:
        self.connection: Connection = session.connection()
        self.sqlite = self.connection.dialect.name == "sqlite"
        self.mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
        self._times: dict[datetime, str] = {}

    def time(self, value: datetime | None) -> Any:
        if value is None or not self.sqlite:
            return value
        text = self._times.get(value)
        if text is None:  # imports repeat a few timestamps (now, the file's) many times
            # The checked plans hold UTC times: drop "+00:00" instead of converting.
            text = (
                value.isoformat(" ", "microseconds")[:-6]
                if value.tzinfo is UTC
                else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            )
            self._times[value] = text
        return text

    @contextmanager
    def roomy_cache(self) -> Iterator[None]:
        """SQLite: a 64 MiB page cache while the import writes (the default 2 MiB cannot
        hold the indexes' pages it touches), back to what it was before the connection
        returns to the pool."""
        if not self.sqlite:
            yield
            return
        before = self.connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
        self.connection.exec_driver_sql(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            self.connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")

    def day(self, value: date | None) -> Any:
        return value.isoformat() if self.sqlite and value is not None else value

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join([self.mark] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - fixed names
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                self.connection.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            self.connection.exec_driver_sql(sql, batch)

    def select_in(self, sql: str, keys: Sequence[Any], chunk: int = 500) -> Iterator[Any]:
        """The rows of ``sql`` (a fixed query whose ``IN ({})`` is filled with
        placeholders) for every key, ``chunk`` keys per statement."""
        for i in range(0, len(keys), chunk):
            part = tuple(keys[i : i + chunk])
            marks = ", ".join([self.mark] * len(part))
            yield from self.connection.exec_driver_sql(sql.format(marks), part)

    def top(self, table: str) -> int:
        """The highest id stored in ``table`` (0 when empty)."""
        statement = f'SELECT COALESCE(MAX(id), 0) FROM "{table}"'  # noqa: S608
        return self.connection.exec_driver_sql(statement).scalar_one()

    def reserve(self, table: str, count: int, *, after: int = 0) -> list[int]:
        """``count`` new ids for ``table``, all above ``after`` (the highest id a file
        names). SQLite: ``MAX(id) + 1`` onwards, safe under the write lock (and checked
        again there when numbered before it). PostgreSQL: from the sequence, moved past
        ``after`` first, since explicit ids do not advance it."""
        if not self.sqlite and after:
            self.connection.execute(
                text(
                    "SELECT setval(s, GREATEST(:after, COALESCE(pg_sequence_last_value(s), 0), 1)) "
                    "FROM (SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass) AS s) AS q"
                ),
                {"t": table, "after": after},
            )
        if count == 0:
            return []
        if self.sqlite:
            top = max(self.top(table), after)
            return list(range(top + 1, top + 1 + count))
        return list(
            self.connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table, "n": count},
            ).scalars()
        )


def create_people(session: Session, actor: User, names: Iterable[str]) -> dict[str, int]:
    """Accounts for people a restored file names who have none: created *deactivated*
    (no password, cannot sign in), so history keeps their name without inventing an
    active colleague. Raises InvalidInput (from ``users``) for a name that is not valid."""
    ids: dict[str, int] = {}
    for name in names:
        person = users.find_user(session, name)
        if person is None:
            person = users.add_user(
                session,
                actor,
                name=name,
                role=Role.reviewer,
                password=None,
                display_name=f"{name} (restored from a file)",
            )
            users.set_active(session, actor, stored_id(person), False)
        ids[name] = stored_id(person)
    session.flush()
    return ids


def _who(person: Person, people: dict[str, int]) -> int | None:
    return people[person] if isinstance(person, str) else person


Table = tuple[str, Sequence[str], list[tuple[Any, ...]]]
#: The model's name and one packed vector per planned claim (``workbench.embeddings``).
Vectors = tuple[str, list[bytes]]


@dataclass
class Prepared:
    """Every row an import writes, numbered and converted, ready for ``executemany``.

    Built before the write lock is taken (:func:`prepare_import`), so the lock is held
    for the inserts alone. The ids are predictions on SQLite (``MAX(id) + 1`` of each
    table when they were numbered, kept in ``tops``); :func:`insert_claims` compares
    them again under the lock and renumbers if anyone wrote in between.
    """

    tops: dict[str, int]
    people: dict[str, int]
    tables: list[Table]
    claim_ids: list[int]
    docs: list[tuple[int, str]]
    #: The dashboard summary of the new rows, counted before the lock
    #: (``summary.facts_apart``), and the outlets of the stored articles it read.
    facts: summary.Facts | None = None
    outlets: dict[int, str] = field(default_factory=dict)


NUMBERED = ("article", "source", "claim", "verdict")


def prepare_import(
    session: Session,
    actor: User,
    plans: list[NewClaim],
    *,
    articles: list[NewArticle],
    people: Iterable[str],
    restore: bool,
    source_name: str,
) -> Prepared | None:
    """The rows of a checked import, built in a *read* session before the write.

    SQLite only: there the write lock stops every colleague's save, so its hold time is
    what counts. PostgreSQL's writers do not wait for an import's inserts; its ids come
    from sequences, taken inside the write. None also when a restore names people who
    have no account yet (they are created under the lock, so their ids are unknown).
    """
    rows = Rows(session)
    if not rows.sqlite:
        return None
    found: dict[str, int] = {}
    for name in people:
        user = users.find_user(session, name)
        if user is None or user.id is None:
            return None
        found[name] = user.id
    prepared = _prepare(
        rows,
        actor,
        plans,
        articles=articles,
        people=found,
        restore=restore,
        source_name=source_name,
    )
    tables = {name: (columns, data) for name, columns, data in prepared.tables}
    outlet, article = ARTICLE_COLUMNS.index("outlet"), CLAIM_COLUMNS.index("article_id")
    new_articles = {row[0]: row[outlet] for row in tables["article"][1]}
    prepared.outlets = _outlets(
        rows, {row[article] for row in tables["claim"][1]} - {None} - new_articles.keys()
    )
    tables["article"] = (("id", "outlet"), [*new_articles.items(), *prepared.outlets.items()])
    prepared.facts = summary.facts_apart(tables)
    return prepared


def insert_claims(
    session: Session,
    actor: User,
    plans: list[NewClaim],
    *,
    articles: list[NewArticle],
    people: Iterable[str],
    restore: bool,
    source_name: str,
    prepared: Prepared | None = None,
    vectors: Vectors | None = None,
) -> None:
    """Insert checked ``plans`` with their articles, people, tags, evidence, verdicts,
    audit events, search documents and sentence vectors (``vectors``, encoded before the
    lock, one per plan), in the caller's write transaction.

    ``prepared`` rows (from :func:`prepare_import`) are used when their ids are still
    free; otherwise the rows are built here. Claims the file names by id keep it
    (restoring an export); the others get new ids after them. Imported ratings are
    *proposed* verdicts by ``actor``; on ``restore`` they stay approved as the file says,
    and the audit trail says who restored them from which line.
    """
    rows = Rows(session)
    with rows.roomy_cache():
        person_ids = create_people(session, actor, people) if restore else {}
        if prepared is None or prepared.people != person_ids or _tops(rows) != prepared.tops:
            prepared = _prepare(
                rows,
                actor,
                plans,
                articles=articles,
                people=person_ids,
                restore=restore,
                source_name=source_name,
            )
        for table, columns, data in prepared.tables:
            rows.insert(table, columns, data)
        _point_into_current_versions(session, prepared.claim_ids)
        search.index_claims(session, prepared.docs)
        if vectors is not None:
            model, blobs = vectors
            insert_vectors(rows, model, zip(prepared.claim_ids, blobs, strict=True))
        if prepared.facts is not None and _outlets(rows, prepared.outlets) == prepared.outlets:
            summary.add_facts(session, prepared.facts)  # dashboard counts, counted apart
        else:
            summary.add_claims(session, prepared.claim_ids)  # counted here, in SQL


def insert_vectors(rows: Rows, model: str, vectors: Iterable[tuple[int, bytes]]) -> None:
    """New claims' sentence vectors (claim id, packed vector) made by ``model``."""
    pairs = list(vectors)
    rows.insert("claim_vector", ("claim_id", "model", "vector"), [(c, model, v) for c, v in pairs])
    nearest_claims.remember(rows.connection.engine, model, pairs)


def _point_into_current_versions(session: Session, claim_ids: list[int]) -> None:
    """Imported offsets were checked against each article's current body, so claims in an
    article that has had new versions point into its current one (the column's default is
    version 1). Such articles are few: nothing runs when there are none."""
    revised = session.exec(select(Article.id).where(col(Article.current_version) > 1)).all()
    if not revised:
        return
    current = select(Article.current_version).where(Article.id == Claim.article_id)
    for start in range(0, len(claim_ids), CHUNK):
        session.exec(
            update(Claim)
            .where(
                col(Claim.id).in_(claim_ids[start : start + CHUNK]),
                col(Claim.article_id).in_(revised),
            )
            .values(article_version=current.scalar_subquery())
        )


def _outlets(rows: Rows, article_ids: Iterable[int]) -> dict[int, str]:
    """The outlets of stored articles (a summary fact of their claims)."""
    return dict(
        rows.select_in("SELECT id, outlet FROM article WHERE id IN ({})", sorted(article_ids))
    )


def _tops(rows: Rows) -> dict[str, int]:
    return {table: rows.top(table) for table in NUMBERED} if rows.sqlite else {}


def _prepare(
    rows: Rows,
    actor: User,
    plans: list[NewClaim],
    *,
    articles: list[NewArticle],
    people: dict[str, int],
    restore: bool,
    source_name: str,
) -> Prepared:
    now, where = utcnow(), source_name or "file"
    tops = _tops(rows)
    article_ids, article_rows, events = _article_rows(rows, actor, articles, now, where)
    explicit = max((p.claim_id for p in plans if p.claim_id is not None), default=0)
    automatic = iter(rows.reserve("claim", sum(p.claim_id is None for p in plans), after=explicit))
    ids = [p.claim_id if p.claim_id is not None else next(automatic) for p in plans]
    # Locals, not ORM attributes or enum members, inside the loops over every row.
    at, me, my_id, context = rows.time(now), actor.name, actor.id, Stance.context.value
    tables: list[Table] = [("article", ARTICLE_COLUMNS, article_rows)]
    if any(p.sources for p in plans):
        source_ids, source_rows = _source_rows(rows, actor, plans, now)
        tables.append(("source", SOURCE_COLUMNS, source_rows))
        evidence = [
            (cid, source_ids[url], context, "", independent, my_id, rows.time(p.created_at))
            for cid, p in zip(ids, plans, strict=True)
            for url, _archive, independent in p.sources
        ]
    else:
        evidence = []
    tables.append(
        ("claim", CLAIM_COLUMNS, _claim_rows(rows, actor, plans, ids, article_ids, people))
    )
    tables.append(
        (
            "claim_tag",
            ("claim_id", "tag"),
            [(cid, tag) for cid, p in zip(ids, plans, strict=True) for tag in p.tags],
        )
    )
    tables.append(("evidence", EVIDENCE_COLUMNS, evidence))
    rated = [(cid, p) for cid, p in zip(ids, plans, strict=True) if p.rating_id is not None]
    verdict_ids = rows.reserve("verdict", len(rated))
    tables.append(
        (
            "verdict",
            VERDICT_COLUMNS,
            [
                _verdict_row(rows, actor, vid, cid, p, people, restore, where, now)
                for vid, (cid, p) in zip(verdict_ids, rated, strict=True)
            ],
        )
    )
    trail = "restored_from" if restore else "imported_from"
    events += [
        (
            at,
            my_id,
            me,
            "claim",
            cid,
            "restore" if restore else "import",
            cid,
            json.dumps({trail: [None, _origin(where, p.line, actor, restore)]}),
        )
        for cid, p in zip(ids, plans, strict=True)
    ]
    events += [
        (
            at,
            my_id,
            me,
            "verdict",
            vid,
            "restore" if restore else "propose",
            cid,
            json.dumps(_verdict_changes(p, restore, where, actor)),
        )
        for vid, (cid, p) in zip(verdict_ids, rated, strict=True)
    ]
    tables.append(("audit_event", AUDIT_COLUMNS, events))
    return Prepared(
        tops, people, tables, ids, [(cid, p.doc) for cid, p in zip(ids, plans, strict=True)]
    )


def _article_rows(
    rows: Rows, actor: User, articles: list[NewArticle], now: datetime, where: str
) -> tuple[dict[str, int], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The articles a file creates: {url: id}, their rows and their audit rows."""
    ids = rows.reserve("article", len(articles))
    created = rows.time(now)
    article_rows = [
        (aid, a.title, "", a.url, "", None, "en", a.body, body_hash(a.body), actor.id, created)
        for aid, a in zip(ids, articles, strict=True)
    ]
    events = [
        (
            created,
            actor.id,
            actor.name,
            "article",
            aid,
            "import",
            None,
            json.dumps({"imported_from": [None, where], "url": [None, a.url]}),
        )
        for aid, a in zip(ids, articles, strict=True)
    ]
    return {a.url: aid for aid, a in zip(ids, articles, strict=True)}, article_rows, events


def _source_rows(
    rows: Rows, actor: User, plans: list[NewClaim], now: datetime
) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """Sources by URL: the stored ones (the oldest), and rows for the missing ones."""
    urls: dict[str, str] = {}
    for plan in plans:
        for url, archive, _independent in plan.sources:
            urls.setdefault(url, archive)
    names = sorted(urls)
    found: dict[str, int] = dict(
        rows.select_in("SELECT url, MIN(id) FROM source WHERE url IN ({}) GROUP BY url", names)
    )
    missing = [url for url in names if url not in found]
    new_ids = rows.reserve("source", len(missing))
    found.update(zip(missing, new_ids, strict=True))
    return found, [
        (
            sid,
            url,
            "",
            "",
            None,
            rows.day(now.date()),
            urls[url],
            SourceKind.other.value,
            "",
            actor.id,
            rows.time(now),
        )
        for sid, url in zip(new_ids, missing, strict=True)
    ]


def _claim_rows(
    rows: Rows,
    actor: User,
    plans: list[NewClaim],
    ids: list[int],
    article_ids: dict[str, int],
    people: dict[str, int],
) -> list[tuple[Any, ...]]:
    free, anchored, creator = AnchorStatus.none.value, AnchorStatus.anchored.value, actor.id
    return [
        (
            cid,
            article_ids[p.article] if isinstance(p.article, str) else p.article,
            p.start,
            p.end,
            p.quote,
            p.prefix,
            p.suffix,
            free if p.article is None else anchored,
            p.statement,
            p.context,
            p.claimant,
            rows.day(p.claim_date),
            p.claim_type,
            None,
            "[]",
            p.state,
            _who(p.assignee, people),
            None,
            creator,
            rows.time(p.created_at),
            rows.time(p.updated_at),
            p.version,
        )
        for cid, p in zip(ids, plans, strict=True)
    ]


def _origin(where: str, line: int, actor: User, restore: bool) -> str:
    return f"{where}, line {line}, by {actor.name}" if restore else f"{where}:{line}"


def _verdict_row(
    rows: Rows,
    actor: User,
    verdict_id: int,
    claim_id: int,
    plan: NewClaim,
    people: dict[str, int],
    restore: bool,
    where: str,
    now: datetime,
) -> tuple[Any, ...]:
    if not restore:
        return (
            verdict_id,
            claim_id,
            plan.rating_id,
            "",
            plan.rationale,
            actor.id,
            rows.time(now),
            VerdictStatus.proposed.value,
            None,
            None,
            "",
            None,
            "",
            1,
        )
    approver = _who(plan.approver, people)
    comment = f"Restored from {_origin(where, plan.line, actor, True)}" + (
        f"; {OUTSIDE}." if approver is None else "."
    )
    return (
        verdict_id,
        claim_id,
        plan.rating_id,
        "",
        plan.rationale,
        _who(plan.author, people),
        rows.time(plan.approved_at),
        VerdictStatus.approved.value,
        approver,
        rows.time(plan.approved_at),
        comment,
        None,
        "",
        1,
    )


def _verdict_changes(plan: NewClaim, restore: bool, where: str, actor: User) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "rating": [None, plan.rating_label],
        "status": [None, VerdictStatus.approved if restore else VerdictStatus.proposed],
    }
    if restore:
        changes["approved_by"] = [None, plan.approver or "outside the workbench"]
        changes["restored_from"] = [None, _origin(where, plan.line, actor, True)]
    else:
        changes["imported_from"] = [None, _origin(where, plan.line, actor, False)]
    return changes

"""Fill a database with a realistic desk: N claims (default 100,000) with their articles,
tags, evidence, verdicts and audit rows; 1,000,000 claims within 5 minutes.

Text comes from the LIAR data set (statements, speakers, subjects, labels) so
aggregates, search documents and the review queue see realistic skew: a few
speakers and subjects dominate, as on a real desk. Each reviewer covers a few
outlets, and an article's claims are pinned by its reviewer.

    python benchmarks/generate.py /tmp/bench.sqlite3 --claims 1000000
    python benchmarks/generate.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench

How it stays fast (issue 9: 1M claims, ~9M rows, within 5 minutes on 2 cores):

- the schema is migrated first (``db.upgrade``); then rows are plain tuples in column
  order, ids assigned here, timestamps and JSON already as the text the database
  stores: no ORM objects, no per-value conversion;
- SQLite: a fresh file is loaded through one connection with ``journal_mode=OFF``,
  ``synchronous=OFF`` and a 1 GB page cache, then switched back to WAL at the end (the
  file is thrown away if the load fails, so nothing needs the journal);
  PostgreSQL: ``COPY`` with foreign-key triggers off for the load's transaction (the
  ids are consistent by construction);
- secondary indexes, the FTS5 sync triggers and the GIN indexes are dropped for the
  load and built once afterwards (SQLite's FTS index with one ``'rebuild'``);
- search documents: ``workbench.search.claim_document`` runs once per LIAR row and once
  per article title, and each claim's document joins the two (the same terms the app
  writes, in another order);
- the dashboard summary is counted in SQL (``workbench.summary.rebuild``: INSERT …
  SELECT … GROUP BY).

Each phase prints its wall and CPU seconds (CPU of this process: on PostgreSQL the
server's work is not in it) and the load average, since the machine is shared.
Refuses a database that already holds claims.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import itertools
import json
import os
import queue
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eval_data import EVAL_DATA
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from workbench import db, search, summary
from workbench.models import (
    Article,
    AuditEvent,
    Claim,
    ClaimTag,
    Evidence,
    Rating,
    RatingScale,
    Source,
    User,
    Verdict,
)
from workbench.settings import PROJECT_ROOT

LIAR = EVAL_DATA / "claims" / "liar" / "train.tsv"
LABELS = {"true": "True", "mostly-true": "Mostly true", "half-true": "Half true",
          "barely-true": "Mostly false", "false": "False", "pants-fire": "Pants on fire"}
OUTLETS = ["Reuters", "AP", "AFP", "BBC News", "The Guardian", "Le Monde", "Der Spiegel",
           "El País", "Politico", "TROIB News", "NPR", "Al Jazeera", "CNN", "Fox News",
           "The Times", "Daily Mail", "Kyiv Independent", "Euronews", "DW", "ANSA"]
# (state, share): the rest of the pipeline follows from the state.
STATES = [("approved", 0.55), ("in_review", 0.10), ("researching", 0.15), ("new", 0.15),
          ("dismissed", 0.05)]
CLAIMS_PER_ARTICLE = 20
BLOCK = 20_000  # claims generated and written per round (bounded memory)
SOURCES = 20_000
MODELS: list[Any] = [User, Source, Article, Claim, ClaimTag, Evidence, Verdict, AuditEvent]
#: Migration 0003's search document table (not a model) and its columns.
SEARCH_DOC = "claim_search_doc"
TABLES = {**{model.__table__.name: [c.name for c in model.__table__.columns]  # type: ignore[attr-defined]
             for model in MODELS}, SEARCH_DOC: ["claim_id", "doc"]}
#: The column order the Desk writes its tuples in (checked against the models).
ORDER = {
    "user": "id name display_name role password_hash external_subject active created_at",
    "source": "id url title publisher published accessed archive_url kind notes created_by "
              "created_at",
    "article": "id title outlet url author published language body body_hash created_by "
               "created_at",
    "claim": "id article_id start end quote prefix suffix anchor_status statement claimant "
             "claim_date claim_type score reasons state assignee_id repeat_of_id created_by "
             "created_at updated_at version",
    "claim_tag": "claim_id tag",
    "evidence": "id claim_id source_id stance excerpt independent added_by created_at",
    "verdict": "id claim_id rating_id conclusion rationale author_id created_at status "
               "reviewer_id reviewed_at review_comment corrects_id correction_reason version",
    "audit_event": "id at actor_id actor_name entity entity_id action claim_id changes",
    SEARCH_DOC: "claim_id doc",
}


class Text:
    """One LIAR row, with what every claim made from it shares (computed once)."""

    def __init__(self, statement: str, speaker: str, tags: list[str], label: str) -> None:
        self.statement, self.speaker, self.tags, self.label = statement, speaker, tags, label
        self.created = json.dumps({"statement": [None, statement[:80]]})
        self._doc: str | None = None

    def doc(self) -> str:
        """The search document without the article title (see :meth:`Desk.article`)."""
        if self._doc is None:
            self._doc = search.claim_document(self.statement, self.statement, self.speaker,
                                              self.tags, "")
        return self._doc


def liar_rows(path: Path) -> list[Text]:
    """(statement, speaker, subjects, rating label) from LIAR's train.tsv (no header)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) >= 5 and cols[1] in LABELS and cols[2].strip():
                speaker = cols[4].replace("-", " ").title()
                tags = list(dict.fromkeys(t.strip() for t in cols[3].split(",") if t.strip()))
                rows.append(Text(cols[2].strip(), speaker, tags[:4], LABELS[cols[1]]))
    return rows


def _migration(name: str) -> Any:
    """A migration module (for the DDL of the search index it creates)."""
    path = PROJECT_ROOT / "db" / "versions" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class Desk:
    """Rows for every table, a block at a time, as tuples in :data:`ORDER`, with explicit
    ids (the database is empty). ``stamp`` turns a naive UTC datetime into the text the
    database stores (SQLAlchemy's SQLite format, or ISO with ``+00`` for PostgreSQL)."""

    def __init__(self, seed: int, texts: list[Text], ratings: dict[str, int],
                 stamp: Callable[[datetime], str], with_docs: bool) -> None:
        self.rng = random.Random(seed)
        self.texts, self.ratings, self.stamp, self.with_docs = texts, ratings, stamp, with_docs
        self.now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        self.ids = dict.fromkeys(("evidence", "verdict", "audit"), 0)
        self.users = [(1000 + i, f"{'editor' if i <= 5 else 'reviewer'}{i:02d}",
                       "editor" if i <= 5 else "reviewer") for i in range(1, 26)]
        self.names = {uid: f"user{uid}" for uid, _, _ in self.users}
        self.reviewers = [uid for uid, _, role in self.users if role == "reviewer"]
        self.editors = [uid for uid, _, role in self.users if role == "editor"]
        # Beats: each outlet is covered by two reviewers.
        self.beats = {outlet: self.rng.sample(self.reviewers, 2) for outlet in OUTLETS}
        self.proposed_changes = {rid: json.dumps({"rating_id": [None, rid]})
                                 for rid in ratings.values()}
        self.state_names = [s for s, _ in STATES]
        self.state_weights = list(itertools.accumulate(w for _, w in STATES))
        self.clear()

    def clear(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}

    def people_and_sources(self) -> None:
        joined = self.stamp(self.now - timedelta(days=800))
        for uid, name, role in self.users:
            self.rows["user"].append((uid, name, "", role, None, None, True, joined))
        added = self.stamp(self.now - timedelta(days=700))
        for i in range(1, SOURCES + 1):
            self.rows["source"].append((
                i, f"https://source{i}.example.org/doc/{i}", f"Source {i}",
                self.rng.choice(OUTLETS), None, None, "", "news report", "", None, added))

    def article(self, article_id: int, claim_ids: range) -> None:
        rng, texts = self.rng, self.texts
        picked = [texts[rng.randrange(len(texts))] for _ in claim_ids]
        starts, at = [], 0
        for text in picked:
            starts.append(at)
            at += len(text.statement) + 2
        body = "".join(text.statement + "\n\n" for text in picked)
        outlet = rng.choice(OUTLETS)
        reviewer = rng.choice(self.beats[outlet])
        created = self.now - timedelta(days=rng.uniform(1, 730))
        title = picked[0].statement[:120]
        self.rows["article"].append((
            article_id, title, outlet, f"https://news.example.com/{article_id}", "", None, "en",
            body, f"{article_id:064x}", reviewer, self.stamp(created)))
        # claim_document("", "", "", (), title): the title's lowered words and their twins.
        title_doc = search.claim_document("", "", "", (), title) if self.with_docs else ""
        for claim_id, text, start in zip(claim_ids, picked, starts, strict=False):
            self._claim(claim_id, article_id, reviewer, text, start,
                        created + timedelta(hours=rng.uniform(0, 48)))
            if self.with_docs:
                self.rows[SEARCH_DOC].append((claim_id, f"{text.doc()} {title_doc}"))

    def _audit(self, at: str, actor: int, entity: str, entity_id: int, action: str,
               claim_id: int, changes: str) -> None:
        self.ids["audit"] += 1
        self.rows["audit_event"].append((self.ids["audit"], at, actor, self.names[actor],
                                         entity, entity_id, action, claim_id, changes))

    def _claim(self, claim_id: int, article_id: int, author: int, text: Text, start: int,
               created: datetime) -> None:
        rng = self.rng
        state = rng.choices(self.state_names, cum_weights=self.state_weights)[0]
        repeat = claim_id - rng.randrange(1, claim_id) if claim_id > 100 and rng.random() < .05 \
            else None
        at = self.stamp(created)
        statement = text.statement
        self.rows["claim"].append((
            claim_id, article_id, start, start + len(statement), statement, "", "", "anchored",
            statement, text.speaker, None, "other", None, "[]", state, author, repeat, author,
            at, at, 1))
        self.rows["claim_tag"].extend((claim_id, tag) for tag in text.tags)
        self._audit(at, author, "claim", claim_id, "create", claim_id, text.created)
        if state in ("new", "dismissed"):
            return
        for _ in range(rng.choice((1, 2, 2, 3))):
            self.ids["evidence"] += 1
            self.rows["evidence"].append((
                self.ids["evidence"], claim_id, rng.randint(1, SOURCES),
                rng.choice(("supports", "refutes", "context")), "", rng.random() < .8, author,
                at))
        if state == "researching":
            return
        proposed = created + timedelta(days=rng.expovariate(1 / 4))
        if rng.random() < .2:  # an earlier proposal the editor returned
            self._verdict(claim_id, author, text.label, proposed, "returned",
                          proposed + timedelta(hours=6))
            proposed += timedelta(days=1)
        status = "approved" if state == "approved" else "proposed"
        self._verdict(claim_id, author, text.label, proposed, status,
                      proposed + timedelta(days=rng.expovariate(1 / 2)))

    def _verdict(self, claim_id: int, author: int, label: str, proposed: datetime, status: str,
                 reviewed: datetime) -> None:
        self.ids["verdict"] += 1
        verdict_id, rating = self.ids["verdict"], self.ratings[label]
        editor = self.rng.choice(self.editors)
        done = status != "proposed"
        proposed_at = self.stamp(min(proposed, self.now))
        reviewed_at = self.stamp(min(reviewed, self.now)) if done else None
        self.rows["verdict"].append((
            verdict_id, claim_id, rating, "", f"Checked against primary sources ({label}).",
            author, proposed_at, status, editor if done else None, reviewed_at,
            "Needs a second source." if status == "returned" else "", None, "",
            2 if done else 1))
        self._audit(proposed_at, author, "verdict", verdict_id, "propose", claim_id,
                    self.proposed_changes[rating])
        if done:
            self._audit(reviewed_at, editor, "verdict", verdict_id,  # type: ignore[arg-type]
                        status, claim_id, f'{{"status": ["proposed", "{status}"]}}')


class Clock:
    """Per-phase wall and CPU seconds, printed as they end."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.started = self.wall

    def lap(self, phase: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        print(f"  {phase:34s} {wall - self.wall:7.1f} s wall {cpu - self.cpu:7.1f} s CPU  "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)
        self.wall, self.cpu = wall, cpu


class Loader:
    """The bulk-load connection and its writes: SQLite ``executemany`` on a connection
    without journal, PostgreSQL ``COPY`` in one transaction."""

    def __init__(self, url: str) -> None:
        self.url, self.sqlite = url, make_url(url).get_backend_name() == "sqlite"
        if self.sqlite:
            db.get_engine(url).dispose()  # nobody else holds the file: journal_mode may change
            self.raw: Any = sqlite3.connect(make_url(url).database, isolation_level=None,
                                            check_same_thread=False)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000",
                           "temp_store=MEMORY", "foreign_keys=OFF"):
                self.raw.execute(f"PRAGMA {pragma}")
            raw = self.raw
            self.engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        else:
            self.engine = db.get_engine(url)
            self.raw = self.engine.raw_connection()
        self.cursor = self.raw.cursor()

    def stamp(self) -> Callable[[datetime], str]:
        if self.sqlite:
            return lambda at: at.isoformat(" ", "microseconds")
        return lambda at: at.isoformat(" ", "microseconds") + "+00"

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """One transaction for the rows (PostgreSQL: foreign-key triggers off within it),
        written by a second thread while the next block is generated: the database (a
        server process, or SQLite's C code outside the GIL) works on the other core."""
        self.cursor.execute("BEGIN" if self.sqlite else
                            "SET LOCAL session_replication_role = replica")
        self.failed: BaseException | None = None
        self.pending: queue.Queue[dict[str, list[tuple[Any, ...]]] | None] = queue.Queue(2)
        worker = threading.Thread(target=self._drain, name="bulk-writer")
        worker.start()
        try:
            yield
        finally:
            self.pending.put(None)
            worker.join()
        if self.failed is not None:
            raise self.failed
        if self.sqlite:
            self.cursor.execute("COMMIT")
        else:
            self.raw.commit()

    def write(self, block: dict[str, list[tuple[Any, ...]]]) -> None:
        """Queue one block of rows per table (raises the writer thread's error, if any)."""
        if self.failed is not None:
            raise self.failed
        self.pending.put(block)

    def _drain(self) -> None:
        while (block := self.pending.get()) is not None:
            if self.failed is not None:
                continue  # keep taking blocks so the generating thread never blocks
            try:
                for table, rows in block.items():
                    if rows:
                        self._write(table, rows)
            except BaseException as error:  # re-raised in the generating thread
                self.failed = error

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = ORDER[table].split()
        names = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                                    rows)
            return
        with self.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        """Statistics for the planner (PostgreSQL also VACUUM: index-only scans need the
        visibility map); SQLite back to WAL, as the app expects."""
        if self.sqlite:
            self.raw.execute("ANALYZE")
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.close()
            return
        self.raw.close()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _flush(loader: Loader, desk: Desk, counts: dict[str, int]) -> None:
    for table, rows in desk.rows.items():
        counts[table] = counts.get(table, 0) + len(rows)
    loader.write(desk.rows)
    desk.clear()  # a new dict of new lists: the queued block stays as it was


class Indexes:
    """Secondary indexes and the search index: dropped for the load, built once after."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.sqlite = engine, engine.dialect.name == "sqlite"
        self.search = _migration("0003_claim_search.py")

    def drop(self) -> None:
        with self.engine.begin() as connection:
            for model in MODELS:
                for index in model.__table__.indexes:
                    connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
            if self.sqlite:
                for suffix in ("ai", "ad", "au"):
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS claim_search_doc_{suffix}")
            else:
                for name in ("ix_claim_search_doc_trgm", "ix_claim_search_doc_tsv"):
                    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")

    def create(self, clock: Clock) -> None:
        with self.engine.begin() as connection:
            if not self.sqlite:
                connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            for model in MODELS:
                for index in model.__table__.indexes:
                    index.create(connection)
        clock.lap("secondary indexes")
        with self.engine.begin() as connection:
            if self.sqlite:
                connection.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
                for statement in self.search._SQLITE[1:4]:  # the sync triggers
                    connection.exec_driver_sql(statement)
            else:
                # The two GIN indexes (trigram, tsvector) took 346 s one after the other
                # at 1M claims; PostgreSQL 15 builds a GIN index on one core, so build
                # them side by side, one connection each.
                with ThreadPoolExecutor(2) as pool:
                    list(pool.map(self._create_gin, self.search._POSTGRES[1:]))
                for model in MODELS:
                    if "id" in model.__table__.c and model is not ClaimTag:
                        name = model.__table__.name  # our own table names, not input
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
                            f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))")
        clock.lap("search index")

    def _create_gin(self, statement: str) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            connection.exec_driver_sql(statement)


def generate(url: str, claims: int, seed: int, with_search: bool) -> dict[str, int]:
    for table, order in ORDER.items():
        assert order.split() == TABLES[table], f"{table}: columns changed, update ORDER"
    clock = Clock()
    db.upgrade(url)
    with db.read_session(db.get_engine(url)) as session:
        if session.execute(select(func.count()).select_from(Claim)).scalar_one():
            sys.exit("This database already holds claims; give an empty one.")
        default = session.execute(select(RatingScale.id).where(
            RatingScale.is_default.is_(True))).scalar_one()  # type: ignore[attr-defined]
        ratings = dict(session.execute(select(Rating.label, Rating.id)
                                       .where(Rating.scale_id == default)).all())
    clock.lap("schema")
    loader = Loader(url)
    desk = Desk(seed, liar_rows(LIAR), ratings, loader.stamp(), with_search)
    counts: dict[str, int] = {}
    indexes = Indexes(loader.engine)
    indexes.drop()
    with loader.bulk():
        desk.people_and_sources()
        for first in range(0, claims, CLAIMS_PER_ARTICLE):
            desk.article(first // CLAIMS_PER_ARTICLE + 1,
                         range(first + 1, min(first + CLAIMS_PER_ARTICLE, claims) + 1))
            if len(desk.rows["claim"]) >= BLOCK:
                _flush(loader, desk, counts)
        _flush(loader, desk, counts)
    clock.lap(f"rows ({sum(counts.values()):,})")
    indexes.create(clock)
    with Session(loader.engine) as session:
        counts["dashboard_count"] = summary.rebuild(session)
        session.commit()
    clock.lap("dashboard summary")
    loader.finish()
    clock.lap("analyze" if loader.sqlite else "vacuum analyze")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="SQLite file path (or a database URL)")
    parser.add_argument("--postgres", help="a PostgreSQL URL (an empty database)")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-search", action="store_true",
                        help="skip the search documents (claim_search_doc)")
    args = parser.parse_args(argv)
    if not (args.target or args.postgres):
        parser.error("give a SQLite file and/or --postgres URL")
    targets = [args.target if "://" in args.target else
               f"sqlite:///{Path(args.target).resolve()}"] if args.target else []
    targets += [args.postgres] if args.postgres else []
    for url in targets:
        started, cpu = time.perf_counter(), time.process_time()
        print(f"{url.split('@')[-1]}: {args.claims:,} claims", flush=True)
        counts = generate(url, args.claims, args.seed, not args.no_search)
        print("  " + ", ".join(f"{name}: {n:,}" for name, n in counts.items()))
        print(f"  verdict + audit rows: {counts['verdict'] + counts['audit_event']:,}; "
              f"total {time.perf_counter() - started:.1f} s wall, "
              f"{time.process_time() - cpu:.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()

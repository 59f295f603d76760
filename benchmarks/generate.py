"""Fill a database with a realistic desk: 100,000 claims and 300,000 verdict and audit rows.

Text comes from the LIAR data set (statements, speakers, subjects, labels) so
aggregates, search documents and the review queue see realistic skew: a few
speakers and subjects dominate, as on a real desk.

    python benchmarks/generate.py bench.sqlite3            # SQLite file
    python benchmarks/generate.py postgresql+psycopg://postgres@127.0.0.1:5432/bench

Writes with bulk ``insert()`` statements (ORM objects would take minutes), after
migrating the database. Refuses a database that already holds claims.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eval_data import EVAL_DATA
from sqlalchemy import func, insert, inspect, select

from workbench import db
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
BATCH = 10_000


def liar_rows(path: Path) -> list[tuple[str, str, list[str], str]]:
    """(statement, speaker, subjects, rating label) from LIAR's train.tsv (no header)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) >= 5 and cols[1] in LABELS and cols[2].strip():
                speaker = cols[4].replace("-", " ").title()
                tags = [t.strip() for t in cols[3].split(",") if t.strip()][:4]
                rows.append((cols[2].strip(), speaker, tags, LABELS[cols[1]]))
    return rows


def chunks(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class Desk:
    """Rows for every table, built in memory with explicit ids (the database is empty)."""

    def __init__(self, claims: int, seed: int, texts: list[tuple[str, str, list[str], str]],
                 ratings: dict[str, int]) -> None:
        self.rng = random.Random(seed)
        self.texts, self.ratings, self.n_claims = texts, ratings, claims
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.tables: dict[type, list[dict[str, Any]]] = {t: [] for t in (
            User, Article, Claim, ClaimTag, Source, Evidence, Verdict, AuditEvent)}

    def build(self) -> None:
        rng = self.rng
        users = self.tables[User]
        for i in range(1, 26):
            role = "editor" if i <= 5 else "reviewer"
            users.append({"id": 1000 + i, "name": f"{role}{i:02d}", "display_name": "",
                          "role": role, "password_hash": None, "active": True,
                          "created_at": self.now - timedelta(days=800)})
        self.reviewers = [u["id"] for u in users if u["role"] == "reviewer"]
        self.editors = [u["id"] for u in users if u["role"] == "editor"]
        for i in range(1, 20_001):
            self.tables[Source].append({
                "id": i, "url": f"https://source{i}.example.org/doc/{i}", "title": f"Source {i}",
                "publisher": rng.choice(OUTLETS), "archive_url": "", "kind": "news report",
                "notes": "", "created_at": self.now - timedelta(days=700)})
        for first in range(0, self.n_claims, CLAIMS_PER_ARTICLE):
            self._article(first // CLAIMS_PER_ARTICLE + 1,
                          range(first + 1, min(first + CLAIMS_PER_ARTICLE, self.n_claims) + 1))

    def _audit(self, at: datetime, actor: int, entity: str, entity_id: int, action: str,
               claim_id: int, changes: dict[str, Any]) -> None:
        self.tables[AuditEvent].append({
            "at": at, "actor_id": actor, "actor_name": f"user{actor}", "entity": entity,
            "entity_id": entity_id, "action": action, "claim_id": claim_id,
            "changes": changes})

    def _article(self, article_id: int, claim_ids: range) -> None:
        rng = self.rng
        picked = [self.texts[rng.randrange(len(self.texts))] for _ in claim_ids]
        body, spans = "", []
        for statement, *_ in picked:
            start = len(body)
            body += statement + "\n\n"
            spans.append((start, start + len(statement)))
        created = self.now - timedelta(days=rng.uniform(1, 730))
        self.tables[Article].append({
            "id": article_id, "title": picked[0][0][:120], "outlet": rng.choice(OUTLETS),
            "url": f"https://news.example.com/{article_id}", "author": "", "language": "en",
            "body": body, "body_hash": f"{article_id:064x}", "created_by": self.reviewers[0],
            "created_at": created})
        for claim_id, (statement, speaker, tags, label), (start, end) in zip(
                claim_ids, picked, spans, strict=False):
            self._claim(claim_id, article_id, statement, speaker, tags, label, start, end,
                        created + timedelta(hours=rng.uniform(0, 48)))

    def _claim(self, claim_id: int, article_id: int, statement: str, speaker: str,
               tags: list[str], label: str, start: int, end: int, created: datetime) -> None:
        rng = self.rng
        state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        author = rng.choice(self.reviewers)
        repeat = claim_id - rng.randrange(1, claim_id) if claim_id > 100 and rng.random() < .05 \
            else None
        self.tables[Claim].append({
            "id": claim_id, "article_id": article_id, "start": start, "end": end,
            "quote": statement, "prefix": "", "suffix": "", "anchor_status": "anchored",
            "statement": statement, "claimant": speaker, "claim_type": "other", "reasons": [],
            "state": state, "repeat_of_id": repeat, "created_by": author, "created_at": created,
            "updated_at": created, "version": 1})
        self.tables[ClaimTag].extend({"claim_id": claim_id, "tag": t} for t in dict.fromkeys(tags))
        self._audit(created, author, "claim", claim_id, "create", claim_id,
                    {"statement": [None, statement[:80]]})
        if state in ("new", "dismissed"):
            return
        for _ in range(rng.choice((1, 2, 2, 3))):
            evidence_id = len(self.tables[Evidence]) + 1
            self.tables[Evidence].append({
                "id": evidence_id, "claim_id": claim_id, "source_id": rng.randint(1, 20_000),
                "stance": rng.choice(("supports", "refutes", "context")), "excerpt": "",
                "independent": rng.random() < .8, "added_by": author, "created_at": created})
        if state == "researching":
            return
        proposed = created + timedelta(days=rng.expovariate(1 / 4))
        if rng.random() < .2:  # an earlier proposal the editor returned
            self._verdict(claim_id, author, label, proposed, "returned",
                          proposed + timedelta(hours=6))
            proposed += timedelta(days=1)
        status = "approved" if state == "approved" else "proposed"
        self._verdict(claim_id, author, label, proposed, status,
                      proposed + timedelta(days=rng.expovariate(1 / 2)))

    def _verdict(self, claim_id: int, author: int, label: str, proposed: datetime, status: str,
                 reviewed: datetime) -> None:
        verdict_id = len(self.tables[Verdict]) + 1
        editor = self.rng.choice(self.editors)
        done = status != "proposed"
        self.tables[Verdict].append({
            "id": verdict_id, "claim_id": claim_id, "rating_id": self.ratings[label],
            "conclusion": "", "rationale": f"Checked against primary sources ({label}).",
            "author_id": author, "created_at": proposed, "status": status,
            "reviewer_id": editor if done else None, "reviewed_at": min(reviewed, self.now)
            if done else None, "review_comment": "Needs a second source." if status ==
            "returned" else "", "corrects_id": None, "correction_reason": "", "version":
            2 if done else 1})
        self._audit(proposed, author, "verdict", verdict_id, "propose", claim_id,
                    {"rating_id": [None, self.ratings[label]]})
        if done:
            self._audit(min(reviewed, self.now), editor, "verdict", verdict_id, status, claim_id,
                        {"status": ["proposed", status]})


def generate(url: str, claims: int, seed: int, search: bool) -> dict[str, int]:
    db.upgrade(url)
    engine = db.get_engine(url)
    with db.read_session(engine) as session:
        if session.execute(select(func.count()).select_from(Claim)).scalar_one():
            sys.exit("This database already holds claims; give an empty one.")
        default = session.execute(select(RatingScale.id).where(
            RatingScale.is_default.is_(True))).scalar_one()  # type: ignore[attr-defined]
        ratings = dict(session.execute(select(Rating.label, Rating.id)
                                       .where(Rating.scale_id == default)).all())
    desk = Desk(claims, seed, liar_rows(LIAR), ratings)
    desk.build()
    with db.write_session(engine) as session:
        for table, rows in desk.tables.items():
            for chunk in chunks(rows):
                session.execute(insert(table), chunk)
        if search and inspect(session.connection()).has_table("claim_search_doc"):
            from workbench.search import rebuild_index

            rebuild_index(session)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:  # fresh planner statistics after the bulk load
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    return {table.__name__: len(rows) for table, rows in desk.tables.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="SQLite file path or a database URL")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-search", action="store_true",
                        help="skip building search documents (workbench.search.rebuild_index)")
    args = parser.parse_args(argv)
    url = args.target if "://" in args.target else f"sqlite:///{Path(args.target).resolve()}"
    started = time.perf_counter()
    counts = generate(url, args.claims, args.seed, not args.no_search)
    print(", ".join(f"{name}: {n:,}" for name, n in counts.items()))
    print(f"verdict + audit rows: {counts['Verdict'] + counts['AuditEvent']:,}; "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

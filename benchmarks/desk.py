"""The rows of a generated desk (``benchmarks/generate.py``): plain tuples per table, in
column order, with ids assigned here and timestamps and JSON already as the text the
database stores (no ORM objects, no per-value conversion).

Text comes from the LIAR data set (statements, speakers, subjects, labels) so
aggregates, search documents and the review queue see realistic skew: a few speakers
and subjects dominate, as on a real desk. Each reviewer covers a few outlets, and an
article's claims are pinned by its reviewer.

A desk makes one *shard*: a range of articles with their claims. Shards share the
people, beats and sources (drawn from the seed alone) and draw their rows from their own
random stream, so several processes can build one database; each shard's evidence,
verdict and audit ids start at the most its earlier claims can use (:data:`PER_CLAIM`),
so ids never collide (the gaps look like deleted rows).
"""

from __future__ import annotations

import csv
import json
import random
from bisect import bisect
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from eval_data import EVAL_DATA

from workbench import search
from workbench.models import (
    Article,
    AuditEvent,
    Claim,
    ClaimTag,
    Evidence,
    Source,
    User,
    Verdict,
)

LIAR = EVAL_DATA / "claims" / "liar" / "train.tsv"
LABELS = {
    "true": "True",
    "mostly-true": "Mostly true",
    "half-true": "Half true",
    "barely-true": "Mostly false",
    "false": "False",
    "pants-fire": "Pants on fire",
}
OUTLETS = [
    "Reuters",
    "AP",
    "AFP",
    "BBC News",
    "The Guardian",
    "Le Monde",
    "Der Spiegel",
    "El País",
    "Politico",
    "TROIB News",
    "NPR",
    "Al Jazeera",
    "CNN",
    "Fox News",
    "The Times",
    "Daily Mail",
    "Kyiv Independent",
    "Euronews",
    "DW",
    "ANSA",
]
# (state, share): the rest of the pipeline follows from the state.
STATES = [
    ("approved", 0.55),
    ("in_review", 0.10),
    ("researching", 0.15),
    ("new", 0.15),
    ("dismissed", 0.05),
]
STANCES = ("supports", "refutes", "context")
EVIDENCE_PER_CLAIM = (1, 2, 2, 3)
CLAIMS_PER_ARTICLE = 20
SOURCES = 20_000
#: The most rows of each kind one claim makes: 3 evidence, a returned and a final
#: verdict, and an audit row for the claim and for each proposal and review.
PER_CLAIM = {"evidence": max(EVIDENCE_PER_CLAIM), "verdict": 2, "audit": 1 + 2 * 2}
MODELS: list[Any] = [User, Source, Article, Claim, ClaimTag, Evidence, Verdict, AuditEvent]
#: Migration 0003's search document table (not a model) and its columns.
SEARCH_DOC = "claim_search_doc"
TABLES = {
    **{model.__table__.name: [c.name for c in model.__table__.columns] for model in MODELS},
    SEARCH_DOC: ["claim_id", "doc"],
}
#: The column order the Desk writes its tuples in (checked against the models).
ORDER = {
    "user": "id name display_name role password_hash external_subject active created_at",
    "source": "id url title publisher published accessed archive_url kind notes created_by "
    "created_at",
    "article": "id title outlet url author published language body body_hash "
    "current_version assignee_id created_by created_at",
    "claim": "id article_id start end quote prefix suffix anchor_status article_version "
    "proposed_start proposed_end statement context claimant claim_date claim_type score "
    "reasons state assignee_id repeat_of_id created_by created_at updated_at version",
    "claim_tag": "claim_id tag",
    "evidence": "id claim_id source_id stance excerpt independent added_by created_at",
    "verdict": "id claim_id rating_id conclusion rationale author_id created_at status "
    "reviewer_id reviewed_at review_comment corrects_id correction_reason version",
    "audit_event": "id at actor_id actor_name entity entity_id action claim_id changes",
    SEARCH_DOC: "claim_id doc",
}
Rows = dict[str, list[tuple[Any, ...]]]


def check_columns() -> None:
    """Fail early when a model's columns no longer match :data:`ORDER`."""
    for table, order in ORDER.items():
        assert order.split() == TABLES[table], f"{table}: columns changed, update ORDER"


class Text:
    """One LIAR row, with what every claim and article made from it shares (computed once:
    at 1M claims each row is used about 100 times)."""

    def __init__(self, statement: str, speaker: str, tags: list[str], label: str) -> None:
        self.statement, self.speaker, self.tags, self.label = statement, speaker, tags, label
        self.created = json.dumps({"statement": [None, statement[:80]]})
        self.title = statement[:120]
        self._doc: str | None = None
        self._title_doc: str | None = None

    def doc(self) -> str:
        """The search document of a claim from this row, without its article's title."""
        if self._doc is None:
            self._doc = search.claim_document(
                self.statement, self.statement, self.speaker, self.tags, ""
            )
        return self._doc

    def title_doc(self) -> str:
        """What an article titled after this row adds to each claim's search document:
        the title's lowered words and their twins."""
        if self._title_doc is None:
            self._title_doc = search.claim_document("", "", "", (), self.title)
        return self._title_doc


def liar_rows(path: Path = LIAR) -> list[Text]:
    """(statement, speaker, subjects, rating label) from LIAR's train.tsv (no header)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) >= 5 and cols[1] in LABELS and cols[2].strip():
                speaker = cols[4].replace("-", " ").title()
                tags = list(dict.fromkeys(t.strip() for t in cols[3].split(",") if t.strip()))
                rows.append(Text(cols[2].strip(), speaker, tags[:4], LABELS[cols[1]]))
    return rows


class Desk:
    """Rows for every table, an article at a time, as tuples in :data:`ORDER`; collect
    them with :meth:`take`. ``stamp`` turns a naive UTC datetime into the text the
    database stores (SQLAlchemy's SQLite format, or ISO with ``+00`` for PostgreSQL).
    ``first_claim`` is the id before the shard's first claim (ids are reserved from it)."""

    def __init__(
        self,
        seed: int,
        shard: int,
        first_claim: int,
        texts: list[Text],
        ratings: dict[str, int],
        stamp: Callable[[datetime], str],
        now: datetime,
        with_docs: bool,
    ) -> None:
        shared = random.Random(seed)  # the same people and beats in every shard
        self.rng = random.Random(f"{seed}:{shard}")
        self.texts, self.ratings, self.stamp, self.with_docs = texts, ratings, stamp, with_docs
        self.now = now
        self.ids = {kind: first_claim * most for kind, most in PER_CLAIM.items()}
        self.users = [
            (
                1000 + i,
                f"{'editor' if i <= 5 else 'reviewer'}{i:02d}",
                "editor" if i <= 5 else "reviewer",
            )
            for i in range(1, 26)
        ]
        self.names = {uid: f"user{uid}" for uid, _, _ in self.users}
        self.reviewers = [uid for uid, _, role in self.users if role == "reviewer"]
        self.editors = [uid for uid, _, role in self.users if role == "editor"]
        # Beats: each outlet is covered by two reviewers.
        self.beats = {outlet: shared.sample(self.reviewers, 2) for outlet in OUTLETS}
        self.sources_rng = shared
        self.proposed_changes = {
            rid: json.dumps({"rating_id": [None, rid]}) for rid in ratings.values()
        }
        self.reviewed_changes = {
            status: json.dumps({"status": ["proposed", status]})
            for status in ("returned", "approved")
        }
        self.state_names = [s for s, _ in STATES]
        self.state_weights = list(accumulate(w for _, w in STATES))
        self.rows: Rows = {table: [] for table in TABLES}

    def take(self) -> Rows:
        """The rows made since the last call (a new dict of new lists for the next ones)."""
        rows, self.rows = self.rows, {table: [] for table in TABLES}
        return rows

    def _pick(self, items: Sequence[Any]) -> Any:
        # random() and indexing: a third of Random.choice's cost, the same distribution.
        return items[int(self.rng.random() * len(items))]

    def people_and_sources(self) -> None:
        """The users and the sources (once per database, not per shard)."""
        joined = self.stamp(self.now - timedelta(days=800))
        for uid, name, role in self.users:
            self.rows["user"].append((uid, name, "", role, None, None, True, joined))
        added = self.stamp(self.now - timedelta(days=700))
        for i in range(1, SOURCES + 1):
            self.rows["source"].append(
                (
                    i,
                    f"https://source{i}.example.org/doc/{i}",
                    f"Source {i}",
                    self.sources_rng.choice(OUTLETS),
                    None,
                    None,
                    "",
                    "news report",
                    "",
                    None,
                    added,
                )
            )

    def article(self, article_id: int, claim_ids: range) -> None:
        rng, texts = self.rng, self.texts
        picked = [self._pick(texts) for _ in claim_ids]
        outlet = self._pick(OUTLETS)
        reviewer = self._pick(self.beats[outlet])
        created = self.now - timedelta(days=rng.uniform(1, 730))
        self.rows["article"].append(
            (
                article_id,
                picked[0].title,
                outlet,
                f"https://news.example.com/{article_id}",
                "",
                None,
                "en",
                "".join(text.statement + "\n\n" for text in picked),
                f"{article_id:064x}",
                1,
                None,
                reviewer,
                self.stamp(created),
            )
        )
        title_doc = picked[0].title_doc() if self.with_docs else ""
        docs, start = self.rows[SEARCH_DOC], 0
        for claim_id, text in zip(claim_ids, picked, strict=True):
            self._claim(
                claim_id,
                article_id,
                reviewer,
                text,
                start,
                created + timedelta(hours=rng.uniform(0, 48)),
                picked[0].title,
            )
            start += len(text.statement) + 2
            # The same terms the app writes, in another order (a claim's context is its
            # article's title, counted once).
            if self.with_docs:
                docs.append((claim_id, f"{text.doc()} {title_doc}"))

    def _audit(
        self,
        at: str,
        actor: int,
        entity: str,
        entity_id: int,
        action: str,
        claim_id: int,
        changes: str,
    ) -> None:
        self.ids["audit"] += 1
        self.rows["audit_event"].append(
            (
                self.ids["audit"],
                at,
                actor,
                self.names[actor],
                entity,
                entity_id,
                action,
                claim_id,
                changes,
            )
        )

    def _claim(
        self,
        claim_id: int,
        article_id: int,
        author: int,
        text: Text,
        start: int,
        created: datetime,
        context: str,
    ) -> None:
        """A claim made in the app: its context is its article's title."""
        rng, rows = self.rng, self.rows
        state = self.state_names[
            bisect(self.state_weights, rng.random() * self.state_weights[-1], 0, len(STATES) - 1)
        ]
        repeat = (
            claim_id - rng.randrange(1, claim_id)
            if claim_id > 100 and rng.random() < 0.05
            else None
        )
        at = self.stamp(created)
        statement = text.statement
        rows["claim"].append(
            (
                claim_id,
                article_id,
                start,
                start + len(statement),
                statement,
                "",
                "",
                "anchored",
                1,
                None,
                None,
                statement,
                context,
                text.speaker,
                None,
                "other",
                None,
                "[]",
                state,
                author,
                repeat,
                author,
                at,
                at,
                1,
            )
        )
        rows["claim_tag"] += [(claim_id, tag) for tag in text.tags]
        self._audit(at, author, "claim", claim_id, "create", claim_id, text.created)
        if state in ("new", "dismissed"):
            return
        evidence, ids = rows["evidence"], self.ids
        for _ in range(self._pick(EVIDENCE_PER_CLAIM)):
            ids["evidence"] += 1
            evidence.append(
                (
                    ids["evidence"],
                    claim_id,
                    int(rng.random() * SOURCES) + 1,
                    self._pick(STANCES),
                    "",
                    rng.random() < 0.8,
                    author,
                    at,
                )
            )
        if state == "researching":
            return
        proposed = created + timedelta(days=rng.expovariate(1 / 4))
        if rng.random() < 0.2:  # an earlier proposal the editor returned
            self._verdict(
                claim_id, author, text.label, proposed, "returned", proposed + timedelta(hours=6)
            )
            proposed += timedelta(days=1)
        status = "approved" if state == "approved" else "proposed"
        self._verdict(
            claim_id,
            author,
            text.label,
            proposed,
            status,
            proposed + timedelta(days=rng.expovariate(1 / 2)),
        )

    def _verdict(
        self,
        claim_id: int,
        author: int,
        label: str,
        proposed: datetime,
        status: str,
        reviewed: datetime,
    ) -> None:
        self.ids["verdict"] += 1
        verdict_id, rating = self.ids["verdict"], self.ratings[label]
        editor = self._pick(self.editors)
        done = status != "proposed"
        proposed_at = self.stamp(min(proposed, self.now))
        reviewed_at = self.stamp(min(reviewed, self.now)) if done else None
        self.rows["verdict"].append(
            (
                verdict_id,
                claim_id,
                rating,
                "",
                f"Checked against primary sources ({label}).",
                author,
                proposed_at,
                status,
                editor if done else None,
                reviewed_at,
                "Needs a second source." if status == "returned" else "",
                None,
                "",
                2 if done else 1,
            )
        )
        self._audit(
            proposed_at,
            author,
            "verdict",
            verdict_id,
            "propose",
            claim_id,
            self.proposed_changes[rating],
        )
        if reviewed_at is not None:
            self._audit(
                reviewed_at,
                editor,
                "verdict",
                verdict_id,
                status,
                claim_id,
                self.reviewed_changes[status],
            )

    def overran(self, last_claim: int) -> list[str]:
        """The kinds whose ids went past those reserved up to ``last_claim`` (the next
        shard's first ids): empty unless :data:`PER_CLAIM` understates a claim's rows."""
        return [kind for kind, used in self.ids.items() if used > last_claim * PER_CLAIM[kind]]

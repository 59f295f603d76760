"""The review queue, bulk approval and corrections (workbench.review), on both databases.

``build_desk`` makes a small known dataset (also used by the dashboard and page tests):
built through the services so workflow rules hold, then timestamps are pinned with
plain UPDATEs so weekly figures are exact.
"""

from __future__ import annotations

import pytest
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, update
from sqlmodel import select

from workbench import articles, claims, db, ratings, sources, verdicts
from workbench.models import Claim, User, Verdict
from workbench.sample import load_sample

RATIONALE = "The Council's release puts the package at a different figure entirely."
QUOTES = ("valued at least at $6.2 billion", "an €800 billion plan", "coalition of the willing")


@dataclass
class Desk:
    article_id: int
    other_article_id: int
    claim_ids: list[int]  # c0 approved False, c1 approved True, c2 proposed, c3 new repeat of c0
    verdict_ids: list[int]  # v0 (c0), v1 (c1), v2 (c2, pending)


def _claim(session, user, article, text: str, **kwargs) -> Claim:  # type: ignore[no-untyped-def]
    start = article.body.index(text)
    return claims.create_claim(session, user, claims.ClaimDraft(
        article_id=article.id, start=start, end=start + len(text), statement=text, **kwargs))


def _evidence(session, user, claim_id: int, urls: list[str]) -> None:  # type: ignore[no-untyped-def]
    for url in urls:
        source = sources.add_source(session, user, sources.SourceDraft(url=url, title=url[8:30]))
        sources.attach_source(session, user, claim_id, source.id, stance="refutes")


def build_desk(engine: Engine, reviewer: User, editor: User) -> Desk:
    """Two articles (outlets "TROIB News" and "Daily Other"), four claims, three verdicts."""
    with db.write_session(engine) as session:
        article = load_sample(session, reviewer)
        other = articles.add_article(session, reviewer, articles.ArticleDraft(
            title="Other story", body="The minister said the plan costs €800 billion in total.",
            outlet="Daily Other", language="en"))
        c0 = _claim(session, reviewer, article, QUOTES[0], claimant="Reports", tags=["aid", "eu"])
        c1 = _claim(session, reviewer, article, QUOTES[1], claimant="Ursula von der Leyen",
                    tags=["eu"])
        c2 = _claim(session, reviewer, article, QUOTES[2], claimant="Reports")
        c3 = _claim(session, reviewer, other, "the plan costs €800 billion",
                    claimant="Ursula von der Leyen", repeat_of_id=c0.id, tags=["eu"])
        _evidence(session, reviewer, c0.id, ["https://a.example/1", "https://b.example/2"])
        _evidence(session, reviewer, c1.id, ["https://a.example/3", "https://b.example/4"])
        _evidence(session, reviewer, c2.id, ["https://a.example/5"])
        ids = [c.id for c in (c0, c1, c2, c3)]
    verdict_ids = []
    for claim_id, label in zip(ids[:3], ("False", "True", "Mostly false"), strict=True):
        with db.write_session(engine) as session:
            claim = claims.get_claim(session, claim_id)
            verdict_ids.append(verdicts.propose_verdict(
                session, reviewer, claim_id, claim.version,
                rating_id=ratings.find_rating(session, label).id, rationale=RATIONALE).id)
    for verdict_id in verdict_ids[:2]:
        with db.write_session(engine) as session:
            verdict = verdicts.get_verdict(session, verdict_id)
            verdicts.approve_verdict(session, editor, verdict_id, verdict.version)
    pin_times(engine, ids, verdict_ids)
    return Desk(article.id, other.id, ids, verdict_ids)


def pin_times(engine: Engine, claim_ids: list[int], verdict_ids: list[int]) -> None:
    """Claims created 2026-01-05 (Monday, ISO week 2); c0 approved 2 days later (week 2),
    c1 approved 10 days later (2026-01-15, week 3); c2 proposed 2026-01-06."""
    created = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    stamps = {verdict_ids[0]: datetime(2026, 1, 7, 9, 0, tzinfo=UTC),
              verdict_ids[1]: datetime(2026, 1, 15, 9, 0, tzinfo=UTC)}
    with db.write_session(engine) as session:
        session.exec(update(Claim).where(Claim.id.in_(claim_ids))  # type: ignore[union-attr]
                     .values(created_at=created))
        for verdict_id, when in stamps.items():
            session.exec(update(Verdict).where(Verdict.id == verdict_id)
                         .values(reviewed_at=when, created_at=created))
        session.exec(update(Verdict).where(Verdict.id == verdict_ids[2])
                     .values(created_at=datetime(2026, 1, 6, 9, 0, tzinfo=UTC)))


def version_of(engine: Engine, verdict_id: int) -> int:
    with db.read_session(engine) as session:
        return session.exec(select(Verdict.version).where(Verdict.id == verdict_id)).one()

"""Accepting a suggestion fills the claimant the text proposes (``text/attribution.py``):
the named speaker, a transcript's speaker turn, else the outlet; a dismissal leaves it."""

from __future__ import annotations

import pytest

from tests.conftest import new_article
from workbench import claims, db
from workbench.workspace import accept_suggestion, dismiss_suggestion, load_workspace


def suggestion_with(engine, article_id: int, needle: str):
    with db.read_session(engine) as session:
        return next(s for s in load_workspace(session, article_id).suggestions if needle in s.quote)


@pytest.mark.parametrize(
    ("needle", "claimant"),
    [
        ("$6.2 billion", "TROIB News"),  # the article's own voice: its outlet
        ("€800 billion", "Ursula von der Leyen"),
        ("Iraq in 2003", "TROIB News"),
        ("Aleksandr Grushko suggested", "Aleksandr Grushko"),
    ],
)
def test_accepting_fills_the_proposed_claimant(engine, reviewer, article, needle, claimant):
    suggestion = suggestion_with(engine, article.id, needle)
    with db.write_session(engine) as session:
        claim_id = accept_suggestion(session, reviewer, article.id, suggestion).id
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim_id).claimant == claimant


def test_a_transcripts_speaker_is_the_claimant_and_a_dismissal_names_nobody(engine, reviewer):
    body = (
        "MODERATOR: Welcome to the debate.\n"
        "SMITH: Unemployment fell to 3.5% in 2019, the lowest in 50 years.\n"
        "JONES: That is wrong. Unemployment rose by 2% in 2019 and wages fell by $300.\n"
        "SMITH: We created six million jobs in 2018."
    )
    article_id = new_article(engine, reviewer, body, title="Debate", outlet="TV").id
    accepted = suggestion_with(engine, article_id, "Unemployment rose by 2%")
    dismissed = suggestion_with(engine, article_id, "six million jobs")
    with db.write_session(engine) as session:
        kept = accept_suggestion(session, reviewer, article_id, accepted).id
        thrown = dismiss_suggestion(session, reviewer, article_id, dismissed).id
    with db.read_session(engine) as session:
        assert claims.get_claim(session, kept).claimant == "Jones"
        assert claims.get_claim(session, thrown).claimant == ""

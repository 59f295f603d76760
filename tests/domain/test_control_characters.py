"""Control characters and lone surrogates in any service field are stripped in one place
(``workbench.validation``), so SQLite and PostgreSQL store the same text.

Before: SQLite stored ``Mr\\x00X`` as typed; PostgreSQL refused NUL with a raw DataError;
both failed with UnicodeEncodeError on a lone surrogate.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from workbench import articles, claims, db, ratings, sources, users, verdicts
from workbench.models import Article, AuditEvent, Claim, Evidence, Role, Source, User, Verdict

#: NUL (PostgreSQL refuses it), ESC (terminal escapes), DEL, and a lone surrogate (UTF-8
#: cannot encode it).
BAD = ["\x00", "\x1b", "\x7f", "\ud800"]
URL = "https://example.org/report"


def dirty(bad: str, text: str = "Mr X") -> str:
    return text.replace(" ", f"{bad} ", 1)


@pytest.fixture(params=BAD, ids=["nul", "esc", "del", "surrogate"])
def bad(request: pytest.FixtureRequest) -> str:
    return request.param


def test_article_fields(engine, reviewer, bad):
    draft = articles.ArticleDraft(
        title=dirty(bad),
        outlet=dirty(bad),
        author=dirty(bad),
        url=URL + bad,
        language=f"e{bad}n",
        body=f"First{bad} line\tof text\r\nSecond line{bad}.",
    )
    with db.write_session(engine) as session:
        article_id = articles.add_article(session, reviewer, draft).id
    with db.read_session(engine) as session:
        stored = session.get(Article, article_id)
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "article")).one()
    assert (stored.title, stored.outlet, stored.author, stored.url, stored.language) == (
        "Mr X",
        "Mr X",
        "Mr X",
        URL,
        "en",
    )
    assert stored.body == "First line\tof text\nSecond line."
    assert event.changes["title"] == [None, "Mr X"]


def test_article_body_is_cleaned_before_claims_index_it(engine, reviewer, bad):
    """Offsets index the stored body: the claim on "€800 billion" must quote exactly that."""
    draft = articles.ArticleDraft(title="", body=f"A{bad}{bad} plan of €800 billion{bad}.")
    with db.write_session(engine) as session:
        article = articles.add_article(session, reviewer, draft)
    assert article.title == "A plan of €800 billion." and "\x00" not in article.body
    claim = new_claim(engine, reviewer, article, "€800 billion")
    assert claim.quote == "€800 billion"


def test_claim_fields(engine, reviewer, article, bad):
    claim = new_claim(
        engine,
        reviewer,
        article,
        statement=dirty(bad, "The EU pledged it"),
        claimant=dirty(bad),
        tags=[dirty(bad, "aid plan")],
    )
    with db.write_session(engine) as session:
        free = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(article_id=None, quote=f"Quoted{bad} words\ton\r\ntwo lines"),
        )
    with db.read_session(engine) as session:
        stored, loose = session.get(Claim, claim.id), session.get(Claim, free.id)
        tags = claims.claim_tags(session, claim.id)
    assert (stored.statement, stored.claimant, tags) == ("The EU pledged it", "Mr X", ["aid plan"])
    assert loose.quote == "Quoted words\ton\ntwo lines"
    assert loose.statement == "Quoted words on two lines"

    with db.write_session(engine) as session:
        claims.update_claim(
            session,
            reviewer,
            claim.id,
            stored.version,
            statement=dirty(bad, "Edited statement"),
            claimant=dirty(bad, "A B"),
        )
    with db.read_session(engine) as session:
        edited = session.get(Claim, claim.id)
    assert (edited.statement, edited.claimant) == ("Edited statement", "A B")


def test_source_and_evidence_fields(engine, reviewer, article, bad):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        source = sources.add_source(
            session,
            reviewer,
            sources.SourceDraft(
                url=URL + bad,
                title=dirty(bad),
                publisher=dirty(bad),
                archive_url="https://web.archive.org/web/2025/" + bad + URL,
                notes=f"Note{bad} one\r\n\tnote two",
            ),
        )
        evidence = sources.attach_source(
            session,
            reviewer,
            claim.id,
            source.id,
            stance="refutes",
            excerpt=f"Ex{bad}cerpt\nline 2",
        )
    with db.read_session(engine) as session:
        stored = session.get(Source, source.id)
        excerpt = session.get(Evidence, evidence.id).excerpt
    assert (stored.url, stored.title, stored.publisher) == (URL, "Mr X", "Mr X")
    assert stored.archive_url == "https://web.archive.org/web/2025/" + URL
    assert stored.notes == "Note one\n\tnote two"
    assert excerpt == "Excerpt\nline 2"


def test_verdict_review_and_correction_fields(
    engine, reviewer, editor, second_editor, article, bad
):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        for n in (1, 2):
            source = sources.add_source(session, reviewer, sources.SourceDraft(url=f"{URL}/{n}"))
            sources.attach_source(session, reviewer, claim.id, source.id, stance="refutes")
    with db.read_session(engine) as session:
        false_id = ratings.find_rating(session, "False").id

    def propose() -> int:
        with db.write_session(engine) as session:
            version = claims.get_claim(session, claim.id).version
            return verdicts.propose_verdict(
                session,
                reviewer,
                claim.id,
                version,
                rating_id=false_id,
                conclusion=dirty(bad, "Wrong figure"),
                rationale=f"The release{bad} says\r\n€5.9 billion,\tnot $6.2 billion.",
            ).id

    def review(verdict_id: int, action, **kwargs) -> None:
        with db.write_session(engine) as session:
            version = verdicts.get_verdict(session, verdict_id).version
            action(session, second_editor, verdict_id, version, **kwargs)

    returned = propose()
    review(returned, verdicts.return_verdict, comment=f"Check{bad} the date\nplease")
    review(propose(), verdicts.approve_verdict)
    with db.write_session(engine) as session:
        version = claims.get_claim(session, claim.id).version
        correction = verdicts.propose_correction(
            session,
            editor,
            claim.id,
            version,
            rating_id=false_id,
            rationale="A newer release confirms the figure.",
            reason=f"New{bad}\tfigures",
        ).id
    with db.read_session(engine) as session:
        first, fix = session.get(Verdict, returned), session.get(Verdict, correction)
    assert first.conclusion == "Wrong figure"
    assert first.rationale == "The release says\n€5.9 billion,\tnot $6.2 billion."
    assert first.review_comment == "Check the date\nplease"
    assert fix.correction_reason == "New\tfigures"


def test_user_display_name(engine, bad):
    with db.write_session(engine) as session:
        admin = users.builtin_user(session, users.CLI_USER)
        user_id = users.add_user(
            session,
            admin,
            name="anna",
            role=Role.reviewer,
            password=None,
            display_name=dirty(bad, "Anna K"),
        ).id
    with db.read_session(engine) as session:
        assert session.get(User, user_id).display_name == "Anna K"
        # A sign-in name carrying control characters matches nobody, without a query error.
        assert users.find_user(session, f"anna{bad}") is None

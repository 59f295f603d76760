"""A claim's context (issue 10, item 2): the article's title by default, a reviewer's edit,
an import's column; searched with the claim, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import new_claim
from workbench import audit, claims, db, matching, search
from workbench.drafts import MAX_CONTEXT
from workbench.errors import InvalidInput, StaleEdit

#: Words in no claim and no article of these tests: found only through the context.
CONTEXT = "Zanzibar cloves embargo explained"


def _stored_context(engine, claim_id: int) -> str:
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id).context


def _candidates(engine, query: str) -> list[int]:
    with db.read_session(engine) as session:
        return [cid for cid, _ in search.candidate_claim_ids(session, query)]


def _search(engine, query: str) -> list[int]:
    with db.read_session(engine) as session:
        return search.search_claim_ids(session, query, limit=10)


def test_a_claim_made_in_an_article_has_its_title_as_context(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    assert claim.context == article.title
    given = new_claim(engine, reviewer, article, "Hungary has already rejected", context=CONTEXT)
    assert given.context == CONTEXT
    with db.write_session(engine) as session:
        free = claims.create_claim(
            session, reviewer, claims.ClaimDraft(None, statement="A claim on its own")
        )
        assert free.context == ""
        [event] = audit.claim_history(session, given.id)
        assert event.changes["context"] == [None, CONTEXT]


def test_the_title_is_not_counted_twice_in_the_search_document(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with db.read_session(engine) as session:
        doc = session.execute(
            text("SELECT doc FROM claim_search_doc WHERE claim_id = :id"), {"id": claim.id}
        ).scalar_one()
    assert doc.count(article.title.lower()) == 1


def test_an_edited_context_is_stored_audited_and_searched(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    assert claim.id not in _candidates(engine, CONTEXT)
    with db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, context=f"  {CONTEXT}\n")
    assert _stored_context(engine, claim.id) == CONTEXT  # one line, trimmed
    assert _candidates(engine, CONTEXT) == [claim.id]
    assert _search(engine, "zanzibar clove") == [claim.id]  # typo-tolerant search too
    with db.read_session(engine) as session:
        event = audit.claim_history(session, claim.id)[-1]
        assert event.changes == {"context": [article.title, CONTEXT]}
    with db.read_session(engine) as session:
        [match] = matching.seen_before(session, CONTEXT)
    assert (match.claim_id, match.context) == (claim.id, CONTEXT)


def test_a_context_edit_from_an_old_version_is_refused(engine, reviewer, editor, article):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        claims.update_claim(session, editor, claim.id, claim.version, claimant="Someone")
    with pytest.raises(StaleEdit), db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, context=CONTEXT)
    assert _stored_context(engine, claim.id) == article.title


def test_a_context_longer_than_a_line_is_refused(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with pytest.raises(InvalidInput, match="Context is too long"), db.write_session(engine) as s:
        claims.update_claim(s, reviewer, claim.id, claim.version, context="x" * (MAX_CONTEXT + 1))
    with pytest.raises(InvalidInput, match="Context is too long"):
        claims.ClaimDraft(None, statement="s", context="y" * (MAX_CONTEXT + 1))


def test_rebuilding_the_index_searches_contexts_written_behind_the_services(
    engine, reviewer, article
):
    claim = new_claim(engine, reviewer, article)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE claim SET context = :c WHERE id = :id"), {"c": CONTEXT, "id": claim.id}
        )
    assert _candidates(engine, CONTEXT) == []
    with db.write_session(engine) as session:
        search.rebuild_index(session)
    assert _candidates(engine, CONTEXT) == [claim.id]

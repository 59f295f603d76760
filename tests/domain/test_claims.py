import pytest
from sqlmodel import select

from tests.conftest import new_claim
from workbench import claims, db
from workbench.errors import InvalidInput, StaleEdit, WorkflowError
from workbench.models import AuditEvent, ClaimState


def span_of(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def test_create_claim_anchors_quote_and_context(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article, tags=["EU", "aid", "eu"])
    assert claim.quote == article.body[claim.start : claim.end] == "valued at least at $6.2 billion"
    assert article.body[claim.start - len(claim.prefix) : claim.start] == claim.prefix
    assert article.body[claim.end : claim.end + len(claim.suffix)] == claim.suffix
    assert claim.statement == claim.quote
    assert claim.state == ClaimState.new and claim.version == 1
    with db.read_session(engine) as session:
        assert claims.claim_tags(session, claim.id) == ["EU", "aid"]


@pytest.mark.parametrize("start,end", [(-1, 5), (5, 5), (10, 10**6), (None, 4)])
def test_span_outside_article_is_refused(engine, reviewer, article, start, end):
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        claims.create_claim(
            session, reviewer, claims.ClaimDraft(article_id=article.id, start=start, end=end)
        )


def test_update_records_field_level_audit(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        updated = claims.update_claim(
            session,
            reviewer,
            claim.id,
            1,
            statement="The EU aid package is worth $6.2bn",
            claimant="Media reports",
            tags=["aid"],
        )
    assert updated.version == 2
    with db.read_session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.changes["statement"] == [
        "valued at least at $6.2 billion",
        "The EU aid package is worth $6.2bn",
    ]
    assert event.changes["claimant"] == ["", "Media reports"]
    assert event.changes["tags"] == [[], ["aid"]]
    assert event.claim_id == claim.id and event.actor_name == "rita"


def test_stale_edit_is_refused_with_both_versions(engine, reviewer, editor, article):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        claims.update_claim(session, editor, claim.id, 1, statement="Editor's wording")
    with pytest.raises(StaleEdit) as raised, db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, 1, statement="Reviewer's wording")
    assert "eddie changed this claim" in str(raised.value)
    assert raised.value.current["statement"] == "Editor's wording"
    assert raised.value.attempted["statement"] == "Reviewer's wording"
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim.id).statement == "Editor's wording"


def test_adjusting_boundaries_reanchors(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    start, end = span_of(article.body, "$6.2 billion")
    with db.write_session(engine) as session:
        moved = claims.update_claim(session, reviewer, claim.id, 1, start=start, end=end)
    assert moved.quote == "$6.2 billion" and moved.start == start


def test_manual_workflow_moves(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        dismissed = claims.move_claim(session, reviewer, claim.id, 1, ClaimState.dismissed)
    assert dismissed.state == ClaimState.dismissed
    with pytest.raises(WorkflowError), db.write_session(engine) as session:
        claims.move_claim(session, reviewer, claim.id, 2, ClaimState.approved)
    with db.write_session(engine) as session:
        assert claims.move_claim(session, reviewer, claim.id, 2, ClaimState.new).state == "new"


def test_claim_without_article_keeps_quote(engine, reviewer):
    with db.write_session(engine) as session:
        claim = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(
                article_id=None, quote="Says the economy grew 5%.", claimant="A senator"
            ),
        )
    assert claim.start is None and claim.anchor_status == "none"
    assert claim.statement == "Says the economy grew 5%."


def test_repeat_link_must_exist_and_not_be_itself(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, 1, repeat_of_id=claim.id)
    other = new_claim(engine, reviewer, article, text="an €800 billion plan")
    with db.write_session(engine) as session:
        assert (
            claims.update_claim(session, reviewer, other.id, 1, repeat_of_id=claim.id).repeat_of_id
            == claim.id
        )


def test_claims_are_searchable_as_soon_as_they_are_written(engine, reviewer, article):
    from workbench.search import search_claim_ids

    claim = new_claim(engine, reviewer, article, claimant="Kaja Kallas", tags=["defence"])
    with db.write_session(engine) as session:
        claims.update_claim(
            session, reviewer, claim.id, 1, statement="The EU aid package is worth $6.2bn"
        )
    with db.read_session(engine) as session:
        assert search_claim_ids(session, "Kalas", limit=5) == [claim.id]  # typo
        assert search_claim_ids(session, "defence", limit=5) == [claim.id]
        assert search_claim_ids(session, "worth", limit=5) == [claim.id]

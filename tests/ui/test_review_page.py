"""AppTest for the review queue: empty queue, approve, return with a comment, the
two-person rule, "approve anyway", bulk approval and corrections."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_ui
from workbench import claims, db, ratings, sources, verdicts
from workbench.models import User
from workbench.ui.safe import md

PAGE = "workbench/ui/pages/review.py"


@pytest.fixture
def desk(desk, second_editor):
    desk.editor = second_editor  # acts in the page: not the approver of the seed verdicts
    return desk


def texts(at: AppTest) -> str:
    return "\n".join(
        str(element.value)
        for kind in ("text", "markdown", "caption", "info", "warning", "error", "success")
        for element in getattr(at, kind)
    )


def test_empty_queue(app_db, tmp_path):
    at = open_ui(PAGE, tmp_path)  # the local user (an admin) while no account exists
    assert not at.exception, at.exception
    assert any("Nothing waiting" in s.value for s in at.success)


def test_queue_shows_item_and_approve_asks_confirmation(desk, tmp_path):
    vid = desk.verdict_ids[2]
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "«coalition of the willing»" in shown and "Mostly false" in shown
    at.button(key=f"review_approve_{vid}").click().run()
    assert not at.exception, at.exception
    assert any("independent source" in w.value for w in at.warning)
    at.button(key=f"review_confirm_{vid}").click().run()
    assert not at.exception, at.exception
    with db.read_session() as session:
        assert verdicts.get_verdict(session, vid).status == "approved"
        assert claims.get_claim(session, desk.claim_ids[2]).state == "approved"
    # The card reruns alone and confirms in its own place; the whole page catches up later.
    assert any(f"Verdict #{vid} approved and published." in s.value for s in at.success)
    at.run()
    assert any("Nothing waiting" in s.value for s in at.success)


def test_a_verdict_another_editor_approved_first_says_so(desk, tmp_path, second_editor):
    """The card answers in its own place (an element a callback displays itself would land
    at the top of the page during a card's fragment rerun)."""
    vid = desk.verdict_ids[2]
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    with db.write_session() as session:
        verdict = verdicts.get_verdict(session, vid)
        verdicts.approve_verdict(
            session,
            session.get(User, second_editor.id),
            vid,
            verdict.version,
            confirm_few_sources=True,
        )
    at.button(key=f"review_approve_{vid}").click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert any("already approved" in s.value for s in at.success)


def test_return_needs_comment_then_sends_back(desk, tmp_path):
    vid = desk.verdict_ids[2]
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    at.button(key=f"review_return_{vid}").click().run()
    assert any("comment is required" in e.value for e in at.error)
    at.text_area(key=f"review_comment_{vid}").input("Find a second source, please.")
    at.button(key=f"review_return_{vid}").click().run()
    assert not at.exception, at.exception
    with db.read_session() as session:
        assert verdicts.get_verdict(session, vid).review_comment == "Find a second source, please."
        assert claims.get_claim(session, desk.claim_ids[2]).state == "researching"


def test_own_verdict_is_refused_clearly(desk, tmp_path, second_editor):
    """An editor proposes, then cannot approve its own verdict (two-person rule)."""
    with db.write_session() as session:
        local = session.get(User, second_editor.id)
        claim = claims.get_claim(session, desk.claim_ids[3])
        source = sources.add_source(session, local, sources.SourceDraft(url="https://x.example"))
        sources.attach_source(session, local, claim.id, source.id, stance="refutes")
        claim = claims.get_claim(session, claim.id)
        own = verdicts.propose_verdict(
            session,
            local,
            claim.id,
            claim.version,
            rating_id=ratings.find_rating(session, "True").id,
            rationale="Checked against the minister's speech.",
        ).id
    at = open_ui(PAGE, tmp_path, user=second_editor)
    assert any("second editor must approve" in c.value for c in at.caption)
    at.button(key=f"review_approve_{own}").click().run()
    assert any(md("two-person rule") in e.value for e in at.error)  # escaped user-facing text
    with db.read_session() as session:
        assert verdicts.get_verdict(session, own).status == "proposed"


def test_reviewer_sees_no_review_controls(desk, tmp_path, reviewer):
    at = open_ui(PAGE, tmp_path, user=reviewer, alone=True)
    assert not at.exception, at.exception
    assert any("Only editors" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("review_approve")]


def test_bulk_approve_selected(desk, tmp_path):
    vid = desk.verdict_ids[2]
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    at.checkbox(key=f"review_pick_{vid}").check().run()
    at.button(key="review_bulk").click().run()
    assert not at.exception, at.exception
    assert any("independent source" in w.value for w in at.warning)
    at.button(key="review_bulk_anyway").click().run()
    assert any(f"#{vid}" in s.value for s in at.success)
    with db.read_session() as session:
        assert verdicts.get_verdict(session, vid).status == "approved"


def test_correction_of_published_verdict(desk, tmp_path):
    claim_id = desk.claim_ids[0]
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    at.number_input(key="review_correct_claim").set_value(claim_id).run()
    assert not at.exception, at.exception
    assert any("No corrections" in c.value for c in at.caption)
    at.selectbox(key="review_correct_rating").set_value("Mostly false")
    at.text_area(key="review_correct_rationale").input("The revised release gives less.")
    at.text_area(key="review_correct_reason").input("The Council revised its figure.")
    submit = next(b for b in at.button if b.label == "Propose correction")
    submit.click().run()
    assert not at.exception, at.exception
    with db.read_session() as session:
        pending = verdicts.pending_verdict(session, claim_id)
        assert pending is not None and pending.correction_reason == (
            "The Council revised its figure."
        )
        assert ratings.get_rating(session, pending.rating_id).label == "Mostly false"


def test_evidence_is_listed_as_text_with_its_links(desk, tmp_path):
    at = open_ui(PAGE, tmp_path, user=desk.editor)
    assert not at.exception, at.exception
    assert not at.dataframe  # twenty cards of tables made the page slow to open
    assert "refutes · independent · a.example/5" in [t.value for t in at.text]
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert ("Source", "https://a.example/5") in links

import pytest
from sqlmodel import col, select

from tests.conftest import new_claim
from workbench import audit, claims, db, ratings, sources, verdicts
from workbench.errors import (
    InvalidInput,
    NeedsConfirmation,
    NotFound,
    PermissionDenied,
    StaleEdit,
    WorkflowError,
)
from workbench.models import AuditEvent, ClaimState, Rating, RatingScale, Verdict, VerdictStatus

RATIONALE = "The Council's release puts the package at €5.9 billion, not $6.2 billion."
URLS = (
    "https://www.consilium.europa.eu/en/press/ukraine-aid/",
    "https://www.reuters.com/world/europe/eu-aid-package/",
    "https://blog.example.org/aid-opinion",
)


def add_evidence(engine, user, claim_id, url, *, independent=True):
    with db.write_session(engine) as session:
        source = sources.add_source(session, user, sources.SourceDraft(url=url))
        return sources.attach_source(
            session, user, claim_id, source.id, stance="refutes", independent=independent
        )


def claim_now(engine, claim_id):
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id)


def verdict_now(engine, verdict_id):
    with db.read_session(engine) as session:
        return verdicts.get_verdict(session, verdict_id)


def rating_id(engine, label="False", scale_id=None):
    with db.read_session(engine) as session:
        return ratings.find_rating(session, label, scale_id).id


@pytest.fixture
def researched(engine, reviewer, article):
    """A claim with two independent sources (so approval needs no confirmation)."""
    claim = new_claim(engine, reviewer, article)
    add_evidence(engine, reviewer, claim.id, URLS[0])
    add_evidence(engine, reviewer, claim.id, URLS[1])
    return claim_now(engine, claim.id)


def propose(
    engine, user, claim, *, version=None, label="False", rationale=RATIONALE, conclusion=""
):
    rid = rating_id(engine, label) if label else None
    with db.write_session(engine) as session:
        return verdicts.propose_verdict(
            session,
            user,
            claim.id,
            claim_now(engine, claim.id).version if version is None else version,
            rating_id=rid,
            rationale=rationale,
            conclusion=conclusion,
        )


def approve(engine, user, verdict, **kwargs):
    with db.write_session(engine) as session:
        return verdicts.approve_verdict(
            session, user, verdict.id, verdict_now(engine, verdict.id).version, **kwargs
        )


def give_back(engine, user, verdict, comment):
    with db.write_session(engine) as session:
        return verdicts.return_verdict(
            session, user, verdict.id, verdict_now(engine, verdict.id).version, comment=comment
        )


def correct(
    engine,
    user,
    claim,
    *,
    label="Mostly false",
    reason="The Council revised its figure.",
    rationale="The revised release gives €6.0 billion for this year.",
):
    with db.write_session(engine) as session:
        return verdicts.propose_correction(
            session,
            user,
            claim.id,
            claim_now(engine, claim.id).version,
            rating_id=rating_id(engine, label),
            rationale=rationale,
            reason=reason,
        )


def verdict_count(engine) -> int:
    with db.read_session(engine) as session:
        return len(session.exec(select(Verdict.id)).all())


def event_count(engine) -> int:
    with db.read_session(engine) as session:
        return len(session.exec(select(AuditEvent.id)).all())


# --- propose ----------------------------------------------------------------------------------


def test_propose_moves_claim_to_in_review(engine, reviewer, researched):
    verdict = propose(engine, reviewer, researched)
    claim = claim_now(engine, researched.id)
    assert claim.state == ClaimState.in_review
    assert claim.version == researched.version + 1
    stored = verdict_now(engine, verdict.id)
    assert stored.status == VerdictStatus.proposed
    assert stored.author_id == reviewer.id and stored.claim_id == researched.id
    assert stored.rating_id == rating_id(engine, "False")
    assert stored.rationale == RATIONALE
    with db.read_session(engine) as session:
        assert verdicts.pending_verdict(session, researched.id).id == verdict.id
        assert verdicts.current_verdict(session, researched.id) is None


@pytest.mark.parametrize("rationale", ["", "   ", "Too short", None])
def test_propose_requires_rationale(engine, reviewer, researched, rationale):
    events = event_count(engine)
    with pytest.raises(InvalidInput, match="rationale"):
        propose(engine, reviewer, researched, rationale=rationale)
    claim = claim_now(engine, researched.id)
    # The state change made before the check was rolled back with the rest.
    assert (claim.state, claim.version) == (ClaimState.researching, researched.version)
    assert verdict_count(engine) == 0 and event_count(engine) == events


def test_propose_requires_rating_or_conclusion(engine, reviewer, researched):
    with pytest.raises(InvalidInput, match="rating"):
        propose(engine, reviewer, researched, label=None, conclusion="   ")
    assert claim_now(engine, researched.id).state == ClaimState.researching
    verdict = propose(
        engine,
        reviewer,
        researched,
        label=None,
        conclusion="  Misleading:\n the figure   adds two years of pledges. ",
    )
    assert verdict.rating_id is None
    assert verdict.conclusion == "Misleading: the figure adds two years of pledges."


def test_propose_with_stale_version_is_refused(engine, reviewer, editor, researched):
    with db.write_session(engine) as session:
        claims.update_claim(
            session, editor, researched.id, researched.version, claimant="Media reports"
        )
    with pytest.raises(StaleEdit) as raised:
        propose(engine, reviewer, researched, version=researched.version)
    assert raised.value.current["version"] == researched.version + 1
    assert raised.value.attempted["version"] == researched.version
    assert claim_now(engine, researched.id).state == ClaimState.researching
    assert verdict_count(engine) == 0


def test_second_pending_proposal_is_refused(engine, reviewer, editor, researched):
    first = propose(engine, reviewer, researched)
    with pytest.raises(WorkflowError):
        propose(engine, editor, researched, label="True")
    with db.read_session(engine) as session:
        assert [v.id for v in verdicts.verdict_history(session, researched.id)] == [first.id]


def test_propose_on_dismissed_claim_is_refused(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        claims.move_claim(session, reviewer, claim.id, 1, ClaimState.dismissed)
    with pytest.raises(WorkflowError):
        propose(engine, reviewer, claim)
    assert verdict_count(engine) == 0


def test_propose_with_unknown_rating_is_refused(engine, reviewer, researched):
    with pytest.raises(NotFound), db.write_session(engine) as session:
        verdicts.propose_verdict(
            session,
            reviewer,
            researched.id,
            researched.version,
            rating_id=10_000,
            rationale=RATIONALE,
        )
    assert claim_now(engine, researched.id).state == ClaimState.researching


# --- approve ----------------------------------------------------------------------------------


def test_reviewer_cannot_approve(engine, reviewer, researched):
    verdict = propose(engine, reviewer, researched)
    with pytest.raises(PermissionDenied):
        approve(engine, reviewer, verdict)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed
    assert claim_now(engine, researched.id).state == ClaimState.in_review


def test_author_cannot_approve_own_verdict_even_as_editor(
    engine, editor, second_editor, researched
):
    verdict = propose(engine, editor, researched)
    with pytest.raises(PermissionDenied, match="two-person"):
        approve(engine, editor, verdict)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed
    approve(engine, second_editor, verdict)
    stored = verdict_now(engine, verdict.id)
    assert stored.status == VerdictStatus.approved and stored.reviewer_id == second_editor.id


def test_approval_needs_evidence(engine, reviewer, editor, article):
    claim = new_claim(engine, reviewer, article)
    verdict = propose(engine, reviewer, claim)  # straight from "new", no evidence
    with pytest.raises(WorkflowError, match="evidence"):
        approve(engine, editor, verdict, confirm_few_sources=True)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed
    assert claim_now(engine, claim.id).state == ClaimState.in_review


def test_one_independent_source_needs_confirmation(engine, reviewer, editor, article):
    claim = new_claim(engine, reviewer, article)
    add_evidence(engine, reviewer, claim.id, URLS[0])
    add_evidence(engine, reviewer, claim.id, URLS[2], independent=False)
    verdict = propose(engine, reviewer, claim)
    events = event_count(engine)
    with pytest.raises(NeedsConfirmation, match="Only 1 independent source"):
        approve(engine, editor, verdict)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed
    assert claim_now(engine, claim.id).state == ClaimState.in_review
    assert event_count(engine) == events
    approve(engine, editor, verdict, confirm_few_sources=True)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.approved
    assert claim_now(engine, claim.id).state == ClaimState.approved


def test_approve_publishes_verdict(engine, reviewer, editor, researched):
    verdict = propose(engine, reviewer, researched)
    approve(engine, editor, verdict)  # two independent sources: no confirmation needed
    claim = claim_now(engine, researched.id)
    assert claim.state == ClaimState.approved
    with db.read_session(engine) as session:
        current = verdicts.current_verdict(session, researched.id)
        assert verdicts.pending_verdict(session, researched.id) is None
    assert current.id == verdict.id
    assert current.status == VerdictStatus.approved
    assert current.reviewer_id == editor.id and current.reviewed_at is not None
    with pytest.raises(WorkflowError, match="already approved"):
        approve(engine, editor, verdict)


def test_approve_with_stale_verdict_version_is_refused(engine, reviewer, editor, researched):
    verdict = propose(engine, reviewer, researched)
    with pytest.raises(StaleEdit), db.write_session(engine) as session:
        verdicts.approve_verdict(session, editor, verdict.id, verdict.version + 1)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed


# --- return -----------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "  \n ", None])
def test_return_needs_a_comment(engine, reviewer, editor, researched, comment):
    verdict = propose(engine, reviewer, researched)
    with pytest.raises(InvalidInput, match="comment"):
        give_back(engine, editor, verdict, comment)
    assert verdict_now(engine, verdict.id).status == VerdictStatus.proposed


def test_reviewer_cannot_return(engine, reviewer, researched):
    verdict = propose(engine, reviewer, researched)
    with pytest.raises(PermissionDenied):
        give_back(engine, reviewer, verdict, "Looks fine to me")


def test_return_then_repropose(engine, reviewer, editor, researched):
    verdict = propose(engine, reviewer, researched)
    give_back(engine, editor, verdict, "  Check the 2024 figure too.  ")
    claim = claim_now(engine, researched.id)
    assert claim.state == ClaimState.researching
    with db.read_session(engine) as session:
        returned = verdicts.latest_return_comment(session, researched.id)
    assert returned.id == verdict.id and returned.status == VerdictStatus.returned
    assert returned.review_comment == "Check the 2024 figure too."
    assert returned.reviewer_id == editor.id

    second = propose(engine, reviewer, claim, label="Mostly false")
    with db.read_session(engine) as session:
        assert verdicts.latest_return_comment(session, researched.id) is None
        history = verdicts.verdict_history(session, researched.id)
    assert [(v.id, v.status) for v in history] == [
        (verdict.id, VerdictStatus.returned),
        (second.id, VerdictStatus.proposed),
    ]
    approve(engine, editor, second)
    with db.read_session(engine) as session:
        assert verdicts.current_verdict(session, researched.id).id == second.id


# --- corrections ------------------------------------------------------------------------------


@pytest.fixture
def published(engine, reviewer, editor, researched):
    verdict = propose(engine, reviewer, researched)
    approve(engine, editor, verdict)
    return verdict


def test_only_editors_correct(engine, reviewer, researched, published):
    with pytest.raises(PermissionDenied):
        correct(engine, reviewer, researched)
    assert claim_now(engine, researched.id).state == ClaimState.approved


def test_correction_needs_published_verdict(engine, editor, researched):
    with pytest.raises(WorkflowError):
        correct(engine, editor, researched)


@pytest.mark.parametrize("reason", ["", "   "])
def test_correction_needs_reason(engine, editor, researched, published, reason):
    with pytest.raises(InvalidInput, match="reason"):
        correct(engine, editor, researched, reason=reason)
    assert claim_now(engine, researched.id).state == ClaimState.approved
    assert verdict_count(engine) == 1


def test_correction_approved_by_second_editor_supersedes(
    engine, editor, second_editor, researched, published
):
    fix = correct(engine, editor, researched)
    assert claim_now(engine, researched.id).state == ClaimState.in_review
    stored = verdict_now(engine, fix.id)
    assert stored.corrects_id == published.id
    assert stored.correction_reason == "The Council revised its figure."
    with db.read_session(engine) as session:  # still the old one until approved
        assert verdicts.current_verdict(session, researched.id).id == published.id
    with pytest.raises(PermissionDenied):
        approve(engine, editor, fix)  # two-person rule applies to corrections too
    approve(engine, second_editor, fix)
    assert claim_now(engine, researched.id).state == ClaimState.approved
    with db.read_session(engine) as session:
        current = verdicts.current_verdict(session, researched.id)
        history = verdicts.verdict_history(session, researched.id)
    assert current.id == fix.id and current.rating_id == rating_id(engine, "Mostly false")
    assert [(v.id, v.status) for v in history] == [
        (published.id, VerdictStatus.superseded),
        (fix.id, VerdictStatus.approved),
    ]


def test_returned_correction_keeps_published_verdict(
    engine, editor, second_editor, researched, published
):
    fix = correct(engine, editor, researched)
    give_back(engine, second_editor, fix, "The revision is not official yet.")
    assert claim_now(engine, researched.id).state == ClaimState.approved
    with db.read_session(engine) as session:
        assert verdicts.current_verdict(session, researched.id).id == published.id
    assert verdict_now(engine, published.id).status == VerdictStatus.approved


# --- rating scales ----------------------------------------------------------------------------


def test_preset_scales(engine):
    with db.read_session(engine) as session:
        scales = {scale.name: scale for scale in ratings.list_scales(session)}
        default = ratings.default_scale(session)
        labels = [r.label for r in ratings.ratings_of(session, default.id)]
        conclusion_ratings = ratings.ratings_of(session, scales["Conclusion only"].id)
        false = ratings.find_rating(session, "  false ")
    assert {"Truth-O-Meter", "Snopes/AAP", "Conclusion only"} <= set(scales)
    assert default.name == "Truth-O-Meter"
    assert labels == ["True", "Mostly true", "Half true", "Mostly false", "False", "Pants on fire"]
    assert scales["Conclusion only"].conclusion_only and conclusion_ratings == []
    assert false.label == "False" and false.scale_id == default.id
    with pytest.raises(InvalidInput), db.read_session(engine) as session:
        ratings.find_rating(session, "Mixture")  # on Snopes/AAP, not the default scale


def test_conclusion_only_scale_needs_conclusion(engine, reviewer, researched):
    with db.read_session(engine) as session:
        scale = next(s for s in ratings.list_scales(session) if s.name == "Conclusion only")
        assert ratings.ratings_of(session, scale.id) == []
    with pytest.raises(InvalidInput):
        propose(engine, reviewer, researched, label=None, conclusion="")
    verdict = propose(
        engine,
        reviewer,
        researched,
        label=None,
        conclusion="The figure double-counts 2024 pledges.",
    )
    assert verdict.rating_id is None
    assert verdict.conclusion == "The figure double-counts 2024 pledges."


def test_custom_conclusion_only_scale_with_label_needs_conclusion(engine, reviewer, researched):
    with db.write_session(engine) as session:
        scale = RatingScale(name="Newsroom conclusions", conclusion_only=True, ordered=False)
        session.add(scale)
        session.flush()
        label = Rating(scale_id=scale.id, label="See conclusion")
        session.add(label)
        session.flush()
        label_id = label.id
    with pytest.raises(InvalidInput, match="conclusion"), db.write_session(engine) as session:
        verdicts.propose_verdict(
            session,
            reviewer,
            researched.id,
            researched.version,
            rating_id=label_id,
            rationale=RATIONALE,
        )
    with db.write_session(engine) as session:
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            researched.id,
            researched.version,
            rating_id=label_id,
            rationale=RATIONALE,
            conclusion="Overstated by about 5%.",
        )
    assert verdict.rating_id == label_id and verdict.conclusion == "Overstated by about 5%."


# --- audit trail ------------------------------------------------------------------------------


def test_every_step_is_in_the_claim_history(engine, reviewer, editor, second_editor, article):
    claim = new_claim(engine, reviewer, article)
    first_evidence = add_evidence(engine, reviewer, claim.id, URLS[0])
    add_evidence(engine, reviewer, claim.id, URLS[1])
    first = propose(engine, reviewer, claim)
    give_back(engine, editor, first, "Add the Council figure.")
    second = propose(engine, reviewer, claim, label="Mostly false")
    approve(engine, editor, second)
    fix = correct(engine, editor, claim)
    approve(engine, second_editor, fix)

    with db.read_session(engine) as session:
        history = audit.claim_history(session, claim.id)
        orphans = session.exec(
            select(AuditEvent).where(
                col(AuditEvent.entity).in_(["claim", "evidence", "verdict"]),
                col(AuditEvent.claim_id).is_(None),
            )
        ).all()
    assert orphans == []
    steps = [(e.entity, e.action, e.changes.get("state")) for e in history]
    assert steps == [
        ("claim", "create", [None, "new"]),
        ("evidence", "create", None),
        ("claim", "state", ["new", "researching"]),
        ("evidence", "create", None),
        ("claim", "state", ["researching", "in_review"]),
        ("verdict", "propose", None),
        ("verdict", "returned", None),
        ("claim", "state", ["in_review", "researching"]),
        ("claim", "state", ["researching", "in_review"]),
        ("verdict", "propose", None),
        ("verdict", "approved", None),
        ("claim", "state", ["in_review", "approved"]),
        ("claim", "state", ["approved", "in_review"]),
        ("verdict", "correct", None),
        ("verdict", "approved", None),
        ("verdict", "superseded", None),
        ("claim", "state", ["in_review", "approved"]),
    ]
    assert all(e.claim_id == claim.id for e in history)
    by_step = {(e.entity, e.action, e.entity_id): e for e in history}
    assert by_step[("evidence", "create", first_evidence.id)].actor_name == "rita"
    returned = by_step[("verdict", "returned", first.id)]
    assert returned.actor_name == "eddie"
    assert returned.changes == {
        "status": ["proposed", "returned"],
        "comment": [None, "Add the Council figure."],
    }
    assert by_step[("verdict", "approved", fix.id)].actor_name == "erin"
    assert by_step[("verdict", "superseded", second.id)].changes["status"] == [
        "approved",
        "superseded",
    ]
    correction = by_step[("verdict", "correct", fix.id)]
    assert correction.changes["corrects_id"] == [None, second.id]
    assert correction.changes["correction_reason"] == [None, "The Council revised its figure."]

"""Verdicts: proposing, the editor's review (two-person rule), and corrections.

Verdicts are append-only: a new judgement is a new row. Only the review fields
(status, reviewer, time, comment) of a row change, once.
"""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from workbench import audit
from workbench.claims import apply_changes, get_claim
from workbench.drafts import MAX_COMMENT, CorrectionDraft, VerdictDraft
from workbench.errors import (
    InvalidInput,
    NeedsConfirmation,
    NotFound,
    PermissionDenied,
    StaleEdit,
    WorkflowError,
)
from workbench.models import (
    Claim,
    ClaimState,
    Evidence,
    RatingScale,
    User,
    Verdict,
    VerdictStatus,
    stored_id,
    utcnow,
)
from workbench.permissions import EDITORS, REVIEW_DESK, require
from workbench.ratings import get_rating
from workbench.sources import independent_source_count
from workbench.validation import clean_text

MIN_INDEPENDENT_SOURCES = 2


def get_verdict(session: Session, verdict_id: int) -> Verdict:
    verdict = session.get(Verdict, verdict_id)
    if verdict is None:
        raise NotFound(f"There is no verdict #{verdict_id}.")
    return verdict


def pending_verdict(session: Session, claim_id: int) -> Verdict | None:
    return session.exec(
        select(Verdict).where(
            Verdict.claim_id == claim_id, Verdict.status == VerdictStatus.proposed
        )
    ).first()


def current_verdict(session: Session, claim_id: int) -> Verdict | None:
    """The published verdict: the latest approved one."""
    return session.exec(
        select(Verdict)
        .where(Verdict.claim_id == claim_id, Verdict.status == VerdictStatus.approved)
        .order_by(col(Verdict.reviewed_at).desc(), col(Verdict.id).desc())
        .limit(1)
    ).first()


def verdict_history(session: Session, claim_id: int) -> list[Verdict]:
    return list(
        session.exec(
            select(Verdict)
            .where(Verdict.claim_id == claim_id)
            .order_by(col(Verdict.created_at), col(Verdict.id))
        )
    )


def _new_verdict(
    session: Session,
    actor: User,
    claim: Claim,
    draft: VerdictDraft,
    *,
    corrects: Verdict | None = None,
) -> Verdict:
    """The verdict row and its audit event; checks what the draft cannot: the rating exists,
    its scale's need for a conclusion, and no other verdict waiting for review."""
    rating_id, conclusion, rationale = draft.rating_id, draft.conclusion, draft.rationale
    reason = draft.reason if isinstance(draft, CorrectionDraft) else ""
    if rating_id is not None:
        rating = get_rating(session, rating_id)
        scale = session.get_one(RatingScale, rating.scale_id)
        if scale.conclusion_only and not conclusion:
            raise InvalidInput("This scale needs a one-line conclusion.")
    if pending_verdict(session, stored_id(claim)) is not None:
        raise WorkflowError("A verdict for this claim is already waiting for review.")
    verdict = Verdict(
        claim_id=stored_id(claim),
        rating_id=rating_id,
        conclusion=conclusion,
        rationale=rationale,
        author_id=actor.id,
        corrects_id=corrects.id if corrects else None,
        correction_reason=reason,
    )
    session.add(verdict)
    session.flush()
    audit.record(
        session,
        actor,
        entity="verdict",
        entity_id=stored_id(verdict),
        action="correct" if corrects else "propose",
        claim_id=claim.id,
        changes={
            k: [None, v]
            for k, v in {
                "rating_id": rating_id,
                "conclusion": conclusion,
                "rationale": rationale,
                "corrects_id": verdict.corrects_id,
                "correction_reason": reason,
            }.items()
            if v not in (None, "")
        },
    )
    return verdict


def propose_verdict(
    session: Session,
    actor: User,
    claim_id: int,
    expected_version: int,
    *,
    rating_id: int | None,
    rationale: str,
    conclusion: str = "",
) -> Verdict:
    """Propose a rating with a rationale (under the rules of :class:`VerdictDraft`); the
    claim moves to ``in_review``."""
    require(actor, REVIEW_DESK, "propose verdicts")
    claim = get_claim(session, claim_id, for_update=True)
    if claim.state not in (ClaimState.new, ClaimState.researching):
        raise WorkflowError(
            f"This claim is {claim.state.replace('_', ' ')}; a verdict can be proposed for new "
            "or researching claims (published ones need a correction)."
        )
    apply_changes(
        session, actor, claim, expected_version, {"state": ClaimState.in_review}, action="state"
    )
    return _new_verdict(session, actor, claim, VerdictDraft(rating_id, rationale, conclusion))


def propose_correction(
    session: Session,
    actor: User,
    claim_id: int,
    expected_version: int,
    *,
    rating_id: int | None,
    rationale: str,
    reason: str,
    conclusion: str = "",
) -> Verdict:
    """Change a published verdict: a new verdict (a :class:`CorrectionDraft`, which needs a
    reason) that a second editor must approve."""
    require(actor, EDITORS, "correct published verdicts")
    claim = get_claim(session, claim_id, for_update=True)
    published = current_verdict(session, claim_id)
    if claim.state != ClaimState.approved or published is None:
        raise WorkflowError("Only a published (approved) verdict can be corrected.")
    draft = CorrectionDraft(rating_id, rationale, conclusion, reason)
    apply_changes(
        session, actor, claim, expected_version, {"state": ClaimState.in_review}, action="state"
    )
    return _new_verdict(session, actor, claim, draft, corrects=published)


def _review(
    session: Session,
    actor: User,
    verdict: Verdict,
    expected_version: int,
    status: VerdictStatus,
    comment: str,
) -> None:
    if verdict.version != expected_version:
        raise StaleEdit(
            "Someone reviewed this verdict after you opened it; reload the queue.",
            current={"status": verdict.status},
            attempted={"status": status},
        )
    verdict.status = status
    verdict.reviewer_id = actor.id
    verdict.reviewed_at = utcnow()
    verdict.review_comment = comment
    session.add(verdict)
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit(
            "Someone reviewed this verdict at the same moment; reload the queue.",
            current={},
            attempted={"status": status},
        ) from None
    audit.record(
        session,
        actor,
        entity="verdict",
        entity_id=stored_id(verdict),
        action=status.value,
        claim_id=verdict.claim_id,
        changes={"status": [VerdictStatus.proposed, status], "comment": [None, comment]}
        if comment
        else {"status": [VerdictStatus.proposed, status]},
    )


def _proposed(session: Session, verdict_id: int) -> Verdict:
    verdict = get_verdict(session, verdict_id)
    if verdict.status != VerdictStatus.proposed:
        raise WorkflowError(f"This verdict was already {verdict.status}.")
    return verdict


def approve_verdict(
    session: Session,
    actor: User,
    verdict_id: int,
    expected_version: int,
    *,
    confirm_few_sources: bool = False,
) -> Verdict:
    """Publish a proposed verdict. Refused for its own author (two-person rule) and without
    evidence; asks for confirmation (NeedsConfirmation) with fewer than two independent sources."""
    require(actor, EDITORS, "approve verdicts")
    verdict = _proposed(session, verdict_id)
    if verdict.author_id == actor.id:
        raise PermissionDenied(
            "You proposed this verdict; a second editor must approve it (two-person rule)."
        )
    evidence = session.exec(
        select(Evidence.id).where(Evidence.claim_id == verdict.claim_id)
    ).first()
    if evidence is None:
        raise WorkflowError("A verdict needs at least one evidence item before approval.")
    independent = independent_source_count(session, verdict.claim_id)
    if independent < MIN_INDEPENDENT_SOURCES and not confirm_few_sources:
        raise NeedsConfirmation(
            f"Only {independent} independent source{'s' if independent != 1 else ''} "
            f"(at least {MIN_INDEPENDENT_SOURCES} recommended). Approve anyway?"
        )
    claim = get_claim(session, verdict.claim_id, for_update=True)
    _review(session, actor, verdict, expected_version, VerdictStatus.approved, "")
    if verdict.corrects_id is not None:
        old = get_verdict(session, verdict.corrects_id)
        old.status = VerdictStatus.superseded
        session.add(old)
        audit.record(
            session,
            actor,
            entity="verdict",
            entity_id=stored_id(old),
            action="superseded",
            claim_id=old.claim_id,
            changes={"status": [VerdictStatus.approved, VerdictStatus.superseded]},
        )
    apply_changes(
        session, actor, claim, claim.version, {"state": ClaimState.approved}, action="state"
    )
    return verdict


def return_verdict(
    session: Session, actor: User, verdict_id: int, expected_version: int, *, comment: str
) -> Verdict:
    """Send a proposed verdict back with a comment the reviewer sees on the claim."""
    require(actor, EDITORS, "return verdicts")
    comment = clean_text(comment, field="Comment", max_length=MAX_COMMENT)
    if not comment:
        raise InvalidInput("Say what the reviewer should look at: a comment is required.")
    verdict = _proposed(session, verdict_id)
    claim = get_claim(session, verdict.claim_id, for_update=True)
    _review(session, actor, verdict, expected_version, VerdictStatus.returned, comment)
    back_to = ClaimState.approved if verdict.corrects_id else ClaimState.researching
    apply_changes(session, actor, claim, claim.version, {"state": back_to}, action="state")
    return verdict


def latest_return_comment(session: Session, claim_id: int) -> Verdict | None:
    """The most recent returned verdict, if it is newer than any later proposal."""
    latest = session.exec(
        select(Verdict)
        .where(Verdict.claim_id == claim_id)
        .order_by(col(Verdict.created_at).desc(), col(Verdict.id).desc())
        .limit(1)
    ).first()
    return latest if latest is not None and latest.status == VerdictStatus.returned else None

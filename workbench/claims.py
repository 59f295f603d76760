"""Claims: creating them from spans of an article, editing them safely, moving them
through the workflow.

Every edit names the ``version`` it was based on; if someone saved in between,
the edit is refused with :class:`StaleEdit` instead of overwriting their work.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, delete, select

from workbench import audit, embeddings, search, summary
from workbench.drafts import MAX_STATEMENT, ClaimDraft, ClaimEdit
from workbench.errors import InvalidInput, NotFound, StaleEdit, WorkflowError
from workbench.models import (
    AnchorStatus,
    Article,
    AuditEvent,
    Claim,
    ClaimState,
    ClaimTag,
    ExternalReview,
    User,
    stored_id,
    utcnow,
)
from workbench.permissions import REVIEW_DESK, require
from workbench.text.anchor import make_selector

#: Fields a reviewer edits; the audit trail and stale-edit messages list these.
EDITABLE = tuple(ClaimEdit.model_fields)

#: Workflow moves a person may make by hand; verdict services make the others.
MANUAL_MOVES = {
    ClaimState.new: {ClaimState.researching, ClaimState.dismissed},
    ClaimState.researching: {ClaimState.dismissed},
    ClaimState.dismissed: {ClaimState.new},
}


def get_claim(session: Session, claim_id: int, *, for_update: bool = False) -> Claim:
    """The claim, or NotFound. ``for_update`` locks the row until the transaction ends
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so a
    read-then-write cannot interleave with another writer's. Every service that changes a
    claim loads it this way, so this is also where another fact-checker's review (a
    ClaimReview import) is refused: it is read-only (:func:`refuse_external`)."""
    if for_update:
        claim = session.exec(
            select(Claim)
            .where(Claim.id == claim_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    else:
        claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"There is no claim #{claim_id}.")
    if for_update:
        refuse_external(session, claim_id)
        summary.touch(session, claim_id)  # the dashboard counts follow at commit
    return claim


def refuse_external(session: Session, claim_id: int) -> None:
    """Raise WorkflowError when ``claim_id`` is another fact-checker's published review: its
    wording, verdict and evidence are theirs (docs/decisions/0014)."""
    review = session.get(ExternalReview, claim_id)
    if review is None:
        return
    by = review.publisher or "another fact-checker"
    raise WorkflowError(
        f"Claim #{claim_id} is {by}'s published review ({review.url}), imported read-only: "
        "it cannot be edited, assigned, given evidence or a verdict. Make a claim of your "
        "own and mark it as a repeat of this one."
    )


def claim_tags(session: Session, claim_id: int) -> list[str]:
    return list(
        session.exec(
            select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id).order_by(ClaimTag.tag)
        )
    )


def _set_tags(session: Session, claim_id: int, tags: list[str]) -> None:
    session.exec(delete(ClaimTag).where(col(ClaimTag.claim_id) == claim_id))
    session.add_all(ClaimTag(claim_id=claim_id, tag=tag) for tag in tags)


def _span(article: Article, start: int | None, end: int | None) -> tuple[int, int]:
    if start is None or end is None or not 0 <= start < end <= len(article.body):
        raise InvalidInput(
            f"The selected span ({start}–{end}) is not inside the article "
            f"(0–{len(article.body)} characters)."
        )
    if not article.body[start:end].strip():
        raise InvalidInput("The selected span holds only spaces; select the words of the claim.")
    return start, end


def _check_repeat(session: Session, claim_id: int | None, repeat_of_id: int | None) -> None:
    if repeat_of_id is None:
        return
    if repeat_of_id == claim_id:
        raise InvalidInput("A claim cannot repeat itself.")
    get_claim(session, repeat_of_id)


def _article_for_claim(session: Session, article_id: int | None) -> Article | None:
    """The article a new claim is pinned in, read under a shared row lock (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers): an editor assigning the article
    (``assignments.assign_article`` locks it for update) either finishes first, and the
    claim goes to the new assignee, or waits for this claim and then reassigns it too."""
    if article_id is None:
        return None
    article = session.exec(
        select(Article)
        .where(Article.id == article_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).first()
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


def create_claim(session: Session, actor: User, draft: ClaimDraft) -> Claim:
    """A new claim anchored to ``article.body[start:end]`` (code points), or a free-standing
    claim with only a quote when ``article_id`` is None. The draft's fields are already
    clean; this checks what needs the database (the article, the span, the repeated claim)."""
    require(actor, REVIEW_DESK, "create claims")
    article = _article_for_claim(session, draft.article_id)
    claim = Claim(
        statement=draft.statement,
        # What the claim is about: by default, the article it was found in.
        context=draft.context or (article.title if article else ""),
        claimant=draft.claimant,
        claim_date=draft.claim_date,
        claim_type=draft.claim_type,
        score=draft.score,
        reasons=list(draft.reasons),
        created_by=actor.id,
        # An article an editor gave to someone brings its new claims to them too.
        assignee_id=article.assignee_id if article and article.assignee_id else actor.id,
    )
    _check_repeat(session, None, draft.repeat_of_id)
    claim.repeat_of_id = draft.repeat_of_id
    if article is not None:
        claim.article_id = article.id
        claim.start, claim.end = _span(article, draft.start, draft.end)
        claim.article_version = article.current_version
        selector = make_selector(article.body, claim.start, claim.end)
        claim.quote, claim.prefix, claim.suffix = selector.quote, selector.prefix, selector.suffix
    else:
        claim.quote, claim.anchor_status = draft.quote or draft.statement, AnchorStatus.none
    if not claim.statement:
        claim.statement = " ".join(claim.quote.split())[:MAX_STATEMENT]
    tags = draft.tags
    session.add(claim)
    session.flush()
    claim_id = stored_id(claim)
    _set_tags(session, claim_id, tags)
    search.index_claim(session, claim_id)
    embeddings.index_claim(session, claim_id, claim.statement, new=True)
    summary.touch_new(session, claim_id)
    audit.record(
        session,
        actor,
        entity="claim",
        entity_id=claim_id,
        action="create",
        claim_id=claim_id,
        changes={
            name: [None, value]
            for name, value in {
                **audit.snapshot(
                    claim,
                    (
                        "article_id",
                        "start",
                        "end",
                        "quote",
                        "statement",
                        "context",
                        "claimant",
                        "claim_date",
                        "claim_type",
                        "state",
                    ),
                ),
                "tags": tags,
            }.items()
            if value not in (None, "", [])
        },
    )
    return claim


def _last_editor(session: Session, claim_id: int) -> AuditEvent | None:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.claim_id == claim_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(1)
    ).first()


def claim_fields(session: Session, claim: Claim) -> dict[str, Any]:
    """The editable fields as plain values (what a stale-edit dialog compares)."""
    columns = tuple(name for name in EDITABLE if name != "tags")
    return {
        **audit.snapshot(claim, (*columns, "state", "version")),
        "tags": claim_tags(session, stored_id(claim)),
    }


def stale_edit(session: Session, claim: Claim, attempted: dict[str, Any]) -> StaleEdit:
    """The error for an edit based on an old version, naming who saved last and when."""
    session.refresh(claim)
    last = _last_editor(session, stored_id(claim))
    who = (
        f"{last.actor_name} changed this claim at {last.at:%H:%M} (UTC)"
        if last
        else "Someone changed this claim"
    )
    return StaleEdit(
        f"{who}, after you opened it (you edited version {attempted.get('version')}, it is now "
        f"version {claim.version}). Your text is kept below: compare, then save again.",
        current=claim_fields(session, claim),
        attempted=attempted,
    )


def apply_changes(
    session: Session,
    actor: User,
    claim: Claim,
    expected_version: int,
    changes: dict[str, Any],
    *,
    action: str = "update",
    described: dict[str, list[Any]] | None = None,
) -> Claim:
    """Write ``changes`` to ``claim`` if it is still at ``expected_version``, with its audit event.

    Used by every service that modifies a claim, so the version check lives in one place.
    ``described`` adds ``field: [before, after]`` pairs to the audit event that say in
    words what an id change means (an assignee's names beside ``assignee_id``).
    """
    if claim.version != expected_version:
        raise stale_edit(session, claim, {**changes, "version": expected_version})
    changes = dict(changes)
    tags = changes.pop("tags", None)
    before = audit.snapshot(claim, tuple(changes))
    after = {name: audit.snapshot_value(value) for name, value in changes.items()}
    if tags is not None:
        before["tags"], after["tags"] = claim_tags(session, stored_id(claim)), tags
    changed = audit.diff(before, after)
    if not changed:
        return claim
    for name, value in changes.items():
        setattr(claim, name, value)
    claim.updated_at = utcnow()
    session.add(claim)
    try:
        session.flush()
    except StaleDataError:
        # Another transaction (PostgreSQL) committed between our read and write.
        session.rollback()
        raise stale_edit(session, claim, {**after, "version": expected_version}) from None
    claim_id = stored_id(claim)
    if tags is not None:
        _set_tags(session, claim_id, tags)
    if tags is not None or {"statement", "context", "quote", "claimant"} & changes.keys():
        search.index_claim(session, claim_id)
    if "statement" in changes:
        embeddings.index_claim(session, claim_id, claim.statement)
    audit.record(
        session,
        actor,
        entity="claim",
        entity_id=claim_id,
        action=action,
        claim_id=claim_id,
        changes={**changed, **(described or {})},
    )
    return claim


def update_claim(
    session: Session, actor: User, claim_id: int, expected_version: int, **fields: Any
) -> Claim:
    """Edit a claim's statement, context, claimant, date, type, tags, boundaries or repeat
    link (the fields of :class:`ClaimEdit`, under its rules). Raises StaleEdit when
    ``expected_version`` is not the stored version. The assignee is not edited here:
    ``workbench.assignments`` decides who may give a claim to whom (editors assign, a
    reviewer takes only an unassigned claim), so an edit naming it is refused."""
    require(actor, REVIEW_DESK, "edit claims")
    changes = ClaimEdit(**fields).changes()
    if "assignee_id" in changes:
        raise InvalidInput(
            "Who works on a claim changes by assigning it (Assign, Take, or "
            "`workbench assign claim`), not by editing it."
        )
    claim = get_claim(session, claim_id, for_update=True)
    if claim.state in (ClaimState.approved, ClaimState.in_review) and (
        {"start", "end", "statement"} & changes.keys()
    ):
        raise WorkflowError(
            "This claim's verdict is under review or published; its wording and span are frozen. "
            "Propose a correction instead."
        )
    if "repeat_of_id" in changes:
        _check_repeat(session, claim.id, changes["repeat_of_id"])
    if "start" in changes or "end" in changes:
        if claim.article_id is None:
            raise InvalidInput("This claim has no article, so it has no span to adjust.")
        article = session.get_one(Article, claim.article_id)
        if (
            claim.article_version != article.current_version
            and not {"start", "end"} <= changes.keys()
        ):
            raise InvalidInput(
                f"This claim's span points into version {claim.article_version} "
                f"of the article; select its words again in version "
                f"{article.current_version}."
            )
        start, end = _span(
            article, changes.get("start", claim.start), changes.get("end", claim.end)
        )
        selector = make_selector(article.body, start, end)
        changes.update(
            start=start,
            end=end,
            quote=selector.quote,
            prefix=selector.prefix,
            suffix=selector.suffix,
            anchor_status=AnchorStatus.anchored,
            article_version=article.current_version,
            proposed_start=None,
            proposed_end=None,
        )
    return apply_changes(session, actor, claim, expected_version, changes)


def move_claim(
    session: Session, actor: User, claim_id: int, expected_version: int, to_state: str
) -> Claim:
    """Start research on, dismiss, or reopen a claim (other moves go through verdicts)."""
    require(actor, REVIEW_DESK, "change a claim's state")
    claim = get_claim(session, claim_id, for_update=True)
    if to_state not in MANUAL_MOVES.get(ClaimState(claim.state), set()):
        raise WorkflowError(
            f"A claim that is {claim.state.replace('_', ' ')} cannot be moved "
            f"to {to_state.replace('_', ' ')} by hand."
        )
    return apply_changes(
        session, actor, claim, expected_version, {"state": to_state}, action="state"
    )


def claims_for_article(session: Session, article_id: int) -> list[Claim]:
    return list(
        session.exec(
            select(Claim)
            .where(Claim.article_id == article_id)
            .order_by(col(Claim.start), col(Claim.id))
        )
    )


def list_all_claims(session: Session, *, limit: int = 1000, offset: int = 0) -> list[Claim]:
    return list(session.exec(select(Claim).order_by(col(Claim.id)).limit(limit).offset(offset)))

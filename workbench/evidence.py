"""Attaching evidence as the claim panel's form offers it: a stored source, or a new one
described in the same form, in one transaction.

One service rather than two writes from the page: a refused attach (a dismissed claim, a
busy database) must not leave a new source behind.
"""

from __future__ import annotations

from sqlmodel import Session

from workbench import sources
from workbench.errors import InvalidInput
from workbench.models import Evidence, User


def attach_evidence(session: Session, actor: User, claim_id: int, *, source_id: int | None,
                    draft: sources.SourceDraft | None, stance: str, excerpt: str = "",
                    independent: bool = True) -> Evidence:
    """Attach ``source_id``, or, when it is None, the source ``draft`` describes (stored
    first). Raises InvalidInput when neither is given."""
    if source_id is None:
        if draft is None:
            raise InvalidInput("Pick a stored source or describe a new one.")
        source_id = sources.add_source(session, actor, draft).id
    return sources.attach_source(session, actor, claim_id, source_id, stance=stance,
                                 excerpt=excerpt, independent=independent)

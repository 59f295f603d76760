"""Who may do what. Services call :func:`require`; pages only hide what is refused anyway."""

from __future__ import annotations

from workbench.errors import PermissionDenied
from workbench.models import Role, User

REVIEW_DESK = frozenset({Role.reviewer, Role.editor, Role.admin})
EDITORS = frozenset({Role.editor, Role.admin})
ADMINS = frozenset({Role.admin})

_WHAT = {
    EDITORS: "Only editors can do this",
    ADMINS: "Only admins can do this",
    REVIEW_DESK: "You need a reviewer account to do this",
}


def require(actor: User | None, allowed: frozenset[Role], action: str) -> User:
    """Return ``actor`` if it is active and holds an allowed role, else raise PermissionDenied."""
    if actor is None or not actor.active:
        raise PermissionDenied(f"Sign in to {action}.")
    if actor.role not in allowed:
        raise PermissionDenied(f"{_WHAT.get(allowed, 'Not allowed')}: {action}.")
    return actor

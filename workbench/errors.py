"""Domain errors: each message is written for a fact-checker, not a developer.

Pages show ``str(error)`` with ``st.error``; the CLI prints it and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class WorkbenchError(Exception):
    """Base of every error a user may see."""


class NotFound(WorkbenchError):
    pass


class PermissionDenied(WorkbenchError):
    pass


class InvalidInput(WorkbenchError):
    pass


class WorkflowError(WorkbenchError):
    """A step the claim's workflow state does not allow (e.g. approving twice)."""


class NeedsConfirmation(WorkbenchError):
    """The action is allowed but the user must confirm a warning first."""


class AuthenticationFailed(WorkbenchError):
    pass


class DuplicateArticle(WorkbenchError):
    def __init__(self, existing_id: int, title: str) -> None:
        super().__init__(
            f"This article is already in the workbench as #{existing_id} “{title}”. "
            "Open the existing one, or add it again on purpose."
        )
        self.existing_id = existing_id


class StaleEdit(WorkbenchError):
    """Someone saved the record after the user loaded it.

    ``current`` holds the stored version's fields and ``attempted`` the user's,
    so the page can show both and keep the typed text.
    """

    def __init__(self, message: str, current: dict[str, Any], attempted: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current
        self.attempted = attempted

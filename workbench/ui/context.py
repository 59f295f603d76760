"""What every page needs: the database ready, the acting user, and error display."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from workbench import db, users
from workbench.errors import WorkbenchError
from workbench.models import User

T = TypeVar("T")


@st.cache_resource(show_spinner="Preparing the database…")
def ensure_database() -> bool:
    """Create and migrate the configured database once per server process."""
    db.upgrade()
    with db.write_session() as session:
        users.builtin_user(session, users.LOCAL_USER)
    return True


def acting_user(session: Session) -> User:
    """The signed-in user, or the local default user when sign-in is not set up."""
    user_id = st.session_state.get("wb_user_id")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is not None and user.active:
            return user
    local = users.find_user(session, users.LOCAL_USER)
    if local is None:  # only before ensure_database() ran
        local = users.builtin_user(session, users.LOCAL_USER)
    return local


def perform(
    action: Callable[[Session, User], T], *, reraise: tuple[type[Exception], ...] = ()
) -> T | None:
    """Run ``action(session, user)`` in one write transaction.

    Domain errors roll everything back and are shown with ``st.error`` (None is
    returned), except those in ``reraise``, which the page handles itself (a stale
    edit, say, where the page shows both versions).
    """
    try:
        with db.write_session() as session:
            return action(session, acting_user(session))
    except reraise:
        raise
    except WorkbenchError as error:
        st.error(str(error))
        return None

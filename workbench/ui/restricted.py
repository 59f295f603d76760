"""What a signed-in person sees at the address of a page their role does not list (a link
an editor sent, a bookmark from another account): what the page is for and whom to ask,
instead of Streamlit's "page not found"."""

from __future__ import annotations

import streamlit as st

from workbench import loaders
from workbench.models import Role
from workbench.ui.safe import md


def _roles_in_words(roles: frozenset[Role]) -> str:
    names = [f"{role.value}s" for role in Role if role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def not_for_your_role(title: str, section: str, roles: frozenset[Role]) -> None:
    """The page ``title`` of the menu section ``section`` is for ``roles``."""
    st.title(title)
    who = _roles_in_words(roles)
    st.info(
        f"The {md(title)} page is part of the {md(section)} pages, which are for {who}. "
        "Your account does not have that role.",
        icon=":material/lock:",
    )
    people = loaders.people_to_ask(roles)
    if people:
        st.write(
            f"To use it, ask one of them — {md(', '.join(people))} — to do it for you, "
            "or ask an admin to change your role."
        )
    else:
        st.write("To use it, ask an admin of your desk to change your role.")

"""The Annotate page's list of an article's claims: one element, one button per claim.

Why not one ``st.button`` per claim: every button is an element of its own, with its own
message, widget registration and React subtree, and its label is parsed as Markdown in the
browser. Accepting a suggestion redraws the list; with 60 claims the buttons cost about
75 ms of the browser's main thread and 50 ms of the server per click (issue 9). Here the
claims travel as data in one ``st.components.v2`` element and ``claim_buttons.js`` builds
plain buttons.

Trust boundary: labels and statements are written with ``textContent`` only, so a
statement holding ``<script>`` or Markdown stays text. A click sends the claim's id as the
``opened`` trigger, and only an id this run listed reaches ``on_open``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import streamlit as st

from workbench.ui.components.page_component import register

__all__ = ["ListedClaim", "claim_buttons"]

# Static markup only: the claims are filled in by the JS from ``data``.
_HTML = '<ol class="wb-claims" data-testid="wb-claims"></ol>'
_COMPONENT = register("wb_claim_buttons", "claim_buttons", _HTML)


@dataclass(frozen=True)
class ListedClaim:
    """One claim as the list shows it: "#12 · researching — The package is worth…"."""

    claim_id: int
    label: str
    statement: str


def opened_claim(raw: object, listed: Sequence[int]) -> int | None:
    """The id the browser sent, if it is one of the claims listed (JSON booleans, strings
    and stale or forged ids name none)."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if raw in listed else None


def _opened(key: str, listed: tuple[int, ...], on_open: Callable[[int], None]) -> None:
    state = st.session_state.get(key)
    claim_id = opened_claim(state.get("opened") if isinstance(state, Mapping) else None, listed)
    if claim_id is not None:
        on_open(claim_id)


def claim_buttons(
    claims: Sequence[ListedClaim], *, key: str, on_open: Callable[[int], None]
) -> None:
    """The claims as buttons; a click calls ``on_open(claim_id)`` before the next run
    (a callback, so a click made while a run is busy is not lost)."""
    _COMPONENT(
        key=key,
        data={"claims": [[c.claim_id, c.label, c.statement] for c in claims]},
        height="content",
        on_opened_change=partial(_opened, key, tuple(c.claim_id for c in claims), on_open),
    )

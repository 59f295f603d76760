"""Article viewer with claim highlights and mouse/keyboard span selection.

The browser half lives in ``span_selector.js`` / ``span_selector.css`` next to
this file, registered once as an ``st.components.v2`` component (``page_component``).

Trust boundary: the article text travels as ``data`` (JSON) and the JS only
writes it with text nodes, so an article containing ``<script>`` or
``<img onerror=…>`` stays inert. Everything the browser sends back is
re-validated here against the body the server rendered.

A selected claim's span can be moved a word at a time from the keyboard (Shift+Arrow
moves its end, Alt+Shift+Arrow its start); the JS draws the new span at once and sends
it as the ``adjusted`` trigger when Shift is let go, and :func:`parse_adjusted` checks it
and completes it to whole words, as a mouse selection is, before ``on_adjust`` saves it.

Suggested claims can be marked in the text (``suggestions``, ``on_suggestion``): each
travels as data (offsets, score, readable reasons) and is drawn with a dotted underline
and a hover title; a click on one opens Accept / Not check-worthy beside it, sent as the
``suggestion`` trigger and checked by :func:`parse_suggestion_choice` against the
suggestions this run drew, so the callback always gets the server's own ``Suggestion``.

The body travels only when this browser session does not hold it yet. Every run
sends the body's digest; the body itself goes with the first run that shows it,
after which the session state remembers the digest per selector key and the JS
keeps the last few bodies it was given, by digest. A 7,000-word article is
~43 KB of the ~113 KB a claim click used to send. Whenever the JS meets a digest
it holds no body for (a reload into an old session, a run whose message never
arrived), it fires the ``missing`` trigger; its callback forgets the digest, and
the rerun that the trigger causes sends the body again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeGuard

import streamlit as st

from workbench.text.anchor import snap_to_words
from workbench.text.checkworthiness import Suggestion, readable_reason
from workbench.ui.components.page_component import register

__all__ = [
    "AdjustedSpan",
    "Highlight",
    "SpanSelection",
    "body_digest",
    "parse_adjusted",
    "parse_clicked",
    "parse_selection",
    "parse_suggestion_choice",
    "span_selector",
    "stored_selection",
]

_LOG = logging.getLogger(__name__)
_COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")

# Static markup only: user data never goes here (see module docstring). The
# class and test id give Playwright a stable handle inside the shadow root. The choice
# beside the article is filled with textContent when a suggested sentence is clicked.
_HTML = (
    '<div class="wb-frame">'
    '<div class="wb-article" data-testid="wb-article" tabindex="0"></div>'
    '<div class="wb-choice" data-testid="wb-suggestion-choice" role="dialog" '
    'aria-label="Suggested claim" hidden>'
    '<p class="wb-choice-text"></p>'
    '<div class="wb-choice-buttons">'
    '<button type="button" class="wb-accept">Accept</button>'
    '<button type="button" class="wb-dismiss">Not check-worthy</button>'
    '<button type="button" class="wb-close" aria-label="Close">✕</button>'
    "</div></div></div>"
)

_COMPONENT = register("wb_span_selector", "span_selector", _HTML)
#: Session state: selector key -> digest of the body this browser session was sent.
_SENT = "_wb_span_selector_bodies"


@dataclass(frozen=True)
class Highlight:
    """A coloured span of the article, usually the anchor of a claim.

    Offsets are Python code-point indexes into the article body (what
    ``body[start:end]`` uses), not UTF-16 units: the JS converts them.
    """

    start: int
    end: int
    colour: str
    label: str
    claim_id: int | None
    #: A place a new version proposes for the claim, not yet confirmed: drawn dashed.
    proposed: bool = False

    def __post_init__(self) -> None:
        """Reject malformed highlights early, where the caller's bug is visible."""
        if not 0 <= self.start < self.end:
            raise ValueError(f"highlight needs 0 <= start < end, got {self.start}..{self.end}")
        if not _COLOUR_RE.fullmatch(self.colour):
            raise ValueError(f"highlight colour must look like #rrggbb, got {self.colour!r}")


@dataclass(frozen=True)
class SpanSelection:
    """A span the user selected, validated against the body (code points)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AdjustedSpan:
    """A claim's span moved from the keyboard: code points, whole words, inside the body."""

    claim_id: int
    start: int
    end: int


def _is_int(value: object) -> TypeGuard[int]:
    """True for real ints only: JSON booleans arrive as ``bool``, a subclass of int."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_selection(raw: object, body: str) -> SpanSelection | None:
    """Turn the browser's ``{start, end, text}`` into a trusted selection, or None.

    The browser is not trusted: offsets must be ints inside the body and
    non-empty. A text that disagrees with the body (e.g. the article changed
    between render and selection) is replaced by ``body[start:end]`` so the
    caller always stores text that matches its offsets.
    """
    if not isinstance(raw, Mapping):
        return None
    start, end = raw.get("start"), raw.get("end")
    if not (_is_int(start) and _is_int(end)):
        return None
    if not 0 <= start < end <= len(body):
        return None
    text = body[start:end]
    if raw.get("text") != text:
        _LOG.debug("span_selector: browser text differs from body[%d:%d]", start, end)
    return SpanSelection(start=start, end=end, text=text)


def parse_clicked(raw: object, highlights: Sequence[Highlight]) -> int | None:
    """Return the clicked claim id only if it belongs to one of the shown highlights."""
    if not _is_int(raw):
        return None
    known = {h.claim_id for h in highlights if h.claim_id is not None}
    return raw if raw in known else None


def parse_adjusted(raw: object, body: str, known: Sequence[int]) -> AdjustedSpan | None:
    """Turn the browser's ``{claim_id, start, end}`` into a span to save, or None.

    The claim must be one of ``known`` (the claims drawn at their own span) and the span
    inside the body; it is completed to whole words like a mouse selection, so a browser
    that counted words differently cannot cut one.
    """
    span = parse_selection(raw, body)
    claim_id = raw.get("claim_id") if isinstance(raw, Mapping) else None
    if span is None or not _is_int(claim_id) or claim_id not in known:
        return None
    try:
        start, end = snap_to_words(body, span.start, span.end)
    except ValueError:  # only whitespace
        return None
    return AdjustedSpan(claim_id, start, end)


def parse_suggestion_choice(
    raw: object, suggestions: Sequence[Suggestion]
) -> tuple[Suggestion, bool] | None:
    """Turn the browser's ``{start, end, accept}`` into (the suggestion drawn at exactly
    those offsets, accept?), or None: a forged or stale choice names no suggestion."""
    if not isinstance(raw, Mapping):
        return None
    start, end, accept = raw.get("start"), raw.get("end"), raw.get("accept")
    if not (_is_int(start) and _is_int(end) and isinstance(accept, bool)):
        return None
    chosen = next((s for s in suggestions if (s.start, s.end) == (start, end)), None)
    return None if chosen is None else (chosen, accept)


def body_digest(body: str) -> str:
    """The body's identity for the browser's cache (hex, 32 characters)."""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _suggestion_data(body: str, suggestions: Sequence[Suggestion]) -> list[dict[str, Any]]:
    """The suggestions as the JS draws them: offsets, score and the reasons as a person
    reads them (text, which the JS writes with textContent); any past the body dropped."""
    return [
        {
            "start": s.start,
            "end": s.end,
            "score": round(s.score, 2),
            "reasons": [readable_reason(reason) for reason in s.reasons],
        }
        for s in suggestions
        if 0 <= s.start < s.end <= len(body)
    ]


def _component_data(
    body: str,
    highlights: Sequence[Highlight],
    selected_claim_id: int | None,
    selection: SpanSelection | None,
) -> dict[str, Any]:
    """Build the JSON payload; highlights past the end of the body are dropped.

    A stale anchor (body edited after the claim was anchored) should not take
    the whole article view down, so it is logged and skipped rather than raised.
    ``selection`` is the selection the server holds, echoed so that the JS,
    which only sends changes, can send the same span again after Python cleared it.
    """
    shown = []
    for h in highlights:
        if h.end > len(body):
            _LOG.warning(
                "span_selector: dropping highlight %d..%d past end of body", h.start, h.end
            )
            continue
        shown.append(
            {
                "start": h.start,
                "end": h.end,
                "colour": h.colour,
                "label": h.label,
                "claim_id": h.claim_id,
                "proposed": h.proposed,
            }
        )
    return {
        "digest": body_digest(body),
        "body": body,
        "highlights": shown,
        "selected_claim_id": selected_claim_id,
        "selection": None
        if selection is None
        else {"start": selection.start, "end": selection.end},
    }


def _on_change() -> None:
    """Do nothing; it exists because CCv2 needs an ``on_<key>_change`` per key.

    Without it a trigger value is never returned and Python cannot write the
    state key (e.g. to clear a selection).
    """


def _forget_body(key: str) -> None:
    """The browser says it lacks the body of ``key``: send it with the next run."""
    st.session_state.get(_SENT, {}).pop(key, None)


def _clicked_callback(key: str, known: tuple[int, ...], on_click: Callable[[int], None]) -> None:
    """Hand the clicked claim id (validated like ``parse_clicked``) to ``on_click``."""
    state = st.session_state.get(key)
    raw = state.get("clicked") if isinstance(state, Mapping) else None
    if _is_int(raw) and raw in known:
        on_click(raw)


def _adjusted_callback(
    key: str, body: str, known: tuple[int, ...], on_adjust: Callable[[AdjustedSpan], None]
) -> None:
    """Hand the span the keyboard moved (checked by ``parse_adjusted``) to ``on_adjust``."""
    state = st.session_state.get(key)
    span = parse_adjusted(
        state.get("adjusted") if isinstance(state, Mapping) else None, body, known
    )
    if span is not None:
        on_adjust(span)


def _suggestion_callback(
    key: str,
    suggestions: tuple[Suggestion, ...],
    on_suggestion: Callable[[Suggestion, bool], None],
) -> None:
    """Hand the suggestion chosen in the text (checked by ``parse_suggestion_choice``)
    and whether it was accepted to ``on_suggestion``."""
    state = st.session_state.get(key)
    raw = state.get("suggestion") if isinstance(state, Mapping) else None
    chosen = parse_suggestion_choice(raw, suggestions)
    if chosen is not None:
        on_suggestion(*chosen)


def span_selector(
    body: str,
    highlights: Sequence[Highlight],
    *,
    key: str,
    selected_claim_id: int | None = None,
    height: int | None = None,
    on_select: Callable[[], None] | None = None,
    on_click: Callable[[int], None] | None = None,
    on_adjust: Callable[[AdjustedSpan], None] | None = None,
    suggestions: Sequence[Suggestion] = (),
    on_suggestion: Callable[[Suggestion, bool], None] | None = None,
) -> tuple[SpanSelection | None, int | None]:
    """Show ``body`` with ``highlights``; return (current selection, clicked claim id).

    The selection persists across reruns until the user selects again or
    clicks in the article; the clicked claim id is a one-shot trigger that is
    None on every later run. ``height`` in pixels makes the article scroll
    inside a fixed box; None sizes it to its content.

    ``on_select()`` and ``on_click(claim_id)`` are callbacks: they run at the start of
    the rerun the browser asks for, before the script body, so a later interaction that
    interrupts that rerun cannot drop them (a click read from the return value can be:
    see docs/reruns.md). They may call ``st.rerun(scope=…)`` to choose what reruns.

    Use one ``key`` per article (e.g. ``f"article-{article_id}"``): component
    state is tied to the key, so a shared key would carry a selection made in
    one article over to the next, where its offsets point at other text.

    ``on_adjust(span)`` receives a selected claim's span moved from the keyboard (see
    the module docstring); without it the claims' spans cannot be moved here.

    ``suggestions`` are marked in the text when ``on_suggestion(suggestion, accept)`` is
    given: it receives the one accepted or dismissed there, as a callback too.

    The body is sent only on the first run that shows it to this browser session
    (see the module docstring); later runs send its digest.
    """
    data = _component_data(body, highlights, selected_claim_id, stored_selection(key, body))
    data["adjustable"] = on_adjust is not None
    data["suggestions"] = [] if on_suggestion is None else _suggestion_data(body, suggestions)
    sent: dict[str, str] = st.session_state.setdefault(_SENT, {})
    if sent.get(key) == data["digest"]:
        data["body"] = None  # this browser session holds it
    sent[key] = data["digest"]
    result = _COMPONENT(
        key=key,
        data=data,
        height="content" if height is None else height,
        on_missing_change=partial(_forget_body, key),
        on_selection_change=on_select or _on_change,
        on_clicked_change=_on_change
        if on_click is None
        else partial(
            _clicked_callback,
            key,
            tuple(h.claim_id for h in highlights if h.claim_id is not None),
            on_click,
        ),
        on_adjusted_change=_on_change
        if on_adjust is None
        else partial(
            _adjusted_callback,
            key,
            body,
            tuple(h.claim_id for h in highlights if h.claim_id is not None and not h.proposed),
            on_adjust,
        ),
        on_suggestion_change=_on_change
        if on_suggestion is None
        else partial(_suggestion_callback, key, tuple(suggestions), on_suggestion),
    )
    return parse_selection(result.get("selection"), body), parse_clicked(
        result.get("clicked"), highlights
    )


def stored_selection(key: str, body: str) -> SpanSelection | None:
    """The selection the server holds for the selector ``key`` (validated against ``body``),
    for code that runs where the selector does not render (another fragment)."""
    state = st.session_state.get(key)
    return parse_selection(state.get("selection"), body) if isinstance(state, Mapping) else None


def clear_selection(key: str) -> None:
    """Forget the stored mouse selection (after it became a claim).

    Call before ``span_selector`` renders in this run (e.g. at the top of the page or
    in a callback): Streamlit refuses writes to a widget's state after it rendered.
    """
    state = st.session_state.get(key)
    if isinstance(state, Mapping) and state.get("selection") is not None:
        st.session_state[key] = {**state, "selection": None}

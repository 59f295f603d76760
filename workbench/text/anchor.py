"""Re-find a claim's quote in an article body, W3C TextQuoteSelector style (like Hypothesis).

A claim stores its quote plus some context on either side. After the body is edited or a claim
is imported, `anchor` finds the quote again. Only an unambiguous exact match is safe to apply
automatically; anything else is a *proposal* for the reviewer, because Hypothesis's silent
fuzzy fallback is known to attach to look-alike paragraphs. All offsets are Python code
points, the unit the stored body is indexed in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal, NamedTuple

from rapidfuzz import fuzz

# Characters of context kept on each side: enough to tell repeated phrases apart, short enough
# that a nearby edit rarely touches it.
CONTEXT_CHARS = 32
# Minimum rapidfuzz similarity (0-100, normalised Indel distance) between the stored quote and
# a proposed span. 85 tolerates a corrected typo or a changed figure in a sentence-long quote
# ("$6.2 billion" -> "$6.5 billion") but not a rewritten sentence; short quotes must be
# near-exact, since one changed character in a 6-character quote already scores ~83.
FUZZY_THRESHOLD = 85.0
# An occurrence whose stored context survives only on one side (an edit touched the other) is
# still accepted if at least this many more context characters agree than for any other
# occurrence (counting 0 when it is the only one).
CONTEXT_MARGIN = 8

_ZWJ = "\u200d"
_ZWNJ = "\u200c"


@dataclass(frozen=True)
class Selector:
    """The quoted text with up to CONTEXT_CHARS characters before and after it."""

    quote: str
    prefix: str
    suffix: str

    def __post_init__(self) -> None:
        if not self.quote:
            raise ValueError("A selector needs a non-empty quote.")


@dataclass(frozen=True)
class Anchor:
    """Where a selector landed. Only "exact" may be applied without asking the reviewer.

    `score` is the similarity (0-100) of the stored quote to `body[start:end]`; for an
    "unplaced" result it is the best similarity that was found, to explain the refusal.
    """

    status: Literal["exact", "fuzzy", "unplaced"]
    start: int | None
    end: int | None
    score: float
    quote: str | None


def make_selector(body: str, start: int, end: int) -> Selector:
    """Describe `body[start:end]` so it can be found again after the body changes."""
    if not 0 <= start < end <= len(body):
        raise ValueError(f"Span {start}-{end} is not a non-empty range inside the body "
                         f"(length {len(body)}).")
    return Selector(
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS):start],
        suffix=body[end:end + CONTEXT_CHARS],
    )


def anchor(body: str, selector: Selector, hint_start: int | None = None) -> Anchor:
    """Find `selector` in `body`; `hint_start` (the old offset) breaks ties between repeats.

    "exact" needs an exact quote whose surrounding text also singles it out: either the only
    occurrence with its full stored context, or one whose context agrees fully on one side and
    by CONTEXT_MARGIN more characters than for any other occurrence. Otherwise every exact
    occurrence and the best fuzzy alignments compete on similarity of quote *and* context, so
    an edited sentence in the right place beats an untouched look-alike elsewhere; the winner
    is only proposed.
    """
    starts = _occurrences(body, selector.quote)
    agreement = {start: _context_agreement(body, selector, start) for start in starts}
    full = [start for start in starts if agreement[start].sides == 2]
    ranked = sorted(starts, key=lambda start: agreement[start].chars, reverse=True)
    best = agreement[ranked[0]] if ranked else _Agreement(0, 0)
    runner_up = agreement[ranked[1]].chars if len(ranked) > 1 else 0
    clear = not full and best.sides == 1 and best.chars >= runner_up + CONTEXT_MARGIN
    if len(full) == 1 or clear:
        start = full[0] if full else ranked[0]
        return _placed("exact", body, selector, start, start + len(selector.quote))
    exact = full or [start for start in starts if agreement[start].chars == best.chars]
    spans = [(start, start + len(selector.quote)) for start in exact]
    aligned = {span: fuzz.ratio(selector.quote, body[span[0]:span[1]])
               for span in _alignments(body, selector, hint_start)}
    spans += [span for span, score in aligned.items() if score >= FUZZY_THRESHOLD]
    if not spans:
        return Anchor("unplaced", None, None, max(aligned.values(), default=0.0), None)
    chosen = max(spans, key=lambda span: (_similarity_in_context(body, selector, *span),
                                          -_distance(span[0], hint_start)))
    return _placed("fuzzy", body, selector, *chosen)


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int]:
    """Tidy a mouse selection: drop surrounding whitespace and complete cut words.

    Word characters are letters, digits and combining marks (so Arabic and Cyrillic words with
    diacritics stay whole); a span never splits a base character from its marks or an emoji
    joined with U+200D. Raises ValueError if the range is invalid or only whitespace.
    """
    if not 0 <= start <= end <= len(body):
        raise ValueError(f"Span {start}-{end} is outside the body (length {len(body)}).")
    start, end = _strip_whitespace(body, start, end)
    if start == end:
        raise ValueError("The selection contains no text.")
    return _expand_left(body, start, words=True), _expand_right(body, end, words=True)


def _occurrences(body: str, quote: str) -> list[int]:
    """Every start offset of `quote`, overlapping ones included."""
    found = []
    position = body.find(quote)
    while position != -1:
        found.append(position)
        position = body.find(quote, position + 1)
    return found


class _Agreement(NamedTuple):
    """Context next to one occurrence: characters that agree, and sides (0-2) fully agreeing."""

    chars: int
    sides: int


def _context_agreement(body: str, selector: Selector, start: int) -> _Agreement:
    end = start + len(selector.quote)
    before = body[max(0, start - len(selector.prefix)):start]
    after = body[end:end + len(selector.suffix)]
    left = 0
    while left < len(before) and before[-1 - left] == selector.prefix[-1 - left]:
        left += 1
    right = 0
    while right < len(after) and after[right] == selector.suffix[right]:
        right += 1
    sides = (left == len(selector.prefix)) + (right == len(selector.suffix))
    return _Agreement(left + right, sides)


def _alignments(
    body: str, selector: Selector, hint_start: int | None
) -> list[tuple[int, int]]:
    """Tidied spans where rapidfuzz aligns the quote: near the old offset, near the stored
    context, and anywhere (rapidfuzz reports only the first best window of each search)."""
    quote = selector.quote
    context = selector.prefix + quote + selector.suffix
    windows = [(0, len(body))]
    if hint_start is not None:
        windows.append((max(0, hint_start - len(context)), hint_start + 2 * len(context)))
    if len(context) > len(quote):
        region = fuzz.partial_ratio_alignment(context, body)
        windows.append((max(0, region.dest_start - len(quote)), region.dest_end + len(quote)))
    raw = []
    for low, high in windows:
        found = fuzz.partial_ratio_alignment(quote, body[low:high])
        raw.append((low + found.dest_start, low + found.dest_end))
    return [span for span in (_tidy_proposal(body, selector, *span) for span in raw)
            if span[0] < span[1]]


def _distance(start: int, hint_start: int | None) -> int:
    """How far a candidate is from where the quote used to be (or from the top, without one)."""
    return start if hint_start is None else abs(start - hint_start)


def _similarity_in_context(body: str, selector: Selector, start: int, end: int) -> float:
    """Similarity of prefix + quote + suffix to the same stretch around a candidate span."""
    stored = selector.prefix + selector.quote + selector.suffix
    found = body[max(0, start - len(selector.prefix)):end + len(selector.suffix)]
    return fuzz.ratio(stored, found)


def _tidy_proposal(body: str, selector: Selector, start: int, end: int) -> tuple[int, int]:
    """Trim an alignment window and complete words where the stored quote had whole words."""
    start, end = _strip_whitespace(body, start, end)
    if start == end:
        return start, end
    quote, prefix, suffix = selector.quote, selector.prefix, selector.suffix
    whole_left = _is_word_char(quote[0]) and not (prefix and _is_word_char(prefix[-1]))
    whole_right = _is_word_char(quote[-1]) and not (suffix and _is_word_char(suffix[0]))
    return (_expand_left(body, start, words=whole_left),
            _expand_right(body, end, words=whole_right))


def _placed(
    status: Literal["exact", "fuzzy"], body: str, selector: Selector, start: int, end: int
) -> Anchor:
    found = body[start:end]
    return Anchor(status, start, end, fuzz.ratio(selector.quote, found), found)


def _strip_whitespace(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == _ZWNJ or unicodedata.category(char).startswith("M")


def _is_glue(char: str) -> bool:
    """Characters that attach to the one before: combining marks, emoji modifiers, ZWJ."""
    return (unicodedata.category(char).startswith("M") or char == _ZWJ
            or "\U0001f3fb" <= char <= "\U0001f3ff")


def _inside(body: str, boundary: int, words: bool) -> bool:
    """Whether cutting the body at `boundary` would split a character cluster (or a word)."""
    before, after = body[boundary - 1], body[boundary]
    if before.isspace() or after.isspace():
        return False
    if _is_glue(after) or before == _ZWJ:
        return True
    return words and _is_word_char(before) and _is_word_char(after)


def _expand_left(body: str, start: int, words: bool) -> int:
    while start > 0 and _inside(body, start, words):
        start -= 1
    return start


def _expand_right(body: str, end: int, words: bool) -> int:
    while end < len(body) and _inside(body, end, words):
        end += 1
    return end

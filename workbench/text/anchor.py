"""Re-find claims' quotes in a new version of an article, never moving one to a wrong place.

A claim stores its quote plus some context on either side (W3C TextQuoteSelector style, like
Hypothesis). When an article gets a new version, `reanchor` places all of its claims at once
and uses the old body too: a quote found once in both versions moves; for a repeated one, a
word diff of the two versions (`text/alignment.py`) says which occurrence holds the claim's
old position, and it moves only if the surrounding text agrees. Anything else is a proposal
for the reviewer ("needs_review") or "unplaced". `anchor`, which finds one selector from its
surrounding text alone, is the search behind those proposals: trusted on its own, it moved
claims on repeated text onto each other's spans (docs/decisions/0011). All offsets are
Python code points, the unit the stored body is indexed in.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from rapidfuzz import fuzz

from workbench.text.alignment import Alignment, align

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
# occurrence (counting 0 when it is the only one). Re-anchoring asks the same margin of the
# surroundings of a repeated quote.
CONTEXT_MARGIN = 8
# How far re-anchoring compares the text around a repeated quote in the two versions: past a
# long paragraph, so that a repeated paragraph is told apart by what surrounds it.
SURROUNDINGS_CHARS = 2_000

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
    """Where `anchor` found a selector: "exact" when the quote is there and its surrounding
    text singles out one occurrence, "fuzzy" for the best look-alike. Neither is enough to
    move a claim on its own (`reanchor` decides that).

    `score` is the similarity (0-100) of the stored quote to `body[start:end]`; for an
    "unplaced" result it is the best similarity that was found, to explain the refusal.
    """

    status: Literal["exact", "fuzzy", "unplaced"]
    start: int | None
    end: int | None
    score: float
    quote: str | None


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """A claim in the old body: `old_body[start:end]` should be `selector.quote`. When it is
    not (offsets saved against another version), the old position is not trusted and only
    the stored selector is searched for."""

    key: int
    start: int
    end: int
    selector: Selector


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one claim goes in the new body, and how sure that is.

    "moved": `new_body[start:end]` is the claim's exact quote, safe to apply without asking;
    "needs_review": `start`-`end` is a proposal that a person confirms or corrects;
    "unplaced": nothing close enough was found (`start` and `end` are None). `score` is the
    similarity (0-100) of the quote to the span, or for "unplaced" the best one found;
    `reason` tells the reviewer why, in one sentence.
    """

    key: int
    state: Literal["moved", "needs_review", "unplaced"]
    start: int | None
    end: int | None
    score: float
    reason: str


def make_selector(body: str, start: int, end: int) -> Selector:
    """Describe `body[start:end]` so it can be found again after the body changes."""
    if not 0 <= start < end <= len(body):
        raise ValueError(
            f"Span {start}-{end} is not a non-empty range inside the body (length {len(body)})."
        )
    return Selector(
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
    )


def anchor(body: str, selector: Selector, hint_start: int | None = None) -> Anchor:
    """Find `selector` in `body` from its quote and context alone; `hint_start` (where the
    quote is expected) breaks ties between repeats. `reanchor` uses it to propose a place
    for the claims a diff of the two versions cannot place.

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
    aligned = {
        span: fuzz.ratio(selector.quote, body[span[0] : span[1]])
        for span in _alignments(body, selector, hint_start)
    }
    spans += [span for span, score in aligned.items() if score >= FUZZY_THRESHOLD]
    if not spans:
        return Anchor("unplaced", None, None, max(aligned.values(), default=0.0), None)
    chosen = max(
        spans,
        key=lambda span: (
            _similarity_in_context(body, selector, *span),
            -_distance(span[0], hint_start),
        ),
    )
    return _placed("fuzzy", body, selector, *chosen)


def reanchor(old_body: str, new_body: str, claims: Sequence[ClaimSpan]) -> list[Placement]:
    """Place every claim of an article in its new version (one `Placement` per claim, in order).

    - A quote found exactly once in both versions (at word boundaries where it had them)
      moves, even when the text around it was edited or its paragraph moved, unless it is a
      short phrase that neither the diff nor any of its surrounding text places there.
    - A quote found more than once (in either version) moves only when the word diff of the
      two versions carries its old position onto an exact occurrence and the text around
      the two reads the same further, on both sides, than for any other pairing of old and
      new occurrences, with no copy right next to it; otherwise that occurrence is proposed
      for review.
    - Anything else is searched for by `anchor` near where the diff says it went, and the
      result proposed for review; nothing similar enough is "unplaced".
    - Two claims from different old spans are never moved onto the same span: both go to
      review. Claims that shared one span before move together.

    A claim whose `start`-`end` does not hold its quote in `old_body` is placed from its
    stored selector alone, never by position.
    """
    alignment = align(old_body, new_body)
    placements = [_place(old_body, new_body, alignment, claim) for claim in claims]
    return _without_shared_spans(claims, placements)


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


def _place(old_body: str, new_body: str, alignment: Alignment, claim: ClaimSpan) -> Placement:
    quote = claim.selector.quote
    known = (
        0 <= claim.start
        and claim.end == claim.start + len(quote)
        and old_body.startswith(quote, claim.start)
    )
    selector = make_selector(old_body, claim.start, claim.end) if known else claim.selector
    found, previous = _whole(new_body, selector), _whole(old_body, selector)
    mapped = alignment.map_span(claim.start, claim.end) if known else None
    if (
        len(found) == 1
        and len(previous) == 1
        and _same_text(old_body, new_body, previous[0], found[0], len(quote), mapped)
    ):
        return Placement(
            claim.key,
            "moved",
            found[0],
            found[0] + len(quote),
            100.0,
            "Unchanged, and found once in both versions.",
        )
    if mapped is not None and mapped[0] in found:
        if _singled_out(old_body, new_body, claim.start, mapped[0], len(quote), previous, found):
            return Placement(
                claim.key,
                "moved",
                *mapped,
                100.0,
                "Unchanged where it was, and the text around it tells it apart "
                "from the other occurrences.",
            )
        return Placement(
            claim.key,
            "needs_review",
            *mapped,
            100.0,
            f"The quoted text occurs {_times(len(found))} here and "
            f"{_times(len(previous))} before; this one is where it was, but the "
            "text around it does not tell them apart.",
        )
    result = anchor(new_body, selector, hint_start=alignment.map_near(max(0, claim.start)))
    if result.start is None or result.end is None:
        return Placement(
            claim.key,
            "unplaced",
            None,
            None,
            result.score,
            "The quoted text is no longer in the article (the closest passage "
            f"is {result.score:.0f}% similar).",
        )
    if result.quote != quote:
        reason = f"The quoted text was edited; this passage is {result.score:.0f}% similar."
    elif not known:
        reason = "The claim's saved position did not hold its quote; confirm this passage."
    elif len(found) == len(previous) == 1:
        reason = (
            "The quoted words are here, but the text around them was rewritten; "
            "confirm they still make the claim."
        )
    else:
        reason = (
            f"The quoted text occurs {_times(len(found))} here and "
            f"{_times(len(previous))} before, and the text around it changed; confirm "
            "this one is the claim's."
        )
    return Placement(claim.key, "needs_review", result.start, result.end, result.score, reason)


def _same_text(
    old_body: str,
    new_body: str,
    old_start: int,
    new_start: int,
    length: int,
    mapped: tuple[int, int] | None,
) -> bool:
    """Whether a quote found once in both versions is the claim's text and not the same few
    words in a rewritten sentence: the diff keeps it in place, or it is at least as long as
    the context kept on one side, or some text beside it moved along with it."""
    return (
        mapped == (new_start, new_start + length)
        or length >= CONTEXT_CHARS
        or max(_agreement(old_body, old_start, new_body, new_start, length)) >= CONTEXT_MARGIN
    )


def _whole(body: str, selector: Selector) -> list[int]:
    """Occurrences of the quote that begin and end as it did: "beschied der" is not found in
    "beschied derselben", where a word was edited, unless the quote itself cut a word."""
    quote = selector.quote
    cut_before = bool(selector.prefix) and _glued(selector.prefix[-1], quote[0])
    cut_after = bool(selector.suffix) and _glued(quote[-1], selector.suffix[0])
    end = len(quote)
    return [
        start
        for start in _occurrences(body, quote)
        if cut_before == (start > 0 and _glued(body[start - 1], quote[0]))
        and cut_after == (start + end < len(body) and _glued(quote[-1], body[start + end]))
    ]


def _glued(before: str, after: str) -> bool:
    """Whether a cut between these two characters splits a word."""
    return _is_word_char(before) and _is_word_char(after)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _singled_out(
    old_body: str,
    new_body: str,
    old_start: int,
    new_start: int,
    length: int,
    previous: list[int],
    found: list[int],
) -> bool:
    """Whether the claim's own occurrence and `new_start` are the pair whose surroundings read
    the same furthest: at least CONTEXT_CHARS on each side, on both sides at least as far as
    for any other pairing (another old occurrence here, or this one at another new
    occurrence), and CONTEXT_MARGIN characters further in all. A copy inserted or deleted
    right next to the claim cuts its own surroundings short on that side, so the copies are
    never told apart by the other side alone."""
    if any(
        _in_tandem(old_body, old_start, start) for start in previous if start != old_start
    ) or any(_in_tandem(new_body, new_start, start) for start in found if start != new_start):
        return False
    own = _agreement(old_body, old_start, new_body, new_start, length)
    rivals = [
        _agreement(old_body, start, new_body, new_start, length)
        for start in previous
        if start != old_start
    ] + [
        _agreement(old_body, old_start, new_body, start, length)
        for start in found
        if start != new_start
    ]
    return min(own) >= CONTEXT_CHARS and all(
        own.before >= rival.before
        and own.after >= rival.after
        and own.before + own.after >= rival.before + rival.after + CONTEXT_MARGIN
        for rival in rivals
    )


def _in_tandem(body: str, one: int, other: int) -> bool:
    """Whether two occurrences sit in a tandem repeat ("A S S B", S holding the quote): the
    text from one to the other repeats right next to itself, so a diff cannot tell which copy
    was inserted or deleted there, nor can anyone else."""
    first, second = sorted((one, other))
    period, between = second - first, body[first:second]
    return (
        _common_prefix(body[max(0, first - period) : first][::-1], between[::-1])
        + _common_prefix(between, body[second : second + period])
    ) >= period


class _Surroundings(NamedTuple):
    """Characters that read the same just before and just after two occurrences."""

    before: int
    after: int


def _agreement(
    old_body: str, old_start: int, new_body: str, new_start: int, length: int
) -> _Surroundings:
    reach = SURROUNDINGS_CHARS
    old_end, new_end = old_start + length, new_start + length
    return _Surroundings(
        _agreeing(
            old_body[max(0, old_start - reach) : old_start][::-1],
            new_body[max(0, new_start - reach) : new_start][::-1],
        ),
        _agreeing(old_body[old_end : old_end + reach], new_body[new_end : new_end + reach]),
    )


def _agreeing(old: str, new: str) -> int:
    """Characters of two stretches (read outwards from a quote) that agree. Stretches that
    agree up to the edge of both bodies agree as far as any can: at the end of the old
    body, the end of the new one is the best match there is."""
    return SURROUNDINGS_CHARS if old == new else _common_prefix(old, new)


def _common_prefix(first: str, second: str) -> int:
    """Length of the common start of two strings, by bisection on slice equality (in C)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _without_shared_spans(
    claims: Sequence[ClaimSpan], placements: list[Placement]
) -> list[Placement]:
    """Send to review every claim moved onto a span that a claim from a different old span
    was also moved onto: one of them, at least, would be wrong."""
    origins: defaultdict[tuple[int | None, int | None], set[tuple[int, int]]] = defaultdict(set)
    for claim, placement in zip(claims, placements, strict=True):
        if placement.state == "moved":
            origins[placement.start, placement.end].add((claim.start, claim.end))
    return [
        replace(
            placement,
            state="needs_review",
            reason="Another claim was placed on the same passage; confirm which "
            "claim it belongs to.",
        )
        if placement.state == "moved" and len(origins[placement.start, placement.end]) > 1
        else placement
        for placement in placements
    ]


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
    before = body[max(0, start - len(selector.prefix)) : start]
    after = body[end : end + len(selector.suffix)]
    left = 0
    while left < len(before) and before[-1 - left] == selector.prefix[-1 - left]:
        left += 1
    right = 0
    while right < len(after) and after[right] == selector.suffix[right]:
        right += 1
    sides = (left == len(selector.prefix)) + (right == len(selector.suffix))
    return _Agreement(left + right, sides)


def _alignments(body: str, selector: Selector, hint_start: int | None) -> list[tuple[int, int]]:
    """Tidied spans where rapidfuzz aligns the quote: near the old offset, near the stored
    context, and anywhere (rapidfuzz reports only the first best window of each search)."""
    quote = selector.quote
    context = selector.prefix + quote + selector.suffix
    windows = [(0, len(body))]
    if hint_start is not None:
        windows.append((max(0, hint_start - len(context)), hint_start + 2 * len(context)))
    if len(context) > len(quote):
        region = fuzz.partial_ratio_alignment(context, body)
        assert region is not None  # None only below a score_cutoff, and none is given
        windows.append((max(0, region.dest_start - len(quote)), region.dest_end + len(quote)))
    raw = []
    for low, high in windows:
        found = fuzz.partial_ratio_alignment(quote, body[low:high])
        assert found is not None  # None only below a score_cutoff, and none is given
        raw.append((low + found.dest_start, low + found.dest_end))
    return [
        span
        for span in (_tidy_proposal(body, selector, *span) for span in raw)
        if span[0] < span[1]
    ]


def _distance(start: int, hint_start: int | None) -> int:
    """How far a candidate is from where the quote used to be (or from the top, without one)."""
    return start if hint_start is None else abs(start - hint_start)


def _similarity_in_context(body: str, selector: Selector, start: int, end: int) -> float:
    """Similarity of prefix + quote + suffix to the same stretch around a candidate span."""
    stored = selector.prefix + selector.quote + selector.suffix
    found = body[max(0, start - len(selector.prefix)) : end + len(selector.suffix)]
    return fuzz.ratio(stored, found)


def _tidy_proposal(body: str, selector: Selector, start: int, end: int) -> tuple[int, int]:
    """Trim an alignment window and complete words where the stored quote had whole words."""
    start, end = _strip_whitespace(body, start, end)
    if start == end:
        return start, end
    quote, prefix, suffix = selector.quote, selector.prefix, selector.suffix
    whole_left = _is_word_char(quote[0]) and not (prefix and _is_word_char(prefix[-1]))
    whole_right = _is_word_char(quote[-1]) and not (suffix and _is_word_char(suffix[0]))
    return (
        _expand_left(body, start, words=whole_left),
        _expand_right(body, end, words=whole_right),
    )


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
    return (
        unicodedata.category(char).startswith("M")
        or char == _ZWJ
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


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

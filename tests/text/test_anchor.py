"""Tests for quote anchoring: a claim is moved to a new article version only when its place
is certain; anything else is a proposal for the reviewer, never a silent wrong move."""

from __future__ import annotations

import importlib
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.text.anchor import (
    CONTEXT_CHARS,
    FUZZY_THRESHOLD,
    ClaimSpan,
    Placement,
    Selector,
    anchor,
    make_selector,
    reanchor,
    snap_to_words,
)

REPO = Path(__file__).resolve().parents[2]
SEED = (REPO / "workbench" / "sample_data" / "seed-article.txt").read_text(encoding="utf-8")
AMOUNT = "valued at least at $6.2 billion"


def _span(body: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(quote, start + 1)
    return start, start + len(quote)


def _count(body: str, needle: str) -> int:
    """Occurrences of needle, overlapping ones included."""
    return sum(body.startswith(needle, i) for i in range(len(body)))


# --- selectors ---------------------------------------------------------------------------


def test_make_selector_keeps_context_on_both_sides() -> None:
    body = "x" * 40 + "QUOTE" + "y" * 40
    selector = make_selector(body, 40, 45)
    assert selector == Selector("QUOTE", "x" * CONTEXT_CHARS, "y" * CONTEXT_CHARS)


def test_make_selector_context_is_truncated_at_the_edges() -> None:
    assert make_selector("ab cd", 0, 2) == Selector("ab", "", " cd")
    assert make_selector("ab cd", 3, 5) == Selector("cd", "ab ", "")


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 1), (0, 6), (5, 6)])
def test_make_selector_rejects_bad_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="Span"):
        make_selector("hello", start, end)


def test_selector_needs_a_quote() -> None:
    with pytest.raises(ValueError, match="non-empty quote"):
        Selector("", "a", "b")


# --- exact anchoring ---------------------------------------------------------------------


def test_unique_quote_is_exact() -> None:
    start, end = _span(SEED, AMOUNT)
    result = anchor(SEED, make_selector(SEED, start, end))
    assert (result.status, result.start, result.end, result.score) == ("exact", start, end, 100)
    assert result.quote == SEED[start:end] == AMOUNT


@pytest.mark.parametrize("occurrence", range(4))
def test_repeated_quote_is_disambiguated_by_context(occurrence: int) -> None:
    quote = "coalition of the willing"
    assert SEED.count(quote) == 4
    start, end = _span(SEED, quote, occurrence)
    result = anchor(SEED, make_selector(SEED, start, end))
    assert (result.status, result.start, result.end) == ("exact", start, end)


def test_exact_survives_text_inserted_elsewhere_and_an_edit_on_one_side() -> None:
    start, end = _span(SEED, AMOUNT)
    selector = make_selector(SEED, start, end)
    edited = "Editor's note: updated.\n\n" + SEED[: start - 3] + "XY " + SEED[start:]
    result = anchor(edited, selector, hint_start=start)
    assert result.status == "exact"
    assert edited[result.start : result.end] == AMOUNT


def test_identical_repeats_are_only_proposed_nearest_the_hint() -> None:
    paragraph = "Officials said the package was worth $6.2 billion in total.\n\n"
    body = paragraph * 3
    start, end = _span(body, "$6.2 billion", occurrence=1)
    selector = make_selector(body, start, end)
    near_hint = anchor(body, selector, hint_start=start + 5)
    assert (near_hint.status, near_hint.start, near_hint.end) == ("fuzzy", start, end)
    assert anchor(body, selector).start == body.index("$6.2 billion")


# --- fuzzy and unplaced ------------------------------------------------------------------


def test_edited_quote_is_proposed_as_fuzzy() -> None:
    start, end = _span(SEED, AMOUNT)
    selector = make_selector(SEED, start, end)
    edited = SEED.replace(AMOUNT, "valued at at least $6.5 billion")
    result = anchor(edited, selector, hint_start=start)
    assert result.status == "fuzzy"
    assert result.quote == edited[result.start : result.end] == "valued at at least $6.5 billion"
    assert FUZZY_THRESHOLD <= result.score < 100


def test_edited_sentence_beats_an_untouched_look_alike() -> None:
    body = (
        "Officials said the package was worth $6.2 billion in total, a record.\n\n"
        "Critics, however, insisted the package was worth $6.2 billion at most, "
        "far less than needed."
    )
    start, end = _span(body, "the package was worth $6.2 billion", occurrence=1)
    selector = make_selector(body, start, end)
    edited = body.replace(
        "insisted the package was worth $6.2", "insisted the package was worth $6.3"
    )
    result = anchor(edited, selector, hint_start=start)
    assert result.status == "fuzzy"
    assert result.quote == "the package was worth $6.3 billion"
    assert result.start == edited.index("the package was worth $6.3 billion")


def test_fuzzy_proposal_among_edited_repeats_is_the_one_nearest_the_hint() -> None:
    paragraph = "Officials said the package was worth $6.2 billion in total.\n\n"
    body = paragraph * 3
    start, end = _span(body, "$6.2 billion", occurrence=2)
    selector = make_selector(body, start, end)
    edited = body.replace("$6.2 billion", "$6.25 billion")
    result = anchor(edited, selector, hint_start=start)
    assert (result.status, result.quote) == ("fuzzy", "$6.25 billion")
    assert result.start == edited.rindex("$6.25 billion")


def test_deleted_quote_is_unplaced_not_dropped() -> None:
    start, end = _span(SEED, AMOUNT)
    selector = make_selector(SEED, start, end)
    result = anchor(SEED.replace(AMOUNT, "worth a lot"), selector, hint_start=start)
    assert (result.status, result.start, result.end, result.quote) == ("unplaced", None, None, None)
    assert 0 <= result.score < FUZZY_THRESHOLD


def test_anchor_in_unrelated_short_body_is_unplaced() -> None:
    selector = Selector("a long quote that is not there", "", "")
    assert anchor("a long", selector).status == "unplaced"


# --- Unicode: emoji, combining marks, right-to-left --------------------------------------


def test_offsets_are_code_points_with_emoji_and_rtl() -> None:
    body = "👨‍👩‍👧 🇺🇦 Кыїв: «e\u0301te\u0301». قال الوزير إن المساعدات ستصل قريبا 👍🏽 done"
    quote = "إن المساعدات ستصل"
    start, end = _span(body, quote)
    selector = make_selector(body, start, end)
    shifted = "🎉🎉 " + body
    result = anchor(shifted, selector)
    assert (result.status, result.start) == ("exact", start + 3)
    assert shifted[result.start : result.end] == quote


def test_fuzzy_proposal_never_splits_combining_marks() -> None:
    body = "مقدمة. " * 5 + "قالَ الوزيرُ إنَّ المساعداتِ ستصلُ قريبًا إلى المدينة. " + "خاتمة. " * 5
    quote = "إنَّ المساعداتِ ستصلُ قريبًا"
    start, end = _span(body, quote)
    selector = make_selector(body, start, end)
    edited = body.replace("ستصلُ", "ستصلِ")
    result = anchor(edited, selector)
    assert result.status == "fuzzy" and result.start is not None and result.end is not None
    assert not unicodedata.category(edited[result.start]).startswith("M")
    assert result.end == len(edited) or not unicodedata.category(edited[result.end]).startswith("M")
    assert result.quote == "إنَّ المساعداتِ ستصلِ قريبًا"


# --- snapping mouse selections -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "selected", "expected"),
    [
        ("The minister said yes.", "inister sa", "minister said"),
        ("The minister said yes.", " minister ", "minister"),
        ("Уряд України повідомив сьогодні", "раїни пові", "України повідомив"),
        ("قالَ الوزيرُ إنَّ", "لوزير", "الوزيرُ"),
        ("A family 👨‍👩‍👧 waved", "family 👨", "family 👨‍👩‍👧"),
        ("Thumbs 👍🏽 up", "👍", "👍🏽"),
        ("Caf\u0065\u0301 open", "Cafe", "Cafe\u0301"),
    ],
)
def test_snap_to_words(body: str, selected: str, expected: str) -> None:
    start, end = _span(body, selected)
    snapped = snap_to_words(body, start, end)
    assert body[snapped[0] : snapped[1]] == expected


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (3, 2), (0, 99)])
def test_snap_to_words_rejects_bad_ranges(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        snap_to_words("some text", start, end)


def test_snap_to_words_rejects_whitespace_only() -> None:
    with pytest.raises(ValueError, match="no text"):
        snap_to_words("a   b", 1, 4)


# --- properties --------------------------------------------------------------------------

UNICODE_TEXT = st.one_of(
    st.text(alphabet="ab \u0301", min_size=1, max_size=120),  # many repeats
    st.text(alphabet="مرحبا بالعالم 👍🏽👨‍👩‍👧e\u0301", min_size=1, max_size=150),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200),
)


@settings(max_examples=300, deadline=None)
@given(body=UNICODE_TEXT, data=st.data())
def test_selector_round_trips_on_the_same_body(body: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(body) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(body)), label="end")
    selector = make_selector(body, start, end)
    result = anchor(body, selector, hint_start=start)
    assert (result.start, result.end) == (start, end)
    assert result.quote == body[start:end]
    unique = _count(body, selector.prefix + selector.quote + selector.suffix) == 1
    assert result.status == ("exact" if unique else "fuzzy")


@settings(max_examples=200, deadline=None)
@given(body=UNICODE_TEXT, inserted=st.text(min_size=1, max_size=20), data=st.data())
def test_selector_follows_text_inserted_before_it(
    body: str, inserted: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(body) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(body)), label="end")
    selector = make_selector(body, start, end)
    edited = inserted + body
    assume(_count(edited, selector.prefix + selector.quote + selector.suffix) == 1)
    result = anchor(edited, selector)
    assert (result.status, result.start, result.end) == (
        "exact",
        start + len(inserted),
        end + len(inserted),
    )


@settings(max_examples=200, deadline=None)
@given(body=UNICODE_TEXT, data=st.data())
def test_snap_to_words_only_grows_a_trimmed_selection(body: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(body)), label="start")
    end = data.draw(st.integers(start, len(body)), label="end")
    if not body[start:end].strip():
        with pytest.raises(ValueError):
            snap_to_words(body, start, end)
        return
    snapped_start, snapped_end = snap_to_words(body, start, end)
    assert body[snapped_start:snapped_end].strip() == body[snapped_start:snapped_end]
    assert body[start:end].strip() in body[snapped_start:snapped_end]
    assert snap_to_words(body, snapped_start, snapped_end) == (snapped_start, snapped_end)


# --- re-anchoring all claims onto a new version --------------------------------------------


def _claim(body: str, quote: str, occurrence: int = 0, key: int = 1) -> ClaimSpan:
    start, end = _span(body, quote, occurrence)
    return ClaimSpan(key, start, end, make_selector(body, start, end))


def _placed(old: str, new: str, *claims: ClaimSpan) -> list[Placement]:
    placements = reanchor(old, new, claims)
    assert [placement.key for placement in placements] == [claim.key for claim in claims]
    return placements


FILLER = "Nothing else happened that week in the capital, officials said. " * 3
FIGURE = "The package was worth $6.2 billion in total."


def test_unchanged_unique_quote_moves_when_its_neighbours_are_rewritten() -> None:
    old = f"Intro. The talks went well. {FIGURE} Critics were unconvinced.\n\n{FILLER}"
    new = (
        f"A new opening paragraph.\n\nIntro. Talks went badly, sources say. {FIGURE} "
        f"Critics, however, were unconvinced by it.\n\n{FILLER}"
    )
    (placement,) = _placed(old, new, _claim(old, FIGURE))
    assert (placement.state, placement.start, placement.end) == (
        "moved",
        new.index(FIGURE),
        new.index(FIGURE) + len(FIGURE),
    )
    assert placement.score == 100


def test_quote_in_a_moved_paragraph_moves_with_it() -> None:
    paragraphs = [
        f"Paragraph {n} says something about topic {n}, with detail {n * 7}." for n in range(6)
    ]
    old = "\n\n".join(paragraphs)
    new = "\n\n".join(paragraphs[:1] + paragraphs[2:] + paragraphs[1:2])
    quote = "topic 1, with detail 7"
    (placement,) = _placed(old, new, _claim(old, quote))
    assert placement.state == "moved"
    assert new[placement.start : placement.end] == quote
    assert placement.start == new.index(quote)


def test_short_phrase_found_again_only_in_other_text_is_only_proposed() -> None:
    deaths = "The country likewise had the highest number of deaths."
    old = f"{deaths} {FILLER}Closing words."
    new = f"{FILLER}As of Monday, it had the highest number of known infections. Closing words."
    (placement,) = _placed(old, new, _claim(old, "the highest number of"))
    assert placement.state == "needs_review"
    assert new[placement.start : placement.end] == "the highest number of"
    assert "rewritten" in placement.reason


def test_deleted_sentence_is_unplaced() -> None:
    old = f"{FILLER}{FIGURE} {FILLER}"
    new = f"{FILLER}{FILLER}"
    (placement,) = _placed(old, new, _claim(old, FIGURE))
    assert (placement.state, placement.start, placement.end) == ("unplaced", None, None)
    assert placement.score < FUZZY_THRESHOLD
    assert "no longer in the article" in placement.reason


def test_changed_figure_is_proposed_for_review_never_moved() -> None:
    old = f"{FILLER}{FIGURE} {FILLER}"
    new = old.replace("$6.2 billion", "$6.5 billion")
    (placement,) = _placed(old, new, _claim(old, FIGURE))
    assert placement.state == "needs_review"
    assert new[placement.start : placement.end] == FIGURE.replace("6.2", "6.5")
    assert FUZZY_THRESHOLD <= placement.score < 100
    assert "edited" in placement.reason


def test_quote_whose_last_word_was_lengthened_is_not_moved() -> None:
    old = f"{FILLER}Zu Unrecht, beschied der EuGH. {FILLER}"
    new = old.replace("der EuGH", "derselbe EuGH")
    (placement,) = _placed(old, new, _claim(old, "Zu Unrecht, beschied der"))
    assert placement.state == "needs_review"


def test_repeated_sentence_whose_surroundings_changed_goes_to_review() -> None:
    old = f"First part. {FIGURE} Then more.\n\n{FILLER}\n\nLater on. {FIGURE} And more."
    new = (
        f"Opening words: {FIGURE} Further details!\n\n{FILLER}\n\n"
        f"Afterwards: {FIGURE} Further details!"
    )
    first, second = _claim(old, FIGURE, 0, key=1), _claim(old, FIGURE, 1, key=2)
    placements = _placed(old, new, first, second)
    assert [p.state for p in placements] == ["needs_review", "needs_review"]
    assert [p.start for p in placements] == [new.index(FIGURE), new.rindex(FIGURE)]
    assert "twice" in placements[0].reason


def test_repeated_phrase_moves_when_its_old_position_singles_it_out() -> None:
    phrase = "coalition of the willing"
    assert SEED.count(phrase) == 4
    new = "Editor's note: this article was updated on Friday.\n\n" + SEED.replace(
        "emergency summit in London", "summit held in London"
    )
    claims = [_claim(SEED, phrase, occurrence, key=occurrence) for occurrence in range(4)]
    placements = _placed(SEED, new, *claims)
    assert [p.state for p in placements] == ["moved"] * 4
    assert [p.start for p in placements] == [_span(new, phrase, n)[0] for n in range(4)]


def test_pull_quote_elsewhere_leaves_the_claim_where_it_was() -> None:
    old = f"Opening. {FIGURE} Next sentence.\n\n{FILLER}\n\nClosing words."
    new = old.replace("Closing words.", f"Closing words. As one reader put it: {FIGURE}")
    (placement,) = _placed(old, new, _claim(old, FIGURE))
    assert (placement.state, placement.start) == ("moved", old.index(FIGURE))


@pytest.mark.parametrize("copy_first", [False, True])
def test_sentence_repeated_right_next_to_itself_goes_to_review(copy_first: bool) -> None:
    old = f"Opening. {FIGURE} Next sentence.\n\n{FILLER}"
    new = old.replace(FIGURE, f"{FIGURE} {FIGURE}")
    if copy_first:
        new = new.replace("Opening.", "A rewritten opening.")
    (placement,) = _placed(old, new, _claim(old, FIGURE))
    assert placement.state == "needs_review"
    assert new[placement.start : placement.end] == FIGURE


def test_phrase_in_a_sentence_repeated_next_to_itself_goes_to_review() -> None:
    sentence = (
        "Along with votes from Democrats living overseas, the six primaries yesterday "
        "represented 365 delegates."
    )
    old = f"{FILLER}It was an election. {sentence} According to the count, turnout was high."
    new = old.replace("an election.", "a birthday.").replace(sentence, f"{sentence} {sentence}")
    (placement,) = _placed(old, new, _claim(old, "the six primaries"))
    assert placement.state == "needs_review"


def test_two_claims_on_duplicated_text_never_share_a_span() -> None:
    sentence = "Officials said the package was worth $6.2 billion in total."
    old = f"Opening. {sentence} {sentence} Closing words.\n\n{FILLER}"
    new = old.replace(f"{sentence} {sentence}", sentence)
    placements = _placed(old, new, _claim(old, sentence, 0, key=1), _claim(old, sentence, 1, key=2))
    assert "moved" not in [p.state for p in placements]
    assert all(new[p.start : p.end] == sentence for p in placements)


def test_one_of_two_adjacent_headlines_deleted_is_not_settled_by_one_side() -> None:
    headline = "EU aims to circumvent detractors of Ukraine support, says Kallas"
    old = f"{headline}\n\n{headline}\nThe EU is exploring a new mechanism. {FILLER}"
    new = f"{headline}\nKallas revealed this on Thursday. {FILLER}"
    placements = _placed(old, new, _claim(old, headline, 0, key=1), _claim(old, headline, 1, key=2))
    assert [p.state for p in placements] == ["needs_review", "needs_review"]


def test_survivor_of_a_deleted_copy_elsewhere_moves_and_the_deleted_one_does_not() -> None:
    old = f"Opening. {FIGURE} Next sentence.\n\n{FILLER}\n\nLater on. {FIGURE} And more."
    new = old.replace(f"Later on. {FIGURE} And more.", "Later on, nothing more.")
    kept, deleted = _claim(old, FIGURE, 0, key=1), _claim(old, FIGURE, 1, key=2)
    placements = _placed(old, new, kept, deleted)
    assert (placements[0].state, placements[0].start) == ("moved", new.index(FIGURE))
    assert placements[1].state == "needs_review"


def test_claims_from_different_spans_moved_onto_one_span_both_go_to_review() -> None:
    old = f"{FILLER}{FIGURE} {FILLER}"
    new = "Update. " + old
    honest = _claim(old, FIGURE, key=1)
    stale = ClaimSpan(2, 3, 3 + len(FIGURE), honest.selector)  # offsets saved on another body
    placements = _placed(old, new, honest, stale)
    assert [p.state for p in placements] == ["needs_review", "needs_review"]
    assert {(p.start, p.end) for p in placements} == {(honest.start + 8, honest.end + 8)}
    assert "Another claim" in placements[0].reason


def test_claims_that_shared_a_span_move_together() -> None:
    old = f"{FILLER}{FIGURE} {FILLER}"
    new = "Update. " + old
    placements = _placed(old, new, _claim(old, FIGURE, key=1), _claim(old, FIGURE, key=2))
    assert [(p.state, p.start) for p in placements] == [("moved", old.index(FIGURE) + 8)] * 2


def test_stale_offsets_of_a_repeated_quote_are_only_proposed() -> None:
    old = f"Opening. {FIGURE} Next.\n\n{FILLER}\n\nLater on. {FIGURE} And more."
    new = "Update. " + old
    selector = make_selector(old, *_span(old, FIGURE))
    (placement,) = _placed(old, new, ClaimSpan(1, 0, len(FIGURE), selector))
    assert placement.state == "needs_review"
    assert "saved position" in placement.reason


def test_reanchor_with_no_claims() -> None:
    assert reanchor("old body", "new body", []) == []


@pytest.mark.parametrize(
    "quote",
    [
        "قال الوزير إن المساعدات ستصل قريبا",
        "Уряд України повідомив сьогодні",
        "Caf\u0065\u0301 «e\u0301te\u0301» 👍🏽",
        "👨‍👩‍👧 family",
    ],
)
def test_unicode_offsets_are_code_points(quote: str) -> None:
    old = f"🇺🇦 Вступ. {quote} — кінець. مرحبا بالعالم\n\n{FILLER}"
    new = "🎉 تحديث 👍🏽 e\u0301 " + old.replace("Вступ.", "Новий вступ, переписаний.")
    (placement,) = _placed(old, new, _claim(old, quote))
    assert placement.state == "moved"
    assert new[placement.start : placement.end] == quote
    assert placement.start == new.index(quote)


# --- property: random revisions of a real article ------------------------------------------

DONORS = [
    "The ministry declined to comment on the figures.",
    "Turnout was estimated at 61 percent, up from 54 percent.",
    "Уряд повідомив про нові виплати у розмірі 2 мільярдів гривень.",
    "قال المتحدث إن المحادثات ستستأنف الأسبوع المقبل.",
    "A spokesperson said the talks would resume next week 👍🏽.",
]


@pytest.fixture(scope="module")
def version_edits() -> ModuleType:
    """``benchmarks/version_edits.py``, the seeded editor that knows where each claim went
    (benchmarks/ is not a package)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "benchmarks"))
        return importlib.import_module("version_edits")


def _revise(
    edits: ModuleType, seed: int, revisions: int = 3
) -> list[tuple[str, str, list, list, list]]:
    """(old body, new body, claims, where each claim really went, placements) per revision
    of the sample article."""
    rng = random.Random(seed)
    editor = edits.Editor(rng, DONORS)
    pieces, outcomes = edits.pieces_of(SEED), []
    for _ in range(revisions):
        truths = edits.pick_claims(pieces, rng, 6)
        old = edits.body_of(pieces)
        claims = [
            ClaimSpan(n, *span, make_selector(old, *span))
            for n, span in enumerate(edits.span_in(pieces, t) for t in truths)
        ]
        new_pieces, new_truths = editor.revise(pieces, truths, rng.randint(1, 6))
        new = edits.body_of(new_pieces)
        where = [edits.span_in(new_pieces, t) if t.intact else None for t in new_truths]
        outcomes.append((old, new, claims, where, reanchor(old, new, claims)))
        pieces = new_pieces
    return outcomes


def _check_moves(
    new: str, claims: Sequence[ClaimSpan], where: list, placements: list[Placement]
) -> None:
    moved = [
        (claim, truth, p)
        for claim, truth, p in zip(claims, where, placements, strict=True)
        if p.state == "moved"
    ]
    for claim, truth, placement in moved:
        assert new[placement.start : placement.end] == claim.selector.quote
        assert (placement.start, placement.end) == truth
    spans = {}
    for claim, _, placement in moved:
        spans.setdefault((placement.start, placement.end), set()).add((claim.start, claim.end))
    assert all(len(origins) == 1 for origins in spans.values())


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_move_is_to_the_true_place(version_edits: ModuleType, seed: int) -> None:
    for _, new, claims, where, placements in _revise(version_edits, seed):
        _check_moves(new, claims, where, placements)


def test_unchanged_unique_quotes_move_automatically(version_edits: ModuleType) -> None:
    unique = moved = changed_moved = 0
    for seed in range(150):
        for _, new, claims, where, placements in _revise(version_edits, seed):
            for claim, truth, placement in zip(claims, where, placements, strict=True):
                if truth is None:
                    changed_moved += placement.state == "moved"
                elif _count(new, claim.selector.quote) == 1:
                    unique += 1
                    moved += placement.state == "moved"
    assert unique > 1000
    assert moved / unique >= 0.98
    assert changed_moved == 0

"""Tests for quote anchoring: exact only when unambiguous, fuzzy only as a proposal."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.text.anchor import (
    CONTEXT_CHARS,
    FUZZY_THRESHOLD,
    Selector,
    anchor,
    make_selector,
    snap_to_words,
)

SEED = (Path(__file__).resolve().parents[2] / "workbench" / "sample_data" / "seed-article.txt"
        ).read_text(encoding="utf-8")
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
    edited = "Editor's note: updated.\n\n" + SEED[:start - 3] + "XY " + SEED[start:]
    result = anchor(edited, selector, hint_start=start)
    assert result.status == "exact"
    assert edited[result.start:result.end] == AMOUNT


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
    assert result.quote == edited[result.start:result.end] == "valued at at least $6.5 billion"
    assert FUZZY_THRESHOLD <= result.score < 100


def test_edited_sentence_beats_an_untouched_look_alike() -> None:
    body = ("Officials said the package was worth $6.2 billion in total, a record.\n\n"
            "Critics, however, insisted the package was worth $6.2 billion at most, "
            "far less than needed.")
    start, end = _span(body, "the package was worth $6.2 billion", occurrence=1)
    selector = make_selector(body, start, end)
    edited = body.replace("insisted the package was worth $6.2",
                          "insisted the package was worth $6.3")
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
    assert (result.status, result.start, result.end, result.quote) == ("unplaced", None, None,
                                                                        None)
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
    assert shifted[result.start:result.end] == quote


def test_fuzzy_proposal_never_splits_combining_marks() -> None:
    body = "مقدمة. " * 5 + "قالَ الوزيرُ إنَّ المساعداتِ ستصلُ قريبًا إلى المدينة. " + "خاتمة. " * 5
    quote = "إنَّ المساعداتِ ستصلُ قريبًا"
    start, end = _span(body, quote)
    selector = make_selector(body, start, end)
    edited = body.replace("ستصلُ", "ستصلِ")
    result = anchor(edited, selector)
    assert result.status == "fuzzy" and result.start is not None and result.end is not None
    assert not unicodedata.category(edited[result.start]).startswith("M")
    assert result.end == len(edited) or not unicodedata.category(edited[result.end]).startswith(
        "M")
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
    assert body[snapped[0]:snapped[1]] == expected


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
    assert (result.status, result.start, result.end) == ("exact", start + len(inserted),
                                                          end + len(inserted))


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

"""Cue word lists: the notation, and that skipping a sentence never hides a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text import checkworthiness
from workbench.text.lexicon import Lexicon, Words

#: Every list the cues use, so the property below covers each one's notation.
ALL = [
    *(
        lexicon
        for table in (
            checkworthiness._COMPARISON,
            checkworthiness._ATTRIBUTION,
            checkworthiness._PAST,
            checkworthiness._OPINION,
            checkworthiness._NUMBER_WORD,
            checkworthiness._STATISTIC,
        )
        for lexicon in table.values()
    ),
    checkworthiness._THIRD_PERSON,
    checkworthiness._FIRST_PERSON,
    checkworthiness._MODAL,
    *(lexicon for lexicon, _ in checkworthiness._MODEL_ONLY.values()),
]


def hits(lexicon: Lexicon, text: str) -> list[str]:
    return [m.group() for m in lexicon.finditer(Words.of(text))]


@pytest.mark.parametrize(
    ("entries", "text", "expected"),
    [
        ("more than|most", "More than most, and moreover", ["more than", "most"]),
        (
            "rekord*|seit",
            "Ein Rekordhoch seit langem; kein rekord",
            ["rekordhoch", "seit", "rekord"],
        ),
        ("in 19##|in 20##", "in 2003, in 203, in 20033 and in 1999", ["in 2003", "in 1999"]),
        ("i'm|i", "I'm sure I am", ["i'm", "i"]),
        ("п'ять|сот*", "п'ять сотень", ["п'ять", "сотень"]),
        ("said", "unsaid saids", []),
    ],
)
def test_notation(entries: str, text: str, expected: list[str]) -> None:
    assert hits(Lexicon.of(entries), text) == expected


def test_clitics_join_the_front_of_a_word() -> None:
    said = Lexicon.of("قال|أكد*", clitics="وف")
    assert hits(said, "وقال الوزير وأكدت فقال") == ["وقال", "وأكدت", "فقال"]
    assert hits(Lexicon.of("قال", clitics="وف"), "وقال") == ["وقال"]
    assert hits(Lexicon.of("قال"), "وقال") == []


def test_a_list_as_written_tells_case_apart() -> None:
    assert hits(Lexicon.of("I|me", as_written=True), "i Me I me") == ["I", "me"]
    # Lower-cased, "İ" and a final "Σ" read differently in a word and in a sentence.
    assert hits(Lexicon.of("İstanbul|ΟΔΟΣ", as_written=True), "ΟΔΟΣ İstanbul") == [
        "ΟΔΟΣ",
        "İstanbul",
    ]


def test_then_continues_a_match() -> None:
    third = Lexicon.of("he|it", then=r" (?:was|has)\b")
    assert hits(third, "He was there; it has; he is") == ["he was", "it has"]


@pytest.mark.parametrize("entry", ["", "*rekord", "#1", " more"])
def test_an_entry_must_start_with_a_word(entry: str) -> None:
    with pytest.raises(ValueError, match="must start with a word"):
        Lexicon.of(f"said|{entry}")


# Text drawn from the lists' own words, digits and joiners, so matches are common and the
# skip is exercised on near misses ("rekor", "in 20", "وقا").
_PIECES = sorted(
    {
        piece
        for lexicon in ALL
        for piece in re.split(r"[|*#]", lexicon.pattern.pattern.replace("\\", ""))
        if piece.isalpha()
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_PIECES),
            st.sampled_from(
                [" ", "  ", "'", "-", ",", "19", "2003", "ed", "و", "ف", "X", "I", "İ"]
            ),
        ),
        max_size=12,
    )
)
def test_skipping_never_hides_a_match(pieces: list[str]) -> None:
    words = Words.of("".join(pieces))
    for lexicon in ALL:
        text = words.text if lexicon.as_written else words.lowered
        expected = [m.span() for m in lexicon.pattern.finditer(text)]
        assert [m.span() for m in lexicon.finditer(words)] == expected

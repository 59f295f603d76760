"""Sentence splitting: exact offsets first, sensible boundaries second."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text.segment import Sentence, split_sentences


def check_invariants(body: str, sentences: list[Sentence]) -> None:
    """Offsets match, spans are ordered and disjoint, all visible text is covered."""
    covered = [False] * len(body)
    previous_end = 0
    for sentence in sentences:
        assert sentence.text == body[sentence.start : sentence.end]
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
        covered[sentence.start : sentence.end] = [True] * (sentence.end - sentence.start)
    assert all(covered[i] for i, ch in enumerate(body) if not ch.isspace())


def texts(sentences: list[Sentence]) -> list[str]:
    return [s.text for s in sentences]


def test_abbreviations_do_not_split() -> None:
    body = "The U.S. Army met Dr. Smith. He was No. 2 in the U.S. He left."
    assert texts(split_sentences(body)) == [
        "The U.S. Army met Dr. Smith.",
        "He was No. 2 in the U.S.",
        "He left.",
    ]


def test_lines_and_paragraphs_are_boundaries() -> None:
    body = "Headline without a stop\nFirst sentence here. Second one!\n\n  Another paragraph?  "
    assert texts(split_sentences(body)) == [
        "Headline without a stop",
        "First sentence here.",
        "Second one!",
        "Another paragraph?",
    ]


def test_hard_wrapped_lines_are_joined() -> None:
    body = "The committee said that the\nbudget would grow. Next."
    assert texts(split_sentences(body)) == [
        "The committee said that the\nbudget would grow.",
        "Next.",
    ]


def test_offsets_are_code_points_with_emoji_and_combining_marks() -> None:
    body = "Café\u0301 😀 opened in 2003. Then 👩‍👩‍👧 came."
    sentences = split_sentences(body)
    check_invariants(body, sentences)
    assert texts(sentences) == ["Café\u0301 😀 opened in 2003.", "Then 👩‍👩‍👧 came."]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_arabic_and_german_punctuation() -> None:
    assert texts(split_sentences("هل هذا صحيح؟ نعم، هذا صحيح.", "ar")) == [
        "هل هذا صحيح؟",
        "نعم، هذا صحيح.",
    ]
    assert texts(split_sentences("Am 3. März 2022 geschah es. Dann z.B. nichts.", "de")) == [
        "Am 3. März 2022 geschah es.",
        "Dann z.B. nichts.",
    ]


@pytest.mark.parametrize(
    ("name", "language", "minimum"),
    [
        ("de-derstandard-10kGNAD-greece-esm-referendum.txt", "de", 15),
        ("uk-zelensky-2022-04-21-world-bank-address.txt", "uk", 80),
        ("ar-aawsat-2015-08-03-microsoft-nokia-7.5bn.txt", "ar", 30),
        ("en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt", "en", 300),
    ],
)
def test_real_articles(eval_data: Path, name: str, language: str, minimum: int) -> None:
    body = (eval_data / "articles" / name).read_text(encoding="utf-8")
    sentences = split_sentences(body, language)
    check_invariants(body, sentences)
    assert len(sentences) >= minimum
    lines = body.splitlines()
    if len(lines) > 1 and not lines[1].strip():  # a title line (the German one is one line)
        assert sentences[0].text == lines[0].strip()
    assert max(len(s.text) for s in sentences) < 600


_ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list(" \n\n\t.!?؟…\u0301\u200f\u200d😀👩‍👧مرحبا Привіт U.S. Dr. No. 2")),
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200), st.sampled_from(["en", "de", "uk", "ar", "xx"]))
def test_property_offsets_cover_the_body(body: str, language: str) -> None:
    check_invariants(body, split_sentences(body, language))

"""Claim suggestions: ranking, reasons and anchoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.text.checkworthiness import REASONS, SUGGESTED, score_sentence, suggest_claims


def test_seed_article_key_claims_rank_in_top_five(seed_article: str) -> None:
    top = [s.quote for s in suggest_claims(seed_article, limit=5)]
    for needle in ("$6.2 billion", "€800 billion", "Iraq in 2003"):
        assert any(needle in quote for quote in top), needle


def test_suggestions_are_anchored_sorted_and_above_threshold(seed_article: str) -> None:
    suggestions = suggest_claims(seed_article)
    assert suggestions
    for s in suggestions:
        assert s.quote == seed_article[s.start : s.end]
        assert SUGGESTED <= s.score <= 1
    keys = [(-s.score, s.start) for s in suggestions]
    assert keys == sorted(keys)
    assert len(suggest_claims(seed_article, limit=2)) == 2


def test_reasons_say_what_matched(seed_article: str) -> None:
    [best] = suggest_claims(seed_article, limit=1)
    assert "money amount: $6.2 billion" in best.reasons
    assert all(reason.split(":")[0] in REASONS.values() for reason in best.reasons)


def test_questions_short_and_opinions_score_lower() -> None:
    claim, _ = score_sentence("The deficit rose by $200 billion in 2019, the largest since 2012.")
    question, _ = score_sentence("Did the deficit rise by $200 billion in 2019?")
    short, _ = score_sentence("That is wrong.")
    opinion, _ = score_sentence("I think we should do better for our families.")
    assert claim > question
    assert claim > short
    assert claim > opinion
    assert opinion < SUGGESTED
    assert short < SUGGESTED


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("Laut Ministerium kostet das 1,6 Milliarden Euro.", "de", "attribution: Laut"),
        ("Зеленський заявив, що потрібно 7 мільярдів доларів.", "uk", "attribution: заявив"),
        ("وقال المسؤول إن الخسارة بلغت 7.5 مليار دولار.", "ar", "attribution: وقال"),
        ("The U.S. invasion of Iraq in 2003 was based on claims.", "en", "past event"),
    ],
)
def test_multilingual_reasons(text: str, language: str, reason: str) -> None:
    score, reasons = score_sentence(text, language)
    assert score >= SUGGESTED
    assert any(r.startswith(reason) for r in reasons), reasons


@pytest.mark.parametrize(
    ("name", "language", "needle"),
    [
        ("de-derstandard-10kGNAD-refugee-social-costs.txt", "de", "Milliarden Euro"),
        ("uk-zelensky-2022-04-21-world-bank-address.txt", "uk", "мільярдів доларів"),
        ("ar-aawsat-2015-08-03-microsoft-nokia-7.5bn.txt", "ar", "مليار دولار"),
    ],
)
def test_other_languages(eval_data: Path, name: str, language: str, needle: str) -> None:
    body = (eval_data / "articles" / name).read_text(encoding="utf-8")
    suggestions = suggest_claims(body, language)
    assert 3 <= len(suggestions) < 40
    assert all(s.quote == body[s.start : s.end] for s in suggestions)
    assert all(len(s.quote) < 600 for s in suggestions)
    assert any(needle in s.quote for s in suggestions[:3])


def test_empty_body() -> None:
    assert suggest_claims("") == []

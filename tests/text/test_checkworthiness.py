"""Claim suggestions: ranking, reasons and anchoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.text.checkworthiness import (
    REASONS,
    SUGGESTED,
    CueRanker,
    cue_flags,
    default_ranker,
    rank_sentences,
    readable_reason,
    score_sentence,
    suggest_claims,
)

ARTICLE_CUTOFF = default_ranker().cutoff("article")


def test_seed_article_key_claims_rank_in_top_five(seed_article: str) -> None:
    top = [s.quote for s in suggest_claims(seed_article, limit=5)]
    for needle in ("$6.2 billion", "€800 billion", "Iraq in 2003"):
        assert any(needle in quote for quote in top), needle


def test_suggestions_are_anchored_sorted_and_above_threshold(seed_article: str) -> None:
    suggestions = suggest_claims(seed_article)
    assert suggestions
    for s in suggestions:
        assert s.quote == seed_article[s.start : s.end]
        assert ARTICLE_CUTOFF <= s.score <= 1 and s.suggested
    keys = [(-s.score, s.start) for s in suggestions]
    assert keys == sorted(keys)
    assert len(suggest_claims(seed_article, limit=2)) == 2


def test_reasons_say_what_matched(seed_article: str) -> None:
    [money] = [s for s in suggest_claims(seed_article, limit=3) if "$6.2 billion" in s.quote]
    assert "money amount: $6.2 billion" in money.reasons
    assert all(reason.split(":")[0] in REASONS.values() for reason in money.reasons)


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        (
            "The U.S. invasion of Iraq in 2003 was based on claims.",
            (
                "a year or date (2003)",
                "who said it (“claims”)",
                "an event in the past (“invasion”, “in 2003”, “was”)",
            ),
        ),
        (
            "Kallas said the budget grew by €2 billion, up 5% compared with 2022.",
            (
                "a sum of money (€2 billion)",
                "a percentage (5%)",
                "a year or date (2022)",
                "a comparison (“grew”, “compared”)",
                "who said it (“said”)",
            ),
        ),
    ],
)
def test_reasons_read_as_a_person_would_say_them(text: str, readable: tuple[str, ...]) -> None:
    _, reasons = score_sentence(text)
    assert tuple(readable_reason(r) for r in reasons) == readable


def test_a_reason_of_an_unknown_kind_reads_as_stored() -> None:
    assert readable_reason("hand-written note") == "hand-written note"
    assert readable_reason("attribution:") == "attribution:"


def test_questions_short_and_opinions_score_lower() -> None:
    claim, _ = score_sentence("The deficit rose by $200 billion in 2019, the largest since 2012.")
    question, _ = score_sentence("Did the deficit rise by $200 billion in 2019?")
    short, _ = score_sentence("That is wrong.")
    opinion, _ = score_sentence("I think we should do better for our families.")
    assert claim > question
    assert claim > short
    assert claim > opinion
    assert opinion < ARTICLE_CUTOFF
    assert short < ARTICLE_CUTOFF


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
    assert score >= (ARTICLE_CUTOFF if language == "en" else SUGGESTED)
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


def test_the_cues_explain_what_the_model_ranks() -> None:
    sentence = "Kallas said the budget grew by €2 billion compared with 2022."
    learned, reasons = score_sentence(sentence)
    rules, same_reasons = score_sentence(sentence, ranker=CueRanker())
    assert reasons == same_reasons
    assert learned != rules
    kinds = {reason.split(":")[0] for reason in reasons}
    assert {"money amount", "attribution", "comparison or superlative"} <= kinds


@pytest.mark.parametrize(
    ("text", "fired"),
    [
        ("Spending rose 40 per cent, more than ever.", {"digits", "change", "percent_mention"}),
        ("The largest deficit ever, $1 trillion.", {"digits", "absolute", "amount_mention"}),
        ("Good evening and welcome.", set()),
    ],
)
def test_model_only_cues_fire_without_changing_the_cue_rules(text: str, fired: set[str]) -> None:
    model_only = {"digits", "change", "absolute", "percent_mention", "amount_mention"}
    flags, _ = cue_flags(text)
    assert {name for name in model_only if flags[name]} == fired
    without = {name: value for name, value in flags.items() if name not in model_only}
    assert CueRanker().score(text, flags) == CueRanker().score(text, without)


def test_full_ranking_has_every_sentence_best_first(seed_article: str) -> None:
    ranking = rank_sentences(seed_article)
    everything = suggest_claims(seed_article, all_sentences=True)
    suggested = suggest_claims(seed_article)
    assert list(ranking.suggestions) == everything
    assert len(everything) > len(suggested)
    assert [s for s in everything if s.suggested] == suggested
    assert all(s.score < ranking.cutoff for s in everything if not s.suggested)
    keys = [(-s.score, s.start) for s in everything]
    assert keys == sorted(keys)
    assert {s.start for s in everything} == {
        s.start for s in rank_sentences(seed_article, genre="transcript").suggestions
    }


def test_min_score_replaces_the_cut_off(seed_article: str) -> None:
    scores = sorted(s.score for s in suggest_claims(seed_article, all_sentences=True))
    middle = scores[len(scores) // 2]
    chosen = suggest_claims(seed_article, min_score=middle)
    assert chosen and all(s.score >= middle for s in chosen)
    assert len(chosen) == sum(score >= middle for score in scores)
    assert len(suggest_claims(seed_article, min_score=middle, limit=2)) == 2


def test_other_languages_rank_by_the_cues(seed_article: str) -> None:
    text = "Laut Ministerium kostet das 1,6 Milliarden Euro."
    assert score_sentence(text, "de") == score_sentence(text, "de", ranker=CueRanker())
    assert rank_sentences(text, "de").model.startswith("cue rules")


def test_unknown_genre_is_refused() -> None:
    with pytest.raises(ValueError, match="genre"):
        rank_sentences("Taxes rose.", genre="poem")


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\n\t",
        "...",
        "?!",
        "\u200b\u200b",
        "1 2 3 4 5 6 7 8 9 0",
        "12.5 % 2022 €3 1,000,000\n42\n$7",
        "-- -- --",
    ],
)
def test_odd_bodies_give_a_sensible_ranking(body: str) -> None:
    ranking = rank_sentences(body)
    assert len(ranking.suggestions) <= max(1, len(body.split()))
    for s in ranking.suggestions:
        assert s.quote == body[s.start : s.end]
        assert 0.0 <= s.score <= 1.0


def test_one_giant_sentence_is_one_ranked_sentence() -> None:
    body = "The deficit rose by $200 billion " + "and taxes rose again " * 5000 + "in 2019."
    [only] = rank_sentences(body).suggestions
    assert (only.start, only.end) == (0, len(body))
    assert 0.0 <= only.score <= 1.0
    assert any(reason.startswith("money amount") for reason in only.reasons)

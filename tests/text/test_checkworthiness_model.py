"""The learned check-worthiness ranker: its artefact, its fall-back, its genres and its training."""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import hstack
from sklearn.linear_model import LogisticRegression

from workbench.text import checkworthiness_model, model_training
from workbench.text.checkworthiness import (
    FALLBACK_WARNING,
    CueRanker,
    cue_flags,
    default_ranker,
    guess_genre,
    rank_sentences,
    suggest_claims,
)
from workbench.text.checkworthiness_model import (
    ArtefactError,
    LearnedRanker,
    dump_artefact,
    parse_artefact,
    shipped_ranker,
)

SENTENCES = [
    "Unemployment fell to 3.5 percent in 2019, the lowest in fifty years.",
    "Thank you all for coming tonight.",
    "The deficit doubled to $1 trillion under his watch.",
    "I think we should talk about our families.",
    "Taxes rose by 20 percent since 2010, the statistics office said.",
    "Good evening and welcome.",
    "We lost 700,000 jobs last year alone.",
    "Let me be clear about that.",
]
LABELS = [1, 0, 1, 0, 1, 0, 1, 0]


@pytest.fixture
def tiny_artefact() -> dict:
    """An artefact exported from a model fitted here on eight sentences."""
    vectorizer = model_training.new_vectorizer()
    vectorizer.set_params(min_df=1)
    features = hstack(
        [vectorizer.fit_transform(SENTENCES), model_training.cue_matrix(SENTENCES)]
    ).tocsr()
    model = LogisticRegression(C=10.0).fit(features, LABELS)
    artefact = model_training.export(
        vectorizer, model, {"article": 0.5, "transcript": 0.9}, {"files": []}, {}
    )
    artefact["decision_function"] = model.decision_function(features).tolist()
    return artefact


def test_pure_python_scoring_matches_scikit_learn(tiny_artefact: dict) -> None:
    expected = tiny_artefact.pop("decision_function")
    ranker = parse_artefact(dump_artefact(tiny_artefact), "tiny")
    logits = ranker.logits(SENTENCES, [cue_flags(text)[0] for text in SENTENCES])
    assert np.allclose(logits, expected, atol=1e-4)
    one_by_one = [ranker.logits([text], [cue_flags(text)[0]])[0] for text in SENTENCES]
    assert np.allclose(one_by_one, expected, atol=1e-4)
    assert ranker.score(SENTENCES[0], cue_flags(SENTENCES[0])[0]) == pytest.approx(
        1 / (1 + math.exp(-expected[0])), abs=1e-4
    )


def test_unknown_words_score_by_the_cues_alone(tiny_artefact: dict) -> None:
    ranker = LearnedRanker.from_artefact(tiny_artefact, "tiny")
    flags = cue_flags("Zzz qqq.")[0]
    expected = ranker.intercept + sum(ranker.cues[n] * v for n, v in flags.items())
    assert ranker.logits(["Zzz qqq.", ""], [flags, flags]).tolist() == pytest.approx(
        [expected, expected]
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda a: a.update(format_version=99),
        lambda a: a.update(format="something else"),
        lambda a: a.pop("terms"),
        lambda a: a["cutoffs"].pop("transcript"),
        lambda a: a.update(intercept="high"),
        lambda a: a["terms"].update({"tax": "x"}),
    ],
)
def test_malformed_artefacts_are_refused(tiny_artefact: dict, damage) -> None:
    damage(tiny_artefact)
    with pytest.raises(ArtefactError):
        parse_artefact(json.dumps(tiny_artefact), "damaged")


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe", b"[1, 2]", b'{"format": 1'])
def test_garbage_is_refused(raw: bytes) -> None:
    with pytest.raises(ArtefactError):
        parse_artefact(raw, "garbage")


@pytest.fixture
def missing_artefact(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checkworthiness_model, "SHIPPED", "no-such-model.json")
    shipped_ranker.cache_clear()
    yield
    shipped_ranker.cache_clear()


def test_missing_artefact_falls_back_to_the_cue_rules_with_a_warning(
    missing_artefact: None, caplog: pytest.LogCaptureFixture, seed_article: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="workbench.text.checkworthiness_model"):
        ranking = rank_sentences(seed_article)
    assert ranking.warning == FALLBACK_WARNING
    assert ranking.model == "cue rules"
    assert any("cue rules" in record.message for record in caplog.records)
    assert [s for s in ranking.suggestions if s.suggested]
    assert isinstance(default_ranker(), CueRanker)


def test_shipped_artefact_is_small_versioned_and_in_use() -> None:
    path = Path(checkworthiness_model.__file__).parent / "models" / checkworthiness_model.SHIPPED
    assert path.stat().st_size < 5_000_000
    artefact = json.loads(path.read_text(encoding="utf-8"))
    assert artefact["format_version"] == checkworthiness_model.FORMAT_VERSION
    assert {f["name"] for f in artefact["training"]["files"]} == {
        data.name for data in model_training.TRAINING_FILES
    }
    ranker = default_ranker()
    assert isinstance(ranker, LearnedRanker) and ranker.warning is None
    assert ranker.cutoff("transcript") > ranker.cutoff("article")


@pytest.mark.parametrize(
    ("body", "genre"),
    [
        ("TRUMP: We will win.\nCLINTON: We lost 700,000 jobs.\nHOLT: Thank you.\n", "transcript"),
        ("MR. BIDEN: Taxes rose.\nQ: Why?\nMR. BIDEN: Because.\n", "transcript"),
        ("The minister said taxes rose.\n\nNOTE: figures are provisional.\n", "article"),
        ("", "article"),
    ],
)
def test_genre_is_guessed_from_speaker_turns(body: str, genre: str) -> None:
    assert guess_genre(body) == genre


def _clef_transcripts(eval_data: Path) -> dict[str, list[str]]:
    debates: dict[str, list[str]] = defaultdict(list)
    for example in model_training.read_examples(
        eval_data / "checkworthiness", model_training.HELD_OUT_FILES[0]
    ):
        debates[example.group].append(example.text)
    return debates


def test_a_transcript_suggests_tens_per_thousand_sentences(eval_data: Path) -> None:
    lines = [line for debate in _clef_transcripts(eval_data).values() for line in debate][:1000]
    body = "\n".join(f"SPEAKER: {line}" for line in lines)
    ranking = rank_sentences(body)
    assert ranking.genre == "transcript"
    suggested = [s for s in ranking.suggestions if s.suggested]
    assert 10 <= len(suggested) < 100, len(suggested)
    as_article = suggest_claims(body, genre="article")
    assert len(as_article) > len(suggested)


@pytest.mark.slow
def test_shipped_artefact_equals_a_fresh_training_run(eval_data: Path) -> None:
    """Retrains from the public files (about a minute on two cores, more under load)."""
    folder = eval_data / "checkworthiness"
    shipped = default_ranker().artefact
    assert shipped["training"]["files"] == model_training.checksums(folder)
    fresh = model_training.train(
        model_training.public_examples(folder),
        training={"files": shipped["training"]["files"], "decisions": 0},
    )
    assert fresh["terms"].keys() == shipped["terms"].keys()
    weights = np.array([fresh["terms"][t][1] for t in shipped["terms"]])
    expected = np.array([shipped["terms"][t][1] for t in shipped["terms"]])
    assert np.allclose(weights, expected, atol=1e-4)
    for key in ("cues", "cutoffs"):
        assert fresh[key].keys() == shipped[key].keys()
        assert np.allclose(
            [fresh[key][k] for k in shipped[key]], list(shipped[key].values()), atol=1e-4
        )
    assert fresh["intercept"] == pytest.approx(shipped["intercept"], abs=1e-4)

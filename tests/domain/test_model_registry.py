"""Newsroom check-worthiness models: labelled decisions, storing, the model in use, roll-back."""

from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import select

from tests.conftest import make_user, new_claim
from workbench import claims, cli, db, model_registry
from workbench.errors import InvalidInput, NotFound, PermissionDenied
from workbench.models import AuditEvent, CheckworthinessModel, ClaimState, Role
from workbench.text.checkworthiness import cue_flags, default_ranker
from workbench.text.checkworthiness_model import Example, tokenizer_settings
from workbench.text.segment import split_sentences
from workbench.workspace import accept_suggestion, dismiss_suggestion, load_workspace


def artefact(intercept: float) -> dict:
    """A valid, tiny artefact: one known word, no cue weights."""
    return {
        "format": "workbench-checkworthiness",
        "format_version": 1,
        "tokens": tokenizer_settings(),
        "terms": {"billion": [1.0, 3.0]},
        "cues": {},
        "intercept": intercept,
        "cutoffs": {"article": 0.4, "transcript": 0.8},
    }


@pytest.fixture
def admin(engine):
    return make_user(engine, "ada", Role.admin)


def save(engine, actor, intercept: float) -> int:
    with db.write_session(engine) as session:
        return model_registry.save_model(
            session, actor, artefact(intercept), {"note": intercept}
        ).id


def in_use(engine) -> str:
    with db.read_session(engine) as session:
        return model_registry.ranker_in_use(session).label


def test_decisions_become_labelled_sentences(engine, reviewer, article):
    with db.read_session(engine) as session:
        first, second = load_workspace(session, article.id).suggestions[:2]
    with db.write_session(engine) as session:
        accept_suggestion(session, reviewer, article.id, first)
        dismiss_suggestion(session, reviewer, article.id, second)
    by_hand = new_claim(engine, reviewer, article, "Iraq in 2003")
    thrown = new_claim(engine, reviewer, article, "€800 billion")
    with db.write_session(engine) as session:
        claims.move_claim(session, reviewer, thrown.id, thrown.version, ClaimState.dismissed)
    with db.read_session(engine) as session:
        examples = model_registry.decision_examples(session)
    hand_sentence = next(s.text for s in split_sentences(article.body) if "Iraq in 2003" in s.text)
    expected: dict[str, int] = {}
    for text, label in ((first.quote, 1), (second.quote, 0), (hand_sentence, 1)):
        expected[text] = max(expected.get(text, 0), label)
    assert by_hand.quote in hand_sentence
    assert {e.text: e.label for e in examples} == expected
    assert {e.group for e in examples} == {str(article.id)}


def test_no_decisions_no_examples(engine, article):
    with db.read_session(engine) as session:
        assert model_registry.decision_examples(session) == []


def test_shipped_model_is_in_use_until_one_is_stored(engine, admin):
    assert in_use(engine) == default_ranker().label
    first = save(engine, admin, -1.0)
    assert in_use(engine) == f"newsroom model #{first}"
    second = save(engine, admin, -2.0)
    assert in_use(engine) == f"newsroom model #{second}"
    with db.read_session(engine) as session:
        ranker = model_registry.ranker_in_use(session)
        listed = model_registry.list_models(session)
    assert ranker.score("A billion.", cue_flags("A billion.")[0]) > ranker.score(
        "A million.", cue_flags("A million.")[0]
    )
    assert [(m.id, m.in_use, m.metrics) for m in listed] == [
        (second, True, {"note": -2.0}),
        (first, False, {"note": -1.0}),
    ]


def test_admin_rolls_back_and_returns_to_the_shipped_model(engine, admin):
    first, second = save(engine, admin, -1.0), save(engine, admin, -2.0)
    with db.write_session(engine) as session:
        model_registry.activate_model(session, admin, first)
    assert in_use(engine) == f"newsroom model #{first}"
    with db.read_session(engine) as session:
        active = session.exec(
            select(CheckworthinessModel.id).where(CheckworthinessModel.active)
        ).all()
        events = session.exec(
            select(AuditEvent.action, AuditEvent.changes)
            .where(AuditEvent.entity == "checkworthiness_model")
            .order_by(AuditEvent.id)
        ).all()
    assert active == [first]
    assert events[-1] == ("activate", {"in_use": [second, first]})
    with db.write_session(engine) as session:
        model_registry.use_shipped_model(session, admin)
    assert in_use(engine) == default_ranker().label


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_only_admins_store_or_choose_models(engine, admin, role):
    model_id = save(engine, admin, -1.0)
    someone = make_user(engine, f"not-admin-{role}", role)
    with db.write_session(engine) as session, pytest.raises(PermissionDenied):
        model_registry.activate_model(session, someone, model_id)
    with db.write_session(engine) as session, pytest.raises(PermissionDenied):
        model_registry.save_model(session, someone, artefact(0.0), {})


def test_unknown_or_unreadable_models_are_refused(engine, admin):
    with db.write_session(engine) as session, pytest.raises(NotFound):
        model_registry.activate_model(session, admin, 999)
    with db.write_session(engine) as session:
        broken = CheckworthinessModel(format_version=1, artefact="{not json", active=False)
        session.add(broken)
        session.flush()
        broken_id = broken.id
    with db.write_session(engine) as session, pytest.raises(InvalidInput, match="cannot be used"):
        model_registry.activate_model(session, admin, broken_id)


def test_a_corrupt_active_row_falls_back_with_a_warning(engine, caplog):
    with db.write_session(engine) as session:
        session.add(
            CheckworthinessModel(
                format_version=1, artefact=json.dumps({"format": "x"}), active=True
            )
        )
    with (
        caplog.at_level(logging.WARNING, logger="workbench.model_registry"),
        db.read_session(engine) as session,
    ):
        ranker = model_registry.ranker_in_use(session)
    assert "could not be read" in ranker.warning
    assert ranker.label == default_ranker().label
    assert any("unusable" in record.message for record in caplog.records)


def test_held_back_slice_keeps_articles_whole():
    examples = [Example(f"sentence {a}-{n}", n % 2, str(a)) for a in range(10) for n in range(3)]
    learn, held = model_registry.hold_back(examples, seed=1)
    assert len(held) == 6 and len(learn) == 24
    assert not {e.group for e in learn} & {e.group for e in held}
    assert model_registry.hold_back(examples, seed=1) == (learn, held)
    assert model_registry.hold_back(examples[:3], seed=1) == (examples[:3], [])


def run_cli_model(capsys, *argv: str) -> str:
    """Run a ``workbench`` command in-process on the test database; its standard output."""
    assert cli.main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_claims_suggest_ranks_every_sentence_on_request(engine, article, capsys):
    everything = json.loads(
        run_cli_model(capsys, "claims", "suggest", str(article.id), "--all", "--json")
    )
    suggested = json.loads(run_cli_model(capsys, "claims", "suggest", str(article.id), "--json"))
    assert len(everything) == len(split_sentences(article.body))
    assert [s["score"] for s in everything] == sorted(
        (s["score"] for s in everything), reverse=True
    )
    assert suggested == [s for s in everything if s["suggested"]]
    assert all(s["quote"] == article.body[s["start"] : s["end"]] for s in everything)
    scores = sorted({s["score"] for s in everything}, reverse=True)
    cut = (scores[3] + scores[4]) / 2  # between two printed (rounded) scores
    above = json.loads(
        run_cli_model(
            capsys, "claims", "suggest", str(article.id), "--min-score", str(cut), "--json"
        )
    )
    assert above == [s for s in everything if s["score"] > cut]
    assert len(above) >= 4


def test_model_commands_list_and_roll_back(engine, admin, capsys):
    first, second = save(engine, admin, -1.0), save(engine, admin, -2.0)
    listed = json.loads(run_cli_model(capsys, "model", "list", "--json"))
    assert listed["in_use"] == f"newsroom model #{second}"
    assert [m["id"] for m in listed["models"]] == [second, first]
    assert "is in use" in run_cli_model(capsys, "model", "activate", str(first))
    assert in_use(engine) == f"newsroom model #{first}"


@pytest.mark.slow
def test_training_with_decisions_stores_a_new_model(engine, reviewer, article, eval_data, capsys):
    """Retrains on the public files plus the seed article's decisions (a minute or more)."""
    with db.read_session(engine) as session:
        first, second = load_workspace(session, article.id).suggestions[:2]
    with db.write_session(engine) as session:
        accept_suggestion(session, reviewer, article.id, first)
        dismiss_suggestion(session, reviewer, article.id, second)
    out = run_cli_model(capsys, "model", "train", "--include-decisions", "--data", str(eval_data))
    assert "clef2019_t1_debates_train.csv" in out and "held-back decisions" in out
    with db.read_session(engine) as session:
        [model] = model_registry.list_models(session)
        ranker = model_registry.ranker_in_use(session)
    assert model.in_use and model.metrics["decisions"]["before_model"]
    assert ranker.artefact["training"]["decisions"] == 2


def test_rankings_follow_the_model_in_use(engine, admin, article):
    with db.read_session(engine) as session:
        shipped = model_registry.rank_with_model_in_use(session, article.body, "en")
        again = model_registry.rank_with_model_in_use(session, article.body, "en")
    assert again is shipped and shipped.model == default_ranker().label
    model_id = save(engine, admin, -1.0)
    with db.read_session(engine) as session:
        newsroom = model_registry.rank_with_model_in_use(session, article.body, "en")
    assert newsroom.model == f"newsroom model #{model_id}"
    assert [s.start for s in newsroom.suggestions] != [s.start for s in shipped.suggestions]

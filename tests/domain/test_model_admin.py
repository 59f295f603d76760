"""Retraining the suggestion model with the newsroom's decisions, and what the admin page
reads: figures before and after, one retraining at a time, admins only (checked again
when the model is stored)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import make_user, new_article
from tests.text.conftest import write_training_files
from workbench import db, model_admin, model_registry, users
from workbench.errors import InvalidInput, PermissionDenied
from workbench.models import AuditEvent, Role
from workbench.text.checkworthiness import default_ranker
from workbench.workspace import accept_suggestion, dismiss_suggestion, load_workspace

SECOND_BODY = (
    "The deficit rose by 5 billion dollars in 2020. Thank you all for being here. "
    "Taxes went up 3 percent in 2019, officials said."
)


@pytest.fixture
def admin(engine):
    return make_user(engine, "ada", Role.admin)


@pytest.fixture
def training_data(tmp_path: Path) -> Path:
    return write_training_files(tmp_path / "training-data")


@pytest.fixture
def decisions(engine, reviewer, article) -> None:
    """An accepted and a dismissed suggestion on each of two articles (so one article can
    be held back)."""
    second = new_article(engine, reviewer, SECOND_BODY, title="Second", outlet="X").id
    for article_id in (article.id, second):
        with db.read_session(engine) as session:
            first, other = load_workspace(session, article_id).suggestions[:2]
        with db.write_session(engine) as session:
            accept_suggestion(session, reviewer, article_id, first)
            dismiss_suggestion(session, reviewer, article_id, other)


def test_retraining_stores_a_model_in_use_with_before_and_after_figures(
    engine, admin, decisions, training_data
):
    steps: list[tuple[int, int, str]] = []
    result = model_admin.retrain_with_decisions(
        admin, training_data, on_progress=lambda *step: steps.append(step)
    )
    assert [what for _, _, what in steps] == [*model_admin.STEPS, "Stored"]
    assert result.decisions + result.held_back == 4 and result.held_back == 2
    assert result.before_model == default_ranker().label
    assert (
        set(result.before)
        == set(result.after)
        == {
            "average precision",
            "F1 at the article cut-off",
        }
    )
    assert [f["name"] for f in result.files] == [
        "clef2019_t1_debates_train.csv",
        "clef2020_t5_debates_train.tsv",
        "clef2020_t1_covid_tweets_train.tsv",
    ]
    with db.read_session(engine) as session:
        in_use = model_registry.model_in_use(session)
        [stored] = model_registry.list_models(session)
        event = session.exec(
            select(AuditEvent.action, AuditEvent.actor_name).where(
                AuditEvent.entity == "checkworthiness_model"
            )
        ).one()
    assert in_use.stored_id == stored.id == result.model_id and stored.in_use
    assert in_use.training["files"] == result.files
    assert in_use.metrics["decisions"]["before"] == result.before
    assert stored.metrics["held_out"] == result.held_out
    assert event == ("train", "ada")
    assert model_admin.running() is None


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_only_admins_retrain(engine, role, decisions, training_data):
    someone = make_user(engine, f"not-admin-{role}", role)
    with pytest.raises(PermissionDenied):
        model_admin.retrain_with_decisions(someone, training_data)


def test_missing_training_files_or_decisions_are_refused(engine, admin, tmp_path, training_data):
    with pytest.raises(InvalidInput, match="not in"):
        model_admin.retrain_with_decisions(admin, tmp_path / "nowhere")
    with pytest.raises(InvalidInput, match="no accepted or dismissed suggestions"):
        model_admin.retrain_with_decisions(admin, training_data)
    with db.read_session(engine) as session:
        assert model_registry.list_models(session) == []


def test_a_second_retraining_while_one_runs_is_refused(engine, admin, decisions, training_data):
    started, go_on = threading.Event(), threading.Event()
    outcome: list[object] = []

    def hold(done: int, _total: int, _what: str) -> None:
        if done == 0:
            started.set()
            go_on.wait(timeout=60)

    def first() -> None:
        outcome.append(model_admin.retrain_with_decisions(admin, training_data, on_progress=hold))

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(timeout=60)
        busy = model_admin.running()
        assert busy is not None and busy.by == "ada"
        with pytest.raises(model_admin.TrainingRunning, match="started by ada"):
            model_admin.retrain_with_decisions(admin, training_data)
    finally:
        go_on.set()
        thread.join(timeout=120)
    assert model_admin.running() is None
    [result] = outcome
    with db.read_session(engine) as session:
        assert [m.id for m in model_registry.list_models(session)] == [result.model_id]


def test_a_role_taken_away_while_training_refuses_the_model(
    engine, admin, decisions, training_data
):
    def demote(done: int, _total: int, what: str) -> None:
        if what == "Storing":
            with db.write_session(engine) as session:
                cli = users.builtin_user(session, users.CLI_USER)
                users.set_role(session, cli, admin.id, Role.editor)

    with pytest.raises(PermissionDenied):
        model_admin.retrain_with_decisions(admin, training_data, on_progress=demote)
    with db.read_session(engine) as session:
        assert model_registry.list_models(session) == []
    assert model_admin.running() is None


def test_the_shipped_model_in_use_and_the_decisions_to_learn_from(engine, decisions):
    with db.read_session(engine) as session:
        in_use = model_registry.model_in_use(session)
        counts = model_registry.decision_counts(session)
    assert in_use.label == default_ranker().label and in_use.stored_id is None
    assert in_use.created_at is None and in_use.format_version == 1
    assert [f["name"] for f in in_use.training["files"]][0] == "clef2019_t1_debates_train.csv"
    assert "held_out" in in_use.metrics
    assert counts == (2, 2)


def test_figures_read_as_rows():
    metrics = {"held_out": {"MAP": 0.16789}, "decisions": {"before_model": "shipped"}, "n": 3}
    assert model_admin.figure_rows(metrics) == [
        ("held_out · MAP", "0.168"),
        ("decisions · before_model", "shipped"),
        ("n", "3"),
    ]

"""The Suggestion model page (admins): the model in use with its data and figures, choosing
a stored model, retraining with the newsroom's decisions (on a tiny training set), and
no second retraining while one runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.conftest import make_user
from tests.text.conftest import write_training_files
from tests.ui.conftest import open_ui
from workbench import articles, db, model_admin, model_registry, users
from workbench.models import Role
from workbench.sample import load_sample
from workbench.text.checkworthiness import default_ranker
from workbench.ui import routes
from workbench.ui.safe import md
from workbench.workspace import accept_suggestion, dismiss_suggestion, load_workspace

PAGE = routes.MODEL.path


@pytest.fixture
def admin(app_db, engine):
    return make_user(engine, "ada", Role.admin)


@pytest.fixture
def training_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny training set where the page looks for one (``WORKBENCH_EVAL_DATA``)."""
    data = write_training_files(tmp_path / "training-data")
    monkeypatch.setenv("WORKBENCH_EVAL_DATA", str(data))
    return data


@pytest.fixture
def decisions(admin, engine) -> None:
    """An accepted and a dismissed suggestion on each of two articles."""
    with db.write_session(engine) as session:
        ids = [
            load_sample(session, admin).id,
            articles.add_article(
                session,
                admin,
                articles.ArticleDraft(
                    title="Second",
                    body="The deficit rose by 5 billion dollars in 2020. Thank you all. "
                    "Taxes went up 3 percent in 2019, officials said.",
                ),
            ).id,
        ]
    for article_id in ids:
        with db.read_session(engine) as session:
            first, other = load_workspace(session, article_id).suggestions[:2]
        with db.write_session(engine) as session:
            accept_suggestion(session, admin, article_id, first)
            dismiss_suggestion(session, admin, article_id, other)


def stored_model(engine, admin, note: float) -> int:
    artefact = default_ranker().artefact  # a real, readable model
    with db.write_session(engine) as session:
        return model_registry.save_model(session, admin, artefact, {"note": note}).id


def in_use(engine) -> str:
    with db.read_session(engine) as session:
        return model_registry.ranker_in_use(session).label


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_only_admins_see_the_controls(app_db, engine, tmp_path, role):
    someone = make_user(engine, f"someone-{role}", role)
    at = open_ui(PAGE, tmp_path, user=someone, alone=True)
    assert not at.exception
    assert any("Only admins" in info.value for info in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("model_admin_")]


def test_the_model_in_use_with_its_data_and_figures(admin, tmp_path, training_data):
    at = open_ui(PAGE, tmp_path, user=admin)
    assert not at.exception
    shipped = default_ranker()
    assert any(md(shipped.label) in m.value and "shipped" in m.value for m in at.markdown)
    files = at.dataframe[0].value
    assert list(files["file"]) == [f["name"] for f in shipped.artefact["training"]["files"]]
    assert list(files["SHA-256"]) == [f["sha256"] for f in shipped.artefact["training"]["files"]]
    figures = at.dataframe[1].value
    assert "held_out · clef2019_test_MAP" in list(figures["figure"])
    # No decisions yet: nothing to learn from.
    assert at.button(key="model_admin_retrain").disabled
    assert at.button(key="model_admin_use_shipped").disabled


def test_use_a_stored_model_and_go_back_to_the_shipped_one(admin, engine, tmp_path):
    older, newer = stored_model(engine, admin, 1.0), stored_model(engine, admin, 2.0)
    at = open_ui(PAGE, tmp_path, user=admin)
    assert at.button(key=f"model_admin_use_{newer}").disabled  # in use
    at.button(key=f"model_admin_use_{older}").click().run()
    assert not at.exception
    assert in_use(engine) == f"newsroom model #{older}"
    assert any(f"newsroom model \\#{older}" in m.value for m in at.markdown)
    assert at.button(key=f"model_admin_use_{older}").disabled
    at.button(key="model_admin_use_shipped").click().run()
    assert in_use(engine) == default_ranker().label


def test_retraining_shows_before_and_after_and_puts_the_new_model_in_use(
    admin, engine, tmp_path, decisions, training_data
):
    at = open_ui(PAGE, tmp_path, user=admin)
    assert any("2 claims kept and 2 suggestions dismissed" in c.value for c in at.caption)
    at.button(key="model_admin_retrain").click().run()
    assert not at.exception and not at.error
    with db.read_session(engine) as session:
        [model] = model_registry.list_models(session)
    assert model.in_use and in_use(engine) == f"newsroom model #{model.id}"
    assert any(f"Model #{model.id} learnt from 2 decisions" in s.value for s in at.success)
    [before_after] = [d.value for d in at.dataframe if "before" in d.value.columns]
    assert list(before_after["figure"]) == ["average precision", "F1 at the article cut-off"]
    assert list(before_after["before"]) == [
        f"{model.metrics['decisions']['before'][name]:.3f}" for name in before_after["figure"]
    ]
    assert any(f"newsroom model \\#{model.id}" in m.value for m in at.markdown)  # in use


def test_no_second_retraining_while_one_runs(admin, engine, tmp_path, decisions, training_data):
    started, go_on = threading.Event(), threading.Event()

    def hold(done: int, _total: int, _what: str) -> None:
        if done == 0:
            started.set()
            go_on.wait(timeout=60)

    with db.read_session(engine) as session:
        other_admin = users.find_user(session, "ada")
    thread = threading.Thread(
        target=model_admin.retrain_with_decisions,
        args=(other_admin, training_data),
        kwargs={"on_progress": hold},
    )
    thread.start()
    try:
        assert started.wait(timeout=60)
        at = open_ui(PAGE, tmp_path, user=admin)
        assert not at.exception
        assert at.button(key="model_admin_retrain").disabled
        assert any("started by ada" in info.value for info in at.info)
        # A click that reached the server before the button was disabled (its callback
        # set the page's RETRAIN_ASKED) is refused by the service.
        at.session_state["model_admin_retrain_asked"] = True
        at.run()
        assert any("already running" in error.value for error in at.error)
    finally:
        go_on.set()
        thread.join(timeout=120)
    with db.read_session(engine) as session:
        assert len(model_registry.list_models(session)) == 1

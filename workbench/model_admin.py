"""The suggestion model's administration: what the admin page reads, and retraining.

Retraining learns from the public training files plus this newsroom's decisions
(``model_registry.decision_examples``), holds a slice of the decisions back to compare
the model in use with the new one, stores the new model and puts it in use
(``model_registry.save_model``). It takes about half a minute, so it runs outside any
transaction: one read session gathers the decisions, the fit runs with no session open,
and one short write session stores the result, so nobody's saves wait on it. The
admin page and ``workbench model train --include-decisions`` call the same
:func:`retrain_with_decisions`.

One retraining at a time per server process: a second request while one runs (a double
click, a second admin) is refused with :class:`TrainingRunning`, and :func:`running`
tells the page who started the one under way. Two server replicas could each run one;
the newer model then wins, and both stay stored.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from workbench import db, model_registry
from workbench.actions import database_trouble
from workbench.errors import InvalidInput, WorkbenchError
from workbench.identity import Credentials, Person, acting_user, person
from workbench.model_registry import ModelInUse, ModelSummary
from workbench.models import User, stored_id
from workbench.permissions import ADMINS, require
from workbench.sql import id_col
from workbench.text.checkworthiness import Ranker, cue_flags
from workbench.text.checkworthiness_model import Example, LearnedRanker

#: How far a retraining is: ``(done, total, what)``, as the CLI's progress bar takes it.
Progress = Callable[[int, int, str], object]
#: The steps :func:`retrain_with_decisions` reports.
STEPS = ("Reading the training files and decisions", "Training", "Measuring", "Storing")


class TrainingRunning(WorkbenchError):
    """A retraining is already under way in this server process."""


@dataclass(frozen=True, slots=True)
class RunningTraining:
    """The retraining under way: who started it, and when (UTC)."""

    by: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Retrained:
    """A retraining's outcome: the stored model (in use now) and its figures."""

    model_id: int
    files: list[dict[str, Any]]  # name, SHA-256 and rows of each public training file
    decisions: int  # trained on
    held_back: int  # decisions kept out of training, to measure before and after
    before_model: str
    before: dict[str, float]  # the model in use until now, on the held-back decisions
    after: dict[str, float]  # the new model, on the same decisions
    held_out: dict[str, float]  # the new model on the public held-out files


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A stored model as the admin page lists it: who trained it, by name."""

    summary: ModelSummary
    trained_by: str


@dataclass(frozen=True, slots=True)
class ModelAdminPage:
    """What the admin page shows: the reader, the model in use, every stored model
    (newest first), the decisions there are to learn from, the training files, and the
    retraining under way in this process, if any."""

    me: Person
    in_use: ModelInUse
    models: list[StoredModel]
    kept: int  # claims on articles: positive decisions
    dismissed: int  # dismissed suggestions: negative ones
    data: Path
    data_ready: bool
    running: RunningTraining | None


_SLOT = threading.Lock()
_running: RunningTraining | None = None


def training_data() -> Path:
    """The folder holding ``checkworthiness/`` (the public training files, research-only
    and never shipped): ``WORKBENCH_EVAL_DATA``, else ``shared/eval-data`` beside the
    checkout. Read at each call, so a test or a deployment can point elsewhere."""
    default = Path(__file__).resolve().parents[2] / "shared" / "eval-data"
    return Path(os.environ.get("WORKBENCH_EVAL_DATA", default))


def running() -> RunningTraining | None:
    """The retraining under way in this process, if any."""
    return _running


def model_admin_page(credentials: Credentials) -> ModelAdminPage:
    """The admin page's data, from one read session."""
    with db.read_session() as session:
        me = person(acting_user(session, credentials))
        models = model_registry.list_models(session)
        names = _user_names(session, {m.created_by for m in models if m.created_by})
        kept, dismissed = model_registry.decision_counts(session)
        in_use = model_registry.model_in_use(session)
    folder = training_data()
    return ModelAdminPage(
        me,
        in_use,
        [StoredModel(m, names.get(m.created_by or 0, "")) for m in models],
        kept,
        dismissed,
        folder,
        (folder / "checkworthiness").is_dir(),
        running(),
    )


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(id_col(User.id), User.name).where(col(User.id).in_(ids))).all()
    return {user_id: name for user_id, name in rows}


def retrain_with_decisions(
    actor: User,
    data: Path | None = None,
    *,
    engine: Engine | None = None,
    on_progress: Progress | None = None,
) -> Retrained:
    """Train on the public files in ``data`` (default :func:`training_data`) plus this
    newsroom's decisions, store the model and put it in use; the previous ones stay.

    Admins only (checked again when the model is stored). Raises InvalidInput when the
    training files are missing or there are no decisions yet, TrainingRunning while
    another retraining runs in this process, WorkbenchError with a plain message when
    the database refuses the write.
    """
    require(actor, ADMINS, "train the check-worthiness model")
    folder = (data or training_data()) / "checkworthiness"
    if not folder.is_dir():
        raise InvalidInput(
            f"The public training files are not in {folder}; set WORKBENCH_EVAL_DATA "
            "to the folder that holds checkworthiness/."
        )
    with _one_at_a_time(actor):
        return _retrain(actor, folder, engine, on_progress or _quiet)


def _quiet(_done: int, _total: int, _what: str) -> None:
    """No progress report."""


@contextmanager
def _one_at_a_time(actor: User) -> Iterator[None]:
    global _running
    if not _SLOT.acquire(blocking=False):
        busy = _running
        raise TrainingRunning(
            "A retraining is already running"
            + (f" (started by {busy.by} at {busy.since:%H:%M:%S} UTC)" if busy else "")
            + "; wait for it to finish."
        )
    try:
        _running = RunningTraining(actor.display_name or actor.name, datetime.now(UTC))
        yield
    finally:
        _running = None
        _SLOT.release()


def _retrain(actor: User, folder: Path, engine: Engine | None, step: Progress) -> Retrained:
    # Imported here: scikit-learn takes a second to load and only training needs it.
    from workbench.text import model_training

    step(0, len(STEPS), STEPS[0])
    files = model_training.checksums(folder)
    public = model_training.public_examples(folder)
    with db.read_session(engine) as session:
        decisions = model_registry.decision_examples(session)
        before = model_registry.ranker_in_use(session)
    learn, held_back = model_registry.hold_back(decisions, model_training.SEED)
    if not learn:
        raise InvalidInput("There are no accepted or dismissed suggestions to learn from yet.")
    step(1, len(STEPS), STEPS[1])
    artefact = model_training.train(
        public,
        learn,
        training={"files": files, "decisions": len(learn), "held_back": len(held_back)},
    )
    after = LearnedRanker.from_artefact(artefact, "trained now")
    step(2, len(STEPS), STEPS[2])
    figures: dict[str, Any] = {
        "held_out": held_out_figures(folder, after),
        "decisions": {
            "before": decision_figures(before, held_back),
            "after": decision_figures(after, held_back),
            "before_model": before.label,
        },
    }
    artefact["metrics"].update(figures)
    step(3, len(STEPS), STEPS[3])
    model_id = _store(actor, artefact, engine)
    step(len(STEPS), len(STEPS), "Stored")
    return Retrained(
        model_id,
        files,
        len(learn),
        len(held_back),
        before.label,
        figures["decisions"]["before"],
        figures["decisions"]["after"],
        figures["held_out"],
    )


def _store(actor: User, artefact: dict[str, Any], engine: Engine | None) -> int:
    """Store the model as ``actor``, read again in the write session: a role taken away
    during the half-minute of training refuses it."""
    try:
        with db.write_session(engine) as session:
            current = session.get(User, stored_id(actor))
            if current is None or not current.active:
                raise InvalidInput("Your account is no longer active; the model was not stored.")
            return stored_id(
                model_registry.save_model(session, current, artefact, artefact["metrics"])
            )
    except OperationalError as error:
        raise WorkbenchError(database_trouble(error)) from error


def decision_figures(ranker: Ranker, examples: list[Example]) -> dict[str, float]:
    """Average precision and F1 at the article cut-off of ``ranker`` on ``examples``."""
    from workbench.text import model_training

    scores = ranker.scores([e.text for e in examples], [cue_flags(e.text)[0] for e in examples])
    labels = [e.label for e in examples]
    return {
        "average precision": model_training.average_precision(scores, labels),
        "F1 at the article cut-off": model_training.f1_at(scores, labels, ranker.cutoff("article")),
    }


def held_out_figures(folder: Path, ranker: Ranker) -> dict[str, float]:
    """``ranker`` on the public held-out files (never trained on)."""
    from workbench.text import model_training

    return model_training.held_out_figures(
        folder, lambda text: ranker.score(text, cue_flags(text)[0]), ranker.cutoff("article")
    )


def figure_rows(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """A model's stored figures as (name, value) rows for a table: nested groups joined
    with " · ", numbers to three decimals ("held_out · clef2019_test_MAP", "0.168")."""
    rows: list[tuple[str, str]] = []
    for name, value in metrics.items():
        label = f"{prefix}{name}"
        if isinstance(value, dict):
            rows += figure_rows(value, f"{label} · ")
        elif isinstance(value, float):
            rows.append((label, f"{value:.3f}"))
        else:
            rows.append((label, str(value)))
    return rows

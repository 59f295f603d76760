"""``workbench model …`` (train, list, activate) and ``workbench claims suggest``.

``model train`` rebuilds the shipped check-worthiness artefact from the public training
files; with ``--include-decisions`` it learns from this newsroom's accepted and dismissed
suggestions too, stores the result in the database (the previous model stays, for
``model activate``) and prints before/after figures on decisions it did not train on. A
progress bar on a terminal shows the stage (the fit itself is one scikit-learn call).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from workbench import articles, db, model_admin, model_registry, users
from workbench.cli_command import LIMIT, RECORD_ID, Checked, Group, command
from workbench.cli_output import Step, emit, json_option, progress
from workbench.errors import InvalidInput
from workbench.text.checkworthiness import Suggestion
from workbench.text.checkworthiness_model import (
    GENRES,
    SHIPPED,
    Example,
    LearnedRanker,
    dump_artefact,
)

SHIPPED_PATH = Path(__file__).resolve().parent / "text" / "models" / SHIPPED


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"A score is a number from 0 to 1, not {text!r}.")
    return value


model_group = Group(
    "model",
    help="The check-worthiness model: train, list, roll back.",
    epilog="Example: workbench model list",
)


@command("suggest", epilog="Example: workbench claims suggest 12 --all --min-score 0.2 --json")
@click.argument("article_id", type=RECORD_ID, help="The article's id.")
@click.option("--limit", type=LIMIT, help="At most this many sentences.")
@click.option(
    "--all",
    "all_sentences",
    is_flag=True,
    help="Every sentence with its score and reasons, not only the suggested ones.",
)
@click.option(
    "--min-score",
    type=Checked("SCORE", _score),
    help="Only sentences scoring at least this (0 to 1).",
)
@click.option(
    "--genre",
    type=click.Choice(GENRES),
    help="article or transcript (guessed from speaker turns if omitted).",
)
@json_option
def suggest(
    article_id: int,
    limit: int | None,
    all_sentences: bool,
    min_score: float | None,
    genre: str | None,
) -> None:
    """Check-worthy sentences of an article, best first. With their scores and reasons."""
    with db.read_session() as session:
        article = articles.get_article(session, article_id)
        ranking = model_registry.rank_with_model_in_use(
            session, article.body, article.language, genre=genre
        )
    if ranking.warning:
        print(f"warning: {ranking.warning}", file=sys.stderr)
    chosen = ranking.chosen(all_sentences=all_sentences, min_score=min_score, limit=limit)
    data = [_suggestion_json(s) for s in chosen]
    human = "\n\n".join(
        f"{d['score']:.2f}{'' if d['suggested'] else ' (below cut-off)'} "
        f"[{d['start']}–{d['end']}] {d['quote']}\n      {'; '.join(d['reasons'])}"
        for d in data
    )
    emit(data, human or "No check-worthy sentences found.")


def _suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": suggestion.quote,
        "score": round(suggestion.score, 4),
        "suggested": suggestion.suggested,
        "reasons": list(suggestion.reasons),
    }


@model_group.command("train", epilog="Example: workbench model train --include-decisions")
@click.option(
    "--include-decisions",
    is_flag=True,
    help="Also learn from this newsroom's accepted and dismissed suggestions, and store the "
    "model in the database (the previous one stays, for `model activate`).",
)
@click.option(
    "--data",
    show_default="WORKBENCH_EVAL_DATA, else shared/eval-data beside the checkout",
    help="The folder holding checkworthiness/.",
)
@click.option(
    "--output",
    help="Write the artefact here instead of into the package (without --include-decisions).",
)
@json_option
def train(include_decisions: bool, data: str | None, output: str | None) -> None:
    """Retrain the check-worthiness model. From the public training files (and decisions,
    on request); its figures on held-out files it never saw are printed."""
    # Imported here: scikit-learn takes a second to load and only training needs it.
    from workbench.text import model_training

    data_path = Path(data) if data else model_admin.training_data()
    folder = data_path / "checkworthiness"
    if not folder.is_dir():
        raise InvalidInput(f"The training files are not in {folder}; pass --data.")
    with progress("Training") as step:
        if include_decisions:
            result, lines = _train_with_decisions(step, data_path)
            files = result.pop("files")
        else:
            step(0, None, "Reading the training files")
            files = model_training.checksums(folder)
            public = model_training.public_examples(folder)
            result, lines = _train_public(step, folder, files, public, output)
    checked = [f"{entry['sha256']}  {entry['name']} ({entry['rows']:,} rows)" for entry in files]
    emit({"files": files, **result}, "\n".join(checked + lines))


def _train_public(
    step: Step, folder: Path, files: list[dict[str, Any]], public: list[Example], output: str | None
) -> tuple[dict[str, Any], list[str]]:
    """The shipped artefact, rebuilt from the public files alone and written to ``output``."""
    from workbench.text import model_training

    step(1, 3, "Training")
    artefact = model_training.train(public, training={"files": files, "decisions": 0})
    ranker = LearnedRanker.from_artefact(artefact, "trained now")
    step(2, 3, "Held-out figures")
    held_out = artefact["metrics"]["held_out"] = model_admin.held_out_figures(folder, ranker)
    path = Path(output) if output else SHIPPED_PATH
    path.write_text(dump_artefact(artefact), encoding="utf-8")
    step(3, 3, "Written")
    lines = [*_figure_lines(held_out), f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB)."]
    return {"held_out": held_out, "output": str(path)}, lines


def _train_with_decisions(step: Step, data: Path) -> tuple[dict[str, Any], list[str]]:
    """A newsroom model (public files plus decisions, some held back to compare the model
    in use with the new one), through the service the admin page's button calls."""
    with db.write_session() as session:
        actor = users.builtin_user(session, users.CLI_USER)
    result = model_admin.retrain_with_decisions(actor, data, on_progress=step)
    decisions = {"before": result.before, "after": result.after}
    lines = _figure_lines(result.held_out)
    lines.append(f"On {result.held_back} held-back decisions (not trained on):")
    lines += [
        f"  {moment:<6} " + ", ".join(f"{name} {value:.3f}" for name, value in figures.items())
        for moment, figures in decisions.items()
    ]
    lines.append(
        f"Stored model #{result.model_id} and put it in use; "
        "'workbench model activate ID' rolls back."
    )
    figures = {
        "files": result.files,
        "held_out": result.held_out,
        "decisions": {**decisions, "before_model": result.before_model},
        "held_back": result.held_back,
        "model_id": result.model_id,
    }
    return figures, lines


def _figure_lines(figures: dict[str, float]) -> list[str]:
    return [
        "Held-out figures (never trained on):",
        *(f"  {name:<28} {value:.3f}" for name, value in figures.items()),
    ]


@model_group.command("list", epilog="Example: workbench model list --json")
@json_option
def list_models() -> None:
    """The stored models, newest first, and the one in use."""
    with db.read_session() as session:
        models = model_registry.list_models(session)
        label = model_registry.ranker_in_use(session).label
    data = [
        {
            "id": m.id,
            "created_at": m.created_at,
            "created_by": m.created_by,
            "format_version": m.format_version,
            "active": m.active,
            "in_use": m.in_use,
            "metrics": m.metrics,
        }
        for m in models
    ]
    lines = [
        f"#{m.id} {m.created_at:%Y-%m-%d %H:%M}{' (in use)' if m.in_use else ''}" for m in models
    ]
    emit({"in_use": label, "models": data}, "\n".join([f"In use: {label}", *lines]))


@model_group.command("activate", epilog="Example: workbench model activate 3")
@click.argument("model_id", type=RECORD_ID, help="A stored model's id (see `model list`).")
@json_option
def activate(model_id: int) -> None:
    """Put a stored model in use (roll back to it)."""
    with db.write_session() as session:
        row = model_registry.activate_model(
            session, users.builtin_user(session, users.CLI_USER), model_id
        )
        result = {"id": row.id, "active": row.active}
    emit(result, f"Model #{result['id']} is in use.")

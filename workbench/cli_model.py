"""``workbench model …`` (train, list, activate) and ``workbench claims suggest``.

``model train`` rebuilds the shipped check-worthiness artefact from the public training
files; with ``--include-decisions`` it learns from this newsroom's accepted and dismissed
suggestions too, stores the result in the database (the previous model stays, for
``model activate``) and prints before/after figures on decisions it did not train on.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from workbench import articles, db, model_registry, users
from workbench.cli_output import emit
from workbench.errors import InvalidInput
from workbench.text.checkworthiness import Ranker, Suggestion, cue_flags
from workbench.text.checkworthiness_model import (
    GENRES,
    SHIPPED,
    Example,
    LearnedRanker,
    dump_artefact,
)

#: Where ``model train`` finds ``checkworthiness/``: ``WORKBENCH_EVAL_DATA``, else
#: ``shared/eval-data`` beside the checkout (the files are research-only, never shipped).
DEFAULT_DATA = Path(
    os.environ.get(
        "WORKBENCH_EVAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "eval-data"
    )
)
SHIPPED_PATH = Path(__file__).resolve().parent / "text" / "models" / SHIPPED


def cmd_claims_suggest(args: argparse.Namespace) -> None:
    with db.read_session() as session:
        article = articles.get_article(session, args.article_id)
        ranking = model_registry.rank_with_model_in_use(
            session, article.body, article.language, genre=args.genre
        )
    if ranking.warning:
        print(f"warning: {ranking.warning}", file=sys.stderr)
    chosen = ranking.chosen(all_sentences=args.all, min_score=args.min_score, limit=args.limit)
    data = [_suggestion_json(s) for s in chosen]
    human = "\n\n".join(
        f"{d['score']:.2f}{'' if d['suggested'] else ' (below cut-off)'} "
        f"[{d['start']}–{d['end']}] {d['quote']}\n      {'; '.join(d['reasons'])}"
        for d in data
    )
    emit(args, data, human or "No check-worthy sentences found.")


def _suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": suggestion.quote,
        "score": round(suggestion.score, 4),
        "suggested": suggestion.suggested,
        "reasons": list(suggestion.reasons),
    }


def cmd_model_train(args: argparse.Namespace) -> None:
    # Imported here: scikit-learn takes a second to load and only training needs it.
    from workbench.text import model_training

    folder = Path(args.data) / "checkworthiness"
    if not folder.is_dir():
        raise InvalidInput(f"The training files are not in {folder}; pass --data.")
    files = model_training.checksums(folder)
    for entry in files:
        print(f"{entry['sha256']}  {entry['name']} ({entry['rows']:,} rows)")
    public = model_training.public_examples(folder)
    if args.include_decisions:
        _train_with_decisions(args, folder, files, public)
        return
    artefact = model_training.train(public, training={"files": files, "decisions": 0})
    ranker = LearnedRanker.from_artefact(artefact, "trained now")
    artefact["metrics"]["held_out"] = _print_held_out(folder, ranker)
    output = Path(args.output) if args.output else SHIPPED_PATH
    output.write_text(dump_artefact(artefact), encoding="utf-8")
    print(f"Wrote {output} ({output.stat().st_size / 1e6:.1f} MB).")


def _train_with_decisions(
    args: argparse.Namespace, folder: Path, files: list[dict[str, Any]], public: list[Example]
) -> None:
    from workbench.text import model_training

    with db.read_session() as session:
        decisions = model_registry.decision_examples(session)
        before = model_registry.ranker_in_use(session)
    learn, held_back = model_registry.hold_back(decisions, model_training.SEED)
    if not learn:
        raise InvalidInput("There are no accepted or dismissed suggestions to learn from yet.")
    artefact = model_training.train(
        public,
        learn,
        training={"files": files, "decisions": len(learn), "held_back": len(held_back)},
    )
    after = LearnedRanker.from_artefact(artefact, "trained now")
    figures: dict[str, Any] = {
        "held_out": _print_held_out(folder, after),
        "decisions": {
            "before": _decision_figures(before, held_back),
            "after": _decision_figures(after, held_back),
            "before_model": before.label,
        },
    }
    print(f"On {len(held_back)} held-back decisions (not trained on):")
    for moment in ("before", "after"):
        print(
            f"  {moment:<6} "
            + ", ".join(
                f"{name} {value:.3f}" for name, value in figures["decisions"][moment].items()
            )
        )
    artefact["metrics"].update(figures)
    with db.write_session() as session:
        row = model_registry.save_model(
            session, users.builtin_user(session, users.CLI_USER), artefact, artefact["metrics"]
        )
        model_id = row.id
    print(f"Stored model #{model_id} and put it in use; 'workbench model activate ID' rolls back.")


def _decision_figures(ranker: Ranker, examples: list[Example]) -> dict[str, float]:
    from workbench.text import model_training

    scores = ranker.scores([e.text for e in examples], [cue_flags(e.text)[0] for e in examples])
    labels = [e.label for e in examples]
    return {
        "average precision": model_training.average_precision(scores, labels),
        "F1 at the article cut-off": model_training.f1_at(scores, labels, ranker.cutoff("article")),
    }


def _print_held_out(folder: Path, ranker: Ranker) -> dict[str, float]:
    from workbench.text import model_training

    figures = model_training.held_out_figures(
        folder, lambda text: ranker.score(text, cue_flags(text)[0]), ranker.cutoff("article")
    )
    print("Held-out figures (never trained on):")
    for name, value in figures.items():
        print(f"  {name:<28} {value:.3f}")
    return figures


def cmd_model_list(args: argparse.Namespace) -> None:
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
    emit(args, {"in_use": label, "models": data}, "\n".join([f"In use: {label}", *lines]))


def cmd_model_activate(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        row = model_registry.activate_model(
            session, users.builtin_user(session, users.CLI_USER), args.model_id
        )
        result = {"id": row.id, "active": row.active}
    emit(args, result, f"Model #{result['id']} is in use.")


def register(
    groups: Any, claim: Any, json_flag: argparse.ArgumentParser, record_id: Any, count: Any
) -> None:
    """Add the ``model`` group and ``claims suggest`` to the parsers ``cli`` built."""
    suggest = claim.add_parser(
        "suggest",
        parents=[json_flag],
        help="check-worthy sentences of an article, best first",
        epilog="example: workbench claims suggest 12 --all --min-score 0.2 --json",
    )
    suggest.add_argument("article_id", type=record_id)
    suggest.add_argument("--limit", type=count)
    suggest.add_argument(
        "--all",
        action="store_true",
        help="every sentence with its score and reasons, not only suggested",
    )
    suggest.add_argument("--min-score", type=_score, help="only sentences scoring at least this")
    suggest.add_argument(
        "--genre",
        choices=GENRES,
        help="article or transcript (guessed from speaker turns if omitted)",
    )
    suggest.set_defaults(handler=cmd_claims_suggest)

    model = groups.add_parser("model", help="the check-worthiness model").add_subparsers(
        dest="command", required=True
    )
    train = model.add_parser(
        "train",
        help="retrain the check-worthiness model",
        epilog="example: workbench model train --include-decisions",
    )
    train.add_argument(
        "--include-decisions",
        action="store_true",
        help="also learn from this newsroom's accepted and dismissed "
        "suggestions; store the model in the database",
    )
    train.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="folder holding checkworthiness/ (default: %(default)s)",
    )
    train.add_argument("--output", help="write the artefact here instead of the package")
    train.set_defaults(handler=cmd_model_train)
    model.add_parser(
        "list", parents=[json_flag], help="stored models and the one in use"
    ).set_defaults(handler=cmd_model_list)
    activate = model.add_parser(
        "activate", parents=[json_flag], help="put a stored model in use (roll back)"
    )
    activate.add_argument("model_id", type=record_id)
    activate.set_defaults(handler=cmd_model_activate)


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"A score is a number from 0 to 1, not {text!r}.")
    return value

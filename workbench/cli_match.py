"""``workbench claims match``: "was this checked before?" from the command line, and
``workbench claims embed``, which stores the sentence vectors its optional semantic
re-rank compares (``workbench.embeddings``).

The same look-up as the Annotate page's "Seen before?" (:func:`workbench.matching.seen_before`),
so what the command says is what a reviewer sees (``shown``). One text, or a whole file of
``id<TAB>text`` lines in one process (one database connection, no start-up per query),
printed as one JSON object per line for batch work and checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

from workbench import db, embeddings, matching
from workbench.cli_command import Checked, command
from workbench.cli_output import emit, json_option, progress
from workbench.errors import InvalidInput, WorkflowError


def match_json(match: matching.Match) -> dict[str, Any]:
    """One match in the command's JSON contract; ``rated`` and ``review_url`` are set for
    another fact-checker's review (a ClaimReview import), empty for the desk's claims;
    ``semantic`` is there only when the semantic re-rank is on."""
    return {
        "claim_id": match.claim_id,
        "statement": match.statement,
        "context": match.context,
        "score": match.score,
        "tier": match.tier.value,
        "shown": match.shown,
        "rating": match.rating_label,
        "rated": match.rated(),
        "review_url": match.review_url,
        # With the semantic re-rank on: the cosine of the sentence vectors.
        **({} if match.semantic is None else {"semantic": match.semantic}),
    }


def _describe(match: matching.Match) -> str:
    """One match for people: its tier and score, then what it was rated and when (another
    fact-checker's review says who rated it), the link, and the statement."""
    tier = "same claim" if match.tier is matching.Tier.same else "possibly checked before"
    verdict = match.rating_label or match.state.replace("_", " ")
    said = match.rated() or f"{verdict}, {match.checked_on}"
    link = match.review_url or match.url
    where = f" {link}" if link else ""
    return (
        f"{'*' if match.shown else ' '} #{match.claim_id} [{tier}, {match.score:.0f}%] "
        f"{said}{where}\n    {match.statement}"
    )


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``(id, text)`` of every line of a queries file; raises :class:`InvalidInput` naming
    every bad line (no tab, an empty id or text) before anything is looked up."""
    queries, bad = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"Cannot read {path.name}: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        query_id, tab, text = line.partition("\t")
        if not tab or not query_id.strip() or not text.strip():
            bad.append(number)
        else:
            queries.append((query_id.strip(), text))
    if bad:
        shown = ", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else "")
        raise InvalidInput(
            f"{path.name}: {len(bad)} lines are not “id<TAB>text”: "
            f"line {shown}. Nothing was matched."
        )
    return queries


def _match_file(session: Session, path: Path, limit: int) -> None:
    """One JSON line per query; a query too short to match gets its reason, not a stop."""
    for query_id, text in read_queries(path):
        try:
            found = [match_json(m) for m in matching.seen_before(session, text, limit=limit)]
            line: dict[str, Any] = {"query": query_id, "matches": found}
        except InvalidInput as error:
            line = {"query": query_id, "matches": [], "error": str(error)}
        print(json.dumps(line, ensure_ascii=False))


def _limit(text: str) -> int:
    number = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= number <= 30:
        raise InvalidInput(f"The limit must be a whole number from 1 to 30, not {text!r}.")
    return number


@command("match", epilog='Example: workbench claims match "The EU pledged $6.2 billion" --json')
@click.argument("text", required=False, help="The claim or post to look up.")
@click.option(
    "--queries",
    metavar="FILE.tsv",
    help="A file of id<TAB>text lines instead; prints one JSON object per line.",
)
@click.option(
    "--limit",
    type=Checked("1-30", _limit),
    default=5,
    show_default=True,
    help="Matches per query.",
)
@json_option
def match(text: str | None, queries: str | None, limit: int) -> None:
    """Earlier claims a text repeats (seen before?). The matches the Annotate page shows:
    "same claim" or "possibly checked before"."""
    if (text is None) == (queries is None):
        raise InvalidInput("Give a text to match, or --queries FILE.tsv, not both.")
    notice = embeddings.problem()
    if notice:
        click.echo(f"warning: {notice}", err=True)
    with db.read_session() as session:
        if queries is not None:
            _match_file(session, Path(queries), limit)
            return
        assert text is not None  # refused above when neither was given
        found = matching.seen_before(session, text, limit=limit)
        human = "\n".join(map(_describe, found)) or "No earlier claim looks like this one."
        emit(
            {"query": text, "matches": [match_json(m) for m in found]},
            human + ("\n(* = shown on the Annotate page)" if found else ""),
        )


@command("embed", epilog="Example: workbench claims embed --json")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Encode every claim again, not only those without a vector of the configured model.",
)
@json_option
def embed(everything: bool) -> None:
    """Store sentence vectors of claims that have none, for the semantic re-rank of "seen
    before?" (needs WORKBENCH_EMBEDDING_MODEL). Claims saved while no model was configured
    get theirs here; new and edited claims get one when they are saved.

    \f
    Encoding runs outside any transaction; each batch is written in a short one
    (``embeddings.backfill``)."""
    model = embeddings.encoder()
    if model is None:
        raise WorkflowError(
            embeddings.problem()
            or "Set WORKBENCH_EMBEDDING_MODEL to a model directory first (README: "
            "Semantic re-rank)."
        )
    with progress("Encoding claims", unit="claims") as step:
        stored = embeddings.backfill(model, everything=everything, on_progress=step)
    emit(
        {"stored": stored, "model": model.name},
        f"Stored {stored:,} claim vectors ({model.name}).",
    )

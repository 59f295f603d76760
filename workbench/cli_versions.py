"""``workbench article update``, ``workbench claims add`` and ``workbench claims place``:
new versions of an article and claims on exact spans, for batch work and scripted checks.

Offsets are code points of the stored body (``workbench article show ID --json`` prints it),
the unit every claim's ``start``/``end`` uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbench import article_versions, claims, db, users, web_articles
from workbench.cli_command import RECORD_ID, Checked, command
from workbench.cli_output import emit, json_option
from workbench.errors import InvalidInput, WorkbenchError
from workbench.models import stored_id
from workbench.text.extract import (
    MAX_ARTICLE_CHARS,
    ArticleInputError,
    ExtractedArticle,
    extract_upload,
)


def read_article_file(name: str) -> ExtractedArticle:
    """The text of a .txt, .md, .html or .docx file, or a refusal that names the problem."""
    path = Path(name)
    try:
        return extract_upload(path.name, path.read_bytes())
    except OSError as error:
        raise WorkbenchError(f"Cannot read {path}: {error.strerror}.") from error
    except ArticleInputError as error:
        raise WorkbenchError(str(error)) from error


def stored_version_json(stored: article_versions.StoredVersion) -> dict[str, Any]:
    return {
        "article_id": stored.article_id,
        "version": stored.version,
        "claims": [
            {"claim_id": c.claim_id, "state": c.state, "start": c.start, "end": c.end}
            for c in stored.claims
        ],
    }


def stored_version_text(stored: article_versions.StoredVersion) -> str:
    counts = {
        state: sum(c.state == state for c in stored.claims)
        for state in ("moved", "needs_review", "unplaced")
    }
    return (
        f"Article #{stored.article_id} is now at version {stored.version}: "
        f"{counts['moved']} claims moved, {counts['needs_review']} need review, "
        f"{counts['unplaced']} unplaced."
    )


def _offset(text: str) -> int:
    """A code-point offset: a whole number within an article's largest size."""
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ARTICLE_CHARS:
        raise InvalidInput(
            f"An offset must be a whole number from 0 to {MAX_ARTICLE_CHARS:,}, not {text!r}."
        )
    return int(text)


OFFSET = Checked("OFFSET", _offset)


@command(
    "update",
    epilog="Example: workbench article update 12 corrected.html --reason 'Figure corrected'",
)
@click.argument("article_id", type=RECORD_ID, help="The article's id.")
@click.argument("file", help="The new text: a .txt, .md, .html or .docx file.")
@click.option("--reason", default="", help="Why the article changed.")
@click.option(
    "--expected-version",
    type=RECORD_ID,
    help="Refuse if the article is no longer at this version (what a script read).",
)
@json_option
def article_update(article_id: int, file: str, reason: str, expected_version: int | None) -> None:
    """Store a new version of an article from a file. Its claims are re-anchored: moved,
    needing review, or unplaced."""
    extracted = read_article_file(file)
    with db.write_session() as session:
        stored = article_versions.add_version(
            session,
            users.builtin_user(session, users.CLI_USER),
            article_id,
            extracted.body,
            reason=reason,
            expected_version=expected_version,
        )
    emit(stored_version_json(stored), stored_version_text(stored))


def add_from_url(url: str, *, allow_duplicate: bool) -> None:
    """``workbench article add --url-fetch URL``: fetch (no database session open while the
    site answers), then store the article with where and when it was fetched."""
    page = web_articles.fetch_article(url)
    with db.write_session() as session:
        article = web_articles.add_fetched_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            page,
            allow_duplicate=allow_duplicate,
        )
        result = {
            "id": article.id,
            "title": article.title,
            "url": page.url,
            "fetched_at": page.fetched_at,
            "sha256": page.sha256,
        }
    emit(result, str(result["id"]))


@command(
    "add", epilog="Example: workbench claims add 12 --start 410 --end 441 --claimant Kallas --json"
)
@click.argument("article_id", type=RECORD_ID, help="The article's id.")
@click.option(
    "--start",
    type=OFFSET,
    required=True,
    help="The first code point of the span in the stored body (`article show ID --json`).",
)
@click.option("--end", type=OFFSET, required=True, help="The code point after the span.")
@click.option("--statement", default="", help="The claim in the reviewer's words.")
@click.option("--claimant", default="", help="Who made the claim.")
@json_option
def claims_add(article_id: int, start: int, end: int, statement: str, claimant: str) -> None:
    """Make a claim of a span of an article; prints its id."""
    with db.write_session() as session:
        claim = claims.create_claim(
            session,
            users.builtin_user(session, users.CLI_USER),
            claims.ClaimDraft(
                article_id=article_id,
                start=start,
                end=end,
                statement=statement,
                claimant=claimant,
            ),
        )
        result = {"id": claim.id}
    emit(result, str(result["id"]))


@command("place", epilog="Example: workbench claims place 31 --start 5 --end 40")
@click.argument("claim_id", type=RECORD_ID, help="The claim's id.")
@click.option("--start", type=OFFSET, help="A span of your own instead of the proposed one.")
@click.option("--end", type=OFFSET, help="The code point after your own span.")
@json_option
def claims_place(claim_id: int, start: int | None, end: int | None) -> None:
    """Confirm where a claim stands in its article's current version. The proposed span, or
    one of your own."""
    with db.write_session() as session:
        claim = claims.get_claim(session, claim_id)
        claim = article_versions.confirm_anchor(
            session,
            users.builtin_user(session, users.CLI_USER),
            stored_id(claim),
            claim.version,
            start,
            end,
        )
        result = {
            "id": claim.id,
            "start": claim.start,
            "end": claim.end,
            "quote": claim.quote,
            "article_version": claim.article_version,
        }
    emit(result, f"Claim #{result['id']} placed at {result['start']}–{result['end']}.")


#: ``article`` commands beside ``add`` and ``show`` (which ``cli`` defines).
ARTICLE_COMMANDS = [article_update]
#: ``claims`` commands beside ``list`` (which ``cli`` defines).
CLAIM_COMMANDS = [claims_add, claims_place]

"""``workbench article update``, ``workbench claims add`` and ``workbench claims place``:
new versions of an article and claims on exact spans, for batch work and scripted checks.

Offsets are code points of the stored body (``workbench article show ID --json`` prints it),
the unit every claim's ``start``/``end`` uses.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench import article_versions, claims, db, users, web_articles
from workbench.cli_output import emit
from workbench.errors import WorkbenchError
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


def cmd_article_update(args: argparse.Namespace) -> None:
    extracted = read_article_file(args.file)
    with db.write_session() as session:
        stored = article_versions.add_version(
            session,
            users.builtin_user(session, users.CLI_USER),
            args.article_id,
            extracted.body,
            reason=args.reason,
            expected_version=args.expected_version,
        )
    emit(args, stored_version_json(stored), stored_version_text(stored))


def cmd_article_add_from_url(args: argparse.Namespace) -> None:
    """``workbench article add --url-fetch URL``: fetch (no database session open while the
    site answers), then store the article with where and when it was fetched."""
    page = web_articles.fetch_article(args.url_fetch)
    with db.write_session() as session:
        article = web_articles.add_fetched_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            page,
            allow_duplicate=args.allow_duplicate,
        )
        result = {
            "id": article.id,
            "title": article.title,
            "url": page.url,
            "fetched_at": page.fetched_at,
            "sha256": page.sha256,
        }
    emit(args, result, str(result["id"]))


def cmd_claims_add(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        claim = claims.create_claim(
            session,
            users.builtin_user(session, users.CLI_USER),
            claims.ClaimDraft(
                article_id=args.article_id,
                start=args.start,
                end=args.end,
                statement=args.statement,
                claimant=args.claimant,
            ),
        )
        result = {"id": claim.id}
    emit(args, result, str(result["id"]))


def cmd_claims_place(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        claim = claims.get_claim(session, args.claim_id)
        claim = article_versions.confirm_anchor(
            session,
            users.builtin_user(session, users.CLI_USER),
            stored_id(claim),
            claim.version,
            args.start,
            args.end,
        )
        result = {
            "id": claim.id,
            "start": claim.start,
            "end": claim.end,
            "quote": claim.quote,
            "article_version": claim.article_version,
        }
    emit(args, result, f"Claim #{result['id']} placed at {result['start']}–{result['end']}.")


def offset(text: str) -> int:
    """An argparse ``type=`` for a code-point offset: a whole number within an article's
    largest size, refused with exit status 2 otherwise."""
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ARTICLE_CHARS:
        raise argparse.ArgumentTypeError(
            f"An offset must be a whole number from 0 to {MAX_ARTICLE_CHARS:,}, not {text!r}."
        )
    return int(text)


def register(article: Any, claim: Any, json_flag: argparse.ArgumentParser, record_id: Any) -> None:
    """Add the commands to the ``article`` and ``claims`` groups that ``cli`` built."""
    update = article.add_parser(
        "update",
        parents=[json_flag],
        help="store a new version of an article from a file and re-anchor its claims",
        epilog="example: workbench article update 12 corrected.html --reason 'Figure "
        "corrected' --json",
    )
    update.add_argument("article_id", type=record_id)
    update.add_argument("file", help="the new text: .txt, .md, .html or .docx")
    update.add_argument("--reason", default="", help="why the article changed")
    update.add_argument(
        "--expected-version",
        type=record_id,
        help="refuse if the article is no longer at this version",
    )
    update.set_defaults(handler=cmd_article_update)

    add = claim.add_parser(
        "add",
        parents=[json_flag],
        help="make a claim of a span of an article",
        epilog="example: workbench claims add 12 --start 410 --end 441 --claimant Kallas --json",
    )
    add.add_argument("article_id", type=record_id)
    add.add_argument(
        "--start",
        type=offset,
        required=True,
        help="first code point of the span in the stored body",
    )
    add.add_argument("--end", type=offset, required=True, help="code point after the span")
    add.add_argument("--statement", default="", help="the claim in the reviewer's words")
    add.add_argument("--claimant", default="", help="who made the claim")
    add.set_defaults(handler=cmd_claims_add)

    place = claim.add_parser(
        "place",
        parents=[json_flag],
        help="confirm where a claim stands in its article's current version",
        epilog="example: workbench claims place 31 (the proposed span), or --start 5 --end 40",
    )
    place.add_argument("claim_id", type=record_id)
    place.add_argument(
        "--start", type=offset, help="a span of your own instead of the proposed one"
    )
    place.add_argument("--end", type=offset)
    place.set_defaults(handler=cmd_claims_place)

"""``workbench assign article|claim ID --to NAME`` (or ``--none``): give work to a reviewer
from the shell, under the same rules as the app (``workbench.assignments``).

The command reads and writes in one transaction, so it assigns what is stored when it
runs: ``--expected-version`` (claims) refuses the change when the claim moved on since a
script read it.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import Session

from workbench import assignments, claims, db, users
from workbench.articles import get_article
from workbench.cli_output import emit
from workbench.models import Article, User


def _target(session: Session, args: argparse.Namespace) -> User | None:
    """The account ``--to`` names, or None for ``--none``."""
    return None if args.none else assignments.assignee_named(session, args.to)


def _said(name: str | None) -> str:
    return name if name is not None else "nobody"


def cmd_assign_article(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        stored: Article = get_article(session, args.id)
        target = _target(session, args)
        assignments.assign_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            args.id,
            target.id if target else None,
            expected_assignee_id=stored.assignee_id,
        )
        result = {"article_id": args.id, "assignee": target.name if target else None}
    emit(
        args,
        result,
        f"Article #{args.id} is now with {_said(result['assignee'])}; its open "
        "claims that were with the previous assignee or nobody went too.",
    )


def cmd_assign_claim(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        claim = claims.get_claim(session, args.id)
        target = _target(session, args)
        saved = assignments.assign_claim(
            session,
            users.builtin_user(session, users.CLI_USER),
            args.id,
            args.expected_version or claim.version,
            target.id if target else None,
        )
        result = {
            "claim_id": args.id,
            "assignee": target.name if target else None,
            "version": saved.version,
        }
    emit(
        args,
        result,
        f"Claim #{args.id} is now with {_said(result['assignee'])} (version {result['version']}).",
    )


def register(groups: Any, json_flag: argparse.ArgumentParser, record_id: Any) -> None:
    assign = groups.add_parser(
        "assign", help="give articles and claims to reviewers"
    ).add_subparsers(dest="command", required=True)
    for kind, handler, example in (
        ("article", cmd_assign_article, "workbench assign article 3 --to rita"),
        ("claim", cmd_assign_claim, "workbench assign claim 12 --none --json"),
    ):
        command = assign.add_parser(
            kind,
            parents=[json_flag],
            epilog=f"example: {example}",
            help=f"give a {kind} to a reviewer or editor, or to nobody",
        )
        command.add_argument("id", type=record_id)
        who = command.add_mutually_exclusive_group(required=True)
        who.add_argument("--to", metavar="NAME", help="the account's user name")
        who.add_argument("--none", action="store_true", help="assign it to nobody")
        if kind == "claim":
            command.add_argument(
                "--expected-version",
                type=record_id,
                help="refuse if the claim is no longer at this version",
            )
        command.set_defaults(handler=handler)

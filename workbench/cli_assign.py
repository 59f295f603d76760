"""``workbench assign article|claim ID --to NAME`` (or ``--none``): give work to a reviewer
from the shell, under the same rules as the app (``workbench.assignments``).

The command reads and writes in one transaction, so it assigns what is stored when it
runs: ``--expected-version`` (claims) refuses the change when the claim moved on since a
script read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlmodel import Session

from workbench import assignments, claims, db, users
from workbench.articles import get_article
from workbench.cli_command import RECORD_ID, Group
from workbench.cli_output import emit, json_option
from workbench.models import Article, User

assign_group = Group(
    "assign",
    help="Give articles and claims to reviewers, or to nobody.",
    epilog="Example: workbench assign article 3 --to rita",
)
F = TypeVar("F", bound=Callable[..., Any])


def _who(command: F) -> F:
    """``--to NAME`` or ``--none``: the command's ``one_of`` takes exactly one."""
    command = click.option("--none", "nobody", is_flag=True, help="Assign it to nobody.")(command)
    return click.option("--to", metavar="NAME", help="The account's user name.")(command)


def _target(session: Session, to: str | None) -> User | None:
    """The account ``--to`` names, or None for ``--none``."""
    return None if to is None else assignments.assignee_named(session, to)


def _said(name: str | None) -> str:
    return name if name is not None else "nobody"


@assign_group.command(
    "article", one_of=("to", "nobody"), epilog="Example: workbench assign article 3 --to rita"
)
@click.argument("article_id", metavar="ID", type=RECORD_ID, help="The article's id.")
@_who
@json_option
def assign_article(article_id: int, to: str | None, nobody: bool) -> None:
    """Give an article to a reviewer or editor, or to nobody. Its open claims that were with
    the previous assignee or nobody go too."""
    with db.write_session() as session:
        stored: Article = get_article(session, article_id)
        target = _target(session, to)
        assignments.assign_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            article_id,
            target.id if target else None,
            expected_assignee_id=stored.assignee_id,
        )
        assignee = target.name if target else None
        result = {"article_id": article_id, "assignee": assignee}
    emit(
        result,
        f"Article #{article_id} is now with {_said(assignee)}; its open "
        "claims that were with the previous assignee or nobody went too.",
    )


@assign_group.command(
    "claim", one_of=("to", "nobody"), epilog="Example: workbench assign claim 12 --none --json"
)
@click.argument("claim_id", metavar="ID", type=RECORD_ID, help="The claim's id.")
@_who
@click.option(
    "--expected-version",
    type=RECORD_ID,
    help="Refuse if the claim is no longer at this version (what a script read).",
)
@json_option
def assign_claim(claim_id: int, to: str | None, nobody: bool, expected_version: int | None) -> None:
    """Give a claim to a reviewer or editor, or to nobody."""
    with db.write_session() as session:
        claim = claims.get_claim(session, claim_id)
        target = _target(session, to)
        saved = assignments.assign_claim(
            session,
            users.builtin_user(session, users.CLI_USER),
            claim_id,
            expected_version or claim.version,
            target.id if target else None,
        )
        assignee = target.name if target else None
        result = {"claim_id": claim_id, "assignee": assignee, "version": saved.version}
    emit(
        result,
        f"Claim #{claim_id} is now with {_said(assignee)} (version {saved.version}).",
    )

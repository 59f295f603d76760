"""The ``workbench`` command: admin and batch work over the same services as the app.

Built on click: this module holds the root of the command tree, the core commands (``db
upgrade``, ``user add``, ``article add|show``, ``claims list``, ``demo``, ``serve``) and puts
the groups of the ``cli_<topic>`` modules together; :mod:`workbench.cli_command` says how a
command runs and ends, :mod:`workbench.cli_output` how it prints. Human-readable output by
default; ``--json`` for scripts. Exit status 0 when done, 1 when refused (a domain error, a
busy or full database: one ``error:`` line), 2 for a usage error (before the database is
opened).

Logs go to stderr as JSON lines (:mod:`workbench.logs`): warnings only, or from INFO
(every write, with its actor and ids) with ``workbench --verbose COMMAND``. Standard
output carries the command's result alone either way.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

import workbench
from workbench import (
    articles,
    claims,
    cli_admin,
    cli_assign,
    cli_dashboard,
    cli_match,
    cli_model,
    cli_reports,
    cli_search,
    cli_sources,
    cli_versions,
    db,
    logs,
    users,
)
from workbench.cli_command import (
    DAY,
    LIMIT,
    RECORD_ID,
    REFUSED,
    USAGE,
    Group,
    command,
)
from workbench.cli_output import emit, json_option
from workbench.models import Claim, stored_id
from workbench.sample import load_sample

EXIT_STATUS = """Exit status:
  0  done
  1  refused: a rule turned the input down, or the database was busy or
     full (one "error: …" line on stderr; nothing was saved)
  2  usage: an unknown command or option, or a malformed argument such
     as an id or a date (refused before the database is opened)"""


@click.group(
    "workbench",
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=f"{EXIT_STATUS}\n\nExample: workbench --verbose claims list --article 12 --json",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log every write (INFO) as JSON lines on stderr; put it before the command.",
)
@click.version_option(
    workbench.__version__,
    "--version",
    prog_name="workbench",
    message="%(prog)s %(version)s",
    help="Print the installed version and exit.",
)
def root(verbose: bool) -> None:
    """The claim workbench's command line: admin and batch work over the same services as
    the app. Human-readable output by default; --json after a command prints JSON instead.
    """
    logs.configure(logging.INFO if verbose else logging.WARNING)


def claim_json(session: Session, claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "statement": claim.statement,
        "claimant": claim.claimant,
        "claim_date": claim.claim_date,
        "type": claim.claim_type,
        "tags": claims.claim_tags(session, stored_id(claim)),
        "state": claim.state,
        "anchor_status": claim.anchor_status,
        "version": claim.version,
    }


@command("upgrade", check_schema=False, epilog="Example: workbench db upgrade")
@json_option
def db_upgrade() -> None:
    """Create the database, or migrate it to the newest revision. No other command
    migrates: back up first with `workbench db backup`."""
    db.upgrade()
    emit({"status": "ok"}, "Database is up to date.")


@command("add", epilog="Example: workbench user add anna --role admin")
@click.argument("name", help="The account's user name (what they type to sign in).")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["reviewer", "editor", "admin"]),
    help="What the account may do.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (else asked twice).",
)
@json_option
def user_add(name: str, role: str, password_stdin: bool) -> None:
    """Add an account."""
    password = cli_admin.read_password(password_stdin)
    with db.write_session() as session:
        user = users.add_user(
            session,
            users.builtin_user(session, users.CLI_USER),
            name=name,
            role=role,
            password=password,
        )
        result = {"id": user.id, "name": user.name, "role": user.role}
    emit(result, f"Added {result['role']} {result['name']} (#{result['id']}).")


@command(
    "add",
    one_of=("file", "url_fetch"),
    epilog='Example: workbench article add story.html --outlet "Wire" --published 2025-03-06',
)
@click.argument(
    "file", required=False, help="The article: a .txt, .md, .html or .docx file (or --url-fetch)."
)
@click.option(
    "--url-fetch",
    metavar="URL",
    help="Fetch the article from its web address instead of a file (public addresses only).",
)
@click.option("--title", default="", help="The title (default: the file's, or its first line).")
@click.option("--url", default="", help="The article's web address, kept with it.")
@click.option("--outlet", default="", help="The outlet that published it.")
@click.option("--author", default="", help="Who wrote it.")
@click.option("--published", type=DAY, help="The day it was published.")
@click.option("--language", default="en", show_default=True, help="Its language code.")
@click.option(
    "--allow-duplicate", is_flag=True, help="Add it even if the same text is already stored."
)
@json_option
def article_add(
    file: str | None,
    url_fetch: str | None,
    title: str,
    url: str,
    outlet: str,
    author: str,
    published: date | None,
    language: str,
    allow_duplicate: bool,
) -> None:
    """Add an article from a file or its web address; prints its id."""
    if url_fetch is not None:
        cli_versions.add_from_url(url_fetch, allow_duplicate=allow_duplicate)
        return
    assert file is not None  # one_of: FILE or --url-fetch
    extracted = cli_versions.read_article_file(file)
    draft = articles.ArticleDraft(
        title=title or extracted.title or "",
        body=extracted.body,
        outlet=outlet,
        url=url,
        author=author,
        language=language,
        published=published,
    )
    with db.write_session() as session:
        article = articles.add_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            draft,
            allow_duplicate=allow_duplicate,
        )
        result = {"id": article.id, "title": article.title}
    emit(result, str(result["id"]))


@command("show", epilog="Example: workbench article show 12 --json")
@click.argument("article_id", metavar="ID", type=RECORD_ID, help="The article's id.")
@json_option
def article_show(article_id: int) -> None:
    """Show one article: title, outlet, address and the stored text."""
    with db.read_session() as session:
        article = articles.get_article(session, article_id)
        data = article.model_dump(exclude={"body_hash"})
    emit(data, f"#{data['id']} {data['title']}\n{data['outlet']} {data['url']}\n\n{data['body']}")


@command("list", epilog="Example: workbench claims list --article 12 --json")
@click.option("--article", type=RECORD_ID, help="Only this article's claims, in text order.")
@click.option(
    "--limit", type=LIMIT, default=1000, show_default=True, help="At most this many claims."
)
@json_option
def claims_list(article: int | None, limit: int) -> None:
    """List claims, by id: state and statement (--json: every field)."""
    with db.read_session() as session:
        if article is not None:
            articles.get_article(session, article)
            rows = claims.claims_for_article(session, article)
        else:
            rows = claims.list_all_claims(session, limit=limit)
        data = [claim_json(session, claim) for claim in rows]
    human = "\n".join(f"#{c['id']} [{c['state']}] {c['statement']}" for c in data)
    emit(data, human or "No claims.")


@command(
    "serve",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    epilog="Example: workbench serve --server.port 8502 --server.address 0.0.0.0",
)
@click.argument(
    "streamlit_options",
    nargs=-1,
    type=click.UNPROCESSED,
    metavar="[STREAMLIT OPTIONS]...",
    help="Passed to Streamlit as they are (see `streamlit run --help`).",
)
def serve(streamlit_options: tuple[str, ...]) -> None:
    """Serve the app with its sign-in routes on http://localhost:8501.

    \f
    Becomes ``streamlit run workbench/ui/web.py [OPTIONS]``: Streamlit's own command reads
    the options, ``STREAMLIT_*`` variables and config files as documented, and finds the
    ``st.App`` (the app with the sign-in routes) in that file. ``exec`` rather than a child
    process, so a service manager's stop signal reaches the server itself.
    """
    launcher = Path(__file__).parent / "ui" / "web.py"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(
        sys.executable,
        [sys.executable, "-m", "streamlit", "run", str(launcher), *streamlit_options],
    )


@command("demo", epilog="Example: workbench demo --json")
@json_option
def demo() -> None:
    """Load the sample article (again: the stored one is reused)."""
    with db.write_session() as session:
        article = load_sample(session, users.builtin_user(session, users.CLI_USER))
        result = {"id": article.id, "title": article.title}
    emit(result, f"Sample article #{result['id']}: {result['title']}")


def _group(name: str, what: str, example: str, commands: list[click.Command]) -> Group:
    return Group(name, commands, help=what, epilog=f"Example: {example}")


for command_or_group in (
    _group(
        "db",
        "Create, migrate, back up, restore and copy the database.",
        "workbench db backup backups/desk.sqlite3",
        [db_upgrade, *cli_admin.DATABASE_COMMANDS],
    ),
    _group(
        "user",
        "Accounts: add, list, roles, deactivate, passwords, unlock.",
        "workbench user list",
        [user_add, *cli_admin.ACCOUNT_COMMANDS],
    ),
    _group(
        "article",
        "Articles: add, show, store a new version.",
        "workbench article show 12",
        [article_add, article_show, *cli_versions.ARTICLE_COMMANDS],
    ),
    _group(
        "claims",
        "Claims: list, add, place, suggest, match earlier ones.",
        "workbench claims list --json",
        [
            claims_list,
            *cli_versions.CLAIM_COMMANDS,
            cli_match.match,
            cli_match.embed,
            cli_model.suggest,
        ],
    ),
    cli_reports.export_group,
    cli_reports.import_group,
    cli_dashboard.dashboard_group,
    cli_search.search_group,
    cli_model.model_group,
    cli_sources.sources_group,
    cli_assign.assign_group,
    demo,
    serve,
):
    root.add_command(command_or_group)


def _show_usage_error(error: click.UsageError) -> None:
    """The usage line, where to find help, and ``error: …``: one word for every refusal.
    A group named without a command shows its help instead."""
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        error.show()
        return
    if error.ctx is not None:
        print(error.ctx.get_usage(), file=sys.stderr)
        print(f"Try '{error.ctx.command_path} --help' for help.\n", file=sys.stderr)
    print(f"error: {error.format_message()}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run one command (``argv``, else the process's arguments); its exit status."""
    try:
        status = root.main(argv, prog_name="workbench", standalone_mode=False)
    except click.UsageError as error:
        _show_usage_error(error)
        return USAGE
    except click.Abort:  # Ctrl-C, or the end of input at a prompt
        print("Aborted.", file=sys.stderr)
        return REFUSED
    return int(status)


if __name__ == "__main__":
    sys.exit(main())

"""The ``workbench`` command: admin and batch work over the same services as the app.

Human-readable output by default; ``--json`` for scripts. Domain errors print
their message and exit with status 1; a malformed argument (an id such as ``²``)
prints its message and exits with status 2, before the database is opened.

Logs go to stderr as JSON lines (:mod:`workbench.logs`): warnings only, or from INFO
(every write, with its actor and ids) with ``workbench --verbose COMMAND``. Standard
output carries the command's result alone either way.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError
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
from workbench.cli_output import emit
from workbench.errors import InvalidInput, WorkbenchError
from workbench.models import Claim, stored_id
from workbench.sample import load_sample
from workbench.validation import parse_day, parse_id

Handler = Callable[[argparse.Namespace], Any]
log = logging.getLogger(__name__)

#: SQLite's and PostgreSQL's words for a failure the user can act on, and what to tell them.
#: Nothing else of the driver's message is printed: it carries SQL and parameters.
DATABASE_TROUBLE = {
    db.Trouble.BUSY: "the database is busy (an import may be running); try again",
    db.Trouble.FULL: "disk full — nothing was saved",
}


def _argument(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse ``type=`` from a rule of :mod:`workbench.validation`: what it refuses
    exits with its message and status 2, before the database is opened."""

    def check(text: str) -> Any:
        try:
            return parse(text)
        except InvalidInput as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check


#: The type of every id argument (here and in the modules that register commands): a whole
#: number from 1 to :data:`workbench.validation.MAX_ID`, so no query can overflow.
record_id = _argument(functools.partial(parse_id, field="An id"))
count = _argument(functools.partial(parse_id, field="A limit"))
#: A day written YYYY-MM-DD, under the rule the drafts use for their dates.
day = _argument(functools.partial(parse_day, field="The date"))


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


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    db.upgrade()
    emit(args, {"status": "ok"}, "Database is up to date.")


def cmd_user_add(args: argparse.Namespace) -> None:
    password = cli_admin.read_password(args)
    with db.write_session() as session:
        user = users.add_user(
            session,
            users.builtin_user(session, users.CLI_USER),
            name=args.name,
            role=args.role,
            password=password,
        )
        result = {"id": user.id, "name": user.name, "role": user.role}
    emit(args, result, f"Added {result['role']} {result['name']} (#{result['id']}).")


def cmd_article_add(args: argparse.Namespace) -> None:
    if args.url_fetch is not None:
        cli_versions.cmd_article_add_from_url(args)
        return
    extracted = cli_versions.read_article_file(args.file)
    draft = articles.ArticleDraft(
        title=args.title or extracted.title or "",
        body=extracted.body,
        outlet=args.outlet,
        url=args.url,
        author=args.author,
        language=args.language,
        published=args.published,
    )
    with db.write_session() as session:
        article = articles.add_article(
            session,
            users.builtin_user(session, users.CLI_USER),
            draft,
            allow_duplicate=args.allow_duplicate,
        )
        result = {"id": article.id, "title": article.title}
    emit(args, result, str(result["id"]))


def cmd_article_show(args: argparse.Namespace) -> None:
    with db.read_session() as session:
        article = articles.get_article(session, args.id)
        data = article.model_dump(exclude={"body_hash"})
    emit(
        args,
        data,
        f"#{data['id']} {data['title']}\n{data['outlet']} {data['url']}\n\n{data['body']}",
    )


def cmd_claims_list(args: argparse.Namespace) -> None:
    with db.read_session() as session:
        if args.article is not None:
            articles.get_article(session, args.article)
            rows = claims.claims_for_article(session, args.article)
        else:
            rows = claims.list_all_claims(session, limit=args.limit)
        data = [claim_json(session, claim) for claim in rows]
    human = "\n".join(f"#{c['id']} [{c['state']}] {c['statement']}" for c in data)
    emit(args, data, human or "No claims.")


def cmd_serve(args: argparse.Namespace) -> None:
    """Become ``streamlit run workbench/ui/web.py [OPTIONS]``: Streamlit's own command reads
    the options, ``STREAMLIT_*`` variables and config files as documented, and finds the
    ``st.App`` (the app with the sign-in routes) in that file. ``exec`` rather than a child
    process, so a service manager's stop signal reaches the server itself."""
    launcher = Path(__file__).parent / "ui" / "web.py"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(
        sys.executable,
        [sys.executable, "-m", "streamlit", "run", str(launcher), *args.streamlit_options],
    )


def cmd_demo(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        article = load_sample(session, users.builtin_user(session, users.CLI_USER))
        result = {"id": article.id, "title": article.title}
    emit(args, result, f"Sample article #{result['id']}: {result['title']}")


def build_parser() -> argparse.ArgumentParser:
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every write (INFO) as JSON lines on stderr",
    )
    parser.add_argument("--version", action="version", version=f"workbench {workbench.__version__}")
    groups = parser.add_subparsers(dest="group", required=True)

    database = groups.add_parser("db", help="database administration").add_subparsers(
        dest="command", required=True
    )
    database.add_parser(
        "upgrade", parents=[json_flag], help="create or migrate the database"
    ).set_defaults(handler=cmd_db_upgrade)

    user = groups.add_parser("user", help="accounts").add_subparsers(dest="command", required=True)
    add = user.add_parser("add", parents=[json_flag], help="add an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["reviewer", "editor", "admin"])
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    add.set_defaults(handler=cmd_user_add)

    article = groups.add_parser("article", help="articles").add_subparsers(
        dest="command", required=True
    )
    add = article.add_parser(
        "add", parents=[json_flag], help="add an article from a .txt, .md, .html or .docx file"
    )
    origin = add.add_mutually_exclusive_group(required=True)
    origin.add_argument("file", nargs="?", help="the article: .txt, .md, .html or .docx")
    origin.add_argument(
        "--url-fetch",
        metavar="URL",
        help="fetch the article from its web address instead of a file",
    )
    for flag in ("title", "url", "outlet", "author"):
        add.add_argument(f"--{flag}", default="")
    add.add_argument("--published", type=day, help="YYYY-MM-DD")
    add.add_argument("--language", default="en")
    add.add_argument(
        "--allow-duplicate", action="store_true", help="add even if the same text is already stored"
    )
    add.set_defaults(handler=cmd_article_add)
    show = article.add_parser("show", parents=[json_flag], help="show one article")
    show.add_argument("id", type=record_id)
    show.set_defaults(handler=cmd_article_show)

    claim = groups.add_parser("claims", help="claims").add_subparsers(dest="command", required=True)
    listing = claim.add_parser("list", parents=[json_flag], help="list claims")
    listing.add_argument("--article", type=record_id)
    listing.add_argument("--limit", type=count, default=1000)
    listing.set_defaults(handler=cmd_claims_list)

    groups.add_parser("demo", parents=[json_flag], help="load the sample article").set_defaults(
        handler=cmd_demo
    )
    groups.add_parser(
        "serve",
        help="serve the app on http://localhost:8501; Streamlit options follow, "
        "e.g. --server.port 8502 --server.address 0.0.0.0 (see `streamlit run --help`)",
    ).set_defaults(handler=cmd_serve)
    cli_reports.register(groups)
    cli_dashboard.register(groups)
    cli_search.register(groups)
    cli_versions.register(article, claim, json_flag, record_id)
    cli_match.register(claim, json_flag)
    cli_model.register(groups, claim, json_flag, record_id, count)
    cli_sources.register(groups, json_flag, record_id)
    cli_assign.register(groups, json_flag, record_id)
    cli_admin.register(database, user)
    return parser


def _command(args: argparse.Namespace) -> str:
    """The command as typed, without its arguments (``claims list``), for the log."""
    return " ".join(part for part in (args.group, getattr(args, "command", None)) if part)


def _log_database_trouble(args: argparse.Namespace, kind: db.Trouble | None) -> None:
    """The command that the database refused, as a log line a collector can match.

    Busy or full at INFO: the printed message already tells the person at the terminal and
    stays the only line unless ``--verbose``. Anything else at ERROR, without the exception:
    the traceback that follows on stderr carries SQL and parameters, which a log must not.
    """
    command = _command(args)
    context = {
        "command": command,
        "actor_name": users.CLI_USER,
        "trouble": kind.value if kind else "unexpected",
    }
    if kind is None:
        log.error("%s failed: unexpected database error", command, extra=context)
    else:
        log.info("%s refused: database %s", command, kind.value, extra=context)


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status, logged at INFO with the time it took."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.handler is not cmd_serve:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.streamlit_options = unknown
    logs.configure(logging.INFO if args.verbose else logging.WARNING)
    started, command = time.perf_counter(), _command(args)
    status = _run(args)
    log.info(
        "%s exited with status %d",
        command,
        status,
        extra={
            "command": command,
            "status": status,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return status


def _run(args: argparse.Namespace) -> int:
    """The command's exit status; a refusal is one ``error:`` line on stderr."""
    try:
        # `db` commands look at the revision themselves (upgrade, backup, restore); every
        # other command works on a database at the newest one, or on a new one it creates.
        if args.group != "db":
            db.ensure_schema()
        args.handler(args)
    except WorkbenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        kind = db.trouble(error)
        _log_database_trouble(args, kind)
        if kind is None:
            raise
        print(f"error: {DATABASE_TROUBLE[kind]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

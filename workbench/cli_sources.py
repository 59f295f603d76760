"""``workbench sources archive``: keep a copy of a source's page now (and ask the public
archive for one, where configured), as the Evidence tab's "Archive" button does."""

from __future__ import annotations

import argparse
from typing import Any

from workbench import db, source_archive, sources, users
from workbench.cli_output import emit


def cmd_archive(args: argparse.Namespace) -> None:
    with db.read_session() as session:
        url = sources.get_source(session, args.source_id).url
    copy = source_archive.take_copy(url)  # the network, with no database session open
    with db.write_session() as session:
        kept = source_archive.store_copy(
            session, users.builtin_user(session, users.CLI_USER), args.source_id, copy
        )
        result = {
            "source_id": args.source_id,
            "snapshot_id": kept.id,
            "status": kept.http_status,
            "sha256": kept.raw_sha256,
            "fetched_at": kept.fetched_at,
            "public_copy_url": kept.public_copy_url,
            "public_copy_problem": copy.public_copy_problem,
        }
    emit(
        args,
        result,
        f"Archived source #{args.source_id} (HTTP {result['status']}, "
        f"SHA-256 {result['sha256'][:12]}…). "
        + (
            f"Public copy: {result['public_copy_url']}"
            if result["public_copy_url"]
            else result["public_copy_problem"]
        ),
    )


def register(groups: Any, json_flag: argparse.ArgumentParser, record_id: Any) -> None:
    found = groups.add_parser("sources", help="sources cited as evidence").add_subparsers(
        dest="command", required=True
    )
    archive = found.add_parser(
        "archive",
        parents=[json_flag],
        help="fetch the source's page now and keep a copy (text, SHA-256, time, status)",
        epilog="example: workbench sources archive 7 --json",
    )
    archive.add_argument("source_id", type=record_id)
    archive.set_defaults(handler=cmd_archive)

"""``workbench sources archive``: keep a copy of a source's page now (and ask the public
archive for one, where configured), as the Evidence tab's "Archive" button does."""

from __future__ import annotations

from typing import Any

import click

from workbench import db, source_archive, sources, users
from workbench.cli_command import RECORD_ID, Group
from workbench.cli_output import emit, json_option

sources_group = Group(
    "sources",
    help="Sources cited as evidence.",
    epilog="Example: workbench sources archive 7",
)


@sources_group.command("archive", epilog="Example: workbench sources archive 7 --json")
@click.argument("source_id", metavar="ID", type=RECORD_ID, help="The source's id.")
@json_option
def archive(source_id: int) -> None:
    """Fetch the source's page now and keep a copy. Text, SHA-256, time and HTTP status are
    kept; the public archive is asked for one too, where configured."""
    with db.read_session() as session:
        url = sources.get_source(session, source_id).url
    copy = source_archive.take_copy(url)  # the network, with no database session open
    with db.write_session() as session:
        kept = source_archive.store_copy(
            session, users.builtin_user(session, users.CLI_USER), source_id, copy
        )
        result: dict[str, Any] = {
            "source_id": source_id,
            "snapshot_id": kept.id,
            "status": kept.http_status,
            "sha256": kept.raw_sha256,
            "fetched_at": kept.fetched_at,
            "public_copy_url": kept.public_copy_url,
            "public_copy_problem": copy.public_copy_problem,
        }
    emit(
        result,
        f"Archived source #{source_id} (HTTP {result['status']}, "
        f"SHA-256 {result['sha256'][:12]}…). "
        + (
            f"Public copy: {result['public_copy_url']}"
            if result["public_copy_url"]
            else result["public_copy_problem"]
        ),
    )

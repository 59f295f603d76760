"""``workbench search rebuild``: rewrite every claim's search document.

The services keep the documents current in every write. This is for documents written
some other way: the ones migration 0003 backfilled in plain text (no amount tokens, so
"$6.2 billion" does not find "6.2bn dollars" until rebuilt), rows changed with plain SQL,
or a restored backup.
"""

from __future__ import annotations

from workbench import db, search
from workbench.cli_command import Group
from workbench.cli_output import emit, json_option

search_group = Group(
    "search",
    help="The claim search index.",
    epilog="Example: workbench search rebuild",
)


@search_group.command("rebuild", epilog="Example: workbench search rebuild --json")
@json_option
def rebuild() -> None:
    """Rewrite every claim's search document. After migration 0003's plain backfill, plain
    SQL or a restored backup."""
    with db.write_session() as session:
        count = search.rebuild_index(session)
    emit({"documents": count}, f"Rewrote {count:,} claims' search documents.")

"""``workbench search rebuild``: rewrite every claim's search document.

The services keep the documents current in every write. This is for documents written
some other way: the ones migration 0003 backfilled in plain text (no amount tokens, so
"$6.2 billion" does not find "6.2bn dollars" until rebuilt), rows changed with plain SQL,
or a restored backup.
"""

from __future__ import annotations

import argparse
import json

from workbench import db, search


def cmd_rebuild(args: argparse.Namespace) -> None:
    with db.write_session() as session:
        count = search.rebuild_index(session)
    print(
        json.dumps({"documents": count})
        if args.json
        else f"Rewrote {count:,} claims' search documents."
    )


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    found = groups.add_parser("search", help="the claim search index").add_subparsers(
        dest="command", required=True
    )
    rebuild = found.add_parser(
        "rebuild", help="rewrite every claim's search document (e.g. after migration 0003)"
    )
    rebuild.add_argument("--json", action="store_true", help="JSON output")
    rebuild.set_defaults(handler=cmd_rebuild)

"""``workbench dashboard rebuild``: recount the dashboard's summary rows.

The services keep the summary exact in every write; this is for changes made behind
their back (plain SQL, a restored backup) and for checking: ``--check`` compares
without writing and exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import json

from workbench import db, summary


def cmd_rebuild(args: argparse.Namespace) -> None:
    if args.check:
        with db.read_session() as session:
            same = summary.stored(session) == summary.recount(session)
        print(
            json.dumps({"exact": same})
            if args.json
            else "The dashboard summary equals a full recount."
            if same
            else "The dashboard summary differs from a full recount: run without --check."
        )
        raise SystemExit(0 if same else 1)
    with db.write_session() as session:
        rows = summary.rebuild(session)
    with db.get_engine().connect() as connection:  # the planner must see the new rows
        connection.exec_driver_sql("ANALYZE dashboard_count")
        connection.commit()
    print(json.dumps({"rows": rows}) if args.json else f"Recounted {rows:,} summary rows.")


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dashboard = groups.add_parser("dashboard", help="dashboard figures").add_subparsers(
        dest="command", required=True
    )
    rebuild = dashboard.add_parser(
        "rebuild", help="recount the dashboard summary rows (e.g. workbench dashboard rebuild)"
    )
    rebuild.add_argument(
        "--check", action="store_true", help="compare with a full recount; write nothing"
    )
    rebuild.add_argument("--json", action="store_true", help="JSON output")
    rebuild.set_defaults(handler=cmd_rebuild)

"""``workbench dashboard rebuild``: recount the dashboard's summary rows.

The services keep the summary exact in every write; this is for changes made behind
their back (plain SQL, a restored backup) and for checking: ``--check`` compares
without writing and exits 1 on a difference.
"""

from __future__ import annotations

import click

from workbench import db, summary
from workbench.cli_command import Group
from workbench.cli_output import emit, json_option

dashboard_group = Group(
    "dashboard",
    help="The dashboard's figures.",
    epilog="Example: workbench dashboard rebuild --check",
)


@dashboard_group.command("rebuild", epilog="Example: workbench dashboard rebuild --check --json")
@click.option(
    "--check",
    is_flag=True,
    help="Compare with a full recount and write nothing; exit status 1 on a difference.",
)
@json_option
def rebuild(check: bool) -> None:
    """Recount the dashboard summary rows. For changes made with plain SQL or a restored
    backup; their planner statistics are refreshed too."""
    if check:
        with db.read_session() as session:
            same = summary.stored(session) == summary.recount(session)
        emit(
            {"exact": same},
            "The dashboard summary equals a full recount."
            if same
            else "The dashboard summary differs from a full recount: run without --check.",
        )
        raise SystemExit(0 if same else 1)
    with db.write_session() as session:
        rows = summary.rebuild(session)
    with db.get_engine().connect() as connection:  # the planner must see the new rows
        connection.exec_driver_sql("ANALYZE dashboard_count")
        connection.commit()
    emit({"rows": rows}, f"Recounted {rows:,} summary rows.")

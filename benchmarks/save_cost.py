"""What one claim save costs on the server, beside a bare write transaction in the same run.

    .venv/bin/python benchmarks/save_cost.py [--saves 200] [--claims N | --database FILE]

A save (``claims.update_claim`` in ``db.write_session``) validates, checks the version,
writes an audit event and keeps the dashboard summary in step (its claim's facts counted
before and after). The baseline is an UPDATE of the same claim in a write transaction
with nothing else. Printed: median ms of each and the ratio; SQLite in a temporary file,
empty but for the saved claim, or a desk of ``--claims`` claims built by ``generate.py``
(or a copy of ``--database``, a file it made): counting a claim's facts must not grow with
the archive.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui_latency import build_database  # noqa: E402

from workbench import claims, db, users  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--claims", type=int, default=0, help="claims in the desk (0: none)")
    parser.add_argument("--database", type=Path, help="a SQLite file generate.py made, copied")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "saves.sqlite3"
        if args.claims or args.database:
            url = build_database(target, args.claims, args.database)
        else:
            url = f"sqlite:///{target}"
            db.upgrade(url)
        engine = db.get_engine(url)
        with db.write_session(engine) as session:
            actor = users.builtin_user(session, users.CLI_USER)
            claim = claims.create_claim(
                session,
                actor,
                claims.ClaimDraft(
                    None, statement="The aid package is worth $6.2 billion", tags=["aid"]
                ),
            )
        version, service, bare = claim.version, [], []
        for i in range(args.saves):
            started = time.perf_counter()
            with db.write_session(engine) as session:
                version = claims.update_claim(
                    session, actor, claim.id, version, claimant=f"Minister {i}"
                ).version
            service.append(time.perf_counter() - started)
            started = time.perf_counter()
            with db.write_session(engine) as session:
                session.execute(
                    text("UPDATE claim SET claimant = :c WHERE id = :i"),
                    {"c": f"Minister {i}", "i": claim.id},
                )
            bare.append(time.perf_counter() - started)
        engine.dispose()
    ours, floor = statistics.median(service) * 1000, statistics.median(bare) * 1000
    print(f"{'claim save through the service':<34} {ours:7.1f} ms median")
    print(
        f"{'baseline: bare UPDATE transaction':<34} {floor:7.1f} ms median  "
        f"(save = {ours / floor:.1f}× baseline, {args.saves} each)"
    )


if __name__ == "__main__":
    main()

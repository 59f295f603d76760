"""What checking input through the pydantic drafts costs, beside the bare rules in the same run.

    .venv/bin/python benchmarks/draft_cost.py [--rounds 3]

Every service, the CSV importer and the CLI build ``workbench.drafts`` (decision 0009); the
importer builds one ``ClaimDraft`` and one ``RecordedVerdict`` per record, so an import of
100,000 rows builds 200,000 drafts. Measured on LIAR's training file (10,269 claims, from
``EVAL_DATA``): the baseline calls the same rules of ``workbench.validation`` on the same
cells directly (what the services and importer did before the drafts), the drafts build the
objects, and the whole check phase of an import (``check_import``, dry run, SQLite in a
temporary directory) puts both in proportion. Best of ``--rounds`` each, in µs per record.

Budget: a record's drafts cost at most 40 µs more than its bare rules (at 100,000 rows, 4 s
of a check phase that is several times longer); exits 1 when exceeded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench import db, users  # noqa: E402
from workbench.drafts import (  # noqa: E402
    MAX_CLAIMANT,
    MAX_RATIONALE,
    MAX_STATEMENT,
    ClaimDraft,
    RecordedVerdict,
    clean_tags,
)
from workbench.models import ClaimType  # noqa: E402
from workbench.reports.columns import split_multi  # noqa: E402
from workbench.reports.csv_import import check_import  # noqa: E402
from workbench.reports.csv_read import ReadOptions, read_records  # noqa: E402
from workbench.text.extract import MAX_ARTICLE_CHARS  # noqa: E402
from workbench.validation import choice, clean_line, clean_text, parse_day  # noqa: E402

LIAR = EVAL_DATA / "claims" / "liar" / "train.tsv"
OPTIONS = ReadOptions("\t", "none", False, "statement=2,claimant=4,rating=1,tags=3")
BUDGET_US = 40.0
Records = list[dict[str, str]]


def bare_rules(records: Records) -> None:
    """The rules alone, called on the cells as the services and the importer did."""
    for cells in records:
        clean_text("", field="Quote", max_length=MAX_ARTICLE_CHARS)
        clean_line(cells.get("statement"), field="Claim statement", max_length=MAX_STATEMENT)
        clean_line(cells.get("claimant"), field="Claimant", max_length=MAX_CLAIMANT)
        parse_day(cells.get("claim_date", ""), field="Claim date")
        choice(ClaimType, cells.get("type", "").strip() or ClaimType.other, field="Claim type")
        clean_tags(split_multi(cells.get("tags", "")))
        clean_text(cells.get("rationale", ""), field="Rationale", max_length=MAX_RATIONALE)


def drafts(records: Records) -> None:
    """The same cells through the drafts the importer builds."""
    for cells in records:
        ClaimDraft(
            None,
            quote="",
            statement=cells.get("statement", ""),
            claimant=cells.get("claimant", ""),
            claim_date=cells.get("claim_date", ""),
            claim_type=cells.get("type", "").strip() or ClaimType.other,
            tags=split_multi(cells.get("tags", "")),
        )
        RecordedVerdict(None, cells.get("rationale", ""))


def best_us(run: Callable[[], object], rounds: int, records: int) -> float:
    """Best time of ``rounds`` runs, in µs per record."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) / records * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not LIAR.exists():
        print(f"skipped: {LIAR} is missing (set WORKBENCH_EVAL_DATA)")
        return 0
    data = LIAR.read_bytes()
    records = [cells for _line, cells in read_records(data, OPTIONS).records]
    count = len(records)
    bare = best_us(lambda: bare_rules(records), args.rounds, count)
    typed = best_us(lambda: drafts(records), args.rounds, count)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/drafts.sqlite3"
        db.upgrade(url)
        engine = db.get_engine(url)
        with db.write_session(engine) as session:
            actor = users.builtin_user(session, users.CLI_USER)
        with db.read_session(engine) as session:
            check = best_us(
                lambda: check_import(session, actor, data, OPTIONS, dry_run=True),
                args.rounds,
                count,
            )
    extra = typed - bare
    print(
        f"LIAR train, {count:,} records, best of {args.rounds}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"  bare rules (baseline)   {bare:7.1f} µs/record")
    print(
        f"  drafts                  {typed:7.1f} µs/record  ({typed / bare:.2f}× the rules, "
        f"+{extra:.1f} µs)"
    )
    print(
        f"  whole check, dry run    {check:7.1f} µs/record  (drafts' extra: "
        f"{extra / check:.0%} of it)"
    )
    if extra > BUDGET_US:
        print(f"over budget: drafts add {extra:.1f} µs per record (budget {BUDGET_US:.0f})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

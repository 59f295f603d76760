"""Server time of one Annotate rerun (selecting a claim), against a one-button script.

    python benchmarks/annotate_rerun.py [--claims 40] [--reps 30]

Runs the real ``app.py`` in Streamlit's AppTest (no browser, no network: only the
script's own time on the server) on a throw-away SQLite desk in single-user mode: the
sample article with up to ``--claims`` claims accepted from its suggestions (it offers
10). Each rep clicks a claim in the Annotate page's claim list, going through the
claims, and times the rerun that follows (the article and panel fragments, as in the
browser); the baseline clicks the button of a one-button script the same way, in the
same process, before and after. Prints median and p95 of each, their ratio and the
load average; exits 1 when the median Annotate rerun exceeds the 300 ms click budget
(issue 9). It imports nothing the UI boundary added, so the same script times the code
before that change (run it from a checkout of the older commit).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from baseline_app import ONE_BUTTON_APP  # noqa: E402

BUDGET_S = 0.300


def build_desk(claims: int) -> tuple[int, list[int]]:
    """The sample article with ``claims`` claims from its suggestions, as the local user."""
    from workbench import db, users
    from workbench.sample import load_sample
    from workbench.workspace import accept_suggestion, load_workspace

    db.upgrade()
    with db.write_session() as session:
        local = users.builtin_user(session, users.LOCAL_USER)
        article = load_sample(session, local)
        suggestions = list(load_workspace(session, article.id).suggestions)[:claims]
        made = [accept_suggestion(session, local, article.id, s).id for s in suggestions]
    return article.id, made


def timed(
    click: Callable[[], object], reps: int, between: Callable[[], object] = lambda: None
) -> list[float]:
    """``click``'s time, ``reps`` times, with ``between`` (untimed) after each."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        click()
        times.append(time.perf_counter() - started)
        between()
    return times


def one_button(directory: Path, reps: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    script = directory / "one_button.py"
    script.write_text(ONE_BUTTON_APP)
    at = AppTest.from_file(str(script), default_timeout=60).run()
    timed(lambda: at.button(key="one").click().run(), 2)  # warm-up
    return timed(lambda: at.button(key="one").click().run(), reps)


def annotate(article_id: int, claim_ids: list[int], reps: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import open_listed_claim

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["article"] = str(article_id)
    at.run()
    at.switch_page("workbench/ui/pages/annotate.py")
    at.query_params["article"] = str(article_id)
    at.run()
    picks = iter(claim_ids * (reps + 2))

    def select() -> None:
        claim_id = next(picks)
        if any(c.proto.component_name == "wb_claim_buttons" for c in at.get("bidi_component")):
            open_listed_claim(at, claim_id)
        else:  # code from before the claim list was one component
            at.button(key=f"annotate_open_{claim_id}").click().run()
        if at.exception:
            raise SystemExit(f"the Annotate page failed: {at.exception}")

    # The click reruns the article and panel fragments only, and AppTest's tree then
    # holds just those: a full run (untimed) brings the claim list back for the next one.
    timed(select, 2, at.run)  # warm-up: caches, the article body sent once
    return timed(select, reps, at.run)


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["WORKBENCH_DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ.pop("WORKBENCH_ENVIRONMENT", None)
        article_id, claim_ids = build_desk(args.claims)
        baseline = one_button(Path(scratch), args.reps)
        annotated = annotate(article_id, claim_ids, args.reps)
        baseline += one_button(Path(scratch), args.reps)
    base_median, base_p95 = summary(baseline)
    median, p95 = summary(annotated)
    print(
        f"load average {os.getloadavg()[0]:.2f} · {len(claim_ids)} claims · "
        f"{args.reps} reps · code in {ROOT}"
    )
    print(f"one-button click   median {base_median * 1000:7.1f} ms  p95 {base_p95 * 1000:7.1f} ms")
    print(
        f"annotate claim     median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
        f"({median / base_median:.1f}x the one-button click)"
    )
    return 0 if median <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

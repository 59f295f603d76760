"""Time cold starts: server spawn → healthy → first paint, against a one-button app.

    python benchmarks/cold_start.py [--runs 3] [--claims 100000] [--database built.sqlite3]

Each run spawns a new server process and opens one page in headless Debian Chromium:

- the one-button app (``streamlit run``, same Streamlit and virtualenv): until its button
  shows;
- the workbench (``python -m workbench.ui.web``, what ``dev.py start`` runs) on a fresh
  SQLite file: until the start page's text shows (the database is created and migrated
  on the way);
- the workbench on a copy of a generated desk (``--claims`` claims, built once by
  ``generate.py``, or ``--database``), with an editor's session cookie already in the
  browser: until every chart of the Dashboard has painted (its first ``<svg>`` layer).

Needs /usr/bin/chromium (and ../shared/eval-data for generate.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright
from ui_latency import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EDITOR,
    ROOT,
    build_database,
    one_button_command,
    serve,
    workbench_command,
)

from tests.conftest import make_user
from tests.e2e.conftest import wait_for_app
from workbench import auth, db, users
from workbench.models import Role, User

CHARTS_PAINTED = """() => {
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  return charts.length > 0 && [...charts].every((chart) => chart.querySelector("svg"));
}"""


def session_cookie(url: str) -> str:
    """A signed ``wb_session`` cookie of the benchmark's editor (made if missing)."""
    engine = db.get_engine(url)
    with db.read_session(engine) as session:
        found = users.find_user(session, EDITOR)
    editor = found or make_user(engine, EDITOR, Role.editor)
    with db.write_session(engine) as session:
        token = auth.create_session(session, session.get(User, editor.id))
    engine.dispose()
    return auth.cookie_value(token)


def one_run(
    browser: Browser,
    command: list[str],
    database_url: str,
    log: Path,
    path: str,
    shown: str,
    cookie: str | None = None,
    cwd: Path = ROOT,
) -> tuple[float, float]:
    """(spawn → healthy, healthy → ``shown`` is true in the page) in seconds."""
    started = time.perf_counter()
    with serve(command, database_url, log, cwd) as (base, _pid):
        healthy = time.perf_counter() - started
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        if cookie is not None:
            context.add_cookies([{"name": auth.COOKIE_NAME, "value": cookie, "url": base}])
        page = context.new_page()
        opened = time.perf_counter()
        page.goto(f"{base}{path}")
        wait_for_app(page)
        page.wait_for_function(shown, timeout=120_000)
        painted = time.perf_counter() - opened
        context.close()
    return healthy, painted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--claims", type=int, default=100_000, help="claims in the desk whose dashboard is opened"
    )
    parser.add_argument("--database", type=Path, help="a SQLite file generate.py made")
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="cold_start_") as tmp, sync_playwright() as pw:
        folder = Path(tmp)
        desk = folder / "desk.sqlite3"
        build_database(desk, args.claims, args.database)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _run in range(args.runs):
            results.setdefault("one-button app → button", []).append(
                one_run(
                    browser,
                    one_button_command(folder),
                    "sqlite://",
                    folder / "one.log",
                    "/",
                    "() => document.querySelector('.st-key-one button') !== null",
                    cwd=folder,
                )
            )
            fresh = folder / "fresh.sqlite3"
            fresh.unlink(missing_ok=True)
            results.setdefault("workbench, new database → start page", []).append(
                one_run(
                    browser,
                    workbench_command(),
                    f"sqlite:///{fresh}",
                    folder / "fresh.log",
                    "/",
                    "() => document.body.innerText.includes('The workbench is empty')",
                )
            )
            copy = folder / "copy.sqlite3"
            shutil.copyfile(desk, copy)
            url = f"sqlite:///{copy}"
            results.setdefault(f"workbench, {args.claims:,} claims → dashboard charts", []).append(
                one_run(
                    browser,
                    workbench_command(),
                    url,
                    folder / "desk.log",
                    "/dashboard",
                    CHARTS_PAINTED,
                    session_cookie(url),
                )
            )
        browser.close()
    print(
        f"{'server and page':<44}{'healthy s':>10}{'page s':>8}{'total s':>9}  (median of "
        f"{args.runs})"
    )
    for name, runs in results.items():
        healthy = statistics.median(h for h, _ in runs)
        page = statistics.median(p for _, p in runs)
        total = statistics.median(h + p for h, p in runs)
        print(f"{name:<44}{healthy:>10.2f}{page:>8.2f}{total:>9.2f}")


if __name__ == "__main__":
    sys.exit(main())

"""Time a cold start: a new server on a fresh SQLite file until healthy, then the first page.

    python benchmarks/cold_start.py [--runs 3]

Spawns ``python -m workbench.ui.web`` (what ``dev.py start`` runs) on a new database, polls
``/_stcore/health``, then opens the page in headless Debian Chromium until the welcome text
shows. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_app  # noqa: E402


def one_run(browser) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp}/fresh.sqlite3"}
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "workbench.ui.web", "--server.port", str(port),
             "--server.headless", "true"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            healthy = time.perf_counter() - started
            page = browser.new_page()
            opened = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            wait_for_app(page)
            page.get_by_text("The workbench is empty").wait_for()
            shown = time.perf_counter() - opened
            page.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return healthy, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(runs):
            healthy, shown = one_run(browser)
            print(f"run {run + 1}: healthy after {healthy:.2f} s (database created and "
                  f"migrated), first page {shown:.2f} s later, total {healthy + shown:.2f} s")
        browser.close()


if __name__ == "__main__":
    main()

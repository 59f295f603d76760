"""Server memory and lost clicks while several browser sessions click for minutes.

    python benchmarks/ui_soak.py [--sessions 3] [--minutes 10] [--claims 100000]
                                 [--database built.sqlite3] [--timeout 30]

Serves the workbench like ``benchmarks/ui_latency.py`` (same desk: generated claims plus one
copy of the long article per session, so sessions do not edit each other's claims) and
runs ``--sessions`` Chromium sessions, each in its own thread and browser, through the
desk's clicks in a loop: three claims opened, a save, an accepted suggestion (while the
article has any), three page switches, an approval and a dashboard filter. Every
``--sample`` seconds it prints the server's resident memory (VmRSS) and the clicks so far;
at the end, the latency and the lost clicks (no re-render within ``--timeout`` s) per
click, with what the page showed for each lost one. Target: RSS under 300 MB and flat.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from ui_latency import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SUGGESTION_CARDS,
    Clicker,
    Desk,
    Timings,
    arguments,
    new_page,
    p95,
    prepared,
    serve,
    sign_in,
    workbench_command,
)


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Session(threading.Thread):
    """One reviewer-editor clicking through the desk until ``deadline``."""

    def __init__(
        self,
        base: str,
        desk: Desk,
        deadline: float,
        timeout: float,
        timings: Timings,
        lock: threading.Lock,
    ) -> None:
        super().__init__(daemon=True)
        self.base, self.desk, self.deadline, self.timeout = base, desk, deadline, timeout
        self.timings, self.lock = timings, lock
        self.lost: list[dict[str, object]] = []
        self.error: BaseException | None = None

    def _record(self, name: str, took: float | list[float | None] | None) -> None:
        with self.lock:
            for one in took if isinstance(took, list) else [took]:
                self.timings.add(name, one)

    def run(self) -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = new_page(browser)
                sign_in(page, self.base)
                clicker = Clicker(page, self.base, self.desk, self.timeout)
                while time.monotonic() < self.deadline:
                    self._round(clicker)
                self.lost = clicker.lost
                browser.close()
        except BaseException as error:  # reported by the main thread
            self.error = error

    def _round(self, clicker: Clicker) -> None:
        clicker.open_annotate()
        for _ in range(3):
            self._record("select a claim", clicker.select_claim())
        self._record("save a claim", clicker.save_claim())
        if clicker.page.locator(SUGGESTION_CARDS).count():
            self._record("accept a suggestion", clicker.accept_suggestion())
        for _ in range(3):
            self._record("switch pages", clicker.switch_page())
        clicker.open_review()
        self._record("approve in review queue", clicker.approve())
        clicker.open_dashboard()
        self._record("apply a dashboard filter", clicker.filter_dashboard())


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    args = parser.parse_args()
    timings, lock = Timings(), threading.Lock()
    with (
        prepared(args, copies=args.sessions) as (desks, folder),
        serve(workbench_command(), desks[0].url, folder / "workbench.log") as (base, pid),
    ):
        print(f"server up, RSS {rss_mb(pid):.0f} MB before any session", flush=True)
        started = time.monotonic()
        deadline = started + args.minutes * 60
        sessions = [Session(base, desk, deadline, args.timeout, timings, lock) for desk in desks]
        for session in sessions:
            session.start()
        curve = []
        while any(session.is_alive() for session in sessions):
            time.sleep(args.sample)
            with lock:
                clicks = sum(len(v) for v in timings.samples.values())
                lost = sum(timings.lost.values())
            curve.append((time.monotonic() - started, rss_mb(pid)))
            print(
                f"{curve[-1][0]:6.0f} s  RSS {curve[-1][1]:6.1f} MB  clicks {clicks:5}  "
                f"lost {lost}",
                flush=True,
            )
        errors = [session.error for session in sessions if session.error is not None]
        log_tail = (folder / "workbench.log").read_text()[-3000:]
    for error in errors:
        print(f"session failed: {error!r}", file=sys.stderr)
    print(
        f"\nRSS: first {curve[0][1]:.0f} MB, max {max(r for _t, r in curve):.0f} MB, "
        f"last {curve[-1][1]:.0f} MB (target < 300 MB and flat)"
    )
    print(f"{'click':<28}{'n':>6}{'median ms':>11}{'p95 ms':>9}{'lost':>6}")
    for name, values in timings.samples.items():
        print(
            f"{name:<28}{len(values):>6}{statistics.median(values):>11.0f}"
            f"{p95(values):>9.0f}{timings.lost[name]:>6}"
        )
    for session in sessions:
        for note in session.lost:
            print("lost click:", json.dumps(note)[:1500])
    if log_tail.strip():
        print("server stderr (tail):\n" + log_tail)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

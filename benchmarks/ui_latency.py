"""Click latency in Chromium: the workbench against a one-button Streamlit app, same run.

    python benchmarks/ui_latency.py [--claims 100000] [--database built.sqlite3] [--reps 20]
        [--only CLICK ...]

Builds a desk with ``generate.py`` (``--claims`` claims; or copies ``--database``, a file
generate.py made), adds a ~7,000-word article with 60 claims and an editor account, serves
it the way ``dev.py start`` does (``python -m workbench.ui.web``), and serves a one-button
app with ``streamlit run`` from the same virtualenv. Then headless Debian Chromium clicks:
selecting a claim, accepting a suggestion, saving a claim, switching pages, approving in
the review queue and applying a dashboard filter, each ``--reps`` times after two warm-ups.

A click is timed in the page, from its ``pointerdown`` until the app has run since the
click, is ``notRunning`` again and shows the expected content (the next animation frame).
Transitions are recorded by a MutationObserver with ``attributeOldValue``, so a rerun that
goes running → notRunning between two observer callbacks is still seen. A click with no
re-render within ``--timeout`` seconds is counted as lost. Prints median, p95 and the ratio
of the median to the one-button app's per click; the baseline is measured at the start and
at the end and pooled. Needs /usr/bin/chromium and ../shared/eval-data.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baseline_app import ONE_BUTTON_APP
from eval_data import EVAL_DATA
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tests.conftest import PASSWORD, make_user  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    SUGGESTION_CARDS,
    free_port,
    listed_claim,
    server_flags,
    wait_for_app,
)
from workbench import articles, claims, db  # noqa: E402
from workbench.models import Article, Claim, Role  # noqa: E402
from workbench.text.checkworthiness import suggest_claims  # noqa: E402
from workbench.text.segment import split_sentences  # noqa: E402

ARTICLE = EVAL_DATA / "articles" / "en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
ARTICLE_CLAIMS = 60
EDITOR = "bench"
WARMUP = 2

# Once armed: the time of the next pointerdown, and of the first animation frame at which
# the app is notRunning and shows the click's new content (every predicate is false before
# its click). A run fast enough to be committed in one React render never shows "running"
# at all, so the state alone cannot tell that a rerun happened; the transitions are kept
# (with their old values) to diagnose lost clicks.
TIMER_JS = """(() => {
  const wb = window.__wb = {log: [], armed: false, clickAt: null, doneAt: null, pred: null};
  const state = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return app ? app.getAttribute("data-test-script-state") : null;
  };
  const check = () => {
    if (wb.clickAt === null || wb.doneAt !== null || wb.framing) return;
    if (state() !== "notRunning") return;
    let ok = false;
    try { ok = Boolean(wb.pred(wb.arg)); } catch (e) { ok = false; }
    if (!ok) return;
    wb.framing = true;
    requestAnimationFrame(() => { wb.doneAt = performance.now(); wb.framing = false; });
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes" && r.attributeName === "data-test-script-state") {
        wb.log.push({t: performance.now(), old: r.oldValue,
                     now: r.target.getAttribute("data-test-script-state")});
      }
    }
    check();
  }).observe(document, {subtree: true, childList: true, characterData: true,
                        attributes: true, attributeOldValue: true});
  document.addEventListener("pointerdown", () => {
    if (wb.armed) { wb.clickAt = performance.now(); wb.armed = false; }
  }, true);
  wb.arm = (body, arg) => {
    Object.assign(wb, {pred: new Function("arg", body), arg, log: [], clickAt: null,
                       doneAt: null, framing: false, armed: true});
  };
  wb.poll = () => { check(); return wb.doneAt !== null; };
})();"""

# Predicates (bodies of ``function (arg)``) for the content each click must show.
CLAIM_OPEN = """const panel = document.querySelector(".st-key-annotate_claim_panel");
return panel !== null && panel.innerText.includes(`Claim #${arg} `);"""
ACCEPTED = """const panel = document.querySelector(".st-key-annotate_claim_panel");
const shown = panel && /Claim #(\\d+) /.exec(panel.innerText);
const cards = document.querySelector(".st-key-annotate_suggestion_cards");
const host = cards && [...cards.querySelectorAll("*")].find((e) => e.shadowRoot);
return host !== undefined && host !== null
  && !host.shadowRoot.querySelector(`li[data-start="${arg.start}"]`)
  && shown !== null && Number(shown[1]) > arg.maxId;"""
SAVED = """const key = `.st-key-annotate_${arg.claim}_g${arg.gen}_claimant`;
const input = document.querySelector(`${key} input`);
return input !== null && input.value === arg.value;"""
HEADING = """const h = document.querySelector("h1");
return h !== null && h.innerText.trim().startsWith(arg);"""
APPROVED = "return !document.querySelector(`.st-key-review_item_${arg}`);"
ASKED = """return !document.querySelector(`.st-key-review_item_${arg}`)
  || document.querySelector(`.st-key-review_confirm_${arg}`) !== null;"""
FILTERED = """const box = document.querySelector(".st-key-dash_outlet input");
const claims = [...document.querySelectorAll("[data-testid='stMetric']")]
  .find((metric) => metric.innerText.startsWith("Claims"));
return box !== null && box.value === arg.outlet && claims !== undefined
  && claims.innerText.includes(arg.count);"""
LOST_JS = """() => ({
  clickAt: window.__wb.clickAt, now: performance.now(), log: window.__wb.log,
  state: document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state"),
  text: document.querySelector("[data-testid='stMain']")?.innerText.slice(0, 300)})"""
COUNTED = "return document.body.innerText.includes(`Clicked ${arg} times`);"


class Lost(Exception):
    """A click that got no re-render within the timeout."""


@dataclass
class Desk:
    """What the benchmark made in the generated database."""

    url: str
    article_id: int
    claim_ids: list[int]
    outlets: list[tuple[str, int]]  # (outlet, claims); neighbours differ in count


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)
    lost: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, ms: float | None) -> None:
        if ms is None:
            self.lost[name] += 1
        else:
            self.samples.setdefault(name, []).append(ms)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def build_database(target: Path, claims_n: int, prebuilt: Path | None) -> str:
    """A generated desk at ``target`` (copied from ``prebuilt`` when given)."""
    if prebuilt is not None:
        shutil.copyfile(prebuilt, target)
        db.upgrade(f"sqlite:///{target}")  # it may predate the newest migration
    else:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                str(target),
                "--claims",
                str(claims_n),
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    return f"sqlite:///{target}"


def seed_desks(url: str, copies: int = 1) -> list[Desk]:
    """The editor account and ``copies`` of the long article with its claims (on sentences
    no suggestion covers, so all of the article's suggestions stay open to be accepted);
    one Desk per copy, so concurrent sessions do not edit each other's claims."""
    engine = db.get_engine(url)
    editor = make_user(engine, EDITOR, Role.editor)
    body = ARTICLE.read_text(encoding="utf-8")
    made: list[tuple[int, list[int]]] = []
    with db.write_session(engine) as session:
        for copy in range(copies):
            article = articles.add_article(
                session,
                editor,
                articles.ArticleDraft(
                    title=f"Wayne Tseng interview (benchmark copy {copy + 1})", body=body
                ),
                allow_duplicate=True,
            )  # no outlet: accepted suggestions change no filter count
            suggested = [(s.start, s.end) for s in suggest_claims(article.body, article.language)]
            free = [
                s
                for s in split_sentences(article.body, article.language)
                if not any(a < s.end and s.start < b for a, b in suggested)
            ]
            step = max(1, len(free) // ARTICLE_CLAIMS)
            made.append(
                (
                    article.id,
                    [
                        claims.create_claim(
                            session,
                            editor,
                            claims.ClaimDraft(article_id=article.id, start=s.start, end=s.end),
                        ).id
                        for s in free[::step][:ARTICLE_CLAIMS]
                    ],
                )
            )
    with db.read_session(engine) as session:
        per_outlet = session.execute(
            select(Article.outlet, func.count())
            .join(Claim, Claim.article_id == Article.id)
            .group_by(Article.outlet)
            .order_by(Article.outlet)
        ).all()
    engine.dispose()
    outlets: list[tuple[str, int]] = []
    for outlet, count in per_outlet:
        if outlet and all(count != n for _o, n in outlets[-1:]):
            outlets.append((outlet, count))
    if len(outlets) > 2 and outlets[0][1] == outlets[-1][1]:  # the cycle wraps around
        outlets.pop()
    return [Desk(url, article_id, claim_ids, outlets) for article_id, claim_ids in made]


@contextmanager
def serve(
    command: list[str], database_url: str, log: Path, cwd: Path = ROOT
) -> Iterator[tuple[str, int]]:
    """Run a Streamlit server from ``cwd`` until it is healthy; yield (base URL, process id).

    Streamlit reads ``.streamlit/config.toml`` beside the script and in the folder it runs
    from: the workbench gets its own settings; the one-button app, served from its own
    folder, Streamlit's defaults (it is the plain Streamlit app the workbench is compared
    with)."""
    port = free_port()
    flags = server_flags(port)
    env = {**os.environ, "WORKBENCH_DATABASE_URL": database_url}
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*command, *flags], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log}")
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            yield url, process.pid
        except BaseException:
            print(f"server log ({log.name}, tail):\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(timeout=30)


def workbench_command() -> list[str]:
    return [sys.executable, "-m", "workbench.ui.web"]


def one_button_command(folder: Path) -> list[str]:
    script = folder / "one_button.py"
    script.write_text(ONE_BUTTON_APP)
    return [sys.executable, "-m", "streamlit", "run", str(script)]


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.add_init_script(TIMER_JS)
    return page


def sign_in(page: Page, base: str) -> None:
    page.goto(base)
    wait_for_app(page)
    page.fill("input[name=username]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_load_state()
    wait_for_app(page)


def timed_click(
    page: Page, click: Callable[[], None], predicate: str, arg: Any, timeout: float
) -> float:
    """Milliseconds from the click's pointerdown to the re-render that shows ``predicate``."""
    page.evaluate("([body, arg]) => window.__wb.arm(body, arg)", [predicate, arg])
    click()
    deadline = time.monotonic() + timeout
    while not page.evaluate("window.__wb.poll()"):
        if time.monotonic() > deadline:
            raise Lost
        time.sleep(0.005)
    return page.evaluate("window.__wb.doneAt - window.__wb.clickAt")


def goto(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


class Clicker:
    """The benchmark's clicks on one signed-in page; each returns ms, or None when lost."""

    def __init__(self, page: Page, base: str, desk: Desk, timeout: float) -> None:
        self.page, self.base, self.desk, self.timeout = page, base, desk, timeout
        self.turn = 0
        #: What the page showed when a click was lost: URL, state transitions, expected.
        self.lost: list[dict[str, Any]] = []

    def _time(self, click: Callable[[], None], predicate: str, arg: Any) -> float | None:
        try:
            return timed_click(self.page, click, predicate, arg, self.timeout)
        except Lost:
            self.lost.append({"url": self.page.url, "expected": arg, **self.page.evaluate(LOST_JS)})
            wait_for_app(self.page)
            return None

    def open_annotate(self) -> None:
        desk = self.desk
        goto(self.page, f"{self.base}/annotate?article={desk.article_id}&claim={desk.claim_ids[0]}")

    def select_claim(self) -> float | None:
        self.turn += 1
        claim_id = self.desk.claim_ids[self.turn % len(self.desk.claim_ids)]
        button = self.page.locator(listed_claim(claim_id))
        return self._time(button.click, CLAIM_OPEN, claim_id)

    def _open_claim(self) -> int:
        text = self.page.locator(".st-key-annotate_claim_panel").inner_text()
        return int(text.split("Claim #", 1)[1].split()[0])

    def save_claim(self) -> float | None:
        self.turn += 1
        claim_id = self._open_claim()
        field = self.page.locator(f"[class*='st-key-annotate_{claim_id}_g'][class*='_claimant']")
        key = next(c for c in field.get_attribute("class").split() if c.startswith("st-key-"))
        generation = int(key.rsplit("_g", 1)[1].split("_")[0])
        value = f"Claimant {self.turn}"
        field.locator("input").fill(value)
        button = self.page.locator(".st-key-annotate_claim_panel").get_by_role(
            "button", name="Save claim"
        )
        return self._time(
            button.click, SAVED, {"claim": claim_id, "gen": generation + 1, "value": value}
        )

    def accept_suggestion(self) -> float | None:
        """Accept on the first suggestion card (drawn by the component's JS after the run)."""
        card = self.page.locator(SUGGESTION_CARDS).first
        try:
            card.wait_for(timeout=self.timeout * 1000)
        except PlaywrightTimeout:  # no suggestion left
            return None
        start = int(card.get_attribute("data-start"))
        max_id = max(self.desk.claim_ids + [self._open_claim()])
        took = self._time(
            card.locator("button.wb-accept").click, ACCEPTED, {"start": start, "maxId": max_id}
        )
        if took is not None:
            self.desk.claim_ids.append(self._open_claim())
        return took

    def switch_page(self) -> float | None:
        self.turn += 1
        title = ("Claims", "Review queue", "Articles")[self.turn % 3]
        link = self.page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title)
        return self._time(link.first.click, HEADING, title)

    def open_review(self) -> None:
        goto(self.page, f"{self.base}/review")

    def approve(self) -> list[float | None]:
        """Approve the oldest proposal; "Approve anyway" too when the page asks (two clicks).
        An approved card shows its outcome in its place; a page without open cards is
        reloaded (untimed)."""
        if self.page.locator("[class*='st-key-review_item_']").count() == 0:
            self.open_review()
        item = self.page.locator("[class*='st-key-review_item_']").first
        key = next(
            c for c in item.get_attribute("class").split() if c.startswith("st-key-review_item_")
        )
        verdict_id = key.rsplit("_", 1)[1]
        took = [
            self._time(
                self.page.locator(f".st-key-review_approve_{verdict_id} button").click,
                ASKED,
                verdict_id,
            )
        ]
        confirm = self.page.locator(f".st-key-review_confirm_{verdict_id} button")
        if took[0] is not None and confirm.count():
            took.append(self._time(confirm.click, APPROVED, verdict_id))
        return took

    def open_dashboard(self) -> None:
        goto(self.page, f"{self.base}/dashboard")

    def filter_dashboard(self) -> float | None:
        self.turn += 1
        outlet, count = self.desk.outlets[self.turn % len(self.desk.outlets)]
        self.page.locator(".st-key-dash_outlet [role='combobox']").click()
        option = self.page.get_by_role("option", name=outlet, exact=True)
        return self._time(option.click, FILTERED, {"outlet": outlet, "count": f"{count:,}"})


def baseline(browser: Browser, base: str, reps: int, timeout: float) -> list[float | None]:
    page = new_page(browser)
    goto(page, base)
    button = page.locator(".st-key-one button")
    result = []
    for n in range(1, reps + WARMUP + 1):
        try:
            took: float | None = timed_click(page, button.click, COUNTED, n, timeout)
        except Lost:
            took = None
        if n > WARMUP:
            result.append(took)
    page.context.close()
    return result


Click = Callable[[], float | list[float | None] | None]
#: The click types in the order a desk works.
CLICK_NAMES = (
    "select a claim",
    "save a claim",
    "accept a suggestion",
    "switch pages",
    "approve in review queue",
    "apply a dashboard filter",
)


def click_types(clicker: Clicker) -> dict[str, tuple[Callable[[], None] | None, Click]]:
    """Each click type: the page it starts on (None: where the previous one left off, the
    Annotate page when timed alone) and the click."""
    steps: list[tuple[Callable[[], None] | None, Click]] = [
        (clicker.open_annotate, clicker.select_claim),
        (None, clicker.save_claim),
        (None, clicker.accept_suggestion),
        (None, clicker.switch_page),
        (clicker.open_review, clicker.approve),
        (clicker.open_dashboard, clicker.filter_dashboard),
    ]
    return dict(zip(CLICK_NAMES, steps, strict=True))


def workbench_clicks(
    clicker: Clicker, reps: int, timings: Timings, only: list[str] | None = None
) -> None:
    """Each click type (or ``only`` these) ``reps`` times, after WARMUP untimed ones."""
    for name, (start, click) in click_types(clicker).items():
        if only and name not in only:
            continue
        if start is not None or only:
            (start or clicker.open_annotate)()
        for n in range(reps + WARMUP):
            took = click()
            if n >= WARMUP:
                for one in took if isinstance(took, list) else [took]:
                    timings.add(name, one)


def report(timings: Timings, base: list[float]) -> None:
    base_median = statistics.median(base)
    print(f"{'click':<28}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'× one-button':>14}{'lost':>6}")
    print(
        f"{'one-button app (baseline)':<28}{len(base):>4}{base_median:>11.0f}"
        f"{p95(base):>9.0f}{1:>14.1f}{timings.lost['baseline']:>6}"
    )
    for name, values in timings.samples.items():
        if name == "baseline":
            continue
        median = statistics.median(values)
        print(
            f"{name:<28}{len(values):>4}{median:>11.0f}{p95(values):>9.0f}"
            f"{median / base_median:>14.1f}{timings.lost[name]:>6}"
        )
    print("targets: median ≤ 300 ms, p95 ≤ 600 ms, ≤ 3× the one-button app")


@contextmanager
def prepared(args: argparse.Namespace, copies: int = 1) -> Iterator[tuple[list[Desk], Path]]:
    """A seeded copy of the desk in a temporary folder (also holding the server logs)."""
    with tempfile.TemporaryDirectory(prefix="ui_latency_") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        url = build_database(folder / "desk.sqlite3", args.claims, args.database)
        desks = seed_desks(url, copies)
        print(
            f"desk: {args.database or f'{args.claims:,} generated claims'} + {copies} "
            f"article(s) of {len(ARTICLE.read_text().split()):,} words with "
            f"{len(desks[0].claim_ids)} claims, ready in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        yield desks, folder


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--claims", type=int, default=100_000, help="claims generate.py makes (default 100,000)"
    )
    parser.add_argument(
        "--database", type=Path, help="a SQLite file generate.py made, copied instead of generating"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds after which a click without a re-render counts as lost",
    )
    return parser


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument(
        "--only",
        action="append",
        choices=list(CLICK_NAMES),
        help="time only this click type (repeatable); the default times all of them",
    )
    args = parser.parse_args()
    if not ARTICLE.is_file():
        print(f"article not found: {ARTICLE} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    timings = Timings()
    with prepared(args) as ([desk], folder), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with (
            serve(one_button_command(folder), desk.url, folder / "one_button.log", folder) as (
                one_button,
                _,
            ),
            serve(workbench_command(), desk.url, folder / "workbench.log") as (workbench, _),
        ):
            first = baseline(browser, one_button, (args.reps + 1) // 2, args.timeout)
            page = new_page(browser)
            sign_in(page, workbench)
            clicker = Clicker(page, workbench, desk, args.timeout)
            try:
                workbench_clicks(clicker, args.reps, timings, args.only)
            except Exception:  # report what was measured, then the failure
                traceback.print_exc()
            page.context.close()
            last = baseline(browser, one_button, args.reps // 2 + 1, args.timeout)
        browser.close()
    for took in first + last:
        timings.add("baseline", took)
    report(timings, timings.samples["baseline"])
    for note in clicker.lost:
        print("lost click:", json.dumps(note)[:1500])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Browser tests: a real Streamlit server and headless Debian Chromium.

They skip (saying why) where /usr/bin/chromium is missing, except when
``WORKBENCH_REQUIRE_BROWSER=1`` (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD, make_user
from workbench import db, users
from workbench.models import Article, Role, User
from workbench.sample import load_sample

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: The Annotate page's claim list (``claim_buttons.js``): each claim a button.
LISTED_CLAIMS = ".wb-claims button.wb-claim"


#: The Annotate page's suggestion cards (``suggestion_cards.js``); the marked one.
SUGGESTION_CARDS = ".wb-suggestions li.wb-suggestion"
MARKED_CARD = ".wb-suggestions li.wb-marked"


def listed_claim(claim_id: int) -> str:
    """The claim list's button of ``claim_id`` (CSS selectors pierce the shadow root)."""
    return f"{LISTED_CLAIMS}[data-claim-id='{claim_id}']"


pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is not installed (Debian package 'chromium')"
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_flags(port: int) -> list[str]:
    """The Streamlit options every test and benchmark server runs with: headless on
    ``port``, no file watcher, no usage statistics."""
    return [
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


@dataclass
class Server:
    url: str
    database_url: str
    process: subprocess.Popen

    def cli(self, *args: str) -> str:
        """Run the workbench CLI against this server's database."""
        env = {**os.environ, "WORKBENCH_DATABASE_URL": self.database_url}
        return subprocess.run(
            [sys.executable, "-m", "workbench.cli", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout


def start_server(
    script: Path,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    port: int | None = None,
) -> Server:
    """Serve ``script``: the workbench's app.py through ``python -m workbench.ui.web`` (so the
    sign-in routes exist), any other test script with ``streamlit run``. ``cwd`` is where
    Streamlit looks for ``.streamlit/secrets.toml`` (single sign-on tests use a temp dir)."""
    port = port or free_port()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": database_url, **(extra_env or {})}
    flags = server_flags(port)
    if Path(script).resolve() == ROOT / "app.py":
        command = [sys.executable, "-m", "workbench.ui.web", *flags]
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(script), *flags]
    # A file, not a pipe: the server logs every write, and a pipe nobody reads fills up
    # (64 KiB) and then blocks the server mid-test.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"streamlit exited: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, database_url, process)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


@contextmanager
def serving_app(database_file: Path, accounts: dict[str, Role] | None = None) -> Iterator[Server]:
    """The real app on a fresh SQLite database, with ``accounts`` (name -> role) made first
    (their password: ``tests.conftest.PASSWORD``)."""
    url = f"sqlite:///{database_file}"
    db.upgrade(url)
    for name, role in (accounts or {}).items():
        make_user(db.get_engine(url), name, role)
    server = start_server(ROOT / "app.py", url)
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)
        db.get_engine(url).dispose()


@contextmanager
def sample_desk(
    database_file: Path, accounts: dict[str, Role]
) -> Iterator[tuple[Server, Article, User]]:
    """The real app with ``accounts`` and the sample article, loaded by the first account
    (returned with it)."""
    require_browser()
    with serving_app(database_file, accounts) as server:
        with db.write_session(db.get_engine(server.database_url)) as session:
            first = users.find_user(session, next(iter(accounts)))
            article = load_sample(session, first)
        yield server, article, first


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[Server]:
    """The real app on a fresh SQLite database, in single-user mode."""
    require_browser()
    with serving_app(tmp_path / "e2e.sqlite3") as server:
        yield server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


def wait_for_app(page) -> None:  # type: ignore[no-untyped-def]
    """Wait the way Streamlit's own e2e suite does: connected, then the script idle."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=30_000
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000
    )


def open_claim_tab(page, name: str):  # type: ignore[no-untyped-def]
    """Open a tab of the claim panel and wait until the app shows it open (the tab is
    selected and the rerun it started has finished). A tab drawn by a rerun that was
    still on its way can miss the click; the tab's own state says so, and it is clicked
    again rather than waited on for ever."""
    tab = page.locator(".st-key-annotate_claim_panel").get_by_role("tab", name=name)
    for _ in range(3):
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=10_000)
        except AssertionError:
            continue
        wait_for_app(page)
        return tab
    expect(tab).to_have_attribute("aria-selected", "true")
    return tab


def open_dropdown(page: Page, key: str) -> None:
    """Open a select box and wait for its list. A click that lands while a rerun redraws
    the widget is lost; the list's absence says so, and the box is clicked again."""
    options = page.get_by_role("listbox")
    for _ in range(3):
        page.locator(f".st-key-{key}").click()
        try:
            expect(options.first).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            wait_for_app(page)
    expect(options.first).to_be_visible()


def open_expander(page: Page, title: str, key: str) -> None:
    """Open the expander ``title`` until the element ``key`` inside it shows. A click on
    the summary that lands while a rerun redraws the page is lost (seen under load), and
    clicking an open expander would close it, so each click waits for ``key`` first."""
    inside = page.locator(f".st-key-{key}")
    for _ in range(3):
        if inside.is_visible():
            return
        page.get_by_text(title, exact=True).click()
        try:
            expect(inside).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            wait_for_app(page)
    expect(inside).to_be_visible()


def signed_in_page(browser: Browser, server: Server, name: str) -> Page:
    """A separate browser context (its own cookies) signed in as ``name``."""
    page = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True
    ).new_page()
    page.goto(server.url)
    wait_for_app(page)
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_load_state()
    wait_for_app(page)
    return page


# Bounding box of the first occurrence of `word` inside one text node of the article.
_WORD_BOX_JS = """(article, word) => {
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(word);
    if (i === -1) continue;
    node.parentElement.scrollIntoView({block: "center"});
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + word.length);
    const box = range.getBoundingClientRect();
    return {left: box.left, right: box.right, y: (box.top + box.bottom) / 2};
  }
  return null;
}"""


def drag_select(page: Page, first: str, last: str, *, rtl: bool = False) -> None:
    """Press on the first character of `first`, drag to the last of `last`, release."""
    article = page.locator(".wb-article")  # CSS selectors pierce the shadow root
    start = article.evaluate(_WORD_BOX_JS, first)
    end = article.evaluate(_WORD_BOX_JS, last)
    # 1px inside the word's edges: a drag starts/ends at the nearest character boundary.
    x0 = start["right"] - 1 if rtl else start["left"] + 1
    x1 = end["left"] + 1 if rtl else end["right"] - 1
    page.mouse.move(x0, start["y"])
    page.mouse.down()
    page.mouse.move(x1, end["y"], steps=8)
    page.mouse.up()

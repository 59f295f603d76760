"""The deployment ``compose.yaml`` describes, proved without Docker: two replicas on one
PostgreSQL database behind nginx with ``deploy/nginx/workbench.conf.template``. A person
signs in through the proxy and saves something; the replica serving them dies; their tab
reconnects through the other replica, still signed in (sessions live in the database), with
what they saved still there.

Skips (saying why) without nginx (Debian package ``nginx``) or
``WORKBENCH_TEST_POSTGRES_URL``, except when ``WORKBENCH_REQUIRE_PROXY=1`` (CI), where that
is a failure, as a missing browser is with ``WORKBENCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import POSTGRES_URL, _postgres_database, make_user
from tests.e2e.conftest import (
    ROOT,
    Server,
    free_port,
    require_browser,
    signed_in_page,
    start_server,
    wait_for_app,
)
from workbench import db
from workbench.models import Role
from workbench.sample import sample_draft

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx" / "workbench.conf.template"
SIGN_IN = "Sign in to the claim workbench"

# The main configuration the nginx image would bring, cut down to run unprivileged from a
# temporary folder. One process (no master) as whoever runs the test: run by root, nginx
# would otherwise hand requests to workers running as 'nobody', who cannot write the temp
# folders under a private tmp_path. X-Upstream names the replica that answered, so the test
# knows which one to stop.
MAIN_CONF = """\
master_process off;
daemon off;
pid $dir/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    access_log off;
    add_header X-Upstream $$upstream_addr always;
    include $dir/workbench.conf;
}
"""


# The connection states the app goes through from now on: a reconnect can be quicker than
# any polling for the state in between.
WATCH_CONNECTION = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.wbConnectionStates = [];
  new MutationObserver(records => {
    for (const record of records) window.wbConnectionStates.push(record.oldValue);
    window.wbConnectionStates.push(app.getAttribute("data-test-connection-state"));
  }).observe(app, {attributes: true, attributeOldValue: true,
                   attributeFilter: ["data-test-connection-state"]});
}"""
RECONNECTED = """() => window.wbConnectionStates.some(state => state !== "CONNECTED")
  && window.wbConnectionStates.at(-1) === "CONNECTED"
"""


def require_proxy() -> None:
    missing = [
        reason
        for reason, absent in (
            ("nginx is not installed (Debian package 'nginx')", not Path(NGINX).exists()),
            (
                "WORKBENCH_TEST_POSTGRES_URL is not set (replicas share a PostgreSQL database)",
                not POSTGRES_URL,
            ),
        )
        if absent
    ]
    if not missing:
        return
    if os.environ.get("WORKBENCH_REQUIRE_PROXY") == "1":
        pytest.fail("; ".join(missing))
    pytest.skip("; ".join(missing))


def proxy_config(directory: Path, replicas: Sequence[str], port: int) -> Path:
    """Write the main configuration and the rendered template into ``directory``."""
    fields = {
        "WORKBENCH_REPLICA_1": replicas[0],
        "WORKBENCH_REPLICA_2": replicas[1],
        "WORKBENCH_PROXY_PORT": str(port),
    }
    # safe_substitute: the template's nginx variables ($http_upgrade, …) stay as they are.
    rendered = string.Template(TEMPLATE.read_text()).safe_substitute(fields)
    assert "${" not in rendered, "a placeholder in the template has no value in the test"
    (directory / "workbench.conf").write_text(rendered)
    main = directory / "nginx.conf"
    main.write_text(string.Template(MAIN_CONF).substitute(dir=directory))
    return main


@contextmanager
def nginx_proxy(directory: Path, replicas: Sequence[Server]) -> Iterator[Server]:
    """nginx in front of ``replicas``, until one of them answers through it."""
    port = free_port()
    main = proxy_config(
        directory, [server.url.removeprefix("http://") for server in replicas], port
    )
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [NGINX, "-e", "stderr", "-p", str(directory), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    proxy = Server(f"http://127.0.0.1:{port}", replicas[0].database_url, process)
    try:
        _wait_until_healthy(proxy, log)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_until_healthy(proxy: Server, log: IO[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"nginx exited: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{proxy.url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nginx did not answer /_stcore/health within 20 s")


@contextmanager
def shared_database() -> Iterator[str]:
    """A new PostgreSQL database migrated by the command compose.yaml's one-shot service
    runs, with one editor account."""
    databases = _postgres_database()
    url = next(databases)
    try:
        subprocess.run(
            [sys.executable, "-m", "workbench", "db", "upgrade"],
            cwd=ROOT,
            env={**os.environ, "WORKBENCH_DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        make_user(db.get_engine(url), "eddie", Role.editor)
        db.get_engine(url).dispose()
        yield url
    finally:
        next(databases, None)


@contextmanager
def replicas(database_url: str, shared_env: dict[str, str]) -> Iterator[list[Server]]:
    """Two ``workbench serve`` on ``database_url``, started side by side as compose starts
    them (both prepare the same new database at once); stopped afterwards unless the test
    killed them."""
    with ThreadPoolExecutor(2) as pool:
        starting = [
            pool.submit(start_server, ROOT / "app.py", database_url, shared_env) for _ in range(2)
        ]
    started = [future.result() for future in starting if future.exception() is None]
    try:
        yield [future.result() for future in starting]
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.terminate()
                server.process.wait(timeout=20)


def upstream(page: Page, proxy: Server) -> str:
    """The replica nginx sends this browser's requests to (its cookie is the key); the last
    one named when nginx had to try more than one."""
    answer = page.request.get(f"{proxy.url}/_stcore/health")
    assert answer.ok
    return answer.headers["x-upstream"].split(",")[-1].strip()


def expect_signed_in(page: Page, heading: str) -> None:
    """The page shows ``heading`` to the signed-in editor (signed out, it would show the
    sign-in form instead)."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.get_by_role("heading", name=SIGN_IN)).to_have_count(0)


def test_losing_a_replica_keeps_the_person_signed_in_and_their_work(
    tmp_path: Path, browser: Browser
) -> None:
    require_browser()
    require_proxy()
    # What compose.yaml gives every replica alike: production mode, one secret for the
    # session cookie, one for Streamlit's own cookies.
    shared_env = {
        "WORKBENCH_ENVIRONMENT": "production",
        "WORKBENCH_SECRET_KEY": secrets.token_urlsafe(32),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
    }
    title = sample_draft().title
    with ExitStack() as stack:
        database_url = stack.enter_context(shared_database())
        servers = stack.enter_context(replicas(database_url, shared_env))
        proxy = stack.enter_context(nginx_proxy(tmp_path, servers))

        page = signed_in_page(browser, proxy, "eddie")
        stack.callback(page.context.close)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Start").click()
        expect(page.locator(".st-key-welcome_load_sample button")).to_be_visible(timeout=20_000)
        wait_for_app(page)
        page.locator(".st-key-welcome_load_sample button").click()
        expect_signed_in(page, title)

        page.evaluate(WATCH_CONNECTION)
        serving = upstream(page, proxy)
        lost = next(server for server in servers if server.url.endswith(serving))
        survivor = next(server for server in servers if server is not lost)
        lost.process.kill()
        lost.process.wait(timeout=20)

        # The tab notices the dead socket and reconnects through nginx to the survivor; the
        # page stays as drawn until the next click reruns it there, with the cookie the
        # browser sent on reconnecting.
        page.wait_for_function(RECONNECTED, timeout=30_000)
        assert survivor.url.endswith(upstream(page, proxy))
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Start").click()
        expect_signed_in(page, "Recent articles")
        page.get_by_role("link", name=title).click()
        expect_signed_in(page, title)

        page.reload()
        wait_for_app(page)
        expect_signed_in(page, title)

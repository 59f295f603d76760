"""Signing in with a real browser: the password form through ``/auth/login``, and single
sign-on through ``st.login`` against a local mock OpenID provider."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.conftest import PASSWORD
from tests.e2e.conftest import (
    ROOT,
    Server,
    free_port,
    require_browser,
    serving_app,
    start_server,
    wait_for_app,
)
from workbench import auth, db
from workbench.models import Role, User

SIGN_IN = "Sign in to the claim workbench"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Server]:
    """The app with one editor account, so sign-in is required."""
    require_browser()
    with serving_app(tmp_path / "desk.sqlite3", {"eddie": Role.editor}) as server:
        yield server


def sign_in(page: Page, name: str, password: str) -> None:
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_load_state()
    wait_for_app(page)


def test_password_sign_in_and_out(desk: Server, page: Page) -> None:
    page.goto(desk.url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()

    sign_in(page, "eddie", "wrong password!")
    expect(page.get_by_text("Wrong user name or password")).to_be_visible()

    sign_in(page, "eddie", PASSWORD)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == auth.COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert auth.COOKIE_NAME not in page.evaluate("document.cookie")  # invisible to scripts

    page.locator(".st-key-app_sign_out button").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()
    page.reload()  # the browser still holds the cookie, but the server revoked it
    wait_for_app(page)
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()


def test_single_sign_on_through_a_mock_provider(
    tmp_path: Path, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_browser()
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    url = f"sqlite:///{tmp_path / 'sso.sqlite3'}"
    with run_server_in_thread() as provider:
        port = free_port()
        streamlit_dir = tmp_path / ".streamlit"
        streamlit_dir.mkdir()
        (streamlit_dir / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{"s" * 40}"\n'
            'client_id = "workbench"\nclient_secret = "not-a-secret"\n'
            'server_metadata_url = "http://localhost:'
            f'{provider.server_port}/.well-known/openid-configuration"\n'
        )
        server = start_server(
            ROOT / "app.py",
            url,
            cwd=tmp_path,
            extra_env={"AUTHLIB_INSECURE_TRANSPORT": "1"},
            port=port,
        )
        try:
            page.goto(f"http://localhost:{port}/")
            wait_for_app(page)
            expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()
            page.locator(".st-key-sign_in_oidc button").click()
            page.wait_for_selector("input[name=sub]", timeout=20_000)
            page.fill("input[name=sub]", "nina")
            page.get_by_role("button", name="Authorize").click()
            page.wait_for_url(f"http://localhost:{port}/**", timeout=20_000)
            wait_for_app(page)
            expect(page.get_by_role("heading", name="My work")).to_be_visible()
        finally:
            server.process.terminate()
            server.process.wait(timeout=20)
    with db.read_session(db.get_engine(url)) as session:
        nina = session.exec(select(User).where(User.external_subject.like("%|nina"))).one()
    assert nina.role == Role.reviewer
    db.get_engine(url).dispose()

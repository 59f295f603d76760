"""The sign-in gate and role navigation, in AppTest.

AppTest cannot send cookies, so a signed-in run carries a real session token in
``st.session_state["wb_session_token"]`` (checked exactly like the cookie's)."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.conftest import make_user
from tests.ui.conftest import ROOT
from workbench import auth, db, user_sessions, users
from workbench.models import Role, User
from workbench.ui.routes import SESSION_TOKEN

PAGES = "workbench/ui/pages"
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "workbench",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def app(token: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if token:
        at.session_state[SESSION_TOKEN] = token
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def token_for(engine, user: User) -> str:
    with db.write_session(engine) as session:
        return auth.create_session(session, session.get(User, user.id))


def html(at: AppTest) -> str:
    return "".join(str(element.proto) for element in at.get("html"))


def titles(at: AppTest) -> list[str]:
    return [title.value for title in at.title]


def test_fresh_desk_opens_on_the_start_page_as_the_local_user(app_db):
    at = app()
    assert not at.exception
    assert titles(at) == ["Claim workbench"]
    assert any("Single-user mode" in caption.value for caption in at.sidebar.caption)
    at.switch_page(f"{PAGES}/users.py").run()  # the local user administers the desk
    assert not at.exception and titles(at) == ["Users"]


def test_with_an_account_a_visitor_sees_only_the_sign_in_page(app_db, engine, reviewer):
    at = app()
    assert not at.exception
    assert titles(at) == ["Sign in to the claim workbench"]
    form = html(at)
    assert 'action=\\"/auth/login\\"' in form or 'action="/auth/login"' in form
    assert 'name=\\"password\\"' in form or 'name="password"' in form
    for page in ("welcome.py", "claims.py", "articles.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"{PAGES}/{page}")


def test_failed_sign_in_shows_one_message(app_db, engine, reviewer):
    at = app(query={"login": "failed"})
    assert [error.value for error in at.error] == [auth.SIGN_IN_FAILED]


def test_a_tampered_or_unknown_token_is_a_visitor(app_db, engine, reviewer):
    at = app(token="made-up-token")
    assert titles(at) == ["Sign in to the claim workbench"]


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        (Role.reviewer, ["claims.py", "annotate.py"], ["users.py", "review.py", "dashboard.py"]),
        (Role.editor, ["claims.py", "review.py", "dashboard.py"], ["users.py"]),
        (Role.admin, ["claims.py", "review.py", "users.py"], []),
    ],
)
def test_navigation_shows_each_role_its_pages(app_db, engine, role, sees, hidden):
    user = make_user(engine, f"someone-{role}", role)
    at = app(token_for(engine, user))
    assert not at.exception and titles(at) == ["My work"]
    signed_in = " ".join(caption.value for caption in at.sidebar.caption)
    assert "Signed in as" in signed_in and "someone" in signed_in and str(role) in signed_in
    for page in hidden:
        with pytest.raises(ValueError):
            at.switch_page(f"{PAGES}/{page}")
    for page in sees:
        if (ROOT / PAGES / page).exists():
            at.switch_page(f"{PAGES}/{page}").run()
            assert not at.exception, (page, at.exception)


def test_sign_out_revokes_the_session(app_db, engine, reviewer):
    token = token_for(engine, reviewer)
    at = app(token)
    at.sidebar.button(key="app_sign_out").click().run()
    assert titles(at) == ["Sign in to the claim workbench"]
    with db.read_session(engine) as session:
        assert auth.user_for_token(session, token, touch=False) is None


def test_revoked_session_ends_at_the_next_rerun(app_db, engine, reviewer):
    token = token_for(engine, reviewer)
    at = app(token)
    assert titles(at) == ["My work"]
    with db.write_session(engine) as session:
        user_sessions.revoke(session, user_id=reviewer.id)
    at.run()
    assert titles(at) == ["Sign in to the claim workbench"]


def test_admin_adds_an_account_on_the_users_page(app_db, engine):
    admin = make_user(engine, "boss", Role.admin)
    at = app(token_for(engine, admin))
    at.switch_page(f"{PAGES}/users.py").run()
    at.text_input(key="users_add_name").input("newbie")
    at.selectbox(key="users_add_role").select("editor")
    at.text_input(key="users_add_password").input("a long enough password")
    next(b for b in at.button if b.label == "Add account").click().run()
    assert not at.exception
    with db.read_session(engine) as session:
        added = users.find_user(session, "newbie")
    assert added is not None and added.role == Role.editor


def test_single_sign_on_shows_st_login_then_maps_the_identity(app_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": False}
    at.run()
    assert titles(at) == ["Sign in to the claim workbench"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.get("html")  # no password form when single sign-on is configured
    at.user = {
        "is_logged_in": True,
        "iss": "http://idp.test",
        "sub": "u-42",
        "email": "nina@example.org",
        "name": "Nina",
    }
    at.run()
    assert not at.exception and titles(at) == ["My work"]
    with db.read_session() as session:
        nina = session.exec(
            select(User).where(User.external_subject == "http://idp.test|u-42")
        ).one()
    assert nina.role == Role.reviewer and nina.name == "nina@example.org"

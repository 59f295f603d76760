"""The sign-in routes on a real server (``python -m workbench.ui.web``), spoken to over HTTP:
the cookie's attributes, revocation on sign-out, and refusal of cross-site POSTs."""

import gc
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import Server, serving_app
from workbench import auth, db, throttle
from workbench.models import Role, SignInThrottle


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        # This test is the reverse proxy: uvicorn takes the client address from its
        # X-Forwarded-For (the server listens dual-stack, so IPv4 peers look IPv6-mapped).
        patch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1,::ffff:127.0.0.1")
        with serving_app(
            tmp_path_factory.mktemp("web") / "web.sqlite3", {"rita": Role.reviewer}
        ) as running:
            yield running


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as http:
        yield http


def same_origin(server: Server) -> dict[str, str]:
    return {"Origin": server.url}


def login(
    client: httpx.Client,
    headers: dict[str, str],
    password: str = PASSWORD,
    name: str = "rita",
    **extra: str,
) -> httpx.Response:
    response = client.post(
        "/auth/login", data={"username": name, "password": password, **extra}, headers=headers
    )
    client.cookies.clear()  # each test sends the cookie it means to, explicitly
    return response


def with_cookie(headers: dict[str, str], value: str) -> dict[str, str]:
    return {**headers, "Cookie": f"{auth.COOKIE_NAME}={value}"}


def user_behind(server: Server, cookie_value: str):  # type: ignore[no-untyped-def]
    token = auth.token_from_cookie(cookie_value)
    assert token
    with db.write_session(db.get_engine(server.database_url)) as session:
        return auth.user_for_token(session, token)


def test_health_check(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_login_sets_an_httponly_samesite_cookie(server: Server, client: httpx.Client) -> None:
    response = login(client, same_origin(server))
    assert response.status_code == 303 and response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")}
    assert set_cookie.startswith(f"{auth.COOKIE_NAME}=")
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=lax" in set_cookie.lower() and "path=/" in set_cookie.lower()
    assert "secure" not in attributes  # plain http here; see the https test
    assert user_behind(server, response.cookies[auth.COOKIE_NAME]).name == "rita"


def test_cookie_is_secure_behind_an_https_proxy(server: Server, client: httpx.Client) -> None:
    response = login(client, {**same_origin(server), "X-Forwarded-Proto": "https"})
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_redirects_without_cookie(server: Server, client: httpx.Client) -> None:
    response = login(client, same_origin(server), password="not the password")
    assert response.status_code == 303
    assert response.headers["location"] == "/?login=failed"
    assert "set-cookie" not in response.headers


def test_sign_in_lands_on_the_link_it_was_opened_from(server: Server, client: httpx.Client) -> None:
    link = "/annotate?article=1&claim=3"
    assert login(client, same_origin(server), next=link).headers["location"] == link
    failed = login(client, same_origin(server), password="not the password", next=link)
    assert failed.headers["location"] == f"{link}&login=failed"  # the link is kept


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/x\r\nSet-Cookie: a=b",
        "",
    ],
)
def test_sign_in_never_lands_on_another_site(
    server: Server, client: httpx.Client, elsewhere: str
) -> None:
    response = login(client, same_origin(server), next=elsewhere)
    assert response.headers["location"] == "/"


def test_failures_are_counted_per_client_address_in_the_database(
    server: Server, client: httpx.Client
) -> None:
    # uvicorn takes the client from X-Forwarded-For only because the peer (this test) is in
    # its FORWARDED_ALLOW_IPS (see the server fixture); from any other peer it is ignored.
    response = login(
        client,
        {**same_origin(server), "X-Forwarded-For": "203.0.113.50"},
        password="not the password",
        name="someone-else",
    )
    assert response.headers["location"] == "/?login=failed"
    with db.read_session(db.get_engine(server.database_url)) as session:
        stored = {
            (row.scope, row.key): row.failures for row in session.exec(select(SignInThrottle))
        }
    assert stored[(throttle.ADDRESS, "203.0.113.50")] == 1
    assert stored[throttle.account_key("someone-else")] == 1


def test_a_lock_set_by_another_process_holds_until_unlocked(
    server: Server, client: httpx.Client
) -> None:
    """The server keeps no count of its own: failures written by this test process (another
    replica, as far as the server knows) lock the name there, and the CLI unlocks it."""
    engine = db.get_engine(server.database_url)
    make_user(engine, "wanda", Role.reviewer)
    for _ in range(throttle.POLICIES[throttle.ACCOUNT].lock_after):
        throttle.record_failure(engine, [throttle.account_key("wanda")])
    refused = login(client, same_origin(server), name="wanda")
    assert refused.headers["location"] == "/?login=failed" and "set-cookie" not in refused.headers
    assert "Unlocked account wanda" in server.cli("user", "unlock", "wanda")
    response = login(client, same_origin(server), name="wanda")
    assert response.headers["location"] == "/" and auth.COOKIE_NAME in response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "null"},
        {},
    ],
)
def test_cross_site_login_is_refused(client: httpx.Client, headers: dict[str, str]) -> None:
    response = login(client, headers)
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_same_origin_referer_is_enough(server: Server, client: httpx.Client) -> None:
    response = login(client, {"Referer": f"{server.url}/"})
    assert response.status_code == 303 and auth.COOKIE_NAME in response.cookies


def test_logout_revokes_the_session_and_deletes_the_cookie(
    server: Server, client: httpx.Client
) -> None:
    cookie = login(client, same_origin(server)).cookies[auth.COOKIE_NAME]
    refused = client.post(
        "/auth/logout", headers=with_cookie({"Origin": "https://evil.example"}, cookie)
    )
    assert refused.status_code == 403
    assert user_behind(server, cookie) is not None  # a forged sign-out changed nothing
    response = client.post("/auth/logout", headers=with_cookie(same_origin(server), cookie))
    assert response.status_code == 303
    deletion = response.headers["set-cookie"].lower()
    assert deletion.startswith(f"{auth.COOKIE_NAME}=") and "max-age=0" in deletion
    assert user_behind(server, cookie) is None  # revoked on the server, not only forgotten


def test_tampered_cookie_signs_nobody_out_or_in(server: Server, client: httpx.Client) -> None:
    cookie = login(client, same_origin(server)).cookies[auth.COOKIE_NAME]
    response = client.post(
        "/auth/logout", headers=with_cookie(same_origin(server), cookie[:-3] + "xyz")
    )
    assert response.status_code == 303
    assert user_behind(server, cookie) is not None


def test_streamlit_still_serves_the_app(client: httpx.Client) -> None:
    assert client.get("/_stcore/health").status_code == 200
    assert '<div id="root">' in client.get("/").text


def test_claimreview_feed_serves_published_claims(server: Server, client: httpx.Client) -> None:
    from workbench import claims, sources, users, verdicts
    from workbench.ratings import find_rating
    from workbench.sample import load_sample

    engine = db.get_engine(server.database_url)
    with db.write_session(engine) as session:
        rita = users.find_user(session, "rita")
        editor = users.add_user(
            session,
            users.builtin_user(session, users.CLI_USER),
            name="feed-editor",
            role=Role.editor,
            password=PASSWORD,
        )
        article = load_sample(session, rita)
        start = article.body.index("an €800 billion plan")
        claim = claims.create_claim(
            session,
            rita,
            claims.ClaimDraft(
                article_id=article.id,
                start=start,
                end=start + len("an €800 billion plan"),
                statement="ReArm Europe is an €800 billion plan",
                claimant="Ursula von der Leyen",
            ),
        )
        for n in range(2):
            source = sources.add_source(
                session, rita, sources.SourceDraft(url=f"https://example.org/rearm-{n}")
            )
            sources.attach_source(session, rita, claim.id, source.id, stance="supports")
        verdict = verdicts.propose_verdict(
            session,
            rita,
            claim.id,
            claim.version,
            rating_id=find_rating(session, "True").id,
            rationale="The Commission's own figure.",
        )
        verdicts.approve_verdict(session, editor, verdict.id, verdict.version)
    response = client.get("/claimreview.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    reviews = response.json()["@graph"]
    assert [r["claimReviewed"] for r in reviews] == ["ReArm Europe is an €800 billion plan"]
    assert reviews[0]["reviewRating"]["alternateName"] == "True"


def test_start_up_freezes_the_loaded_libraries_so_collections_skip_them() -> None:
    """What start-up loaded is frozen, the shipped check-worthiness model included (its
    terms are ~62,000 small lists); Streamlit's collection after every run is off, and
    Python's own collector stays on to free what the runs leave."""
    from workbench.text.checkworthiness_model import shipped_ranker
    from workbench.ui import web

    served = tomllib.loads((Path(web.__file__).parent / ".streamlit/config.toml").read_text())
    assert served["runner"]["postScriptGC"] is False

    shipped_ranker.cache_clear()  # start-up must load it, not an earlier test
    try:
        web.warm_and_freeze()
        frozen = gc.get_freeze_count()
        assert gc.isenabled()
        assert {
            "plotly.graph_objects",
            "workbench.ui.components.span_selector",
            "workbench.summary",
        } <= set(sys.modules)
        assert frozen > 50_000  # the libraries' objects (190,000 here with Streamlit's)
        walked = gc.get_objects()  # what a collection still walks
        assert len(walked) < frozen
        model = shipped_ranker()
        assert model is not None
        terms = model.artefact["terms"]
        assert not any(o is terms or o is model for o in walked)
    finally:
        gc.unfreeze()


def test_no_pages_directory_beside_the_served_entry_page() -> None:
    # Streamlit serves the scripts of a ``pages`` directory beside the entry page as pages
    # of their own, past the sign-in gate, when a fresh server's first request asks for one
    # (tests/e2e/test_rough_edges.py saw /annotate open that way).
    from workbench.ui.web import APP_SCRIPT

    assert APP_SCRIPT.exists()
    assert not (APP_SCRIPT.parent / "pages").exists()

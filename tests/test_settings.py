"""``WORKBENCH_ENVIRONMENT`` and refused configurations (issue 8): anything but ``local`` is
production, and a refused configuration is one readable line from the CLI and the server,
not a pydantic report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench import cli, db, settings
from workbench.settings import (
    LOCAL_DEV_SECRET,
    PROJECT_ROOT,
    WAYBACK_SAVE_ENDPOINT,
    SettingsError,
    get_settings,
)

GOOD_SECRET = "k" * 40


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set WORKBENCH_* variables through the returned monkeypatch; settings re-read each time."""
    for name in (
        "WORKBENCH_ENVIRONMENT",
        "WORKBENCH_SECRET_KEY",
        "WORKBENCH_FETCH_ALLOW_HOSTS",
        "WORKBENCH_ARCHIVE_SAVE_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def settings_for(env: pytest.MonkeyPatch, **variables: str):
    for name, value in variables.items():
        env.setenv(f"WORKBENCH_{name.upper()}", value)
    get_settings.cache_clear()
    return get_settings()


@pytest.mark.parametrize("name", ["production", "staging", "test", "Production", ""])
def test_anything_but_local_is_production(environment, name: str) -> None:
    """Before: "staging" crashed at start-up ("Input should be 'local' or 'production'")."""
    settings = settings_for(environment, environment=name, secret_key=GOOD_SECRET)
    assert settings.is_production and settings.environment != "local"


@pytest.mark.parametrize("name", ["local", "Local", " local "])
def test_local_is_local_whatever_the_case(environment, name: str) -> None:
    settings = settings_for(environment, environment=name)
    assert not settings.is_production and settings.environment == "local"
    assert settings.secret_key == LOCAL_DEV_SECRET


@pytest.mark.parametrize(
    ("secret", "needle"),
    [
        (None, "WORKBENCH_SECRET_KEY must be set to a private random value"),
        ("too-short", "WORKBENCH_SECRET_KEY must be at least 32 characters"),
    ],
)
def test_production_refuses_the_default_or_a_short_secret(environment, secret, needle) -> None:
    variables = {"environment": "staging"} | ({"secret_key": secret} if secret else {})
    with pytest.raises(SettingsError) as raised:
        settings_for(environment, **variables)
    message = str(raised.value)
    assert needle in message
    assert "pydantic" not in message and "Value error" not in message


def test_a_malformed_value_names_its_variable(environment) -> None:
    with pytest.raises(SettingsError, match=r"^WORKBENCH_SESSION_HOURS: .*integer"):
        settings_for(environment, session_hours="twelve")


def test_cli_prints_the_refusal_in_one_line(environment, capsys) -> None:
    """Before: exit status 2 and pydantic's multi-line report with its documentation link."""
    environment.setenv("WORKBENCH_ENVIRONMENT", "staging")
    assert cli.main(["claims", "list"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: WORKBENCH_SECRET_KEY must be set") and err.count("\n") == 1
    assert "Traceback" not in err and "pydantic" not in err


def test_server_refuses_to_start_with_one_line(environment, monkeypatch, capsys, tmp_path) -> None:
    """``workbench serve`` (what ``dev.py start`` runs) stops before serving; with a proper
    secret the same environment starts."""
    started: list[tuple] = []
    monkeypatch.setattr(cli.os, "execv", lambda *argv: started.append(argv))
    environment.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    environment.setenv("WORKBENCH_ENVIRONMENT", "staging")
    assert cli.main(["serve"]) == 1
    assert capsys.readouterr().err.startswith("error: WORKBENCH_SECRET_KEY must be set")
    assert started == []

    environment.setenv("WORKBENCH_SECRET_KEY", GOOD_SECRET)
    get_settings.cache_clear()
    assert cli.main(["serve", "--server.port", "8599"]) == 0
    assert [argv[-2:] for _, argv in started] == [["--server.port", "8599"]]
    db.get_engine().dispose()
    db.get_engine.cache_clear()


def test_the_database_is_in_db_in_a_checkout(environment) -> None:
    environment.delenv("WORKBENCH_DATABASE_URL", raising=False)
    assert settings.IN_CHECKOUT  # these tests run from the checkout
    assert get_settings().database_url == f"sqlite:///{PROJECT_ROOT / 'db' / 'workbench.sqlite3'}"


def test_an_installed_package_keeps_it_in_the_users_data_directory(environment, tmp_path) -> None:
    """Not in site-packages, which the next `pip install` replaces (issue 12)."""
    environment.delenv("WORKBENCH_DATABASE_URL", raising=False)
    environment.setattr(settings, "IN_CHECKOUT", False)
    environment.setenv("XDG_DATA_HOME", str(tmp_path))
    expected = tmp_path / "claim-workbench" / "workbench.sqlite3"
    assert get_settings().database_url == f"sqlite:///{expected}"


def test_fetch_settings_have_safe_defaults(environment) -> None:
    """Issue 14: no internal host allowed, no public archive asked, until someone says so."""
    settings = settings_for(environment)
    assert settings.fetch_allow_hosts == ()
    assert settings.archive_save_endpoint == ""
    assert settings.fetch_timeout_seconds > 0 and settings.fetch_max_bytes > 0


def test_allowed_hosts_are_a_comma_separated_list(environment) -> None:
    settings = settings_for(
        environment, fetch_allow_hosts=" Wiki.Newsroom.Internal., 10.1.2.3,,[fd00::5] "
    )
    assert settings.fetch_allow_hosts == ("wiki.newsroom.internal", "10.1.2.3", "fd00::5")


def test_the_archive_endpoint_must_be_a_web_address(environment) -> None:
    settings = settings_for(environment, archive_save_endpoint=WAYBACK_SAVE_ENDPOINT)
    assert settings.archive_save_endpoint == "https://web.archive.org/save/"
    with pytest.raises(SettingsError, match=r"^WORKBENCH_ARCHIVE_SAVE_ENDPOINT: .*https://"):
        settings_for(environment, archive_save_endpoint="file:///tmp/archive/")


@pytest.mark.parametrize(
    ("name", "value"),
    [("fetch_timeout_seconds", "0"), ("fetch_max_bytes", "-5"), ("fetch_max_bytes", "5MB")],
)
def test_fetch_limits_must_be_positive_numbers(environment, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^WORKBENCH_{name.upper()}: "):
        settings_for(environment, **{name: value})

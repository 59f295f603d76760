"""``workbench user list|set-role|deactivate|activate|reset-password``, run in-process on
both databases (``database_url`` sets WORKBENCH_DATABASE_URL)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import PASSWORD, run_json
from workbench import auth, db, users
from workbench.models import AuditEvent, Role

NEW_PASSWORD = "a brand new password 2"


def stored_user(engine: Engine, name: str):
    with db.read_session(engine) as session:
        return users.find_user(session, name)


def last_event(engine: Engine, user_id: int) -> AuditEvent:
    with db.read_session(engine) as session:
        return session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == "user", AuditEvent.entity_id == user_id)
            .order_by(col(AuditEvent.id).desc())
        ).first()


def signed_in(engine: Engine, token: str) -> bool:
    with db.read_session(engine) as session:
        return auth.user_for_token(session, token, touch=False) is not None


def can_sign_in(engine: Engine, name: str, password: str) -> bool:
    try:
        auth.sign_in(name, password, engine=engine)
    except auth.SignInFailed:
        return False
    return True


class Terminal(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the person types at getpass's prompts, in order (the test fills the list)."""
    answers: list[str] = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    yield answers
    assert answers == [], "a prompt the command was expected to show was not shown"


def test_user_list_json_leaves_out_the_builtin_accounts(run_cli, engine, reviewer, editor):
    data = run_json(run_cli, "user", "list")
    assert [(u["name"], u["role"], u["active"]) for u in data] == [
        ("eddie", "editor", True),
        ("rita", "reviewer", True),
    ]
    assert set(data[0]) == {"name", "display_name", "role", "active", "created_at"}
    assert data[1]["created_at"].startswith(f"{stored_user(engine, 'rita').created_at:%Y-%m-%d}")
    assert data[1]["created_at"].endswith("+00:00")  # UTC on both databases


def test_user_list_human_output(run_cli, engine, reviewer, editor):
    run_json(run_cli, "user", "deactivate", "eddie")
    code, out, err = run_cli("user", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].split() == [
        "eddie",
        "editor",
        "inactive",
        f"{stored_user(engine, 'eddie').created_at:%Y-%m-%d}",
        "eddie",
    ]
    assert lines[1].split()[:3] == ["rita", "reviewer", "active"]


def test_user_list_without_accounts(run_cli):
    code, out, _ = run_cli("user", "list")
    assert code == 0 and out.startswith("No accounts yet")
    assert run_json(run_cli, "user", "list") == []


def test_set_role_changes_the_role_and_audits(run_cli, engine, reviewer):
    assert run_json(run_cli, "user", "set-role", "Rita", "editor")["role"] == "editor"
    assert stored_user(engine, "rita").role == Role.editor
    event = last_event(engine, reviewer.id)
    assert (event.actor_name, event.changes) == ("cli", {"role": ["reviewer", "editor"]})
    code, out, _ = run_cli("user", "set-role", "rita", "admin")
    assert code == 0 and out.strip() == "rita is now admin."


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("set-role", "rita", "owner"), "Role"),
        (("set-role", "nobody", "editor"), "There is no user called 'nobody'."),
        (("set-role", "cli", "reviewer"), "Built-in accounts"),
        (("deactivate", "nobody"), "There is no user called 'nobody'."),
        (("deactivate", "cli"), "Built-in accounts"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(run_cli, engine, reviewer, argv, message):
    code, out, err = run_cli("user", *argv)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert stored_user(engine, "rita").role == Role.reviewer
    assert last_event(engine, reviewer.id).action == "create"


def test_deactivate_ends_sessions_and_activate_lets_them_back(run_cli, engine, reviewer):
    token, _ = auth.sign_in("rita", PASSWORD, engine=engine)
    code, out, _ = run_cli("user", "deactivate", "rita")
    assert code == 0 and out.startswith("Deactivated rita")
    assert not stored_user(engine, "rita").active
    assert not signed_in(engine, token)
    assert not can_sign_in(engine, "rita", PASSWORD)
    assert last_event(engine, reviewer.id).changes == {"active": [True, False]}
    assert run_json(run_cli, "user", "activate", "rita")["active"] is True
    assert not signed_in(engine, token)  # ended sessions stay ended
    assert can_sign_in(engine, "rita", PASSWORD)


def test_reset_password_from_stdin(run_cli, engine, reviewer, monkeypatch):
    token, _ = auth.sign_in("rita", PASSWORD, engine=engine)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{NEW_PASSWORD}\nignored\n"))
    data = run_json(run_cli, "user", "reset-password", "rita", "--password-stdin")
    assert data["name"] == "rita"
    assert not signed_in(engine, token)
    assert not can_sign_in(engine, "rita", PASSWORD)
    assert can_sign_in(engine, "rita", NEW_PASSWORD)
    with db.read_session(engine) as session:
        actions = [
            e.action
            for e in session.exec(
                select(AuditEvent).where(
                    AuditEvent.entity_id == reviewer.id, AuditEvent.actor_name == "cli"
                )
            )
        ]
    assert actions == ["create", "password"]


def test_reset_password_asks_twice_at_a_terminal(run_cli, engine, reviewer, typed):
    typed.extend([NEW_PASSWORD, NEW_PASSWORD])
    code, out, err = run_cli("user", "reset-password", "rita")
    assert code == 0, err
    assert out.strip() == "New password set for rita; their open sessions ended."
    assert can_sign_in(engine, "rita", NEW_PASSWORD)


def test_reset_password_refuses_two_different_entries(run_cli, engine, reviewer, typed):
    typed.extend([NEW_PASSWORD, NEW_PASSWORD + "x"])
    code, _, err = run_cli("user", "reset-password", "rita")
    assert code == 1 and "The two passwords differ." in err
    assert can_sign_in(engine, "rita", PASSWORD)


def test_reset_password_refuses_a_short_one(run_cli, engine, reviewer, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run_cli("user", "reset-password", "rita", "--password-stdin")
    assert code == 1 and "at least 10" in err
    assert can_sign_in(engine, "rita", PASSWORD)


def test_reset_password_without_a_terminal_needs_the_flag(run_cli, engine, reviewer, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{NEW_PASSWORD}\n"))
    code, out, err = run_cli("user", "reset-password", "rita")
    assert code == 1 and out == "" and "--password-stdin" in err
    assert can_sign_in(engine, "rita", PASSWORD)

import pytest
from sqlmodel import select

from workbench import db, users
from workbench.errors import InvalidInput, NotFound, PermissionDenied
from workbench.models import AuditEvent, Role, User

PASSWORD = "long enough passphrase"


def admin_of(session):
    return users.builtin_user(session, users.CLI_USER)


def add(engine, actor=None, *, name="alice", role="reviewer", password=PASSWORD, **extra):
    with db.write_session(engine) as session:
        return users.add_user(
            session, actor or admin_of(session), name=name, role=role, password=password, **extra
        )


def stored(engine, name):
    with db.read_session(engine) as session:
        return users.find_user(session, name)


def user_events(engine):
    with db.read_session(engine) as session:
        return session.exec(
            select(AuditEvent).where(AuditEvent.entity == "user").order_by(AuditEvent.id)
        ).all()


# --- add_user ---------------------------------------------------------------------------------


def test_admin_adds_user_with_audit(engine):
    user = add(engine, name="  alice.smith@newsroom  ", role="editor", display_name="Alice S.")
    row = stored(engine, "alice.smith@newsroom")
    assert row.id == user.id and row.role == Role.editor and row.active
    assert row.display_name == "Alice S."
    events = user_events(engine)
    assert [(e.action, e.entity_id, e.actor_name) for e in events] == [("create", user.id, "cli")]
    assert events[0].changes == {"name": [None, "alice.smith@newsroom"], "role": [None, "editor"]}


def test_display_name_defaults_to_name(engine):
    assert add(engine, name="bob").display_name == "bob"


def test_a_human_admin_may_add_users(engine):
    boss = add(engine, name="boss", role="admin")
    assert add(engine, boss, name="newbie").role == Role.reviewer


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_non_admins_cannot_add_users(engine, role):
    actor = add(engine, name=f"some-{role}", role=role)
    with pytest.raises(PermissionDenied):
        add(engine, actor, name="intruder", role="admin")
    assert stored(engine, "intruder") is None


def test_deactivated_admin_cannot_add_users(engine):
    boss = add(engine, name="boss", role="admin")
    with db.write_session(engine) as session:
        users.set_active(session, admin_of(session), boss.id, False)
    with db.read_session(engine) as session:
        boss = users.get_user(session, boss.id)
    with pytest.raises(PermissionDenied):
        add(engine, boss, name="newbie")


@pytest.mark.parametrize(
    "name",
    [
        "a",
        "",
        "   ",
        "-dash-first",
        ".dot",
        "has space",
        "semi;colon",
        "x" * 81,
        "cli",
        "local",
        "名前",
    ],
)
def test_bad_names_are_refused(engine, name):
    with pytest.raises(InvalidInput, match="User names"):
        add(engine, name=name)
    with db.read_session(engine) as session:
        assert {u.name for u in users.list_users(session)} <= {"cli"}


@pytest.mark.parametrize("name", ["ab", "x" * 80, "rita_1", "r.ita-2@desk", "9lives"])
def test_good_names_are_accepted(engine, name):
    assert add(engine, name=name).name == name


def test_duplicate_name_is_refused(engine):
    add(engine, name="alice")
    with pytest.raises(InvalidInput, match="already exists"):
        add(engine, name="alice", role="editor")
    with pytest.raises(InvalidInput, match="already exists"):
        add(engine, name=" alice ")
    with db.read_session(engine) as session:
        assert len(session.exec(select(User).where(User.name == "alice")).all()) == 1


def test_unknown_role_is_refused(engine):
    with pytest.raises(InvalidInput, match="Role"):
        add(engine, role="superuser")


@pytest.mark.parametrize("password", ["", "short", "nine char"])
def test_short_password_is_refused(engine, password):
    with pytest.raises(InvalidInput, match="at least 10"):
        add(engine, password=password)
    assert stored(engine, "alice") is None


def test_password_is_stored_as_argon2_hash(engine):
    add(engine, password=PASSWORD)
    row = stored(engine, "alice")
    assert row.password_hash and row.password_hash.startswith("$argon2")
    assert PASSWORD not in row.password_hash
    other = add(engine, name="bob", password=PASSWORD)
    assert stored(engine, "bob").password_hash != row.password_hash  # salted
    assert other.id != row.id


def test_verify_password(engine):
    add(engine)
    digest = stored(engine, "alice").password_hash
    assert users.verify_password(PASSWORD, digest) is True
    assert users.verify_password(PASSWORD + "x", digest) is False
    assert users.verify_password("", digest) is False
    assert users.verify_password(PASSWORD, None) is False
    assert users.verify_password(PASSWORD, "") is False


def test_user_without_password_cannot_sign_in(engine):
    add(engine, name="sso-user", password=None, external_subject="oidc|123")
    row = stored(engine, "sso-user")
    assert row.password_hash is None and row.external_subject == "oidc|123"
    assert users.verify_password("", row.password_hash) is False


# --- built-in accounts ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [users.CLI_USER, users.LOCAL_USER])
def test_builtin_users_have_no_password(engine, name):
    with db.write_session(engine) as session:
        first = users.builtin_user(session, name)
    with db.write_session(engine) as session:
        again = users.builtin_user(session, name)
    assert first.id == again.id  # created once
    assert again.password_hash is None and again.role == Role.admin
    for guess in ("", name, "password", PASSWORD):
        assert users.verify_password(guess, again.password_hash) is False


def test_builtin_user_rejects_other_names(engine):
    with pytest.raises(ValueError), db.write_session(engine) as session:
        users.builtin_user(session, "root")


@pytest.mark.parametrize("name", [users.CLI_USER, users.LOCAL_USER])
def test_builtin_users_cannot_be_given_a_password(engine, name):
    """They exist without passwords *so they can never sign in*; a password would open them."""
    with db.write_session(engine) as session:
        target = users.builtin_user(session, name)
    with pytest.raises((InvalidInput, PermissionDenied)), db.write_session(engine) as session:
        users.set_password(session, admin_of(session), target.id, PASSWORD)
    assert stored(engine, name).password_hash is None


# --- set_role / set_active / set_password -----------------------------------------------------


def test_admin_changes_role_with_audit(engine):
    user = add(engine)
    with db.write_session(engine) as session:
        users.set_role(session, admin_of(session), user.id, "editor")
    assert stored(engine, "alice").role == Role.editor
    assert user_events(engine)[-1].changes == {"role": ["reviewer", "editor"]}
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        users.set_role(session, admin_of(session), user.id, "owner")
    with pytest.raises(NotFound), db.write_session(engine) as session:
        users.set_role(session, admin_of(session), user.id + 999, "editor")


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_non_admins_cannot_change_roles_or_activation(engine, role):
    actor = add(engine, name="actor", role=role)
    target = add(engine, name="target")
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        users.set_role(session, actor, actor.id, "admin")  # not even their own
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        users.set_active(session, actor, target.id, False)
    assert stored(engine, "actor").role == role
    assert stored(engine, "target").active is True


def test_admin_deactivates_and_reactivates(engine):
    user = add(engine)
    with db.write_session(engine) as session:
        users.set_active(session, admin_of(session), user.id, False)
    assert stored(engine, "alice").active is False
    assert user_events(engine)[-1].changes == {"active": [True, False]}
    with db.write_session(engine) as session:
        users.set_active(session, admin_of(session), user.id, True)
    assert stored(engine, "alice").active is True


def test_user_changes_own_password(engine):
    user = add(engine)
    new = "a brand new passphrase"
    with db.write_session(engine) as session:
        users.set_password(session, user, user.id, new)
    digest = stored(engine, "alice").password_hash
    assert users.verify_password(new, digest) and not users.verify_password(PASSWORD, digest)
    event = user_events(engine)[-1]
    assert (event.action, event.actor_name) == ("password", "alice")
    assert new not in str(event.changes) and PASSWORD not in str(event.changes)


@pytest.mark.parametrize("role", [Role.reviewer, Role.editor])
def test_non_admin_cannot_change_another_users_password(engine, role):
    actor = add(engine, name="actor", role=role)
    target = add(engine, name="target")
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        users.set_password(session, actor, target.id, "hijacked password")
    assert users.verify_password(PASSWORD, stored(engine, "target").password_hash)


def test_admin_resets_password_but_not_too_short(engine):
    user = add(engine)
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        users.set_password(session, admin_of(session), user.id, "short")
    with db.write_session(engine) as session:
        users.set_password(session, admin_of(session), user.id, "reset by the admin")
    assert users.verify_password("reset by the admin", stored(engine, "alice").password_hash)


def test_two_servers_creating_the_builtin_user_share_one_row(engine, database_url):
    # Two replicas starting on a new database both find no ``local`` account; the second
    # insert must read the first one's row, not fail the start. The other server's insert
    # is made right before ours is flushed. SQLite cannot interleave them (one writer holds
    # the file), so only PostgreSQL shows the race.
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock serialises the two servers: no race to lose")
    from sqlalchemy import event

    def other_server(session, _context, _instances):  # type: ignore[no-untyped-def]
        with db.write_session(engine) as other:
            other.add(User(name=users.LOCAL_USER, display_name="other", role=Role.admin))

    with db.write_session(engine) as session:
        event.listen(session, "before_flush", other_server, once=True)
        user = users.builtin_user(session, users.LOCAL_USER)
        assert user.display_name == "other"
    with db.read_session(engine) as session:
        rows = session.exec(select(User).where(User.name == users.LOCAL_USER)).all()
    assert len(rows) == 1

"""Shared fixtures: a fresh, migrated database per test, on SQLite and (when
``WORKBENCH_TEST_POSTGRES_URL`` is set) on PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from tests.factories import Desk, build_desk
from workbench import db, users
from workbench.db_cache import DatabaseCache
from workbench.models import Role, User
from workbench.settings import get_settings

T = TypeVar("T")

POSTGRES_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL", "")
#: The password of every account the fixtures make.
PASSWORD = "correct horse 1"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL_DATA = Path(os.environ.get("WORKBENCH_EVAL_DATA", SHARED / "eval-data"))


def _postgres_database(template: str = "") -> Iterator[str]:
    """A throw-away database on the test server (a copy of ``template``), dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        db.get_engine.cache_clear()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrated(url: str) -> str:
    """``url`` migrated to the newest revision, with no connection left open to it."""
    db.upgrade(url)
    db.get_engine(url).dispose()
    db.get_engine.cache_clear()
    return url


@pytest.fixture(autouse=True)
def _keep_the_main_module() -> Iterator[None]:
    """AppTest runs a page as ``__main__`` and leaves it registered there. A later test in
    the same process whose code starts workers with ``spawn`` (``benchmarks/generate.py``)
    would then run that page again in each child, which dies on it."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def light_password_hashes() -> Iterator[None]:
    """Argon2 with light parameters inside the test processes: the recommended ones cost
    about 0.25 s per hash (more on a busy machine), and most tests make two or three
    accounts. Same code path; servers the browser tests start run with the real ones."""
    real = users._hasher
    users._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=12 * 1024, parallelism=1),))
    users._dummy_hash.cache_clear()
    yield
    users._hasher = real
    users._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process, copied for each test: migrating a new
    file per test cost about 0.3 s of each of a thousand tests' set-up."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """One migrated PostgreSQL database per test process, the template of each test's."""
    if not POSTGRES_URL:
        pytest.skip("WORKBENCH_TEST_POSTGRES_URL is not set (PostgreSQL run disabled)")
    generator = _postgres_database()
    url = _migrated(next(generator))
    yield make_url(url).database or ""
    next(generator, None)


def _copy_sqlite(template: Path, target: Path) -> str:
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A migrated, empty database; also made the process default via the environment.

    A copy of a database migrated once per process; ``db.upgrade`` on it checks that it is
    at the newest revision (the migrations themselves are tested in test_migrations)."""
    if request.param == "postgres":
        generator = _postgres_database(request.getfixturevalue("migrated_postgres"))
        url = next(generator)
    else:
        generator = None
        url = _copy_sqlite(
            request.getfixturevalue("migrated_sqlite"), tmp_path / "workbench.sqlite3"
        )
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.upgrade(url)
    yield url
    db.get_engine(url).dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()
    if generator is not None:
        next(generator, None)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return db.get_engine(database_url)


def make_user(engine: Engine, name: str, role: Role) -> User:
    with db.write_session(engine) as session:
        admin = users.builtin_user(session, users.CLI_USER)
        return users.add_user(session, admin, name=name, role=role, password=PASSWORD)


@pytest.fixture
def reviewer(engine: Engine) -> User:
    return make_user(engine, "rita", Role.reviewer)


@pytest.fixture
def editor(engine: Engine) -> User:
    return make_user(engine, "eddie", Role.editor)


@pytest.fixture
def second_editor(engine: Engine) -> User:
    return make_user(engine, "erin", Role.editor)


@pytest.fixture
def desk(engine: Engine, reviewer: User, editor: User) -> Desk:
    """``build_desk``'s dataset, which the review, dashboard and page tests read."""
    return build_desk(engine, reviewer, editor)


@pytest.fixture
def article(engine: Engine, reviewer: User):
    """The sample article, added by the reviewer."""
    from workbench.sample import load_sample

    with db.write_session(engine) as session:
        return load_sample(session, reviewer)


def new_article(engine: Engine, user: User | None, body: str, title: str = "Article", **fields):
    """An article stored through the service, by ``user`` (None: the built-in single-user
    account the browser acts as while nobody signs in)."""
    from workbench import articles

    with db.write_session(engine) as session:
        author = user or users.builtin_user(session, users.LOCAL_USER)
        return articles.add_article(
            session, author, articles.ArticleDraft(title=title, body=body, **fields)
        )


def new_claim(
    engine: Engine, user: User, article, text: str = "valued at least at $6.2 billion", **extra
):
    """A claim on the first occurrence of ``text`` in ``article``."""
    from workbench import claims

    start = article.body.index(text)
    with db.write_session(engine) as session:
        return claims.create_claim(
            session,
            user,
            claims.ClaimDraft(article_id=article.id, start=start, end=start + len(text), **extra),
        )


@pytest.fixture
def run_cli(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """Run the ``workbench`` command in-process; returns (exit code, stdout, stderr)."""
    from workbench import cli

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    db.get_engine().dispose()  # the CLI's engine (default URL), not the fixture's


def run_json(run_cli: Callable[..., tuple[int, str, str]], *argv: str) -> Any:
    """The command's ``--json`` output, parsed; it must succeed."""
    code, out, err = run_cli(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="session")
def eval_data() -> Path:
    """The third-party evaluation data (research-only licences, so never in the repo);
    ``WORKBENCH_EVAL_DATA`` points elsewhere."""
    if not EVAL_DATA.is_dir():
        pytest.skip(
            f"{EVAL_DATA} is not present (third-party evaluation data lives outside the repository)"
        )
    return EVAL_DATA


def gate_reads(monkeypatch: pytest.MonkeyPatch, cache: DatabaseCache[Any]) -> threading.Event:
    """Hold ``cache``'s reads until the returned event is set, so a test can show that no
    request waits for a background read (and what it does meanwhile)."""
    gate = threading.Event()
    read = cache.load

    def gated(session: Any) -> Any:
        assert gate.wait(timeout=60), f"the test never let the {cache.name} be read"
        return read(session)

    monkeypatch.setattr(cache, "load", gated)
    return gate


def statements_run(engine: Engine, action: Callable[[], T]) -> tuple[list[str], T]:
    """The SQL statements ``action()`` sends through ``engine``, and what it returned."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        return sent, action()
    finally:
        event.remove(engine, "before_cursor_execute", record)

"""The workbench as a newsroom's IT person gets it (issue 12): a wheel built from this
checkout, installed into a fresh virtualenv outside it, runs every command of the README's
install section, and the package carries what the checkout keeps outside ``workbench/``
(the migrations in ``db/``, the entry page, Streamlit's settings).

Hermetic: the wheel is built offline with the test environment's setuptools (no build
isolation), installed without its dependencies, and the new environment sees this
environment's libraries through a ``.pth`` line, which does not run the editable install's
own ``.pth`` hook, so ``import workbench`` finds only the wheel's copy.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from workbench import db

ROOT = Path(__file__).resolve().parents[1]
#: What the wheel is built from: everything the package and its metadata need.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "workbench", "db")
COMMAND_TIMEOUT = 120
SERVE_TIMEOUT = 60


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    bin: Path
    home: Path  # a folder outside the checkout: the commands' working directory

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        """A command of the new environment, from ``home``, with only ``env`` added."""
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WORKBENCH_", "PYTHON"))
        }
        return subprocess.run(
            command,
            cwd=self.home,
            env={**clean, **env},
            text=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def workbench(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.bin / "workbench"), *args, **env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(
            ROOT / name,
            source / name,
            **(
                {"ignore": shutil.ignore_patterns("__pycache__", "*.sqlite3*")}
                if (ROOT / name).is_dir()
                else {}
            ),
        )
    dist = base / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(dist),
            str(source),
        ],
        check=True,
        timeout=COMMAND_TIMEOUT,
        cwd=base,
    )
    [wheel] = dist.glob("claim_workbench-*.whl")

    environment = base / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=COMMAND_TIMEOUT,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(purelib.strip(), "test_environment.pth").write_text(sysconfig.get_paths()["purelib"])
    home = base / "home"
    home.mkdir()
    return Installed(wheel, python, environment / "bin", home)


def test_the_wheel_carries_every_folder_of_the_package_and_the_migrations(installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    folders = {
        folder.relative_to(ROOT).as_posix()
        for top in ("workbench", "db")
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir()
        and folder.name != "__pycache__"
        and any(
            child.is_file()
            and child.suffix not in (".pyc", ".sqlite3")
            and ".sqlite3" not in child.name
            for child in folder.iterdir()
        )
    }
    shipped = {
        name.rsplit("/", 1)[0].replace("workbench/migrations", "db", 1)
        if name.startswith("workbench/migrations")
        else name.rsplit("/", 1)[0]
        for name in names
    }
    assert folders <= shipped, f"missing from the wheel: {sorted(folders - shipped)}"
    migrations = sorted(path.name for path in (ROOT / "db" / "versions").glob("*.py"))
    assert {f"workbench/migrations/versions/{name}" for name in migrations} <= names
    assert {
        "workbench/ui/shell/entry.py",
        "workbench/ui/.streamlit/config.toml",
        "workbench/migrations/env.py",
        "workbench/migrations/script.py.mako",
    } <= names
    metadata = (
        zipfile.ZipFile(installed.wheel)
        .read(next(name for name in names if name.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT" in metadata
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_workbench_runs_from_the_wheel_not_from_the_checkout(installed) -> None:
    found = installed.run(
        str(installed.python), "-c", "import workbench; print(workbench.__file__)"
    )
    assert found.returncode == 0, found.stderr
    location = Path(found.stdout.strip())
    assert location.is_relative_to(installed.python.parent.parent)
    assert not location.is_relative_to(ROOT)


def test_version_and_help(installed) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    shown = installed.workbench("--version")
    assert (shown.returncode, shown.stdout) == (0, f"workbench {version}\n")
    helped = installed.run(str(installed.python), "-m", "workbench", "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("Usage: workbench")
    assert "serve" in helped.stdout


def test_db_upgrade_and_demo_on_a_configured_database(installed, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'newsroom.sqlite3'}"
    upgraded = installed.workbench("db", "upgrade", WORKBENCH_DATABASE_URL=url)
    assert (upgraded.returncode, upgraded.stdout) == (0, "Database is up to date.\n"), (
        upgraded.stderr
    )
    demo = installed.workbench("demo", "--json", WORKBENCH_DATABASE_URL=url)
    assert demo.returncode == 0, demo.stderr
    assert '"id": 1' in demo.stdout
    with db.get_engine(url).connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM article").scalar_one()
    db.get_engine(url).dispose()
    assert count == 1


def test_the_default_database_is_in_the_users_data_directory(installed, tmp_path) -> None:
    upgraded = installed.workbench("db", "upgrade", XDG_DATA_HOME=str(tmp_path))
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "claim-workbench" / "workbench.sqlite3").is_file()
    assert not list(installed.python.parent.parent.rglob("*.sqlite3"))


def test_a_command_on_a_database_behind_asks_for_db_upgrade(installed, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    scripts = ScriptDirectory.from_config(db.alembic_config(url))
    previous = scripts.get_revision(scripts.get_current_head()).down_revision
    # The installed package's own migrations take it to the revision before the newest.
    made = installed.run(
        str(installed.python), "-c", f"from workbench import db; db.upgrade({url!r}, {previous!r})"
    )
    assert made.returncode == 0, made.stderr
    refused = installed.workbench("claims", "list", WORKBENCH_DATABASE_URL=url)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"error: the database is at revision {previous}; run `workbench db upgrade`\n"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def test_serve_answers_health_checks(installed, tmp_path) -> None:
    """`workbench serve` passes the Streamlit options on and serves the app with the
    workbench's own routes (``/healthz``), not a bare Streamlit."""
    port = _free_port()
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WORKBENCH_", "PYTHON"))
    }
    env = {**clean, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}"}
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(installed.bin / "workbench"),
                "serve",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
            ],
            cwd=installed.home,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while _get(f"http://127.0.0.1:{port}/_stcore/health") != "ok":
            assert server.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.3)
        assert _get(f"http://127.0.0.1:{port}/healthz") == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (tmp_path / "served.sqlite3").is_file()  # the start created the new database


def test_the_installed_entry_page_shows_the_app(installed, tmp_path) -> None:
    """What the served script shows on a first visit: single-user mode, the start page. Run
    with AppTest inside the new environment, so the pages resolve from the wheel's files."""
    script = (
        "from streamlit.testing.v1 import AppTest; import workbench.ui.shell.entry as entry\n"
        "at = AppTest.from_file(entry.__file__, default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "print(at.title[0].value, '|', at.caption[0].value)\n"
    )
    shown = installed.run(
        str(installed.python),
        "-c",
        script,
        WORKBENCH_DATABASE_URL=f"sqlite:///{tmp_path / 'page.sqlite3'}",
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert shown.stdout.strip().endswith(
        "Claim workbench | Single-user mode: no sign-in until an account exists."
    )

"""How the package's modules depend on each other: one way, Streamlit only in the UI, and
the UI never near the database (it reads through ``workbench.loaders`` and writes through
``workbench.actions``).

Read from the source with ``ast`` (imports inside functions included), so a cycle is
caught before it bites as a half-initialised module at start-up.
"""

from __future__ import annotations

import ast
import enum
from pathlib import Path

from workbench import models

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
TESTS = PACKAGE.parent / "tests"
#: The UI: ``app.py`` and everything under ``workbench/ui``.
UI_FILES = [PACKAGE.parent / "app.py", *sorted((PACKAGE / "ui").rglob("*.py"))]
#: Modules the UI must not import: the database and the ORM.
DATABASE_MODULES = ("workbench.db", "workbench.models", "sqlmodel", "sqlalchemy")
#: What opens a database session.
SESSION_OPENERS = {"read_session", "write_session", "Session"}
#: Test-side modules any test may import, besides the conftest modules: the shared
#: factories and hostile values, and the pages the span-selector browser test serves
#: (it computes its expected offsets from their text).
SHARED_TEST_MODULES = {
    "tests.factories",
    "tests.hostile_data",
    "tests.e2e.span_selector_app",
    "tests.e2e.span_selector_articles_app",
}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: _imports(path, known) - {name} for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle in ``graph`` (as a path that returns to its start), or []."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return trail[trail.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        trail.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_no_module_imports_itself_through_others() -> None:
    assert _cycle(_graph()) == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_only_the_ui_imports_streamlit() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if _module(path).startswith("workbench.ui"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{_module(path)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_tests_share_helpers_only_through_conftest_and_factories() -> None:
    """A helper imported from another test file ties the two files together: splitting,
    renaming or deleting one breaks the other."""
    paths = {_module(path): path for path in TESTS.rglob("*.py")}
    allowed = SHARED_TEST_MODULES | {
        name for name, path in paths.items() if path.stem in ("conftest", "__init__")
    }
    offenders = sorted(
        f"{name}: {target}"
        for name, path in paths.items()
        for target in _imports(path, set(paths)) - allowed - {name}
    )
    assert offenders == []


def _plain_model(name: str) -> bool:
    """An enum from ``workbench.models`` (a role, a claim state): plain values, no table."""
    value = getattr(models, name, None)
    return isinstance(value, type) and issubclass(value, enum.Enum)


def _database_use(source: str) -> list[str]:
    """What in ``source`` reaches the database: an import of the db module, the ORM or
    a table class, or a call that opens a session."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith(DATABASE_MODULES)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "workbench.models":
                found += [
                    f"workbench.models.{alias.name}"
                    for alias in node.names
                    if not _plain_model(alias.name)
                ]
            elif node.module.startswith(DATABASE_MODULES):
                found.append(node.module)
            elif node.module == "workbench":
                found += [
                    f"workbench.{alias.name}"
                    for alias in node.names
                    if f"workbench.{alias.name}" in DATABASE_MODULES
                ]
        elif isinstance(node, ast.Call):
            called = node.func
            name = (
                called.attr
                if isinstance(called, ast.Attribute)
                else called.id
                if isinstance(called, ast.Name)
                else ""
            )
            if name in SESSION_OPENERS:
                found.append(f"{name}()")
    return found


def test_the_ui_never_opens_a_database_session_or_touches_the_orm() -> None:
    """Pages get plain dataclasses from ``workbench.loaders`` and write through
    ``workbench.actions``: one read per page run, never a row held across a rerun."""
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}: {use}"
        for path in UI_FILES
        for use in _database_use(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_database_check_sees_each_way_in() -> None:
    source = """
import sqlalchemy.exc
from sqlmodel import select
from workbench import db, loaders
from workbench.models import Claim, ClaimState
with db.read_session() as session:
    pass
loaders.write_session()
"""
    assert sorted(_database_use(source)) == [
        "read_session()",
        "sqlalchemy.exc",
        "sqlmodel",
        "workbench.db",
        "workbench.models.Claim",
        "write_session()",
    ]

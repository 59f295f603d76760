"""How the package's modules depend on each other: one way, and Streamlit only in the UI.

Read from the source with ``ast`` (imports inside functions included), so a cycle is
caught before it bites as a half-initialised module at start-up.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
TESTS = PACKAGE.parent / "tests"
#: Test-side modules any test may import, besides the conftest modules: the shared
#: factories and hostile values, and the pages the span-selector browser test serves
#: (it computes its expected offsets from their text).
SHARED_TEST_MODULES = {"tests.factories", "tests.hostile_data", "tests.e2e.span_selector_app",
                       "tests.e2e.span_selector_articles_app"}


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
                return trail[trail.index(target):] + [target]
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
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{_module(path)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_tests_share_helpers_only_through_conftest_and_factories() -> None:
    """A helper imported from another test file ties the two files together: splitting,
    renaming or deleting one breaks the other."""
    paths = {_module(path): path for path in TESTS.rglob("*.py")}
    allowed = SHARED_TEST_MODULES | {name for name, path in paths.items()
                                     if path.stem in ("conftest", "__init__")}
    offenders = sorted(f"{name}: {target}" for name, path in paths.items()
                       for target in _imports(path, set(paths)) - allowed - {name})
    assert offenders == []

"""The house rules of docs/architecture.md, checked on the source: who may import whom, and module size."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("trials", "patients", "benchmarks", "trialsearch")
MAX_LINES = 500
# The pure engine and the record's values: plain Python over plain data, no database access.
PURE = (
    "trials.eligibility.definitions",
    "trials.eligibility.engine",
    "trials.eligibility.facts",
    "trials.eligibility.patient",
    "trials.eligibility.rules",
    "trials.eligibility.values",
    "trials.eligibility.wording",
    "trials.record.data",
)
DATABASE = ("trials.registry.models", "trials.registry.querysets", "trials.registry.services", "django.db.connection")


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (REPO / package).glob("**/*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool) -> Iterator[str]:
    """Every module name an import statement in `path` names (with `from a import b`: a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = list(tree.body) if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    # Top-level imports only: an import inside a function or under TYPE_CHECKING runs later, if at all.
    return {name: set(_imports(path, top_level_only=True)) & MODULES.keys() for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("trials", "patients"),  # the registry knows nothing of specialists' profiles
        ("trials", "benchmarks"),  # the product runs without the benchmark
        ("patients", "trials.api"),  # patients use the public modules, not the API's internals
    ],
)
def test_a_package_never_imports_another(importer: str, forbidden: str) -> None:
    offenders = sorted(
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if name == importer or name.startswith(importer + ".")
        for imported in _imports(path, top_level_only=False)
        if imported == forbidden or imported.startswith(forbidden + ".")
    )
    assert offenders == []


@pytest.mark.parametrize("module", PURE)
def test_the_engine_and_the_record_values_do_not_touch_the_database(module: str) -> None:
    imported = set(_imports(MODULES[module], top_level_only=False))
    assert sorted(name for name in imported if name.startswith(DATABASE)) == []


def test_no_module_outside_migrations_is_longer_than_500_lines() -> None:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    assert {name: lines for name, lines in lengths.items() if lines > MAX_LINES} == {}

"""The package's shape, checked over its imports (docs/architecture.md).

No import cycles; no import from a later stage into an earlier one; module sizes; the server's
front process never imports the worker side.
"""

from __future__ import annotations

import ast
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline" / "dlkg"

# Stages in data-flow order; a module may import its own stage or earlier ones only.
# The first matching prefix decides a module's stage.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "shared",
        (
            "dlkg.errors",
            "dlkg.records",
            "dlkg.model",
            "dlkg.namespaces",
            "dlkg.resources",
            "dlkg.settings",
            "dlkg.common",
            "dlkg.formats",
            "dlkg.catalogue",
            "dlkg.sources",
            "dlkg.prefixes",
            "dlkg.gallery",
            "dlkg.sparql_syntax",
            "dlkg.sparql_lexer",
            "dlkg.sparql_quick",
            "dlkg.sparql_regex",
            "dlkg.sandbox",
            "dlkg.memory_budget",
            "dlkg.gcpause",
            "dlkg.chunks",
            "dlkg.forked",
            "dlkg.line_index",
        ),
    ),
    # link.ids: syntax checks of arXiv ids, DOIs and ORCIDs
    ("normalize", ("dlkg.normalize", "dlkg.link.ids")),
    ("fetch", ("dlkg.fetch", "dlkg.fingerprint")),
    ("parse", ("dlkg.parse",)),
    ("resolve", ("dlkg.resolve",)),
    # link.offline: identifiers derived from the records in every build (arXiv DOIs, lookups)
    # quadsink: the N-Quads file emit streams into (issue 13)
    # nqtext, emit_text: the quads written as N-Quads text, not rdflib terms (issue 13)
    (
        "emit",
        (
            "dlkg.iris",
            "dlkg.nqtext",
            "dlkg.quadsink",
            "dlkg.emit",
            "dlkg.emit_text",
            "dlkg.describe",
            "dlkg.link.offline",
        ),
    ),
    ("validate", ("dlkg.validate", "dlkg.fmt")),
    # load: the loader; store: read-only access to what it made
    ("load", ("dlkg.load", "dlkg.store")),
    # export_lines, extsort: the dumps sorted from files with bounded memory (issue 13);
    # export_jsonld: the JSON-LD dump, in a second process on big builds; export_nodes: its
    # nodes made during the store scan; export_child: the second processes (JSON-LD, Turtle,
    # TriG); export_source: the emitted N-Quads in the store's writing, split by graph
    (
        "export",
        (
            "dlkg.export",
            "dlkg.export_lines",
            "dlkg.export_jsonld",
            "dlkg.export_nodes",
            "dlkg.export_child",
            "dlkg.export_source",
            "dlkg.extsort",
            "dlkg.jsonld",
            "dlkg.jsontext",
        ),
    ),
    (
        "use",
        (
            "dlkg.build",
            "dlkg.build_front",
            "dlkg.build_validate",
            "dlkg.pins",
            "dlkg.report",
            "dlkg.report_files",
            "dlkg.report_parked",
            "dlkg.report_text",
            "dlkg.explain",
            "dlkg.query",
            "dlkg.stats",
            "dlkg.link",
            "dlkg.push",
            "dlkg.push_http",
            "dlkg.diff",
            "dlkg.lint",
            "dlkg.lint_rules",
            "dlkg.checks",
        ),
    ),
    ("serve", ("dlkg.web",)),
    ("cli", ("dlkg.cli", "dlkg.cli_", "dlkg.__main__")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:` (annotations only, never imported)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            yield from (n for child in node.orelse for n in ast.walk(child))
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Package modules that `name` imports at run time (at any depth, lazily or not); the bare
    package `dlkg` (an empty `__init__`) is not an edge."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        for target in targets:
            if target in known and target not in (name, "dlkg"):
                yield target


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: set(imports_of(name, path, known)) for name, path in mods.items()}


def stage_of(name: str) -> int:
    for index, (_, prefixes) in enumerate(STAGES):
        if any(
            name == p or name.startswith(p + ("" if p.endswith("_") else ".")) for p in prefixes
        ):
            return index
    raise AssertionError(f"{name} belongs to no stage: add it to STAGES in {__file__}")


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.fixture(scope="module")
def edges() -> dict[str, set[str]]:
    return graph()


def test_no_import_cycles(edges: dict[str, set[str]]) -> None:
    # a package's __init__ re-exporting its own modules is not a cycle
    own = {n: {e for e in es if not e.startswith(n + ".")} for n, es in edges.items()}
    assert find_cycle(own) is None


def test_no_import_from_a_later_stage(edges: dict[str, set[str]]) -> None:
    backwards = [
        f"{name} ({STAGES[stage_of(name)][0]}) imports {target} ({STAGES[stage_of(target)][0]})"
        for name, targets in sorted(edges.items())
        for target in sorted(targets)
        if stage_of(target) > stage_of(name)
    ]
    assert not backwards, "\n".join(backwards)


def test_module_sizes() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()
    }
    too_big = {name: n for name, n in sizes.items() if n > 400}
    assert not too_big, f"split these modules (over 400 lines): {too_big}"
    assert statistics.median(sizes.values()) <= 200


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def test_the_front_never_imports_the_worker_or_the_site(edges: dict[str, set[str]]) -> None:
    """The front process (HTTP framing, pool) holds no store and runs no query code."""
    for start in ("dlkg.web.server.serve", "dlkg.web.server.front", "dlkg.web.server.pool"):
        reached = reachable(edges, start)
        assert "dlkg.web.server.worker" not in reached, start
        assert not {m for m in reached if m.startswith("dlkg.web.site")}, start


def test_every_module_has_a_stage() -> None:
    for name in modules():
        if name != "dlkg":
            stage_of(name)

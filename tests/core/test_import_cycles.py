"""Import circles stay broken (issue #14): `accounts.models` ↔ `accounts.services` and
`cases.effects` → `notice.services` → `cases.services`.

The graph is read from the source with `ast` (nothing is imported): an edge for every
`import` / `from … import` of a rencai module, at module level or inside a function, so a
lazy import that closes a circle again counts too. Two modules are in a circle when each
reaches the other (the same strongly connected component).
"""

from __future__ import annotations

import ast
from pathlib import Path

import rencai

ROOT = Path(rencai.__file__).parent

#: The circles the issue named, as pairs that must not reach each other both ways.
NAMED = [
    ("rencai.accounts.models", "rencai.accounts.services"),
    ("rencai.cases.effects", "rencai.notice.services"),
    ("rencai.notice.services", "rencai.cases.services"),
]


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = ("rencai", *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test)


def _imports(tree: ast.AST, package: str, *, top_level: bool) -> list[str]:
    """The names imported in `tree`; with `top_level`, only what runs at import time."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue  # never executed
            if top_level and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue  # runs when called, not when imported
            if isinstance(child, ast.Import):
                found.extend(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.extend(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(tree)
    return found


def import_graph(*, top_level: bool = False) -> dict[str, set[str]]:
    modules = _modules()

    def module_of(name: str) -> str | None:
        while name and name not in modules:  # "pkg.mod.function" -> "pkg.mod"
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {module_of(t) for t in _imports(tree, package, top_level=top_level)}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_graph_is_the_real_one():
    """The control: the walk sees the package and the edges the named modules do have."""
    graph = import_graph()
    assert len(graph) > 150
    assert "rencai.accounts.models" in graph["rencai.accounts.services"]
    assert "rencai.cases.services" in graph["rencai.notice.services"]
    assert "rencai.process.engine" in graph["rencai.support.services"]
    assert components({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_named_circles_stay_broken():
    circles = components(import_graph())
    closed = [
        (a, b, sorted(c)) for a, b in NAMED for c in circles if a in c and b in c
    ]  # fmt: skip
    assert closed == []


def test_no_import_cycle_runs_at_import_time():
    """Module-level imports of rencai.* form no circle at all (a lazy import inside a
    function is how a dependency that must go both ways is written)."""
    assert components(import_graph(top_level=True)) == []

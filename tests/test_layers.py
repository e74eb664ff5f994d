"""The layer contract: imports inside `kgreason` point one way, and no two modules import each other.

Every module under src/kgreason is parsed with `ast` (nothing is imported), and every `import` statement
counts: module-level ones and those inside functions (a lazy import is still a dependency, and a loop made of
lazy imports is still a loop). Imports under `if TYPE_CHECKING:` are exempt: they never run, and annotations
may name a type from any layer.

Layers, bottom to top (an import may point to its own layer or one below, never up):

    0 core          kgreason (the package root), types, errors, config, registry, atomic
    1 graph, llm    graph/, llm/, embed/, qa_file  (know nothing of fusion)
    2 fusion        fusion/                        (strategies)
    3 reasoning     reasoning/                     (engine, linking, evaluation)
    4 domains       domains/, testing/             (domains: core, graph, themselves; testing: llm too)
    5 surfaces      notebook/, integrations/, api
    6 cli           cli/

`from pkg import name` where `name` is not a submodule is an edge to `pkg` itself (its `__init__`). Importing
`a.b.c` also runs the `__init__` of `a.b`, so an import of a module is an edge to each package above it too
(except the importer's own packages, which are already being imported): that is how a package `__init__` that
eagerly imports its children closes a loop.

One edge is exempt by name (EXEMPT below): `Answer._repr_html_` and `Subgraph._repr_html_` in `types` import
`notebook.reprs` inside the method. IPython calls that hook on the object itself, so the HTML appears for
any `Answer` in a notebook without the user importing `kgreason.notebook`; registering formatters from the
notebook package instead would only work after that import, which is a change in what users see. The
import runs only when a notebook asks for HTML, never when `kgreason` is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "kgreason"

CORE = {f"{ROOT}.{m}" for m in ("types", "errors", "config", "registry", "atomic")} | {ROOT}
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("core", tuple(sorted(CORE))),
    ("graph/llm", (f"{ROOT}.graph", f"{ROOT}.llm", f"{ROOT}.embed", f"{ROOT}.qa_file", f"{ROOT}.documents")),
    ("fusion", (f"{ROOT}.fusion",)),
    ("reasoning", (f"{ROOT}.reasoning",)),
    ("domains", (f"{ROOT}.domains", f"{ROOT}.testing")),
    ("surfaces", (f"{ROOT}.notebook", f"{ROOT}.integrations", f"{ROOT}.api")),
    ("cli", (f"{ROOT}.cli",)),
]
# Packages that may depend on nothing but these prefixes (besides themselves).
NARROW = {
    f"{ROOT}.domains": (*sorted(CORE), f"{ROOT}.graph"),
    # the shipped contract suites test the protocols of layer 1: the graph store and the chat model
    f"{ROOT}.testing": (*sorted(CORE), f"{ROOT}.graph", f"{ROOT}.llm"),
}


# (importer, imported): allowed although it points up. See the module docstring.
EXEMPT = {(f"{ROOT}.types", f"{ROOT}.notebook.reprs")}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    lazy: bool  # inside a function

    def __str__(self) -> str:
        where = "function-level" if self.lazy else "module-level"
        return f"{self.source} -> {self.target} ({where}, line {self.line})"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / ROOT).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement with whether it sits inside a function; `if TYPE_CHECKING:` bodies skipped."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, lazy
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), lazy)
        else:
            inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from _imports(node, inner)


def _edges(modules: dict[str, Path]) -> list[Edge]:
    edges: list[Edge] = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node, lazy in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, base] if base else package)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                # `import kgreason.graph.store` names a module; keep the longest prefix that is one of ours.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if not target or target == name or (name, target) in EXEMPT:
                    continue
                edges.append(Edge(name, target, node.lineno, lazy))
                parts = target.split(".")
                for depth in range(2, len(parts)):
                    package = ".".join(parts[:depth])
                    if package in modules and not (name == package or name.startswith(package + ".")):
                        edges.append(Edge(name, package, node.lineno, lazy))
    return list(dict.fromkeys(edges))


def _layer(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != ROOT and module.startswith(prefix + ".")):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or (p != ROOT and module.startswith(p + ".")) for p in prefixes)


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_every_module_is_in_a_layer() -> None:
    for module in _modules():
        _layer(module)


def test_no_upward_imports() -> None:
    upward = [str(e) for e in _edges(_modules()) if _layer(e.target) > _layer(e.source)]
    assert not upward, "imports that point up a layer:\n  " + "\n  ".join(upward)


def test_narrow_packages_import_only_what_they_may() -> None:
    bad = [
        str(e)
        for e in _edges(_modules())
        for package, allowed in NARROW.items()
        if _within(e.source, (package,)) and not _within(e.target, (package, *allowed))
    ]
    assert not bad, "imports outside what domains/ and testing/ may use:\n  " + "\n  ".join(bad)


def test_no_import_cycles() -> None:
    edges = _edges(_modules())
    cycles = _cycles(edges)
    report = []
    for component in cycles:
        members = set(component)
        inner = [str(e) for e in edges if e.source in members and e.target in members]
        report.append(" <-> ".join(component) + "\n    " + "\n    ".join(inner))
    assert not cycles, f"{len(cycles)} import cycle(s):\n  " + "\n  ".join(report)


def test_the_checker_sees_what_it_must() -> None:
    """The parser is the contract: a relative, a lazy and a TYPE_CHECKING import are classified correctly."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from . import a\n"
        "if TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
        "def f():\n    import d\n"
        "class K:\n    def m(self):\n        from .e import x\n"
    )
    seen = {
        (alias.name if isinstance(node, ast.Import) else f"{'.' * node.level}{node.module or ''}", lazy)
        for node, lazy in _imports(tree)
        for alias in node.names[:1]
    }
    assert seen == {("typing", False), (".", False), ("c", False), ("d", True), (".e", True)}
    loop = [Edge("x", "y", 1, False), Edge("y", "x", 1, True), Edge("y", "z", 1, False)]
    assert _cycles(loop) == [["x", "y"]]

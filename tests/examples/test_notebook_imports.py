"""The example notebooks import only what the user documentation teaches.

Public means: the names of ``kgreason`` itself (its ``__all__``), and what README.md and docs/*.md show
users: every ``import``/``from ... import`` in their Python code blocks, and every dotted
``kgreason.module.Name`` they mention. A module the documentation imports from or names is public with
the names it exports (its ``__all__``, or else the public names defined in it). Everything else in
``kgreason`` is internal, and a notebook that reaches for it teaches users to depend on it.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import kgreason

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.S)


def _imports(source: str) -> list[tuple[str, str | None]]:
    """``(module, name)`` for ``from module import name``; ``(module, None)`` for ``import module``."""
    found: list[tuple[str, str | None]] = []
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("!", "%"))]  # IPython magics
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.extend((node.module, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend((a.name, None) for a in node.names)
    return found


def documented() -> tuple[set[str], set[str]]:
    """Dotted names the docs teach (``kgreason.notebook.view``) and modules they teach (``kgreason.api``)."""
    names: set[str] = {f"kgreason.{n}" for n in kgreason.__all__}
    modules: set[str] = {"kgreason"}
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for block in _python_blocks(text):
            for module, name in _imports(block):
                if module.startswith("kgreason"):
                    modules.add(module)
                    if name:
                        names.add(f"{module}.{name}")
        for dotted in re.findall(r"`(kgreason(?:\.\w+)+)", text):
            names.add(dotted)
            parent = dotted.rsplit(".", 1)[0]
            modules.add(dotted if _is_module(dotted) else parent)
    return names, {m for m in modules if _is_module(m)}


def _is_module(dotted: str) -> bool:
    try:
        importlib.import_module(dotted)
    except ImportError:
        return False
    return True


def _exports(module: str) -> set[str]:
    mod = importlib.import_module(module)
    exported = getattr(mod, "__all__", None)
    if exported is not None:
        return set(exported)
    return {
        k
        for k, v in vars(mod).items()
        if not k.startswith("_") and getattr(v, "__module__", module) == module
    }


def notebook_imports(path: Path) -> list[tuple[str, str | None]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [imp for c in cells if c["cell_type"] == "code" for imp in _imports("".join(c["source"]))]


def test_every_example_notebook_is_checked() -> None:
    assert {p.name for p in NOTEBOOKS} >= {
        "explore_graph.ipynb",
        "compare_strategies.ipynb",
        "ddi_medications.ipynb",
    }


def test_notebooks_import_only_public_names() -> None:
    names, modules = documented()
    assert "kgreason.notebook.view" in names and "kgreason.api" in modules  # the docs were read
    internal = []
    for path in NOTEBOOKS:
        uses_kgreason = False
        for module, name in notebook_imports(path):
            if not module.startswith("kgreason"):
                continue
            uses_kgreason = True
            if name is None:
                ok = module in modules
            else:
                ok = f"{module}.{name}" in names or (module in modules and name in _exports(module))
            if not ok:
                internal.append(f"{path.name}: {module}" + (f".{name}" if name else ""))
        assert uses_kgreason, path.name
    assert internal == [], "notebooks import internal names (not in README.md or docs/): " + ", ".join(
        internal
    )


def test_the_check_catches_an_internal_import() -> None:
    names, modules = documented()
    for module, name in _imports("from kgreason.graph.open import open_store\nimport kgreason.graph.loaders"):
        assert f"{module}.{name}" not in names and module not in modules

"""kgreason: a knowledge-graph + LLM reasoning engine.

Importing this package stays cheap: heavy optional dependencies (torch, torch_geometric, transformers,
xllamacpp, vllm) are imported lazily inside the modules that need them.
"""

from typing import TYPE_CHECKING, Any

from kgreason.errors import KgrError
from kgreason.types import Answer, Edge, Node, Path, Triple

if TYPE_CHECKING:  # typed for editors and mypy; imported lazily at run time (__getattr__)
    from kgreason.api import Graph, open_graph
    from kgreason.reasoning.engine import Engine

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Edge",
    "Engine",
    "Graph",
    "KgrError",
    "Node",
    "Path",
    "Triple",
    "__version__",
    "open_graph",
]

# The Python API (kgreason.api) is imported on first use, so `import kgreason` stays light.
_LAZY = {
    "open_graph": "kgreason.api",
    "Graph": "kgreason.api",
    "Engine": "kgreason.reasoning.engine",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kgreason' has no attribute {name!r}")

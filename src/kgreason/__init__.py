"""kgreason: a knowledge-graph + LLM reasoning engine.

Importing this package stays cheap: heavy optional dependencies (torch, torch_geometric, transformers,
xllamacpp, vllm) are imported lazily inside the modules that need them.
"""

from kgreason.errors import KgrError
from kgreason.types import Answer, Edge, Node, Path, Triple

__version__ = "0.1.0"

__all__ = ["Answer", "Edge", "KgrError", "Node", "Path", "Triple", "__version__"]

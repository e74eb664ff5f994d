"""The gnn strategy (PyG): relational GNN + question encoder trained jointly; link prediction; GNN-RAG.

Importing this package does not import torch; the modules that need it import it when used.
"""

from kgreason.fusion.gnn.strategy import GnnOptions, GnnStrategy

__all__ = ["GnnOptions", "GnnStrategy"]

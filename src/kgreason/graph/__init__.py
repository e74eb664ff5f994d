"""Graph stores behind one protocol: an embedded networkx store and Neo4j over Bolt."""

from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import Capabilities, GraphSchema, GraphStats, GraphStore, Pattern, WriteSummary

__all__ = [
    "Capabilities",
    "GraphSchema",
    "GraphStats",
    "GraphStore",
    "PathQuery",
    "Pattern",
    "Step",
    "WriteSummary",
]

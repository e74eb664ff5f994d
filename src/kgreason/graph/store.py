"""The ``GraphStore`` protocol every backend implements, and the values its operations return.

A store object is bound to one named graph (``graph``). Stores connect lazily: constructing one does no
I/O. What a backend can do beyond the protocol is declared in ``capabilities`` so a strategy that needs,
say, Cypher fails before doing any work, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from kgreason.graph.path_query import Direction, PathQuery
from kgreason.types import Edge, Node, Path, Subgraph


@dataclass(frozen=True)
class Capabilities:
    """What a backend offers beyond the protocol."""

    cypher: bool = False
    """Runs Cypher (``run_cypher``), so text2cypher strategies can use it."""
    vector_index: bool = False
    """Has a native vector index."""
    transactions: bool = False
    """Each write batch is atomic on the server."""
    persistent: bool = True


@dataclass(frozen=True)
class GraphStats:
    nodes: int
    edges: int

    def to_dict(self) -> dict[str, int]:
        return {"nodes": self.nodes, "edges": self.edges}


@dataclass(frozen=True)
class Pattern:
    """``(:source)-[:type]->(:target)`` seen ``count`` times."""

    source: str
    type: str
    target: str
    count: int


BOOKKEEPING_LABELS = frozenset({"Document", "Chunk", "ExtractionSettings", "Source"})
"""Labels of the nodes kgreason keeps beside the facts (documents, chunks, loaded-file sources,
extraction settings): stored in the graph, never reasoned over."""
BOOKKEEPING_TYPES = frozenset({"HAS_CHUNK", "MENTIONS"})
"""Relationship types of that bookkeeping (document to chunk, chunk to the entities it mentions)."""


@dataclass(frozen=True)
class GraphSchema:
    """Labels and relationship types with counts, property keys, and patterns with counts."""

    labels: Mapping[str, int] = field(default_factory=dict)
    relationship_types: Mapping[str, int] = field(default_factory=dict)
    node_properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    relationship_properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: tuple[Pattern, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": dict(self.labels),
            "relationship_types": dict(self.relationship_types),
            "node_properties": {k: list(v) for k, v in self.node_properties.items()},
            "relationship_properties": {k: list(v) for k, v in self.relationship_properties.items()},
            "patterns": [
                {"source": p.source, "type": p.type, "target": p.target, "count": p.count}
                for p in self.patterns
            ],
        }


@dataclass(frozen=True)
class WriteSummary:
    """What a write did: created counts (an idempotent re-run creates nothing)."""

    nodes_created: int = 0
    edges_created: int = 0
    properties_set: int = 0

    def __add__(self, other: WriteSummary) -> WriteSummary:
        return WriteSummary(
            self.nodes_created + other.nodes_created,
            self.edges_created + other.edges_created,
            self.properties_set + other.properties_set,
        )


@runtime_checkable
class GraphStore(Protocol):
    """A named graph in some backend. All methods are safe to call repeatedly (idempotent writes)."""

    backend: str
    graph: str
    capabilities: Capabilities

    # -- writes -----------------------------------------------------------------------------------------
    def upsert_nodes(self, nodes: Sequence[Node]) -> WriteSummary:
        """Create or update nodes by id: labels are added, given properties overwrite. One atomic batch."""
        ...

    def upsert_edges(self, edges: Sequence[Edge]) -> WriteSummary:
        """Create or update edges by (source, type, target); missing endpoints are created with the
        default label. One atomic batch."""
        ...

    def delete_edges(self, keys: Sequence[tuple[str, str, str]]) -> int:
        """Delete the edges ``(source, type, target)`` that exist (others are ignored); return how many
        were deleted. Their end nodes stay."""
        ...

    def delete_nodes(self, node_ids: Sequence[str]) -> int:
        """Delete the nodes that exist, with every edge at them; return how many nodes were deleted."""
        ...

    def remove_properties(
        self,
        keys: Sequence[str],
        *,
        nodes: Sequence[str] = (),
        edges: Sequence[tuple[str, str, str]] = (),
    ) -> int:
        """Remove the properties ``keys`` from the given nodes and edges ``(source, type, target)``;
        return how many nodes and edges lost at least one. ``id`` cannot be removed."""
        ...

    def flush(self) -> None:
        """Make writes durable (the memory store saves atomically; Neo4j has already committed)."""
        ...

    def drop(self) -> None:
        """Delete this graph and everything in it."""
        ...

    # -- reads ------------------------------------------------------------------------------------------
    def list_graphs(self) -> list[str]:
        """Names of every graph this backend holds."""
        ...

    def exists(self) -> bool: ...

    def stats(self) -> GraphStats: ...

    def get_node(self, node_id: str) -> Node | None: ...

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]: ...

    def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = "both",
        types: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[Edge, Node]]:
        """Edges at ``node_id`` with the node at their other end, sorted by (edge type, other id)."""
        ...

    def subgraph(self, seeds: Sequence[str], *, hops: int = 1, max_nodes: int = 1000) -> Subgraph:
        """Nodes within ``hops`` of the seeds (breadth first, seeds first, at most ``max_nodes``) and
        every edge among them."""
        ...

    def paths_between(self, source: str, target: str, *, max_hops: int = 3, limit: int = 10) -> list[Path]:
        """Paths from ``source`` to ``target`` of 1..``max_hops`` edges, following edges in either
        direction, no node visited twice; shortest first, then by ``path_sort_key``."""
        ...

    def run_path_query(self, query: PathQuery) -> list[Path]: ...

    def schema(self) -> GraphSchema: ...

    def iter_nodes(self) -> Iterator[Node]: ...

    def iter_edges(self) -> Iterator[Edge]: ...

    def close(self) -> None: ...

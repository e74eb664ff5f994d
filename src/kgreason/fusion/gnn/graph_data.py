"""A graph store as integer arrays and PyG data: streamed in batches, hashed, with text features.

``index_store`` reads any ``GraphStore`` once through ``iter_nodes``/``iter_edges`` (on Neo4j these
page through the graph in short transactions, so nothing holds the whole result set) and fills numpy
chunks of ``batch_size`` edges. The result, a ``GraphIndex``, maps node ids and relation types to
integers and carries a digest of the graph's edges (``graph_hash``), which checkpoints record so a model
is never used on a graph it was not trained on. ``to_data`` turns it into a relation-typed PyG ``Data``
(reciprocal edges typed ``r + R``), ``to_hetero`` into a ``HeteroData`` keyed by node label, and
``text_features`` embeds node names (and descriptions) with the MiniLM encoder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kgreason.graph.store import GraphStore
from kgreason.types import DEFAULT_LABEL, Edge, Node

IntArray = npt.NDArray[np.int64]


@dataclass
class GraphIndex:
    """A graph as integer triples with the id <-> index maps and a digest of its edges."""

    graph: str
    node_ids: list[str]
    relations: list[str]
    heads: IntArray
    rels: IntArray
    tails: IntArray
    texts: list[str]
    labels: list[str]
    digest: str
    index: dict[str, int] = field(default_factory=dict)
    rel_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {n: i for i, n in enumerate(self.node_ids)}
        if not self.rel_index:
            self.rel_index = {r: i for i, r in enumerate(self.relations)}

    @property
    def num_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def num_relations(self) -> int:
        return len(self.relations)

    @property
    def num_edges(self) -> int:
        return int(self.heads.size)

    def triples(self) -> IntArray:
        """``[E, 3]`` (head, relation, tail) indexes."""
        return np.stack([self.heads, self.rels, self.tails], axis=1)


def graph_hash(edge_ids: Iterable[str]) -> str:
    """Order-independent digest of a graph's edges (sha256 over the sorted edge ids), 16 hex digits."""
    h = hashlib.sha256()
    for eid in sorted(edge_ids):
        h.update(eid.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def _node_text(node: Node) -> str:
    from kgreason.graph.node_text import node_text

    return node_text(node)


def index_store(store: GraphStore, *, batch_size: int = 10_000) -> GraphIndex:
    """Read ``store`` once (streamed, ``batch_size`` edges per numpy chunk) into a ``GraphIndex``."""
    nodes: dict[str, Node] = {}
    for node in store.iter_nodes():
        nodes[node.id] = node
    node_ids = sorted(nodes)
    index = {n: i for i, n in enumerate(node_ids)}
    rel_index: dict[str, int] = {}
    chunks: list[IntArray] = []
    buffer: list[tuple[int, int, int]] = []
    edge_ids: list[str] = []

    def flush() -> None:
        if buffer:
            chunks.append(np.asarray(buffer, dtype=np.int64).reshape(-1, 3))
            buffer.clear()

    edge: Edge
    for edge in store.iter_edges():
        for end in (edge.source, edge.target):
            if end not in index:  # an edge to a node the node listing missed (should not happen)
                index[end] = len(node_ids)
                node_ids.append(end)
                nodes[end] = Node(end)
        r = rel_index.setdefault(edge.type, len(rel_index))
        buffer.append((index[edge.source], r, index[edge.target]))
        edge_ids.append(edge.id)
        if len(buffer) >= batch_size:
            flush()
    flush()
    triples = np.concatenate(chunks) if chunks else np.zeros((0, 3), dtype=np.int64)
    # Relations in sorted order, so two reads of the same graph give the same indexes.
    relations = sorted(rel_index)
    remap = np.array([relations.index(r) for r in rel_index], dtype=np.int64)
    rels = remap[triples[:, 1]] if len(triples) else triples[:, 1]
    return GraphIndex(
        graph=store.graph,
        node_ids=node_ids,
        relations=relations,
        heads=triples[:, 0].copy(),
        rels=rels.copy(),
        tails=triples[:, 2].copy(),
        texts=[_node_text(nodes[n]) for n in node_ids],
        labels=[(nodes[n].labels or (DEFAULT_LABEL,))[0] for n in node_ids],
        digest=graph_hash(edge_ids),
        index=index,
    )


def text_features(index: GraphIndex, encoder: Any) -> npt.NDArray[np.float32]:
    """``[N, 384]`` MiniLM vectors of the node texts (name, and description when present)."""
    vectors: npt.NDArray[np.float32] = np.asarray(encoder.encode(index.texts), dtype=np.float32)
    return vectors


def to_data(index: GraphIndex, features: npt.NDArray[np.float32] | None = None) -> Any:
    """A relation-typed PyG ``Data``: ``edge_index``/``edge_type`` with reciprocals (``r + R``), ``x``."""
    import torch
    from torch_geometric.data import Data

    from kgreason.fusion.gnn.models import reciprocal_edges

    triples = torch.as_tensor(index.triples(), dtype=torch.long)
    edge_index, edge_type = reciprocal_edges(triples, index.num_relations)
    data = Data(edge_index=edge_index, edge_type=edge_type, num_nodes=index.num_nodes)
    if features is not None:
        data.x = torch.as_tensor(features)
    data.num_relations = 2 * index.num_relations
    return data


def to_hetero(index: GraphIndex, features: npt.NDArray[np.float32] | None = None) -> Any:
    """A PyG ``HeteroData``: node types are the nodes' first labels, edge types ``(label, rel, label)``."""
    import torch
    from torch_geometric.data import HeteroData

    labels = np.asarray(index.labels)
    data = HeteroData()
    local = np.zeros(index.num_nodes, dtype=np.int64)
    for label in sorted(set(index.labels)):
        members = np.flatnonzero(labels == label)
        local[members] = np.arange(len(members))
        data[label].num_nodes = len(members)
        data[label].node_id = torch.as_tensor(members)
        if features is not None:
            data[label].x = torch.as_tensor(features[members])
    triples = index.triples()
    if len(triples):
        keys = np.stack(
            [labels[triples[:, 0]], np.asarray(index.relations)[triples[:, 1]], labels[triples[:, 2]]], 1
        )
        for key in sorted({tuple(k) for k in keys.tolist()}):
            mask = np.all(keys == np.asarray(key), axis=1)
            sel = triples[mask]
            data[key].edge_index = torch.as_tensor(np.stack([local[sel[:, 0]], local[sel[:, 2]]]))
    return data

"""Question-conditioned subgraph selection for G-Retriever: a prize-collecting Steiner tree (PCST).

As in the G-Retriever paper (He et al., 2024) and PyG's ``retrieval_via_pcst``: the topic entity's
``hops``-hop neighbourhood is read from the store (any ``GraphStore``: memory or Neo4j, bounded by
``max_nodes``); the question is embedded with MiniLM and compared to every node's text and every edge's
relation text. The ``topk`` most similar nodes get prizes ``topk .. 1``; the ``topk_e`` most similar
relation values get prizes ``topk_e .. 1`` (shared among the edges that tie, each value kept below the
one before), every edge costs ``cost_e`` (lowered so that at least the best edge pays for itself), and an
edge whose prize exceeds its cost becomes a virtual node carrying the difference. ``pcst_fast`` (the
Goemans-Williamson scheme with GW pruning) then returns one tree rooted at the topic entity: a connected
subgraph that contains the topic and trades the prizes it collects against the edges it pays for.

The solver is ``pcst_fast`` as packaged by ``pcst-fast2`` (a maintained fork, same module name): the
``pcst-fast`` 1.0.10 wheel returns wrong vertex and edge indices under numpy 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kgreason.graph.node_text import node_text
from kgreason.types import Edge, Node

TIE_STEP = 0.01
"""PyG's ``c``: each lower edge-prize value stays this fraction below the one above it."""


@dataclass(frozen=True)
class Selection:
    """One question's PCST subgraph: its nodes (topic first), its edges, and what PCST chose from."""

    topic: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    neighbourhood_nodes: int
    neighbourhood_edges: int
    prized: tuple[str, ...] = ()
    """The node ids that got a prize (most similar to the question first)."""

    def node_ids(self) -> list[str]:
        return [n.id for n in self.nodes]


@dataclass
class TextVectors:
    """MiniLM vectors of node texts and relation names, computed once per text."""

    encoder: Any
    cache: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            self.cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])


def relation_text(relation: str) -> str:
    """How a relation type reads: ``works_at`` -> ``works at``."""
    return relation.replace("_", " ")


def _cosine(q: npt.NDArray[np.float32], m: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    if m.size == 0:
        return np.zeros(0)
    norms = np.linalg.norm(m, axis=1) * max(float(np.linalg.norm(q)), 1e-12)
    return np.asarray((m @ q) / np.maximum(norms, 1e-12), dtype=np.float64)


def node_prizes(similarity: npt.NDArray[np.float64], topk: int, exclude: int) -> npt.NDArray[np.float64]:
    """Prizes ``topk .. 1`` on the ``topk`` most similar nodes (not ``exclude``: the root is kept anyway)."""
    prizes = np.zeros(len(similarity))
    order = [i for i in np.argsort(-similarity, kind="stable") if i != exclude][:topk]
    for rank, i in enumerate(order):
        prizes[i] = topk - rank
    return prizes


def edge_prizes(similarity: npt.NDArray[np.float64], topk_e: int) -> npt.NDArray[np.float64]:
    """PyG's edge prizes: the ``topk_e`` highest similarity values get ``topk_e .. 1``, shared among the
    edges that tie on a value, each value kept below the one above it."""
    prizes = np.zeros(len(similarity))
    values = np.unique(similarity)[::-1][: max(0, topk_e)]
    k = len(values)
    last = float(k)
    for rank, v in enumerate(values):
        ties = similarity == v
        value = min((k - rank) / int(ties.sum()), last - TIE_STEP)
        prizes[ties] = value
        last = value * (1 - TIE_STEP)
    return prizes


def pcst_tree(
    num_nodes: int,
    edges: Sequence[tuple[int, int]],
    n_prizes: npt.NDArray[np.float64],
    e_prizes: npt.NDArray[np.float64],
    cost_e: float,
    root: int,
) -> tuple[list[int], list[int]]:
    """The PCST over ``num_nodes`` nodes rooted at ``root``: (selected node indexes, selected edge indexes).

    Edges whose prize exceeds ``cost_e`` are split by a virtual node carrying prize - cost (PyG's
    construction); every other edge costs ``cost_e`` - its prize.
    """
    from pcst_fast import pcst_fast  # type: ignore[import-not-found]  # untyped (pcst-fast2)

    if not edges:
        return [root], []
    if e_prizes.size and e_prizes.max() > 0:
        cost_e = min(cost_e, float(e_prizes.max()) * (1 - TIE_STEP / 2))
    real: list[tuple[int, int]] = []
    costs: list[float] = []
    real_map: list[int] = []
    virtual: list[tuple[int, int]] = []
    virtual_prizes: list[float] = []
    virtual_map: list[int] = []
    for i, (s, d) in enumerate(edges):
        if e_prizes[i] <= cost_e:
            real.append((s, d))
            costs.append(cost_e - float(e_prizes[i]))
            real_map.append(i)
        else:
            v = num_nodes + len(virtual_prizes)
            virtual += [(s, v), (v, d)]
            virtual_prizes.append(float(e_prizes[i]) - cost_e)
            virtual_map.append(i)
    all_edges = np.asarray(real + virtual, dtype=np.int64).reshape(-1, 2)
    all_costs = np.asarray(costs + [0.0] * len(virtual), dtype=np.float64)
    prizes = np.concatenate([n_prizes.astype(np.float64), np.asarray(virtual_prizes, dtype=np.float64)])
    vertices, chosen = pcst_fast(all_edges, prizes, all_costs, root, 1, "gw", 0)
    picked = [real_map[int(e)] for e in chosen if int(e) < len(real)]
    picked += [virtual_map[int(v) - num_nodes] for v in vertices if int(v) >= num_nodes]
    nodes = {int(v) for v in vertices if int(v) < num_nodes} | {root}
    for i in picked:
        nodes.update(edges[i])
    return sorted(nodes, key=lambda n: (n != root, n)), sorted(set(picked))


def select_subgraph(
    store: Any,
    question: str,
    topic: str,
    vectors: TextVectors,
    *,
    hops: int = 2,
    max_nodes: int = 200,
    topk: int = 3,
    topk_e: int = 3,
    cost_e: float = 0.5,
) -> Selection | None:
    """The PCST subgraph of ``topic``'s neighbourhood for ``question``; ``None`` if the topic is unknown.

    ``store`` is any ``GraphStore`` (a strategy passes its recording store, so the read is replayable).
    """
    sub = store.subgraph([topic], hops=hops, max_nodes=max_nodes)
    nodes = list(sub.nodes)
    index = {n.id: i for i, n in enumerate(nodes)}
    if topic not in index:
        return None
    edges = [e for e in sub.edges if e.source in index and e.target in index and e.source != e.target]
    q = vectors([question])[0]
    sims_n = _cosine(q, vectors([node_text(n) for n in nodes]))
    root = index[topic]
    n_prizes = node_prizes(sims_n, topk, root)
    rel_names = sorted({e.type for e in edges})
    rel_sims = dict(zip(rel_names, _cosine(q, vectors([relation_text(r) for r in rel_names])), strict=True))
    e_prizes = edge_prizes(np.asarray([rel_sims[e.type] for e in edges], dtype=np.float64), topk_e)
    pairs = [(index[e.source], index[e.target]) for e in edges]
    chosen_nodes, chosen_edges = pcst_tree(len(nodes), pairs, n_prizes, e_prizes, cost_e, root)
    prized = tuple(nodes[i].id for i in np.argsort(-n_prizes, kind="stable") if n_prizes[i] > 0)
    return Selection(
        topic=topic,
        nodes=tuple(nodes[i] for i in chosen_nodes),
        edges=tuple(edges[i] for i in chosen_edges),
        neighbourhood_nodes=len(nodes),
        neighbourhood_edges=len(edges),
        prized=prized,
    )

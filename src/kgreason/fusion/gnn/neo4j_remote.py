"""Training straight from Neo4j: PyG's remote ``FeatureStore`` and ``GraphStore`` over a Neo4j graph.

``materialise_features`` writes one feature node per graph node (label ``KGF_<graph>``: ``idx``, ``id``,
``x``, the MiniLM vector of the node text), in batches, so features live in the database rather than
in the training process; the graph's own nodes are left untouched. ``Neo4jFeatureStore`` answers
``get_tensor`` for any set of node indexes with one Cypher query (only the rows a mini-batch needs
are read). ``Neo4jGraphStore`` serves the edge index of each relation type, read page by page with
Cypher. ``NeighborBatches`` samples neighbourhoods over them and fetches the features of each mini-batch on
demand (PyG's own ``NeighborLoader`` needs ``pyg-lib``/``torch-sparse``, which have no PyPI wheels here);
``train_link_batches`` runs link-prediction steps of an R-GCN encoder on those mini-batches.
``NeighborBatches`` reads every relation's edge index once, up front, and samples from it in memory;
``neo4j_sampling`` (what ``kgr train linkpred --store neo4j`` uses) instead fetches only each batch's
sampled neighbourhood from Neo4j.

Node indexes are the positions of the sorted node ids (as in ``index_store``). Edge types are
``("node", relation, "node")``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.graph.neo4j_values import quote_name

NODE = "node"
FEATURE = "x"
_PAGE = 5000


def _feature_label(store: Neo4jStore) -> str:
    return quote_name("KGF_" + store.graph)


def node_order(store: Neo4jStore) -> list[str]:
    """Node ids in index order (sorted), streamed from the store."""
    return sorted(n.id for n in store.iter_nodes())


def materialise_features(store: Neo4jStore, encoder: Any, *, batch_size: int = 512) -> int:
    """Write ``(:KGF_<graph> {idx, id, x})`` for every node (replacing old ones); returns the count."""
    from kgreason.graph.node_text import node_text

    label = _feature_label(store)
    store.run_cypher(f"MATCH (f:{label}) DETACH DELETE f", read_only=False, limit=None)
    ids = node_order(store)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        nodes = store.get_nodes(chunk)
        vectors = np.asarray(encoder.encode([node_text(nodes[i]) for i in chunk]), dtype=np.float32)
        rows = [{"idx": start + k, "id": i, "x": vectors[k].tolist()} for k, i in enumerate(chunk)]
        store.run_cypher(
            f"UNWIND $rows AS row CREATE (f:{label}) SET f = row", {"rows": rows}, read_only=False, limit=None
        )
    return len(ids)


def make_stores(store: Neo4jStore) -> tuple[Any, Any]:
    """(``FeatureStore``, ``GraphStore``) over ``store`` (features must be materialised first)."""
    import torch
    from torch_geometric.data import EdgeAttr, FeatureStore, GraphStore, TensorAttr
    from torch_geometric.typing import EdgeTensorType

    label = _feature_label(store)
    ids = node_order(store)
    index = {n: i for i, n in enumerate(ids)}
    dim_rows = store.run_cypher(f"MATCH (f:{label}) RETURN size(f.x) AS d LIMIT 1", limit=1).rows
    dim = int(dim_rows[0]["d"]) if dim_rows else 0

    class Neo4jFeatureStore(FeatureStore):  # type: ignore[misc]
        """Node features read from Neo4j per request (only the requested rows)."""

        def _put_tensor(self, tensor: Any, attr: TensorAttr) -> bool:
            return False  # read-only: features are written by materialise_features

        def _remove_tensor(self, attr: TensorAttr) -> bool:
            return False

        def _get_tensor(self, attr: TensorAttr) -> Any:
            idx = attr.index
            if idx is None or isinstance(idx, slice):
                wanted = list(range(len(ids)))[idx if isinstance(idx, slice) else slice(None)]
            else:
                wanted = torch.as_tensor(idx).view(-1).tolist()
            rows = store.run_cypher(
                f"MATCH (f:{label}) WHERE f.idx IN $idx RETURN f.idx AS i, f.x AS x",
                {"idx": sorted(set(wanted))},
                limit=None,
            ).rows
            by_idx = {int(r["i"]): r["x"] for r in rows}
            return torch.tensor([by_idx[i] for i in wanted], dtype=torch.float32).view(len(wanted), dim)

        def _get_tensor_size(self, attr: TensorAttr) -> tuple[int, ...]:
            return (len(ids), dim)

        def get_all_tensor_attrs(self) -> list[TensorAttr]:
            return [TensorAttr(group_name=NODE, attr_name=FEATURE)]

    class Neo4jGraphStore(GraphStore):  # type: ignore[misc]
        """Edge indexes per relation type, read from Neo4j page by page."""

        def __init__(self) -> None:
            super().__init__()
            self.relations = sorted(store.schema().relationship_types)

        def _put_edge_index(self, edge_index: EdgeTensorType, edge_attr: EdgeAttr) -> bool:
            return False

        def _remove_edge_index(self, edge_attr: EdgeAttr) -> bool:
            return False

        def _get_edge_index(self, edge_attr: EdgeAttr) -> Any:
            rel = edge_attr.edge_type[1]
            kg = quote_name(store.graph_label)
            src: list[int] = []
            dst: list[int] = []
            after = ""
            while True:
                rows = store.run_cypher(
                    f"MATCH (a:{kg})-[r:{quote_name(rel)}]->(b:{kg}) WHERE r.id > $after "
                    "RETURN r.id AS e, a.id AS s, b.id AS t ORDER BY e LIMIT $page",
                    {"after": after, "page": _PAGE},
                    limit=None,
                ).rows
                src.extend(index[r["s"]] for r in rows)
                dst.extend(index[r["t"]] for r in rows)
                if len(rows) < _PAGE:
                    break
                after = rows[-1]["e"]
            return torch.tensor(src, dtype=torch.long), torch.tensor(dst, dtype=torch.long)

        def get_all_edge_attrs(self) -> list[EdgeAttr]:
            from torch_geometric.data.graph_store import EdgeLayout

            size = (len(ids), len(ids))
            return [EdgeAttr((NODE, r, NODE), EdgeLayout.COO, size=size) for r in self.relations]

    return Neo4jFeatureStore(), Neo4jGraphStore()


class NeighborBatches:
    """Mini-batches with neighbour sampling over the Neo4j-backed stores.

    PyG's ``NeighborLoader`` needs ``pyg-lib`` or ``torch-sparse`` for sampling, and neither ships a wheel
    on PyPI for this torch; this sampler does the same job in numpy: from each batch of seed nodes it
    samples up to ``num_neighbors[k]`` incident edges (either direction) per node at hop ``k``, then
    fetches the features of exactly the sampled nodes from Neo4j. Each batch is a relation-typed PyG
    ``Data`` (``x``, ``edge_index``, ``edge_type`` with reciprocals ``r + R``, ``n_id``, ``batch_size``),
    seeds first.
    """

    def __init__(
        self,
        features: Any,
        graph: Any,
        *,
        num_neighbors: list[int],
        batch_size: int,
        seeds: Any = None,
        shuffle: bool = True,
        seed: int = 0,
    ) -> None:
        self.features = features
        self.graph = graph
        self.relations: list[str] = list(graph.relations)
        self.num_neighbors = num_neighbors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        size = features.get_tensor_size(group_name=NODE, attr_name=FEATURE)[0]
        srcs, dsts, types = [], [], []
        for k, attr in enumerate(graph.get_all_edge_attrs()):
            src, dst = graph.get_edge_index(attr)
            srcs.append(src.numpy())
            dsts.append(dst.numpy())
            types.append(np.full(src.numel(), k, dtype=np.int64))
        self.src = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
        self.dst = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
        self.type = np.concatenate(types) if types else np.zeros(0, dtype=np.int64)
        # incidence lists (both directions) as CSR over edge positions
        ends = np.concatenate([self.src, self.dst])
        self.order = np.argsort(ends, kind="stable") % max(1, len(self.src))
        self.rowptr = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=size))])
        self.seeds = np.arange(size) if seeds is None else np.asarray(seeds, dtype=np.int64)

    def __len__(self) -> int:
        return -(-len(self.seeds) // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        seeds = self.rng.permutation(self.seeds) if self.shuffle else self.seeds
        for start in range(0, len(seeds), self.batch_size):
            yield self._batch(seeds[start : start + self.batch_size])

    def _batch(self, seeds: Any) -> Any:
        import torch
        from torch_geometric.data import Data

        nodes = list(dict.fromkeys(int(s) for s in seeds))
        known = set(nodes)
        edges: set[int] = set()
        frontier = nodes
        for k in self.num_neighbors:
            nxt = []
            for v in frontier:
                incident = self.order[self.rowptr[v] : self.rowptr[v + 1]]
                if len(incident) > k:
                    incident = self.rng.choice(incident, size=k, replace=False)
                for e in incident.tolist():
                    edges.add(e)
                    for end in (int(self.src[e]), int(self.dst[e])):
                        if end not in known:
                            known.add(end)
                            nodes.append(end)
                            nxt.append(end)
            frontier = nxt
        local = {v: i for i, v in enumerate(nodes)}
        chosen = np.asarray(sorted(edges), dtype=np.int64)
        h = torch.as_tensor([local[int(x)] for x in self.src[chosen]], dtype=torch.long)
        t = torch.as_tensor([local[int(x)] for x in self.dst[chosen]], dtype=torch.long)
        r = torch.as_tensor(self.type[chosen], dtype=torch.long)
        n_id = torch.as_tensor(nodes, dtype=torch.long)
        x = self.features.get_tensor(group_name=NODE, attr_name=FEATURE, index=n_id)
        num_rel = len(self.relations)
        return Data(
            x=x,
            edge_index=torch.stack([torch.cat([h, t]), torch.cat([t, h])]),
            edge_type=torch.cat([r, r + num_rel]),
            n_id=n_id,
            batch_size=len(seeds),
            num_nodes=len(nodes),
        )


def neighbor_batches(
    store: Neo4jStore, *, num_neighbors: list[int], batch_size: int, seeds: Any = None, shuffle: bool = True
) -> NeighborBatches:
    """Neighbour-sampled mini-batches whose features are read from Neo4j per batch."""
    features, graph = make_stores(store)
    return NeighborBatches(
        features, graph, num_neighbors=num_neighbors, batch_size=batch_size, seeds=seeds, shuffle=shuffle
    )


def train_link_batches(
    loader: NeighborBatches,
    *,
    dim: int = 32,
    epochs: int = 1,
    lr: float = 0.01,
    negatives: int = 8,
    progress: Callable[[int, float], None] | None = None,
) -> tuple[Any, list[float]]:
    """Link-prediction training (R-GCN over text features, DistMult, sampled negatives) on the loader's
    mini-batches; returns (model, loss per step)."""
    import torch
    from torch_geometric.nn import RGCNConv

    num_rel = len(loader.relations)
    in_dim = loader.features.get_tensor_size(group_name=NODE, attr_name=FEATURE)[1]
    proj = torch.nn.Linear(in_dim, dim)
    conv = RGCNConv(dim, dim, 2 * num_rel, num_bases=min(8, 2 * num_rel))
    rel_emb = torch.nn.Embedding(num_rel, dim)
    params = [*proj.parameters(), *conv.parameters(), *rel_emb.parameters()]
    optim = torch.optim.Adam(params, lr=lr)
    losses: list[float] = []
    for _ in range(epochs):
        for batch in loader:
            half = batch.edge_index.size(1) // 2
            if half == 0:
                continue
            h, t, r = batch.edge_index[0, :half], batch.edge_index[1, :half], batch.edge_type[:half]
            x = conv(torch.tanh(proj(batch.x)), batch.edge_index, batch.edge_type)
            pos = (x[h] * rel_emb(r) * x[t]).sum(-1)
            fake = torch.randint(0, x.size(0), (h.size(0), negatives))
            neg = ((x[h] * rel_emb(r)).unsqueeze(1) * x[fake]).sum(-1)
            loss = torch.nn.functional.softplus(-pos).mean() + torch.nn.functional.softplus(neg).mean()
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
            losses.append(float(loss.detach()))
            if progress is not None:
                progress(len(losses), losses[-1])
    return torch.nn.ModuleDict({"proj": proj, "conv": conv, "rel": rel_emb}), losses

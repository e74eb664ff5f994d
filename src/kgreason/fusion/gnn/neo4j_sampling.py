"""Link-prediction training straight from Neo4j, one sampled neighbourhood per mini-batch.

Nothing reads the whole edge index. The training process holds the sorted node ids (the entity order of
the checkpoint) and the model; edges come from Neo4j a batch at a time, through fixed, parameterised
read queries (``SamplingQueries``; only the graph's label is spliced in, escaped, as in the store's own
queries):

- seed edges: a batch of ``seed_nodes`` source nodes (a random permutation of all nodes, chunked) and up
  to ``seed_cap`` of each one's outgoing edges, drawn at random by the server;
- neighbourhood: for hop ``k``, one query samples up to ``num_neighbors[k]`` incident edges (either
  direction) of every node of the frontier; the next frontier is the nodes those edges reached.

So one batch fetches at most ``seed_nodes * seed_cap`` seed edges plus ``sum_k |frontier_k| *
num_neighbors[k]`` neighbourhood edges, whatever the graph's size (``NeighborSampler.bound``).

Splits are fixed per edge, without a global view: an edge's id hashes to one of 20 buckets; bucket 0 is
valid, bucket 1 test (5 % each), the rest train. Valid and test edges never train and never carry
messages. The model and checkpoint are those of ``kgr train linkpred`` in memory (``LinkPredModel``,
one member): the loss is the same cross-entropy of each ``(h, r, ?)`` query (and its reciprocal), over
the nodes of the batch's sampled subgraph (seed-edge ends first, at most ``candidates``) instead of every
entity, plus the N3 penalty. Evaluation ranks
a bounded sample of the test edges against every entity (filtered by the edges Neo4j holds for each
query), with vectors computed batch by batch over sampled neighbourhoods.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kgreason.errors import ConfigError
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.graph.neo4j_values import graph_label, quote_name
from kgreason.graph.store import BOOKKEEPING_TYPES

BUCKETS = 20
VALID_BUCKET = 0
TEST_BUCKET = 1
_PAGE = 5000


def split_of(edge_id: str) -> str:
    """``train``, ``valid`` or ``test``: a stable hash of the edge id, the same in every process."""
    bucket = int.from_bytes(hashlib.blake2b(edge_id.encode(), digest_size=8).digest(), "big") % BUCKETS
    return "valid" if bucket == VALID_BUCKET else "test" if bucket == TEST_BUCKET else "train"


class SamplingQueries:
    """The read queries of the sampler for one graph (fixed texts; everything else is a parameter)."""

    def __init__(self, graph: str) -> None:
        self.kg = quote_name(graph_label(graph))

    def node_ids(self) -> str:
        """The next ``$batch`` node ids after ``$after``, in id order (served by the id constraint)."""
        return f"MATCH (n:{self.kg}) WHERE n.id > $after RETURN n.id AS id ORDER BY id LIMIT $batch"

    def out_edges(self) -> str:
        """Up to ``$k`` outgoing edges of each node in ``$ids``, drawn at random (``$k`` < 0: all)."""
        return (
            f"UNWIND $ids AS id MATCH (a:{self.kg} {{id: id}}) "
            f"CALL (a) {{ MATCH (a)-[r]->(b:{self.kg}) WHERE NOT type(r) IN $skip "
            "WITH r, b ORDER BY CASE WHEN $k < 0 THEN 0 ELSE rand() END "
            "LIMIT CASE WHEN $k < 0 THEN 2147483647 ELSE $k END "
            "RETURN r.id AS rid, type(r) AS t, b.id AS e } "
            "RETURN id AS s, rid, t, e"
        )

    def sample_hop(self) -> str:
        """Up to ``$k`` edges at each node in ``$ids`` (either direction), drawn at random."""
        return (
            f"UNWIND $ids AS id MATCH (a:{self.kg} {{id: id}}) "
            f"CALL (a) {{ MATCH (a)-[r]-(b:{self.kg}) WHERE NOT type(r) IN $skip "
            "WITH r ORDER BY rand() LIMIT $k "
            "RETURN r.id AS rid, startNode(r).id AS s, type(r) AS t, endNode(r).id AS e } "
            "RETURN rid, s, t, e"
        )

    def known(self) -> str:
        """For each ``[source id, type]`` in ``$rows``: the ids of every target of that edge type."""
        return (
            f"UNWIND $rows AS row MATCH (a:{self.kg} {{id: row[0]}})-[r]->(b:{self.kg}) "
            "WHERE type(r) = row[1] RETURN row[0] AS s, row[1] AS t, collect(b.id) AS ids"
        )

    def known_in(self) -> str:
        """For each ``[target id, type]`` in ``$rows``: the ids of every source of that edge type."""
        return (
            f"UNWIND $rows AS row MATCH (a:{self.kg} {{id: row[0]}})<-[r]-(b:{self.kg}) "
            "WHERE type(r) = row[1] RETURN row[0] AS s, row[1] AS t, collect(b.id) AS ids"
        )


def _read(store: Neo4jStore, query: str, **params: Any) -> list[Any]:
    return store._read(query, **params)  # the store's plain read transaction (no guard: fixed texts)


def node_ids(store: Neo4jStore) -> list[str]:
    """Every node id of the graph, sorted (the entity order), read page by page."""
    q = SamplingQueries(store.graph).node_ids()
    out: list[str] = []
    after = ""
    while True:
        rows = _read(store, q, after=after, batch=_PAGE)
        out.extend(str(r["id"]) for r in rows)
        if len(rows) < _PAGE:
            return out
        after = out[-1]


def relation_types(store: Neo4jStore) -> list[str]:
    """The graph's relationship types, sorted, without the text layer's bookkeeping types."""
    return sorted(set(store.schema().relationship_types) - BOOKKEEPING_TYPES)


@dataclass
class SampledBatch:
    """One mini-batch: global node indexes (seed endpoints first), local message edges, local positives."""

    n_id: Any  # [n] long, global entity indexes
    edge_index: Any  # [2, 2m] long, local, with reciprocals
    edge_type: Any  # [2m] long, r and r + R
    positives: Any  # [p, 3] long, local (h, r, t), train split
    edges_fetched: int  # rows Neo4j returned for this batch (seed and neighbourhood queries)
    held_out: list[tuple[int, int, int, str]] = field(default_factory=list)  # global (h, r, t), split


class NeighborSampler:
    """Fetches seed edges and their sampled k-hop neighbourhoods from Neo4j, one query per hop."""

    def __init__(
        self,
        store: Neo4jStore,
        entities: Sequence[str],
        relations: Sequence[str],
        *,
        num_neighbors: Sequence[int] = (10, 5),
        seed_cap: int = 16,
    ) -> None:
        self.store = store
        self.queries = SamplingQueries(store.graph)
        self.entities = list(entities)
        self.index = {e: i for i, e in enumerate(self.entities)}
        self.relations = list(relations)
        self.rel_index = {r: i for i, r in enumerate(self.relations)}
        self.num_neighbors = list(num_neighbors)
        self.seed_cap = seed_cap
        self.skip = sorted(BOOKKEEPING_TYPES)

    def bound(self, seed_nodes: int) -> int:
        """The most edge rows one batch of ``seed_nodes`` source nodes can fetch."""
        total = seed_nodes * self.seed_cap
        frontier = 2 * total  # the endpoints of the seed edges
        for k in self.num_neighbors:
            total += frontier * k
            frontier = frontier * k
        return total

    def hop(self, ids: Sequence[str], k: int) -> list[Any]:
        """Up to ``k`` sampled edges at each of ``ids`` (rows ``rid, s, t, e``)."""
        if not ids or k <= 0:
            return []
        return _read(self.store, self.queries.sample_hop(), ids=list(ids), k=k, skip=self.skip)

    def neighbourhood(self, seeds: Sequence[int]) -> tuple[list[int], dict[str, tuple[int, int, int]], int]:
        """(nodes reached, seeds first; train edges ``rid -> (h, r, t)`` global; rows fetched)."""
        nodes = list(dict.fromkeys(seeds))
        known = set(nodes)
        edges: dict[str, tuple[int, int, int]] = {}
        fetched = 0
        frontier = nodes
        for k in self.num_neighbors:
            rows = self.hop([self.entities[v] for v in frontier], k)
            fetched += len(rows)
            nxt: list[int] = []
            for row in rows:
                rel = self.rel_index.get(row["t"])
                h, t = self.index.get(row["s"]), self.index.get(row["e"])
                if rel is None or h is None or t is None:
                    continue  # a type or node written after training started
                for end in (h, t):
                    if end not in known:
                        known.add(end)
                        nodes.append(end)
                        nxt.append(end)
                if split_of(str(row["rid"])) == "train":
                    edges[str(row["rid"])] = (h, rel, t)
            frontier = nxt
        return nodes, edges, fetched

    def batch(self, sources: Sequence[int], *, cap: int | None = None) -> SampledBatch:
        """Seed edges out of ``sources`` (up to ``cap`` each, default ``seed_cap``) and their neighbours."""
        import torch

        rows = _read(
            self.store,
            self.queries.out_edges(),
            ids=[self.entities[v] for v in sources],
            k=self.seed_cap if cap is None else cap,
            skip=self.skip,
        )
        positives: list[tuple[int, int, int]] = []
        held: list[tuple[int, int, int, str]] = []
        for row in rows:
            rel = self.rel_index.get(row["t"])
            h, t = self.index.get(row["s"]), self.index.get(row["e"])
            if rel is None or h is None or t is None:
                continue
            part = split_of(str(row["rid"]))
            if part == "train":
                positives.append((h, rel, t))
            else:
                held.append((h, rel, t, part))
        ends = [v for h, _, t in positives for v in (h, t)]
        nodes, edges, fetched = self.neighbourhood(ends or list(sources))
        local = {v: i for i, v in enumerate(nodes)}
        msg = np.asarray(list(edges.values()), dtype=np.int64).reshape(-1, 3)
        num_rel = len(self.relations)
        h_loc = torch.as_tensor([local[v] for v in msg[:, 0].tolist()], dtype=torch.long)
        t_loc = torch.as_tensor([local[v] for v in msg[:, 2].tolist()], dtype=torch.long)
        r = torch.as_tensor(msg[:, 1], dtype=torch.long)
        pos = torch.as_tensor(
            [(local[h], rel, local[t]) for h, rel, t in positives], dtype=torch.long
        ).reshape(-1, 3)
        return SampledBatch(
            n_id=torch.as_tensor(nodes, dtype=torch.long),
            edge_index=torch.stack([torch.cat([h_loc, t_loc]), torch.cat([t_loc, h_loc])]),
            edge_type=torch.cat([r, r + num_rel]),
            positives=pos,
            edges_fetched=len(rows) + fetched,
            held_out=held,
        )


def rgcn_layer(conv: Any, x: Any, edge_index: Any, edge_type: Any) -> Any:
    """What PyG's ``RGCNConv`` ``conv`` returns for ``x`` (mean aggregation per relation, basis or full
    weights, root weight and bias), computed per (target node, relation) group that has edges.

    ``RGCNConv`` loops over the relations and aggregates each into a ``[nodes, dim]`` tensor that autograd
    keeps (measured: 660 MB of RSS for one forward over 40k nodes, 165k edges, 40 relation types, dim
    32), so a batch's memory grew with the sampled subgraph's node count times the relation count. Here
    the means are taken over the edges' groups only and each group is multiplied by its relation's
    weight: the same numbers (the tests compare both, with their gradients), memory in the order of
    edges x dim. Block-diagonal weights or another aggregation fall back to ``conv`` itself.
    """
    import torch

    if getattr(conv, "num_blocks", None) is not None or conv.aggr != "mean" or not x.is_floating_point():
        return conv(x, edge_index, edge_type)
    num_rel = conv.num_relations
    weight = conv.weight
    if conv.num_bases is not None:
        weight = (conv.comp @ weight.view(conv.num_bases, -1)).view(num_rel, x.size(1), conv.out_channels)
    out = x.new_zeros(x.size(0), conv.out_channels)
    if edge_index.size(1):
        src, dst = edge_index[0], edge_index[1]
        groups, member = torch.unique(dst * num_rel + edge_type, return_inverse=True)
        count = torch.bincount(member, minlength=groups.numel()).clamp(min=1).to(x.dtype)
        mean = x.new_zeros(groups.numel(), x.size(1)).index_add(0, member, x[src]) / count.unsqueeze(1)
        rel = groups % num_rel
        order = torch.argsort(rel, stable=True)
        sizes = torch.bincount(rel, minlength=num_rel).tolist()
        parts = [mean[idx] @ weight[r] for r, idx in enumerate(torch.split(order, sizes)) if idx.numel()]
        out = out.index_add(0, (groups // num_rel)[order], torch.cat(parts))
    if conv.root is not None:
        out = out + x @ conv.root
    if conv.bias is not None:
        out = out + conv.bias
    return out


def encode_subgraph(encoder: Any, n_id: Any, edge_index: Any, edge_type: Any) -> Any:
    """Vectors of the nodes ``n_id`` from a ``GraphEncoder`` run on one sampled subgraph only.

    The same computation as ``GraphEncoder.forward`` restricted to the subgraph's rows: embeddings
    (plus projected text features) of ``n_id``, then the encoder's GNN layers over the local edges.
    Returns ``(entity vectors [n, dim], relation vectors)``.
    """
    import torch

    x = encoder.entity(n_id)
    if encoder.text is not None and encoder.text_proj is not None:
        x = x + encoder.text_proj(encoder.text[n_id])
    rel = encoder.relation.weight
    if encoder.kind == "none" or edge_index.size(1) == 0:
        return x, rel
    if encoder.kind == "rgcn":
        layers = list(encoder.layers)
        for i, conv in enumerate(layers):
            h = rgcn_layer(conv, x, edge_index, edge_type)  # RGCNConv's output, memory ~ edges x dim
            x = x + encoder.dropout(torch.tanh(h) if i < len(layers) - 1 else h)
        return x, rel
    for layer in encoder.layers:
        h, rel = layer(x, rel, edge_index, edge_type)
        x = x + h
    return x, rel


@dataclass
class SampledResult:
    """A model trained from sampled batches, with what the batches cost."""

    model: Any
    dataset: Any
    test: dict[str, float]
    valid: dict[str, float]
    steps: int
    epochs: int
    seconds: float
    edges_fetched: int
    max_edges_per_batch: int
    sampling_seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def _check(config: Any) -> None:
    if config.ensemble != 1:
        raise ConfigError("sampled training trains one model: ensemble must be 1", hint="use --full")
    if config.link_features > 0:
        raise ConfigError(
            "link_features needs the whole edge index: not with sampled training", hint="--full"
        )
    if config.text_features:
        raise ConfigError("text_features is not available with sampled training yet", hint="use --full")
    if config.relation_prediction > 0:
        raise ConfigError("relation_prediction is not available with sampled training", hint="use --full")


def all_vectors(model: Any, sampler: NeighborSampler, *, batch: int = 1024) -> tuple[Any, Any]:
    """Every entity's vector: the table for a shallow encoder, else batch by batch over sampled
    neighbourhoods (seed rows kept)."""
    import torch

    enc = model.encoders[0]
    if enc.kind == "none":
        return enc.initial(), enc.relation.weight
    n = len(sampler.entities)
    out = torch.empty(n, enc.entity.embedding_dim)
    rel = enc.relation.weight
    num_rel = len(sampler.relations)
    for start in range(0, n, batch):
        seeds = list(range(start, min(n, start + batch)))
        nodes, edges, _ = sampler.neighbourhood(seeds)
        local = {v: i for i, v in enumerate(nodes)}
        msg = torch.as_tensor([(local[h], r, local[t]) for h, r, t in edges.values()], dtype=torch.long)
        msg = msg.reshape(-1, 3)
        ei = torch.stack([torch.cat([msg[:, 0], msg[:, 2]]), torch.cat([msg[:, 2], msg[:, 0]])])
        et = torch.cat([msg[:, 1], msg[:, 1] + num_rel])
        x, rel = encode_subgraph(enc, torch.as_tensor(nodes, dtype=torch.long), ei, et)
        out[start : start + len(seeds)] = x[: len(seeds)]
    return out, rel


def evaluate_sampled(
    model: Any, sampler: NeighborSampler, triples: Sequence[tuple[int, int, int]]
) -> dict[str, float]:
    """Filtered MRR and Hits@1/3/10 of ``triples`` in both directions, ranked against every entity; the
    filter is every edge Neo4j holds for each query (asked in one query per direction)."""
    import torch

    if not triples:
        return {"mrr": 0.0, "hits@1": 0.0, "hits@3": 0.0, "hits@10": 0.0, "n": 0}
    ents, rels = sampler.entities, sampler.relations
    num_rel = len(rels)
    q = SamplingQueries(sampler.store.graph)
    pairs = sorted({(h, r) for h, r, _ in triples})
    tails = {
        (sampler.index[row["s"]], sampler.rel_index[row["t"]]): {sampler.index[i] for i in row["ids"]}
        for row in _read(sampler.store, q.known(), rows=[[ents[h], rels[r]] for h, r in pairs])
    }
    back = sorted({(t, r) for _, r, t in triples})
    heads = {
        (sampler.index[row["s"]], sampler.rel_index[row["t"]]): {sampler.index[i] for i in row["ids"]}
        for row in _read(sampler.store, q.known_in(), rows=[[ents[t], rels[r]] for t, r in back])
    }
    model.train(False)
    ranks: list[float] = []
    with torch.no_grad():
        ent, rel = all_vectors(model, sampler)
        queries = [(h, r, t, tails.get((h, r), set())) for h, r, t in triples]
        queries += [(t, r + num_rel, h, heads.get((t, r), set())) for h, r, t in triples]
        for start in range(0, len(queries), 256):
            chunk = queries[start : start + 256]
            hq = torch.as_tensor([c[0] for c in chunk])
            rq = torch.as_tensor([c[1] for c in chunk])
            scores = model.decoder.score_all(ent[hq], rel[rq], ent).float().numpy()
            for row, (_, _, t, known) in zip(scores, chunk, strict=True):
                target = row[t]
                others = [x for x in known if x != t]
                row[others] = -np.inf
                ranks.append(1.0 + float((row > target).sum()) + (float((row == target).sum()) - 1.0) / 2.0)
    arr = np.asarray(ranks)
    return {
        "mrr": float((1.0 / arr).mean()),
        "hits@1": float((arr <= 1).mean()),
        "hits@3": float((arr <= 3).mean()),
        "hits@10": float((arr <= 10).mean()),
        "n": int(arr.size),
    }


def train_linkpred_sampled(
    store: Neo4jStore,
    config: Any,
    *,
    num_neighbors: Sequence[int] = (10, 5),
    seed_nodes: int = 256,
    seed_cap: int = 16,
    eval_edges: int = 500,
    candidates: int = 4096,
    device: str = "cpu",
    seed: int = 0,
    max_steps: int | None = None,
    progress: Callable[[int, dict[str, float]], None] | None = None,
) -> SampledResult:
    """Train ``LinkPredModel`` (one member) on mini-batches sampled from Neo4j; evaluate on held-out edges.

    ``config`` is a ``LinkPredConfig``; ``epochs`` passes over every node as a seed source (stopped early
    by ``max_seconds`` or ``max_steps``). Each query is scored against the batch's seed-edge ends and
    then its other nodes, ``candidates`` in all (at least every seed end), so a batch's loss costs the
    same on any graph size. Valid and test edges met while seeding are kept (up to ``eval_edges`` each)
    and ranked at the end.
    """
    import torch

    from kgreason.fusion.gnn.datasets import KGDataset
    from kgreason.fusion.gnn.linkpred import LinkPredModel

    _check(config)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    entities = node_ids(store)
    relations = relation_types(store)
    if not entities or not relations:
        raise ConfigError(f"graph {store.graph!r} has no edges to train on", hint="load a graph first")
    empty = np.zeros((0, 3), dtype=np.int64)
    dataset = KGDataset(store.graph, tuple(entities), tuple(relations), empty, empty, empty)
    model = LinkPredModel(dataset, config, device=device)
    params = model.parameters()
    optim: Any = (
        torch.optim.Adagrad(params, lr=config.lr)
        if config.optimizer == "adagrad"
        else torch.optim.Adam(params, lr=config.lr)
    )
    sampler = NeighborSampler(store, entities, relations, num_neighbors=num_neighbors, seed_cap=seed_cap)
    enc = model.encoders[0]
    num_rel = len(relations)
    held: dict[str, dict[tuple[int, int, int], None]] = {"valid": {}, "test": {}}
    started = time.perf_counter()
    steps = epochs = fetched = biggest = 0
    sampling = 0.0
    history: list[dict[str, float]] = []
    stop = False
    for epoch in range(config.epochs):
        order = rng.permutation(len(entities))
        losses: list[float] = []
        for start in range(0, len(order), seed_nodes):
            t0 = time.perf_counter()
            batch = sampler.batch(order[start : start + seed_nodes].tolist())
            sampling += time.perf_counter() - t0
            fetched += batch.edges_fetched
            biggest = max(biggest, batch.edges_fetched)
            for h, r, t, part in batch.held_out:
                if len(held[part]) < eval_edges:
                    held[part][(h, r, t)] = None
            if batch.positives.size(0) == 0:
                continue
            model.train(True)
            x, rel = encode_subgraph(enc, batch.n_id.to(model.device), batch.edge_index, batch.edge_type)
            p = batch.positives
            heads = torch.cat([p[:, 0], p[:, 2]])
            rels = torch.cat([p[:, 1], p[:, 1] + num_rel])
            tails = torch.cat([p[:, 2], p[:, 0]])
            # candidates: the seed edges' ends (every answer), then neighbours, at most ``candidates``
            n_cand = max(int(torch.cat([heads, tails]).max()) + 1, min(x.size(0), candidates))
            scores = model.decoder.score_all(x[heads], rel[rels], x[:n_cand])
            loss = torch.nn.functional.cross_entropy(scores, tails, label_smoothing=config.label_smoothing)
            if config.reg > 0:
                loss = loss + config.reg * model.decoder.regulariser(x[heads], rel[rels], x[tails])
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
            losses.append(float(loss.detach()))
            steps += 1
            if (
                max_steps is not None and steps >= max_steps
            ) or time.perf_counter() - started > config.max_seconds:
                stop = True
                break
        epochs = epoch + 1
        row = {"epoch": float(epochs), "loss": float(np.mean(losses)) if losses else 0.0}
        history.append(row)
        if progress is not None:
            progress(epochs, row)
        if stop:
            break
    seconds = time.perf_counter() - started
    valid = evaluate_sampled(model, sampler, list(held["valid"]))
    test = evaluate_sampled(model, sampler, list(held["test"]))
    return SampledResult(
        model=model,
        dataset=dataset,
        test=test,
        valid=valid,
        steps=steps,
        epochs=epochs,
        seconds=seconds,
        edges_fetched=fetched,
        max_edges_per_batch=biggest,
        sampling_seconds=sampling,
        history=history,
    )


def train_triples(sampler: NeighborSampler) -> Any:
    """The train-split triples ``[E, 3]`` (int64), read page by page of source nodes: what a GNN encoder
    passes messages over at inference (written into the checkpoint; not used in training)."""
    chunks: list[Any] = []
    for start in range(0, len(sampler.entities), 1000):
        rows = _read(
            sampler.store,
            sampler.queries.out_edges(),
            ids=sampler.entities[start : start + 1000],
            k=-1,
            skip=sampler.skip,
        )
        part = [
            (sampler.index[r["s"]], sampler.rel_index[r["t"]], sampler.index[r["e"]])
            for r in rows
            if r["t"] in sampler.rel_index and r["e"] in sampler.index and split_of(str(r["rid"])) == "train"
        ]
        chunks.append(np.asarray(part, dtype=np.int64).reshape(-1, 3))
    return np.concatenate(chunks) if chunks else np.zeros((0, 3), dtype=np.int64)


def train_linkpred_from_neo4j(
    store: Neo4jStore,
    *,
    settings: Any,
    options: dict[str, Any] | None = None,
    num_neighbors: Sequence[int] = (10, 5),
    seed_nodes: int = 256,
    seed_cap: int = 16,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
    max_steps: int | None = None,
    progress: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, Any]:
    """``kgr train linkpred --store neo4j --sampled``: train from sampled batches and write the same
    checkpoint as in-memory training (``LinkPredModel`` state, entities, relations, metrics)."""
    import torch

    from kgreason.fusion.gnn.checkpoint import checkpoint_dir, save_checkpoint
    from kgreason.fusion.gnn.linkpred import LinkPredConfig
    from kgreason.fusion.gnn.run_settings import make_config, set_threads

    set_threads(threads)
    config = make_config(LinkPredConfig, options)
    result = train_linkpred_sampled(
        store, config, num_neighbors=num_neighbors, seed_nodes=seed_nodes, seed_cap=seed_cap,
        device=device, seed=seed, max_steps=max_steps, progress=progress,
    )  # fmt: skip
    sampler = NeighborSampler(
        store, result.dataset.entities, result.dataset.relations, num_neighbors=num_neighbors
    )
    # a GNN encoder passes messages over the training edges at inference; a shallow one needs none
    triples = train_triples(sampler) if config.encoder != "none" else np.zeros((0, 3), dtype=np.int64)
    meta: dict[str, Any] = {
        "kind": "linkpred",
        "graph": store.graph,
        "backend": store.backend,
        "graph_hash": None,  # never read whole: no digest of every edge id
        "entities": list(result.dataset.entities),
        "relations": list(result.dataset.relations),
        "config": config.model_dump(),
        "metrics": {
            "valid": result.valid,
            "test": result.test,
            "epochs": result.epochs,
            "train_seconds": round(result.seconds, 2),
        },
        "sampled": {
            "num_neighbors": list(num_neighbors),
            "seed_nodes": seed_nodes,
            "seed_cap": seed_cap,
            "steps": result.steps,
            "edges_fetched": result.edges_fetched,
            "max_edges_per_batch": result.max_edges_per_batch,
            "sampling_seconds": round(result.sampling_seconds, 2),
            "split": "edge-id hash: 1/20 valid, 1/20 test",
        },
        "seed": seed,
        "device": device,
    }
    path = checkpoint_dir(settings, "linkpred", store.backend, store.graph)
    state: dict[str, Any] = {
        k: {n: p.cpu() for n, p in v.items()} for k, v in result.model.state_dict().items()
    }
    state["train_triples"] = torch.as_tensor(triples)
    save_checkpoint(path, state=state, meta=meta, features=None)
    meta["path"] = str(path)
    return meta

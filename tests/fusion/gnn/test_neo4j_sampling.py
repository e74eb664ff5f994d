"""Link-prediction training from the real Neo4j, one sampled neighbourhood per mini-batch."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest

from kgreason.config import Settings
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge


@pytest.mark.neo4j
def test_sampled_edges_stay_within_k_hops_and_each_batch_is_bounded(
    neo4j_store_factory: Callable[[str], Neo4jStore],
) -> None:
    from kgreason.fusion.gnn.neo4j_sampling import NeighborSampler, node_ids, relation_types, split_of

    triples = list(world_triples(200))
    store = neo4j_store_factory("gnn_sampling")
    store.upsert_edges([Edge(h, r, t) for h, r, t in triples])
    entities, relations = node_ids(store), relation_types(store)
    assert entities == sorted({x for h, _, t in triples for x in (h, t)})
    graph = nx.Graph()
    graph.add_edges_from((h, t) for h, _, t in triples)
    triple_set = set(triples)
    hops = [3, 2]
    sampler = NeighborSampler(store, entities, relations, num_neighbors=hops, seed_cap=4)
    for seeds in ([0, 1, 2], [entities.index("Norland")], list(range(100, 140))):
        nodes, edges, fetched = sampler.neighbourhood(seeds)
        assert 0 < fetched <= len(seeds) * hops[0] + len(seeds) * hops[0] * hops[1]
        dist = nx.multi_source_dijkstra_path_length(graph, [entities[s] for s in seeds])
        assert edges, "a connected seed set reaches some edge"
        for h, r, t in edges.values():
            # every sampled edge is a real triple touching a node at most k - 1 hops from the seeds
            assert (entities[h], relations[r], entities[t]) in triple_set
            assert min(dist[entities[h]], dist[entities[t]]) <= len(hops) - 1
        assert nodes[: len(set(seeds))] == list(dict.fromkeys(seeds))
        assert all(dist[entities[v]] <= len(hops) for v in nodes)
    # a whole training batch: seed edges capped per source node, the batch bounded by sampler.bound
    batch = sampler.batch(list(range(0, 305, 7)))
    assert 0 < batch.edges_fetched <= sampler.bound(len(range(0, 305, 7)))
    assert batch.edge_index.size(1) == batch.edge_type.numel() and batch.positives.size(1) == 3
    ids = batch.n_id.tolist()
    for h, r, t in batch.positives.tolist():
        triple = (entities[ids[h]], relations[r], entities[ids[t]])
        assert triple in triple_set
    # valid and test edges never train: the split is the edge id's hash
    assert {split_of(f"e{i}") for i in range(200)} == {"train", "valid", "test"}


@pytest.mark.neo4j
def test_sampled_training_writes_a_checkpoint_the_predictor_loads(
    neo4j_store_factory: Callable[[str], Neo4jStore], settings: Settings
) -> None:
    from kgreason.fusion.gnn.checkpoint import checkpoint_dir, load_checkpoint
    from kgreason.fusion.gnn.neo4j_sampling import train_linkpred_from_neo4j
    from kgreason.fusion.gnn.predict import predict_edges

    store = neo4j_store_factory("gnn_sampled_train")
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(200)])
    meta = train_linkpred_from_neo4j(
        store,
        settings=settings,
        options={"encoder": "rgcn", "decoder": "distmult", "dim": 32, "epochs": 25, "lr": 0.05,
                 "optimizer": "adam", "reg": 0.0},
        num_neighbors=[5, 3],
        seed_nodes=64,
        seed_cap=8,
        seed=0,
    )  # fmt: skip
    sampled = meta["sampled"]
    assert sampled["steps"] > 0 and 0 < sampled["max_edges_per_batch"] <= 64 * 8 * (1 + 2 * 5 + 2 * 5 * 3)
    test = meta["metrics"]["test"]
    # 305 entities: chance is MRR ~ 0.02; the stated floor for this short run is 0.15
    print("sampled training:", meta["metrics"], sampled)
    assert test["n"] > 20 and test["mrr"] >= 0.15, test
    ckpt = load_checkpoint(checkpoint_dir(settings, "linkpred", "neo4j", store.graph))
    assert ckpt.meta["sampled"] == sampled and ckpt.state["train_triples"].size(0) > 800
    predicted = predict_edges(store, "Norland", "capital_of", settings=settings, direction="in", k=3)
    assert len(predicted) == 3 and all(p.type == "capital_of" and p.target == "Norland" for p in predicted)


@pytest.mark.neo4j
def test_kgr_train_linkpred_samples_on_neo4j_by_default(
    neo4j_store_factory: Callable[[str], Neo4jStore],
    neo4j_uri: str,
    neo4j_auth: tuple[str, str] | None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from kgreason.cli.app import main as kgr
    from kgreason.errors import ConfigError

    store = neo4j_store_factory("gnn_sampled_cli")
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(40)])
    monkeypatch.setenv("KGR_NEO4J_URI", neo4j_uri)
    if neo4j_auth is not None:
        monkeypatch.setenv("KGR_NEO4J_USER", neo4j_auth[0])
        monkeypatch.setenv("KGR_NEO4J_PASSWORD", neo4j_auth[1])
    args = [
        "train",
        "linkpred",
        "-g",
        store.graph,
        "--store",
        "neo4j",
        "--json",
        "-o",
        "epochs=2",
        "-o",
        "dim=16",
    ]
    kgr([*args, "--neighbors", "4,2"])
    meta = json.loads(capsys.readouterr().out)
    assert meta["backend"] == "neo4j" and meta["sampled"]["num_neighbors"] == [4, 2]
    assert meta["sampled"]["steps"] >= 1 and meta["metrics"]["epochs"] == 2
    with pytest.raises((ConfigError, SystemExit)):
        kgr([*args, "--neighbors", "4,x"])
    with pytest.raises((ConfigError, SystemExit)):
        kgr([*args, "-o", "link_features=0.5"])  # needs the whole graph: --full


@pytest.mark.parametrize("bases", [8, None])
def test_rgcn_layer_gives_rgcnconvs_numbers_and_gradients(bases: int | None) -> None:
    """The sampled encoder's R-GCN layer (memory in edges x dim) computes what PyG's RGCNConv computes,
    on a graph with repeated (target, relation) groups, isolated nodes and unused relations."""
    torch = pytest.importorskip("torch")
    from torch_geometric.nn import RGCNConv

    from kgreason.fusion.gnn.neo4j_sampling import rgcn_layer

    torch.manual_seed(3)
    n, m, rels = 300, 1200, 12
    conv = RGCNConv(16, 16, rels, num_bases=bases)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(n, 16)
    edge_index = torch.randint(0, n - 20, (2, m))  # the last 20 nodes receive nothing
    edge_type = torch.randint(0, rels - 2, (m,))  # two relation types unused
    outs, grads = [], []
    for layer in (conv, lambda *a: rgcn_layer(conv, *a)):
        conv.zero_grad()
        xi = x.clone().requires_grad_(True)
        out = layer(xi, edge_index, edge_type)
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        outs.append(out.detach())
        grads.append([xi.grad] + [p.grad.clone() for p in conv.parameters()])
    assert torch.allclose(outs[0], outs[1], atol=1e-5)
    for a, b in zip(grads[0], grads[1], strict=True):
        assert torch.allclose(a, b, atol=1e-5), (a - b).abs().max()
    empty = rgcn_layer(conv, x, edge_index[:, :0], edge_type[:0])
    assert torch.allclose(empty, conv(x, edge_index[:, :0], edge_type[:0]), atol=1e-6)

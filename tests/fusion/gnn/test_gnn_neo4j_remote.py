"""Training straight from the real Neo4j: PyG remote FeatureStore/GraphStore and neighbour sampling."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge

pytestmark = pytest.mark.neo4j


def test_neighbor_sampled_training_from_neo4j(neo4j_store_factory: Callable[[str], Neo4jStore]) -> None:
    import torch

    from kgreason.embed import default_encoder
    from kgreason.fusion.gnn.graph_data import index_store
    from kgreason.fusion.gnn.neo4j_remote import (
        FEATURE,
        NODE,
        make_stores,
        materialise_features,
        neighbor_batches,
        train_link_batches,
    )

    store = neo4j_store_factory("gnn_remote")
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(40)])
    encoder: Any = default_encoder()
    n = materialise_features(store, encoder, batch_size=64)
    index = index_store(store)
    assert n == index.num_nodes
    features, graph = make_stores(store)
    # Features come from the database, row for row, for any requested indexes.
    rows = features.get_tensor(group_name=NODE, attr_name=FEATURE, index=torch.tensor([5, 0, 7]))
    expected = np.asarray(encoder.encode([index.texts[i] for i in (5, 0, 7)]), dtype=np.float32)
    assert np.allclose(rows.numpy(), expected, atol=1e-5)
    # Every relation's edge index matches the store's edges.
    total = 0
    for attr in graph.get_all_edge_attrs():
        src, dst = graph.get_edge_index(attr)
        rel = index.rel_index[attr.edge_type[1]]
        mine = {(h, t) for h, r, t in index.triples().tolist() if r == rel}
        assert set(zip(src.tolist(), dst.tolist(), strict=True)) == mine
        total += src.numel()
    assert total == index.num_edges
    loader = neighbor_batches(store, num_neighbors=[4, 4], batch_size=32, seeds=torch.arange(64))
    batches = list(loader)
    assert len(batches) == 2
    for b in batches:
        assert b.x.size(1) == 384 and b.batch_size == 32 and b.num_nodes > 32
        assert np.allclose(
            b.x[:3].numpy(), features.get_tensor(group_name=NODE, attr_name=FEATURE, index=b.n_id[:3])
        )
        degree = np.bincount(b.edge_index[1, : b.edge_index.size(1) // 2].numpy(), minlength=b.num_nodes)
        assert degree.sum() > 0
    _, losses = train_link_batches(loader, dim=16, epochs=3, lr=0.02)
    assert len(losses) >= 4 and all(math.isfinite(x) for x in losses)
    assert np.mean(losses[-2:]) < np.mean(losses[:2])

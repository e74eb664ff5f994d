"""PyG data from either store: streamed index, graph hash, relation-typed Data and HeteroData."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kgreason.config import Settings
from kgreason.fusion.gnn.graph_data import index_store, to_data, to_hetero
from kgreason.graph.memory import MemoryStore
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.types import Edge, Node

EDGES = [
    Edge("alice", "parent_of", "bob"),
    Edge("alice", "works_at", "acme"),
    Edge("bob", "lives_in", "paris"),
    Edge("acme", "located_in", "paris"),
    Edge("paris", "capital_of", "france"),
]


def _fill(store: MemoryStore | Neo4jStore) -> None:
    store.upsert_nodes([Node("alice", ("Person",)), Node("bob", ("Person",)), Node("acme", ("Company",))])
    store.upsert_edges(EDGES)
    store.flush()


def test_index_data_and_hetero(settings: Settings) -> None:
    store = MemoryStore("tiny", settings)
    _fill(store)
    index = index_store(store, batch_size=2)  # several numpy chunks
    assert index.num_nodes == 5 and index.num_edges == 5 and index.num_relations == 5
    assert sorted(index.relations) == index.relations
    triples = {
        (index.node_ids[h], index.relations[r], index.node_ids[t]) for h, r, t in index.triples().tolist()
    }
    assert triples == {(e.source, e.type, e.target) for e in EDGES}
    data = to_data(index)
    assert data.edge_index.shape == (2, 10) and int(data.edge_type.max()) == 9  # reciprocals typed r + R
    assert data.num_nodes == 5 and data.num_relations == 10
    hetero = to_hetero(index)
    assert hetero["Person"].num_nodes == 2 and hetero["Company"].num_nodes == 1
    assert hetero["Person", "parent_of", "Person"].edge_index.tolist() == [[0], [1]]
    before = index.digest
    store.upsert_edges([Edge("bob", "works_at", "acme")])
    assert index_store(store).digest != before


@pytest.mark.neo4j
def test_neo4j_streams_the_same_graph(
    settings: Settings, neo4j_store_factory: Callable[[str], Neo4jStore]
) -> None:
    memory = MemoryStore("tiny", settings)
    _fill(memory)
    neo = neo4j_store_factory("gnn_tiny")
    _fill(neo)
    a, b = index_store(memory), index_store(neo, batch_size=2)
    assert a.digest == b.digest  # same edges, same hash, on either store
    assert a.node_ids == b.node_ids and a.relations == b.relations
    assert a.triples().tolist() == b.triples().tolist()

"""Entity linking on Neo4j through its native vector index (real database, real MiniLM encoder)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kgreason.config import Settings
from kgreason.graph.node_text import node_text
from kgreason.graph.store import GraphStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.neo4j_vector_index import Neo4jVectorIndex
from kgreason.testing.graph_contract import SAMPLE_EDGES, SAMPLE_NODES, checksum


def test_native_vector_index_builds_incrementally_and_searches(
    neo4j_store_factory: Callable[[str], GraphStore], settings: Settings
) -> None:
    from kgreason.embed import default_encoder

    encoder = default_encoder()
    store = neo4j_store_factory("vecs")
    store.upsert_nodes(list(SAMPLE_NODES))
    store.upsert_edges(list(SAMPLE_EDGES))
    before = checksum(store)
    entries = [(n.id, node_text(n)) for n in store.iter_nodes()]
    index = Neo4jVectorIndex(store).build(entries, encoder)
    assert index.encoded == len(entries)
    [query] = encoder.encode(["the city of Paris"])
    hits = index.search(query, 3)
    assert hits[0][0] == "paris"
    numpy_best = max(float(np.dot(v, query)) for v in encoder.encode([node_text(store.get_node("paris"))]))  # type: ignore[arg-type]
    assert abs(hits[0][1] - numpy_best) < 1e-3  # plain cosine, not Neo4j's (1 + cos) / 2
    again = Neo4jVectorIndex(store).build(entries, encoder)
    assert again.encoded == 0  # nothing re-embedded when no text changed
    assert checksum(store) == before and store.stats().nodes == len(
        SAMPLE_NODES
    )  # vectors stay out of the graph
    index.drop()


def test_engine_links_through_neo4j_index(
    neo4j_store_factory: Callable[[str], GraphStore], settings: Settings
) -> None:
    store = neo4j_store_factory("linkneo")
    store.upsert_nodes(list(SAMPLE_NODES))
    store.upsert_edges(list(SAMPLE_EDGES))
    engine = Engine(store, llm=None, settings=settings)
    answer = engine.ask("Where is the company Acme located?")
    assert answer.trace[0]["seeds"][0]["node_id"] == "acme"
    assert answer.entities[0] == "paris"
    Neo4jVectorIndex(store).drop()

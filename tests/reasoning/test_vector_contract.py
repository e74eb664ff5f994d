"""The vector-index contract (``kgreason.testing.vector_contract``) on both indexes: the numpy one
persisted as ``.npz`` and Neo4j's native vector index (real database); then the two, fed the same real
MiniLM vectors of a real graph, must return the same neighbours."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from _reasoning_data import MOVIES_TSV

from kgreason.graph.loaders import load_file
from kgreason.graph.node_text import node_text
from kgreason.graph.store import GraphStore
from kgreason.reasoning.neo4j_vector_index import Neo4jVectorIndex
from kgreason.reasoning.vector_index import build_node_index
from kgreason.testing.vector_contract import TOLERANCE, IndexBuilder, VectorIndexContract


class TestNumpyVectorIndexContract(VectorIndexContract):
    @pytest.fixture
    def index_builder(self, tmp_path: Path) -> IndexBuilder:
        path = tmp_path / "contract.kgr.vec.npz"
        return lambda entries, encoder: build_node_index(entries, encoder, path=path)


class TestNeo4jVectorIndexContract(VectorIndexContract):
    @pytest.fixture
    def index_builder(self, neo4j_store_factory: Callable[[str], GraphStore]) -> Iterator[IndexBuilder]:
        store = neo4j_store_factory("veccontract")
        yield lambda entries, encoder: Neo4jVectorIndex(store).build(entries, encoder)
        Neo4jVectorIndex(store).drop()


def test_both_indexes_return_the_same_neighbours_for_the_same_vectors(
    neo4j_store_factory: Callable[[str], GraphStore], tmp_path: Path
) -> None:
    from kgreason.embed import default_encoder

    encoder = default_encoder()
    store = neo4j_store_factory("vecsame")
    load_file(store, MOVIES_TSV)
    entries = [(n.id, node_text(n)) for n in store.iter_nodes()]
    assert len(entries) > 50
    numpy_index = build_node_index(entries, encoder, path=tmp_path / "movies.kgr.vec.npz")
    neo4j_index = Neo4jVectorIndex(store).build(entries, encoder)
    queries: Sequence[str] = ("a film by Christopher Nolan", "Keanu Reeves", "science fiction", "Paris")
    try:
        for vector in encoder.encode(list(queries)):
            a: list[tuple[str, Any]] = numpy_index.search(vector, 5)
            b = neo4j_index.search(vector, 5)
            assert [i for i, _ in a] == [i for i, _ in b]
            assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=TOLERANCE)
    finally:
        neo4j_index.drop()

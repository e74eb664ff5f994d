"""The Neo4j store: the shared contract suite, plus what only Neo4j does (transactions, crash recovery)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from kgreason.config import Settings
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.graph_contract import GraphStoreContract

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    uri = os.environ.get("KGR_TEST_NEO4J_URI")
    if not uri:
        pytest.skip("no Neo4j")
    return uri


@pytest.fixture
def neo4j_store_factory(neo4j_uri: str, settings: Settings) -> Iterator[Callable[[str], Neo4jStore]]:
    made: dict[str, Neo4jStore] = {}

    def factory(name: str) -> Neo4jStore:
        store = Neo4jStore(name, settings, uri=neo4j_uri)
        if name not in made:
            store.drop()
        made[name] = store
        return store

    yield factory
    for store in made.values():
        store.drop()
        store.close()


class TestNeo4jContract(GraphStoreContract):
    @pytest.fixture
    def store_factory(self, neo4j_store_factory: Callable[[str], Neo4jStore]) -> Callable[[str], Neo4jStore]:
        return neo4j_store_factory

"""The shared graph-store contract, run against the memory store."""

from __future__ import annotations

import pytest

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.testing.graph_contract import GraphStoreContract, StoreFactory


class TestMemoryStoreContract(GraphStoreContract):
    @pytest.fixture
    def store_factory(self, settings: Settings) -> StoreFactory:
        return lambda name: MemoryStore(name, settings)

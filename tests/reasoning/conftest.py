"""Shared graphs for the reasoning tests: the bundled example data, loaded once into memory stores."""

from __future__ import annotations

import pytest
from _reasoning_data import FAMILY_TSV, MOVIES_TSV, load_graph

from kgreason.graph.memory import MemoryStore


@pytest.fixture(scope="session")
def movies_store(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    return load_graph(tmp_path_factory.mktemp("movies"), "movies", MOVIES_TSV)


@pytest.fixture(scope="session")
def family_store(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    return load_graph(tmp_path_factory.mktemp("family"), "family", FAMILY_TSV)

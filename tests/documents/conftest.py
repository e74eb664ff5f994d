"""Fixtures for the documents tests: a store of either backend, a schema, and a small real corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docs_fixtures import CORPUS, SCHEMA_YAML, write_corpus

from kgreason.config import Settings
from kgreason.documents import ExtractionSchema, load_schema
from kgreason.graph.memory import MemoryStore
from kgreason.graph.store import GraphStore


@pytest.fixture
def schema(tmp_path: Path) -> ExtractionSchema:
    path = tmp_path / "schema.yaml"
    path.write_text(SCHEMA_YAML)
    return load_schema(path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", dict(CORPUS))


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_factory(request: pytest.FixtureRequest, settings: Settings) -> Callable[[str], GraphStore]:
    """A fresh graph per name on the memory store or the session's real Neo4j."""
    if request.param == "neo4j":
        factory: Callable[[str], GraphStore] = request.getfixturevalue("neo4j_store_factory")
        return factory
    return lambda name: MemoryStore(name, settings)

"""Open a named graph on a backend chosen by name (``memory`` by default, ``neo4j``, or a plugin)."""

from __future__ import annotations

from typing import cast

from kgreason import registry
from kgreason.config import Settings
from kgreason.graph.store import GraphStore

DEFAULT_BACKEND = "memory"


def open_store(graph: str, backend: str = DEFAULT_BACKEND, settings: Settings | None = None) -> GraphStore:
    """Return the store object for ``graph`` on ``backend`` (no I/O until first use)."""
    factory = registry.load("kgreason.graph_backends", backend)
    return cast(GraphStore, factory(graph, settings or Settings.from_env()))

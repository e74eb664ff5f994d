"""Open a named graph on a backend chosen by name (``memory`` by default, ``neo4j``, or a plugin)."""

from __future__ import annotations

from typing import cast

from kgreason import registry
from kgreason.config import Settings
from kgreason.errors import NotFoundError, suggest
from kgreason.graph.store import GraphStore

DEFAULT_BACKEND = "memory"


def open_store(graph: str, backend: str = DEFAULT_BACKEND, settings: Settings | None = None) -> GraphStore:
    """Return the store object for ``graph`` on ``backend`` (no I/O until first use)."""
    factory = registry.load("kgreason.graph_backends", backend)
    return cast(GraphStore, factory(graph, settings or Settings.from_env()))


def require_existing(store: GraphStore) -> GraphStore:
    """``store`` itself when its graph exists.

    Raises:
        NotFoundError: no such graph (with close names as suggestions).
    """
    if not store.exists():
        raise NotFoundError("graph", store.graph, suggest(store.graph, store.list_graphs()))
    return store


def existing_store(
    graph: str, backend: str = DEFAULT_BACKEND, settings: Settings | None = None
) -> GraphStore:
    """The store for ``graph`` on ``backend``, which must exist (``NotFoundError`` otherwise)."""
    return require_existing(open_store(graph, backend, settings))

"""A small path-pattern IR, executed natively by every store.

A ``PathQuery`` starts at a set of node ids and follows a sequence of ``Step``s, each a relationship type
(or any type) in a direction, optionally requiring labels and property values on the node reached. The
memory store walks it; the Neo4j store compiles it to one parameterised Cypher query. Both return the
same ``Path`` values in the same order: sorted by the node ids along the path, then the edge ids, then cut
to ``limit``. Like Cypher, a path never uses the same edge twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from kgreason.types import Path

Direction = Literal["out", "in", "both"]
DIRECTIONS: tuple[Direction, ...] = ("out", "in", "both")


@dataclass(frozen=True)
class Step:
    """One hop: follow ``relation`` (``None`` = any type) in ``direction``.

    ``labels``: labels the reached node must all carry. ``where``: property values it must have (equality).
    """

    relation: str | None = None
    direction: Direction = "out"
    labels: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")


@dataclass(frozen=True)
class PathQuery:
    """Start nodes, then steps; at most ``limit`` paths come back."""

    start: tuple[str, ...]
    steps: tuple[Step, ...]
    limit: int = 100

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a path query needs at least one step")
        if self.limit < 1:
            raise ValueError("limit must be >= 1")


def path_sort_key(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The order every store returns paths in."""
    return (path.node_ids, path.edge_ids)

"""Turn Neo4j driver values into kgreason's own types, and names into safe Cypher text.

No driver object crosses a public interface: store reads become ``Node``/``Edge``/``Path``, and guarded
query results become plain Python (dicts, lists, scalars). Names we splice into Cypher (labels,
relationship types, property keys) are always backtick-escaped here, never formatted in by hand.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from neo4j import graph as neo_graph

from kgreason.errors import GraphError
from kgreason.types import Edge, Node, Path

GRAPH_LABEL_PREFIX = "KG_"
"""Every node of graph NAME carries the label ``KG_NAME`` (named graphs on one database)."""
CONSTRAINT_PREFIX = "kgr_graph_"
"""The uniqueness constraint of graph NAME is called ``kgr_graph_NAME``."""


def graph_label(graph: str) -> str:
    return GRAPH_LABEL_PREFIX + graph


def constraint_name(graph: str) -> str:
    return CONSTRAINT_PREFIX + graph


def quote_name(name: str) -> str:
    """A label, type or key as a Cypher escaped name: backticks around it, inner backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def label_expr(labels: Iterable[str]) -> str:
    """``:`A`:`B``` for the given labels (empty string for none)."""
    return "".join(":" + quote_name(label) for label in labels)


def user_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """A node's labels as kgreason shows them: the internal ``KG_`` graph label removed, sorted."""
    return tuple(sorted(label for label in labels if not label.startswith(GRAPH_LABEL_PREFIX)))


def user_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties minus the internal ``id`` key."""
    return {k: v for k, v in props.items() if k != "id"}


def to_node(node: neo_graph.Node) -> Node:
    return Node(str(node["id"]), user_labels(node.labels), user_properties(dict(node.items())))


def to_edge(rel: neo_graph.Relationship) -> Edge:
    start, end = rel.start_node, rel.end_node
    if start is None or end is None or rel.type is None:  # the driver always sends both ends in a path
        raise ValueError("relationship without its end nodes")
    return Edge(str(start["id"]), rel.type, str(end["id"]), user_properties(dict(rel.items())))


def to_path(path: neo_graph.Path) -> Path:
    return Path(
        nodes=tuple(to_node(n) for n in path.nodes), edges=tuple(to_edge(r) for r in path.relationships)
    )


class ResultTooLarge(GraphError):
    """A query result went over the byte budget of ``result_budget``; reading stopped there."""


class _Budget:
    def __init__(self, total: int, per_value: int) -> None:
        self.total, self.per_value, self.used = total, per_value, 0


_BUDGET: ContextVar[_Budget | None] = ContextVar("kgr_result_budget", default=None)


@contextlib.contextmanager
def result_budget(total_bytes: int, value_bytes: int) -> Iterator[None]:
    """Bound what ``plain`` converts in this context: ``total_bytes`` over all values, ``value_bytes`` for
    any one value (a row's cell). Going over raises ``ResultTooLarge``, which stops reading the result
    (the transaction is rolled back). Sizes are estimates: characters of strings, 8 bytes per scalar."""
    token = _BUDGET.set(_Budget(total_bytes, value_bytes))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _size(value: Any) -> int:
    if isinstance(value, str | bytes):
        return len(value) + 8
    if isinstance(value, list):
        return 8 + sum(_size(v) for v in value)
    if isinstance(value, dict):
        return 8 + sum(len(k) + _size(v) for k, v in value.items())
    return 8


def plain(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships become dicts, paths alternating lists.

    Nodes: ``{"id", "labels", "properties"}`` (``id`` is our node id, or the element id for a node kgreason
    did not write). Relationships: ``{"id", "type", "source", "target", "properties"}``. Temporal and
    spatial values become their ISO / string form. Inside ``result_budget`` each call is charged to it.
    """
    out = _plain(value)
    budget = _BUDGET.get()
    if budget is not None:
        size = _size(out)
        budget.used += size
        if size > budget.per_value:
            raise ResultTooLarge(
                f"one value of the result is about {size:,} bytes, over the {budget.per_value:,}-byte "
                "limit per value; reading stopped",
                hint="return fewer or smaller values (e.g. size(x), left(x, 1000))",
            )
        if budget.used > budget.total:
            raise ResultTooLarge(
                f"the result passed {budget.total:,} bytes; reading stopped",
                hint="return fewer rows (LIMIT) or fewer columns",
            )
    return out


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, neo_graph.Node):
        return _plain_node(value)
    if isinstance(value, neo_graph.Relationship):
        return _plain_rel(value)
    if isinstance(value, neo_graph.Path):
        out: list[Any] = [_plain_node(value.start_node)]
        for rel, node in zip(value.relationships, value.nodes[1:], strict=True):
            out.extend((_plain_rel(rel), _plain_node(node)))
        return out
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    iso = getattr(value, "iso_format", None)
    if callable(iso):
        return str(iso())
    return str(value)


def _node_key(node: neo_graph.Node | None) -> str | None:
    if node is None:
        return None
    key = node.get("id")
    return str(key) if isinstance(key, str) else node.element_id


def _plain_node(node: neo_graph.Node) -> dict[str, Any]:
    return {
        "id": _node_key(node),
        "labels": list(user_labels(node.labels)),
        "properties": {k: _plain(v) for k, v in user_properties(dict(node.items())).items()},
    }


def _plain_rel(rel: neo_graph.Relationship) -> dict[str, Any]:
    key = rel.get("id")
    return {
        "id": str(key) if isinstance(key, str) else rel.element_id,
        "type": rel.type,
        "source": _node_key(rel.start_node),
        "target": _node_key(rel.end_node),
        "properties": {k: _plain(v) for k, v in user_properties(dict(rel.items())).items()},
    }


def record_edge(record: Any) -> Edge:
    """An edge from a record with the relationship ``r`` and its end ids ``s`` and ``e``."""
    rel = record["r"]
    return Edge(str(record["s"]), str(rel.type), str(record["e"]), user_properties(dict(rel.items())))

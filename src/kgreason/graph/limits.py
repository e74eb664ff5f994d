"""What every store can hold: the one place that knows the limits of both the memory store and Neo4j.

The loaders check each record against these limits before anything is written, so a file either passes
on both stores or is refused on both with the same ``file:line: reason`` (the memory store would take
some values Neo4j refuses at write time, and the two would then disagree). The limits:

- Node ids: non-empty strings of at most ``MAX_ID_BYTES`` UTF-8 bytes. The id is the key of the graph's
  uniqueness constraint on Neo4j, and a RANGE index key holds at most 8164 bytes of string (measured on
  Neo4j 5.26: 8164 ``a``, 4082 ``é`` and 2041 ``😀`` are accepted, one byte more is "Property value is too
  large to index").
- Labels and relationship types: non-empty, no control characters (Neo4j refuses NUL in token names; the
  others would be unreadable in every listing), and no label starting with ``KG_`` (Neo4j's graph labels).
- Property names: non-empty, no control characters, not ``id`` (the stores keep the id there), not
  ``_labels`` (the memory store keeps labels there) and nothing starting with ``_kgr`` (load tags).
- Property values: strings, booleans, floats, integers in -2**63 .. 2**63-1 (Neo4j's 64-bit integer), or
  a list of one of those types; no maps, no nested or mixed lists.
- No string anywhere may hold a lone surrogate (it is not encodable as UTF-8, so Neo4j cannot receive it
  and the memory store could not export it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kgreason.errors import InputError
from kgreason.graph.properties import check_properties
from kgreason.types import Edge, Node

GRAPH_LABEL_PREFIX = "KG_"
"""Labels with this prefix are Neo4j graph labels (``KG_NAME``); data may not use them."""
MAX_ID_BYTES = 8164
"""Largest node id in UTF-8 bytes that Neo4j's uniqueness index accepts (measured, Neo4j 5.26)."""
MIN_INT = -(2**63)
MAX_INT = 2**63 - 1
RESERVED_PROPERTIES = frozenset({"id", "_labels"})
"""``id`` holds the node id (both stores); ``_labels`` holds the labels in the memory store."""
RESERVED_PROPERTY_PREFIX = "_kgr"
"""Internal bookkeeping properties (Neo4j load tags) start with this."""

_SCALARS = (str, int, float, bool)
# Names (labels, types, keys) already checked: a file repeats a handful of them millions of times.
_OK_NAMES: set[tuple[str, str]] = set()


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _surrogate_reason(text: str, what: str) -> str:
    for i, ch in enumerate(text):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return f"{what} holds a lone surrogate (\\u{ord(ch):04x} at character {i + 1}), not valid Unicode"
    return f"{what} is not valid Unicode"  # pragma: no cover - only surrogates fail to encode


def id_problem(value: object, what: str = "node id") -> str | None:
    """Why ``value`` cannot be a node id, or None."""
    if not isinstance(value, str) or not value:
        return f"{what} must be a non-empty string, got {value!r}"
    if not _encodable(value):
        return _surrogate_reason(value, what)
    if len(value) * 4 > MAX_ID_BYTES and len(value.encode("utf-8")) > MAX_ID_BYTES:
        return (
            f"{what} is {len(value.encode('utf-8'))} bytes long; "
            f"at most {MAX_ID_BYTES} UTF-8 bytes fit Neo4j's id index"
        )
    return None


def name_problem(value: object, what: str) -> str | None:
    """Why ``value`` cannot be a label or relationship type (``what`` says which), or None."""
    if isinstance(value, str) and (what, value) in _OK_NAMES:
        return None
    if not isinstance(value, str) or not value:
        return f"{what} must be a non-empty string, got {value!r}"
    if not _encodable(value):
        return _surrogate_reason(value, f"{what} {value!r}")
    if _has_control(value):
        return f"{what} {value!r} contains a control character"
    if what == "label" and value.startswith(GRAPH_LABEL_PREFIX):
        return f"label {value!r}: labels starting with {GRAPH_LABEL_PREFIX!r} are reserved for graph names"
    if len(_OK_NAMES) < 100_000:
        _OK_NAMES.add((what, value))
    return None


def key_problem(key: object) -> str | None:
    """Why ``key`` cannot be a property name, or None."""
    if isinstance(key, str) and ("key", key) in _OK_NAMES:
        return None
    if not isinstance(key, str) or not key:
        return f"property names must be non-empty strings, got {key!r}"
    if key in RESERVED_PROPERTIES or key.startswith(RESERVED_PROPERTY_PREFIX):
        return f"property name {key!r} is reserved"
    if not _encodable(key):
        return _surrogate_reason(key, f"property name {key!r}")
    if _has_control(key):
        return f"property name {key!r} contains a control character"
    if len(_OK_NAMES) < 100_000:
        _OK_NAMES.add(("key", key))
    return None


def _scalar_problem(value: object, where: str) -> str | None:
    if isinstance(value, bool | float):
        return None
    if isinstance(value, int):
        if not MIN_INT <= value <= MAX_INT:
            return f"{where}: integer {value} is outside the 64-bit range (-2**63 .. 2**63-1)"
        return None
    if isinstance(value, str):
        return None if _encodable(value) else _surrogate_reason(value, where)
    return None


def value_problem(key: str, value: object) -> str | None:
    """Why ``value`` cannot be stored as property ``key``, or None (``None`` values are dropped)."""
    where = f"property {key!r}"
    if value is None:
        return None
    if isinstance(value, _SCALARS):
        return _scalar_problem(value, where)
    if isinstance(value, list | tuple):
        kinds = {type(v) for v in value}
        if not all(issubclass(k, _SCALARS) for k in kinds):
            bad = sorted(k.__name__ for k in kinds if not issubclass(k, _SCALARS))
            return f"{where}: a list may hold only strings, numbers or booleans, not {', '.join(bad)}"
        if len(kinds) > 1:
            return f"{where}: a list mixes types {', '.join(sorted(k.__name__ for k in kinds))}"
        for item in value:
            problem = _scalar_problem(item, where)
            if problem is not None:
                return problem
        return None
    return (
        f"{where} has a {type(value).__name__} value; only strings, numbers, booleans and lists of one of "
        "those are allowed"
    )


def properties_problem(props: Mapping[Any, Any]) -> str | None:
    for key, value in props.items():
        problem = key_problem(key) or value_problem(key, value)
        if problem is not None:
            return problem
    return None


def labels_problem(labels: Iterable[object]) -> str | None:
    for label in labels:
        problem = name_problem(label, "label")
        if problem is not None:
            return problem
    return None


def node_problem(node: Node) -> str | None:
    """Why no store can hold ``node``, or None."""
    return id_problem(node.id) or labels_problem(node.labels) or properties_problem(node.properties)


def edge_problem(edge: Edge) -> str | None:
    """Why no store can hold ``edge``, or None."""
    return (
        id_problem(edge.source, "edge source")
        or id_problem(edge.target, "edge target")
        or name_problem(edge.type, "relationship type")
        or properties_problem(edge.properties)
    )


def check_record(record: Node | Edge, *, path: str | None = None, line: int | None = None) -> None:
    """Raise ``InputError`` (with ``path`` and ``line`` when given) if no store can hold ``record``."""
    problem = node_problem(record) if isinstance(record, Node) else edge_problem(record)
    if problem is not None:
        raise InputError(problem, path=path, line=line)


def checked_properties(props: Mapping[str, Any], *, what: str) -> dict[str, Any]:
    """``props`` as a plain dict (``None`` values dropped) if every store can hold them, else raise
    ``InputError`` naming ``what`` and the bad key. The stores' write calls use this."""
    problem = properties_problem(props)
    if problem is not None:
        raise InputError(f"{what}: {problem}")
    return check_properties(props, what=what)

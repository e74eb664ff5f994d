"""Property values every store accepts: scalars (str, int, float, bool) or lists of one scalar type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kgreason.errors import InputError

RESERVED_KEYS = frozenset({"id"})
_SCALARS = (str, int, float, bool)


def check_properties(props: Mapping[str, Any], *, what: str) -> dict[str, Any]:
    """Return ``props`` as a plain dict, or raise ``InputError`` naming the bad key.

    ``None`` values are dropped (Neo4j cannot store them either). ``id`` is reserved.
    """
    out: dict[str, Any] = {}
    for key, value in props.items():
        if not isinstance(key, str) or not key:
            raise InputError(f"{what}: property names must be non-empty strings, got {key!r}")
        if key in RESERVED_KEYS:
            raise InputError(f"{what}: property name {key!r} is reserved")
        if value is None:
            continue
        if isinstance(value, _SCALARS):
            out[key] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, _SCALARS) for v in value):
            kinds = {type(v) for v in value}
            if len(kinds) > 1:
                raise InputError(
                    f"{what}: list property {key!r} mixes types {sorted(k.__name__ for k in kinds)}"
                )
            out[key] = list(value)
        else:
            raise InputError(
                f"{what}: property {key!r} has a {type(value).__name__} value; "
                "only strings, numbers, booleans and lists of them are allowed"
            )
    return out

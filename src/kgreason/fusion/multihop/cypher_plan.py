"""Structured query plans: what a small model fills in instead of writing Cypher, and their compiler.

A plan is a JSON object constrained by a schema built from the selected schema: a ``start`` (one of the
linked entities, or a label to start from when none was linked), a ``path`` of 1..``max_hops``
relationship steps, each one of the selected types written ``type`` (follow it forwards) or
``type (inverse)``, and what to ``return`` (``entities`` or ``count``). The grammar makes every name
real; ``compile_plan`` turns the plan into one parameterised Cypher query scoped to the graph's label,
which then goes through the same validation and guard as hand-written Cypher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX, quote_name

INVERSE = " (inverse)"


@dataclass(frozen=True)
class Plan:
    """A start (entity id or label), relationship steps ``(type, "out"|"in")``, and the return kind."""

    start: str
    start_is_entity: bool
    steps: tuple[tuple[str, str], ...]
    returns: str = "entities"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "start_is_entity": self.start_is_entity,
            "path": [t if d == "out" else t + INVERSE for t, d in self.steps],
            "return": self.returns,
        }


def step_options(types: Sequence[str]) -> list[str]:
    """Every selected type, forwards and inverse, as the plan's ``path`` enum."""
    return [*types, *(t + INVERSE for t in types)]


def plan_schema(starts: Sequence[str], types: Sequence[str], *, max_hops: int) -> dict[str, Any]:
    """The JSON schema a plan must satisfy (``starts``: entity names or labels, ``types``: relationships)."""
    return {
        "type": "object",
        "properties": {
            "start": {"type": "string", "enum": list(starts)},
            "path": {
                "type": "array",
                "items": {"type": "string", "enum": step_options(types)},
                "minItems": 1,
                "maxItems": max_hops,
            },
            "return": {"type": "string", "enum": ["entities", "count"]},
        },
        "required": ["start", "path", "return"],
    }


def parse_plan(data: Any, start_ids: Mapping[str, str], labels: Sequence[str]) -> Plan | None:
    """A ``Plan`` from the model's JSON (``start_ids``: shown name -> node id); ``None`` when malformed."""
    if not isinstance(data, Mapping):
        return None
    start, path, returns = data.get("start"), data.get("path"), data.get("return", "entities")
    if not isinstance(start, str) or not isinstance(path, list) or not path:
        return None
    steps = []
    for item in path:
        if not isinstance(item, str):
            return None
        steps.append((item[: -len(INVERSE)], "in") if item.endswith(INVERSE) else (item, "out"))
    if start in start_ids:
        return Plan(start_ids[start], True, tuple(steps), "count" if returns == "count" else "entities")
    if start in labels:
        return Plan(start, False, tuple(steps), "count" if returns == "count" else "entities")
    return None


def compile_plan(plan: Plan, graph: str) -> tuple[str, dict[str, Any]]:
    """One parameterised Cypher query for ``plan`` in graph ``graph`` (no LIMIT: validation adds it)."""
    kg = quote_name(GRAPH_LABEL_PREFIX + graph)
    params: dict[str, Any] = {}
    if plan.start_is_entity:
        head = f"(n0:{kg} {{id: $start}})"
        params["start"] = plan.start
    else:
        head = f"(n0:{kg}:{quote_name(plan.start)})"
    parts = [head]
    for k, (type_, direction) in enumerate(plan.steps, start=1):
        rel = f"[:{quote_name(type_)}]"
        parts.append(f"-{rel}->" if direction == "out" else f"<-{rel}-")
        parts.append(f"(n{k}:{kg})")
    last = f"n{len(plan.steps)}"
    if plan.returns == "count":
        return f"MATCH {''.join(parts)} RETURN count(DISTINCT {last}) AS count", params
    return f"MATCH p = {''.join(parts)} RETURN p ORDER BY [x IN nodes(p) | x.id]", params

"""Structured query plans: what a small model fills in instead of writing Cypher, and their compiler.

A plan is a JSON object constrained by a schema built from the selected schema, so every name in it is
real. The minimal plan is a ``start`` (one of the linked entities, or a label to start from when none
was linked), a ``path`` of relationship steps, each one of the selected types written ``type`` (follow
it forwards) or ``type (inverse)``, and what to ``return``: ``entities``, their ``count``, or
``exists`` (a yes/no question: does any such path exist?). Optional parts, offered only where the
selected schema can use them:

- ``filters``: comparisons ``{"on", "property", "op", "value"}`` on the end node (``"on": "end"``) or on
  the node a step reaches (``"on": k``; 0 is the start); the value is always a query parameter;
- ``aggregate``: ``{"fn": count|min|max|avg|sum, "property"}`` over the end nodes (count without a
  property counts distinct end nodes);
- ``order_by`` (``{"property", "direction"}``) and ``limit`` (1..row limit) for entity answers;
- a second anchor, ``and_start`` with its own ``and_path``, whose path must end where the main path
  ends ("Which Tarantino film starred DiCaprio?"); an empty ``and_path`` pins the end node itself
  ("Did X direct Y?": ``start`` X, ``path`` [directed], ``and_start`` Y, ``return`` exists).

``compile_plan`` turns a plan into one parameterised Cypher query scoped to the graph's label (no value
from the plan is spliced into the text), which then goes through the same validation and guard as
hand-written Cypher. Rows come back in fixed columns: ``p``/``q`` paths for entities; ``count`` or
``value`` plus ``paths``/``and_paths`` lists for aggregates; ``exists`` plus the paths for yes/no.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX, quote_name

INVERSE = " (inverse)"
RETURNS = ("entities", "count", "exists")
OPS = ("=", "<>", "<", "<=", ">", ">=", "CONTAINS", "STARTS WITH")
AGGREGATES = ("none", "count", "min", "max", "avg", "sum")
MAX_FILTERS = 3
MAX_VALUE_CHARS = 80
END = -1
"""``Filter.on`` for the end node of the main path."""

QUERY_CUES = re.compile(
    r"\b(most|least|fewest|average|mean|total|sum of|more than|fewer than|less than|greater than|"
    r"at least|at most|(?:over|under|before|after|since|between|top) \d+|"
    r"oldest|youngest|newest|latest|earliest|highest|lowest|largest|smallest|biggest|longest|"
    r"shortest|tallest|greatest)\b",
    re.IGNORECASE,
)
"""Words of a question that needs a filter, an aggregate or an ordering (a path walk cannot give it)."""
COMPARISON_CUES = re.compile(
    r"\b(?:before|after|since|over|under|above|below|more than|fewer than|less than|greater than|"
    r"at least|at most|in|from|of)\s+(?:the\s+year\s+)?\d+\b",
    re.IGNORECASE,
)
"""A comparison with a number ("before 1990", "more than 3"): the plan needs a filter."""
RANKING_CUES = re.compile(
    r"\b(oldest|youngest|newest|latest|earliest|highest|lowest|largest|smallest|biggest|longest|"
    r"shortest|tallest|greatest|most recent|first|last)\b",
    re.IGNORECASE,
)
"""A superlative ("the oldest film"): the plan needs an ordering."""


class PlanError(ValueError):
    """A plan that parses as JSON but cannot be compiled; the message goes back to the model."""


@dataclass(frozen=True)
class Filter:
    """``node.property op value``; ``on`` is the node index on the main path (0: start, ``END``: end)."""

    on: int
    property: str
    op: str
    value: str | int | float


@dataclass(frozen=True)
class Plan:
    """A start (entity id or label), relationship steps ``(type, "out"|"in")``, the return kind, and the
    optional filters, aggregate, ordering, limit and second anchor (see the module docstring)."""

    start: str
    start_is_entity: bool
    steps: tuple[tuple[str, str], ...]
    returns: str = "entities"
    filters: tuple[Filter, ...] = ()
    aggregate: str = "none"
    aggregate_property: str | None = None
    order_by: tuple[str, str] | None = None
    limit: int | None = None
    and_start: str | None = None
    and_start_is_entity: bool = True
    and_steps: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        """What the compiled query answers: ``entities``, ``count``, ``aggregate`` or ``exists``."""
        if self.returns == "exists":
            return "exists"
        if self.aggregate in ("min", "max", "avg", "sum"):
            return "aggregate"  # "how much ...": return count with a sum is the sum
        if self.returns == "count" or self.aggregate == "count":
            return "count"
        return "entities"

    def to_dict(self) -> dict[str, Any]:
        """The plan as the model writes it (optional parts only when set) plus ``start_is_entity``."""
        out: dict[str, Any] = {
            "start": self.start,
            "start_is_entity": self.start_is_entity,
            "path": _path_items(self.steps),
        }
        if self.and_start is not None:
            out["and_start"] = self.and_start
            out["and_path"] = _path_items(self.and_steps)
        if self.filters:
            out["filters"] = [
                {"on": "end" if f.on == END else f.on, "property": f.property, "op": f.op, "value": f.value}
                for f in self.filters
            ]
        if self.aggregate != "none":
            agg: dict[str, Any] = {"fn": self.aggregate}
            if self.aggregate_property is not None:
                agg["property"] = self.aggregate_property
            out["aggregate"] = agg
        if self.order_by is not None:
            out["order_by"] = {"property": self.order_by[0], "direction": self.order_by[1]}
        if self.limit is not None:
            out["limit"] = self.limit
        out["return"] = self.returns
        return out


def _path_items(steps: Sequence[tuple[str, str]]) -> list[str]:
    return [t if d == "out" else t + INVERSE for t, d in steps]


def step_options(types: Sequence[str]) -> list[str]:
    """Every selected type, forwards and inverse, as the plan's ``path`` enum."""
    return [*types, *(t + INVERSE for t in types)]


def plan_schema(
    starts: Sequence[str],
    types: Sequence[str],
    *,
    max_hops: int,
    properties: Sequence[str] = (),
    second_anchor: bool = False,
    row_limit: int = 100,
    min_steps: int = 1,
    returns: Sequence[str] = RETURNS,
    anchor_steps: int | None = None,
    need: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON schema a plan must satisfy.

    Args:
        starts: entity names or labels a path may start from.
        types: the selected relationship types.
        max_hops: the longest path.
        properties: node property keys of the selected labels; filters, aggregates over a property and
            ordering are offered only when there are some.
        second_anchor: offer ``and_start``/``and_path`` (two or more entities were linked).
        row_limit: the largest ``limit``.
        min_steps: the shortest ``path`` (0 lets a label start answer from its own nodes' properties).
        returns: the ``return`` kinds offered (a count question gets only ``count``, a yes/no question
            only ``exists``).
        anchor_steps: when set (with ``second_anchor``), the second anchor is required, with at least
            this many steps (a yes/no question may pin the end node itself: 0; a constraint: 1).
        need: optional parts made required (``filters``, ``order_by``) when the question's words call
            for them; ignored without ``properties``.
    """
    steps = {"type": "string", "enum": step_options(types)}
    props: dict[str, Any] = {
        "start": {"type": "string", "enum": list(starts)},
        "path": {"type": "array", "items": steps, "minItems": min_steps, "maxItems": max_hops},
    }
    if second_anchor:
        props["and_start"] = {"type": "string", "enum": list(starts)}
        least = anchor_steps or 0
        props["and_path"] = {"type": "array", "items": steps, "minItems": least, "maxItems": max_hops}
    aggregate: dict[str, Any] = {"fn": {"type": "string", "enum": list(AGGREGATES)}}
    if properties:
        prop = {"type": "string", "enum": list(properties)}
        props["filters"] = {
            "type": "array",
            "minItems": 1 if "filters" in need else 0,
            "maxItems": MAX_FILTERS,
            "items": {
                "type": "object",
                "properties": {
                    "on": {"enum": ["end", *range(max_hops + 1)]},
                    "property": prop,
                    "op": {"type": "string", "enum": list(OPS)},
                    "value": {
                        "anyOf": [{"type": "string", "maxLength": MAX_VALUE_CHARS}, {"type": "number"}]
                    },
                },
                "required": ["on", "property", "op", "value"],
                "additionalProperties": False,
            },
        }
        aggregate["property"] = prop
        props["order_by"] = {
            "type": "object",
            "properties": {"property": prop, "direction": {"type": "string", "enum": ["asc", "desc"]}},
            "required": ["property", "direction"],
            "additionalProperties": False,
        }
    props["aggregate"] = {
        "type": "object",
        "properties": aggregate,
        "required": ["fn"],
        "additionalProperties": False,
    }
    props["limit"] = {"type": "integer", "minimum": 1, "maximum": row_limit}
    props["return"] = {"type": "string", "enum": [r for r in RETURNS if r in returns]}
    return {
        "type": "object",
        "properties": props,
        "required": [
            "start",
            "path",
            *(["and_start", "and_path"] if second_anchor and anchor_steps is not None else []),
            *([k for k in ("filters", "order_by") if k in need] if properties else []),
            "return",
        ],
        "additionalProperties": False,
    }


def parse_plan(data: Any, start_ids: Mapping[str, str], labels: Sequence[str]) -> Plan | None:
    """A ``Plan`` from the model's JSON (``start_ids``: shown name -> node id); ``None`` when malformed."""
    try:
        return read_plan(data, start_ids, labels)
    except PlanError:
        return None


def read_plan(
    data: Any, start_ids: Mapping[str, str], labels: Sequence[str], *, row_limit: int = 10_000
) -> Plan:
    """A ``Plan`` from the model's JSON (``start_ids``: shown name -> node id).

    Raises:
        PlanError: what is wrong, in words the model can act on.
    """
    if not isinstance(data, Mapping):
        raise PlanError("the plan must be a JSON object")
    start, start_is_entity = _anchor(data.get("start"), start_ids, labels, "start")
    steps = _steps(data.get("path"), "path")
    if not steps and start_is_entity and data.get("and_start") is None:
        raise PlanError("path must have at least one step")
    returns = data.get("return", "entities")
    if returns not in RETURNS:
        raise PlanError(f"return must be one of {', '.join(RETURNS)}")
    and_start: str | None = None
    and_is_entity = True
    and_steps: tuple[tuple[str, str], ...] = ()
    if data.get("and_start") is not None:
        and_start, and_is_entity = _anchor(data.get("and_start"), start_ids, labels, "and_start")
        and_steps = _steps(data.get("and_path", []), "and_path")
    filters = tuple(_filter(f, len(steps)) for f in _list(data.get("filters", []), "filters"))
    aggregate, agg_prop = "none", None
    agg = data.get("aggregate")
    if agg is not None:
        if not isinstance(agg, Mapping) or agg.get("fn", "none") not in AGGREGATES:
            raise PlanError(f"aggregate must be an object with fn one of {', '.join(AGGREGATES)}")
        aggregate = str(agg.get("fn", "none"))
        raw_prop = agg.get("property")
        agg_prop = raw_prop if isinstance(raw_prop, str) and raw_prop else None
        if aggregate in ("min", "max", "avg", "sum") and agg_prop is None:
            raise PlanError(f"aggregate {aggregate} needs a property of the end node")
        if aggregate == "none":
            agg_prop = None
    order_by = None
    order = data.get("order_by")
    if order is not None:
        prop, direction = (
            (order.get("property"), order.get("direction", "asc"))
            if isinstance(order, Mapping)
            else (None, None)
        )
        if not isinstance(prop, str) or not prop or direction not in ("asc", "desc"):
            raise PlanError("order_by must be {property, direction: asc|desc}")
        order_by = (prop, str(direction))
    limit = data.get("limit")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= row_limit
    ):
        raise PlanError(f"limit must be a whole number from 1 to {row_limit}")
    return Plan(
        start,
        start_is_entity,
        steps,
        str(returns),
        filters,
        aggregate,
        agg_prop,
        order_by,
        limit,
        and_start,
        and_is_entity,
        and_steps,
    )


def _anchor(value: Any, start_ids: Mapping[str, str], labels: Sequence[str], key: str) -> tuple[str, bool]:
    if isinstance(value, str) and value in start_ids:
        return start_ids[value], True
    if isinstance(value, str) and value in labels:
        return value, False
    names = [*start_ids, *labels]
    raise PlanError(f"{key} must be one of {', '.join(map(repr, names)) or '(none)'}")


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise PlanError(f"{key} must be a list")
    return value


def _steps(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    steps = []
    for item in _list(value, key):
        if not isinstance(item, str) or not item or item == INVERSE:
            raise PlanError(f"every {key} step must be a relationship type name")
        steps.append((item[: -len(INVERSE)], "in") if item.endswith(INVERSE) else (item, "out"))
    return tuple(steps)


def _filter(value: Any, hops: int) -> Filter:
    if not isinstance(value, Mapping):
        raise PlanError("every filter must be an object {on, property, op, value}")
    on, prop, op, raw = value.get("on", "end"), value.get("property"), value.get("op"), value.get("value")
    if on == "end":
        index = END
    elif isinstance(on, int) and not isinstance(on, bool) and 0 <= on <= hops:
        index = END if on == hops else on
    else:
        raise PlanError(f"filter 'on' must be 'end' or a step number from 0 to {hops}")
    if not isinstance(prop, str) or not prop:
        raise PlanError("filter property must be a property key")
    if op not in OPS:
        raise PlanError(f"filter op must be one of {', '.join(OPS)}")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise PlanError("filter value must be a string or a number")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise PlanError("filter value must be a finite number")
    return Filter(index, prop, str(op), raw)


def _number(text: str) -> int | float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and "." not in text else number


def compile_plan(plan: Plan, graph: str, *, row_limit: int = 100) -> tuple[str, dict[str, Any]]:
    """One parameterised Cypher query for ``plan`` in graph ``graph``.

    Values from the plan (entity ids, filter values) are parameters, never part of the text; names are
    quoted. Entity queries get no LIMIT unless the plan sets one (validation adds the row limit);
    ``row_limit`` caps the evidence paths collected next to a count, an aggregate or ``exists``.
    """
    kg = quote_name(GRAPH_LABEL_PREFIX + graph)
    params: dict[str, Any] = {}
    hops = len(plan.steps)
    end = f"n{hops}"
    where: list[str] = []

    def node(var: str, anchor: str | None, is_entity: bool, param: str) -> str:
        if anchor is None:
            return f"({var}:{kg})"
        if is_entity:
            params[param] = anchor
            return f"({var}:{kg} {{id: ${param}}})"
        return f"({var}:{kg}:{quote_name(anchor)})"

    def chain(prefix: str, first: str, steps: Sequence[tuple[str, str]], last_var: str) -> str:
        parts = [first]
        for k, (type_, direction) in enumerate(steps, start=1):
            rel = f"[:{quote_name(type_)}]"
            parts.append(f"-{rel}->" if direction == "out" else f"<-{rel}-")
            parts.append(f"({last_var}:{kg})" if k == len(steps) else f"({prefix}{k}:{kg})")
        return "".join(parts)

    main = chain("n", node("n0", plan.start, plan.start_is_entity, "start"), plan.steps, end)
    clauses = [f"MATCH p = {main}"]
    has_q = False
    if plan.and_start is not None:
        if plan.and_steps:
            first = node("m0", plan.and_start, plan.and_start_is_entity, "and_start")
            clauses.append(f"MATCH q = {chain('m', first, plan.and_steps, end)}")
            has_q = True
        elif plan.and_start_is_entity:
            params["and_start"] = plan.and_start
            where.append(f"{end}.id = $and_start")
        else:
            params["and_label"] = plan.and_start
            where.append(f"$and_label IN labels({end})")
    for k, f in enumerate(plan.filters):
        var = end if f.on == END else f"n{f.on}"
        where.append(_condition(f"{var}.{quote_name(f.property)}", f, f"v{k}", params))
    kind = plan.kind
    ordered = plan.order_by if kind == "entities" else None
    measured = plan.aggregate_property if kind in ("count", "aggregate") else None
    if ordered is not None:
        where.append(f"{end}.{quote_name(ordered[0])} IS NOT NULL")
    if measured is not None:
        where.append(f"{end}.{quote_name(measured)} IS NOT NULL")
    if where:
        clauses.append("WHERE " + " AND ".join(where))
    ret = "p, q" if has_q else "p"
    cap = f"[..{row_limit}]"
    and_paths = f", collect(q){cap} AS and_paths" if has_q else ""
    if kind == "exists":
        clauses.append(
            f"WITH collect(p){cap} AS paths" + (f", collect(q){cap} AS and_paths" if has_q else "")
        )
        clauses.append("RETURN size(paths) > 0 AS exists, paths" + (", and_paths" if has_q else ""))
        return " ".join(clauses), params
    if kind == "entities" and ordered is None and plan.limit is None:
        clauses.append(f"RETURN {ret} ORDER BY [x IN nodes(p) | x.id]")
        return " ".join(clauses), params
    # one row per end node from here on: a count, a sum or a LIMIT must not see an entity twice
    grouped = "head(collect(p)) AS p" + (", head(collect(q)) AS q" if has_q else "")
    clauses.append(f"WITH {end}, {grouped}")
    if kind == "entities":
        key = f"{end}.{quote_name(ordered[0])} {ordered[1].upper()}, " if ordered else ""
        limit = f" LIMIT {plan.limit}" if plan.limit is not None else ""
        clauses.append(f"RETURN {ret} ORDER BY {key}{end}.id{limit}")
        return " ".join(clauses), params
    if kind == "count":
        counted = f"DISTINCT {end}.{quote_name(measured)}" if measured else end
        clauses.append(f"RETURN count({counted}) AS count, collect(p){cap} AS paths{and_paths}")
        return " ".join(clauses), params
    prop = f"{end}.{quote_name(measured or '')}"
    if plan.aggregate in ("min", "max"):
        # the entities holding the extreme value are the evidence
        clauses.append(
            f"WITH {plan.aggregate}({prop}) AS value, collect(p) AS ps"
            + (", collect(q) AS qs" if has_q else "")
        )
        last = f"last(nodes(x)).{quote_name(measured or '')}"
        keep = f"[x IN ps WHERE {last} = value]{cap} AS paths"
        keep_q = f", [x IN qs WHERE {last} = value]{cap} AS and_paths" if has_q else ""
        clauses.append(f"RETURN value, {keep}{keep_q}")
        return " ".join(clauses), params
    clauses.append(f"RETURN {plan.aggregate}({prop}) AS value, collect(p){cap} AS paths{and_paths}")
    return " ".join(clauses), params


def _condition(target: str, f: Filter, name: str, params: dict[str, Any]) -> str:
    """``target op $name`` with the value as a parameter; numbers written as text compare as numbers."""
    value = f.value
    if f.op in ("CONTAINS", "STARTS WITH"):
        params[name] = str(value)
        return f"{target} {f.op} ${name}"
    number = _number(value) if isinstance(value, str) else value
    if f.op in ("=", "<>"):
        # "1990" and 1990 both match a property stored either way
        forms: list[Any] = [value]
        if number is not None and number != value:
            forms.append(number)
        elif isinstance(value, int | float):
            forms.append(str(value))
        params[name] = forms
        return f"{target} IN ${name}" if f.op == "=" else f"NOT {target} IN ${name}"
    params[name] = number if number is not None else value
    return f"{target} {f.op} ${name}"

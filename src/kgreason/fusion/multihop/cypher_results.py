"""What text2cypher's queries produced: each ``Attempt``, the vote among candidates, the kind and literal
value of the chosen result, its rows as evidence paths, and the ``Draft`` answer built from them.

Rows are read as the store returns them: a node is a mapping with ``id`` and ``labels``, a path a list
alternating nodes and relationships; other scalars are kept as ``key = value`` lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.fusion.base import Candidate, Context, Draft, Evidence
from kgreason.fusion.multihop.cypher_plan import Plan
from kgreason.types import DEFAULT_LABEL, Citation, Edge, Node, Path


@dataclass
class Attempt:
    """One generated query and what became of it."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"  # ok | invalid | refused | error
    reason: str | None = None
    rows: tuple[dict[str, Any], ...] = ()
    validate_ms: float = 0.0
    run_ms: float = 0.0
    fixes: list[str] = field(default_factory=list)
    plan: Plan | None = None


def vote(results: list[Attempt]) -> Attempt | None:
    """The attempt whose answer ids most attempts share (the first such on ties)."""
    if not results:
        return None
    keys = [_answer_key(a.rows) for a in results]
    best, _ = Counter(keys).most_common(1)[0]
    return results[keys.index(best)]


def _answer_key(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted(repr(sorted(r.items())) for r in rows))


def _to_node(d: Mapping[str, Any]) -> Node:
    return Node(str(d["id"]), tuple(d.get("labels") or (DEFAULT_LABEL,)), dict(d.get("properties") or {}))


def _is_node(v: Any) -> bool:
    return isinstance(v, Mapping) and "labels" in v and "id" in v


def _is_rel(v: Any) -> bool:
    return isinstance(v, Mapping) and "type" in v and "source" in v and "target" in v


def _is_path(v: Any) -> bool:
    """A path as the store returns it: node, relationship, node, ... (one node for a zero-length path)."""
    return (
        isinstance(v, list)
        and len(v) % 2 == 1
        and all(_is_node(x) for x in v[::2])
        and all(_is_rel(x) for x in v[1::2])
    )


def has_graph_value(v: Any) -> bool:
    return _is_node(v) or _is_path(v) or (isinstance(v, list) and any(has_graph_value(x) for x in v))


VALUE_COLUMNS = frozenset({"count", "value", "exists"})
"""Columns of a compiled plan that hold the literal answer, not entities."""


def _format_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, str):
        return value
    return None


def result_value(attempt: Attempt) -> tuple[str, str | None]:
    """What the chosen query answers (``entities``, ``count``, ``aggregate`` or ``exists``) and its
    literal value (``"3"``, ``"yes"``; ``None`` for entities, or an aggregate over nothing). A written
    query (no plan) that returns one row with one number or boolean is read as a count or a yes/no."""
    rows = attempt.rows
    if attempt.plan is not None:
        kind = attempt.plan.kind
        if kind == "entities":
            return kind, None
        column = {"count": "count", "aggregate": "value", "exists": "exists"}[kind]
        raw = rows[0].get(column) if rows else (0 if kind == "count" else False if kind == "exists" else None)
        return kind, _format_value(raw)
    if len(rows) == 1 and len(rows[0]) == 1:
        [(column, raw)] = rows[0].items()
        if isinstance(raw, bool):
            return "exists", _format_value(raw)
        if isinstance(raw, int | float):
            kind = "count" if "count" in column.lower() and isinstance(raw, int) else "aggregate"
            return kind, _format_value(raw)
    return "entities", None


def draft_from_evidence(ctx: Context, evidence: Evidence, max_answers: int) -> Draft:
    """The cypher-mode answer: a count, an aggregate or yes/no as ``value`` with the entities the query
    returned as evidence, or the returned entities as ``answers``; every path's edges are cited."""
    notes = evidence.notes
    kind = str(notes.get("kind", "entities"))
    value = notes.get("value")
    ranked = [c.node_id for c in evidence.candidates][:max_answers]
    answer_set = [str(a) for a in notes.get("answer_set", [])]
    answer_set = [a for a in answer_set if a in ranked] or ranked[:1]
    markers: dict[str, str] = {}
    for p in evidence.paths:
        for e in p.edges:
            markers.setdefault(e.id, f"T{len(markers) + 1}")
    names = {n.id: n.name for p in evidence.paths for n in p.nodes}
    citations: list[Citation] = []
    parts = []
    for a in answer_set:
        support = next((p for p in evidence.paths if p.nodes[-1].id == a), None)
        ids = support.edge_ids if support is not None else ()
        for i in ids:
            citations.append(Citation(f"[{markers[i]}]", (i,)))
        marks = "".join(f"[{markers[i]}]" for i in ids)
        parts.append(f"{names.get(a, a)} {marks}".strip())
    listed = "; ".join(parts)
    by_id = {c.node_id: c.score for c in evidence.candidates}
    scores: dict[str, float] = {"answer_set_size": float(len(answer_set))}
    scores.update({f"entity:{r}": round(by_id.get(r, 0.0), 6) for r in ranked})
    plan = notes.get("plan")
    abstained = None if "kind" in notes else "no valid query"
    if kind != "entities":
        form = {"count": "count", "exists": "yes_no"}.get(kind, "single")
        if value is None:
            abstained = "the query found nothing to aggregate"
        text = (str(value) if value is not None else "not found") + (
            f": {listed}" if listed and value else ""
        )
        extreme = isinstance(plan, Plan) and plan.aggregate in ("min", "max")
        counted = tuple(answer_set) if kind == "count" or value == "yes" or extreme else ()
        return Draft(
            text=text,
            entities=tuple(ranked),
            citations=tuple(dict.fromkeys(citations)),
            scores=scores,
            answers=counted,
            value=str(value) if value is not None else None,
            abstained=abstained,
            form=form,
        )
    if isinstance(plan, Plan) and plan.and_start is not None:
        form = "constraint"
    elif ctx.analysis.form in ("single", "list", "constraint"):
        form = ctx.analysis.form
    else:
        form = "list" if len(answer_set) > 1 else "single"
    text = listed or ", ".join(str(x) for x in notes.get("scalars", [])[:10])
    return Draft(
        text=text,
        entities=tuple(ranked),
        citations=tuple(dict.fromkeys(citations)),
        scores=scores,
        answers=tuple(answer_set) if ranked else (),
        abstained=abstained,
        form=form,
    )


def rows_to_evidence(
    rows: Sequence[Mapping[str, Any]], seeds: set[str], max_answers: int, skip: frozenset[str] = frozenset()
) -> Evidence:
    """Paths and nodes in the result rows (also inside lists) become evidence; their end nodes, the
    ranked answers. Scalars outside ``skip`` are kept as ``key = value`` lines."""
    paths: list[Path] = []
    scalars: list[str] = []

    def take(value: Any) -> bool:
        if _is_path(value):
            nodes = tuple(_to_node(x) for x in value[::2])
            edges = tuple(
                Edge(str(r["source"]), str(r["type"]), str(r["target"]), dict(r.get("properties") or {}))
                for r in value[1::2]
            )
            paths.append(Path(nodes, edges))
        elif _is_node(value):
            paths.append(Path((_to_node(value),)))
        elif isinstance(value, list) and value and all(has_graph_value(x) for x in value):
            for x in value:
                take(x)
        else:
            return False
        return True

    for row in rows:
        for key, value in row.items():
            if take(value):
                continue
            if key not in skip and (value is None or isinstance(value, str | int | float | bool)):
                scalars.append(f"{key} = {value}")
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for i, p in enumerate(paths):
        end = p.nodes[-1].id
        if end in seen or (end in seeds and len(p.nodes) > 1) or len(candidates) >= max_answers:
            continue
        seen.add(end)
        candidates.append(Candidate(end, 1.0, (i,)))
    answer_set = [c.node_id for c in candidates]
    return Evidence(
        paths=tuple(paths), candidates=tuple(candidates), notes={"answer_set": answer_set, "scalars": scalars}
    )

"""A read-only view of a store that records every operation, so the evidence of an answer can be replayed.

Strategies read the graph only through ``RecordingStore``. Each call becomes a ``QueryRecord`` with the
operation name, its exact parameters, the number of rows and a digest of the canonical result;
``replay`` runs the same operations again and says whether every result — and so the evidence built
from them — is identical. On Neo4j the Cypher a strategy sends itself is recorded by the same mechanism
(language ``cypher``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kgreason.errors import InputError
from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import GraphStore
from kgreason.types import Edge, Node, Path, QueryRecord, Subgraph


def _canonical(value: Any) -> Any:
    if isinstance(value, Node | Edge | Path | Subgraph):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def digest(value: Any) -> str:
    """sha256 of the canonical JSON of an operation's result."""
    text = json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _rows(value: Any) -> int:
    if isinstance(value, Subgraph):
        return len(value.nodes) + len(value.edges)
    if isinstance(value, list | tuple | dict):
        return len(value)
    return 0 if value is None else 1


def _query_to_params(q: PathQuery) -> dict[str, Any]:
    return {
        "start": list(q.start),
        "steps": [
            {
                "relation": s.relation,
                "direction": s.direction,
                "labels": list(s.labels),
                "where": dict(s.where),
            }
            for s in q.steps
        ],
        "limit": q.limit,
    }


def _query_from_params(p: dict[str, Any]) -> PathQuery:
    return PathQuery(
        start=tuple(p["start"]),
        steps=tuple(
            Step(s["relation"], s["direction"], tuple(s.get("labels", ())), dict(s.get("where", {})))
            for s in p["steps"]
        ),
        limit=int(p["limit"]),
    )


# op name -> how to call it on a store with recorded params
_OPS: dict[str, Callable[[GraphStore, dict[str, Any]], Any]] = {
    "get_nodes": lambda s, p: s.get_nodes(p["node_ids"]),
    "neighbors": lambda s, p: s.neighbors(
        p["node_id"], direction=p["direction"], types=p["types"], limit=p["limit"]
    ),
    "subgraph": lambda s, p: s.subgraph(p["seeds"], hops=p["hops"], max_nodes=p["max_nodes"]),
    "paths_between": lambda s, p: s.paths_between(
        p["source"], p["target"], max_hops=p["max_hops"], limit=p["limit"]
    ),
    "run_path_query": lambda s, p: s.run_path_query(_query_from_params(p)),
}


class RecordingStore:
    """Wraps a store for reading; every call is recorded in ``records``."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.records: list[QueryRecord] = []

    @property
    def backend(self) -> str:
        return self.store.backend

    @property
    def graph(self) -> str:
        return self.store.graph

    def _call(self, op: str, params: dict[str, Any]) -> Any:
        started = time.perf_counter()
        result = _OPS[op](self.store, params)
        self.records.append(
            QueryRecord(
                language="op",
                text=op,
                params=params,
                store=f"{self.store.backend}:{self.store.graph}",
                rows=_rows(result),
                elapsed_ms=(time.perf_counter() - started) * 1000,
                digest=digest(result),
            )
        )
        return result

    def get_nodes(self, node_ids: Sequence[str]) -> dict[str, Node]:
        result: dict[str, Node] = self._call("get_nodes", {"node_ids": list(node_ids)})
        return result

    def neighbors(
        self,
        node_id: str,
        *,
        direction: str = "both",
        types: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[Edge, Node]]:
        params = {
            "node_id": node_id,
            "direction": direction,
            "types": list(types) if types is not None else None,
            "limit": limit,
        }
        result: list[tuple[Edge, Node]] = self._call("neighbors", params)
        return result

    def subgraph(self, seeds: Sequence[str], *, hops: int = 1, max_nodes: int = 1000) -> Subgraph:
        result: Subgraph = self._call(
            "subgraph", {"seeds": list(seeds), "hops": hops, "max_nodes": max_nodes}
        )
        return result

    def paths_between(self, source: str, target: str, *, max_hops: int = 3, limit: int = 10) -> list[Path]:
        params = {"source": source, "target": target, "max_hops": max_hops, "limit": limit}
        result: list[Path] = self._call("paths_between", params)
        return result

    def run_path_query(self, query: PathQuery) -> list[Path]:
        result: list[Path] = self._call("run_path_query", _query_to_params(query))
        return result


@dataclass(frozen=True)
class ReplayReport:
    """Outcome of re-running an answer's recorded queries."""

    identical: bool
    queries: int
    changed: tuple[int, ...]
    """Indexes of the queries whose results differ."""
    evidence_found: bool
    """Every evidence edge appears, with the same properties, in the replayed results."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "identical": self.identical,
            "queries": self.queries,
            "changed": list(self.changed),
            "evidence_found": self.evidence_found,
        }


def _is_edge_dict(value: dict[Any, Any]) -> bool:
    """A relationship in a Cypher result row, as ``neo4j_values.plain`` writes it."""
    return all(isinstance(value.get(k), str) for k in ("source", "type", "target"))


def _edges_in(value: Any, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(value, Edge):
        out[value.id] = dict(value.properties)
    elif isinstance(value, dict) and _is_edge_dict(value):
        edge = Edge(value["source"], value["type"], value["target"], dict(value.get("properties") or {}))
        out[edge.id] = dict(edge.properties)
    elif isinstance(value, Path | Subgraph):
        for e in value.edges:
            out[e.id] = dict(e.properties)
    elif isinstance(value, list | tuple):
        for v in value:
            _edges_in(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _edges_in(v, out)


def _rerun(store: GraphStore, index: int, q: QueryRecord) -> Any:
    """Run one recorded query again: a store operation, or Cypher through the store's read-only guard."""
    if q.language == "op" and q.text in _OPS:
        return _OPS[q.text](store, dict(q.params))
    run_cypher = getattr(store, "run_cypher", None)
    if q.language == "cypher" and run_cypher is not None:
        # Always guarded (read_only=True): an answer file is input, and its Cypher may have been edited.
        # The recorded text already carries its LIMIT; the cap only has to admit the recorded rows.
        return list(run_cypher(q.text, dict(q.params), read_only=True, limit=max(q.rows + 1, 1000)).rows)
    raise InputError(f"query {index}: cannot replay {q.language} query {q.text[:40]!r} on this store")


def replay(store: GraphStore, queries: Sequence[QueryRecord], evidence: Sequence[Path]) -> ReplayReport:
    """Run ``queries`` again on ``store`` and compare their digests and the evidence edges."""
    changed: list[int] = []
    seen: dict[str, dict[str, Any]] = {}
    for i, q in enumerate(queries):
        if q.refused is not None:
            continue
        result = _rerun(store, i, q)
        _edges_in(result, seen)
        if digest(result) != q.digest:
            changed.append(i)
    found = all(seen.get(e.id) == dict(e.properties) for p in evidence for e in p.edges)
    return ReplayReport(
        identical=not changed and found, queries=len(queries), changed=tuple(changed), evidence_found=found
    )

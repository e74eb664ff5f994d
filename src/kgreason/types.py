"""Value types shared by every layer: small, frozen, free of driver objects.

A node is identified by its string id (for a triples file: the string as written). An edge is identified
by ``edge_id(source, type, target)``, a short stable hash, so the same triple gets the same id on every
store and across re-loads; that is what makes recorded evidence replayable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

DEFAULT_LABEL = "Entity"
"""Label given to nodes that arrive without one (e.g. from a triples file)."""


def edge_id(source: str, type_: str, target: str) -> str:
    """Stable id of the edge ``source -[type_]-> target``: ``"e"`` + 16 hex digits."""
    raw = f"{source}\x1f{type_}\x1f{target}".encode()
    return "e" + hashlib.blake2b(raw, digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Triple:
    """A ``head -[relation]-> tail`` statement."""

    head: str
    relation: str
    tail: str


@dataclass(frozen=True, slots=True)
class Node:
    """A graph node: string id, labels (sorted) and properties."""

    id: str
    labels: tuple[str, ...] = (DEFAULT_LABEL,)
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def name(self) -> str:
        """Human name: the ``name`` property when present, else the id."""
        value = self.properties.get("name")
        return str(value) if value is not None else self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "labels": list(self.labels), "properties": dict(self.properties)}


@dataclass(frozen=True)
class Edge:
    """A directed, typed edge with properties; ``id`` is ``edge_id(source, type, target)``.

    Not slotted, so the id hash is computed once per object and cached.
    """

    source: str
    type: str
    target: str
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @cached_property
    def id(self) -> str:
        return edge_id(self.source, self.type, self.target)

    def triple(self) -> Triple:
        return Triple(self.source, self.type, self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "target": self.target,
            "properties": dict(self.properties),
        }


@dataclass(frozen=True)
class PredictedEdge:
    """An edge a model proposes, not one the graph holds: a hypothesis to show next to curated facts.

    Named like ``Edge`` (``source -[type]-> target``). ``score`` ranks predictions, higher is more likely,
    on the predictor's own scale, which ``model`` names: ``fusion.gnn.predict.predict_edges`` gives the
    model's log-probability of the other end (for an ensemble the members' mean, joined with the
    link-feature model when it has one) with ``probability``, its softmax over all entities; a domain
    pack's link predictor may give a rank percentile in [0, 1] and no probability. ``basis`` is always
    ``"predicted"``.
    """

    source: str
    type: str
    target: str
    score: float
    probability: float | None = None
    model: str = ""
    basis: str = "predicted"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "type": self.type,
            "target": self.target,
            "score": self.score,
            "probability": self.probability,
            "basis": self.basis,
            "model": self.model,
        }


@dataclass(frozen=True, slots=True)
class Path:
    """An alternating walk: ``edges[i]`` joins ``nodes[i]`` and ``nodes[i+1]`` (in either direction)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...] = ()

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.edges) + 1:
            raise ValueError("a path has one more node than edges")

    @property
    def node_ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes)

    @property
    def edge_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.edges)

    def __len__(self) -> int:
        return len(self.edges)

    def text(self, node_text: Callable[[Node], str] | None = None) -> str:
        """The path in one line, in the direction it is walked: ``a -[r]-> b <-[s]- c`` (node ids, or
        ``node_text(node)`` for each node). The one path renderer: every other rendering calls it.

        >>> Path((Node("acme"), Node("alice")), (Edge("alice", "works_at", "acme"),)).text()
        'acme <-[works_at]- alice'
        """
        show = node_text or (lambda node: node.id)
        parts = [show(self.nodes[0])]
        for e, n in zip(self.edges, self.nodes[1:], strict=True):
            parts.append(f"-[{e.type}]->" if e.target == n.id else f"<-[{e.type}]-")
            parts.append(show(n))
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [n.to_dict() for n in self.nodes], "edges": [e.to_dict() for e in self.edges]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Path:
        return cls(
            nodes=tuple(
                Node(n["id"], tuple(n.get("labels", (DEFAULT_LABEL,))), dict(n.get("properties", {})))
                for n in data["nodes"]
            ),
            edges=tuple(
                Edge(e["source"], e["type"], e["target"], dict(e.get("properties", {})))
                for e in data["edges"]
            ),
        )


@dataclass(frozen=True, slots=True)
class Subgraph:
    """A set of nodes and the edges among them."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [n.to_dict() for n in self.nodes], "edges": [e.to_dict() for e in self.edges]}

    def _repr_html_(self) -> str:
        from kgreason.notebook.reprs import subgraph_html  # only when a notebook asks

        return subgraph_html(self)


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """One query executed while answering: enough to run it again.

    ``language`` is ``"cypher"`` for Cypher sent to Neo4j, or ``"op"`` for a store operation
    (``text`` is the operation name, ``params`` its arguments) so memory-store evidence replays too.
    """

    language: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    store: str = ""
    rows: int = 0
    elapsed_ms: float = 0.0
    refused: str | None = None
    digest: str = ""
    """sha256 of the canonical result, so a replay can tell whether it got the same answer."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "text": self.text,
            "params": dict(self.params),
            "store": self.store,
            "rows": self.rows,
            "elapsed_ms": self.elapsed_ms,
            "refused": self.refused,
            "digest": self.digest,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueryRecord:
        return cls(
            language=data["language"],
            text=data["text"],
            params=dict(data.get("params", {})),
            store=data.get("store", ""),
            rows=int(data.get("rows", 0)),
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            refused=data.get("refused"),
            digest=data.get("digest", ""),
        )


@dataclass(frozen=True, slots=True)
class Citation:
    """Links a span of the answer text (``marker``, e.g. ``"[T3]"``) to evidence edge ids."""

    marker: str
    edge_ids: tuple[str, ...]


EVIDENCE_PROPERTY = "kgr_evidence"
"""Edge property where ``kgr graph extract`` records the sentences that support a fact (JSON objects)."""


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """A document sentence that supports edge ``edge_id``: ``text[start:end]`` of document ``doc``."""

    edge_id: str
    doc: str
    sentence: str
    start: int
    end: int
    chunk: str = ""
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "edge_id": self.edge_id,
            "doc": self.doc,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "chunk": self.chunk,
            "model": self.model,
        }


def edge_sources(edge: Edge) -> tuple[SourceSentence, ...]:
    """The sentences recorded on ``edge`` as its support (none for a fact that did not come from text).

    >>> ev = '{"doc": "d1", "sentence": "A r B.", "start": 0, "end": 6}'
    >>> e = Edge("a", "r", "b", {"kgr_evidence": [ev]})
    >>> [(s.doc, s.start, s.end) for s in edge_sources(e)]
    [('d1', 0, 6)]
    """
    raw = edge.properties.get(EVIDENCE_PROPERTY)
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
    out = []
    for item in items:
        try:
            data = json.loads(item) if isinstance(item, str) else None
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("doc"), str):
            out.append(
                SourceSentence(
                    edge.id,
                    data["doc"],
                    str(data.get("sentence", "")),
                    int(data.get("start", 0)),
                    int(data.get("end", 0)),
                    str(data.get("chunk", "")),
                    str(data.get("model", "")),
                )
            )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Answer:
    """What every strategy returns: text, answer entities, evidence and the full trace.

    ``answers`` are the node ids the engine asserts as the answer; ``entities`` are the ranked
    candidates (best first; the asserted answers lead when there are any). For a count or a yes/no
    question ``value`` holds the literal answer (``"3"``, ``"yes"``, ``"no"``) and ``answers`` the
    counted entities (or, for yes/no, the entity the question asks about when a path reaches it). An
    abstention is an ``Answer`` with no ``answers``, no ``value`` and the reason in ``abstained``; the
    closest candidates are still in ``entities``. ``form`` is what the question asked for: ``single``,
    ``list``, ``count``, ``yes_no`` or ``constraint``.
    """

    question: str
    text: str
    entities: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    value: str | None = None
    abstained: str | None = None
    form: str = "single"
    evidence: tuple[Path, ...] = ()
    queries: tuple[QueryRecord, ...] = ()
    citations: tuple[Citation, ...] = ()
    unsupported: tuple[str, ...] = ()
    strategy: str = ""
    scores: Mapping[str, float] = field(default_factory=dict, hash=False)
    trace: tuple[Mapping[str, Any], ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict, hash=False)
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    text_sources: tuple[SourceSentence, ...] = ()
    """Sentences cited from the text itself, not through an edge (retrieve's ``chunks`` option)."""

    @property
    def sources(self) -> tuple[SourceSentence, ...]:
        """The document sentences behind the evidence edges that came from text (``kgr graph extract``),
        once each, in evidence order; then the sentences of ``text_sources`` not already among them."""
        seen: dict[str, None] = {}
        out: list[SourceSentence] = []
        for path in self.evidence:
            for edge in path.edges:
                if edge.id not in seen:
                    seen[edge.id] = None
                    out.extend(edge_sources(edge))
        cited = {(s.doc, s.start, s.end) for s in out}
        return (*out, *(s for s in self.text_sources if (s.doc, s.start, s.end) not in cited))

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "answers": list(self.answers),
            "value": self.value,
            "abstained": self.abstained,
            "form": self.form,
            "candidates": list(self.entities),
            "entities": list(self.entities),
            "evidence": [p.to_dict() for p in self.evidence],
            "queries": [q.to_dict() for q in self.queries],
            "citations": [{"marker": c.marker, "edge_ids": list(c.edge_ids)} for c in self.citations],
            "sources": [s.to_dict() for s in self.sources],
            "unsupported": list(self.unsupported),
            "strategy": self.strategy,
            "scores": dict(self.scores),
            "trace": [dict(t) for t in self.trace],
            "timings_ms": dict(self.timings_ms),
            "llm_calls": self.llm_calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }

    def _repr_html_(self) -> str:
        from kgreason.notebook.reprs import answer_html  # only when a notebook asks

        return answer_html(self)

"""The lexical graph and the provenance properties, as stored; reading the text layer back from a store.

Beside the facts, extraction keeps ``(:Document)-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(entity)``. A
Document node (id ``document:<doc id>``) holds its path, collection, text digest and its chunk ids in
order (``kgr_chunks``, with their offsets ``kgr_starts``); a Chunk node (id ``chunk:<hash>``) holds its
text and the raw extraction for its cache key (``kgr_key`` = hash of chunk, schema, model and prompt
version), so the store itself is the extraction cache and the record of what every fact rests on.

Each extracted fact edge carries ``kgr_support`` (the chunk ids it rests on), ``kgr_evidence`` (one JSON
object per supporting sentence: doc, chunk, sentence, start, end, model, prompt) and, when the edge was in
the graph before any text supported it, ``kgr_base`` (so retracting the text leaves it). Entities created
from text carry ``kgr_origin: "text"``; names merged into an entity are added to its ``aliases`` and
listed in ``kgr_aliases`` with the merges in ``kgr_merges``. All of this is plain node and edge
properties, so it is the same on every store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kgreason.graph.loaders import SOURCE_LABEL
from kgreason.graph.store import BOOKKEEPING_LABELS, BOOKKEEPING_TYPES, GraphStore
from kgreason.types import EVIDENCE_PROPERTY, Edge, Node

DOCUMENT = "Document"
CHUNK = "Chunk"
SETTINGS = "ExtractionSettings"
HAS_CHUNK = "HAS_CHUNK"
MENTIONS = "MENTIONS"
LEXICAL_LABELS = BOOKKEEPING_LABELS
"""What reasoning skips (declared in ``graph.store``, below the strategies)."""
LEXICAL_TYPES = BOOKKEEPING_TYPES
SETTINGS_ID = "kgr:extraction"

SUPPORT = "kgr_support"
EVIDENCE = EVIDENCE_PROPERTY
BASE = "kgr_base"
ORIGIN = "kgr_origin"
TEXT_ALIASES = "kgr_aliases"
MERGES = "kgr_merges"
FORBID = "kgr_forbid"
FACT_KEYS = (SUPPORT, EVIDENCE, BASE)
ENTITY_KEYS = (TEXT_ALIASES, MERGES)

EdgeKey = tuple[str, str, str]


def document_node_id(doc_id: str) -> str:
    return f"document:{doc_id}"


def chunk_node_id(chunk_id: str) -> str:
    return f"chunk:{chunk_id}"


def key_of(edge: Edge) -> EdgeKey:
    return (edge.source, edge.type, edge.target)


def string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


@dataclass
class TextLayer:
    """What a store holds of the text layer (read in one pass over nodes and edges)."""

    documents: dict[str, Node] = field(default_factory=dict)
    chunks: dict[str, Node] = field(default_factory=dict)
    settings: Node | None = None
    sources: dict[str, Node] = field(default_factory=dict)
    """``Source`` nodes of files loaded with a source id (``load_file(source=...)``)."""
    text_entities: dict[str, Node] = field(default_factory=dict)
    base_nodes: dict[str, Node] = field(default_factory=dict)
    facts: dict[EdgeKey, Edge] = field(default_factory=dict)
    """Every edge that is not lexical (text-supported or not), by key."""
    lexical_edges: dict[EdgeKey, Edge] = field(default_factory=dict)

    @property
    def forbid(self) -> list[tuple[str, str, str]]:
        """Merges undone: ``(type, alias, into)``."""
        if self.settings is None:
            return []
        out = []
        for raw in string_list(self.settings.properties.get(FORBID)):
            t, a, i = json.loads(raw)
            out.append((t, a, i))
        return out

    def loaded_edges(self, *, besides: str | None = None) -> set[EdgeKey]:
        """Edges some loaded source lists (other than the source ``besides``)."""
        out: set[EdgeKey] = set()
        for nid, node in self.sources.items():
            if nid != besides:
                out.update(_edge_key(raw) for raw in string_list(node.properties.get("kgr_edges")))
        return out

    def base_aliases(self, node: Node) -> list[str]:
        """The node's ``aliases`` less the ones text added."""
        added = set(string_list(node.properties.get(TEXT_ALIASES)))
        return [a for a in string_list(node.properties.get("aliases")) if a not in added]


def _edge_key(raw: str) -> EdgeKey:
    s, t, o = json.loads(raw)
    return (str(s), str(t), str(o))


def read_layer(store: GraphStore) -> TextLayer:
    layer = TextLayer()
    for node in store.iter_nodes():
        labels = set(node.labels)
        if DOCUMENT in labels:
            layer.documents[node.id] = node
        elif CHUNK in labels:
            layer.chunks[node.id] = node
        elif SETTINGS in labels:
            layer.settings = node
        elif SOURCE_LABEL in labels:
            layer.sources[node.id] = node
        elif node.properties.get(ORIGIN) == "text":
            layer.text_entities[node.id] = node
        else:
            layer.base_nodes[node.id] = node
    for edge in store.iter_edges():
        if edge.type in LEXICAL_TYPES and (edge.source in layer.documents or edge.source in layer.chunks):
            layer.lexical_edges[key_of(edge)] = edge
        else:
            layer.facts[key_of(edge)] = edge
    return layer


def evidence_json(item: Mapping[str, Any]) -> str:
    return json.dumps(dict(item), sort_keys=True, ensure_ascii=False)


def evidence_of(edge: Edge) -> list[dict[str, Any]]:
    """The supporting sentences recorded on ``edge`` (empty when it did not come from text)."""
    out = []
    for raw in string_list(edge.properties.get(EVIDENCE)):
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out

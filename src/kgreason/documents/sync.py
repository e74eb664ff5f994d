"""Rebuild the text layer from the stored documents and chunk extractions, and apply only the difference.

The facts that text supports are a function of three things only: the Document and Chunk nodes in the
store (with each chunk's cached extraction), the graph's other entities (what resolution merges into),
and the merges that were undone. ``sync`` computes that function and changes the store to match it:
new facts and support are written, support that no document gives any more is taken away, a fact with no
support left is deleted unless it was in the graph before text supported it. Because the result never
depends on the order documents arrived in, any sequence of adds, edits and deletes leaves the graph equal
to a from-scratch extraction of the final corpus; and because ``sync`` compares with what is stored, a run
killed midway is completed by the next one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.documents.extract import PROMPT_VERSION, KeptTriple, triples_from_json, validate
from kgreason.documents.lexical import (
    BASE,
    CHUNK,
    DOCUMENT,
    ENTITY_KEYS,
    EVIDENCE,
    FACT_KEYS,
    HAS_CHUNK,
    MENTIONS,
    MERGES,
    ORIGIN,
    SUPPORT,
    TEXT_ALIASES,
    EdgeKey,
    TextLayer,
    evidence_json,
    key_of,
    string_list,
)
from kgreason.documents.resolve import Mention, Merge, resolve_mentions
from kgreason.documents.schema import ExtractionSchema
from kgreason.embed.encoder import TextEncoder
from kgreason.graph.store import GraphStore
from kgreason.types import Edge, Node


@dataclass(frozen=True)
class ResolveOptions:
    """Entity-resolution thresholds (None turns a tier off)."""

    fuzzy: float | None = 0.92
    embedding: float | None = 0.9
    encoder: TextEncoder | None = None


@dataclass
class SyncReport:
    triples_kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    fixed: Counter[str] = field(default_factory=Counter)
    merges: list[Merge] = field(default_factory=list)
    facts_added: int = 0
    facts_removed: int = 0
    support_changed: int = 0
    entities_added: int = 0
    entities_removed: int = 0


@dataclass
class _Desired:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[EdgeKey, Edge] = field(default_factory=dict)


def _kept_per_chunk(
    layer: TextLayer, schema: ExtractionSchema, report: SyncReport
) -> dict[str, list[KeptTriple]]:
    out: dict[str, list[KeptTriple]] = {}
    used = {c for d in layer.documents.values() for c in string_list(d.properties.get("kgr_chunks"))}
    for cid in sorted(used):
        node = layer.chunks.get(cid)
        if node is None or "kgr_triples" not in node.properties:
            continue  # never extracted (a failed chunk): nothing rests on it yet
        text = str(node.properties.get("text", ""))
        kept, dropped = validate(triples_from_json(str(node.properties["kgr_triples"])), text, schema)
        out[cid] = kept
        report.triples_kept += len(kept)
        report.dropped.update(d.reason for d in dropped)
        report.fixed.update(k.fixed for k in kept if k.fixed)
    return out


def desired_layer(
    layer: TextLayer, schema: ExtractionSchema, options: ResolveOptions, report: SyncReport
) -> _Desired:
    """What the text layer should be (see the module docstring)."""
    want = _Desired()
    per_chunk = _kept_per_chunk(layer, schema, report)
    mentions = {Mention(k.head, k.head_type) for ks in per_chunk.values() for k in ks} | {
        Mention(k.tail, k.tail_type) for ks in per_chunk.values() for k in ks
    }
    resolution = resolve_mentions(
        mentions,
        layer.base_nodes.values(),
        fuzzy=options.fuzzy,
        embedding=options.embedding,
        encoder=options.encoder,
        forbid=layer.forbid,
    )
    report.merges = sorted(resolution.merges, key=lambda m: (m.type, m.into, m.alias))
    merges_by_entity: dict[str, list[str]] = {}
    for m in report.merges:
        merges_by_entity.setdefault(m.into, []).append(json.dumps(m.to_dict(), sort_keys=True))
    # lexical nodes and edges
    for did, doc in layer.documents.items():
        want.nodes[did] = doc
        for index, cid in enumerate(string_list(doc.properties.get("kgr_chunks"))):
            if cid in layer.chunks:
                want.nodes[cid] = layer.chunks[cid]
                want.edges.setdefault((did, HAS_CHUNK, cid), Edge(did, HAS_CHUNK, cid, {"index": index}))
    support: dict[EdgeKey, set[str]] = {}
    evidence: dict[EdgeKey, set[str]] = {}
    for did, doc in sorted(layer.documents.items()):
        chunk_ids = string_list(doc.properties.get("kgr_chunks"))
        starts = list(doc.properties.get("kgr_starts") or [0] * len(chunk_ids))
        for cid, start in dict(zip(chunk_ids, starts, strict=False)).items():
            chunk = layer.chunks.get(cid)
            for k in per_chunk.get(cid, ()):
                head = resolution.entity_of(Mention(k.head, k.head_type))
                tail = resolution.entity_of(Mention(k.tail, k.tail_type))
                if head == tail:
                    report.dropped["self loop"] += 1
                    continue
                key = (head, k.relation, tail)
                support.setdefault(key, set()).add(cid)
                item = {
                    "doc": str(doc.properties.get("doc_id", did)),
                    "chunk": cid,
                    "sentence": k.sentence,
                    "start": int(start) + k.start,
                    "end": int(start) + k.end,
                    "model": str(chunk.properties.get("kgr_model", "")) if chunk else "",
                    "prompt": str(chunk.properties.get("kgr_prompt", PROMPT_VERSION)) if chunk else "",
                }
                evidence.setdefault(key, set()).add(evidence_json(item))
                for end in (head, tail):
                    want.edges.setdefault((cid, MENTIONS, end), Edge(cid, MENTIONS, end))
    for key in sorted(support):
        props: dict[str, Any] = {SUPPORT: sorted(support[key]), EVIDENCE: sorted(evidence[key])}
        current = layer.facts.get(key)
        if current is not None and (SUPPORT not in current.properties or current.properties.get(BASE)):
            props[BASE] = True
        want.edges[key] = Edge(*key, props)
    # entities
    for ent in resolution.entities.values():
        aliases = sorted(ent.new_aliases - {ent.name})
        merges = sorted(merges_by_entity.get(ent.id, []))
        if not ent.existing:
            props = {"name": ent.name, ORIGIN: "text"}
            if aliases:
                props["aliases"] = aliases
            if merges:
                props[MERGES] = merges
            want.nodes[ent.id] = Node(ent.id, (ent.type,), props)
        elif aliases or merges:
            base = layer.base_nodes[ent.id]
            own = layer.base_aliases(base)
            added = [a for a in aliases if a not in own]
            props = {"aliases": own + added, TEXT_ALIASES: added, MERGES: merges}
            want.nodes[ent.id] = Node(ent.id, base.labels, {k: v for k, v in props.items() if v})
    return want


def _differs(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    return any(_norm(current.get(k)) != _norm(v) for k, v in wanted.items())


def _norm(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def sync(
    store: GraphStore, layer: TextLayer, schema: ExtractionSchema, options: ResolveOptions
) -> SyncReport:
    """Make the store's text layer equal to ``desired_layer`` and flush."""
    report = SyncReport()
    want = desired_layer(layer, schema, options, report)
    # nodes the text layer owns: lexical nodes and text entities
    owned = {**layer.documents, **layer.chunks, **layer.text_entities}
    gone_nodes = [n for n in owned if n not in want.nodes]
    relabel = [n for n, node in want.nodes.items() if n in owned and set(owned[n].labels) != set(node.labels)]
    detached = set(gone_nodes) | set(relabel)
    report.entities_removed = sum(1 for n in gone_nodes if n in layer.text_entities)
    loaded = layer.loaded_edges()
    report.facts_removed = sum(
        1
        for k, e in layer.facts.items()
        if SUPPORT in e.properties and k not in want.edges and not e.properties.get(BASE) and k not in loaded
    )
    if detached:
        store.delete_nodes(sorted(detached))
    current_edges = {
        k: e for k, e in {**layer.facts, **layer.lexical_edges}.items() if not ({k[0], k[2]} & detached)
    }
    upsert_nodes = []
    strip: dict[tuple[str, ...], list[str]] = {}
    for nid, node in want.nodes.items():
        current = owned.get(nid) or layer.base_nodes.get(nid)
        if current is None or nid in detached:
            upsert_nodes.append(node)
            report.entities_added += (
                nid not in owned and CHUNK not in node.labels and DOCUMENT not in node.labels
            )
            continue
        if _differs(current.properties, node.properties):
            upsert_nodes.append(node)
        own_keys = set(current.properties) if nid in owned else {"aliases", *ENTITY_KEYS}
        stale = tuple(sorted(k for k in own_keys if k in current.properties and k not in node.properties))
        if stale:
            strip.setdefault(stale, []).append(nid)
    for nid, base in layer.base_nodes.items():  # entities text no longer adds aliases or merges to
        if nid in want.nodes or not any(k in base.properties for k in ENTITY_KEYS):
            continue
        own = layer.base_aliases(base)
        if own:
            upsert_nodes.append(Node(nid, base.labels, {"aliases": own}))
            strip.setdefault(ENTITY_KEYS, []).append(nid)
        else:
            strip.setdefault(("aliases", *ENTITY_KEYS), []).append(nid)
    if upsert_nodes:
        store.upsert_nodes(upsert_nodes)
    upsert_edges = []
    for key, edge in want.edges.items():
        current_edge = current_edges.get(key)
        if current_edge is None:
            upsert_edges.append(edge)
            report.facts_added += edge.type not in (HAS_CHUNK, MENTIONS)
        elif _differs(current_edge.properties, edge.properties):
            upsert_edges.append(edge)
            report.support_changed += edge.type not in (HAS_CHUNK, MENTIONS)
    if upsert_edges:
        store.upsert_edges(upsert_edges)
    delete: list[EdgeKey] = []
    unsupport: list[EdgeKey] = []
    for key, edge in current_edges.items():
        text_owned = key in layer.lexical_edges or SUPPORT in edge.properties
        if key in want.edges or not text_owned:
            continue
        if edge.properties.get(BASE) or key in loaded:
            unsupport.append(key)
        else:
            delete.append(key)
    if delete:
        store.delete_edges(delete)
    if unsupport:
        store.remove_properties(list(FACT_KEYS), edges=unsupport)
    for keys, nodes in strip.items():
        store.remove_properties(list(keys), nodes=nodes)
    if not layer.documents and layer.settings is not None and not layer.forbid:
        store.delete_nodes([layer.settings.id])  # no text left: no bookkeeping either
    store.flush()
    return report


def merges_listed(nodes: Sequence[Node]) -> list[dict[str, Any]]:
    """The merges recorded on ``nodes`` (``kgr_merges``), as dicts."""
    out = []
    for node in nodes:
        for raw in string_list(node.properties.get(MERGES)):
            out.append(json.loads(raw))
    return sorted(out, key=lambda m: (m["type"], m["into"], m["alias"]))


def edge_key(edge: Edge) -> EdgeKey:
    return key_of(edge)

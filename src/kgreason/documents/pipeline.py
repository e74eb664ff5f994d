"""``extract_documents``: documents in, facts with sentence provenance out, incrementally.

A run reads the documents, chunks them, and asks the extractor only about chunks whose cache key (chunk
hash, schema, model, prompt version) is not already stored; each batch of new extractions is saved on
its Chunk nodes at once, so a killed run loses at most one batch. Then the Document nodes are brought
up to date (a document no longer found in a collection the run read is removed) and ``sync`` rebuilds
the facts from every stored chunk extraction. ``dry_run`` stops before any LLM call or write and says
what the run would extract.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from kgreason.documents.chunking import Chunk, chunk_text
from kgreason.documents.extract import PROMPT_VERSION, Extractor, triples_json
from kgreason.documents.lexical import (
    CHUNK,
    DOCUMENT,
    FORBID,
    SETTINGS,
    SETTINGS_ID,
    TextLayer,
    chunk_node_id,
    document_node_id,
    read_layer,
    string_list,
)
from kgreason.documents.retraction import stored_schema
from kgreason.documents.schema import ExtractionSchema
from kgreason.documents.sources import SourceDocument, SourceProblem, read_sources
from kgreason.documents.sync import ResolveOptions, SyncReport, merges_listed, sync
from kgreason.graph.store import GraphStore
from kgreason.types import Node

ProgressFn = Callable[[int, int, int], None]
"""Called with (chunks done, chunks to extract, LLM calls so far) after each batch."""


@dataclass(frozen=True)
class ChunkOptions:
    max_tokens: int = 256
    overlap: int = 1


@dataclass
class ExtractReport(SyncReport):
    """What a run did (or, with ``dry_run``, would do): the sync's counts (``SyncReport``) and its own."""

    dry_run: bool = False
    documents: int = 0
    documents_new: int = 0
    documents_changed: int = 0
    documents_removed: int = 0
    chunks: int = 0
    chunks_to_extract: int = 0
    chunks_extracted: int = 0
    chunks_cached: int = 0
    chunks_failed: int = 0
    llm_calls: int = 0
    problems: list[SourceProblem] = field(default_factory=list)
    seconds: float = 0.0
    extract_seconds: float = 0.0
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "model": self.model,
            "documents": self.documents,
            "documents_new": self.documents_new,
            "documents_changed": self.documents_changed,
            "documents_removed": self.documents_removed,
            "chunks": self.chunks,
            "chunks_to_extract": self.chunks_to_extract,
            "chunks_extracted": self.chunks_extracted,
            "chunks_cached": self.chunks_cached,
            "chunks_failed": self.chunks_failed,
            "llm_calls": self.llm_calls,
            "triples_kept": self.triples_kept,
            "dropped": dict(sorted(self.dropped.items())),
            "fixed": dict(sorted(self.fixed.items())),
            "merges": [m.to_dict() for m in self.merges],
            "facts_added": self.facts_added,
            "facts_removed": self.facts_removed,
            "support_changed": self.support_changed,
            "entities_added": self.entities_added,
            "entities_removed": self.entities_removed,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
            "extract_seconds": round(self.extract_seconds, 3),
        }

    def absorb(self, sync_report: SyncReport) -> None:
        for f in fields(SyncReport):
            setattr(self, f.name, getattr(sync_report, f.name))


def cache_key(chunk_id: str, schema: ExtractionSchema, model: str) -> str:
    raw = f"{chunk_id}\x1f{schema.digest()}\x1f{model}\x1f{PROMPT_VERSION}".encode()
    return hashlib.blake2b(raw, digest_size=10).hexdigest()


def _document_node(doc: SourceDocument, chunks: Sequence[Chunk]) -> Node:
    props: dict[str, Any] = {
        "doc_id": doc.id,
        "path": doc.path,
        "collection": doc.collection,
        "digest": doc.digest,
        "kgr_chunks": [chunk_node_id(c.id) for c in chunks],
        "kgr_starts": [c.start for c in chunks],
    }
    if doc.metadata:
        props["metadata"] = json.dumps(dict(doc.metadata), sort_keys=True, ensure_ascii=False, default=str)
    return Node(document_node_id(doc.id), (DOCUMENT,), props)


def extract_documents(
    store: GraphStore,
    paths: Iterable[str | os.PathLike[str]],
    extractor: Extractor,
    *,
    schema: ExtractionSchema | None = None,
    chunking: ChunkOptions | None = None,
    resolve: ResolveOptions | None = None,
    batch_size: int = 8,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> ExtractReport:
    """Extract facts from the documents under ``paths`` into ``store`` (see the module docstring).

    Args:
        store: the graph to extend.
        paths: files and folders (read recursively).
        extractor: an ``LLMExtractor`` around a ``ChatModel``, or the ``RuleExtractor``.
        schema: entity and relation types; by default the one the last extract into this graph used,
            else the graph's own (``schema_from_graph``).
        chunking: chunk budget and overlap.
        resolve: entity-resolution thresholds.
        batch_size: chunks per extractor call (one ``chat_many`` batch) and per save.
        dry_run: report what would be extracted (and the LLM calls it would cost); write nothing.
        progress: called after each batch.
    """
    started = time.perf_counter()
    schema = schema if schema is not None else stored_schema(store)
    chunking = chunking or ChunkOptions()
    found = read_sources(paths)
    report = ExtractReport(dry_run=dry_run, problems=list(found.problems), model=extractor.model_id)
    layer = read_layer(store)
    chunks_of: dict[str, list[Chunk]] = {}
    todo: dict[str, Chunk] = {}
    for doc in found.documents:
        chunks = chunk_text(doc.text, max_tokens=chunking.max_tokens, overlap=chunking.overlap)
        chunks_of[doc.id] = chunks
        old = layer.documents.get(document_node_id(doc.id))
        if old is None:
            report.documents_new += 1
        elif old.properties.get("digest") != doc.digest:
            report.documents_changed += 1
        for c in chunks:
            stored = layer.chunks.get(chunk_node_id(c.id))
            if stored is not None and stored.properties.get("kgr_key") == cache_key(
                c.id, schema, extractor.model_id
            ):
                continue
            todo.setdefault(c.id, c)
    report.documents = len(found.documents)
    report.chunks = len({c.id for cs in chunks_of.values() for c in cs})
    report.chunks_to_extract = len(todo)
    report.chunks_cached = report.chunks - len(todo)
    removed = _removed_documents(layer, found.collections, {p.path for p in found.problems}, chunks_of)
    report.documents_removed = len(removed)
    if dry_run:
        report.llm_calls = len(todo) * extractor.calls_per_chunk
        report.seconds = time.perf_counter() - started
        return report
    calls_before = extractor.calls
    pending = sorted(todo.values(), key=lambda c: c.id)
    done = 0
    for start in range(0, len(pending), batch_size):
        batch = pending[start : start + batch_size]
        t0 = time.perf_counter()
        results = extractor.extract([c.text for c in batch], schema)
        report.extract_seconds += time.perf_counter() - t0
        nodes = []
        for c, raw in zip(batch, results, strict=True):
            if raw is None:
                report.chunks_failed += 1
                continue
            props = {
                "text": c.text,
                "kgr_key": cache_key(c.id, schema, extractor.model_id),
                "kgr_model": extractor.model_id,
                "kgr_prompt": PROMPT_VERSION,
                "kgr_triples": triples_json(raw),
            }
            nodes.append(Node(chunk_node_id(c.id), (CHUNK,), props))
        if nodes:
            store.upsert_nodes(nodes)
            store.flush()
        done += len(batch)
        report.chunks_extracted += len(nodes)
        if progress is not None:
            progress(done, len(pending), extractor.calls - calls_before)
    report.llm_calls = extractor.calls - calls_before
    docs = [_document_node(d, chunks_of[d.id]) for d in found.documents]
    store.upsert_nodes([*docs, Node(SETTINGS_ID, (SETTINGS,), {"schema": json.dumps(schema.to_dict())})])
    if removed:
        store.delete_nodes(removed)
    store.flush()
    report.absorb(sync(store, read_layer(store), schema, resolve or ResolveOptions()))
    report.seconds = time.perf_counter() - started
    return report


def _removed_documents(
    layer: TextLayer, collections: Sequence[str], unreadable: set[str], seen: dict[str, list[Chunk]]
) -> list[str]:
    """Document nodes of the collections read whose document is gone (not merely unreadable this time)."""
    read = set(collections)
    seen_ids = {document_node_id(d) for d in seen}
    return sorted(
        nid
        for nid, node in layer.documents.items()
        if node.properties.get("collection") in read
        and nid not in seen_ids
        and node.properties.get("path") not in unreadable
    )


def list_merges(store: GraphStore) -> list[dict[str, Any]]:
    """Every merge entity resolution made in ``store`` (``id``, ``type``, ``alias``, ``into``, ``method``,
    ``score``), sorted by type, entity and alias."""
    layer = read_layer(store)
    return merges_listed([*layer.text_entities.values(), *layer.base_nodes.values()])


def undo_merge(
    store: GraphStore, merge_id: str, *, resolve: ResolveOptions | None = None
) -> tuple[dict[str, Any], SyncReport]:
    """Undo merge ``merge_id`` (from ``list_merges``): its name is never merged into that entity again,
    and the facts are rebuilt (the name becomes an entity of its own, or resolves elsewhere)."""
    from kgreason.errors import NotFoundError

    merges = list_merges(store)
    match = [m for m in merges if m["id"] == merge_id]
    if not match:
        raise NotFoundError("merge", merge_id, [m["id"] for m in merges][:5])
    merge = match[0]
    layer = read_layer(store)
    forbid = string_list(layer.settings.properties.get(FORBID)) if layer.settings is not None else []
    entry = json.dumps([merge["type"], merge["alias"], merge["into"]], ensure_ascii=False)
    store.upsert_nodes([Node(SETTINGS_ID, (SETTINGS,), {FORBID: sorted({*forbid, entry})})])
    store.flush()
    return merge, sync(store, read_layer(store), stored_schema(store), resolve or ResolveOptions())

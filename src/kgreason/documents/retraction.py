"""Taking a source back: a document, a folder given to an extract, or a file loaded with a source id.

A document is removed and the facts rebuilt (``sync``), so what it alone supported goes. A loaded file's
``Source`` node lists its nodes and edges: an edge no other loaded source lists and no text supports is
deleted; one that text still supports stays, resting on the text alone; a node the file brought that no
other source lists and that has no edge left is deleted.
"""

from __future__ import annotations

import json
import os

from kgreason.documents.lexical import BASE, SETTINGS_ID, SUPPORT, EdgeKey, read_layer, string_list
from kgreason.documents.schema import ExtractionSchema, schema_from_dict, schema_from_graph
from kgreason.documents.sync import ResolveOptions, SyncReport, sync
from kgreason.errors import NotFoundError
from kgreason.graph.loaders import source_node_id
from kgreason.graph.store import GraphStore


def retract(
    store: GraphStore,
    source: str,
    *,
    schema: ExtractionSchema | None = None,
    resolve: ResolveOptions | None = None,
) -> tuple[list[str], SyncReport]:
    """Remove a source and the facts that rested on it alone; returns the ids of the nodes removed that
    stood for it (Document nodes, or the ``Source`` node of a loaded file).

    ``source`` is a document id, a file path or folder given to an extract, or a loaded file's source id.
    """
    layer = read_layer(store)
    loaded = source_node_id(source)
    if loaded in layer.sources:
        return [loaded], _retract_loaded(store, loaded, schema, resolve)
    resolved = os.path.abspath(os.path.expanduser(source))
    docs = sorted(
        nid
        for nid, node in layer.documents.items()
        if source in (node.properties.get("doc_id"), nid)
        or resolved in (node.properties.get("path"), node.properties.get("collection"))
    )
    if not docs:
        known = sorted(str(n.properties.get("doc_id")) for n in layer.documents.values())
        known += sorted(nid.removeprefix("source:") for nid in layer.sources)
        raise NotFoundError("source", source, known[:5])
    store.delete_nodes(docs)
    store.flush()
    schema = schema if schema is not None else stored_schema(store)
    return docs, sync(store, read_layer(store), schema, resolve or ResolveOptions())


def _retract_loaded(
    store: GraphStore, node_id: str, schema: ExtractionSchema | None, resolve: ResolveOptions | None
) -> SyncReport:
    layer = read_layer(store)
    node = layer.sources[node_id]
    others = layer.loaded_edges(besides=node_id)
    delete: list[EdgeKey] = []
    rest_on_text: list[EdgeKey] = []
    for raw in string_list(node.properties.get("kgr_edges")):
        s, t, o = json.loads(raw)
        key = (str(s), str(t), str(o))
        edge = layer.facts.get(key)
        if edge is None or key in others:
            continue
        (rest_on_text if SUPPORT in edge.properties else delete).append(key)
    if delete:
        store.delete_edges(delete)
    if rest_on_text:
        store.remove_properties([BASE], edges=rest_on_text)
    other_nodes = {
        n
        for nid, src in layer.sources.items()
        if nid != node_id
        for n in string_list(src.properties.get("kgr_nodes"))
    }
    candidates = [
        n
        for n in string_list(node.properties.get("kgr_nodes"))
        if n not in other_nodes and n in layer.base_nodes
    ]
    orphans = [n for n in candidates if not store.neighbors(n, limit=1)]
    store.delete_nodes([*orphans, node_id])
    store.flush()
    report = SyncReport()
    if layer.documents:
        schema = schema if schema is not None else stored_schema(store)
        report = sync(store, read_layer(store), schema, resolve or ResolveOptions())
    report.facts_removed += len(delete)
    report.support_changed += len(rest_on_text)
    report.entities_removed += len(orphans)
    return report


def stored_schema(store: GraphStore) -> ExtractionSchema:
    """The schema the last extract into ``store`` used (else the graph's own)."""
    node = store.get_node(SETTINGS_ID)
    if node is not None and isinstance(node.properties.get("schema"), str):
        return schema_from_dict(json.loads(str(node.properties["schema"])))
    return schema_from_graph(store)

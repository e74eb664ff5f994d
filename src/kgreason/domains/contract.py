"""The contract every domain pack must meet, as a check a pack's own tests can run.

``check_pack(pack, store)`` loads the pack into an empty store (twice: the second load must write
nothing) and checks that the pack is consistent with itself: its graph uses only the labels and
relationship types its schema declares, every edge joins two of its nodes, its mechanism rules name
declared types, its Cypher templates render, its golden cases name nodes of its graph. It returns the
problems found (an empty list means the pack meets the contract). Third-party packs use it like this::

    def test_my_pack_meets_the_contract(tmp_path):
        store = MemoryStore("mypack", directory=tmp_path)
        assert check_pack(MyPack(), store) == []
"""

from __future__ import annotations

import re

from kgreason.domains.pack import PACK_INFO_LABEL, DomainPack
from kgreason.graph.store import GraphStore

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_pack(pack: DomainPack, store: GraphStore) -> list[str]:
    """Problems with ``pack`` (empty when it meets the contract); ``store`` must start empty."""
    problems: list[str] = []
    if not isinstance(getattr(pack, "name", None), str) or not _NAME.match(pack.name):
        problems.append(f"name {getattr(pack, 'name', None)!r} is not a lowercase identifier")
    if not isinstance(getattr(pack, "version", None), str) or not pack.version:
        problems.append("version is missing")
    schema = pack.schema()
    labels, types = set(schema.labels), set(schema.relationship_types)
    if not labels or not types:
        problems.append("the schema declares no labels or no relationship types")
    data = pack.graph_data()
    node_ids = {n.id for n in data.nodes}
    if len(node_ids) != len(data.nodes):
        problems.append("graph_data() repeats node ids")
    for n in data.nodes:
        if not set(n.labels) & labels:
            problems.append(f"node {n.id!r} has labels {list(n.labels)}, none declared in the schema")
    edge_ids = set()
    for e in data.edges:
        edge_ids.add(e.id)
        if e.type not in types:
            problems.append(f"edge {e.source}-[{e.type}]->{e.target}: type not declared in the schema")
        for end in (e.source, e.target):
            if end not in node_ids:
                problems.append(f"edge {e.source}-[{e.type}]->{e.target}: {end!r} is not a node of the pack")
    for rule in pack.rules():
        if rule.first not in types or rule.second not in types or rule.middle_label not in labels:
            problems.append(f"rule {rule.name!r} ({rule.pattern}) names undeclared types or labels")
    for name, template in pack.cypher_templates().items():
        try:
            template.format(graph_label="KG_" + pack.name)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(f"cypher template {name!r} does not render with graph_label: {exc!r}")
    for key, prompt in pack.prompts().items():
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append(f"prompt {key!r} is empty")
    app = pack.cli_app()
    if app is not None:
        try:
            import typer.main

            typer.main.get_command(app)
        except Exception as exc:  # a contract check reports, it does not raise
            problems.append(f"cli_app() did not return a typer app: {exc!r}")
    for case in pack.golden_set():
        missing = [e for e in case.entities if e not in node_ids]
        if missing:
            problems.append(f"golden case {list(case.entities)} names unknown nodes {missing}")
    problems += _check_load(pack, store, len(node_ids), len(edge_ids))
    return problems


def _check_load(pack: DomainPack, store: GraphStore, nodes: int, edges: int) -> list[str]:
    problems: list[str] = []
    if store.exists() and store.stats().nodes:
        return [f"the store's graph {store.graph!r} is not empty"]
    first = pack.load(store)
    if (first.nodes, first.edges) != (nodes + 1, edges):
        problems.append(
            f"load wrote {first.nodes} nodes and {first.edges} edges; expected {nodes} + 1 "
            f"{PACK_INFO_LABEL} marker and {edges}"
        )
    if not pack.is_loaded(store):
        problems.append("after load, is_loaded() is false")
    again = pack.load(store)
    if not again.skipped or again.nodes_created or again.edges_created:
        problems.append("a second load of unchanged data wrote to the store (not idempotent)")
    return problems

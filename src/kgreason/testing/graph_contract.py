"""The contract every ``GraphStore`` must pass, shipped so plugin authors can run it on their backend.

Subclass ``GraphStoreContract`` in a test module and provide a ``store_factory`` fixture: a callable
that takes a graph name and returns an empty store for it (the same name twice gives the same graph).
Expected values here are written out by hand from ``SAMPLE_NODES``/``SAMPLE_EDGES``, never computed by a
reference store, so the suite checks each backend against the protocol itself.

    class TestMyStore(GraphStoreContract):
        @pytest.fixture
        def store_factory(self, tmp_path):
            return lambda name: MyStore(name, root=tmp_path)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path as FsPath

import pytest

from kgreason.errors import InputError
from kgreason.graph.loaders import export, load_file
from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import GraphStore
from kgreason.types import Edge, Node

StoreFactory = Callable[[str], GraphStore]

SAMPLE_NODES = (
    Node("alice", ("Person",), {"name": "Alice", "born": 1970}),
    Node("bob", ("Person",), {"name": "Bob", "born": 1995}),
    Node("carol", ("Person",), {"name": "Carol", "born": 1998}),
    Node("dave", ("Person",), {"name": "Dave"}),
    Node("acme", ("Company",), {"name": "Acme", "tags": ["tools", "rockets"]}),
    Node("paris", ("City", "Place"), {"name": "Paris"}),
)
SAMPLE_EDGES = (
    Edge("alice", "parent_of", "bob"),
    Edge("alice", "parent_of", "carol"),
    Edge("bob", "sibling_of", "carol"),
    Edge("carol", "sibling_of", "bob"),
    Edge("alice", "works_at", "acme", {"since": 2001}),
    Edge("bob", "works_at", "acme", {"since": 2020}),
    Edge("acme", "located_in", "paris"),
    Edge("carol", "lives_in", "paris"),
    Edge("dave", "knows", "dave"),  # a self-loop
    Edge("bob", "knows", "alice"),
    Edge("alice", "knows", "bob"),
)


def load_sample(store: GraphStore) -> None:
    store.upsert_nodes(list(SAMPLE_NODES))
    store.upsert_edges(list(SAMPLE_EDGES))
    store.flush()


def checksum(store: GraphStore) -> str:
    """sha256 over every node (id, labels, properties) and edge (id, properties), in a fixed order."""
    h = hashlib.sha256()
    for n in sorted(store.iter_nodes(), key=lambda n: n.id):
        h.update(json.dumps([n.id, list(n.labels), dict(n.properties)], sort_keys=True).encode())
    for e in sorted(store.iter_edges(), key=lambda e: e.id):
        h.update(json.dumps([e.id, e.source, e.type, e.target, dict(e.properties)], sort_keys=True).encode())
    return h.hexdigest()


class GraphStoreContract:
    """Tests every ``GraphStore`` implementation must pass."""

    @pytest.fixture
    def store(self, store_factory: StoreFactory) -> GraphStore:
        s = store_factory("contract")
        load_sample(s)
        return s

    # -- writes and idempotence -------------------------------------------------------------------------
    def test_empty_graph(self, store_factory: StoreFactory) -> None:
        s = store_factory("empty")
        assert s.stats().to_dict() == {"nodes": 0, "edges": 0}
        assert s.get_node("nope") is None
        assert s.neighbors("nope") == []
        assert s.paths_between("a", "b") == []

    def test_counts_and_idempotent_upsert(self, store: GraphStore) -> None:
        assert store.stats().to_dict() == {"nodes": 6, "edges": 11}
        before = checksum(store)
        again_nodes = store.upsert_nodes(list(SAMPLE_NODES))
        again_edges = store.upsert_edges(list(SAMPLE_EDGES))
        assert (again_nodes.nodes_created, again_edges.nodes_created, again_edges.edges_created) == (0, 0, 0)
        assert store.stats().to_dict() == {"nodes": 6, "edges": 11}
        assert checksum(store) == before

    def test_upsert_reports_created(self, store_factory: StoreFactory) -> None:
        s = store_factory("created")
        summary = s.upsert_edges([Edge("x", "r", "y"), Edge("y", "r", "z"), Edge("x", "r", "y")])
        assert (summary.nodes_created, summary.edges_created) == (3, 2)

    def test_endpoint_gets_default_label_and_labels_merge(self, store_factory: StoreFactory) -> None:
        s = store_factory("labels")
        s.upsert_edges([Edge("x", "r", "y")])
        assert s.get_node("x") == Node("x", ("Entity",), {})
        s.upsert_nodes([Node("x", ("Drug",), {"name": "X", "dose": 5})])
        s.upsert_nodes([Node("x", ("Agent",), {"dose": 10})])
        assert s.get_node("x") == Node("x", ("Agent", "Drug", "Entity"), {"name": "X", "dose": 10})

    def test_bad_property_rejects_whole_batch(self, store_factory: StoreFactory) -> None:
        s = store_factory("badprop")
        with pytest.raises(InputError, match="nested"):
            s.upsert_nodes([Node("ok", ("A",), {}), Node("bad", ("A",), {"nested": {"a": 1}})])
        with pytest.raises(InputError):
            s.upsert_edges([Edge("p", "r", "q"), Edge("q", "r", "p", {"x": [1, "a"]})])
        assert s.stats().to_dict() == {"nodes": 0, "edges": 0}

    def test_odd_names_round_trip(self, store_factory: StoreFactory) -> None:
        s = store_factory("odd")
        odd = Edge("São Paulo", "has `part`", 'it\'s "quoted"', {"note": "a;b"})
        s.upsert_edges([odd])
        [(edge, node)] = s.neighbors("São Paulo")
        assert edge == odd and edge.id == odd.id
        assert node.id == 'it\'s "quoted"'
        assert s.schema().relationship_types == {"has `part`": 1}

    # -- deletes (retraction) ---------------------------------------------------------------------------
    def test_delete_edges_keeps_their_ends(self, store: GraphStore) -> None:
        gone = store.delete_edges([("alice", "works_at", "acme"), ("alice", "works_at", "paris")])
        store.flush()
        assert gone == 1
        assert store.stats().to_dict() == {"nodes": 6, "edges": 10}
        assert [
            (e.type, n.id) for e, n in store.neighbors("alice", direction="out", types=["works_at"])
        ] == []
        assert store.get_node("acme") is not None
        assert store.delete_edges([("alice", "works_at", "acme")]) == 0

    def test_delete_nodes_takes_their_edges(self, store: GraphStore) -> None:
        assert store.delete_nodes(["carol", "carol", "nobody"]) == 1
        store.flush()
        assert store.get_node("carol") is None
        # carol had parent_of (from alice), two sibling_of and lives_in: 4 edges went with her
        assert store.stats().to_dict() == {"nodes": 5, "edges": 7}
        assert [n.id for _, n in store.neighbors("bob", types=["sibling_of"])] == []

    def test_remove_properties(self, store: GraphStore) -> None:
        n = store.remove_properties(
            ["born", "since"], nodes=["alice", "dave"], edges=[("alice", "works_at", "acme")]
        )
        store.flush()
        assert n == 2  # dave has no born
        assert store.get_node("alice") == Node("alice", ("Person",), {"name": "Alice"})
        [(edge, _)] = store.neighbors("alice", direction="out", types=["works_at"])
        assert dict(edge.properties) == {}
        [(edge, _)] = store.neighbors("bob", direction="out", types=["works_at"])
        assert dict(edge.properties) == {"since": 2020}
        with pytest.raises(InputError):
            store.remove_properties(["id"], nodes=["alice"])

    # -- point reads ------------------------------------------------------------------------------------
    def test_get_node(self, store: GraphStore) -> None:
        assert store.get_node("paris") == Node("paris", ("City", "Place"), {"name": "Paris"})
        acme = store.get_node("acme")
        assert acme is not None and list(acme.properties["tags"]) == ["tools", "rockets"]
        assert set(store.get_nodes(["alice", "bob", "zed"])) == {"alice", "bob"}

    def test_neighbors_directions_and_order(self, store: GraphStore) -> None:
        out = [(e.type, n.id) for e, n in store.neighbors("alice", direction="out")]
        assert out == [("knows", "bob"), ("parent_of", "bob"), ("parent_of", "carol"), ("works_at", "acme")]
        into = [(e.source, e.type) for e, _ in store.neighbors("alice", direction="in")]
        assert into == [("bob", "knows")]
        both = store.neighbors("alice")
        assert [(e.type, n.id) for e, n in both] == [
            ("knows", "bob"),
            ("knows", "bob"),
            ("parent_of", "bob"),
            ("parent_of", "carol"),
            ("works_at", "acme"),
        ]
        assert {e.source for e, _ in both[:2]} == {"alice", "bob"}
        assert [n.id for _, n in store.neighbors("alice", types=["works_at"])] == ["acme"]
        assert len(store.neighbors("alice", limit=2)) == 2
        works = store.neighbors("acme", direction="in")
        assert [(e.source, dict(e.properties)) for e, _ in works] == [
            ("alice", {"since": 2001}),
            ("bob", {"since": 2020}),
        ]

    def test_self_loop_listed_once(self, store: GraphStore) -> None:
        assert [(e.source, e.type, e.target) for e, _ in store.neighbors("dave")] == [
            ("dave", "knows", "dave")
        ]

    # -- subgraphs and paths ----------------------------------------------------------------------------
    def test_subgraph(self, store: GraphStore) -> None:
        sub = store.subgraph(["paris"], hops=1)
        assert [n.id for n in sub.nodes] == ["paris", "acme", "carol"]
        assert {(e.source, e.type, e.target) for e in sub.edges} == {
            ("acme", "located_in", "paris"),
            ("carol", "lives_in", "paris"),
        }
        two = store.subgraph(["paris"], hops=2)
        assert [n.id for n in two.nodes] == ["paris", "acme", "carol", "alice", "bob"]
        assert len(two.edges) == 10
        capped = store.subgraph(["paris"], hops=2, max_nodes=4)
        assert [n.id for n in capped.nodes] == ["paris", "acme", "carol", "alice"]
        assert store.subgraph(["nope"], hops=2).nodes == ()

    def test_paths_between(self, store: GraphStore) -> None:
        paths = store.paths_between("alice", "paris", max_hops=3, limit=20)
        seqs = [(p.node_ids, tuple(e.type for e in p.edges)) for p in paths]
        assert seqs[0] == (("alice", "acme", "paris"), ("works_at", "located_in"))
        assert seqs[1] == (("alice", "carol", "paris"), ("parent_of", "lives_in"))
        assert all(len(set(p.node_ids)) == len(p.node_ids) for p in paths)
        assert [len(p) for p in paths] == sorted(len(p) for p in paths)
        three = [s for s in seqs if len(s[0]) == 4]
        assert (("alice", "bob", "acme", "paris"), ("knows", "works_at", "located_in")) in three
        assert (("alice", "bob", "carol", "paris"), ("parent_of", "sibling_of", "lives_in")) in three
        assert len(paths) == 2 + 3 + 6  # via bob to acme (3 alice-bob edges), via bob to carol (3 x 2)
        assert store.paths_between("alice", "paris", max_hops=1) == []
        assert len(store.paths_between("alice", "paris", max_hops=3, limit=3)) == 3
        assert store.paths_between("alice", "dave") == []

    def test_path_query_out_in_both(self, store: GraphStore) -> None:
        q = PathQuery(start=("alice",), steps=(Step("parent_of"), Step("lives_in")))
        [p] = store.run_path_query(q)
        assert p.node_ids == ("alice", "carol", "paris")
        assert [e.type for e in p.edges] == ["parent_of", "lives_in"]
        coworkers = PathQuery(("alice",), (Step("works_at"), Step("works_at", "in")))
        assert [p.node_ids for p in store.run_path_query(coworkers)] == [("alice", "acme", "bob")]
        sib = store.run_path_query(PathQuery(("bob",), (Step("sibling_of", "both"),)))
        assert [(p.node_ids, p.edges[0].source) for p in sib] == [
            (("bob", "carol"), "bob"),
            (("bob", "carol"), "carol"),
        ]
        assert sib[0].edges[0].id < sib[1].edges[0].id

    def test_path_query_filters_and_limit(self, store: GraphStore) -> None:
        anyrel = PathQuery(("alice",), (Step(None, "out", labels=("Person",)),))
        assert [p.node_ids[-1] for p in store.run_path_query(anyrel)] == ["bob", "bob", "carol"]
        young = PathQuery(("alice",), (Step("parent_of", where={"born": 1998}),))
        assert [p.node_ids for p in store.run_path_query(young)] == [("alice", "carol")]
        limited = PathQuery(("alice", "bob"), (Step(None, "both"),), limit=3)
        got = store.run_path_query(limited)
        assert len(got) == 3 and all(p.node_ids[0] == "alice" for p in got)
        assert store.run_path_query(PathQuery(("nobody",), (Step("knows"),))) == []

    def test_path_query_never_reuses_an_edge(self, store: GraphStore) -> None:
        back_and_forth = PathQuery(("dave",), (Step("knows", "both"), Step("knows", "both")))
        assert store.run_path_query(back_and_forth) == []
        there_and_back = PathQuery(("alice",), (Step("parent_of"), Step("parent_of", "in")))
        assert store.run_path_query(there_and_back) == []  # the only way back is the same edge
        # a path may come back to a node through a different edge, as in Cypher
        round_trip = store.run_path_query(PathQuery(("alice",), (Step("knows"), Step("knows"))))
        assert [p.node_ids for p in round_trip] == [("alice", "bob", "alice")]

    # -- schema, listing, export ------------------------------------------------------------------------
    def test_schema(self, store: GraphStore) -> None:
        schema = store.schema()
        assert dict(schema.labels) == {"City": 1, "Company": 1, "Person": 4, "Place": 1}
        assert schema.relationship_types["knows"] == 3 and schema.relationship_types["works_at"] == 2
        assert set(schema.node_properties["Person"]) == {"name", "born"}
        assert tuple(schema.relationship_properties["works_at"]) == ("since",)
        pats = {(p.source, p.type, p.target): p.count for p in schema.patterns}
        assert pats[("Person", "works_at", "Company")] == 2
        assert pats[("Company", "located_in", "City")] == 1 and pats[("Company", "located_in", "Place")] == 1
        assert sum(c for (_, t, _), c in pats.items() if t == "parent_of") == 2

    def test_graphs_stay_apart(self, store_factory: StoreFactory) -> None:
        a, b = store_factory("apart_a"), store_factory("apart_b")
        a.upsert_edges([Edge("x", "r", "y")])
        b.upsert_edges([Edge("x", "s", "z"), Edge("z", "s", "w")])
        a.flush()
        b.flush()
        assert a.stats().to_dict() == {"nodes": 2, "edges": 1}
        assert b.stats().to_dict() == {"nodes": 3, "edges": 2}
        assert [e.type for e, _ in a.neighbors("x")] == ["r"]
        assert {"apart_a", "apart_b"} <= set(a.list_graphs())
        b.drop()
        assert "apart_b" not in a.list_graphs()
        assert a.stats().to_dict() == {"nodes": 2, "edges": 1}
        assert store_factory("apart_b").stats().to_dict() == {"nodes": 0, "edges": 0}

    def test_iter_and_export_round_trip(
        self, store: GraphStore, store_factory: StoreFactory, tmp_path: FsPath
    ) -> None:
        assert {n.id for n in store.iter_nodes()} == {n.id for n in SAMPLE_NODES}
        assert {e.id for e in store.iter_edges()} == {e.id for e in SAMPLE_EDGES}
        out = tmp_path / "dump.jsonl"
        assert export(store, out, "jsonl") == 6 + 11
        copy = store_factory("exported")
        load_file(copy, out)
        assert checksum(copy) == checksum(store)

    # -- loaders ----------------------------------------------------------------------------------------
    def test_load_triples_twice_is_idempotent(self, store_factory: StoreFactory, tmp_path: FsPath) -> None:
        path = tmp_path / "kg.tsv"
        path.write_text("a\tr\tb\nb\tr\tc\n\nc\ts\ta\n", encoding="utf-8")
        s = store_factory("tsv")
        first = load_file(s, path, batch_size=2)
        assert (first.records, first.nodes_created, first.edges_created) == (3, 3, 3)
        before = checksum(s)
        second = load_file(s, path, batch_size=2)
        assert (second.nodes_created, second.edges_created) == (0, 0)
        assert s.stats().to_dict() == {"nodes": 3, "edges": 3}
        assert checksum(s) == before

    def test_bad_row_names_file_and_line_and_writes_nothing(
        self, store_factory: StoreFactory, tmp_path: FsPath
    ) -> None:
        path = tmp_path / "bad.tsv"
        path.write_text("a\tr\tb\nb\tr\tc\nc\tonly-two\n", encoding="utf-8")
        s = store_factory("badrow")
        with pytest.raises(InputError) as info:
            load_file(s, path, batch_size=1)
        assert info.value.line == 3 and info.value.path == str(path)
        assert "bad.tsv:3:" in str(info.value)
        assert s.stats().to_dict() == {"nodes": 0, "edges": 0}

    def test_load_csv_and_jsonl_with_properties(self, store_factory: StoreFactory, tmp_path: FsPath) -> None:
        nodes = tmp_path / "nodes.csv"
        nodes.write_text(
            "id,labels,name,age:int,alias:list\nn1,Person;Agent,Ann,41,A;Annie\nn2,Person,Ben,,\n"
        )
        edges = tmp_path / "edges.jsonl"
        edges.write_text('{"source": "n1", "type": "KNOWS", "target": "n2", "properties": {"w": 0.5}}\n')
        s = store_factory("props")
        load_file(s, nodes)
        load_file(s, edges)
        assert s.get_node("n1") == Node(
            "n1", ("Agent", "Person"), {"name": "Ann", "age": 41, "alias": ["A", "Annie"]}
        )
        assert s.get_node("n2") == Node("n2", ("Person",), {"name": "Ben"})
        [(edge, _)] = s.neighbors("n1")
        assert dict(edge.properties) == {"w": 0.5}

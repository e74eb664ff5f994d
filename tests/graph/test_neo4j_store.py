"""The Neo4j store: the shared contract suite, plus what only Neo4j does (transactions, crash recovery)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path as FsPath

import pytest

from kgreason.config import Neo4jSettings, Settings
from kgreason.errors import BackendUnavailable, InputError, KgrError, QueryRefused
from kgreason.graph.memory import MemoryStore
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.graph_contract import GraphStoreContract, checksum
from kgreason.types import Edge, Node

pytestmark = pytest.mark.neo4j


class TestNeo4jContract(GraphStoreContract):
    @pytest.fixture
    def store_factory(self, neo4j_store_factory: Callable[[str], Neo4jStore]) -> Callable[[str], Neo4jStore]:
        return neo4j_store_factory


def sample_edges(n: int, *, nodes: int = 3000, types: int = 5, seed: int = 7) -> list[Edge]:
    """``n`` distinct edges with a float property, deterministic."""
    rng = random.Random(seed)
    seen: dict[tuple[str, str, str], Edge] = {}
    while len(seen) < n:
        s, t, r = f"n{rng.randrange(nodes)}", f"n{rng.randrange(nodes)}", f"rel_{rng.randrange(types)}"
        seen.setdefault((s, r, t), Edge(s, r, t, {"w": round(rng.random(), 6)}))
    return list(seen.values())


def load_in_batches(store: Neo4jStore | MemoryStore, edges: list[Edge], batch: int) -> None:
    for start in range(0, len(edges), batch):
        store.upsert_edges(edges[start : start + batch])
    store.flush()


def test_graphs_with_the_same_ids_stay_apart(neo4j_store_factory: Callable[[str], Neo4jStore]) -> None:
    a, b = neo4j_store_factory("same_ids_a"), neo4j_store_factory("same_ids_b")
    a.upsert_nodes([Node("x", ("Drug",), {"name": "in a"})])
    b.upsert_nodes([Node("x", ("Gene",), {"name": "in b"})])
    b.upsert_edges([Edge("x", "r", "x")])
    assert a.get_node("x") == Node("x", ("Drug",), {"name": "in a"})
    assert b.get_node("x") == Node("x", ("Gene",), {"name": "in b"})
    assert a.neighbors("x") == [] and len(b.neighbors("x")) == 1
    assert a.schema().labels == {"Drug": 1} and b.schema().labels == {"Gene": 1}
    assert {"same_ids_a", "same_ids_b"} <= set(a.list_graphs()) and a.exists()
    # a guarded query scoped to one graph may not name the other graph's label
    with pytest.raises(QueryRefused, match="KG_same_ids_b"):
        a.run_cypher("MATCH (n:KG_same_ids_b) RETURN n")
    assert a.run_cypher("MATCH (n:KG_same_ids_a) RETURN n.id AS id").rows == ({"id": "x"},)


def test_reload_in_many_batches_is_idempotent(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None, tmp_path: FsPath
) -> None:
    settings = Settings(home=tmp_path, neo4j=Neo4jSettings(batch_size=300))
    store = Neo4jStore("reload", settings, uri=neo4j_uri, auth=neo4j_auth)
    store.drop()
    try:
        edges = sample_edges(2000, nodes=400)
        first = store.upsert_edges(edges)
        ends = {e.source for e in edges} | {e.target for e in edges}
        assert (first.nodes_created, first.edges_created, first.properties_set) == (len(ends), 2000, 2000)
        before = checksum(store)
        again = store.upsert_edges(edges)
        assert (again.nodes_created, again.edges_created) == (0, 0)
        assert store.stats().to_dict() == {"nodes": len(ends), "edges": 2000}
        assert checksum(store) == before
        mem = MemoryStore("reload", settings)
        mem.upsert_edges(edges)
        assert checksum(mem) == before  # same content as the memory store, edge ids included
    finally:
        store.drop()
        store.close()


def test_failing_batch_rolls_back(neo4j_store_factory: Callable[[str], Neo4jStore]) -> None:
    s = neo4j_store_factory("rollback")
    good = [Edge(f"a{i}", "first_type", f"b{i}") for i in range(50)]
    # passes the property check but cannot be sent (int64 overflow): the failure comes after the
    # first_type rows already ran inside the transaction, so the server really rolls them back
    bad = [*good, Edge("c", "second_type", "d", {"big": 2**70})]
    with pytest.raises(InputError, match="outside the 64-bit range"):  # limits.py: refused before any write
        s.upsert_edges(bad)
    assert s.stats().to_dict() == {"nodes": 0, "edges": 0}
    # the same batch sent past the checks: the first_type rows run, then the driver cannot encode the
    # big integer, and the server rolls the whole transaction back
    rows = [("first_type", [e.source, e.target, e.id, {}]) for e in good]
    rows.append(("second_type", ["c", "d", "c|second_type|d", {"big": 2**70}]))
    s._ensure_graph()
    with pytest.raises(InputError, match="nothing of it was written"):
        s._write_unit(s._edges_unit(rows))
    assert s.stats().to_dict() == {"nodes": 0, "edges": 0}
    with pytest.raises(InputError):
        s.upsert_nodes([Node("ok", ("A",), {}), Node("bad", ("A",), {"n": 2**64})])
    assert s.stats().to_dict() == {"nodes": 0, "edges": 0}
    with pytest.raises(InputError, match="reserved"):
        s.upsert_nodes([Node("x", ("KG_other",), {})])
    assert s.upsert_edges(good).edges_created == 50


def test_unreachable_database_is_backend_unavailable(tmp_path: FsPath) -> None:
    store = Neo4jStore("nowhere", Settings(home=tmp_path), uri="bolt://127.0.0.1:9")  # no I/O yet
    with pytest.raises(BackendUnavailable) as info:
        store.stats()
    assert info.value.hint and "kgr neo4j start" in info.value.hint


@pytest.mark.slow
def test_sigkill_during_load_then_reload_equals_clean_load(tmp_path: FsPath) -> None:
    """Kill -9 the server mid-load: committed batches survive whole, and re-running the load converges."""
    from kgreason.graph.neo4j_local import LocalNeo4j, free_port

    batch = 200
    settings = Settings(home=tmp_path / "home", neo4j=Neo4jSettings(batch_size=batch))
    local = LocalNeo4j(settings, port=free_port())
    # quick JIT, as the session's server: about half the start-up CPU, for each of the two starts
    uri = local.start(attached=True, wait_s=240, jit="quick")
    try:
        edges = sample_edges(12_000, nodes=4_000, types=8)
        # fail fast once the server is gone instead of retrying for the driver's default 30 s
        loader = Neo4jStore("crash", settings, uri=uri, driver_config={"max_transaction_retry_time": 2})
        failures: list[BaseException] = []

        def load() -> None:
            try:
                load_in_batches(loader, edges, batch)
            except KgrError as exc:
                failures.append(exc)

        thread = threading.Thread(target=load, daemon=True)
        thread.start()
        with Neo4jStore("crash", settings, uri=uri) as watcher:
            deadline = time.monotonic() + 120
            while watcher.stats().edges < 10 * batch and time.monotonic() < deadline:
                time.sleep(0.05)
        assert local.kill()
        thread.join(120)
        assert not thread.is_alive() and failures, "the load should fail when the server dies"
        loader.close()

        uri = local.start(attached=True, wait_s=240, jit="quick")  # Neo4j recovers from its transaction log
        with Neo4jStore("crash", settings, uri=uri) as store:
            partial = store.stats()
            assert 0 < partial.edges < len(edges)
            assert partial.edges % batch == 0  # every committed batch is whole, the rest is gone
            load_in_batches(store, edges, batch)
            mem = MemoryStore("crash", settings)
            mem.upsert_edges(edges)
            assert store.stats() == mem.stats()
            assert checksum(store) == checksum(mem)
    finally:
        local.stop()


def _snapshot(store: Neo4jStore) -> tuple[list[Node], list[Edge]]:
    return list(store.iter_nodes()), list(store.iter_edges())


def test_load_refused_by_the_server_midway_is_taken_back(
    neo4j_store_factory: Callable[[str], Neo4jStore], tmp_path: FsPath
) -> None:
    """A row only the server can refuse (a user's own unique constraint), after several committed
    batches: the load names the row's file:line, and the graph is exactly as before (issue 20, item 4)."""
    from kgreason.graph.loaders import load_file

    s = neo4j_store_factory("atomic")
    s.batch_size = 5
    s.upsert_nodes([Node("base", ("User",), {"email": "taken@x", "n": 1})])
    # n3 and n4 exist before the load, with one relationship between base and n3: they must stay
    s.upsert_edges([Edge("base", "knows", "n3"), Edge("n3", "knows", "n4")])
    s._auto(f"CREATE CONSTRAINT atomic_email IF NOT EXISTS FOR (n:{s.graph_label}) REQUIRE n.email IS UNIQUE")
    try:
        before = _snapshot(s)
        rows = [f"u{i},User,u{i}@x" for i in range(30)]
        rows[22] = "late,User,taken@x"  # line 24 of the file (header is line 1)
        nodes_csv = tmp_path / "users.csv"
        nodes_csv.write_text("id,labels,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
        with pytest.raises(InputError) as info:
            load_file(s, nodes_csv, batch_size=5)
        assert (info.value.path, info.value.line) == (str(nodes_csv), 24)
        assert "taken back" in info.value.message and "removed the 20 nodes" in info.value.message
        assert "nothing was written" not in info.value.message
        assert _snapshot(s) == before

        # the same with edges: new end nodes and relationships to a node that existed, in several batches
        extra = tmp_path / "both.jsonl"
        extra.write_text(
            # between nodes that existed: one relationship that exists (stays) and two new ones (go);
            # the first two in one batch of one type, so the write's counters cannot tell which is new
            '{"source": "base", "type": "knows", "target": "n3"}\n'
            '{"source": "base", "type": "knows", "target": "n4"}\n'
            '{"source": "base", "type": "links", "target": "n3"}\n'
            + "".join(f'{{"source": "e{i}", "type": "links", "target": "n3"}}\n' for i in range(12))
            + '{"id": "dup", "properties": {"email": "taken@x"}}\n',
            encoding="utf-8",
        )
        with pytest.raises(InputError) as info:
            load_file(s, extra, batch_size=4)
        assert info.value.line == 16 and "removed the 9 nodes and 11 relationships" in info.value.message
        assert _snapshot(s) == before
    finally:
        s._auto("DROP CONSTRAINT atomic_email IF EXISTS")


def test_failed_first_load_leaves_no_graph_behind(
    neo4j_store_factory: Callable[[str], Neo4jStore], tmp_path: FsPath
) -> None:
    from kgreason.graph.loaders import load_file

    s = neo4j_store_factory("atomic_new")
    s._auto(
        f"CREATE CONSTRAINT atomic_new_email IF NOT EXISTS FOR (n:{s.graph_label}) REQUIRE n.email IS UNIQUE"
    )
    try:
        f = tmp_path / "users.jsonl"
        f.write_text(
            "".join(f'{{"id": "u{i}", "properties": {{"email": "e{i % 9}"}}}}\n' for i in range(10)),
            encoding="utf-8",
        )
        with pytest.raises(InputError) as info:
            load_file(s, f, batch_size=3)
        assert info.value.line == 10 and "and the graph" in info.value.message
        assert s.stats().to_dict() == {"nodes": 0, "edges": 0}
        assert "atomic_new" not in s.list_graphs()
    finally:
        s._auto("DROP CONSTRAINT atomic_new_email IF EXISTS")


def test_concurrent_first_loads_of_a_new_graph_both_succeed(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None, settings: Settings, tmp_path: FsPath
) -> None:
    """Two clients loading a graph that does not exist yet, at the same moment (issue 20, item 9: they
    deadlocked on creating the constraint and one exited 1)."""
    from kgreason.graph.loaders import load_file

    files = []
    for k in range(2):
        f = tmp_path / f"part{k}.tsv"
        f.write_text("".join(f"p{k}_{i}\tr{i % 3}\tshared{i % 50}\n" for i in range(2000)), encoding="utf-8")
        files.append(f)
    for round_ in range(4):
        name = f"race_{round_}"
        stores = [Neo4jStore(name, settings, uri=neo4j_uri, auth=neo4j_auth) for _ in range(2)]
        stores[0].drop()
        for st in stores:
            st.driver()  # connect first, so both start writing at the barrier
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def load(
            st: Neo4jStore,
            f: FsPath,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                load_file(st, f, batch_size=500)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(st, f)) for st, f in zip(stores, files, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        assert stores[0].stats().to_dict() == {"nodes": 2 * 2000 + 50, "edges": 2 * 2000}
        stores[0].drop()
        for st in stores:
            st.close()


def test_graph_names_are_checked_whole(settings: Settings) -> None:
    """A trailing newline was accepted (``$`` matches before it); the graph could then not be dropped."""
    from kgreason.errors import ConfigError
    from kgreason.graph.names import validate_graph_name

    for bad in ("g\n", "g\r", "g\x00", "a b", "a-b", "1abc", "", "x" * 64, "KG\t"):
        with pytest.raises(ConfigError):
            validate_graph_name(bad)
        with pytest.raises(ConfigError):
            Neo4jStore(bad, settings)
        with pytest.raises(ConfigError):
            MemoryStore(bad, settings)
    assert validate_graph_name("x" * 63) == "x" * 63


def test_drop_removes_every_node_with_the_graph_label(
    neo4j_store_factory: Callable[[str], Neo4jStore],
) -> None:
    s = neo4j_store_factory("dropme")
    s.upsert_edges([Edge("a", "r", "b")])
    kg = s.graph_label
    # nodes carrying the label that kgreason did not write: no id, and one tied to an outside node
    s._auto(f"CREATE (:`{kg}`:Stray), (:`{kg}` {{id: 'c'}})-[:OUT]->(:Outside {{name: 'keep'}})")
    s.drop()
    assert s._auto(f"MATCH (n:`{kg}`) RETURN count(n) AS c")[0]["c"] == 0
    assert s._auto("MATCH (n:Outside) RETURN count(n) AS c")[0]["c"] == 1
    s._auto("MATCH (n:Outside) DELETE n")
    assert "dropme" not in s.list_graphs()

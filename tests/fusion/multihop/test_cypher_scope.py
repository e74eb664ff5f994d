"""Graph scoping of model-written Cypher: every node pattern gets the graph's label, or the query is refused.

Neo4j Community has one database and a graph is a ``KG_<name>`` label, so a generated query that leaves
one node pattern unscoped reads every graph. Units check the rewriter's output for each syntax form and
have the real server EXPLAIN it; then a scripted hostile model (a chat-model double that replies with the
attacker's Cypher) sends each evasion in ``tests/redteam/scope_queries.txt`` through the multihop
strategy on the real Neo4j, next to another graph holding a secret: no answer, evidence, query record or
query result may show the secret, and each query is either rewritten (and then reads only the asked
graph) or refused with a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import QueryRefused
from kgreason.fusion.multihop.cypher_validate import validate_cypher
from kgreason.fusion.multihop.injection import AdversarialModel
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.graph.store import GraphSchema, Pattern
from kgreason.reasoning.engine import Engine
from kgreason.types import Edge, Node

QUERIES_FILE = Path(__file__).resolve().parents[2] / "redteam" / "scope_queries.txt"
SECRET = "TOP-SECRET"
MARK = "sec-"  # every id, other name and property value of the secret graph starts with it
PUB, SEC = "scope_pub", "scope_sec"

SCHEMA = GraphSchema(
    labels={"Person": 3, "City": 2},
    relationship_types={"born_in": 3, "lives_in": 2},
    node_properties={"Person": ("age", "name"), "City": ("name",)},
    patterns=(Pattern("Person", "born_in", "City", 3), Pattern("Person", "lives_in", "City", 2)),
)


def load_queries() -> list[tuple[str, str]]:
    """(expected outcome, query) for each line of the red-team file."""
    cases = []
    for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            outcome, query = line.split(None, 1)
            cases.append((outcome, query.strip()))
    return cases


CASES = load_queries()


# -- units: the rewriter's output, each syntax form, EXPLAINed by the real server ----------------------
REWRITES = [
    # label-less, inline WHERE, property map, relationship-only
    ("MATCH (n WHERE n.name IS NOT NULL) RETURN n", "MATCH (n:`KG_g` WHERE n.name IS NOT NULL) RETURN n"),
    ("MATCH (n {name: 'x'}) RETURN n", "MATCH (n:`KG_g` {name: 'x'}) RETURN n"),
    ("MATCH ()-[r]->() RETURN r", "MATCH (:`KG_g`)-[r]->(:`KG_g`) RETURN r"),
    ("MATCH (a)- -(b) RETURN b", "MATCH (a:`KG_g`)- -(b:`KG_g`) RETURN b"),
    # label expressions
    ("MATCH (n:%) RETURN n", "MATCH (n:`KG_g`&(%)) RETURN n"),
    ("MATCH (n:!Person) RETURN n", "MATCH (n:`KG_g`&(!Person)) RETURN n"),
    ("MATCH (n:Person|City) RETURN n", "MATCH (n:`KG_g`&(Person|City)) RETURN n"),
    ("MATCH (n:Person&City) RETURN n", "MATCH (n:`KG_g`&(Person&City)) RETURN n"),
    ("MATCH (n:(Person|City)&!City) RETURN n", "MATCH (n:`KG_g`&((Person|City)&!City)) RETURN n"),
    ("MATCH (n IS Person) RETURN n", "MATCH (n IS `KG_g`&(Person)) RETURN n"),
    ("MATCH (n IS Person|City) RETURN n", "MATCH (n IS `KG_g`&(Person|City)) RETURN n"),
    ("MATCH (IS Person) RETURN 1", "MATCH (IS `KG_g`&(Person)) RETURN 1"),
    ("MATCH (n:KG_g|Person) RETURN n", "MATCH (n:`KG_g`&(KG_g|Person)) RETURN n"),
    ("MATCH (n:Person:KG_g) RETURN n", "MATCH (n:Person:KG_g) RETURN n"),
    (  # IS on a relationship is a label expression too; the direction fix still applies
        "MATCH (a)-[IS born_in]->(b:Person) RETURN a",
        "MATCH (a:`KG_g`)<-[IS born_in]-(b:`KG_g`&Person) RETURN a",
    ),
    # a colon conjunction next to a label expression is written with & (Neo4j refuses the mix)
    (
        "MATCH (n:Person:City)-[:born_in|:lives_in]->(m) MATCH (c:City|Person) RETURN n",
        "MATCH (n:`KG_g`&Person&City)-[:born_in|lives_in]->(m:`KG_g`) "
        "MATCH (c:`KG_g`&(City|Person)) RETURN n",
    ),
    ("MATCH (n:Person) WHERE n:City|Person RETURN n", "MATCH (n:`KG_g`&Person) WHERE n:City|Person RETURN n"),
    ("MATCH (n:Person) WHERE n IS City RETURN n", "MATCH (n:`KG_g`&Person) WHERE n IS City RETURN n"),
    # variable-length, quantified, shortest paths
    ("MATCH (a)-[*1..3]-(b) RETURN b", "MATCH (a:`KG_g`)-[*1..3]-(b:`KG_g`) RETURN b"),
    (
        "MATCH (a) ((x)-[]->(y) WHERE x.age > 1){1,3} (b) RETURN b",
        "MATCH (a:`KG_g`) ((x:`KG_g`)-[]->(y:`KG_g`) WHERE x.age > 1){1,3} (b:`KG_g`) RETURN b",
    ),
    ("MATCH (a)-->{1,3}(b) RETURN b", "MATCH (a:`KG_g`)-->{1,3}(b:`KG_g`) RETURN b"),
    (
        "MATCH (a)-[:born_in]->+(b)<-[:lives_in]-*(c) RETURN c",
        "MATCH (a:`KG_g`)-[:born_in]->+(b:`KG_g`)<-[:lives_in]-*(c:`KG_g`) RETURN c",
    ),
    (
        "MATCH p = shortestPath((a:Person)-[*]-(b)) RETURN p",
        "MATCH p = shortestPath((a:`KG_g`:Person)-[*]-(b:`KG_g`)) RETURN p",
    ),
    ("MATCH ANY SHORTEST (a)-->+(b) RETURN b", "MATCH ANY SHORTEST (a:`KG_g`)-->+(b:`KG_g`) RETURN b"),
    (
        "MATCH SHORTEST 2 GROUPS (a)-->+(b) RETURN b",
        "MATCH SHORTEST 2 GROUPS (a:`KG_g`)-->+(b:`KG_g`) RETURN b",
    ),
    # patterns in expressions and subqueries
    ("MATCH (a) RETURN [(a)-->(b) | b.name]", "MATCH (a:`KG_g`) RETURN [(a:`KG_g`)-->(b:`KG_g`) | b.name]"),
    (
        "MATCH (a) RETURN [p = (a)<--(b) WHERE b.age > 1 | p]",
        "MATCH (a:`KG_g`) RETURN [p = (a:`KG_g`)<--(b:`KG_g`) WHERE b.age > 1 | p]",
    ),
    ("MATCH (a) WHERE NOT (a)-->() RETURN a", "MATCH (a:`KG_g`) WHERE NOT (a:`KG_g`)-->(:`KG_g`) RETURN a"),
    ("MATCH (a) RETURN exists((a)-->())", "MATCH (a:`KG_g`) RETURN exists((a:`KG_g`)-->(:`KG_g`))"),
    (
        "MATCH (a) WHERE EXISTS { (a)-->(b WHERE b.age > 1) } RETURN a",
        "MATCH (a:`KG_g`) WHERE EXISTS { (a:`KG_g`)-->(b:`KG_g` WHERE b.age > 1) } RETURN a",
    ),
    ("RETURN COUNT { (x) } AS c", "RETURN COUNT { (x:`KG_g`) } AS c"),
    (
        "RETURN COLLECT { MATCH (x) RETURN x.name } AS c",
        "RETURN COLLECT { MATCH (x:`KG_g`) RETURN x.name } AS c",
    ),
    ("CALL { MATCH (x) RETURN x } RETURN x", "CALL { MATCH (x:`KG_g`) RETURN x } RETURN x"),
    (
        "MATCH (a) CALL (a) { MATCH (a)-->(b) RETURN b } RETURN b",
        "MATCH (a:`KG_g`) CALL (a) { MATCH (a:`KG_g`)-->(b:`KG_g`) RETURN b } RETURN b",
    ),
    (
        "MATCH (a:Person) RETURN a UNION MATCH (a) RETURN a",
        "MATCH (a:`KG_g`:Person) RETURN a UNION MATCH (a:`KG_g`) RETURN a",
    ),
    # variables bound again; expressions that only look like node patterns stay as they are
    (
        "MATCH (a) WITH a MATCH (a)-->(b), (c) RETURN c",
        "MATCH (a:`KG_g`) WITH a MATCH (a:`KG_g`)-->(b:`KG_g`), (c:`KG_g`) RETURN c",
    ),
    (
        "MATCH (n) RETURN (n) AS a, (n {.name}) AS b, (n IS NULL) AS c",
        "MATCH (n:`KG_g`) RETURN (n) AS a, (n {.name}) AS b, (n IS NULL) AS c",
    ),
    ("MATCH (x) WHERE (x.age)<-1 RETURN x", "MATCH (x:`KG_g`) WHERE (x.age)<-1 RETURN x"),
    ("MATCH (n:Person) RETURN n /* (m)-->(k) */", "MATCH (n:`KG_g`:Person) RETURN n /* (m)-->(k) */"),
]

REFUSALS = [
    ("MATCH (a)\u2013[r]\u2013>(b) RETURN b", "symbol"),  # Neo4j reads an en dash as "-"
    ("MATCH (a) WHERE (a)\u2212[]\u2212>(b) RETURN a", "symbol"),
    ("MATCH (n:$($label)) RETURN n", "dynamic labels"),
    ("MATCH (a)-[r:$($t)]->(b) RETURN r", "dynamic labels"),
    ("MATCH (a) WHERE (a.id)-->() RETURN a", "relationship pattern outside"),
    ("MATCH (a) RETURN a.age - -1 AS x", "relationship pattern outside"),
    ("MATCH (a)-[r]-> RETURN r", "must end at a node pattern"),
    ("MATCH -->(b) RETURN b", "must follow a node pattern"),
    ("MATCH (a) (p = (x)-->(y)){1,3} (b) RETURN b", "expected a node pattern"),
    ("MATCH (a)-->{1,n}(b) RETURN b", "quantifier"),
    ("MATCH (a) CALL (a.x) { RETURN 1 AS y } RETURN y", "CALL (...)"),
    ("MATCH (n:KG_other) RETURN n", "another graph"),
]


@pytest.fixture
def explain(neo4j_store_factory: Callable[[str], Neo4jStore]) -> Iterator[Callable[[str], None]]:
    store = neo4j_store_factory("scope_unit")
    driver = store.driver()
    neo4j_log = logging.getLogger("neo4j")
    level = neo4j_log.level
    neo4j_log.setLevel(logging.ERROR)  # "label does not exist" notifications: the graph is empty

    def run(query: str) -> None:
        with driver.session(database=store.database) as session:
            session.run("EXPLAIN " + query).consume()

    yield run
    neo4j_log.setLevel(level)


def test_each_syntax_form_is_scoped_and_the_server_accepts_it(explain: Callable[[str], None]) -> None:
    for query, expected in REWRITES:
        v = validate_cypher(query, SCHEMA, graph="g", row_limit=10)
        assert v.text == expected + " LIMIT 10", query
        explain(query)  # the form is valid Cypher to begin with ...
        explain(v.text)  # ... and stays so once scoped


def test_what_cannot_be_read_with_certainty_is_refused_with_a_reason() -> None:
    for query, reason in REFUSALS:
        with pytest.raises(QueryRefused) as caught:
            validate_cypher(query, SCHEMA, graph="g", row_limit=10)
        assert reason in caught.value.reason, (query, caught.value.reason)


def test_the_final_check_catches_a_node_left_unscoped() -> None:
    """The rewritten text is parsed again: a node without the label as a conjunct is refused."""
    from kgreason.fusion.multihop.cypher_validate import _check_scoped

    for scoped in ("MATCH (n:`KG_g`&(A|B)) RETURN n", "MATCH (n:A:KG_g)-->(:KG_g) RETURN n"):
        _check_scoped(scoped, "KG_g")
    for unscoped in (
        "MATCH (n) RETURN n",
        "MATCH (n:KG_g|A) RETURN n",  # KG_g or A: not scoped
        "MATCH (n:KG_g&A|B) RETURN n",  # & binds tighter than |: (KG_g&A)|B
        "MATCH (n:A&(KG_g)) RETURN n",
        "MATCH (a:KG_g) RETURN [(a)-->(b) | b]",
    ):
        with pytest.raises(QueryRefused, match="could not be scoped"):
            _check_scoped(unscoped, "KG_g")


# -- the hostile model through the multihop strategy, next to a graph with a secret -------------------
@pytest.fixture
def graphs(neo4j_store_factory: Callable[[str], Neo4jStore]) -> tuple[Neo4jStore, Neo4jStore]:
    pub = neo4j_store_factory(PUB)
    pub.upsert_nodes(
        [
            Node("alice", ("Person",), {"name": "Alice"}),
            Node("bob", ("Person",), {"name": "Bob"}),
            Node("paris", ("City",), {"name": "Paris"}),
        ]
    )
    pub.upsert_edges([Edge("alice", "knows", "bob", {"code": "pub-code"}), Edge("bob", "lives_in", "paris")])
    sec = neo4j_store_factory(SEC)
    sec.upsert_nodes(
        [
            Node("sec-spy", ("Person",), {"name": SECRET}),
            Node("sec-handler", ("Person",), {"name": "sec-handler"}),
            Node("sec-vault", ("City",), {"name": "sec-vault"}),
        ]
    )
    sec.upsert_edges(
        [
            Edge("sec-spy", "knows", "sec-handler", {"code": "sec-code"}),
            Edge("sec-handler", "lives_in", "sec-vault"),
        ]
    )
    return pub, sec


@pytest.fixture(scope="module")
def encoder() -> object:
    from kgreason.embed import default_encoder

    return default_encoder()


def _leaks(value: Any) -> bool:
    blob = repr(value)
    return SECRET in blob or MARK in blob


def test_the_queries_file() -> None:
    assert len(CASES) >= 20 and len({q for _, q in CASES}) == len(CASES)
    assert {o for o, _ in CASES} == {"rewrite", "refuse"}
    assert all(SECRET not in q and MARK not in q for _, q in CASES)  # a leak cannot come from the query


def test_hostile_model_never_reads_another_graph(
    graphs: tuple[Neo4jStore, Neo4jStore], settings: Settings, encoder: object
) -> None:
    pub, _ = graphs
    raw_leaks = rows_seen = 0
    for outcome, query in CASES:
        if outcome == "rewrite":  # unscoped, the guard alone lets it read the other graph
            # (a generous row cap: the session's server holds other tests' graphs too, and 100 rows of
            # those could hide the secret graph's)
            raw_leaks += _leaks(pub.run_cypher(query, limit=5000).rows)
        llm = AdversarialModel(query)
        options = {"mode": "cypher", "generation": "cypher", "repair_attempts": 0}
        engine = Engine(
            pub, strategy="multihop", llm=llm, options=options, settings=settings, encoder=encoder
        )
        answer = engine.ask("Who does alice know?", topic="alice")
        assert not _leaks(answer.to_dict()), query
        [attempt] = [t for t in answer.trace if t["step"] == "cypher_attempt"]
        [record] = [q for q in answer.queries if q.language == "cypher"]
        if outcome == "refuse":
            assert attempt["status"] == "refused" and attempt["reason"], (query, attempt)
            assert record.refused and record.refused.startswith("refused: ")
            continue
        assert attempt["status"] == "ok", (query, attempt)
        assert record.refused is None and "`KG_scope_pub`" in record.text
        # the scoped query's own result: only the asked graph's data
        rows = pub.run_cypher(record.text, limit=100).rows
        assert not _leaks(rows), (record.text, rows)
        assert len(rows) == record.rows
        rows_seen += len(rows)
    rewrites = sum(o == "rewrite" for o, _ in CASES)
    assert raw_leaks >= rewrites * 2 // 3, raw_leaks  # the evasions are real: most leak when unscoped
    assert rows_seen > rewrites  # and scoped, they still answer from the asked graph

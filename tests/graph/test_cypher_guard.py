"""The read-only Cypher guard against the real Neo4j: escapes are refused and change nothing; reads work."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator

import pytest

from kgreason.config import Settings
from kgreason.errors import GraphError, InputError, QueryRefused
from kgreason.graph.cypher_guard import DEFAULT_PROCEDURES, GuardPolicy, check_static, run_guarded
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.graph_contract import load_sample
from kgreason.testing.neo4j import auth_for_tests

pytestmark = pytest.mark.neo4j

G = "guard"


@pytest.fixture(scope="module")
def store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    s = Neo4jStore(G, Settings.from_env({}), uri=neo4j_uri, auth=auth_for_tests())
    s.drop()
    load_sample(s)
    yield s
    s.drop()
    s.close()


def database_checksum(store: Neo4jStore) -> tuple[int, int, str, tuple[str, ...]]:
    """Counts and a sha256 over every node and relationship in the whole database, plus the schema."""
    driver = store.driver()
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN elementId(n) AS e, labels(n) AS l, properties(n) AS p", database_=store.database
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN elementId(r) AS e, elementId(a) AS a, type(r) AS t, elementId(b) AS b, "
        "properties(r) AS p",
        database_=store.database,
    )
    schema, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name", database_=store.database)
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name", database_=store.database)
    h = hashlib.sha256()
    for row in sorted(json.dumps([r["e"], sorted(r["l"]), r["p"]], sort_keys=True) for r in nodes):
        h.update(row.encode())
    for row in sorted(json.dumps([r["e"], r["a"], r["t"], r["b"], r["p"]], sort_keys=True) for r in rels):
        h.update(row.encode())
    names = tuple(sorted(str(r["name"]) for r in [*schema, *indexes]))
    return len(nodes), len(rels), h.hexdigest(), names


# (attack, a word the refusal reason must contain)
ATTACKS: list[tuple[str, str]] = [
    ("CREATE (n:Pwned {id: 'x'})", "CREATE"),
    (f"MATCH (n:KG_{G}) MERGE (n)-[:PWNED]->(:Pwned)", "MERGE"),
    (f"MATCH (n:KG_{G}) SET n.pwned = true", "SET"),
    (f"MATCH (n:KG_{G}) SET n += {{pwned: 1}}", "SET"),
    ("MATCH ()-[r]->() DELETE r", "DELETE"),
    (f"MATCH (n:KG_{G}) DETACH DELETE n", "DETACH"),
    (f"MATCH (n:KG_{G}) REMOVE n:Person", "REMOVE"),
    ("CREATE INDEX pwned FOR (n:Pwned) ON (n.x)", "CREATE"),
    ("CREATE CONSTRAINT pwned FOR (n:Pwned) REQUIRE n.x IS UNIQUE", "CREATE"),
    (f"DROP CONSTRAINT kgr_graph_{G}", "DROP"),
    ("CALL apoc.cypher.runTimeboxed('MATCH (n) DETACH DELETE n', {}, 1000)", "apoc.cypher.runTimeboxed"),
    ("CALL apoc.cypher.doIt('CREATE (n:Pwned) RETURN n', {}) YIELD value RETURN value", "apoc.cypher.doIt"),
    ("CALL apoc.create.node(['Pwned'], {}) YIELD node RETURN node", "apoc.create.node"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})", "apoc.periodic.iterate"),
    ("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", "apoc.load.json"),
    ("CALL apoc.trigger.add('t', 'CREATE (:Pwned)', {})", "apoc.trigger.add"),
    ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {}) AS x", "apoc.cypher"),
    ("CALL dbms.setConfigValue('db.transaction.timeout', '0')", "dbms.setConfigValue"),
    ("CALL dbms.security.createUser('eve', 'password123', false)", "dbms.security.createUser"),
    ("CALL db.createLabel('Pwned')", "db.createLabel"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
    ("USE system SHOW USERS", "USE"),
    ("USE system MATCH (n) RETURN n", "USE"),
    ("MATCH (n) RETURN count(n); MATCH (n) DETACH DELETE n", "multiple statements"),
    ("RETURN 'a;b' AS s; CREATE (:Pwned)", "multiple statements"),
    ("CALL { CREATE (:Pwned) } RETURN 1 AS one", "CREATE"),
    (f"MATCH (n:KG_{G}) CALL (n) {{ SET n.pwned = 1 }} RETURN n", "SET"),
    ("CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS", "DETACH"),
    (f"MATCH (n:KG_{G}) FOREACH (x IN [1] | SET n.pwned = x)", "FOREACH"),
    ("MATCH (n) /* a harmless read */ DETACH DELETE n", "DETACH"),
    ("MATCH (n) // only reading\nDETACH DELETE n", "DETACH"),
    ("WITH '/*' AS a CREATE (:Pwned) WITH '*/' AS b RETURN b", "CREATE"),
    ("WITH '//' AS a CREATE (:Pwned) RETURN a", "CREATE"),
    ("MATCH (n) ＤＥＴＡＣＨ ＤＥＬＥＴＥ n", "DETACH"),
    ("ＣＲＥＡＴＥ (:Pwned)", "CREATE"),
    ("MATCH (n) DEL\u200bETE n", "DELETE"),
    ("CRE\u200bATE (:Pwned)", "CREATE"),
    ("\ufeffCREATE (:Pwned)", "CREATE"),
    ("CALL `apoc`.`cypher`.`doIt`('CREATE (n) RETURN n', {}) YIELD value RETURN value", "apoc.cypher.doIt"),
    ("CALL `apoc.create.node`(['Pwned'], {}) YIELD node RETURN node", "apoc.create.node"),
    ("RETURN `apoc`.cypher.runFirstColumnMany('CREATE (n) RETURN n', {}) AS x", "apoc.cypher"),
    ("\\u0043REATE (:Pwned)", "CREATE"),  # the server decodes the escape: it reads CREATE
    ("EXPLAIN MATCH (n) RETURN n", "EXPLAIN"),
    ("PROFILE MATCH (n) DETACH DELETE n", "PROFILE"),
    ("CYPHER runtime=interpreted MATCH (n) DETACH DELETE n", "CYPHER"),
    ("CYPHER 5 MATCH (n) RETURN n", "CYPHER"),
    ("  explain\nMATCH (n) RETURN n", "EXPLAIN"),
    ("SHOW USERS", "SHOW"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ("ALTER DATABASE neo4j SET ACCESS READ ONLY", "ALTER"),
    ("MATCH (n:KG_other) RETURN n", "KG_other"),
    ("MATCH (n) WHERE 'KG_other' IN labels(n) RETURN n", "KG_other"),
    ("MATCH (n) RETURN n /* unterminated", "unterminated"),
    ("RETURN 'unterminated AS s", "unterminated"),
]


@pytest.mark.parametrize(("query", "why"), ATTACKS, ids=[f"attack{i:02d}" for i in range(len(ATTACKS))])
def test_static_check_refuses(query: str, why: str) -> None:
    with pytest.raises(QueryRefused) as info:
        check_static(query, GuardPolicy(graph=G))
    assert why.lower() in info.value.reason.lower()
    assert info.value.query == query


def test_attacks_change_nothing_on_the_server(store: Neo4jStore) -> None:
    before = database_checksum(store)
    assert before[0] >= 6 and before[1] >= 11
    for query, _ in ATTACKS:
        with pytest.raises(QueryRefused) as info:
            store.run_cypher(query)
        assert info.value.reason
    assert database_checksum(store) == before


def test_server_explain_refuses_what_the_static_check_lets_through(store: Neo4jStore) -> None:
    """Layer 2 alone: allow-list write procedures statically; EXPLAIN still says 'w' and refuses."""
    before = database_checksum(store)
    loose = GuardPolicy(allowed_procedures=DEFAULT_PROCEDURES | {"db.createLabel", "db.createProperty"})
    for query in ("CALL db.createLabel('Pwned')", "CALL db.createProperty('pwned')"):
        check_static(query, loose)  # passes the static layer
        with pytest.raises(QueryRefused, match="'w'"):
            run_guarded(store.driver(), store.database, query, None, loose)
    assert database_checksum(store) == before


def test_explain_plan_check_catches_disallowed_procedures(store: Neo4jStore) -> None:
    """The plan walk refuses procedures outside the allow-list even if the static layer were fooled."""
    from kgreason.graph.cypher_guard import _check_plan

    plan = {
        "operatorType": "ProduceResults@neo4j",
        "args": {},
        "children": [{"operatorType": "ProcedureCall@neo4j", "args": {"Details": "apoc.help($x) :: (a)"}}],
    }
    with pytest.raises(QueryRefused, match=r"apoc\.help"):
        _check_plan(plan, GuardPolicy(), "q")
    load = {"operatorType": "LoadCSV@neo4j", "args": {"Details": "line"}}
    with pytest.raises(QueryRefused, match="LOAD CSV"):
        _check_plan(load, GuardPolicy(), "q")


READS: list[tuple[str, dict[str, object], int]] = [
    (f"MATCH (n:KG_{G}:Person) RETURN n.name AS name ORDER BY name", {}, 4),
    (f"MATCH (n:KG_{G} {{id: $id}}) RETURN n", {"id": "alice"}, 1),
    (f"MATCH p = (:KG_{G} {{id: 'alice'}})-[:parent_of]->() RETURN p", {}, 2),
    (f"MATCH (n:KG_{G}) RETURN count(n) AS c", {}, 1),
    (f"MATCH (a:KG_{G})-[r]->(b) RETURN type(r) AS t, count(*) AS c ORDER BY t", {}, 6),
    ("CALL db.labels() YIELD label RETURN label", {}, -1),
    ("CALL db.relationshipTypes()", {}, -1),
    ("CALL db.schema.visualization()", {}, 1),
    ("RETURN apoc.text.join(['a', 'b'], '-') AS joined", {}, 1),
    ("RETURN 'CREATE (n); DROP /* x */ // y' AS text", {}, 1),
    ("RETURN {create: 1, delete: 2, set: 3} AS m", {}, 1),
    (f"MATCH (n:KG_{G}) // DETACH DELETE n in a comment\nRETURN count(n) AS c;", {}, 1),
    (f"MATCH (n:KG_{G}) WHERE n.name STARTS WITH 'A' RETURN n.name AS name", {}, 2),
    (f"MATCH (n:KG_{G}) WHERE n.name = 'ＡＢＣ' RETURN n", {}, 0),
    (f"MATCH (n:KG_{G}) CALL (n) {{ MATCH (n)-->(m) RETURN count(m) AS deg }} RETURN n.id, deg", {}, 6),
    ("RETURN date('2020-01-02') AS d, duration('P1D') AS dur, point({x: 1, y: 2}) AS p", {}, 1),
    (f"MATCH p = (start:KG_{G} {{id: 'alice'}})-[:works_at]->(end) RETURN start.id, end.id", {}, 1),
    ("WITH 'MY_KG_other' AS not_a_label RETURN not_a_label", {}, 1),
]


@pytest.mark.parametrize(("query", "params", "n"), READS, ids=[f"read{i:02d}" for i in range(len(READS))])
def test_reads_pass(store: Neo4jStore, query: str, params: dict[str, object], n: int) -> None:
    result = store.run_cypher(query, params)
    assert result.query_type == "r"
    assert not result.truncated
    if n >= 0:
        assert len(result.rows) == n
    else:
        assert result.rows
    assert result.record.text == query and result.record.rows == len(result.rows)
    assert result.record.language == "cypher" and result.elapsed_ms > 0


def test_read_values_are_plain_python(store: Neo4jStore) -> None:
    result = store.run_cypher(
        f"MATCH p = (a:KG_{G} {{id: 'alice'}})-[r:works_at]->(c) RETURN a, r, p, c.tags AS tags"
    )
    [row] = result.rows
    assert result.columns == ("a", "r", "p", "tags")
    assert row["a"] == {"id": "alice", "labels": ["Person"], "properties": {"name": "Alice", "born": 1970}}
    assert row["r"]["type"] == "works_at" and row["r"]["source"] == "alice" and row["r"]["target"] == "acme"
    assert row["r"]["properties"] == {"since": 2001}
    assert [x["id"] for x in row["p"]] == ["alice", row["r"]["id"], "acme"]
    assert row["tags"] == ["tools", "rockets"]
    json.dumps(result.to_dict())


def test_row_cap_truncates(store: Neo4jStore) -> None:
    capped = store.run_cypher("UNWIND range(1, 50) AS x RETURN x", limit=10)
    assert [r["x"] for r in capped.rows] == list(range(1, 11)) and capped.truncated
    exact = store.run_cypher("UNWIND range(1, 50) AS x RETURN x", limit=50)
    assert len(exact.rows) == 50 and not exact.truncated
    uncapped = store.run_cypher("UNWIND range(1, 5000) AS x RETURN x", limit=None)
    assert len(uncapped.rows) == 5000 and not uncapped.truncated


def test_slow_query_times_out(store: Neo4jStore) -> None:
    started = time.perf_counter()
    # the server stops it (timed out), or the client deadline gives up first on a loaded machine (no answer)
    with pytest.raises(GraphError, match=r"timed out|no answer from Neo4j within") as info:
        store.run_cypher(
            f"MATCH (a:KG_{G}), (b:KG_{G}), (c:KG_{G}), (d:KG_{G}) UNWIND range(1, 1000000) AS x "
            "RETURN count(*) AS c",
            timeout_s=1,
        )
    assert not isinstance(info.value, QueryRefused)
    assert time.perf_counter() - started < 20


def test_bad_cypher_is_an_input_error(store: Neo4jStore) -> None:
    with pytest.raises(InputError, match="Cypher error"):
        store.run_cypher("MATCH (n RETURN n")
    with pytest.raises(InputError):
        store.run_cypher("RETURN nosuch.fn(1) AS x".replace("nosuch.fn", "toUpperr"))


def test_a_cypher_error_points_into_the_query_as_written(store: Neo4jStore) -> None:
    # The guard runs `EXPLAIN <query>` first; the position the server reports must not count that prefix.
    query = "MATCH (n) RETRUN n LIMIT 1"
    with pytest.raises(InputError) as info:
        store.run_cypher(query)
    position = query.index("RETRUN")
    assert f"line 1, column {position + 1} (offset: {position})" in info.value.message, info.value.message


def test_allow_write_lifts_the_guard(store: Neo4jStore) -> None:
    result = store.run_cypher(
        f"MATCH (n:KG_{G} {{id: 'dave'}}) SET n.note = 'written' RETURN n.note AS note", read_only=False
    )
    assert result.rows == ({"note": "written"},)
    node = store.get_node("dave")
    assert node is not None and node.properties["note"] == "written"
    store.run_cypher(f"MATCH (n:KG_{G} {{id: 'dave'}}) REMOVE n.note", read_only=False)
    node = store.get_node("dave")
    assert node is not None and "note" not in node.properties


# -- the server's view: unicode escapes, statement kinds, cost bounds (issue 20) -------------------------


def test_escapes_are_decoded_as_the_server_decodes_them() -> None:
    from kgreason.graph.neo4j_cypher_lexer import LexError, decode_unicode_escapes

    cases = {
        "// \\u000a SHOW": "// \n SHOW",
        "\\\\u0041": "\\\\u0041",  # an escaped backslash: no escape
        "\\u005cu0041": "\\u0041",  # a decoded backslash escapes nothing
        "x\\u+00a": "x\n",  # Integer.parseInt takes a sign
        "\\u\uff10\uff10\uff10a": "\n",  # ... and any Unicode decimal digit
        "\\ud83d\\ude00": "\U0001f600",  # a surrogate pair becomes one character
        "a \\u00": "a \x00",  # fewer than four digits at the end
    }
    for raw, server in cases.items():
        assert decode_unicode_escapes(raw).text == server, raw
    decoded = decode_unicode_escapes("ab\\u0041c")
    assert decoded.escapes == (2,) and decoded.origin == (0, 1, 2, 8, 9)
    for bad in ("\\u00zz tail", "\\u", "\\uu0041"):
        with pytest.raises(LexError):
            decode_unicode_escapes(bad)


ESCAPE_AND_KIND_ATTACKS: list[tuple[str, str]] = [
    ("// \\u000a SHOW TRANSACTIONS YIELD currentQuery\nRETURN currentQuery", "SHOW"),
    ("MATCH (n) RETURN n // \\u000a", "unicode escape"),
    ("RETURN 1 AS \\u0061", "unicode escape"),
    ("RETURN 'a\\u0027 AS x, 1 AS b //' AS c", "unicode escape"),  # the escape ends the string
    ("RETURN 'caf\\u00e9 \\u0027quoted\\u0027' AS s", "unicode escape"),
    ("RETURN 1 AS a // \\u+00a", "unicode escape"),
    ("RETURN 1 AS a // \\u00zz", "unicode escape"),
    ("RETURN 'x\x85' AS s", "control character"),
    ("SHOW SETTINGS", "SHOW"),
    ("START DATABASE neo4j", "START"),
    ("STOP DATABASE neo4j", "STOP"),
    ("ENABLE SERVER 'x'", "ENABLE"),
    ("DRYRUN REALLOCATE DATABASES", "DRYRUN"),
    ("WITH 1 AS x SHOW TRANSACTIONS YIELD transactionId RETURN transactionId", "SHOW"),
    ("RETURN 1 AS x UNION SHOW FUNCTIONS YIELD name AS x RETURN x", "SHOW"),
    ("RETURN 1 AS x UNION ALL TERMINATE TRANSACTIONS 'x'", "TERMINATE"),
    ("CALL { SHOW PROCEDURES YIELD name RETURN name } RETURN name", "SHOW"),
    ("MATCH (n) CALL (n) { SHOW SETTINGS YIELD name RETURN name } RETURN name", "SHOW"),
    ("MATCH (n) WHERE EXISTS { SHOW SETTINGS YIELD name RETURN name } RETURN n", "SHOW"),
    ("MATCH (n) INSERT (:Pwned)", "INSERT"),
    ("MATCH (n) NODETACH DELETE n", "NODETACH"),
    ("RETURN apoc.text.lpad('x', 1500000000, 'y') AS s", "apoc.text.lpad"),
    ("RETURN apoc.coll.fill('x', 1000000000) AS s", "apoc.coll.fill"),
    ("RETURN size([x IN range(1, 300000000) | x]) AS n", "range"),
    ("RETURN size(reduce(s = 'x', i IN range(1, 40) | s + s)) AS n", "reduce"),
    ("WITH 300000000 AS n RETURN size([x IN range(1, n) | x]) AS s", "cannot size"),
    ("RETURN range(0, size($a) * size($b)) AS r", "cannot size"),
    ("RETURN 'aaaaaaaaaaaaaaaaaaaaaa!' =~ '(a+)+$' AS m", "regular expression"),
    ("RETURN " + "[" * 3000 + "1" + "]" * 3000 + " AS n", "nested"),
    ("RETURN 1" + "+1" * 50000 + " AS n", "bytes"),
    ("RETURN 1" + "+1" * 400 + " AS n", "expression nested"),
]


@pytest.mark.parametrize(
    ("query", "why"),
    ESCAPE_AND_KIND_ATTACKS,
    ids=[f"kind{i:02d}" for i in range(len(ESCAPE_AND_KIND_ATTACKS))],
)
def test_static_check_reads_what_the_server_reads(query: str, why: str) -> None:
    with pytest.raises(QueryRefused) as info:
        check_static(query, GuardPolicy(graph=G))
    assert why.lower() in info.value.reason.lower()


def test_bounds_read_parameters_when_they_are_given() -> None:
    check_static("RETURN size([x IN range(1, $n) | x]) AS n", GuardPolicy(), {"n": 1000})
    with pytest.raises(QueryRefused, match="range"):
        check_static("RETURN size([x IN range(1, $n) | x]) AS n", GuardPolicy(), {"n": 300_000_000})
    with pytest.raises(QueryRefused, match="regular expression"):
        check_static("RETURN $s =~ $p AS m", GuardPolicy(), {"s": "aaa", "p": "(a*)*b"})
    # bounds it cannot size are left to the server, without crashing the check
    for n in (float("inf"), float("nan"), "ten", None):
        check_static("RETURN range(1, $n) AS r", GuardPolicy(), {"n": n})
    check_static("RETURN range(1, 1e400) AS r", GuardPolicy())


def test_expression_depth_counts_one_expression_not_the_whole_query() -> None:
    part = "MATCH (a)-[:R]->(b)-[:S]->(c) WHERE " + " AND ".join(f"a.p{i} = {i}" for i in range(20))
    check_static(" UNION ".join(f"{part} RETURN c.id AS id" for _ in range(12)), GuardPolicy())


STATIC_READS = [
    "MATCH (n) WHERE EXISTS { (n)-->() } RETURN count(n) AS c",
    "MATCH (n) RETURN COUNT { (n)-->() } AS deg, COLLECT { MATCH (n)-->(m) RETURN m.id } AS ids",
    "MATCH (n) CALL (n) { MATCH (n)-->(m) RETURN count(m) AS deg } RETURN n.id, deg",
    "RETURN 1 AS x UNION ALL RETURN 2 AS x",
    "RETURN 'caf\\u00e9 \\'quoted\\'' AS s",
    "RETURN reduce(m = 0, x IN [3, 1, 2] | CASE WHEN x > m THEN x ELSE m END) AS biggest",
    "RETURN reduce(s = '', w IN ['a', 'b'] | s + w) AS joined",
    "RETURN reduce(s = 'x', i IN range(1, 10) | s + s) AS small_on_purpose",
    "RETURN [x IN range(0, 999999) | x][0] AS first",
    "MATCH p = (n)-->() RETURN [i IN range(0, size(nodes(p)) - 1) | i] AS positions",
    "RETURN 'abc' =~ '(\\\\w+)-(\\\\d+)' AS m, 'ab' =~ '(ab)+' AS n",
    "MATCH (n) WHERE n.name = 'SHOW TRANSACTIONS' RETURN n.name AS show_me",
    "RETURN apoc.text.join(['a', 'b'], '-') AS j, apoc.coll.sum([1, 2]) AS s",
    "MATCH (n) RETURN n ORDER BY n.id SKIP 1 LIMIT 2",
    "OPTIONAL MATCH (n) RETURN n",
    "UNWIND [1, 2] AS x WITH x WHERE x > 1 RETURN x",
    "RETURN " + " OR ".join(f"{i} = 1" for i in range(60)) + " AS any_one",
]


@pytest.mark.parametrize("query", STATIC_READS, ids=[f"sread{i:02d}" for i in range(len(STATIC_READS))])
def test_plain_reads_pass_the_static_check(query: str) -> None:
    check_static(query, GuardPolicy())


def test_static_reads_also_run_on_the_server(store: Neo4jStore) -> None:
    for query in STATIC_READS:
        if "MATCH (n)" in query:
            query = query.replace("MATCH (n)", f"MATCH (n:KG_{G})", 1)
        store.run_cypher(query)


def test_server_plan_with_a_command_operator_is_refused() -> None:
    from kgreason.graph.cypher_guard import _check_plan

    plan = {"operatorType": "ProduceResults@neo4j", "children": [{"operatorType": "ShowTransactions@neo4j"}]}
    with pytest.raises(QueryRefused, match="ShowTransactions"):
        _check_plan(plan, GuardPolicy(), "q")


def test_a_remembered_text_still_checks_its_parameters() -> None:
    query = "RETURN size([x IN range(1, $n) | x]) AS n"
    for _ in range(2):
        check_static(query, GuardPolicy(), {"n": 10})
        with pytest.raises(QueryRefused, match="range"):
            check_static(query, GuardPolicy(), {"n": 300_000_000})


def test_only_texts_the_server_passed_skip_the_next_explain(store: Neo4jStore) -> None:
    from kgreason.graph import cypher_guard

    loose = GuardPolicy(allowed_procedures=DEFAULT_PROCEDURES | {"db.createLabel"})
    for _ in range(2):  # refused by EXPLAIN each time: a refusal is never remembered as a pass
        with pytest.raises(QueryRefused, match="'w'"):
            run_guarded(store.driver(), store.database, "CALL db.createLabel('Pwned')", None, loose)
    query = f"MATCH (n:KG_{G}) RETURN count(n) AS c"
    first = run_guarded(store.driver(), store.database, query, None, GuardPolicy())
    assert any(k[1] == query for k in cypher_guard._verdicts._by_driver[store.driver()])
    again = run_guarded(store.driver(), store.database, query, None, GuardPolicy())
    assert again.rows == first.rows and again.query_type == "r"

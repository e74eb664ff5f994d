"""Red team for the read-only Cypher guard on the real Neo4j: no way past it, no read that downs the server.

``hostile_queries.jsonl`` holds the attacks as data, one JSON object a line (add lines to grow the suite):
``query`` (``{{repeat N TEXT}}`` expands to TEXT N times), optional ``params``, ``expect`` (``refused``:
the guard stops it before anything is sent; ``error``: it reaches the server, which stops it with a clear
error) and ``reason``, a word the message must contain. After each one the server must still answer.

Two fuzz tests compare the guard with the server's own reading of generated text: the escape decoder
against the string the server returns, and, for random mixtures of escapes, comments, quotes and
keywords, the guard's verdict against the server's EXPLAIN (a statement the server would run as anything
but a plain read must have been refused statically). Then each way Cypher enters kgreason (the user's
``kgr graph query``, an LLM's text2cypher, a ``--replay`` file) is shown to go through the same guard.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from kgreason.config import Settings
from kgreason.errors import GraphError, InputError, QueryRefused
from kgreason.graph.cypher_guard import GuardPolicy, check_static
from kgreason.graph.neo4j_cypher_lexer import LexError, decode_unicode_escapes
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.testing.graph_contract import load_sample
from kgreason.testing.neo4j import TEST_URI_ENV, auth_for_tests

pytestmark = pytest.mark.neo4j

G = "redteam_guard"
HERE = Path(__file__).resolve().parent
FAMILY = HERE.parents[1] / "examples" / "data" / "family.tsv"
_REPEAT = re.compile(r"\{\{repeat (\d+) (.*?)\}\}")
# The Show/Terminate/write/command operators a plain read never plans.
_NOT_READ = re.compile(
    r"^(Show|Terminate|AdministrationCommand|Create|Drop|Delete|DetachDelete|Merge|Set|Remove)"
)


def hostile_queries() -> list[dict[str, Any]]:
    cases = []
    for line in (HERE / "hostile_queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            case["query"] = _REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), case["query"])
            cases.append(case)
    return cases


CASES = hostile_queries()


@pytest.fixture(scope="module")
def store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    s = Neo4jStore(G, Settings.from_env({}), uri=neo4j_uri, auth=auth_for_tests())
    s.drop()
    load_sample(s)
    yield s
    s.drop()
    s.close()


def server_answers(store: Neo4jStore) -> bool:
    records, _, _ = store.driver().execute_query("RETURN 1 AS one", database_=store.database)
    return bool(records[0]["one"] == 1)


def test_suite_covers_every_crasher_of_the_issue() -> None:
    ids = {c["id"] for c in CASES}
    assert len(CASES) >= 50 and len(ids) == len(CASES)
    for needed in ("escape-newline-show-terminate", "range-300m", "reduce-string-doubling", "apoc-lpad"):
        assert needed in ids
    for needed in ("regex-backtracking", "nested-list-3000", "plus-chain-100kb", "show-settings"):
        assert needed in ids
    assert {c["expect"] for c in CASES} == {"refused", "error"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile_query_is_stopped_and_the_server_survives(store: Neo4jStore, case: dict[str, Any]) -> None:
    query, params = case["query"], case.get("params", {})
    started = time.perf_counter()
    if case["expect"] == "refused":
        with pytest.raises(QueryRefused) as refused:
            check_static(query, GuardPolicy(graph=G), params)  # static: nothing reaches the server
        assert case["reason"].lower() in refused.value.reason.lower(), refused.value.reason
        with pytest.raises(QueryRefused):
            store.run_cypher(query, params)
    else:
        with pytest.raises(GraphError) as failed:
            store.run_cypher(query, params, timeout_s=60)
        assert not isinstance(failed.value, QueryRefused | InputError)
        assert case["reason"].lower() in failed.value.message.lower(), failed.value.message
    assert time.perf_counter() - started < 90
    assert server_answers(store)


def test_the_tracked_memory_limits_are_set_on_the_local_server(store: Neo4jStore) -> None:
    if os.environ.get(TEST_URI_ENV):
        pytest.skip("an external Neo4j (KGR_TEST_NEO4J_URI): its settings are its owner's")
    records, _, _ = store.driver().execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name CONTAINS 'memory.transaction' RETURN name, value",
        database_=store.database,
    )
    settings = {r["name"]: r["value"] for r in records}
    assert settings["db.memory.transaction.max"].startswith("256")
    assert settings["db.memory.transaction.total.max"].startswith("1")
    assert settings["dbms.memory.transaction.total.max"].startswith("1")


# -- fuzz: the guard reads what the server reads ------------------------------------------------------

_HEX_DIGITS = "0123456789abcdefABCDEF"


def _random_escape(rng: random.Random) -> str:
    """An escape of a letter (so the decoded string stays a plain literal), in the forms the server takes."""
    code = rng.choice([*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xE0, 0xFF)])
    digits = f"{code:04x}" if rng.random() < 0.5 else f"{code:04X}"
    form = rng.random()
    if form < 0.15:
        digits = "+" + digits[1:]  # Integer.parseInt takes a sign
    elif form < 0.3:
        digits = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d for d in digits)  # fullwidth digits
    return "\\u" + digits


def test_escape_decoder_matches_the_server(store: Neo4jStore) -> None:
    rng = random.Random(20)
    driver = store.driver()
    checked = 0
    for _ in range(150):
        parts = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            if r < 0.45:
                parts.append(_random_escape(rng))
            elif r < 0.55:
                parts.append(
                    "\\\\u00" + rng.choice(_HEX_DIGITS) + rng.choice(_HEX_DIGITS)
                )  # an escaped backslash
            elif r < 0.6:
                parts.append("\\u" + rng.choice(["00", "zz12", "+", "-0", "00g1"]))  # malformed
            else:
                parts.append(rng.choice(["a", "b c", "ü", "x1", " "]))
        body = "".join(parts)
        query = f"RETURN '{body}' AS s"
        try:
            mine: str | None = decode_unicode_escapes(query).text
        except LexError:
            mine = None
        try:
            records, _, _ = driver.execute_query(query, database_=store.database)
        except neo4j.exceptions.ClientError:
            # the server rejects it: so did the decoder, or what it decoded is no longer one string literal
            assert mine is None or "\\" in mine or not mine.endswith("' AS s"), body
            continue
        assert mine is not None and mine.startswith("RETURN '") and mine.endswith("' AS s"), body
        # The string literal then applies its own escapes (\\ -> \); the decoder's job ends before that.
        assert records[0]["s"] == mine[8:-6].replace("\\\\", "\\"), body
        checked += 1
    assert checked >= 80


_OPENERS = ["", "//", "//", "// x", "/*", "/* x", "'", '"', "`"]
_TRICKS = [
    "",
    "\n",
    "*/",
    "'",
    "\\u000a",
    "\\u000a",
    "\\u000a ",
    "\\u000D",
    "\\u000D",
    "\\u+00a",
    "\\u０００a",
    "\\u0027",
    "\\u0022",
    "\\u0060",
    "\\u002a/",
    "\\u002A\\u002F",
    "\\\\u000a",
    "\\u005cu000a",
    "\\u005c'",
    "\\'",
]
_STATEMENTS = [
    "SHOW TRANSACTIONS",
    "SHOW SETTINGS YIELD name RETURN name",
    # the issue's shape: the command in a comment the server ends early, a plain RETURN on the next line
    "SHOW SETTINGS YIELD name\nRETURN name",
    "SHOW TRANSACTIONS YIELD currentQuery\nRETURN currentQuery",
    "SHOW TRANSACTIONS YIELD transactionId AS t TERMINATE TRANSACTIONS t YIELD message\nRETURN message",
    "SHOW TRANSACTIONS YIELD transactionId AS t TERMINATE TRANSACTIONS t YIELD message RETURN message",
    "\\u0053HOW TRANSACTIONS",
    "CREATE (:Pwned)",
    "RETURN 2 AS a",
    "MATCH (n) RETURN count(n) AS c",
]
_CONTINUATIONS = [" , 2 AS b", " UNION RETURN 2 AS a", " UNION SHOW FUNCTIONS YIELD name AS a RETURN a"]
_CLOSERS = ["", "", "\n", " */", "'", '"', " // x"]


def _generated(rng: random.Random) -> str:
    """Something that hides a payload from a naive reader: an opener (comment, quote), a trick (an escape
    or character that may end it in the server's view), the payload (a whole statement, or more of a
    RETURN 1 AS a before it), a closer."""
    trick = rng.choice(_TRICKS)
    if rng.random() < 0.3:
        trick += rng.choice(_TRICKS)
    head = [rng.choice(_OPENERS), trick]
    if rng.random() < 0.6:
        return "".join([*head, rng.choice(_STATEMENTS), rng.choice(_CLOSERS)])
    return "RETURN 1 AS a " + "".join([*head, rng.choice(_CONTINUATIONS), rng.choice(_CLOSERS)])


def _server_view(driver: neo4j.Driver, query: str) -> tuple[str, list[str]] | None:
    """The server's EXPLAIN of ``query``: its query type and plan operators; None if it does not parse."""
    try:
        with driver.session(database="neo4j") as session:
            summary = session.run("EXPLAIN " + query).consume()  # type: ignore[arg-type]
    except neo4j.exceptions.Neo4jError:  # a syntax error, or the pre-parser's lexical error
        return None
    operators: list[str] = []

    def walk(plan: dict[str, Any]) -> None:
        operators.append(str(plan.get("operatorType", "")).partition("@")[0])
        for child in plan.get("children") or ():
            walk(child)

    walk(summary.plan or {})
    return summary.query_type or "", operators


def test_guard_refuses_every_generated_statement_the_server_would_not_run_as_a_read(
    store: Neo4jStore,
) -> None:
    rng = random.Random(2026)
    driver = store.driver()
    parsed = not_read = accepted = 0
    for _ in range(1200):
        query = _generated(rng)
        try:
            check_static(query)
            guard_refused = False
        except QueryRefused:
            guard_refused = True
        view = _server_view(driver, query)
        if view is None:
            continue
        parsed += 1
        query_type, operators = view
        if query_type != "r" or any(_NOT_READ.match(op) for op in operators):
            not_read += 1
            assert guard_refused, f"the server would run {operators} ({query_type}) for {query!r}"
        elif not guard_refused:
            accepted += 1
    # the generator reaches both sides: statements the server reads as commands, and plain reads
    assert parsed >= 120 and not_read >= 20 and accepted >= 40, (parsed, not_read, accepted)


# -- every way in goes through the guard -------------------------------------------------------------

BYPASS = (
    "// \\u000a SHOW TRANSACTIONS YIELD transactionId AS t, currentQuery AS q WHERE NOT q CONTAINS "
    '"SHOW TRANSACTIONS" TERMINATE TRANSACTIONS t YIELD transactionId, message RETURN transactionId, message'
)


def _kgr(home: Path, uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"KGR_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KGR_NEO4J_URI": uri}
    auth = auth_for_tests()
    if auth is not None:
        env["KGR_NEO4J_PASSWORD"] = auth[1]
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_user_cypher_through_kgr_graph_query_is_guarded(
    store: Neo4jStore, tmp_path: Path, neo4j_uri: str
) -> None:
    for query in (BYPASS, "RETURN size([x IN range(1, 300000000) | x]) AS n"):
        run = _kgr(tmp_path, neo4j_uri, "graph", "query", query, "-g", G, "--store", "neo4j")
        assert run.returncode == 2, run.stderr
        assert "refused" in run.stderr
    ok = _kgr(
        tmp_path, neo4j_uri, "graph", "query", f"MATCH (n:KG_{G}) RETURN count(n) AS c", "-g", G, "--json"
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"] == [{"c": 6}]
    assert server_answers(store)


def test_replayed_answer_with_a_tampered_query_is_refused(
    store: Neo4jStore, tmp_path: Path, neo4j_uri: str
) -> None:
    from kgreason.fusion.recording import digest, replay
    from kgreason.types import QueryRecord

    result = store.run_cypher(f"MATCH (n:KG_{G} {{id: 'alice'}}) RETURN n.name AS name")
    honest = dataclasses.replace(result.record, digest=digest(list(result.rows)))
    assert replay(store, [honest], []).identical
    for hostile in (BYPASS, "RETURN apoc.text.lpad('x', 1500000000, 'y') AS s"):
        tampered = QueryRecord("cypher", hostile, {}, store="neo4j", rows=1, digest=honest.digest)
        with pytest.raises(QueryRefused):
            replay(store, [tampered], [])
        answer = {"answer": "", "evidence": [], "queries": [tampered.to_dict()]}
        path = tmp_path / "answer.json"
        path.write_text(json.dumps(answer), encoding="utf-8")
        run = _kgr(tmp_path, neo4j_uri, "ask", "--replay", str(path), "-g", G, "--store", "neo4j")
        assert run.returncode == 2, (run.stdout, run.stderr)
        assert "refused" in run.stderr
    assert server_answers(store)


def test_llm_cypher_through_text2cypher_is_guarded(neo4j_uri: str, settings: Settings) -> None:
    from kgreason.embed import default_encoder
    from kgreason.fusion.multihop.injection import AdversarialModel
    from kgreason.graph.loaders import load_file
    from kgreason.reasoning.engine import Engine

    target = Neo4jStore("redteam_llm", settings, uri=neo4j_uri, auth=auth_for_tests())
    target.drop()
    try:
        load_file(target, FAMILY)
        hostile = [BYPASS, "MATCH (n) RETURN size(reduce(s = 'x', i IN range(1, 40) | s + s)) AS n LIMIT 1"]
        for cypher in hostile:
            llm = AdversarialModel(cypher)
            engine = Engine(
                target,
                strategy="multihop",
                llm=llm,
                options={"mode": "cypher", "generation": "cypher", "repair_attempts": 0},
                settings=settings,
                encoder=default_encoder(),
            )
            answer = engine.ask("who are alice's parents?", topic="alice")
            records = [q for q in answer.queries if q.language == "cypher"]
            assert llm.calls >= 1 and records
            assert all(q.refused is not None and q.refused.startswith("refused") for q in records), records
        assert server_answers(target)
    finally:
        target.drop()
        target.close()

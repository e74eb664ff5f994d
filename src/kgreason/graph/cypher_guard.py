"""The read-only guard for Cypher that kgreason's own code did not write (users' and LLMs' queries).

Layers, each of which alone refuses the known escapes, strongest last:

1. ``check_static``: a lexer-based pre-check run on the text as sent *and* on a normalised copy
   (NFKC-folded, invisible characters removed), so comments, string literals, fullwidth letters and
   zero-width characters cannot hide anything. It refuses several statements, ``EXPLAIN``/``PROFILE``/
   ``CYPHER`` prefixes, write and admin clauses, ``LOAD CSV``, ``USE``, ``CALL ... IN TRANSACTIONS``,
   ``CALL`` of any procedure outside an allow-list (``apoc.cypher.runTimeboxed`` is classified as a read
   yet commits arbitrary Cypher in its own transaction), and namespaced functions outside an allow-list
   (``apoc.cypher.runFirstColumn*`` run Cypher too). With ``GuardPolicy.graph`` set it also refuses a
   query naming another graph's ``KG_`` label (best effort: a label can be built at run time).
2. ``EXPLAIN`` on the server: only ``query_type == "r"`` passes, and the plan's procedure calls and
   functions are checked against the same allow-lists.
3. The query runs in a READ transaction (the server itself rejects writes) with a timeout, and at most
   ``max_rows + 1`` rows are fetched (``truncated`` says whether there were more).

A guarded query sees the whole database, not only the store's graph: scope it with the graph's label
(``MATCH (n:KG_NAME)``). Only ``GuardPolicy(allow_write=True)`` (CLI ``--allow-write``) lifts the guard.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j import exceptions as neo_exc

from kgreason.errors import GraphError, InputError, QueryRefused
from kgreason.graph.neo4j_cypher_lexer import (
    NAME,
    STRING,
    SYMBOL,
    WORD,
    LexError,
    Token,
    dotted_name,
    is_keyword_at,
    normalise,
    tokenize,
)
from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX, plain
from kgreason.types import QueryRecord

DEFAULT_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
"""Schema/introspection procedures a guarded query may ``CALL``; everything else is refused.

(``dbms.components`` is left out: Neo4j 5.26 classifies it as a schema query, ``"s"``, which the
EXPLAIN check refuses anyway.)"""

DEFAULT_FUNCTION_NAMESPACES = frozenset(
    {
        "point",
        "vector",
        "date",
        "datetime",
        "localdatetime",
        "localtime",
        "time",
        "duration",
        "apoc.text",
        "apoc.coll",
        "apoc.map",
        "apoc.math",
        "apoc.number",
        "apoc.convert",
        "apoc.date",
        "apoc.temporal",
        "apoc.agg",
        "apoc.label",
        "apoc.node",
        "apoc.nodes",
        "apoc.rel",
        "apoc.any",
        "apoc.meta",
    }
)
"""Namespaces of pure functions a guarded query may call (built-ins without a namespace always pass)."""

# START/STOP/ENABLE (database admin) are left out on purpose: they only run against the system database
# (USE is refused) and ``start``/``end`` are common variable names in path queries.
_WRITE_KEYWORDS = frozenset(
    {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "ALTER", "RENAME"}
    | {"GRANT", "DENY", "REVOKE", "TERMINATE", "SHOW"}
)
_PREFIXES = frozenset({"EXPLAIN", "PROFILE", "CYPHER"})
_GRAPH_LABEL = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(GRAPH_LABEL_PREFIX) + r"([A-Za-z][A-Za-z0-9_]*)")
_PLAN_FUNCTION = re.compile(r"((?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*)\s*\(")


@dataclass(frozen=True)
class GuardPolicy:
    """What a guarded query may do.

    Attributes:
        allowed_procedures: procedures ``CALL`` may name (exact, case-sensitive).
        allowed_function_namespaces: namespaces of namespaced functions that may be called.
        max_rows: rows returned at most (``None``: no cap); ``truncated`` tells if more existed.
        timeout_s: transaction timeout on the server (``None``: the server's default).
        allow_write: lift the guard entirely (runs in a write transaction; CLI ``--allow-write``).
        graph: when set, refuse queries that name another graph's ``KG_`` label.
    """

    allowed_procedures: frozenset[str] = DEFAULT_PROCEDURES
    allowed_function_namespaces: frozenset[str] = DEFAULT_FUNCTION_NAMESPACES
    max_rows: int | None = 1000
    timeout_s: float | None = 30.0
    allow_write: bool = False
    graph: str | None = None

    def __post_init__(self) -> None:
        if self.max_rows is not None and self.max_rows < 0:
            raise ValueError("max_rows must be >= 0")
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")

    def function_allowed(self, name: str) -> bool:
        namespace = name.rpartition(".")[0]
        return any(
            namespace == ns or namespace.startswith(ns + ".") for ns in self.allowed_function_namespaces
        )


@dataclass(frozen=True)
class QueryResult:
    """Rows of a Cypher query as plain Python, and the record needed to run it again."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    truncated: bool
    query_type: str
    elapsed_ms: float
    record: QueryRecord = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "rows": [dict(r) for r in self.rows],
            "truncated": self.truncated,
            "query_type": self.query_type,
            "elapsed_ms": self.elapsed_ms,
            "query": self.record.to_dict(),
        }


def check_static(query: str, policy: GuardPolicy | None = None) -> None:
    """Refuse ``query`` before it reaches the server if any static rule says so.

    Raises:
        QueryRefused: with the reason of the first rule that failed.
    """
    statement_text(query, policy or GuardPolicy())


def statement_text(query: str, policy: GuardPolicy) -> str:
    """Run the static checks and return the text to send (a single trailing ``;`` removed)."""
    if not query.strip():
        raise QueryRefused("empty query", query=query)
    for ch in query:
        if ch < " " and ch not in "\t\r\n":
            raise QueryRefused(f"control character U+{ord(ch):04X} in the query", query=query)
    views = {"as written": query, "normalised": normalise(query)}
    sent = query
    for view, text in views.items():
        try:
            tokens = tokenize(text)
        except LexError as exc:
            raise QueryRefused(f"{exc} ({view})", query=query) from exc
        if tokens and tokens[-1].kind == SYMBOL and tokens[-1].text == ";":
            if view == "as written":
                sent = query[: tokens[-1].start]
            tokens = tokens[:-1]
        if not tokens:
            raise QueryRefused("empty query", query=query)
        _check_tokens(tokens, policy, query)
    if query != views["normalised"]:
        _check_invisible(query)
    return sent


def _check_invisible(query: str) -> None:
    """Refuse invisible format characters outside string literals (kept inside them: names may have them)."""
    try:
        tokens = tokenize(query)
    except LexError as exc:  # pragma: no cover - the views above already lexed it
        raise QueryRefused(str(exc), query=query) from exc
    inside = [(t.start, t.end) for t in tokens if t.kind == STRING]
    for pos, ch in enumerate(query):
        if ch != normalise(ch) and not ch.isspace() and not any(a <= pos < b for a, b in inside):
            name = f"U+{ord(ch):04X}"
            raise QueryRefused(
                f"look-alike or invisible character {name} outside a string literal", query=query
            )


def _check_tokens(tokens: list[Token], policy: GuardPolicy, query: str) -> None:
    def refuse(reason: str) -> QueryRefused:
        return QueryRefused(reason, query=query)

    first = tokens[0]
    if first.kind == WORD and first.upper in _PREFIXES:
        raise refuse(f"{first.upper} prefixes are not allowed (the guard runs its own EXPLAIN)")
    procedure_tokens: set[int] = set()
    for k, tok in enumerate(tokens):
        if tok.kind == SYMBOL and tok.text == ";":
            raise refuse("multiple statements are not allowed")
        if tok.kind in (WORD, NAME, STRING) and policy.graph is not None:
            for m in _GRAPH_LABEL.finditer(tok.text):
                if m.group(1) != policy.graph:
                    raise refuse(f"the query names another graph's label {m.group(0)}")
        if tok.kind in (WORD, NAME) and k not in procedure_tokens:
            _check_function(tokens, k, policy, refuse)
        if not is_keyword_at(tokens, k):
            continue
        word = tok.upper
        if word in _WRITE_KEYWORDS:
            raise refuse(f"{word} is a write or admin clause; only reads are allowed")
        if word == "LOAD":
            raise refuse("LOAD CSV is not allowed (it reads files and URLs)")
        if word == "USE":
            raise refuse("USE (switching databases) is not allowed")
        if word in _PREFIXES:
            raise refuse(f"{word} is not allowed inside a query")
        if word == "TRANSACTIONS" and k > 0 and tokens[k - 1].upper == "IN":
            raise refuse("CALL ... IN TRANSACTIONS is not allowed")
        if word == "CALL":
            procedure_tokens.update(_check_call(tokens, k, policy, refuse))


def _check_function(
    tokens: list[Token], k: int, policy: GuardPolicy, refuse: Callable[[str], Exception]
) -> None:
    """A namespaced function call (``apoc.cypher.runFirstColumnSingle(...)``) must be allow-listed."""
    prev = tokens[k - 1] if k > 0 else None
    if prev is not None and prev.kind == SYMBOL and prev.text in ".:$":
        return
    found = dotted_name(tokens, k)
    if found is None:
        return
    name, after = found
    is_call = after < len(tokens) and tokens[after].kind == SYMBOL and tokens[after].text == "("
    if is_call and "." in name and not policy.function_allowed(name):
        raise refuse(f"function {name} is not in the allow-list")


def _check_call(
    tokens: list[Token], k: int, policy: GuardPolicy, refuse: Callable[[str], Exception]
) -> range:
    """Check the procedure named after ``CALL`` at ``tokens[k]``; return the indices of its name."""
    nxt = tokens[k + 1] if k + 1 < len(tokens) else None
    if nxt is None:
        raise refuse("CALL without a procedure")
    if nxt.kind == SYMBOL and nxt.text in "{(":
        return range(0)  # a subquery: its clauses are checked like the rest of the query
    found = dotted_name(tokens, k + 1)
    if found is None:
        raise refuse("CALL must name a procedure")
    name, after = found
    if name not in policy.allowed_procedures:
        allowed = ", ".join(sorted(policy.allowed_procedures))
        raise refuse(f"procedure {name} is not in the allow-list ({allowed})")
    return range(k + 1, after)


def _check_plan(plan: Mapping[str, Any] | None, policy: GuardPolicy, query: str) -> None:
    """Walk an EXPLAIN plan: refuse procedure calls, LOAD CSV and functions the static check missed."""
    if not plan:
        return
    operator = str(plan.get("operatorType", ""))
    args = plan.get("args") or {}
    details = str(args.get("Details", "")) if isinstance(args, Mapping) else ""
    if operator.startswith("LoadCSV"):
        raise QueryRefused("LOAD CSV is not allowed (it reads files and URLs)", query=query)
    if operator.startswith("ProcedureCall"):
        m = re.match(r"\s*([\w.`]+)", details)
        name = m.group(1).replace("`", "") if m else "?"
        if name not in policy.allowed_procedures:
            raise QueryRefused(f"procedure {name} is not in the allow-list", query=query)
    for m in _PLAN_FUNCTION.finditer(_without_strings(details)):
        name = m.group(1)
        if not policy.function_allowed(name) and name not in policy.allowed_procedures:
            raise QueryRefused(f"function {name} is not in the allow-list", query=query)
    for child in plan.get("children") or ():
        _check_plan(child, policy, query)


def _without_strings(text: str) -> str:
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


def run_guarded(
    driver: neo4j.Driver,
    database: str | None,
    query: str,
    params: Mapping[str, Any] | None = None,
    policy: GuardPolicy | None = None,
    *,
    store: str = "neo4j",
) -> QueryResult:
    """Check ``query`` and run it read-only with a timeout and a row cap.

    Raises:
        QueryRefused: a guard rule refused the query (nothing was run).
        InputError: the server rejected the query text (syntax, unknown function, bad parameter).
        GraphError: the query timed out or failed on the server.
    """
    pol = policy or GuardPolicy()
    parameters = dict(params or {})
    text = query if pol.allow_write else statement_text(query, pol)
    started = time.perf_counter()
    outcome: dict[str, Any] = {}

    def work(tx: neo4j.ManagedTransaction) -> None:
        if not pol.allow_write:
            explained = tx.run("EXPLAIN " + text, parameters).consume()
            outcome["query_type"] = explained.query_type or ""
            if explained.query_type != "r":
                raise QueryRefused(
                    f"the server classifies this query as {explained.query_type!r}; "
                    "only reads ('r') are allowed",
                    query=query,
                )
            _check_plan(explained.plan, pol, query)
        result = tx.run(text, parameters)
        outcome["columns"] = tuple(result.keys())
        rows: list[dict[str, Any]] = []
        truncated = False
        for record in result:
            if pol.max_rows is not None and len(rows) >= pol.max_rows:
                truncated = True
                break
            rows.append({key: plain(record[key]) for key in outcome["columns"]})
        summary = result.consume()
        outcome.setdefault("query_type", summary.query_type or "")
        outcome["rows"], outcome["truncated"] = rows, truncated

    unit = neo4j.unit_of_work(timeout=pol.timeout_s)(work)
    fetch = 1000 if pol.max_rows is None else max(1, min(pol.max_rows + 1, 1000))
    try:
        with driver.session(database=database, fetch_size=fetch) as session:
            if pol.allow_write:
                session.execute_write(unit)
            else:
                session.execute_read(unit)
    except neo_exc.Neo4jError as exc:
        raise _translate(exc, query, pol) from exc
    elapsed = (time.perf_counter() - started) * 1000
    rows_out: list[dict[str, Any]] = outcome["rows"]
    record = QueryRecord("cypher", query, parameters, store=store, rows=len(rows_out), elapsed_ms=elapsed)
    return QueryResult(
        columns=outcome["columns"],
        rows=tuple(rows_out),
        truncated=outcome["truncated"],
        query_type=outcome["query_type"],
        elapsed_ms=elapsed,
        record=record,
    )


def _translate(exc: neo_exc.Neo4jError, query: str, policy: GuardPolicy) -> Exception:
    code = exc.code or ""
    message = (exc.message or str(exc)).splitlines()[0] if (exc.message or str(exc)) else code
    if "TimedOut" in code or "Terminated" in code or "TransactionTimedOut" in code:
        return GraphError(
            f"query timed out after {policy.timeout_s}s and was stopped on the server",
            hint="narrow the query (labels, LIMIT) or raise the timeout",
        )
    if "AccessMode" in code or "Forbidden" in code:
        return QueryRefused(f"the server refused a write in read-only mode ({code})", query=query)
    if code.startswith("Neo.ClientError.Statement") or code.startswith("Neo.ClientError.Procedure"):
        return InputError(f"Cypher error: {message}", hint=code)
    return GraphError(f"query failed: {message} ({code})")


def allowed_procedures(extra: Iterable[str] = ()) -> frozenset[str]:
    """The default procedure allow-list plus ``extra`` (e.g. read-only plugin procedures you trust)."""
    return DEFAULT_PROCEDURES | frozenset(extra)

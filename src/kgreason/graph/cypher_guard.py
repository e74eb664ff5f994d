"""The read-only guard for Cypher that kgreason's own code did not write (users' and LLMs' queries).

Layers, each of which alone refuses the known escapes, strongest last:

1. ``check_static`` (in ``cypher_static``, re-exported here): a lexer-based pre-check on the server's view
   of the text (``\\uXXXX`` escapes decoded first, as Neo4j does before parsing; escapes are accepted only
   inside string literals) *and* on a normalised copy (NFKC-folded, invisible characters removed), so
   comments, string literals, escapes, fullwidth letters and zero-width characters cannot hide anything.
   Statement kinds are allow-listed: a query and every part of it (``UNION`` branches, ``CALL {...}`` and
   ``EXISTS``/ ``COUNT``/``COLLECT`` subqueries) must start with a read clause (``MATCH``, ``OPTIONAL
   MATCH``, ``WITH``, ``UNWIND``, ``RETURN``, ``CALL``), so ``SHOW``, ``TERMINATE``, schema and admin
   commands, ``USE`` and ``EXPLAIN``/``PROFILE``/``CYPHER`` prefixes are refused; of the clauses Cypher lets
   a query chain, only the read ones may appear (no write clause, ``LOAD CSV``, ``FOREACH``, ``SHOW``/
   ``TERMINATE``, ``CALL ... IN TRANSACTIONS``); ``CALL`` may name only allow-listed procedures
   (``apoc.cypher.runTimeboxed`` is classified as a read yet commits arbitrary Cypher in its own
   transaction), and namespaced functions must be allow-listed (``apoc.cypher.runFirstColumn*`` run Cypher;
   ``apoc.text.lpad`` and kin allocate without bound). ``cypher_bounds`` then refuses what would exhaust the
   server (query size, nesting, huge ``range``, self-doubling ``reduce``, backtracking regexes). With
   ``GuardPolicy.graph`` set it also refuses a query naming another graph's ``KG_`` label (best effort: a
   label can be built at run time).
2. ``EXPLAIN`` on the server: only ``query_type == "r"`` passes (``SHOW TRANSACTIONS`` is an "r"), the
   plan may contain no command, write or ``LOAD CSV`` operator, and its procedure calls and functions
   are checked against the same allow-lists. A text that passed is remembered per driver (the verdict
   does not depend on parameter values), so repeated queries pay this round trip once.
3. The query runs in a READ transaction (the server itself rejects writes) with a timeout, and at most
   ``max_rows + 1`` rows are fetched (``truncated`` says whether there were more). A server heap
   exhaustion is reported at once (the driver would otherwise retry it as a transient error).

A guarded query sees the whole database, not only the store's graph: scope it with the graph's label
(``MATCH (n:KG_NAME)``). Only ``GuardPolicy(allow_write=True)`` (CLI ``--allow-write``) lifts the guard.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j import exceptions as neo_exc

from kgreason.errors import GraphError, InputError, QueryRefused
from kgreason.graph.cypher_bounds import CostBounds
from kgreason.graph.cypher_static import (
    DEFAULT_FUNCTION_NAMESPACES,
    DEFAULT_PROCEDURES,
    READ_CLAUSE_STARTS,
    UNBOUNDED_FUNCTIONS,
    GuardPolicy,
    check_static,
    statement_text,
)
from kgreason.graph.neo4j_values import plain
from kgreason.types import QueryRecord

__all__ = [
    "DEFAULT_FUNCTION_NAMESPACES",
    "DEFAULT_PROCEDURES",
    "READ_CLAUSE_STARTS",
    "UNBOUNDED_FUNCTIONS",
    "CostBounds",
    "GuardPolicy",
    "QueryResult",
    "allowed_procedures",
    "check_static",
    "run_guarded",
    "statement_text",
]

# Plan operators a read may not contain (the EXPLAIN layer; the static allow-list is the primary rule).
_PLAN_REFUSED = (
    "Show",
    "Terminate",
    "AdministrationCommand",
    "Create",
    "Drop",
    "Delete",
    "DetachDelete",
    "Merge",
    "LockingMerge",
    "Set",
    "Remove",
    "Foreach",
    "TransactionForeach",
    "TransactionApply",
    "RunQueryAt",
)
_PLAN_FUNCTION = re.compile(r"((?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*)\s*\(")


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


def _check_plan(plan: Mapping[str, Any] | None, policy: GuardPolicy, query: str) -> None:
    """Walk an EXPLAIN plan: refuse procedure calls, LOAD CSV and functions the static check missed."""
    if not plan:
        return
    operator = str(plan.get("operatorType", ""))
    args = plan.get("args") or {}
    details = str(args.get("Details", "")) if isinstance(args, Mapping) else ""
    if operator.startswith("LoadCSV"):
        raise QueryRefused("LOAD CSV is not allowed (it reads files and URLs)", query=query)
    kind = operator.partition("@")[0]
    if kind.startswith(_PLAN_REFUSED):
        raise QueryRefused(f"the server plans a {kind} operator; only reads are allowed", query=query)
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


class _Verdicts:
    """Query texts the server's EXPLAIN already passed, per driver (an LRU of ``size``).

    What EXPLAIN checks (the query type, the plan's operators, procedures and functions) is a property of
    the text, not of parameter values, so a text that passed once is not explained again on that driver:
    the guard's round trip is paid once per distinct query, not per call. The static check still runs on
    every call.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._by_driver: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, None]] = (
            weakref.WeakKeyDictionary()
        )

    def seen(self, driver: Any, key: Hashable) -> bool:
        with self._lock:
            known = self._by_driver.get(driver)
            if known is None or key not in known:
                return False
            known.move_to_end(key)
            return True

    def add(self, driver: Any, key: Hashable) -> None:
        with self._lock:
            try:
                known = self._by_driver.setdefault(driver, OrderedDict())
            except TypeError:  # a driver that cannot be weakly referenced: no memory of it
                return
            known[key] = None
            while len(known) > self.size:
                known.popitem(last=False)


_verdicts = _Verdicts()


def run_guarded(
    driver: neo4j.Driver,
    database: str | None,
    query: str,
    params: Mapping[str, Any] | None = None,
    policy: GuardPolicy | None = None,
    *,
    store: str = "neo4j",
    retry_s: float | None = None,
    abandoned: Callable[[], bool] | None = None,
) -> QueryResult:
    """Check ``query`` and run it read-only with a timeout and a row cap.

    ``retry_s`` bounds the driver's retries of transient failures (its ``max_transaction_retry_time``;
    default: the driver's own setting). ``abandoned`` is asked before each attempt: once it returns true
    (the caller stopped waiting), a retry raises ``GraphError`` instead of running the query again.

    Raises:
        QueryRefused: a guard rule refused the query (nothing was run).
        InputError: the server rejected the query text (syntax, unknown function, bad parameter).
        GraphError: the query timed out or failed on the server.
    """
    pol = policy or GuardPolicy()
    parameters = dict(params or {})
    text = query if pol.allow_write else statement_text(query, pol, parameters)
    started = time.perf_counter()
    outcome: dict[str, Any] = {}

    verdict_key = (
        database,
        text,
        pol.allowed_procedures,
        pol.allowed_function_namespaces,
        pol.excluded_functions,
    )
    explained_before = not pol.allow_write and _verdicts.seen(driver, verdict_key)

    def work(tx: neo4j.ManagedTransaction) -> None:
        if abandoned is not None and abandoned():
            raise GraphError("the query was abandoned (its caller stopped waiting); not run again")
        if not pol.allow_write and not explained_before:
            outcome["shift"] = len(_EXPLAIN)  # an error here places its position in the prefixed text
            explained = tx.run(_EXPLAIN + text, parameters).consume()
            outcome["shift"] = 0
            outcome["query_type"] = explained.query_type or ""
            if explained.query_type != "r":
                raise QueryRefused(
                    f"the server classifies this query as {explained.query_type!r}; "
                    "only reads ('r') are allowed",
                    query=query,
                )
            _check_plan(explained.plan, pol, query)
            _verdicts.add(driver, verdict_key)
        rows: list[dict[str, Any]] = []
        truncated = False
        try:
            result = tx.run(text, parameters)
            outcome["columns"] = tuple(result.keys())
            for record in result:
                if pol.max_rows is not None and len(rows) >= pol.max_rows:
                    truncated = True
                    break
                rows.append({key: plain(record[key]) for key in outcome["columns"]})
            summary = result.consume()
        except neo_exc.TransientError as exc:
            if "OutOfMemory" in (exc.code or "") or "MemoryPoolOutOfMemory" in (exc.code or ""):
                # Not worth the driver's retries: the same query exhausts the same memory again.
                raise _out_of_memory(exc, query) from exc
            raise
        outcome.setdefault("query_type", summary.query_type or "")
        outcome["rows"], outcome["truncated"] = rows, truncated

    unit = neo4j.unit_of_work(timeout=pol.timeout_s)(work)
    fetch = 1000 if pol.max_rows is None else max(1, min(pol.max_rows + 1, 1000))
    try:
        if retry_s is None:
            opened = driver.session(database=database, fetch_size=fetch)
        else:
            opened = driver.session(database=database, fetch_size=fetch, max_transaction_retry_time=retry_s)
        with opened as session:
            if pol.allow_write:
                session.execute_write(unit)
            else:
                session.execute_read(unit)
    except neo_exc.Neo4jError as exc:
        raise _translate(exc, query, pol, shift=outcome.get("shift", 0)) from exc
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


def _out_of_memory(exc: neo_exc.Neo4jError, query: str) -> GraphError:
    return GraphError(
        f"the query ran out of memory on the server and was stopped ({exc.code})",
        hint="narrow the query (labels, LIMIT, smaller lists) or raise db.memory.transaction.max",
    )


_EXPLAIN = "EXPLAIN "
_POSITION = re.compile(r"line (\d+), column (\d+) \(offset: (\d+)\)")


def _unshift(message: str, shift: int) -> str:
    """``message`` with the server's ``line L, column C (offset: O)`` moved back by the ``shift``
    characters of a prefix the guard added (``EXPLAIN ``), so it points into the caller's query."""

    def back(m: re.Match[str]) -> str:
        line, column, offset = (int(g) for g in m.groups())
        column = column - shift if line == 1 else column
        return f"line {line}, column {max(column, 1)} (offset: {max(offset - shift, 0)})"

    return _POSITION.sub(back, message) if shift else message


def _translate(exc: neo_exc.Neo4jError, query: str, policy: GuardPolicy, *, shift: int = 0) -> Exception:
    code = exc.code or ""
    message = (exc.message or str(exc)).splitlines()[0] if (exc.message or str(exc)) else code
    message = _unshift(message, shift)
    if "TimedOut" in code or "Terminated" in code or "TransactionTimedOut" in code:
        return GraphError(
            f"query timed out after {policy.timeout_s}s and was stopped on the server",
            hint="narrow the query (labels, LIMIT) or raise the timeout",
        )
    if "OutOfMemory" in code:
        return _out_of_memory(exc, query)
    if "AccessMode" in code or "Forbidden" in code:
        return QueryRefused(f"the server refused a write in read-only mode ({code})", query=query)
    if code.startswith("Neo.ClientError.Statement") or code.startswith("Neo.ClientError.Procedure"):
        return InputError(f"Cypher error: {message}", hint=code)
    return GraphError(f"query failed: {message} ({code})")


def allowed_procedures(extra: Iterable[str] = ()) -> frozenset[str]:
    """The default procedure allow-list plus ``extra`` (e.g. read-only plugin procedures you trust)."""
    return DEFAULT_PROCEDURES | frozenset(extra)

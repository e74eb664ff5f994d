"""The static half of the read-only Cypher guard: what a query may be, read from its text as Neo4j reads it.

``check_static`` decodes ``\\uXXXX`` escapes the way the server does before it parses (escapes are then
accepted only inside string literals), lexes that text and a normalised copy (NFKC-folded, invisible
characters removed), and refuses: any statement kind but a read query (a query, each ``UNION`` branch
and each ``CALL {...}``/``EXISTS``/``COUNT``/``COLLECT`` subquery must start with ``MATCH``, ``OPTIONAL
MATCH``, ``WITH``, ``UNWIND``, ``RETURN`` or ``CALL``: no ``SHOW``, ``TERMINATE``, ``USE``, schema or admin
command, no ``EXPLAIN``/``PROFILE``/``CYPHER`` prefix); any clause Cypher lets a query chain that is not a
read (writes, ``LOAD CSV``, ``FOREACH``, ``SHOW``/``TERMINATE`` clauses, ``CALL ... IN TRANSACTIONS``);
procedures and namespaced functions outside the allow-lists; another graph's ``KG_`` label; and what
``cypher_bounds`` says would exhaust the server. ``cypher_guard`` adds the server's ``EXPLAIN`` and runs
the query.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kgreason.errors import QueryRefused
from kgreason.graph.cypher_bounds import CostBounds, check_bounds
from kgreason.graph.neo4j_cypher_lexer import (
    NAME,
    PARAM,
    STRING,
    SYMBOL,
    WORD,
    LexError,
    Token,
    decode_unicode_escapes,
    dotted_name,
    is_keyword_at,
    normalise,
    tokenize,
)
from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX

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

UNBOUNDED_FUNCTIONS = frozenset(
    {
        "apoc.text.lpad",
        "apoc.text.rpad",
        "apoc.text.repeat",
        "apoc.text.random",
        "apoc.text.format",
        "apoc.coll.fill",
        "apoc.coll.combinations",
        "apoc.coll.randomItems",
    }
)
"""Functions in allowed namespaces that stay off the allow-list: their result's size is set by an integer
argument or a format width (``apoc.text.lpad('x', 1500000000)``), or grows exponentially
(``apoc.coll.combinations``), and such allocations are not counted by the server's memory limit."""

READ_CLAUSE_STARTS = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})
"""The allow-list of statement kinds: words a guarded query, UNION branch or subquery may start with."""

# Every word Cypher 5 lets start a clause inside a query (the grammar's ``clause`` rule, SHOW/TERMINATE
# command clauses included). Only the read ones may appear; statement-level commands (CREATE INDEX, DROP,
# ALTER, GRANT, START DATABASE, ...) are already refused by READ_CLAUSE_STARTS, since they must come first.
_CLAUSE_WORDS = frozenset(
    {"USE", "FINISH", "RETURN", "CREATE", "INSERT", "DELETE", "DETACH", "NODETACH", "SET", "REMOVE"}
    | {"MATCH", "OPTIONAL", "MERGE", "WITH", "UNWIND", "CALL", "LOAD", "FOREACH", "ORDER", "SKIP"}
    | {"OFFSET", "LIMIT", "SHOW", "TERMINATE"}
)
_READ_CLAUSE_WORDS = frozenset({"FINISH", "RETURN", "MATCH", "OPTIONAL", "WITH", "UNWIND", "CALL"}) | {
    "ORDER",
    "SKIP",
    "OFFSET",
    "LIMIT",
}
# Admin and schema words refused anywhere a keyword can stand, should a grammar change let them into a query.
_COMMAND_WORDS = frozenset({"DROP", "ALTER", "RENAME", "GRANT", "DENY", "REVOKE"})
_PREFIXES = frozenset({"EXPLAIN", "PROFILE", "CYPHER"})
_SUBQUERY_WORDS = frozenset({"CALL", "EXISTS", "COUNT", "COLLECT"})
_GRAPH_LABEL = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(GRAPH_LABEL_PREFIX) + r"([A-Za-z][A-Za-z0-9_]*)")


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
        excluded_functions: functions refused even in an allowed namespace (unbounded allocations).
        bounds: static cost limits (query size, nesting, ``range`` sizes; see ``cypher_bounds``).
    """

    allowed_procedures: frozenset[str] = DEFAULT_PROCEDURES
    allowed_function_namespaces: frozenset[str] = DEFAULT_FUNCTION_NAMESPACES
    max_rows: int | None = 1000
    timeout_s: float | None = 30.0
    allow_write: bool = False
    graph: str | None = None
    excluded_functions: frozenset[str] = UNBOUNDED_FUNCTIONS
    bounds: CostBounds = field(default_factory=CostBounds)

    def __post_init__(self) -> None:
        if self.max_rows is not None and self.max_rows < 0:
            raise ValueError("max_rows must be >= 0")
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")

    def function_allowed(self, name: str) -> bool:
        if name.lower() in {f.lower() for f in self.excluded_functions}:
            return False
        namespace = name.rpartition(".")[0]
        return any(
            namespace == ns or namespace.startswith(ns + ".") for ns in self.allowed_function_namespaces
        )


def check_static(
    query: str, policy: GuardPolicy | None = None, params: Mapping[str, Any] | None = None
) -> None:
    """Refuse ``query`` before it reaches the server if any static rule says so.

    ``params`` (optional) lets the cost bounds size ``range($n, ...)`` and parameter regexes.

    Raises:
        QueryRefused: with the reason of the first rule that failed.
    """
    statement_text(query, policy or GuardPolicy(), params)


_PASSED_LIMIT = 1024
_PASSED_MAX_CHARS = 4000
_passed: OrderedDict[tuple[str, GuardPolicy], tuple[str, str, list[Token]]] = OrderedDict()
_passed_lock = threading.Lock()


def statement_text(query: str, policy: GuardPolicy, params: Mapping[str, Any] | None = None) -> str:
    """Run the static checks and return the text to send (a single trailing ``;`` removed).

    A text that passed is remembered (an LRU of ``_PASSED_LIMIT`` texts of at most ``_PASSED_MAX_CHARS``)
    with its tokens: checking it again only re-runs the cost bounds, and only if it has parameters
    (whose values they read).
    """

    def refuse(reason: str) -> QueryRefused:
        return QueryRefused(reason, query=query)

    key = (query, policy)
    with _passed_lock:
        hit = _passed.get(key)
        if hit is not None:
            _passed.move_to_end(key)
    if hit is not None:
        sent, server_text, tokens = hit
        if any(t.kind == PARAM for t in tokens):
            check_bounds(server_text, tokens, policy.bounds, refuse, params)
        return sent
    sent, server_text, tokens = _statement_text(query, policy, params, refuse)
    if len(query) > _PASSED_MAX_CHARS:  # long texts are rarely repeated; their tokens would fill memory
        return sent
    with _passed_lock:
        _passed[key] = (sent, server_text, tokens)
        while len(_passed) > _PASSED_LIMIT:
            _passed.popitem(last=False)
    return sent


def _statement_text(
    query: str, policy: GuardPolicy, params: Mapping[str, Any] | None, refuse: Callable[[str], QueryRefused]
) -> tuple[str, str, list[Token]]:
    if not query.strip():
        raise refuse("empty query")
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > policy.bounds.max_query_bytes:  # before any work on a huge text
        raise refuse(f"the query is {size} bytes; at most {policy.bounds.max_query_bytes} are allowed")
    try:
        decoded = decode_unicode_escapes(query)
    except LexError as exc:
        raise refuse(str(exc)) from exc
    if decoded.odd_escapes:
        raise refuse("a unicode escape must be \\u and four ASCII hexadecimal digits")
    server_text = decoded.text
    for text in (query, server_text):
        for ch in text:
            if (ch < " " and ch not in "\t\r\n") or "\x7f" <= ch <= "\x9f":
                raise refuse(f"control character U+{ord(ch):04X} in the query")
    views = {"normalised": normalise(server_text), "as the server reads it": server_text}
    if views["normalised"] == server_text:
        del views["normalised"]  # the same tokens: check them once
    sent = query
    tokens: list[Token] = []
    for view, text in views.items():
        try:
            tokens = tokenize(text)
        except LexError as exc:
            raise refuse(f"{exc} ({view})") from exc
        if tokens and tokens[-1].kind == SYMBOL and tokens[-1].text == ";":
            if view != "normalised":
                sent = query[: decoded.origin[tokens[-1].start]]
            tokens = tokens[:-1]
        if not tokens:
            raise refuse("empty query")
        _check_tokens(tokens, policy, query)
        if view != "normalised" and decoded.escapes:
            _check_escapes(tokens, decoded.escapes, refuse)
        if view != "normalised":
            check_bounds(server_text, tokens, policy.bounds, refuse, params)
    if "normalised" in views:
        _check_invisible(server_text, query)
    return sent, server_text, tokens


def _check_escapes(tokens: list[Token], escapes: tuple[int, ...], refuse: Callable[[str], Exception]) -> None:
    """Escapes may only stand inside string literals: Neo4j decodes them everywhere, comments included."""
    inside = [(t.start, t.end) for t in tokens if t.kind == STRING]
    for pos in escapes:
        if not any(a < pos < b - 1 for a, b in inside):
            raise refuse(
                "a unicode escape (\\uXXXX) outside a string literal: Neo4j decodes it before parsing, "
                "so it can change what the query does"
            )


def _check_invisible(text: str, query: str) -> None:
    """Refuse invisible format characters outside string literals (kept inside them: names may have them)."""
    try:
        tokens = tokenize(text)
    except LexError as exc:  # pragma: no cover - the views above already lexed it
        raise QueryRefused(str(exc), query=query) from exc
    inside = [(t.start, t.end) for t in tokens if t.kind == STRING]
    for pos, ch in enumerate(text):
        if ch != normalise(ch) and not ch.isspace() and not any(a <= pos < b for a, b in inside):
            name = f"U+{ord(ch):04X}"
            raise QueryRefused(
                f"look-alike or invisible character {name} outside a string literal", query=query
            )


def _check_tokens(tokens: list[Token], policy: GuardPolicy, query: str) -> None:
    def refuse(reason: str) -> QueryRefused:
        return QueryRefused(reason, query=query)

    _check_statement_start(tokens, 0, refuse)
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
        if tok.kind == SYMBOL and tok.text == "{" and _opens_subquery(tokens, k):
            _check_statement_start(tokens, k + 1, refuse, subquery=True)
        if not is_keyword_at(tokens, k):
            continue
        word = tok.upper
        if word == "UNION":
            nxt = k + 1
            if nxt < len(tokens) and tokens[nxt].upper in ("ALL", "DISTINCT"):
                nxt += 1
            _check_statement_start(tokens, nxt, refuse)
        if word in _CLAUSE_WORDS and word not in _READ_CLAUSE_WORDS:
            raise refuse(_not_a_read(word))
        if word in _COMMAND_WORDS:
            raise refuse(f"{word} is a write or admin command; only reads are allowed")
        if word in _PREFIXES:
            raise refuse(f"{word} is not allowed inside a query")
        if word == "TRANSACTIONS" and k > 0 and tokens[k - 1].upper == "IN":
            raise refuse("CALL ... IN TRANSACTIONS is not allowed")
        if word == "CALL":
            procedure_tokens.update(_check_call(tokens, k, policy, refuse))


def _not_a_read(word: str) -> str:
    if word == "LOAD":
        return "LOAD CSV is not allowed (it reads files and URLs)"
    if word == "USE":
        return "USE (switching databases) is not allowed"
    if word in ("SHOW", "TERMINATE"):
        return f"{word} commands are not allowed (they see and stop other clients' work); only reads are"
    return f"{word} is a write or admin clause; only reads are allowed"


def _check_statement_start(
    tokens: list[Token], k: int, refuse: Callable[[str], Exception], *, subquery: bool = False
) -> None:
    """The allow-list of statement kinds: a query, UNION branch or subquery starts with a read clause."""
    if k >= len(tokens):
        raise refuse("the query ends where a clause should start")
    tok = tokens[k]
    if tok.kind == WORD and tok.upper in READ_CLAUSE_STARTS:
        return
    if subquery and tok.kind == SYMBOL and tok.text in "(}":  # EXISTS { (n)-->() } pattern shorthand
        return
    word = tok.upper if tok.kind == WORD else tok.text
    if word in _PREFIXES:
        raise refuse(f"{word} prefixes are not allowed (the guard runs its own EXPLAIN)")
    if word in _CLAUSE_WORDS:
        raise refuse(_not_a_read(word))
    raise refuse(
        f"{word} statements are not allowed: only read queries (starting with MATCH, OPTIONAL MATCH, "
        "WITH, UNWIND, RETURN or CALL) may run"
    )


def _opens_subquery(tokens: list[Token], k: int) -> bool:
    """Whether the ``{`` at ``tokens[k]`` opens a subquery (``CALL {``, ``CALL (x) {``, ``EXISTS {``)
    rather than a map or property literal."""
    prev = tokens[k - 1] if k > 0 else None
    if prev is None:
        return False
    if prev.kind == WORD and prev.upper in _SUBQUERY_WORDS and is_keyword_at(tokens, k - 1):
        return True
    if prev.kind == SYMBOL and prev.text == ")":
        depth = 0
        for j in range(k - 1, -1, -1):
            t = tokens[j]
            if t.kind == SYMBOL and t.text == ")":
                depth += 1
            elif t.kind == SYMBOL and t.text == "(":
                depth -= 1
                if depth == 0:
                    return j > 0 and tokens[j - 1].upper == "CALL" and is_keyword_at(tokens, j - 1)
    return False


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

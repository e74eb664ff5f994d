"""Validation and repair of generated Cypher before it reaches the database.

``validate_cypher`` runs the guard's static pass (``check_static``: writes, procedures, ``LOAD CSV``,
``USE``, other graphs' labels are refused), then reads the query's node and relationship patterns with
the guard's own lexer and checks them against the schema: every label, relationship type and property
key must exist (a case or spelling variant of exactly one known name is fixed); a relationship whose
direction contradicts the schema patterns is turned round when the reverse pattern exists; every node
pattern gets the graph's ``KG_`` label so the query cannot read outside the named graph; and the last
``RETURN`` gets a ``LIMIT`` (a larger one is lowered). What cannot be fixed comes back as ``problems``,
worded for the repair prompt. The server's ``EXPLAIN`` and the READ transaction follow in
``run_guarded``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kgreason.graph.cypher_guard import GuardPolicy, check_static
from kgreason.graph.neo4j_cypher_lexer import NAME, NUMBER, SYMBOL, WORD, Token, is_keyword_at, tokenize
from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX, quote_name
from kgreason.graph.store import GraphSchema

_PATTERN_KEYWORDS = frozenset({"MATCH", "WHERE", "AND", "OR", "NOT", "EXISTS", "RETURN", "WITH", "XOR"})
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```.*$", re.DOTALL)


@dataclass
class Validation:
    """The query to run, what was changed, and what is still wrong (empty: valid)."""

    text: str
    fixes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _NodePat:
    open_idx: int
    close_idx: int
    var: str | None
    labels: list[int]  # token indexes of label names
    insert_at: int  # text offset where a label may be inserted


@dataclass
class _RelPat:
    open_idx: int
    close_idx: int
    types: list[int]
    left: _NodePat | None
    right: _NodePat | None
    arrow: str  # "out" (-[]->), "in" (<-[]-), "both"


def extract_cypher(reply: str) -> str:
    """The Cypher in a model reply: code fences and a leading ``Cypher:`` removed, the first statement."""
    text = reply.strip()
    if "```" in text:
        inner = text.split("```", 2)
        text = inner[1] if len(inner) > 1 else text
        text = re.sub(r"^[a-zA-Z]*\n", "", text)
    text = re.sub(r"^(cypher|query)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    return text.strip().rstrip(";").strip()


def _match(name: str, known: list[str]) -> str | None:
    """The one known name that ``name`` is a case/underscore/space variant of, if exactly one."""

    def key(s: str) -> str:
        return re.sub(r"[\s_\-]+", "", s).lower()

    hits = [k for k in known if key(k) == key(name)]
    return hits[0] if len(hits) == 1 else None


def _node_at(tokens: list[Token], i: int) -> _NodePat | None:
    """A node pattern ``(var:Label:Other {k: v})`` opening at ``tokens[i]``, or ``None``."""
    if i > 0:
        prev = tokens[i - 1]
        if prev.kind in (WORD, NAME) and prev.upper not in _PATTERN_KEYWORDS:
            return None  # a function call
    j = i + 1
    var = None
    insert_at = tokens[i].end
    if (
        j < len(tokens)
        and tokens[j].kind in (WORD, NAME)
        and not (tokens[j].kind == WORD and tokens[j].upper in _PATTERN_KEYWORDS)
    ):
        var = tokens[j].text
        insert_at = tokens[j].end
        j += 1
    labels = []
    while (
        j + 1 < len(tokens)
        and tokens[j].kind == SYMBOL
        and tokens[j].text in ":&"
        and tokens[j + 1].kind
        in (
            WORD,
            NAME,
        )
    ):
        labels.append(j + 1)
        j += 2
    if j < len(tokens) and tokens[j].kind == SYMBOL and tokens[j].text == "{":
        depth = 0
        while j < len(tokens):
            if tokens[j].kind == SYMBOL and tokens[j].text == "{":
                depth += 1
            elif tokens[j].kind == SYMBOL and tokens[j].text == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        j += 1
    if j < len(tokens) and tokens[j].kind == SYMBOL and tokens[j].text == ")":
        return _NodePat(i, j, var, labels, insert_at)
    return None


def _rel_at(tokens: list[Token], i: int) -> tuple[int, list[int]] | None:
    """A relationship detail ``[r:A|B*1..2 {k: v}]`` opening at ``tokens[i]``: (close index, type indexes)."""
    if i == 0 or not (tokens[i - 1].kind == SYMBOL and tokens[i - 1].text == "-"):
        return None
    j = i + 1
    if j < len(tokens) and tokens[j].kind in (WORD, NAME):
        j += 1
    types = []
    while j + 1 < len(tokens) and tokens[j].kind == SYMBOL and tokens[j].text in ":|":
        if tokens[j + 1].kind == SYMBOL and tokens[j + 1].text == ":":
            j += 1
        if tokens[j + 1].kind in (WORD, NAME):
            types.append(j + 1)
            j += 2
        else:
            break
    depth = 0
    while j < len(tokens):
        t = tokens[j]
        if t.kind == SYMBOL and t.text in "[{":
            depth += 1
        elif t.kind == SYMBOL and t.text == "}":
            depth -= 1
        elif t.kind == SYMBOL and t.text == "]" and depth == 0:
            return j, types
        j += 1
    return None


def _patterns(tokens: list[Token]) -> tuple[list[_NodePat], list[_RelPat]]:
    nodes: dict[int, _NodePat] = {}
    for i, t in enumerate(tokens):
        if t.kind == SYMBOL and t.text == "(":
            found = _node_at(tokens, i)
            if found is not None:
                nodes[i] = found
    by_close = {n.close_idx: n for n in nodes.values()}
    rels: list[_RelPat] = []
    for i, t in enumerate(tokens):
        if not (t.kind == SYMBOL and t.text == "["):
            continue
        found_rel = _rel_at(tokens, i)
        if found_rel is None:
            continue
        close, types = found_rel
        dash = i - 1
        left_in = dash > 0 and tokens[dash - 1].kind == SYMBOL and tokens[dash - 1].text == "<"
        left_node = by_close.get(dash - (2 if left_in else 1))
        after = close + 1
        right_out = (
            after + 1 < len(tokens)
            and tokens[after].text == "-"
            and tokens[after + 1].kind == SYMBOL
            and tokens[after + 1].text == ">"
        )
        right_node = nodes.get(after + (2 if right_out else 1))
        arrow = "out" if right_out and not left_in else "in" if left_in and not right_out else "both"
        rels.append(_RelPat(i, close, types, left_node, right_node, arrow))
    # a node is a *pattern* (to be scoped) when it has labels, touches a relationship or follows MATCH/","
    used = {id(r.left) for r in rels} | {id(r.right) for r in rels}
    pattern_nodes = []
    for n in nodes.values():
        prev = tokens[n.open_idx - 1] if n.open_idx > 0 else None
        after_match = prev is not None and (prev.upper == "MATCH" or prev.text in (",", "="))
        if n.labels or id(n) in used or after_match:
            pattern_nodes.append(n)
    return pattern_nodes, rels


def validate_cypher(
    query: str,
    schema: GraphSchema,
    *,
    graph: str,
    row_limit: int,
    policy: GuardPolicy | None = None,
) -> Validation:
    """Check ``query`` against the guard's static rules and ``schema``; fix what is unambiguous.

    ``policy`` defaults to the guard's rules for ``graph`` with no procedure allowed at all.

    Raises:
        QueryRefused: the static guard refused the query (a write, a procedure, another graph ...).
    """
    # Generated queries never need a procedure: even the introspection ones would list other graphs.
    pol = policy or GuardPolicy(graph=graph, allowed_procedures=frozenset())
    check_static(query, pol)
    tokens = tokenize(query)
    out = Validation(text=query)
    edits: list[tuple[int, int, str]] = []
    labels = list(schema.labels)
    types = list(schema.relationship_types)
    kg = GRAPH_LABEL_PREFIX + graph
    nodes, rels = _patterns(tokens)

    var_labels: dict[str, set[str]] = {}
    for n in nodes:
        names = []
        for k in n.labels:
            name = tokens[k].text
            if name == kg:
                continue
            if name not in schema.labels:
                fixed = _match(name, labels)
                if fixed is None:
                    out.problems.append(
                        f"unknown label {name!r}; labels are: {', '.join(labels) or '(none)'}"
                    )
                    continue
                out.fixes.append(f"label {name} -> {fixed}")
                edits.append((tokens[k].start, tokens[k].end, quote_name(fixed)))
                name = fixed
            names.append(name)
        if n.var:
            var_labels.setdefault(n.var, set()).update(names)
        if not any(tokens[k].text == kg for k in n.labels):
            edits.append((n.insert_at, n.insert_at, ":" + quote_name(kg)))

    def side_labels(n: _NodePat | None) -> set[str]:
        if n is None:
            return set()
        own = {tokens[k].text for k in n.labels if tokens[k].text != kg}
        own = {(_match(x, labels) or x) for x in own}
        return own | (var_labels.get(n.var, set()) if n.var else set())

    pattern_set = {(p.source, p.type, p.target) for p in schema.patterns}
    for r in rels:
        names = []
        for k in r.types:
            name = tokens[k].text
            if name not in schema.relationship_types:
                fixed = _match(name, types)
                if fixed is None:
                    out.problems.append(
                        f"unknown relationship type {name!r}; types are: {', '.join(types) or '(none)'}"
                    )
                    continue
                out.fixes.append(f"relationship type {name} -> {fixed}")
                edits.append((tokens[k].start, tokens[k].end, quote_name(fixed)))
                name = fixed
            names.append(name)
        if len(names) != 1 or r.arrow == "both":
            continue
        src, dst = side_labels(r.left), side_labels(r.right)
        if r.arrow == "in":
            src, dst = dst, src
        fwd = _direction_ok(pattern_set, names[0], src, dst)
        back = _direction_ok(pattern_set, names[0], dst, src)
        if not fwd and back:
            out.fixes.append(f"direction of {names[0]} turned to match the schema")
            edits.extend(_flip(tokens, r))
        elif not fwd and not back and src and dst:
            out.problems.append(
                f"no pattern ({'|'.join(sorted(src))})-[:{names[0]}]-({'|'.join(sorted(dst))})"
            )

    keys = {"id"} | {k for v in schema.node_properties.values() for k in v}
    keys |= {k for v in schema.relationship_properties.values() for k in v}
    for k in range(1, len(tokens) - 2):
        a, dot, b = tokens[k], tokens[k + 1], tokens[k + 2]
        if a.kind not in (WORD, NAME) or dot.text != "." or dot.kind != SYMBOL or b.kind not in (WORD, NAME):
            continue
        if tokens[k - 1].text == "." or (k + 3 < len(tokens) and tokens[k + 3].text in (".", "(")):
            continue  # a namespaced function (apoc.text.join), not a property
        if b.text not in keys:
            out.problems.append(f"unknown property {b.text!r}; keys are: {', '.join(sorted(keys))}")

    _limit(tokens, row_limit, out, edits, len(query))
    text = query
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    out.text = text
    check_static(text, pol)
    return out


def _direction_ok(patterns: set[tuple[str, str, str]], type_: str, src: set[str], dst: set[str]) -> bool:
    return any(t == type_ and (not src or s in src) and (not dst or d in dst) for s, t, d in patterns)


def _flip(tokens: list[Token], r: _RelPat) -> list[tuple[int, int, str]]:
    dash_left, dash_right = tokens[r.open_idx - 1], tokens[r.close_idx + 1]
    if r.arrow == "out":  # -[..]-> becomes <-[..]-
        gt = tokens[r.close_idx + 2]
        return [(dash_left.start, dash_left.start, "<"), (gt.start, gt.end, "")]
    lt = tokens[r.open_idx - 2]  # <-[..]- becomes -[..]->
    return [(lt.start, lt.end, ""), (dash_right.end, dash_right.end, ">")]


def _limit(
    tokens: list[Token], row_limit: int, out: Validation, edits: list[tuple[int, int, str]], end: int
) -> None:
    returns = [k for k, t in enumerate(tokens) if t.upper == "RETURN" and is_keyword_at(tokens, k)]
    if not returns:
        out.problems.append("the query must end with RETURN")
        return
    limits = [
        k for k, t in enumerate(tokens) if t.upper == "LIMIT" and is_keyword_at(tokens, k) and k > returns[-1]
    ]
    if not limits:
        out.fixes.append(f"LIMIT {row_limit} added")
        edits.append((end, end, f" LIMIT {row_limit}"))
        return
    k = limits[-1]
    if k + 1 < len(tokens) and tokens[k + 1].kind == NUMBER:
        try:
            value = int(tokens[k + 1].text.replace("_", ""), 0)
        except ValueError:
            value = row_limit + 1
        if value > row_limit:
            out.fixes.append(f"LIMIT {value} lowered to {row_limit}")
            edits.append((tokens[k + 1].start, tokens[k + 1].end, str(row_limit)))

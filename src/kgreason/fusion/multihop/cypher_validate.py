"""Validation and repair of generated Cypher before it reaches the database.

``validate_cypher`` runs the guard's static pass (``check_static``: writes, procedures, ``LOAD CSV``,
``USE``, other graphs' labels are refused), then reads every path pattern of the query with the guard's
own lexer and checks it against the schema: every label, relationship type and property key must exist
(a case or spelling variant of exactly one known name is fixed); a relationship whose direction
contradicts the schema patterns is turned round when the reverse pattern exists; every node pattern is
scoped to the graph's ``KG_`` label so the query cannot read outside the named graph; and the last
``RETURN`` gets a ``LIMIT`` (a larger one is lowered). What cannot be fixed comes back as ``problems``,
worded for the repair prompt. The server's ``EXPLAIN`` and the READ transaction follow in
``run_guarded``.

Scoping is the security boundary, so it is done by a small parser (``cypher_scope``), not by pattern
matching on text; that module's docstring says how each node pattern is rewritten and what is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kgreason.fusion.multihop.cypher_scope import _check_scoped, _NodePat, _read, _RelPat, _scope_edits
from kgreason.graph.cypher_guard import GuardPolicy, check_static
from kgreason.graph.neo4j_cypher_lexer import (
    NAME,
    NUMBER,
    SYMBOL,
    WORD,
    Token,
    is_keyword_at,
)
from kgreason.graph.neo4j_values import GRAPH_LABEL_PREFIX, quote_name
from kgreason.graph.store import GraphSchema

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
        QueryRefused: the static guard refused the query (a write, a procedure, another graph ...), or a
            pattern of it cannot be read with certainty, so it cannot be scoped to ``graph``.
    """
    # Generated queries never need a procedure: even the introspection ones would list other graphs.
    pol = policy or GuardPolicy(graph=graph, allowed_procedures=frozenset())
    check_static(query, pol)
    tokens, scoper = _read(query)
    out = Validation(text=query)
    labels = list(schema.labels)
    types = list(schema.relationship_types)
    kg = GRAPH_LABEL_PREFIX + graph
    nodes, rels = scoper.nodes, scoper.rels
    edits = _scope_edits(tokens, scoper, kg)

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
        if n.var and n.simple:
            var_labels.setdefault(n.var, set()).update(names)

    def side_labels(n: _NodePat | None) -> set[str]:
        if n is None:
            return set()
        own = {tokens[k].text for k in n.labels if tokens[k].text != kg} if n.simple else set()
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
        if len(names) != 1 or r.arrow == "both" or not r.simple:
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
    _check_scoped(text, kg)
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

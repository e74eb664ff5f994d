"""The node-pattern parser and rewriter that scopes generated Cypher to one graph.

Scoping is the security boundary, so it is done by a small parser, not by pattern matching on text.
Node patterns stand in *pattern positions* (after ``MATCH``, in a ``MATCH`` pattern list, inside
``shortestPath(...)``, ``EXISTS {...}``, ``COUNT {...}``, ``COLLECT {...}``, quantified path patterns)
or, in expressions, next to a relationship (pattern predicates, pattern comprehensions). Each one
``( var? label-expression? properties? WHERE? )`` gets the label: ``(n)`` becomes ``(n:KG_g)``, a plain
``(n:A:B)`` becomes ``(n:KG_g:A:B)`` and a label expression ``E`` (``A|B``, ``!A``, ``%``, ``A&B``,
``IS A``) becomes ``KG_g&(E)``. When any label expression of the query uses those symbols, every colon
conjunction is written with ``&`` too (Neo4j refuses to mix the two styles in one clause). Whatever the
parser cannot read with certainty is refused (``QueryRefused``): a relationship that is not between two
node patterns, a non-ASCII symbol (Neo4j reads several Unicode dashes as ``-``), dynamic labels
``$(...)``, unbalanced brackets. The rewritten query is parsed again (``_check_scoped``) and every node
pattern must then start with the graph label. ``cypher_validate`` uses the parsed patterns for its schema
checks too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kgreason.errors import QueryRefused
from kgreason.graph.neo4j_cypher_lexer import (
    NAME,
    NUMBER,
    PARAM,
    SYMBOL,
    WORD,
    LexError,
    Token,
    is_keyword_at,
    tokenize,
)
from kgreason.graph.neo4j_values import quote_name

# words after which "(" opens an expression or a pattern, not a function's arguments
_EXPR_WORDS = frozenset(
    {"MATCH", "WHERE", "AND", "OR", "XOR", "NOT", "RETURN", "WITH", "DISTINCT", "IN", "CASE", "WHEN"}
    | {"THEN", "ELSE", "UNWIND", "BY", "SKIP", "LIMIT", "OFFSET", "CONTAINS", "IS", "YIELD", "UNION"}
    | {"ALL", "OPTIONAL", "END", "AS", "ASC", "DESC", "ASCENDING", "DESCENDING", "STARTS", "ENDS"}
)
_SHORTEST_FUNCTIONS = frozenset({"SHORTESTPATH", "ALLSHORTESTPATHS"})
_SELECTOR_WORDS = frozenset({"ANY", "ALL", "SHORTEST", "PATH", "PATHS", "GROUP", "GROUPS"})
_SUBQUERY_WORDS = frozenset({"EXISTS", "COUNT", "COLLECT"})
_CLAUSE_WORDS = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "CALL", "RETURN", "UNION", "USE", "FINISH"})
# after IS these words make a predicate (IS NULL, IS NOT NULL, IS NFC NORMALIZED, IS TYPED), not a label
_IS_PREDICATE_WORDS = frozenset({"NULL", "NOT", "NORMALIZED", "TYPED", "NFC", "NFD", "NFKC", "NFKD"})


@dataclass
class _LabelExpr:
    """A label or type expression: token range ``[start, end)``, the name tokens in it, and its style."""

    start: int
    end: int
    names: list[int]
    gpm: bool  # uses |, &, !, %, or parentheses (for nodes) / &, !, %, parentheses (for relationships)
    colons: list[int]  # tokens of ":" between labels (A:B) or after "|" (legacy :A|:B)


@dataclass
class _NodePat:
    open_idx: int
    close_idx: int
    var: str | None
    intro: int | None  # token index of the ":" or "IS" that starts the label expression
    expr: _LabelExpr | None
    insert_at: int  # text offset where ":KG_..." goes when there is no label expression
    inner: list[tuple[int, int]]  # token ranges to read as expressions (properties, WHERE)

    @property
    def labels(self) -> list[int]:
        return self.expr.names if self.expr else []

    @property
    def simple(self) -> bool:
        """A plain ``:A:B`` (or no labels): the labels say what the node is, for direction checks."""
        return self.expr is None or (not self.expr.gpm and self.intro_text == ":")

    intro_text: str = ""


@dataclass
class _RelPat:
    open_idx: int  # "[" (or the first "-" of a bare arrow)
    close_idx: int  # "]" (or the last "-" of a bare arrow)
    types: list[int]
    left: _NodePat | None
    right: _NodePat | None
    arrow: str  # "out" (-[]->), "in" (<-[]-), "both"
    bracketed: bool
    expr: _LabelExpr | None = None
    inner: list[tuple[int, int]] = field(default_factory=list)

    @property
    def simple(self) -> bool:
        return self.bracketed and (self.expr is None or not self.expr.gpm)


class _Scoper:
    """Finds every node and relationship pattern of a tokenised query (see the module docstring)."""

    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.t = tokens
        self.n = len(tokens)
        self.pairs = self._pairs()
        self.nodes: list[_NodePat] = []
        self.rels: list[_RelPat] = []
        self.gpm = False  # some label expression uses |, &, !, %, parentheses or IS

    # -- helpers ----------------------------------------------------------------------------------------
    def refuse(self, reason: str) -> QueryRefused:
        return QueryRefused(reason, query=self.query)

    def _pairs(self) -> dict[int, int]:
        pairs: dict[int, int] = {}
        stack: list[int] = []
        for k, tok in enumerate(self.t):
            if tok.kind != SYMBOL:
                continue
            if tok.text in "([{":
                stack.append(k)
            elif tok.text in ")]}":
                if not stack or self.t[stack[-1]].text + tok.text not in ("()", "[]", "{}"):
                    raise self.refuse(f"unbalanced {tok.text!r} in the query")
                pairs[stack.pop()] = k
        if stack:
            raise self.refuse(f"unclosed {self.t[stack[-1]].text!r} in the query")
        return pairs

    def sym(self, k: int, text: str) -> bool:
        return k < self.n and self.t[k].kind == SYMBOL and self.t[k].text == text

    def word(self, k: int, *words: str) -> bool:
        return k < self.n and self.t[k].kind == WORD and self.t[k].upper in words

    def is_name(self, k: int) -> bool:
        return k < self.n and self.t[k].kind in (WORD, NAME)

    def rel_start(self, k: int) -> bool:
        """``-[``, ``--``, ``<-[`` or ``<--`` starts at ``k`` (whatever the spacing: Neo4j allows ``- -``)."""
        if self.sym(k, "<"):
            k += 1
        return self.sym(k, "-") and (self.sym(k + 1, "[") or self.sym(k + 1, "-"))

    # -- expressions and clauses ------------------------------------------------------------------------
    def scan(self, i: int, end: int) -> None:
        """Read tokens ``[i, end)`` as clauses and expressions, parsing the patterns found in them."""
        t = self.t
        while i < end:
            tok = t[i]
            if tok.kind == SYMBOL:
                if not tok.text.isascii():
                    raise self.refuse(f"the symbol {tok.text!r} outside a string literal")
                if tok.text in "&!":
                    self.gpm = True
                if tok.text == "(":
                    i = self._paren(i, end)
                    continue
                if tok.text == "{" and i > 0 and self.word(i - 1, *_SUBQUERY_WORDS):
                    close = self.pairs[i]
                    self._subquery(i + 1, close)
                    i = close + 1
                    continue
                if self.rel_start(i):
                    raise self.refuse("a relationship pattern outside a path the validator can read")
                if tok.text == ":" and i > 0 and (self.is_name(i - 1) or self.sym(i - 1, ")")):
                    self._predicate(i + 1)
            elif tok.kind == WORD and tok.upper == "MATCH" and is_keyword_at(t, i):
                i = self._pattern_list(i + 1, end)
                continue
            elif tok.kind == WORD and tok.upper == "IS" and is_keyword_at(t, i):
                self._predicate(i + 1, is_keyword=True)
            elif tok.kind == PARAM and self.sym(i + 1, "(") and i > 0 and self.sym(i - 1, ":"):
                raise self.refuse("dynamic labels or types ($(...)) are not allowed")
            i += 1

    def _predicate(self, k: int, *, is_keyword: bool = False) -> None:
        """A label predicate in an expression (``n:A|B``, ``n IS A``): only its style matters here."""
        if self._label_operand_start(k):
            expr = self._label_expr(k, rel=False)
            if expr is not None and (expr.gpm or is_keyword):
                self.gpm = True

    def _paren(self, i: int, end: int) -> int:
        """Handle the ``(`` at ``i``; return where scanning goes on."""
        t = self.t
        close = self.pairs[i]
        prev = t[i - 1] if i > 0 else None
        if prev is not None and prev.kind == WORD and prev.upper in _SHORTEST_FUNCTIONS:
            if self._path(i + 1, close, strict=True) != close:
                raise self.refuse(f"{prev.text}(...) must hold exactly one path pattern")
            return close + 1
        if prev is not None and prev.kind == WORD and prev.upper == "CALL" and is_keyword_at(t, i - 1):
            for k in range(i + 1, close):  # CALL (a, b) { ... }: the variables the subquery imports
                if not (self.is_name(k) or self.sym(k, ",") or self.sym(k, "*")):
                    raise self.refuse("CALL (...) may only list variables")
            return close + 1
        if prev is not None and prev.kind in (WORD, NAME) and prev.upper not in _EXPR_WORDS:
            return i + 1  # a function's arguments: read as expressions
        found = self._path(i, end, strict=False)
        return i + 1 if found is None else found

    def _subquery(self, i: int, close: int) -> None:
        """The body of ``EXISTS {}``, ``COUNT {}`` or ``COLLECT {}``: a full query, or a pattern + WHERE."""
        if i >= close:
            return
        if self.word(i, *_CLAUSE_WORDS) and is_keyword_at(self.t, i):
            self.scan(i, close)
            return
        self.scan(self._pattern_list(i, close), close)

    # -- patterns ---------------------------------------------------------------------------------------
    def _pattern_list(self, k: int, end: int) -> int:
        """``[p =] [selector] path, ...`` after MATCH (or in a subquery body); return the index after it."""
        while True:
            if self.is_name(k) and self.sym(k + 1, "="):
                k += 2
            while k < end and (self.word(k, *_SELECTOR_WORDS) or (k < self.n and self.t[k].kind == NUMBER)):
                k += 1
            if self.word(k, *_SHORTEST_FUNCTIONS) and self.sym(k + 1, "("):
                close = self.pairs[k + 1]
                if self._path(k + 2, close, strict=True) != close:
                    raise self.refuse(f"{self.t[k].text}(...) must hold exactly one path pattern")
                k = close + 1
            else:
                found = self._path(k, end, strict=True)
                assert found is not None  # strict: refuses instead
                k = found
            if k < end and self.sym(k, ","):
                k += 1
                continue
            return k

    def _path(self, i: int, end: int, *, strict: bool) -> int | None:
        """A path pattern from ``i``: nodes, relationships and (``strict``: in a pattern position)
        quantified groups. In an expression (not ``strict``) a lone node is an expression, so ``None``
        comes back unless a relationship follows; in a pattern position what cannot be read is refused."""
        t = self.t
        elements: list[_NodePat | _RelPat | None] = []  # None: a quantified group
        k = i
        while k < end:
            if self.sym(k, "("):
                node = self._node(k)
                if node is not None:
                    elements.append(node)
                    k = node.close_idx + 1
                    continue
                if not strict:
                    break
                k = self._group(k)
                elements.append(None)
                continue
            if self.rel_start(k):
                if not elements or isinstance(elements[-1], _RelPat):
                    raise self.refuse("a relationship pattern must follow a node pattern")
                rel, k = self._rel(k)
                k = self._quantifier(k)
                elements.append(rel)
                continue
            break
        if not elements:
            if strict:
                got = t[k].text if k < self.n else "the end of the query"
                raise self.refuse(f"expected a node pattern, found {got!r}")
            return None
        if isinstance(elements[-1], _RelPat):
            raise self.refuse("a relationship pattern must end at a node pattern")
        if not strict and len(elements) == 1:
            return None  # (n), (n:A), (n {.x}): an expression, not a pattern
        for idx, el in enumerate(elements):
            if isinstance(el, _RelPat):
                left, right = elements[idx - 1], elements[idx + 1]
                el.left = left if isinstance(left, _NodePat) else None
                el.right = right if isinstance(right, _NodePat) else None
                self.rels.append(el)
                for a, b in el.inner:
                    self.scan(a, b)
            elif isinstance(el, _NodePat):
                self.nodes.append(el)
                for a, b in el.inner:
                    self.scan(a, b)
        return k

    def _group(self, k: int) -> int:
        """A parenthesised (quantified) path pattern ``((a)-->(b) WHERE ...){1,3}`` at ``k``."""
        close = self.pairs[k]
        inner = self._path(k + 1, close, strict=True)
        assert inner is not None
        if self.word(inner, "WHERE"):
            self.scan(inner + 1, close)
        elif inner != close:
            raise self.refuse(f"unexpected {self.t[inner].text!r} in a parenthesised path pattern")
        return self._quantifier(close + 1)

    def _quantifier(self, k: int) -> int:
        if self.sym(k, "+") or self.sym(k, "*"):
            return k + 1
        if self.sym(k, "{"):
            close = self.pairs[k]
            if all(self.t[j].kind == NUMBER or self.sym(j, ",") for j in range(k + 1, close)):
                return close + 1
            raise self.refuse("a quantifier {m,n} may only hold numbers")
        return k

    def _node(self, i: int) -> _NodePat | None:
        """The node pattern ``( var? labels? props? WHERE? )`` opening at ``i``, or ``None`` if the
        parentheses hold something else (an expression, a group). Reads nothing inside yet."""
        t = self.t
        close = self.pairs[i]
        k = i + 1
        var = None
        insert_at = t[i].end
        if self.is_name(k) and not (self.word(k, "IS") and self._label_operand_start(k + 1)):
            if self.word(k, "WHERE") and k + 1 < close:
                pass  # (WHERE ...) is not a variable named WHERE
            else:
                var = t[k].text
                insert_at = t[k].end
                k += 1
        intro = None
        expr = None
        if self.sym(k, ":") or self.word(k, "IS"):
            if not self._label_operand_start(k + 1):
                return None  # n :: INTEGER, n IS NULL ...: an expression
            intro = k
            expr = self._label_expr(k + 1, rel=False)
            if expr is None:
                return None
            k = expr.end
        inner: list[tuple[int, int]] = []
        if self.sym(k, "{"):
            inner.append((k + 1, self.pairs[k]))
            k = self.pairs[k] + 1
        elif k < close and t[k].kind == PARAM:
            k += 1
        if self.word(k, "WHERE") and k + 1 < close:
            inner.append((k + 1, close))
            k = close
        if k != close:
            return None
        node = _NodePat(i, close, var, intro, expr, insert_at, inner)
        node.intro_text = t[intro].upper if intro is not None else ""
        return node

    def _label_operand_start(self, k: int) -> bool:
        if k >= self.n:
            return False
        tok = self.t[k]
        if tok.kind == WORD and tok.upper in _IS_PREDICATE_WORDS and k > 0 and self.word(k - 1, "IS"):
            return False
        if tok.kind == PARAM and self.sym(k + 1, "("):
            raise self.refuse("dynamic labels or types ($(...)) are not allowed")
        return tok.kind in (WORD, NAME) or (tok.kind == SYMBOL and tok.text in "!(%")

    def _label_expr(self, k: int, *, rel: bool) -> _LabelExpr | None:
        """A label (``rel``: type) expression from ``k``: operands joined by ``|``, ``&``, ``:``."""
        expr = _LabelExpr(k, k, [], False, [])

        def operand(j: int) -> int | None:
            if self.sym(j, "!") or self.sym(j, "%"):
                expr.gpm = True
                return operand(j + 1) if self.t[j].text == "!" else j + 1
            if self.sym(j, "("):
                expr.gpm = True
                close = self.pairs[j]
                after = alternatives(j + 1)
                return close + 1 if after == close else None
            if self.is_name(j):
                expr.names.append(j)
                return j + 1
            if j < self.n and self.t[j].kind == PARAM and self.sym(j + 1, "("):
                raise self.refuse("dynamic labels or types ($(...)) are not allowed")
            return None

        def alternatives(j: int) -> int | None:
            nxt = operand(j)
            while nxt is not None and (self.sym(nxt, "|") or self.sym(nxt, "&") or self.sym(nxt, ":")):
                op = self.t[nxt].text
                if op == "&" or (op == "|" and not rel):
                    expr.gpm = True
                if op == ":":
                    expr.colons.append(nxt)  # A:B, a conjunction
                nxt += 1
                if op == "|" and self.sym(nxt, ":"):
                    expr.colons.append(nxt)  # A|:B, the old spelling of A|B
                    nxt += 1
                nxt = operand(nxt)
            return nxt

        end = alternatives(k)
        if end is None:
            return None
        expr.end = end
        return expr

    def _rel(self, k: int) -> tuple[_RelPat, int]:
        """The relationship pattern starting at ``k`` (``rel_start`` holds there) and the index after it."""
        left_in = self.sym(k, "<")
        if left_in:
            k += 1
        first = k
        k += 1  # the "-"
        rel = _RelPat(first, first, [], None, None, "both", bracketed=False)
        if self.sym(k, "["):
            close = self.pairs[k]
            rel.open_idx, rel.close_idx, rel.bracketed = k, close, True
            j = k + 1
            if (
                self.is_name(j)
                and not self.word(j, "WHERE")
                and not (self.word(j, "IS") and self._label_operand_start(j + 1))
            ):
                j += 1
            if self.sym(j, ":") or (self.word(j, "IS") and self._label_operand_start(j + 1)):
                expr = self._label_expr(j + 1, rel=True)
                if expr is None:
                    raise self.refuse("cannot read the relationship type expression")
                if self.word(j, "IS") or expr.gpm:
                    self.gpm = True
                rel.expr, rel.types = expr, list(expr.names)
                j = expr.end
            rel.inner.append((j, close))  # *1..3, {props}, WHERE ...
            k = close + 1
        if not self.sym(k, "-"):
            raise self.refuse("cannot read a relationship pattern (expected '-')")
        if not rel.bracketed:
            rel.close_idx = k
        k += 1
        right_out = self.sym(k, ">")
        if right_out:
            k += 1
        rel.arrow = "out" if right_out and not left_in else "in" if left_in and not right_out else "both"
        return rel, k


def _read(query: str) -> tuple[list[Token], _Scoper]:
    try:
        tokens = tokenize(query)
    except LexError as exc:  # pragma: no cover - check_static lexed it already
        raise QueryRefused(str(exc), query=query) from exc
    scoper = _Scoper(query, tokens)
    scoper.scan(0, len(tokens))
    for n in scoper.nodes:
        if n.intro is not None and n.intro_text == "IS":
            scoper.gpm = True
        if n.expr is not None and n.expr.gpm:
            scoper.gpm = True
    return tokens, scoper


def _scope_edits(tokens: list[Token], scoper: _Scoper, kg: str) -> list[tuple[int, int, str]]:
    """Text edits that put every node pattern under ``kg`` (see the module docstring)."""
    label = quote_name(kg)
    edits: list[tuple[int, int, str]] = []
    for n in scoper.nodes:
        expr = n.expr
        if expr is None:
            edits.append((n.insert_at, n.insert_at, ":" + label))
        elif expr.gpm or n.intro_text == "IS":
            edits.append((tokens[expr.start].start, tokens[expr.start].start, label + "&("))
            edits.append((tokens[expr.end - 1].end, tokens[expr.end - 1].end, ")"))
        elif scoper.gpm:  # :A:B next to label expressions elsewhere: write it :KG&A&B
            edits.append((tokens[expr.start].start, tokens[expr.start].start, label + "&"))
            edits.extend((tokens[c].start, tokens[c].end, "&") for c in expr.colons)
        elif not any(tokens[k].text == kg for k in expr.names):
            edits.append((n.insert_at, n.insert_at, ":" + label))
    if scoper.gpm:  # legacy [:A|:B] cannot stand next to label expressions either
        for r in scoper.rels:
            if r.expr is not None:
                edits.extend((tokens[c].start, tokens[c].end, "") for c in r.expr.colons)
    return edits


def _check_scoped(text: str, kg: str) -> None:
    """Parse the rewritten query again: every node pattern must now carry the graph label as a conjunct
    (``:KG:A``, ``:A:KG``, or ``KG&...`` with no ``|`` outside parentheses: ``KG&A|B`` is not scoped)."""
    tokens, scoper = _read(text)
    for n in scoper.nodes:
        expr = n.expr
        if expr is None:
            ok = False
        elif expr.gpm or n.intro_text == "IS":
            depth, top_or = 0, False
            for k in range(expr.start, expr.end):
                tok = tokens[k]
                if tok.kind == SYMBOL:
                    depth += tok.text == "("
                    depth -= tok.text == ")"
                    top_or = top_or or (tok.text == "|" and depth == 0)
            ok = tokens[expr.start].kind in (WORD, NAME) and tokens[expr.start].text == kg and not top_or
        else:
            ok = any(tokens[k].text == kg for k in expr.names)
        if not ok:
            pattern = text[tokens[n.open_idx].start : tokens[n.close_idx].end]
            raise QueryRefused(f"a node pattern could not be scoped to the graph: {pattern}", query=text)

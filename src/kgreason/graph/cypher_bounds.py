"""Static cost bounds for guarded Cypher: what a read may ask the server to build, checked before sending it.

Neo4j's transaction memory limit (``db.memory.transaction.max``) tracks rows that operators buffer, not the
values an expression builds: ``size([x IN range(1, 300000000) | x])``, a ``reduce`` that doubles a string
and ``apoc.text.lpad('x', 1500000000)`` allocate past any such limit and end in a JVM ``OutOfMemoryError``.
Its parser is also superlinear in expression depth: a 3,000-level nested list or a 10,000-term ``1+1+...``
keeps it busy for minutes. So the guard refuses, on the token stream the server will parse:

- queries over ``max_query_bytes`` (UTF-8) or nested deeper than ``max_nesting`` brackets, or with an
  expression deeper than ``max_expression_depth`` (brackets plus binary operators chained at each level:
  each operator is one more level of the server's syntax tree);
- ``range(a, b[, step])`` whose size, with literal or parameter bounds, exceeds ``max_range``, nested
  ranges whose sizes multiply past ``max_range_product`` (the guard cannot always tell nesting from
  sequence, so it multiplies every range it can size), and a range whose bounds it cannot size at all
  (``WITH 300000000 AS n ... range(1, n)``): only literals, parameters and ``size(...)``/``length(...)``
  of an existing value may bound it, since the list it builds is not counted by the memory limit;
- ``reduce(acc = ..., x IN list | body)`` where ``body`` combines ``acc`` with itself (``acc`` twice in one
  operand chain: ``s + s``, ``[s, s]``): its size grows geometrically, unless the list has at most
  ``_SMALL_LOOP`` known elements;
- in a query that matches regular expressions (``=~``, APOC regex functions), any string literal or
  string parameter with a quantified group that itself contains a quantifier (``(a+)+``), the shape of
  catastrophic backtracking: Java's regex engine cannot be interrupted, so the transaction timeout does
  not stop it (a pattern assembled at run time, ``'(a+' + ')+'``, still gets through).

Anything the guard cannot size statically goes to the server, whose transaction timeout and memory limit
apply, and which reports a heap exhaustion as ``Neo.TransientError.General.OutOfMemoryError`` rather than
dying (the local launcher no longer exits on ``OutOfMemoryError``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kgreason.graph.neo4j_cypher_lexer import NUMBER, PARAM, STRING, SYMBOL, WORD, Token, dotted_name

_SMALL_LOOP = 16
_BINARY_WORDS = frozenset({"AND", "OR", "XOR", "IN", "CONTAINS", "STARTS", "ENDS", "IS"})
_BINARY_SYMBOLS = frozenset("+-*/%^=<>")
_OPEN, _CLOSE = "([{", ")]}"
# Words after which a new expression starts: operator chains before them are not the next one's depth.
_NEW_EXPRESSION = frozenset(
    {"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "WHERE", "UNION", "ORDER", "SKIP", "LIMIT", "CALL"}
    | {"YIELD", "AS", "WHEN", "THEN", "ELSE", "END"}
)
# Tokens that end one operand chain of a reduce body: comparisons, boolean operators and CASE branches.
_CHAIN_BREAK_WORDS = frozenset(
    {
        "AND",
        "OR",
        "XOR",
        "NOT",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "IN",
        "STARTS",
        "ENDS",
        "CONTAINS",
        "IS",
    }
)
_CHAIN_BREAK_SYMBOLS = frozenset({"=", "<", ">", "|"})
_REGEX_FUNCTIONS = frozenset(
    {
        "apoc.text.regexGroups",
        "apoc.text.regexGroupsByName",
        "apoc.text.regreplace",
        "apoc.text.replace",
        "apoc.text.split",
    }
)


@dataclass(frozen=True)
class CostBounds:
    """Limits the guard applies before a query is sent (see the module docstring)."""

    max_query_bytes: int = 20_000
    max_nesting: int = 100
    max_expression_depth: int = 300
    max_range: int = 1_000_000
    max_range_product: int = 10_000_000


def check_bounds(
    text: str,
    tokens: list[Token],
    bounds: CostBounds,
    refuse: Callable[[str], Exception],
    params: Mapping[str, Any] | None = None,
) -> None:
    """Raise ``refuse(reason)`` if the query (its decoded ``text`` and ``tokens``) exceeds ``bounds``."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > bounds.max_query_bytes:
        raise refuse(f"the query is {size} bytes; at most {bounds.max_query_bytes} are allowed")
    _check_depth(tokens, bounds, refuse)
    product = 1
    for k, tok in enumerate(tokens):
        if tok.kind != WORD or not _is_call(tokens, k):
            continue
        name = tok.text.lower()
        prev = tokens[k - 1] if k > 0 else None
        if prev is not None and prev.kind == SYMBOL and prev.text == ".":
            continue
        if name == "range":
            n = _range_size(tokens, k, params)
            if n is not None:
                if n > bounds.max_range:
                    raise refuse(f"range(...) of {n} elements; at most {bounds.max_range} are allowed")
                product *= max(n, 1)
                if product > bounds.max_range_product:
                    raise refuse(
                        f"ranges of {product} elements together; at most {bounds.max_range_product} allowed"
                    )
            elif not _bounded_by_sizes(_arguments(tokens, k)):
                raise refuse(
                    "range(...) with a bound the guard cannot size (a variable or computed value); use "
                    "literals, parameters or size(...) of an existing list"
                )
        elif name == "reduce":
            _check_reduce(tokens, k, params, refuse)
    _check_regexes(tokens, params, refuse)


def _is_call(tokens: list[Token], k: int) -> bool:
    return k + 1 < len(tokens) and tokens[k + 1].kind == SYMBOL and tokens[k + 1].text == "("


def _check_depth(tokens: list[Token], bounds: CostBounds, refuse: Callable[[str], Exception]) -> None:
    chains = [0]  # binary operators chained so far at each open bracket level
    for tok in tokens:
        if tok.kind == SYMBOL and tok.text in _OPEN:
            chains.append(0)
            if len(chains) - 1 > bounds.max_nesting:
                raise refuse(f"brackets nested deeper than {bounds.max_nesting} levels")
        elif tok.kind == SYMBOL and tok.text in _CLOSE:
            if len(chains) > 1:
                chains.pop()
        elif (tok.kind == SYMBOL and tok.text in ",|;") or (
            tok.kind == WORD and tok.upper in _NEW_EXPRESSION
        ):
            chains[-1] = 0
        elif (tok.kind == SYMBOL and tok.text in _BINARY_SYMBOLS) or (
            tok.kind == WORD and tok.upper in _BINARY_WORDS
        ):
            chains[-1] += 1
            depth = len(chains) - 1 + sum(chains)
            if depth > bounds.max_expression_depth:
                raise refuse(
                    f"an expression nested deeper than {bounds.max_expression_depth} levels "
                    "(operators chained without brackets count as levels too)"
                )


def _matching(tokens: list[Token], k: int) -> int:
    """Index of the bracket closing the one at ``tokens[k]`` (``len(tokens)`` if none)."""
    depth = 0
    for j in range(k, len(tokens)):
        t = tokens[j]
        if t.kind == SYMBOL and t.text in _OPEN:
            depth += 1
        elif t.kind == SYMBOL and t.text in _CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _arguments(tokens: list[Token], k: int) -> list[list[Token]]:
    """The top-level comma-separated arguments of the call whose name is ``tokens[k]``."""
    open_at = k + 1
    close = _matching(tokens, open_at)
    args: list[list[Token]] = [[]]
    depth = 0
    for t in tokens[open_at + 1 : close]:
        if t.kind == SYMBOL and t.text in _OPEN:
            depth += 1
        elif t.kind == SYMBOL and t.text in _CLOSE:
            depth -= 1
        if depth == 0 and t.kind == SYMBOL and t.text == ",":
            args.append([])
        else:
            args[-1].append(t)
    return args if args != [[]] else []


def _number(tokens: list[Token], params: Mapping[str, Any] | None) -> int | None:
    """The integer a short constant expression denotes (a literal or parameter, signed, ``*``/``+``/``-``
    of those, ``^`` of literals), or None."""
    value: int | None = None
    op = "+"
    sign = 1
    expect_operand = True
    for t in tokens:
        if expect_operand and t.kind == SYMBOL and t.text in "+-":
            sign = -sign if t.text == "-" else sign
            continue
        if expect_operand:
            operand = _operand(t, params)
            if operand is None:
                return None
            operand *= sign
            sign = 1
            if value is None:
                value = operand
            elif op == "+":
                value += operand
            elif op == "-":
                value -= operand
            elif op == "*":
                value *= operand
            elif op == "^":
                if abs(value) > 1 and operand > 64:
                    return 2**64
                value = int(value**operand) if operand >= 0 else 0
            else:
                return None
            expect_operand = False
        elif t.kind == SYMBOL and t.text in "+-*^":
            op = t.text
            expect_operand = True
        else:
            return None
    return None if expect_operand else value


def _operand(t: Token, params: Mapping[str, Any] | None) -> int | None:
    if t.kind == NUMBER:
        text = t.text.replace("_", "").lower()
        try:
            if text.startswith("0x"):
                return int(text[2:], 16)
            if text.startswith("0o"):
                return int(text[2:], 8)
            return int(float(text)) if any(c in text for c in ".e") else int(text)
        except (ValueError, OverflowError):  # 1e400 is infinite: the server refuses it anyway
            return None
    if t.kind == PARAM and params is not None:
        value = params.get(t.text[1:].strip("`"))
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and math.isfinite(value):
            return int(value)
    return None


def _bounded_by_sizes(args: list[list[Token]]) -> bool:
    """Whether every bound is a sum of literals, parameters (sized when the query runs) and ``size(...)``
    or ``length(...)`` of a value that already exists, so the range is no bigger than data already held."""
    for arg in args:
        j = 0
        while j < len(arg):
            t = arg[j]
            if t.kind in (NUMBER, PARAM) or (t.kind == SYMBOL and t.text in "+-"):
                j += 1
            elif t.kind == WORD and t.text.lower() in ("size", "length") and _is_call(arg, j):
                j = _matching(arg, j + 1) + 1
            else:
                return False
    return True


def _range_size(tokens: list[Token], k: int, params: Mapping[str, Any] | None) -> int | None:
    args = _arguments(tokens, k)
    if len(args) not in (2, 3):
        return None
    start, end = _number(args[0], params), _number(args[1], params)
    step = _number(args[2], params) if len(args) == 3 else 1
    if start is None or end is None or step is None or step == 0:
        return None
    return max(0, (end - start) // step + 1)


def _check_reduce(
    tokens: list[Token], k: int, params: Mapping[str, Any] | None, refuse: Callable[[str], Exception]
) -> None:
    close = _matching(tokens, k + 1)
    inner = tokens[k + 2 : close]
    if not inner or inner[0].kind != WORD:
        return
    acc = inner[0].text
    bar = _top_level(inner, "|")
    if bar is None:
        return
    source = inner[:bar]
    loops = _loop_count(source, params)
    if loops is not None and loops <= _SMALL_LOOP:
        return
    count = 0
    for t in inner[bar + 1 :]:
        if (t.kind == WORD and t.upper in _CHAIN_BREAK_WORDS) or (
            t.kind == SYMBOL and t.text in _CHAIN_BREAK_SYMBOLS
        ):
            count = 0
        elif t.kind == WORD and t.text == acc:
            count += 1
            if count >= 2:
                raise refuse(
                    f"reduce(...) combines its accumulator {acc} with itself, which grows geometrically; "
                    "build the value with a list comprehension or collect() instead"
                )


def _top_level(tokens: list[Token], symbol: str) -> int | None:
    depth = 0
    for j, t in enumerate(tokens):
        if t.kind == SYMBOL and t.text in _OPEN:
            depth += 1
        elif t.kind == SYMBOL and t.text in _CLOSE:
            depth -= 1
        elif depth == 0 and t.kind == SYMBOL and t.text == symbol:
            return j
    return None


def _loop_count(source: list[Token], params: Mapping[str, Any] | None) -> int | None:
    """Elements of the list after ``IN`` in a reduce header, when it is a literal list or sized range."""
    for j, t in enumerate(source):
        if t.kind == WORD and t.upper == "IN":
            rest = source[j + 1 :]
            if (
                rest
                and rest[0].kind == SYMBOL
                and rest[0].text == "["
                and _matching(rest, 0) == len(rest) - 1
            ):
                return len(_arguments([Token(WORD, "list", 0, 0), *rest], 0)) if len(rest) > 2 else 0
            if len(rest) >= 3 and rest[0].kind == WORD and rest[0].text.lower() == "range":
                return _range_size(rest, 0, params)
            if len(rest) == 1 and rest[0].kind == PARAM and params is not None:
                value = params.get(rest[0].text[1:].strip("`"))
                return len(value) if isinstance(value, list | tuple) else None
    return None


def _check_regexes(
    tokens: list[Token], params: Mapping[str, Any] | None, refuse: Callable[[str], Exception]
) -> None:
    """In a query that matches regular expressions, no string literal or string parameter may be a
    backtracking bomb: a pattern can reach ``=~`` through a variable (``WITH '(a+)+$' AS p``), so every
    string that could be one is checked, not only the operand written next to ``=~``."""
    uses_regex = False
    for k, t in enumerate(tokens):
        if t.kind == SYMBOL and t.text == "~" and k > 0 and tokens[k - 1].text == "=":
            uses_regex = True
            break
        if t.kind != WORD or (k > 0 and tokens[k - 1].kind == SYMBOL and tokens[k - 1].text == "."):
            continue
        found = dotted_name(tokens, k)
        if found is not None and found[0] in _REGEX_FUNCTIONS and _is_call(tokens, found[1] - 1):
            uses_regex = True
            break
    if not uses_regex:
        return
    patterns = [t.text for t in tokens if t.kind == STRING]
    patterns += [v for v in (params or {}).values() if isinstance(v, str)]
    for pattern in patterns:
        if nested_quantifier(pattern):
            raise refuse(
                f"the regular expression {pattern[:60]!r} repeats a group that repeats itself "
                "(catastrophic backtracking); rewrite it without nested quantifiers"
            )


def nested_quantifier(pattern: str) -> bool:
    """Whether a (Java) regex repeats a group that contains a quantifier (``(a+)+``, ``(?:a*b?)*``,
    ``((ab)+c)*``): star height above one, the shape behind catastrophic backtracking."""
    stack: list[bool] = []  # per open group: does it contain a quantifier?
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            stack.append(False)
        elif c == ")":
            inner = stack.pop() if stack else False
            repeated = i + 1 < n and pattern[i + 1] in "*+{"
            if inner and repeated:
                return True
            if stack:
                stack[-1] = stack[-1] or inner or repeated or (i + 1 < n and pattern[i + 1] == "?")
        elif (c in "*+{" or (c == "?" and i > 0 and pattern[i - 1] not in "(*+?}")) and stack:
            stack[-1] = True
        i += 1
    return False

"""A small Cypher lexer for the read-only guard: just enough to tell code from strings and comments.

The guard must never mistake code for a string literal or a comment (that is how keywords get smuggled
past naive filters), so this lexer follows Cypher's own rules: ``'...'`` and ``"..."`` strings with
backslash escapes, backtick-escaped names with doubled backticks, ``//`` line comments and ``/* */`` block
comments (not nested). Anything it cannot tokenize (an unterminated string or comment) is an error, and
the guard refuses the query.

Neo4j 5 decodes ``\\uXXXX`` escapes in the *whole* text before its lexer runs (strings, names, comments and
keywords alike: ``// \\u000a SHOW TRANSACTIONS`` is a comment, a newline, then a statement), so the guard
lexes ``decode_unicode_escapes(text)``, the server's view, never the raw text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WORD, NAME, STRING, NUMBER, PARAM, SYMBOL = "word", "name", "string", "number", "param", "symbol"

_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")


class LexError(ValueError):
    """The text cannot be split into Cypher tokens."""


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is word, name (backtick-escaped, unescaped here), string, number, param or
    symbol; ``start``/``end`` are offsets into the text that was lexed."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def normalise(text: str) -> str:
    """NFKC-fold lookalikes (fullwidth ``ＣＲＥＡＴＥ`` -> ``CREATE``) and drop invisible format characters
    (zero-width spaces and joiners, bidi controls, BOM), so checks see what a human reader would."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text as Neo4j's lexer sees it after unicode escapes are decoded.

    Attributes:
        text: the decoded text.
        origin: for each character of ``text`` (and one past the end), its offset in the raw text.
        escapes: offsets in ``text`` of the characters that came from an escape.
        odd_escapes: whether an escape used a form other than ``\\u`` and four ASCII hex digits (a sign,
            non-ASCII digits, or fewer than four digits at the end), which the server also decodes.
    """

    text: str
    origin: tuple[int, ...]
    escapes: tuple[int, ...]
    odd_escapes: bool


_ASCII_HEX = frozenset("0123456789abcdefABCDEF")


def _java_hex_digit(ch: str) -> int:
    """``Character.digit(ch, 16)`` of Java: any Unicode decimal digit, ASCII and fullwidth A-F count."""
    if ch in _ASCII_HEX:
        return int(ch, 16)
    if "\uff21" <= ch <= "\uff26" or "\uff41" <= ch <= "\uff46":
        return (ord(ch) & 0x1F) + 9
    if unicodedata.category(ch) == "Nd":
        return unicodedata.decimal(ch)
    return -1


def _java_parse_hex(digits: str) -> int | None:
    """``Integer.parseInt(digits, 16)`` (an optional leading sign, then digits), or None where it throws."""
    sign, body = 1, digits
    if body[:1] in ("+", "-"):
        sign, body = (-1 if body[0] == "-" else 1), body[1:]
    if not body:
        return None
    value = 0
    for ch in body:
        d = _java_hex_digit(ch)
        if d < 0:
            return None
        value = value * 16 + d
    return sign * value


def decode_unicode_escapes(text: str) -> Decoded:
    """Decode ``\\uXXXX`` escapes as Neo4j 5.26 does before lexing (its ``UnicodeEscapeReplacementReader``).

    A backslash starts an escape when it is followed by ``u`` and not itself escaped by a raw backslash
    (``\\\\u0041`` stays as written; a decoded backslash escapes nothing). The next four characters
    (fewer at the end of the text) are parsed like Java's ``Integer.parseInt(s, 16)`` and cast to a UTF-16
    unit: a sign and any Unicode decimal digit are accepted, as the server does. Decoded surrogate pairs
    are joined.

    Raises:
        LexError: an escape the server cannot decode either (it rejects the query).
    """
    if "\\" not in text:
        return Decoded(text, tuple(range(len(text) + 1)), (), False)
    units: list[int] = []
    origin: list[int] = []
    from_escape: list[bool] = []
    odd = False
    escaped = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        is_escape = not escaped and ch == "\\" and i + 1 < n and text[i + 1] == "u"
        if is_escape:
            digits = text[i + 2 : min(i + 6, n)]
            value = _java_parse_hex(digits)
            if value is None:
                raise LexError(f"invalid unicode escape \\u{digits!r}: expected four hexadecimal digits")
            if len(digits) != 4 or not all(c in _ASCII_HEX for c in digits):
                odd = True
            code = value & 0xFFFF
        else:
            code = ord(ch)
        escaped = not escaped and not is_escape and ch == "\\"
        units.append(code)
        origin.append(i)
        from_escape.append(is_escape)
        i += 6 if is_escape else 1
    out: list[str] = []
    out_origin: list[int] = []
    escapes: list[int] = []
    k = 0
    while k < len(units):
        code = units[k]
        width = 1
        if 0xD800 <= code < 0xDC00 and k + 1 < len(units) and 0xDC00 <= units[k + 1] < 0xE000:
            code = 0x10000 + ((code - 0xD800) << 10) + (units[k + 1] - 0xDC00)
            width = 2
        if any(from_escape[k : k + width]):
            escapes.append(len(out))
        out.append(chr(code))
        out_origin.append(origin[k])
        k += width
    out_origin.append(n)
    return Decoded("".join(out), tuple(out_origin), tuple(escapes), odd)


def _is_word_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, dropping whitespace and comments.

    Raises:
        LexError: an unterminated string, escaped name or block comment, or a stray backslash.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] not in "\r\n":
                i += 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                raise LexError("unterminated /* comment")
            i = close + 2
        elif ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise LexError("unterminated string literal")
            tokens.append(Token(STRING, text[i + 1 : j], i, j + 1))
            i = j + 1
        elif ch == "`":
            j, parts = i + 1, []
            while True:
                close = text.find("`", j)
                if close < 0:
                    raise LexError("unterminated `escaped name`")
                parts.append(text[j:close])
                if text.startswith("``", close):
                    parts.append("`")
                    j = close + 2
                    continue
                break
            tokens.append(Token(NAME, "".join(parts), i, close + 1))
            i = close + 1
        elif ch == "$":
            j = i + 1
            if j < n and text[j] == "`":
                close = text.find("`", j + 1)
                if close < 0:
                    raise LexError("unterminated `escaped name`")
                j = close + 1
            else:
                while j < n and _is_word_char(text[j]):
                    j += 1
            tokens.append(Token(PARAM, text[i:j], i, j))
            i = j
        elif ch.isdigit():
            m = _NUMBER.match(text, i)
            j = m.end() if m else i + 1
            tokens.append(Token(NUMBER, text[i:j], i, j))
            i = j
        elif _is_word_start(ch):
            j = i + 1
            while j < n and _is_word_char(text[j]):
                j += 1
            tokens.append(Token(WORD, text[i:j], i, j))
            i = j
        elif ch == "\\":
            raise LexError("backslash outside a string literal")
        else:
            tokens.append(Token(SYMBOL, ch, i, i + 1))
            i += 1
    return tokens


def is_keyword_at(tokens: list[Token], k: int) -> bool:
    """Whether ``tokens[k]`` (a word) stands where a keyword could: not a property key (``n.set``), label
    or type (``:Set``), parameter, or map key (``{set: 1}``)."""
    if tokens[k].kind != WORD:
        return False
    if k > 0 and tokens[k - 1].kind == SYMBOL and tokens[k - 1].text in ".:$":
        return False
    return not (k + 1 < len(tokens) and tokens[k + 1].kind == SYMBOL and tokens[k + 1].text == ":")


def dotted_name(tokens: list[Token], k: int) -> tuple[str, int] | None:
    """The dotted name (``db.schema.visualization``, backtick parts unescaped) starting at ``tokens[k]``,
    and the index after it; ``None`` if no name starts there."""
    parts: list[str] = []
    j = k
    while j < len(tokens) and tokens[j].kind in (WORD, NAME):
        parts.append(tokens[j].text)
        j += 1
        if j + 1 < len(tokens) and tokens[j].kind == SYMBOL and tokens[j].text == ".":
            if tokens[j + 1].kind not in (WORD, NAME):
                break
            j += 1
        else:
            break
    return (".".join(parts), j) if parts else None

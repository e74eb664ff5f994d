"""Split a document into sentence-aware, token-budgeted chunks with overlap; a chunk's id hashes its text.

Chunks never cross a paragraph (a blank line): editing one paragraph changes only that paragraph's chunks,
so an incremental run re-extracts only those. A heading-like line (short, no final punctuation) is joined
to the paragraph after it. Within a paragraph, whole sentences are packed up to ``max_tokens`` (a token
here is a word or a punctuation mark, close to what a model's tokenizer counts for English prose), and
the next chunk repeats the last ``overlap`` sentences so a fact stated across a boundary is still seen
whole. A sentence longer than the budget is a chunk by itself.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"\n[ \t]*\n+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
# A sentence ends at . ! ? (optionally closing quotes/brackets) followed by whitespace and an upper-case
# letter, a digit or an opening quote/bracket (common abbreviations do not end one), or at a blank line.
_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n[ \t]*\n\s*")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs approx dr mr mrs ms prof st fig no al inc ltd co jr sr mg ml kg mcg".split()
)


@dataclass(frozen=True)
class Chunk:
    """A piece of a document: ``text`` is ``document.text[start:end]``; ``sentences`` are offsets into
    ``text``. ``id`` is ``"c"`` + a hash of the text, so identical text is one chunk wherever it occurs."""

    id: str
    text: str
    start: int
    end: int
    index: int
    sentences: tuple[tuple[int, int], ...]


def chunk_id(text: str) -> str:
    return "c" + hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def count_tokens(text: str) -> int:
    """Words and punctuation marks in ``text`` (the chunk budget's unit)."""
    return len(_TOKEN.findall(text))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (shifted by ``offset``), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        before = text[start : m.start()].rsplit(None, 1)
        word = before[-1].lower().rstrip(".") if before else ""
        abbreviation = word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
        if abbreviation and m.group()[0] in ".!?":
            continue  # "e.g. Warfarin", "J. Smith"
        spans.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            out.append((offset + s + lead, offset + e - trail))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        piece = text[s:e]
        if piece.strip():
            trimmed.append((s + len(piece) - len(piece.lstrip()), e - (len(piece) - len(piece.rstrip()))))
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in trimmed:
        piece = text[s:e]
        heading = (
            "\n" not in piece and count_tokens(piece) <= 12 and not piece.rstrip().endswith((".", "!", "?"))
        )
        if pending is None:
            pending = s
        if heading:
            continue
        merged.append((pending, e))
        pending = None
    if pending is not None:
        merged.append((pending, trimmed[-1][1]))
    return merged


def chunk_text(text: str, *, max_tokens: int = 256, overlap: int = 1) -> list[Chunk]:
    """The chunks of ``text``, in order.

    Args:
        text: the document text.
        max_tokens: budget per chunk, in words and punctuation marks.
        overlap: sentences the next chunk of the same paragraph repeats.
    """
    if max_tokens < 1 or overlap < 0:
        raise ValueError("max_tokens must be >= 1 and overlap >= 0")
    chunks: list[Chunk] = []
    for p_start, p_end in _paragraphs(text):
        sentences = split_sentences(text[p_start:p_end], p_start)
        costs = [count_tokens(text[s:e]) for s, e in sentences]

        def cost_of(k: int, costs: list[int] = costs) -> int:
            return costs[k]

        i = 0
        while i < len(sentences):
            j, used = i, 0
            while j < len(sentences):
                cost = costs[j]
                if j > i and used + cost > max_tokens:
                    break
                used += cost
                j += 1
            start, end = sentences[i][0], sentences[j - 1][1]
            body = text[start:end]
            local = tuple((s - start, e - start) for s, e in sentences[i:j])
            chunks.append(Chunk(chunk_id(body), body, start, end, len(chunks), local))
            if j >= len(sentences):
                break
            nxt = max(i + 1, j - overlap)
            # overlap only when the next chunk still has room for a new sentence after it
            if sum(cost_of(k) for k in range(nxt, j + 1)) > max_tokens:
                nxt = j
            i = nxt
    return chunks

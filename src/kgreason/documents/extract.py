"""Extraction: ask a ``ChatModel`` for typed triples under a JSON schema, then validate and ground them.

The model sees the schema (entity types, relation types with domain and range) and one chunk, and must
answer ``{"triples": [{"head", "head_type", "relation", "tail", "tail_type"}]}`` (the JSON schema enums
the types and relations, so a constrained backend cannot invent one). ``validate`` then checks each
triple against the schema and the chunk:

- an unknown relation is dropped; a type the schema lacks is taken from the relation's domain/range;
- head and tail the wrong way round (their types are the relation's range and domain) are swapped;
  other type mismatches are dropped;
- a head or tail not found in the chunk text (after normalising case, spaces and punctuation) is
  dropped, so nothing ungrounded is kept;
- each kept triple carries the sentence that supports it and the sentence's character offsets.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kgreason.documents.chunking import split_sentences
from kgreason.documents.schema import ExtractionSchema
from kgreason.errors import LLMError
from kgreason.llm.base import ChatModel
from kgreason.llm.requests import ChatRequest

PROMPT_VERSION = "kg-extract-1"
"""Changes whenever the prompt or the output format changes: part of every chunk's cache key."""


@dataclass(frozen=True)
class RawTriple:
    """A triple as an extractor proposed it (not yet validated)."""

    head: str
    head_type: str
    relation: str
    tail: str
    tail_type: str

    def to_list(self) -> list[str]:
        return [self.head, self.head_type, self.relation, self.tail, self.tail_type]


@dataclass(frozen=True)
class KeptTriple:
    """A validated, grounded triple; ``start``/``end`` are the supporting sentence's offsets in the text
    given to ``validate``; ``fixed`` says what validation corrected, if anything."""

    head: str
    head_type: str
    relation: str
    tail: str
    tail_type: str
    sentence: str
    start: int
    end: int
    fixed: str | None = None


@dataclass(frozen=True)
class Dropped:
    triple: RawTriple
    reason: str


class Extractor(Protocol):
    """Turns chunk texts into proposed triples; ``calls`` counts the LLM calls made so far."""

    @property
    def model_id(self) -> str: ...

    @property
    def calls(self) -> int: ...

    @property
    def calls_per_chunk(self) -> int:
        """LLM calls one chunk costs (what ``--dry-run`` multiplies by)."""
        ...

    def extract(self, texts: Sequence[str], schema: ExtractionSchema) -> list[list[RawTriple] | None]:
        """One list per text, in order; None for a text whose extraction failed (it is retried on the
        next run, never cached)."""
        ...


def _schema_prompt(schema: ExtractionSchema) -> str:
    lines = ["Entity types:"]
    for e in schema.entities:
        lines.append(f"- {e.name}" + (f": {e.description}" if e.description else ""))
    lines.append("Relation types (head type -> tail type):")
    for r in schema.relations:
        desc = f": {r.description}" if r.description else ""
        lines.append(f"- {r.name} ({r.domain} -> {r.range}), e.g. '{r.surface_phrases[0]}'{desc}")
    return "\n".join(lines)


def output_schema(schema: ExtractionSchema, max_triples: int = 20) -> dict[str, Any]:
    """The JSON schema the model's reply must satisfy."""
    types = list(schema.entity_names)
    item = {
        "type": "object",
        "properties": {
            "head": {"type": "string", "minLength": 1},
            "head_type": {"type": "string", "enum": types},
            "relation": {"type": "string", "enum": [r.name for r in schema.relations]},
            "tail": {"type": "string", "minLength": 1},
            "tail_type": {"type": "string", "enum": types},
        },
        "required": ["head", "head_type", "relation", "tail", "tail_type"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"triples": {"type": "array", "items": item, "maxItems": max_triples}},
        "required": ["triples"],
        "additionalProperties": False,
    }


SYSTEM = (
    "You extract facts from text into a knowledge graph. Use only the entity and relation types given. "
    "Copy entity names exactly as they are written in the text. Only state facts the text states. "
    'Answer with JSON: {"triples": [{"head", "head_type", "relation", "tail", "tail_type"}]}; '
    "an empty list when the text states no such fact."
)


def extraction_messages(text: str, schema: ExtractionSchema) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"{_schema_prompt(schema)}\n\nText:\n{text}"},
    ]


class LLMExtractor:
    """Extraction through any ``ChatModel``: one JSON-schema-constrained request per chunk, batched."""

    def __init__(self, llm: ChatModel, *, max_tokens: int = 512, batch_size: int = 8) -> None:
        self.llm = llm
        self.max_tokens = max_tokens
        self.batch_size = batch_size

    @property
    def model_id(self) -> str:
        return f"{self.llm.backend}:{self.llm.model_id}"

    @property
    def calls(self) -> int:
        return self.llm.meter.calls

    calls_per_chunk = 1

    def _request(self, text: str, schema: ExtractionSchema) -> ChatRequest:
        return ChatRequest.create(
            extraction_messages(text, schema), json_schema=output_schema(schema), max_tokens=self.max_tokens
        )

    def extract(self, texts: Sequence[str], schema: ExtractionSchema) -> list[list[RawTriple] | None]:
        requests = [self._request(t, schema) for t in texts]
        try:
            results: list[Any] = list(self.llm.chat_many(requests))
        except LLMError as exc:
            if exc.partial is not None and len(exc.partial) == len(requests):
                # the good replies came back; a chunk still invalid after its repair fails (and is asked
                # again on the next run), without asking again for the others
                results = list(exc.partial)
            else:  # the whole call failed: one by one, so only a chunk that fails alone fails
                results = []
                for r in requests:
                    try:
                        results.append(self.llm.chat_many([r])[0])
                    except LLMError:
                        results.append(None)
        return [None if res is None else _raw_triples(res.data) for res in results]


def _raw_triples(data: Any) -> list[RawTriple]:
    items = data.get("triples", []) if isinstance(data, dict) else []
    out = []
    for t in items:
        if isinstance(t, dict) and all(isinstance(t.get(k), str) for k in ("head", "relation", "tail")):
            out.append(
                RawTriple(
                    t["head"].strip(),
                    str(t.get("head_type", "")),
                    t["relation"],
                    t["tail"].strip(),
                    str(t.get("tail_type", "")),
                )
            )
    return out


# -- grounding ----------------------------------------------------------------------------------------
def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` case-folded, accents and punctuation turned to spaces, spaces collapsed; and for each
    character of the result the offset in ``text`` it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)).casefold()
        for c in base or " ":
            c = c if c.isalnum() else " "
            if c == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(c)
            where.append(i)
    return "".join(chars), where


def find_mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Offsets of every occurrence of ``name`` in ``text`` as a whole word sequence, ignoring case,
    accents, punctuation and spacing."""
    needle, _ = _fold(name)
    needle = needle.strip()
    if not needle:
        return []
    hay, where = _fold(text)
    pattern = rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])"
    return [(where[m.start()], where[m.end() - 1] + 1) for m in re.finditer(pattern, hay)]


def find_mention(name: str, text: str) -> tuple[int, int] | None:
    """The first of ``find_mentions``, or None when ``name`` is not in ``text``."""
    found = find_mentions(name, text)
    return found[0] if found else None


def validate(
    raw: Sequence[RawTriple], text: str, schema: ExtractionSchema
) -> tuple[list[KeptTriple], list[Dropped]]:
    """Check ``raw`` against ``schema`` and ground it in ``text``; see the module docstring."""
    sentences = split_sentences(text) or [(0, len(text))]
    kept: list[KeptTriple] = []
    dropped: list[Dropped] = []
    seen: set[tuple[str, str, str]] = set()
    for t in raw:
        rel = schema.relation(t.relation)
        if rel is None:
            dropped.append(Dropped(t, "unknown relation"))
            continue
        head, tail = t.head.strip(), t.tail.strip()
        h_type = schema.entity_type(t.head_type) or rel.domain
        t_type = schema.entity_type(t.tail_type) or rel.range
        fixed: str | None = None
        if (h_type, t_type) != (rel.domain, rel.range):
            if (h_type, t_type) == (rel.range, rel.domain):
                head, tail, h_type, t_type = tail, head, t_type, h_type
                fixed = "swapped head and tail"
            else:
                dropped.append(Dropped(t, "wrong types"))
                continue
        if not head or not tail or _fold(head)[0].strip() == _fold(tail)[0].strip():
            dropped.append(Dropped(t, "self loop"))
            continue
        h_spans, t_spans = find_mentions(head, text), find_mentions(tail, text)
        if not h_spans:
            dropped.append(Dropped(t, "head not in text"))
            continue
        if not t_spans:
            dropped.append(Dropped(t, "tail not in text"))
            continue
        start, end = _support(sentences, h_spans, t_spans)
        key = (head.casefold(), rel.name, tail.casefold())
        if key in seen:
            continue
        seen.add(key)
        kept.append(KeptTriple(head, h_type, rel.name, tail, t_type, text[start:end], start, end, fixed))
    return kept, dropped


def _support(
    sentences: Sequence[tuple[int, int]], heads: Sequence[tuple[int, int]], tails: Sequence[tuple[int, int]]
) -> tuple[int, int]:
    """The first sentence holding both mentions, else the shortest run of sentences from one to the other."""

    def index(pos: int) -> int:
        for k, (_, e) in enumerate(sentences):
            if pos < e:
                return k
        return len(sentences) - 1

    pairs = sorted(
        (abs(index(h[0]) - index(t[0])), min(index(h[0]), index(t[0])), max(index(h[0]), index(t[0])))
        for h in heads
        for t in tails
    )
    _, lo, hi = pairs[0]
    return sentences[lo][0], sentences[hi][1]


def triples_json(raw: Sequence[RawTriple]) -> str:
    return json.dumps([t.to_list() for t in raw], ensure_ascii=False)


def triples_from_json(text: str) -> list[RawTriple]:
    return [RawTriple(*row) for row in json.loads(text)]


def extract_text(
    text: str, schema: ExtractionSchema, extractor: Extractor, *, max_tokens: int = 256, overlap: int = 1
) -> tuple[list[KeptTriple], list[Dropped]]:
    """Chunk ``text``, extract and validate: the kept triples (offsets into ``text``, each fact once) and
    the dropped ones with reasons. A chunk whose extraction failed contributes nothing."""
    from dataclasses import replace

    from kgreason.documents.chunking import chunk_text

    chunks = chunk_text(text, max_tokens=max_tokens, overlap=overlap)
    kept: list[KeptTriple] = []
    dropped: list[Dropped] = []
    seen: set[tuple[str, str, str]] = set()
    for chunk, raw in zip(chunks, extractor.extract([c.text for c in chunks], schema), strict=True):
        k, d = validate(raw or [], chunk.text, schema)
        dropped.extend(d)
        for t in k:
            key = (t.head.casefold(), t.relation, t.tail.casefold())
            if key not in seen:
                seen.add(key)
                kept.append(replace(t, start=t.start + chunk.start, end=t.end + chunk.start))
    return kept, dropped

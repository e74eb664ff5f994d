"""The zero-LLM extractor (``--llm none``): schema-guided phrase matching, deterministic and offline.

For every relation type it looks for its phrases (``phrases`` in the schema, else the name in words:
``IS_METABOLISED_BY`` -> "is metabolised by") inside each sentence. The head is the entity mention that
ends closest before the phrase, the tail the one that starts closest after it (``and``/``or``/comma lists
after the phrase give several tails). A mention is a known entity name (from the graph or given) when
one is there, else the run of up to four name-like words next to the phrase (stopping at words such as
"the", "is", "with"). Types come from the known entity, else from the relation's domain and range.
It finds what is written plainly ("Fluconazole inhibits CYP2C9.") and nothing else, which is what a
no-model run and a repeatable test need.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kgreason.documents.chunking import split_sentences
from kgreason.documents.extract import RawTriple, find_mention
from kgreason.documents.schema import ExtractionSchema

_WORD = re.compile(r"[A-Za-z0-9][\w\-+/']*")
_STOP = frozenset(
    """a an the this that these those is are was were be been being it its they them their and or but
    not no with without by of in on at to for from as also may can could should would will which who
    whom whose when while where if than then such both either neither each all any some most more less
    very strongly weakly often usually commonly has have had does do did""".split()
)
_DETERMINERS = frozenset("a an the this that these those its their".split())
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)")
MAX_WORDS = 4


class RuleExtractor:
    """Phrase-based extraction from the schema; makes no LLM call.

    Args:
        known: entity name -> type, matched before the word-run fallback (e.g. names from the graph).
    """

    model_id = "rules"
    calls = 0
    calls_per_chunk = 0

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self.known = dict(known or {})

    def extract(self, texts: Sequence[str], schema: ExtractionSchema) -> list[list[RawTriple] | None]:
        return [self._text(t, schema) for t in texts]

    def _text(self, text: str, schema: ExtractionSchema) -> list[RawTriple]:
        out: list[RawTriple] = []
        for s, e in split_sentences(text):
            out.extend(self._sentence(text[s:e], schema))
        return out

    def _known_spans(self, sentence: str) -> list[tuple[int, int, str, str]]:
        spans = []
        for name, type_ in self.known.items():
            span = find_mention(name, sentence)
            if span is not None:
                spans.append((span[0], span[1], sentence[span[0] : span[1]], type_))
        return spans

    def _sentence(self, sentence: str, schema: ExtractionSchema) -> list[RawTriple]:
        known = self._known_spans(sentence)
        types = frozenset(t.lower() for name in schema.entity_names for t in (name, name + "s"))
        out: list[RawTriple] = []
        for rel in schema.relations:
            for phrase in rel.surface_phrases:
                pattern = r"\b" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"\b"
                for m in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                    head = self._before(sentence, m.start(), known, rel.domain, types)
                    if head is None:
                        continue
                    for tail in self._after(sentence, m.end(), known, rel.range, types):
                        out.append(RawTriple(head[0], head[1], rel.name, tail[0], tail[1]))
        return out

    @staticmethod
    def _before(
        sentence: str, pos: int, known: list[tuple[int, int, str, str]], default: str, types: frozenset[str]
    ) -> tuple[str, str] | None:
        near = [k for k in known if k[1] <= pos and _only_glue(sentence[k[1] : pos])]
        if near:
            best = max(near, key=lambda k: k[1])
            return best[2], best[3]
        words = [w for w in _WORD.finditer(sentence[:pos])]
        run: list[str] = []
        for w in reversed(words):
            if w.group().lower() in _STOP:
                if run:
                    break
                continue
            gap = sentence[w.end() : (words[words.index(w) + 1].start() if run else pos)]
            if run and gap.strip():
                break
            run.insert(0, w.group())
            if len(run) == MAX_WORDS:
                break
        return (_drop_type_words(run, types), default) if run else None

    @staticmethod
    def _after(
        sentence: str, pos: int, known: list[tuple[int, int, str, str]], default: str, types: frozenset[str]
    ) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        rest = pos
        while True:
            near = [k for k in known if k[0] >= rest and _only_glue(sentence[rest : k[0]])]
            if near:
                best = min(near, key=lambda k: k[0])
                out.append((best[2], best[3]))
                rest = best[1]
            else:
                run: list[str] = []
                end = rest
                for w in _WORD.finditer(sentence, rest):
                    if w.group().lower() in _STOP:
                        if run or out or w.group().lower() not in _DETERMINERS:
                            break
                        continue
                    if run and sentence[end : w.start()].strip():
                        break
                    run.append(w.group())
                    end = w.end()
                    if len(run) == MAX_WORDS:
                        break
                if not run:
                    break
                out.append((_drop_type_words(run, types), default))
                rest = end
            sep = _LIST_SEP.match(sentence, rest)
            if sep is None or sep.end() == rest:
                break
            rest = sep.end()
        return out


def _only_glue(gap: str) -> bool:
    """True when ``gap`` holds only spaces and stop words (``the``, ``is``): the mention is adjacent."""
    return all(w.lower() in _STOP for w in _WORD.findall(gap)) and not re.search(r"[.;:]", gap)


def _drop_type_words(run: list[str], types: frozenset[str]) -> str:
    """``["drug", "Amiodarone"]`` -> ``"Amiodarone"``: a leading type name is not part of the name."""
    while len(run) > 1 and run[0].lower() in types:
        run = run[1:]
    return " ".join(run)

"""Misspelt words of a question read as the graph's own words: "Which seson is the episode X from?" asks
for a season where the graph has a ``Season`` label.

Entity names are the linker's to match, fuzzily; the other words of a question reach the reasoning as
they are written, and one wrong letter in the word naming the answer's type ("seson", "directer") loses
the type and the relation it names. A word is respelt only when all of this holds: it lies outside every
linked mention, it has four letters or more, the sentence encoder's vocabulary does not hold it (nor its
stem without a plural or verb ending), and exactly one word of the graph's labels and relation names is
one edit away from it (a letter added, dropped, changed, or two neighbours swapped), beginning with the
same letter, and is no other form of the same word ("practise" for "practises"). Without the encoder's
vocabulary nothing is respelt: no word could be told to be misspelt.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from kgreason.fusion.relation_words import humanize, stem

if TYPE_CHECKING:
    from kgreason.fusion.base import Seed
    from kgreason.graph.store import GraphSchema

_WORD = re.compile(r"[A-Za-z]+")
_ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
MIN_LETTERS = 4
"""The shortest word respelt (and the shortest graph word it may become)."""


@functools.lru_cache(maxsize=1)
def encoder_vocabulary() -> frozenset[str]:
    """The lower-case whole words of the bundled sentence encoder's tokenizer (read from its
    ``tokenizer.json`` alone, no weights); empty when the model is not installed."""
    try:
        from tokenizers import Tokenizer

        from kgreason.embed.model_files import bundled_model_dir

        vocab = Tokenizer.from_file(str(bundled_model_dir() / "tokenizer.json")).get_vocab()
    except Exception:  # no model package, or no tokenizers: nothing is respelt
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and w.islower())


@functools.lru_cache(maxsize=1)
def _known_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in encoder_vocabulary())


def graph_words(schema: GraphSchema) -> frozenset[str]:
    """The words of the graph's labels (with their plurals) and relation names, lower case, of
    ``MIN_LETTERS`` letters or more."""
    out: set[str] = set()
    for name in (*schema.labels, *schema.relationship_types):
        for word in humanize(name).lower().split():
            if len(word) >= MIN_LETTERS and word.isalpha():
                out.update(_plurals(word))
    return frozenset(out)


def _plurals(word: str) -> tuple[str, ...]:
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word, word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word, word + "es"
    return word, word + "s"


def _base(word: str) -> str:
    """``word`` without an inflection or a doer's ending, its last f read as v: "describer" and
    "describes", "issuer" and "issued", "midwives" and "midwifes" share one."""
    base = word
    for ending in ("ers", "er", "es", "ed", "s", "d", "r"):
        if base.endswith(ending) and len(base) > len(ending) + 3:
            base = base[: -len(ending)]
            break
    base = base.removesuffix("e")
    return base[:-1] + "v" if base.endswith("f") else base


def _known(word: str, known: Collection[str]) -> bool:
    if word in known:
        return True
    if known is encoder_vocabulary() and stem(word) in _known_stems():
        return True  # an inflection of a word the encoder holds ("quarried", "endorse")
    return any(word.endswith(e) and word[: -len(e)] in known for e in _ENDINGS if len(word) > len(e) + 2)


def respelt(
    question: str, seeds: Sequence[Seed], words: Collection[str], known: Collection[str]
) -> tuple[str, list[Seed]]:
    """``question`` with each misspelt word (see the module docstring) written as the graph word it
    misspells, and ``seeds`` with their mention offsets moved to match.

    >>> respelt("Which seson is it?", [], {"season", "seasons"}, {"which", "is", "it"})[0]
    'Which season is it?'
    >>> respelt("Which seson is it?", [], {"season"}, set())[0]
    'Which seson is it?'
    """
    if not known or not words:
        return question, list(seeds)
    spans = [(s.start, s.start + len(s.mention)) for s in seeds if s.start >= 0]
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (offset in the question, change in length from there on)
    at = 0
    for m in _WORD.finditer(question):
        token = m.group()
        lower = token.lower()
        if (
            len(lower) < MIN_LETTERS
            or any(a < m.end() and m.start() < b for a, b in spans)
            or lower in words
            or _known(lower, known)
        ):
            continue
        close = [w for w in words if w[0] == lower[0] and abs(len(w) - len(lower)) <= 1]
        # (another form of the same word is no misspelling: "practise" is no "practises", nor "describer"
        # "describes")
        close = [w for w in close if OSA.distance(lower, w) == 1 and _base(w) != _base(lower)]
        if len(close) != 1:
            continue
        word = close[0]
        if token[0].isupper():
            word = word.upper() if token.isupper() else word.capitalize()
        pieces += [question[at : m.start()], word]
        shifts.append((m.start(), len(word) - len(token)))
        at = m.end()
    if not shifts:
        return question, list(seeds)
    pieces.append(question[at:])
    moved = [
        dataclasses.replace(s, start=s.start + sum(d for where, d in shifts if where < s.start))
        if s.start >= 0
        else s
        for s in seeds
    ]
    return "".join(pieces), moved

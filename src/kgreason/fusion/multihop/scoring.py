"""Scoring relation paths against a question for hop-by-hop exploration.

``CoverageScorer`` is the word-overlap signal used next to sentence embeddings: a relation path gains a
point for each question word it covers (stemmed, stop words dropped, counted as a multiset so a relation
repeated along a path covers a repeated word only once) and loses ``miss_cost`` for each of its words the
question does not contain. Unlike a plain overlap count it stops a walk from growing by re-following a
relation whose words the question already spent — the main way exploration overshoots the right hop count.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from kgreason.fusion.retrieve.relation_paths import CoverageScorer

__all__ = ["CoverageScorer", "QuestionMemo"]


class QuestionMemo:
    """Wraps a sentence encoder so a one-text request seen recently is not encoded again.

    Exploration scores each hop's options against the same question, and ``EmbeddingScorer`` encodes the
    question on every call; this keeps the last ``size`` single-text encodings (relation texts have their
    own cache in the scorer).
    """

    def __init__(self, encoder: Any, size: int = 64) -> None:
        self.encoder = encoder
        self.size = size
        self._memo: OrderedDict[str, Any] = OrderedDict()

    @property
    def vocabulary(self) -> frozenset[str] | None:
        """The wrapped encoder's ``vocabulary`` (``None`` when it has none)."""
        return getattr(self.encoder, "vocabulary", None)

    def encode(self, texts: Sequence[str], **kwargs: Any) -> Any:
        """Same as the wrapped encoder's ``encode``."""
        if len(texts) != 1:
            return self.encoder.encode(texts, **kwargs)
        key = texts[0]
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        value = self.encoder.encode(texts, **kwargs)
        self._memo[key] = value
        if len(self._memo) > self.size:
            self._memo.popitem(last=False)
        return value

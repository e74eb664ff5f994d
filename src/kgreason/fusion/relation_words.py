"""Relation and label names as words: ``/people/person/place_of_birth`` reads "place of birth".

The retrieve strategy scores relation paths by these words, and ``forms`` matches answer types against graph
labels with them; both import it from here, below the strategies.
"""

from __future__ import annotations

import functools
import re

_SPLIT = re.compile(r"[_\-./:\s]+|(?<=[a-z])(?=[A-Z])")


@functools.lru_cache(maxsize=65536)
def humanize(relation: str) -> str:
    """``/people/person/place_of_birth`` -> ``place of birth``; ``directedBy`` -> ``directed by``."""
    tail = relation.rstrip("/").rsplit("/", 1)[-1] if "/" in relation else relation
    return " ".join(w.lower() for w in _SPLIT.split(tail) if w)

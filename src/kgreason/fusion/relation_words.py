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


# Verbs and nouns people use for the relations knowledge graphs most often store, by stem (the crude
# stems of ``relation_paths.content_words``): a question says "works at" where the graph says
# ``employed_by``, "wrote" where it says ``author``. Symmetric: each group is a set of interchangeable stems.
_PARAPHRASE_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "work employ employer employee job staff",
        "found founder establish start creat",
        "born birth birthplace native",
        "live resid home",
        "writ wrote written author pen penn",
        "direct director helm",
        "marri marry spouse wife husband partner",
        "stud student attend alumn graduat",
        "play player member",
        "sponsor fund back",
        "lead led leader",
        "award win won winner receiv",
        "presid president chief chair chairman chairwoman speaker",
        "represent mp deputy seat",
        "stop serv call",
        "operat run organis organiz",
        "giv give gave given",
        "maintain maintainer look",
        "produc producer make made",
        "publish publisher releas",
        "locat situat",
        "base headquarter",
        "coach train manag",
        "sign label",
        "supervis supervisor advis adviser advisor doctoral doctorate phd mentor student",
    )
)


@functools.lru_cache(maxsize=65536)
def paraphrases(stem: str) -> frozenset[str]:
    """The stems that name the same relation as ``stem`` ("work" -> employ, job, ...), itself included."""
    out = {stem}
    for group in _PARAPHRASE_GROUPS:
        if stem in group:
            out |= group
    return frozenset(out)

"""Answer verification: every claim in an answer's text must be backed by its evidence.

The text is split into claims (sentences and ``;``-separated parts, citation markers removed). Entity
mentions in a claim are found by the entity linker's exact tiers only (id, name, alias, normalised: a
fuzzy or embedding match could invent a mention). A claim is unsupported when it names an entity that
appears on no evidence path, or names several entities that no single evidence path connects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kgreason.types import Path

EXACT_METHODS = frozenset({"id", "name", "alias", "normalized"})
_MARKER = re.compile(r"\[T\d+\]")
_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def claims(text: str) -> list[str]:
    """The text's claims, without citation markers."""
    parts = (re.sub(r"\s+([.!?;])", r"\1", _MARKER.sub("", p)).strip(" ;.!?") for p in _SPLIT.split(text))
    return [p for p in parts if p]


def unsupported_claims(text: str, evidence: Sequence[Path], linker: Any) -> list[str]:
    """Claims of ``text`` the ``evidence`` paths do not support, each with the reason."""
    on_paths = [{n.id for n in p.nodes} for p in evidence]
    known = set().union(*on_paths) if on_paths else set()
    problems: list[str] = []
    for claim in claims(text):
        found = linker.link(claim, k=10, embeddings=False)
        mentioned = sorted({e.node_id for e in found if e.method in EXACT_METHODS})
        missing = [m for m in mentioned if m not in known]
        if missing:
            problems.append(f"{claim!r}: {', '.join(missing)} not in the evidence")
        elif len(mentioned) > 1 and not any(set(mentioned) <= ids for ids in on_paths):
            problems.append(f"{claim!r}: no evidence path connects {', '.join(mentioned)}")
    return problems

"""Relation paths out of the seed entities, grouped by their signature, and how relevant each is.

Within the k-hop subgraph around the seeds, every walk of 1..k edges that never reuses an edge, never
returns to a seed and never turns straight back along the relation it just followed (SMALL-MODELS.md:
reverse edges are traps) is grouped by its *signature*, the sequence of (relation, direction). Each
signature is scored against the question by a ``RelationScorer``; its end nodes are the candidates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Protocol

from kgreason.types import Edge, Path, Subgraph

Signature = tuple[tuple[str, str], ...]
"""((relation, "out"|"in"), ...)"""

_SPLIT = re.compile(r"[_\-./:\s]+|(?<=[a-z])(?=[A-Z])")


def humanize(relation: str) -> str:
    """``/people/person/place_of_birth`` -> ``place of birth``; ``directedBy`` -> ``directed by``."""
    tail = relation.rstrip("/").rsplit("/", 1)[-1] if "/" in relation else relation
    return " ".join(w.lower() for w in _SPLIT.split(tail) if w)


def signature_text(sig: Signature) -> str:
    """How a signature reads to an encoder: ``parent of -> works at`` (inverse steps say so)."""
    parts = [humanize(r) if d == "out" else f"{humanize(r)} (inverse)" for r, d in sig]
    return " -> ".join(parts)


class RelationScorer(Protocol):
    """Scores relation-path texts against a question (higher is more relevant)."""

    def score(self, question: str, texts: Sequence[str]) -> list[float]: ...


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "the a an of is are was were who what which where when whose did does do in on to for by".split()  # noqa: SIM905
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


class LexicalScorer:
    """Stemmed word overlap between question and relation text: free, no model (a baseline, a fallback).

    A path scores the number of its words found in the question, less a little for each word that is not,
    so a two-hop path that names two things the question asks about beats either hop alone.
    """

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        q = {_stem(w) for w in _WORD.findall(question.lower()) if w not in _STOP}
        out = []
        for t in texts:
            words = [_stem(w) for w in _WORD.findall(t.lower()) if w not in _STOP and w != "inverse"]
            hits = sum(1 for w in words if w in q)
            out.append(hits - 0.1 * (len(words) - hits))
        return out


class EmbeddingScorer:
    """Cosine similarity of sentence embeddings.

    Relation-path texts repeat across questions, so their embeddings are cached in memory and, when
    ``cache_path`` is given, in an ``.npz`` file (written atomically) that later processes reuse.
    """

    def __init__(self, encoder: Any, cache_path: FsPath | None = None) -> None:
        self.encoder = encoder
        self.cache_path = cache_path
        self._cache: dict[str, Any] = {}
        self._loaded = False
        self._new = 0

    def _load(self) -> None:
        self._loaded = True
        if self.cache_path is None or not self.cache_path.exists():
            return
        import numpy as np

        try:
            with np.load(self.cache_path, allow_pickle=False) as data:
                texts, vectors = list(data["texts"]), data["vectors"]
        except Exception:  # a damaged cache is rebuilt, never trusted
            return
        self._cache.update({str(t): v for t, v in zip(texts, vectors, strict=True)})

    def save(self) -> None:
        """Write the cache file if new embeddings were computed."""
        if self.cache_path is None or not self._new:
            return
        import os
        import tempfile

        import numpy as np

        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        texts = sorted(self._cache)
        fd, tmp = tempfile.mkstemp(suffix=".npz", dir=self.cache_path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, texts=np.array(texts), vectors=np.stack([self._cache[t] for t in texts]))
        os.replace(tmp, self.cache_path)
        self._new = 0

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        import numpy as np

        if not self._loaded:
            self._load()
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self.encoder.encode(missing)
            for t, v in zip(missing, vecs, strict=True):
                self._cache[t] = v
            self._new += len(missing)
            if self._new >= 256:
                self.save()
        q = self.encoder.encode([question])[0]
        matrix = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, len(q)))
        return [float(x) for x in matrix @ q]


@dataclass
class SignatureGroup:
    signature: Signature
    paths: list[Path]
    score: float = 0.0

    @property
    def ends(self) -> list[str]:
        return list(dict.fromkeys(p.nodes[-1].id for p in self.paths))


def enumerate_paths(
    sub: Subgraph, seeds: Sequence[str], *, hops: int, max_paths: int = 20_000
) -> dict[Signature, SignatureGroup]:
    """Group the walks of 1..``hops`` edges from ``seeds`` inside ``sub`` by signature."""
    nodes = {n.id: n for n in sub.nodes}
    adj: dict[str, list[tuple[Edge, str, str]]] = defaultdict(list)
    for e in sub.edges:
        adj[e.source].append((e, e.target, "out"))
        if e.source != e.target:
            adj[e.target].append((e, e.source, "in"))
    seed_set = set(seeds)
    groups: dict[Signature, SignatureGroup] = {}
    count = 0
    frontier: list[tuple[list[str], list[Edge], Signature]] = [([s], [], ()) for s in seeds if s in nodes]
    for _ in range(hops):
        nxt: list[tuple[list[str], list[Edge], Signature]] = []
        for ids, edges, sig in frontier:
            last = sig[-1] if sig else None
            used = {e.id for e in edges}
            for edge, other, direction in adj[ids[-1]]:
                if edge.id in used or other in seed_set:
                    continue
                if last is not None and last[0] == edge.type and last[1] != direction:
                    continue  # straight back along the relation just followed
                step_sig = (*sig, (edge.type, direction))
                path_ids, path_edges = [*ids, other], [*edges, edge]
                group = groups.get(step_sig)
                if group is None:
                    group = groups[step_sig] = SignatureGroup(step_sig, [])
                group.paths.append(Path(tuple(nodes[i] for i in path_ids), tuple(path_edges)))
                nxt.append((path_ids, path_edges, step_sig))
                count += 1
                if count >= max_paths:
                    return groups
        frontier = nxt
    return groups

"""Hybrid search over the stored chunks: BM25 full text and sentence-embedding similarity, fused by rank.

``ChunkIndex.from_store`` reads the Chunk nodes an extract wrote (their text, the documents that hold them
and the entities they mention) and builds an embedded index: BM25 over lower-cased words, and the bundled
MiniLM embeddings of each chunk. ``search`` ranks the chunks both ways and fuses the two rankings by
reciprocal rank (each list contributes ``1 / (rrf_k + rank)``), so a chunk found by either wins by agreeing
with the other. Each hit carries the entities its chunk mentions: the seeds to expand into the graph from.
The index works on every store (it reads nodes and edges through the ``GraphStore`` protocol).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kgreason.documents.lexical import CHUNK, DOCUMENT, HAS_CHUNK, MENTIONS
from kgreason.embed.encoder import TextEncoder
from kgreason.graph.store import GraphStore

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ChunkHit:
    """A chunk found by ``ChunkIndex.search``; ranks are 1-based (None: not found that way)."""

    chunk_id: str
    text: str
    documents: tuple[str, ...]
    entities: tuple[str, ...]
    score: float
    text_rank: int | None
    vector_rank: int | None


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


class ChunkIndex:
    """BM25 + embedding index over chunks (see the module docstring)."""

    def __init__(
        self,
        chunks: Sequence[tuple[str, str, tuple[str, ...], tuple[str, ...]]],
        *,
        encoder: TextEncoder | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        """``chunks``: ``(chunk id, text, document ids, mentioned entity ids)``."""
        self.chunks = list(chunks)
        self.k1, self.b = k1, b
        self._tf = [Counter(_words(text)) for _, text, _, _ in self.chunks]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 0.0
        df: Counter[str] = Counter(w for tf in self._tf for w in tf)
        n = len(self.chunks)
        self._idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        self._encoder = encoder
        self._vectors: npt.NDArray[np.float32] | None = None

    @classmethod
    def from_store(cls, store: GraphStore, *, encoder: TextEncoder | None = None) -> ChunkIndex:
        texts: dict[str, str] = {}
        doc_ids: dict[str, str] = {}
        for node in store.iter_nodes():
            if CHUNK in node.labels:
                texts[node.id] = str(node.properties.get("text", ""))
            elif DOCUMENT in node.labels:
                doc_ids[node.id] = str(node.properties.get("doc_id", node.id))
        docs: dict[str, list[str]] = {}
        entities: dict[str, list[str]] = {}
        for edge in store.iter_edges():
            if edge.type == HAS_CHUNK and edge.target in texts:
                docs.setdefault(edge.target, []).append(doc_ids.get(edge.source, edge.source))
            elif edge.type == MENTIONS and edge.source in texts:
                entities.setdefault(edge.source, []).append(edge.target)
        rows = [
            (cid, texts[cid], tuple(sorted(docs.get(cid, ()))), tuple(sorted(entities.get(cid, ()))))
            for cid in sorted(texts)
        ]
        return cls(rows, encoder=encoder)

    def _bm25(self, query: str) -> npt.NDArray[np.float64]:
        scores = np.zeros(len(self.chunks))
        for word in set(_words(query)):
            idf = self._idf.get(word)
            if idf is None:
                continue
            for i, tf in enumerate(self._tf):
                f = tf.get(word, 0)
                if f:
                    norm = self.k1 * (1 - self.b + self.b * self._len[i] / (self._avg or 1.0))
                    scores[i] += idf * f * (self.k1 + 1) / (f + norm)
        return scores

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self._encoder is None:
            from kgreason.embed.encoder import default_encoder

            self._encoder = default_encoder()
        return self._encoder.encode(list(texts))

    def search(self, query: str, k: int = 5, *, rrf_k: int = 60, vectors: bool = True) -> list[ChunkHit]:
        """The ``k`` best chunks for ``query``, fused from the BM25 and the embedding rankings."""
        if not self.chunks:
            return []
        text_scores = self._bm25(query)
        text_order = [int(i) for i in np.argsort(-text_scores, kind="stable") if text_scores[i] > 0]
        vector_order: list[int] = []
        if vectors:
            if self._vectors is None:
                self._vectors = self._embed([text for _, text, _, _ in self.chunks])
            sims = self._vectors @ self._embed([query])[0]
            vector_order = [int(i) for i in np.argsort(-sims, kind="stable")]
        text_rank = {i: r for r, i in enumerate(text_order, 1)}
        vector_rank = {i: r for r, i in enumerate(vector_order, 1)}
        fused = {
            i: sum(1.0 / (rrf_k + r[i]) for r in (text_rank, vector_rank) if i in r)
            for i in set(text_rank) | set(vector_rank)
        }
        best = sorted(fused, key=lambda i: (-fused[i], self.chunks[i][0]))[:k]
        return [
            ChunkHit(
                self.chunks[i][0],
                self.chunks[i][1],
                self.chunks[i][2],
                self.chunks[i][3],
                fused[i],
                text_rank.get(i),
                vector_rank.get(i),
            )
            for i in best
        ]

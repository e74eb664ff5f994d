"""Hybrid search over the stored chunks: BM25 full text and sentence-embedding similarity, fused by rank.

``ChunkIndex.from_store`` reads the Chunk nodes an extract wrote (their text, the documents that hold them
and the entities they mention) and builds an embedded index: BM25 over lower-cased words, and the bundled
MiniLM embeddings of each chunk. ``search`` ranks the chunks both ways and fuses the two rankings by
reciprocal rank (each list contributes ``1 / (rrf_k + rank)``), so a chunk found by either wins by agreeing
with the other. Each hit carries the entities its chunk mentions: the seeds to expand into the graph from.
The index works on every store (it reads nodes and edges through the ``GraphStore`` protocol);
``kgreason.documents.text_search.chunk_index(store)`` picks it for the memory store and
``Neo4jChunkIndex`` (Neo4j's own full-text and vector indexes) for Neo4j. ``cited_sentence`` picks the
sentence of a hit that a citation points to.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kgreason.documents.lexical import CHUNK, DOCUMENT, HAS_CHUNK, MENTIONS, string_list
from kgreason.embed.encoder import TextEncoder
from kgreason.graph.store import GraphStore
from kgreason.types import Node

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
    starts: tuple[int, ...] = ()
    """Where the chunk starts in each of ``documents`` (character offset; same order)."""


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


class ChunkIndex:
    """BM25 + embedding index over chunks (see the module docstring)."""

    def __init__(
        self,
        chunks: Sequence[tuple[str, str, tuple[str, ...], tuple[str, ...]]],
        starts: Mapping[str, tuple[int, ...]] | None = None,
        *,
        encoder: TextEncoder | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        """``chunks``: ``(chunk id, text, document ids, mentioned entity ids)``; ``starts``: per chunk id,
        its offset in each of its documents."""
        self.chunks = list(chunks)
        self.starts = dict(starts or {})
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
        doc_nodes: dict[str, Node] = {}
        for node in store.iter_nodes():
            if CHUNK in node.labels:
                texts[node.id] = str(node.properties.get("text", ""))
            elif DOCUMENT in node.labels:
                doc_nodes[node.id] = node
        docs: dict[str, list[str]] = {}
        entities: dict[str, list[str]] = {}
        for edge in store.iter_edges():
            if edge.type == HAS_CHUNK and edge.target in texts:
                docs.setdefault(edge.target, []).append(edge.source)
            elif edge.type == MENTIONS and edge.source in texts:
                entities.setdefault(edge.source, []).append(edge.target)
        rows = []
        starts: dict[str, tuple[int, ...]] = {}
        for cid in sorted(texts):
            placed = sorted(document_offset(doc_nodes.get(d), d, cid) for d in docs.get(cid, ()))
            rows.append((cid, texts[cid], tuple(d for d, _ in placed), tuple(sorted(entities.get(cid, ())))))
            starts[cid] = tuple(s for _, s in placed)
        return cls(rows, starts, encoder=encoder)

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
                self.starts.get(self.chunks[i][0], ()),
            )
            for i in best
        ]


def fuse(rankings: Sequence[Sequence[str]], *, rrf_k: int = 60) -> dict[str, float]:
    """Reciprocal-rank fusion: each ranking (ids, best first) gives an id ``1 / (rrf_k + rank)``."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return fused


def document_offset(doc: Node | None, doc_node_id: str, chunk_id: str) -> tuple[str, int]:
    """``(document id, where the chunk starts in it)`` from the Document node's chunk list."""
    if doc is None:
        return (doc_node_id, 0)
    chunk_ids = string_list(doc.properties.get("kgr_chunks"))
    starts = list(doc.properties.get("kgr_starts") or [])
    start = 0
    if chunk_id in chunk_ids and chunk_ids.index(chunk_id) < len(starts):
        start = int(starts[chunk_ids.index(chunk_id)])
    return (str(doc.properties.get("doc_id", doc_node_id)), start)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def cited_sentence(text: str, query: str) -> tuple[int, int]:
    """The offsets in ``text`` of its sentence sharing the most words with ``query`` (the first on a tie;
    the whole text when it has one sentence or none shares a word)."""
    wanted = set(_words(query))
    best: tuple[int, int] = (0, len(text))
    best_shared = 0
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        shared = len(wanted.intersection(_words(text[start:end])))
        if shared > best_shared:
            best, best_shared = (start, end), shared
        if match is not None:
            start = match.end()
    return best

"""Hybrid chunk search on Neo4j with its own indexes: a full-text index and a vector index.

The full-text index ``kgr_chunk_text`` covers ``Chunk.text`` of every graph in the database (Lucene BM25
with the standard analyzer); a search keeps the hits of this graph (its ``KG_NAME`` label). The chunk
vectors of graph ``NAME`` live in ``(:KgrChunkVec_NAME {id, key, embedding})`` nodes indexed by the
vector index ``kgr_chunk_vec_NAME`` (cosine, exact vectors). Like the entity-linking vectors these nodes
carry no ``KG_NAME`` label, so no graph operation, export or checksum sees them. The rankings are fused
by reciprocal rank exactly as ``ChunkIndex`` does on the memory store.

Both indexes are created the first time a search needs them (``IF NOT EXISTS``: idempotent); the vectors
are brought up to date then, embedding only the chunks that have none yet (a chunk's id is a hash of its
text, so an unchanged id is an unchanged text) and deleting the rows of chunks that are gone. Searches
run as read transactions.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from kgreason.documents.chunk_search import ChunkHit, _words, document_offset, fuse
from kgreason.documents.lexical import CHUNK, DOCUMENT, HAS_CHUNK, MENTIONS
from kgreason.embed.encoder import TextEncoder

TEXT_INDEX = "kgr_chunk_text"


class Neo4jChunkIndex:
    """BM25 (Neo4j full-text index) + embeddings (Neo4j vector index) over a graph's chunks."""

    candidates = 100
    """Hits asked of each index before fusing (the vector index is approximate: HNSW)."""

    def __init__(self, store: Any, *, encoder: TextEncoder | None = None, batch_size: int = 256) -> None:
        self.store = store
        self.label = f"KgrChunkVec_{store.graph}"
        self.vector_index = f"kgr_chunk_vec_{store.graph}"
        self.batch_size = batch_size
        self._encoder = encoder
        self._text_ready = False
        self._vectors_ready = False
        self.encoded = 0
        """How many chunks the last vector update sent to the encoder."""

    @property
    def encoder(self) -> TextEncoder:
        if self._encoder is None:
            from kgreason.embed.encoder import default_encoder

            self._encoder = default_encoder()
        return self._encoder

    # -- the indexes ------------------------------------------------------------------------------------
    def ensure_text(self) -> None:
        """Create the full-text index if absent and wait until it is online."""
        if self._text_ready:
            return
        self.store._auto(
            f"CREATE FULLTEXT INDEX `{TEXT_INDEX}` IF NOT EXISTS FOR (c:`{CHUNK}`) ON EACH [c.text]"
        )
        self.store._auto("CALL db.awaitIndex($name, 120)", name=TEXT_INDEX)
        self._text_ready = True

    def ensure_vectors(self) -> None:
        """Create the vector index if absent and make its rows the graph's chunks, embedding what is new."""
        if self._vectors_ready:
            return
        encoder = self.encoder
        model = f"{getattr(encoder, 'name', type(encoder).__name__)}:{encoder.dim}"
        chunks = {
            str(r["id"]): str(r["text"] or "")
            for r in self.store._read(
                f"MATCH (c:`{CHUNK}`:`{self.store.graph_label}`) RETURN c.id AS id, c.text AS text"
            )
        }
        keys = {cid: f"{model}:{_digest(text)}" for cid, text in chunks.items()}
        existing = {
            str(r["id"]): r["key"]
            for r in self.store._read(f"MATCH (v:`{self.label}`) RETURN v.id AS id, v.key AS key")
        }
        dims = self.store._read(
            "SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options",
            name=self.vector_index,
        )
        if dims and int(dims[0]["options"]["indexConfig"]["vector.dimensions"]) != encoder.dim:
            self.store._auto(f"DROP INDEX `{self.vector_index}` IF EXISTS")
            existing = {}
        self._create_vector_index(encoder.dim)
        todo = [cid for cid in sorted(chunks) if existing.get(cid) != keys[cid]]
        self.encoded = len(todo)
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = encoder.encode([chunks[c] for c in batch])
            rows = [
                {"id": cid, "key": keys[cid], "embedding": [float(x) for x in vec]}
                for cid, vec in zip(batch, vectors, strict=True)
            ]
            self.store._auto(
                f"UNWIND $rows AS row MERGE (v:`{self.label}` {{id: row.id}}) "
                "SET v.key = row.key, v.embedding = row.embedding",
                rows=rows,
            )
        stale = [cid for cid in existing if cid not in chunks]
        for start in range(0, len(stale), self.batch_size):
            self.store._auto(
                f"MATCH (v:`{self.label}`) WHERE v.id IN $ids DELETE v",
                ids=stale[start : start + self.batch_size],
            )
        self.store._auto("CALL db.awaitIndex($name, 120)", name=self.vector_index)
        self._vectors_ready = True

    def _create_vector_index(self, dim: int) -> None:
        from neo4j.exceptions import ClientError

        from kgreason.errors import GraphError

        create = (
            f"CREATE VECTOR INDEX `{self.vector_index}` IF NOT EXISTS "
            f"FOR (v:`{self.label}`) ON (v.embedding) "
            "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'%s}}"
        )
        try:  # exact vectors: quantized ones change the ranking (see reasoning's Neo4j vector index)
            self.store._auto(create % ", `vector.quantization.enabled`: false", dim=dim)
        except (ClientError, GraphError):  # a server older than 5.23 has no quantization setting
            self.store._auto(create % "", dim=dim)

    def drop(self) -> None:
        """Remove this graph's chunk vectors and their index (the shared full-text index stays)."""
        self.store._auto(f"DROP INDEX `{self.vector_index}` IF EXISTS")
        self.store._auto(f"MATCH (v:`{self.label}`) CALL {{ WITH v DELETE v }} IN TRANSACTIONS OF 5000 ROWS")
        self._vectors_ready = False

    # -- search -----------------------------------------------------------------------------------------
    def text_ranking(self, query: str) -> list[str]:
        """Chunk ids of this graph matching ``query``'s words, best BM25 first (ties by id)."""
        words = _words(query)
        if not words:
            return []
        self.ensure_text()
        records = self.store._read(
            "CALL db.index.fulltext.queryNodes($name, $words) YIELD node, score "
            f"WHERE node:`{self.store.graph_label}` "
            "RETURN node.id AS id, score ORDER BY score DESC, id LIMIT $n",
            name=TEXT_INDEX,
            words=" ".join(words),  # only word characters: nothing Lucene reads as syntax
            n=self.candidates,
        )
        return [str(r["id"]) for r in records if float(r["score"]) > 0]

    def vector_ranking(self, query: str) -> list[str]:
        """Chunk ids of this graph, most similar to ``query`` first (ties by id)."""
        self.ensure_vectors()
        vector = self.encoder.encode([query])[0]
        records = self.store._read(
            "CALL db.index.vector.queryNodes($name, $n, $vector) YIELD node, score "
            "RETURN node.id AS id, score",
            name=self.vector_index,
            n=self.candidates,
            vector=[float(x) for x in np.asarray(vector, dtype=np.float32)],
        )
        return [h[0] for h in sorted(((str(r["id"]), float(r["score"])) for r in records), key=_by_score)]

    def search(self, query: str, k: int = 5, *, rrf_k: int = 60, vectors: bool = True) -> list[ChunkHit]:
        """The ``k`` best chunks for ``query``, fused from the full-text and the vector rankings."""
        text_order = self.text_ranking(query)
        vector_order = self.vector_ranking(query) if vectors else []
        fused = fuse([text_order, vector_order], rrf_k=rrf_k)
        best = sorted(fused, key=lambda c: (-fused[c], c))[:k]
        text_rank = {c: r for r, c in enumerate(text_order, 1)}
        vector_rank = {c: r for r, c in enumerate(vector_order, 1)}
        nodes = self.store.get_nodes(best)
        hits = []
        for cid in best:
            node = nodes.get(cid)
            if node is None:
                continue
            placed: list[tuple[str, int]] = []
            entities: list[str] = []
            for edge, other in self.store.neighbors(cid, types=[HAS_CHUNK, MENTIONS]):
                if edge.type == HAS_CHUNK and edge.target == cid and DOCUMENT in other.labels:
                    placed.append(document_offset(other, other.id, cid))
                elif edge.type == MENTIONS and edge.source == cid:
                    entities.append(other.id)
            placed.sort()
            hits.append(
                ChunkHit(
                    cid,
                    str(node.properties.get("text", "")),
                    tuple(d for d, _ in placed),
                    tuple(sorted(set(entities))),
                    fused[cid],
                    text_rank.get(cid),
                    vector_rank.get(cid),
                    tuple(s for _, s in placed),
                )
            )
        return hits


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _by_score(hit: tuple[str, float]) -> tuple[float, str]:
    return (-hit[1], hit[0])

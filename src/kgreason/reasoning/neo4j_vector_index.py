"""Entity-linking vectors in Neo4j's native vector index.

For graph ``NAME`` each node text gets one ``(:KgrVec_NAME {id, key, embedding})`` node, indexed by the
vector index ``kgr_vec_NAME`` (cosine). These nodes carry no ``KG_NAME`` label, so no graph operation,
export or checksum ever sees them. Building is incremental: a row is re-embedded only when its node's
text changed (``key`` names the encoder and hashes id and text), rows of deleted nodes are removed, and
the whole index is reused across processes; another encoder re-embeds every row (one of another dimension
recreates the index). The index stores exact vectors (no quantization), so its neighbours are the numpy
index's. Neo4j reports cosine scores as ``(1 + cos) / 2``; ``search`` returns
plain cosine so thresholds mean the same as with the numpy index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from kgreason.embed.encoder import TextEncoder
from kgreason.reasoning.vector_index import F32, _row_key, encoder_name


class Neo4jVectorIndex:
    """A ``VectorIndex`` over a ``Neo4jStore``'s graph, stored and searched in Neo4j itself."""

    candidates = 100
    """Neighbours asked of the (approximate, HNSW) index before the best ``k`` are kept. Asked for 5, it
    missed the best match on the movies graph (264 nodes: "Paris" -> France, cosine 0.73, absent; asked
    for 50 it was first), and on 7 vectors after an update it missed an exact match at k=2."""

    def __init__(self, store: Any, *, batch_size: int = 500) -> None:
        self.store = store
        self.label = f"KgrVec_{store.graph}"
        self.index_name = f"kgr_vec_{store.graph}"
        self.batch_size = batch_size
        self.encoded = 0
        """How many texts the last ``build`` sent to the encoder (0 when everything was reused)."""
        self.dim: int | None = None
        """The vectors' dimension (read from the index when this object did not build it)."""

    def _run(self, query: str, **params: Any) -> list[Any]:
        with self.store.driver().session(database=self.store.database) as session:
            return list(session.run(query, params))

    def build(self, entries: Iterable[tuple[str, str]], encoder: TextEncoder) -> Neo4jVectorIndex:
        """Make the index hold exactly ``entries`` (``(node id, text)``), embedding only what changed."""
        pairs = list(entries)
        config = self._index_config()
        if config is not None and (
            int(config["vector.dimensions"]) != encoder.dim or config.get("vector.quantization.enabled")
        ):
            self.drop()  # another dimension cannot share the index; a quantized one is rebuilt exact
        self._create(encoder.dim)
        existing = {
            r["id"]: r["key"] for r in self._run(f"MATCH (v:`{self.label}`) RETURN v.id AS id, v.key AS key")
        }
        model = f"{encoder_name(encoder)}:{encoder.dim}"  # another encoder re-embeds every row
        keys = {node_id: f"{model}:{_row_key(node_id, text)}" for node_id, text in pairs}
        todo = [(node_id, text) for node_id, text in pairs if existing.get(node_id) != keys[node_id]]
        self.encoded = len(todo)
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            vectors = encoder.encode([t for _, t in chunk])
            rows = [
                {"id": node_id, "key": keys[node_id], "embedding": [float(x) for x in vec]}
                for (node_id, _), vec in zip(chunk, vectors, strict=True)
            ]
            self._run(
                f"UNWIND $rows AS row MERGE (v:`{self.label}` {{id: row.id}}) "
                "SET v.key = row.key, v.embedding = row.embedding",
                rows=rows,
            )
        stale = [node_id for node_id in existing if node_id not in keys]
        for start in range(0, len(stale), self.batch_size):
            self._run(
                f"MATCH (v:`{self.label}`) WHERE v.id IN $ids DELETE v",
                ids=stale[start : start + self.batch_size],
            )
        self._run("CALL db.awaitIndex($name, 120)", name=self.index_name)
        self.dim = encoder.dim
        return self

    def _create(self, dim: int) -> None:
        """Create the index (if absent) with exact scores: quantization off, where the server has it."""
        from neo4j.exceptions import ClientError

        create = (
            f"CREATE VECTOR INDEX `{self.index_name}` IF NOT EXISTS FOR (v:`{self.label}`) ON (v.embedding) "
            "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'%s}}"
        )
        try:
            # Quantized (int8) vectors, the default since Neo4j 5.23, change the ranking: measured on the
            # movies graph, rank 4 of 5 differed from exact cosine, and a vector with the only negative
            # coordinate scored 0 against itself.
            self._run(create % ", `vector.quantization.enabled`: false", dim=dim)
        except ClientError:  # a server older than 5.23 knows no quantization setting (and quantizes nothing)
            self._run(create % "", dim=dim)

    def _index_config(self) -> dict[str, Any] | None:
        """The index's ``indexConfig`` (``None``: no index yet)."""
        rows = self._run(
            "SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options", name=self.index_name
        )
        return dict(rows[0]["options"]["indexConfig"]) if rows else None

    def _indexed_dim(self) -> int | None:
        """The dimension the index was created with (``None``: no index yet)."""
        config = self._index_config()
        return None if config is None else int(config["vector.dimensions"])

    def search(self, vector: F32, k: int) -> list[tuple[str, float]]:
        if self.dim is None:
            self.dim = self._indexed_dim()
        shape = np.shape(vector)
        if self.dim is not None and shape != (self.dim,):
            raise ValueError(f"query vector must have shape ({self.dim},), not {shape}")
        if k < 1 or self.dim is None:
            return []
        records = self._run(
            "CALL db.index.vector.queryNodes($name, $k, $vector) YIELD node, score "
            "RETURN node.id AS id, score",
            name=self.index_name,
            k=max(k, self.candidates),
            vector=[float(x) for x in np.asarray(vector, dtype=np.float32)],
        )
        hits = [(str(r["id"]), 2.0 * float(r["score"]) - 1.0) for r in records]
        return sorted(hits, key=lambda h: (-h[1], h[0]))[:k]

    def drop(self) -> None:
        """Remove the index and its vector nodes."""
        self.dim = None
        self._run(f"DROP INDEX `{self.index_name}` IF EXISTS")
        self._run(f"MATCH (v:`{self.label}`) CALL {{ WITH v DELETE v }} IN TRANSACTIONS OF 5000 ROWS")

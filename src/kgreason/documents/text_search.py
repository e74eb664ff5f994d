"""The chunk index for a store: Neo4j's native indexes on Neo4j, the embedded ``ChunkIndex`` elsewhere."""

from __future__ import annotations

from typing import Protocol

from kgreason.documents.chunk_search import ChunkHit, ChunkIndex
from kgreason.embed.encoder import TextEncoder
from kgreason.graph.store import GraphStore


class ChunkSearch(Protocol):
    """What the retrieve strategy needs of a chunk index."""

    def search(self, query: str, k: int = 5, *, rrf_k: int = 60, vectors: bool = True) -> list[ChunkHit]: ...


def chunk_index(store: GraphStore, *, encoder: TextEncoder | None = None) -> ChunkSearch:
    """The chunk index for ``store``: Neo4j's native full-text and vector indexes on Neo4j, the embedded
    ``ChunkIndex`` elsewhere."""
    if store.backend == "neo4j":
        from kgreason.documents.neo4j_chunk_index import Neo4jChunkIndex

        return Neo4jChunkIndex(store, encoder=encoder)
    return ChunkIndex.from_store(store, encoder=encoder)

"""Hybrid chunk search (BM25 + MiniLM, reciprocal-rank fusion) over what an extract stored."""

from __future__ import annotations

from pathlib import Path

from docs_fixtures import write_corpus

from kgreason.config import Settings
from kgreason.documents import ExtractionSchema, ResolveOptions, RuleExtractor, extract_documents
from kgreason.documents.chunk_search import ChunkIndex
from kgreason.graph.memory import MemoryStore


def test_hybrid_search_finds_chunks_and_the_entities_they_mention(
    tmp_path: Path, schema: ExtractionSchema, settings: Settings
) -> None:
    root = write_corpus(
        tmp_path / "c",
        {
            "azoles.txt": "Fluconazole inhibits CYP2C9. It is an antifungal medicine.",
            "statins.txt": "Simvastatin is metabolised by CYP3A4. Statins lower cholesterol.",
            "rifampicin.txt": "Rifampicin induces CYP3A4. It treats tuberculosis.",
        },
    )
    store = MemoryStore("search", settings)
    extract_documents(store, [root], RuleExtractor(), schema=schema, resolve=ResolveOptions(embedding=None))
    index = ChunkIndex.from_store(store)
    # full text: a word of the chunk
    [top, *_] = index.search("which enzyme does fluconazole inhibit", k=3)
    assert top.documents == (str(root / "azoles.txt"),)
    assert set(top.entities) == {"Fluconazole", "CYP2C9"} and top.text_rank == 1
    # no word in common: the embedding ranking finds it
    hits = index.search("medication that lowers blood lipids", k=1)
    assert hits[0].documents == (str(root / "statins.txt"),) and hits[0].text_rank is None
    assert hits[0].vector_rank == 1
    # without vectors only full-text matches come back
    assert [h.documents for h in index.search("tuberculosis", vectors=False)] == [
        (str(root / "rifampicin.txt"),)
    ]

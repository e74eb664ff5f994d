"""Retrieve's ``chunks`` option: hybrid search over the text layer, cited, expanding into the graph from the
entities the found chunks mention. Real stores (memory and the session's Neo4j), the real MiniLM encoder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docs_fixtures import write_corpus

from kgreason.config import Settings
from kgreason.documents import ExtractionSchema, ResolveOptions, RuleExtractor, extract_documents
from kgreason.documents.chunk_search import ChunkIndex
from kgreason.documents.lexical import LEXICAL_LABELS, LEXICAL_TYPES
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.graph.store import GraphStore
from kgreason.reasoning.engine import Engine
from kgreason.types import Answer

FAMILY = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"

# What the rule extractor's schema holds (INHIBITS, INDUCES, IS_METABOLISED_BY) is in the first sentence of
# each file; the second sentence says something no relation of the schema can hold.
TEXTS = {
    "azoles.txt": "Fluconazole inhibits CYP2C9. Fluconazole is an antifungal medicine for yeast infections.",
    "rifampicin.txt": (
        "Rifampicin induces CYP3A4. Rifampicin is the first-line antibiotic against tuberculosis."
    ),
    "statins.txt": "Simvastatin is metabolised by CYP3A4. Simvastatin lowers cholesterol in the blood.",
}

# (question, gold, file, the sentence the answer must cite): the fact is only in the text.
TEXT_ONLY = [
    (
        "Which drug treats tuberculosis?",
        "Rifampicin",
        "rifampicin.txt",
        "Rifampicin is the first-line antibiotic against tuberculosis.",
    ),
    (
        "Which drug lowers cholesterol?",
        "Simvastatin",
        "statins.txt",
        "Simvastatin lowers cholesterol in the blood.",
    ),
    (
        "Which enzyme does the tuberculosis drug induce?",
        "CYP3A4",
        "rifampicin.txt",
        "Rifampicin is the first-line antibiotic against tuberculosis.",
    ),
]
# the found text names the entity the question is about; the answer is a graph step from it
THROUGH_TEXT = [
    ("Which enzyme metabolises the drug that lowers cholesterol?", "CYP3A4"),
    ("Which drug is an antifungal medicine?", "Fluconazole"),
    ("Which enzyme does the antifungal medicine inhibit?", "CYP2C9"),
]
# answered by the graph alone: the option keeps the answer and adds the chunk as a citation
IN_GRAPH = [
    ("Which enzyme does fluconazole inhibit?", "CYP2C9"),
    ("Which drug induces CYP3A4?", "Rifampicin"),
]


@pytest.fixture(scope="module")
def encoder() -> Any:
    from kgreason.embed import default_encoder

    return default_encoder()


def _extract(store: GraphStore, root: Path, schema: ExtractionSchema) -> None:
    extract_documents(store, [root], RuleExtractor(), schema=schema, resolve=ResolveOptions(embedding=None))


def _same(a: Answer, b: Answer) -> None:
    """Everything but the timings is equal."""
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.pop("timings_ms")
        for q in d["queries"]:
            q.pop("elapsed_ms")
    assert da == db


def test_text_only_facts_are_found_cited_and_expanded(
    tmp_path: Path,
    schema: ExtractionSchema,
    settings: Settings,
    encoder: Any,
    store_factory: Callable[[str], GraphStore],
) -> None:
    root = write_corpus(tmp_path / "c", TEXTS)
    store = store_factory("chunkqa")
    _extract(store, root, schema)
    off = Engine(store, settings=settings, encoder=encoder)
    on = Engine(store, settings=settings, encoder=encoder, options={"chunks": 3})
    for question, gold, name, sentence in TEXT_ONLY:
        before = off.ask(question)
        assert before.answers == () and before.abstained, before.text
        answer = on.ask(question)
        assert answer.answers == (gold,), (question, answer.text, answer.trace)
        cited = [s for s in answer.sources if s.sentence == sentence]
        assert cited, [s.sentence for s in answer.sources]
        doc = str(root / name)
        assert cited[0].doc == doc and cited[0].chunk.startswith("chunk:")
        assert Path(doc).read_text()[cited[0].start : cited[0].end] == sentence
        # the evidence is facts and entities, never the text layer
        assert not {e.type for p in answer.evidence for e in p.edges} & LEXICAL_TYPES
        assert not {lab for p in answer.evidence for n in p.nodes for lab in n.labels} & LEXICAL_LABELS
        assert gold in {n.id for p in answer.evidence for n in p.nodes}
    for question, gold in THROUGH_TEXT:
        answer = on.ask(question)
        assert answer.answers == (gold,), (question, answer.text)
        assert any(s.chunk.startswith("chunk:") for s in answer.sources)
    for question, gold in IN_GRAPH:
        before, answer = off.ask(question), on.ask(question)
        assert before.answers == answer.answers == (gold,)
        assert before.evidence == answer.evidence and before.citations == answer.citations
        # the graph's own sentence first, then the found chunks' sentences not already cited
        assert answer.sources[: len(before.sources)] == before.sources
        assert len(answer.sources) > len(before.sources)
        spans = [(s.doc, s.start, s.end) for s in answer.sources]
        assert len(spans) == len(set(spans))


def test_off_by_default_and_nothing_changes_without_a_text_layer(settings: Settings, encoder: Any) -> None:
    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    default = Engine(store, settings=settings, encoder=encoder)
    zero = Engine(store, settings=settings, encoder=encoder, options={"chunks": 0})
    on = Engine(store, settings=settings, encoder=encoder, options={"chunks": 5})
    for question in [
        "Who is the parent of bob?",
        "Where does carol live?",
        "Which drug treats tuberculosis?",
    ]:
        reference = default.ask(question)
        _same(reference, zero.ask(question))
        _same(reference, on.ask(question))  # no Chunk in the graph: not even a search step in the trace
        assert reference.sources == ()


@pytest.mark.neo4j
def test_same_top_chunks_on_both_stores_with_neo4j_native_indexes(
    tmp_path: Path,
    schema: ExtractionSchema,
    settings: Settings,
    encoder: Any,
    neo4j_store_factory: Callable[[str], GraphStore],
) -> None:
    from kgreason.documents.neo4j_chunk_index import TEXT_INDEX, Neo4jChunkIndex

    texts = {
        **TEXTS,
        "warfarin.txt": "Warfarin is metabolised by CYP2C9. Warfarin prevents blood clots after a stroke.",
        "ketoconazole.txt": "Ketoconazole inhibits CYP3A4. It is an antifungal medicine taken by mouth.",
    }
    root = write_corpus(tmp_path / "c", texts)
    memory = MemoryStore("chunks_both", settings)
    neo = neo4j_store_factory("chunks_both")
    _extract(memory, root, schema)
    _extract(neo, root, schema)
    embedded = ChunkIndex.from_store(memory, encoder=encoder)
    native = Neo4jChunkIndex(neo, encoder=encoder)
    queries = [
        "which drug treats tuberculosis",
        "antifungal medicine",
        "medication that lowers blood lipids",  # no word in common: found by the vectors alone
        "what prevents clots",
    ]
    for query in queries:
        want = embedded.search(query, k=3)
        got = native.search(query, k=3)
        assert [h.chunk_id for h in got] == [h.chunk_id for h in want], query
        assert [(h.documents, h.starts, h.entities, h.text) for h in got] == [
            (h.documents, h.starts, h.entities, h.text) for h in want
        ]
        assert [h.vector_rank for h in got] == [h.vector_rank for h in want]
        assert [h.text_rank is None for h in got] == [h.text_rank is None for h in want]
    assert native.encoded == len(embedded.chunks)
    # both indexes exist in Neo4j; a second index object reuses the stored vectors (idempotent)
    names = {r["name"] for r in neo._read("SHOW INDEXES YIELD name RETURN name")}  # type: ignore[attr-defined]
    assert {TEXT_INDEX, native.vector_index} <= names
    again = Neo4jChunkIndex(neo, encoder=encoder)
    assert [h.chunk_id for h in again.search(queries[0], k=3)] == [
        h.chunk_id for h in embedded.search(queries[0], k=3)
    ]
    assert again.encoded == 0
    native.drop()

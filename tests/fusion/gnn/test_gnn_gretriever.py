"""G-Retriever mode: PyG GRetriever with a transformers LLM over a real store's subgraphs.

The CPU test uses a tiny randomly initialised Llama (no weights are downloaded anywhere); it checks the
whole path (subgraph retrieval, MiniLM features, GAT soft prompt, LLM loss, training, generation), not
answer quality. The GPU test trains a bigger random configuration on CUDA.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem

FAMILY = Path(__file__).resolve().parents[3] / "examples" / "data" / "family.tsv"
ITEMS = [
    QAItem("Who is the parent of bob?", ("alice",), "bob"),
    QAItem("Who are alice's children?", ("bob", "carol"), "alice"),
    QAItem("Where does alice work?", ("acme",), "alice"),
]


@pytest.fixture(scope="module")
def encoder() -> Any:
    from kgreason.embed import default_encoder

    return default_encoder()


def test_subgraph_retrieval_and_cpu_training(tmp_path: Path, settings: Settings, encoder: Any) -> None:
    from kgreason.fusion.gnn.gretriever import GRetrieverQA, retrieve, tiny_llm

    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    r = retrieve(store, "bob", encoder, hops=1)
    assert "bob" in r.node_ids and r.x.shape == (len(r.node_ids), 384)
    assert r.edge_index.size(1) == r.edge_attr.size(0) > 0 and "alice" in r.context
    qa = GRetrieverQA(store, tiny_llm(tmp_path / "llm"), encoder, hops=1, gnn_hidden=16)
    losses = qa.train(ITEMS, epochs=3, batch_size=3, lr=5e-3)
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
    assert losses[-1] < losses[0]  # it learns (on its own training items)
    out = qa.answer(ITEMS[:2], max_tokens=3)
    assert len(out) == 2 and all(isinstance(s, str) for s in out)


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU")
def test_gretriever_trains_on_cuda(tmp_path: Path, settings: Settings, encoder: Any) -> None:

    from kgreason.fusion.gnn.gretriever import GRetrieverQA, tiny_llm

    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    qa = GRetrieverQA(store, tiny_llm(tmp_path / "llm", hidden=1024, layers=8, heads=16), encoder, hops=2)
    assert next(qa.model.llm.llm.parameters()).is_cuda
    losses = qa.train(ITEMS * 4, epochs=2, batch_size=4, lr=1e-3)
    assert losses[-1] < losses[0]

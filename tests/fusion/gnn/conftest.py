"""One torch thread for the gnn tests: on a shared 2-core box, OpenMP spin-waits made small-matrix
training 10-60x slower with two threads (measured), and the CLI commands default to one thread too.
``family`` is the bundled family graph with its hand-written and 40 generated questions, per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgreason.config import Settings
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem, read_qa
from kgreason.reasoning.qa_gen import make_qa

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> None:
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryStore, Settings, list[QAItem]]:
    settings = Settings(home=tmp_path_factory.mktemp("family-home"))
    store = MemoryStore("family", settings)
    load_file(store, EXAMPLES / "data" / "family.tsv")
    store.flush()
    items = read_qa(EXAMPLES / "qa" / "family_handwritten.jsonl")
    items += make_qa(store, hops=[1, 2], n=40, seed=0)
    return store, settings, items

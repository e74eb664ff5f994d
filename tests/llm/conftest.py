"""Fixtures for the LLM tests: the bundled SmolLM2-135M, loaded once per session (real model, no mocks).

``KGR_TEST_LLM_THREADS`` sets llama.cpp's thread count (default 1): on a CPU shared with other busy
processes (the test suites of the other packages, Neo4j), 2 threads were measured 3x slower than 1,
because llama.cpp's threads wait on each other; 4 parallel slots keep ``chat_many`` batched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions


@pytest.fixture(scope="session")
def smol_options() -> LlamaCppOptions:
    threads = os.environ.get("KGR_TEST_LLM_THREADS")
    return LlamaCppOptions(threads=int(threads) if threads else 1, parallel=4, ctx_per_slot=1024)


@pytest.fixture(scope="session")
def smol(smol_options: LlamaCppOptions) -> Iterator[LlamaCppChatModel]:
    """The bundled model on llama.cpp; shared by every test (read ``meter`` as a difference)."""
    model = LlamaCppChatModel(options=smol_options)
    model.load()
    yield model

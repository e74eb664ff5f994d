"""The ``ChatModel`` contract (``kgreason.testing.llm_contract``) on the backends that run here.

llama.cpp runs the bundled SmolLM2-135M; the system-prompt wrapper runs over it. The ``openai`` and
``langchain`` backends run the same suite in their own modules (over a real local HTTP endpoint and a real
LangChain chat model). transformers needs the ``gguf`` package to read the bundled model and vLLM a CUDA
GPU: where they are installed, ``TestTransformersContract`` runs and vLLM's own tests cover the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgreason.llm.base import ChatModel
from kgreason.llm.cache import ResponseCache
from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions
from kgreason.llm.system_prompt import with_system_prompt
from kgreason.testing.llm_contract import ChatModelContract, ModelFactory


class TestLlamaCppContract(ChatModelContract):
    @pytest.fixture
    def model_factory(self, smol: LlamaCppChatModel, smol_options: LlamaCppOptions) -> ModelFactory:
        # every model shares the session's loaded server (servers are cached by path and options)
        return lambda cache: LlamaCppChatModel(options=smol_options, cache=cache)


class TestSystemPromptContract(ChatModelContract):
    @pytest.fixture
    def model_factory(self, smol: LlamaCppChatModel, smol_options: LlamaCppOptions) -> ModelFactory:
        def build(cache: ResponseCache | None) -> ChatModel:
            inner = LlamaCppChatModel(options=smol_options, cache=cache)
            return with_system_prompt(inner, "You are a terse assistant.")

        return build


class TestTransformersContract(ChatModelContract):
    @pytest.fixture
    def model_factory(self) -> ModelFactory:
        pytest.importorskip("gguf", reason="transformers needs the gguf package to read GGUF files")
        from kgreason.llm.models import resolve
        from kgreason.llm.transformers_backend import TransformersChatModel

        path = str(resolve(None, Path("/nonexistent")))
        return lambda cache: TransformersChatModel(path, cache=cache)


def test_the_model_sees_the_framed_request(smol_options: LlamaCppOptions, tmp_path: Path) -> None:
    """What the wrapper sends is the framed request: asking the inner model for it directly is a cache hit."""
    cache = ResponseCache(tmp_path / "llm")
    inner = LlamaCppChatModel(options=smol_options, cache=cache)
    wrapped = with_system_prompt(inner, "You only speak about drugs.")
    task = [{"role": "system", "content": "Answer in one word."}, {"role": "user", "content": "Hi?"}]
    reply = wrapped.chat(task, max_tokens=4)
    direct = inner.chat(
        [{"role": "system", "content": "You only speak about drugs.\n\nAnswer in one word."}, task[1]],
        max_tokens=4,
    )
    assert direct.cached and direct.text == reply.text
    assert inner.meter.snapshot().calls == 1  # one call, counted on the wrapped model's own meter

"""vLLM request building, tested without vLLM; the real run needs a GPU (marked ``gpu``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.llm import ChatRequest, create_chat_model
from kgreason.llm.vllm_backend import VLLMChatModel, render_prompt, sampling_spec, to_sampling_params

SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}


class ChatMLTokenizer:
    """Renders the ChatML template Qwen2 models use (what ``apply_chat_template`` would produce)."""

    def apply_chat_template(
        self, messages: list[dict[str, str]], tokenize: bool, add_generation_prompt: bool
    ) -> str:
        assert tokenize is False
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


@dataclass
class StructuredOutputsParams:
    json: Any = None
    choice: Any = None


@dataclass
class SamplingParams:
    max_tokens: int = 16
    temperature: float = 1.0
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    structured_outputs: Any = None


def test_sampling_spec() -> None:
    req = ChatRequest.create("x", json_schema=SCHEMA, max_tokens=12, temperature=0.2, seed=5, stop=["\n\n"])
    assert sampling_spec(req) == {
        "max_tokens": 12,
        "temperature": 0.2,
        "seed": 5,
        "stop": ["\n\n"],
        "structured_outputs": {"json": SCHEMA},
    }
    assert sampling_spec(ChatRequest.create("x")) == {"max_tokens": 256, "temperature": 0.0}


def test_to_sampling_params_uses_structured_outputs() -> None:
    module = SimpleNamespace(SamplingParams=SamplingParams, StructuredOutputsParams=StructuredOutputsParams)
    params = to_sampling_params(
        sampling_spec(ChatRequest.create("x", json_schema=SCHEMA, max_tokens=3)), module
    )
    assert params == SamplingParams(
        max_tokens=3, temperature=0.0, structured_outputs=StructuredOutputsParams(json=SCHEMA)
    )


def test_render_prompt_with_chat_template() -> None:
    req = ChatRequest.create("Hi", system="Be brief.")
    assert render_prompt(ChatMLTokenizer(), req.message_dicts()) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )


def test_factory_needs_a_model_and_stays_lazy(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="needs --model"):
        create_chat_model("vllm", settings=settings)
    model = create_chat_model(
        "vllm", settings=settings, model="/models/qwen", options={"max_model_len": 2048}
    )
    assert isinstance(model, VLLMChatModel) and model._llm is None  # nothing loaded in __init__
    with pytest.raises(ConfigError, match="gpu_memory_utilisation"):
        create_chat_model("vllm", settings=settings, model="m", options={"gpu_memory_utilisation": 0.5})


@pytest.mark.gpu
def test_real_vllm_structured_generation() -> None:
    pytest.importorskip("vllm", reason="vLLM is not installed (needs a CUDA machine)")
    import os

    path = os.environ.get("KGR_TEST_VLLM_MODEL")
    if not path:
        pytest.skip("set KGR_TEST_VLLM_MODEL to a local model directory")
    model = VLLMChatModel(path)
    out = model.chat_many(
        [ChatRequest.create(f"Give a={i}.", json_schema=SCHEMA, max_tokens=16) for i in range(4)]
    )
    assert all(isinstance(r.data["a"], int) for r in out)

"""The ``langchain`` backend wrapping real LangChain chat models.

``LlamaLC`` is a small, real ``BaseChatModel`` subclass that generates with our llama.cpp backend, so the
wrapper is exercised end to end through LangChain's own ``invoke``/callbacks machinery. ``LlamaLCNative``
adds ``with_structured_output`` (grammar-constrained) to cover the native path; LangChain's
``GenericFakeChatModel`` is used only to script an invalid-then-valid reply for the repair plumbing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda

from kgreason.config import Settings
from kgreason.errors import ConfigError, LLMError
from kgreason.llm import ChatRequest, choose, create_chat_model
from kgreason.llm.cache import ResponseCache
from kgreason.llm.langchain_backend import LangChainChatModel
from kgreason.llm.llamacpp import LlamaCppChatModel
from kgreason.testing.llm_contract import ChatModelContract, ModelFactory

ROLE = {"system": "system", "human": "user", "ai": "assistant"}
SCHEMA = {
    "type": "object",
    "properties": {"animal": {"type": "string", "enum": ["cat", "dog", "cow"]}, "legs": {"type": "integer"}},
    "required": ["animal", "legs"],
    "additionalProperties": False,
}


class LlamaLC(BaseChatModel):
    """A LangChain chat model backed by kgreason's llama.cpp backend.

    Like ``ChatOpenAI`` it accepts ``response_format`` (json_schema) as an invoke keyword; it has no
    ``with_structured_output`` of its own (LangChain's default needs ``bind_tools``).
    """

    backend: Any
    max_tokens: int = 64

    @property
    def _llm_type(self) -> str:
        return "kgreason-llamacpp"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        turns = [{"role": ROLE[m.type], "content": str(m.content)} for m in messages]
        response_format = kwargs.get("response_format") or {}
        r = self.backend.chat(
            turns,
            json_schema=(response_format.get("json_schema") or {}).get("schema"),
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            temperature=kwargs.get("temperature", 0.0),
            seed=kwargs.get("seed"),
            stop=stop,
        )
        msg = AIMessage(
            content=r.text,
            usage_metadata={
                "input_tokens": r.prompt_tokens,
                "output_tokens": r.completion_tokens,
                "total_tokens": r.prompt_tokens + r.completion_tokens,
            },
            response_metadata={"finish_reason": r.finish_reason},
        )
        return ChatResult(generations=[ChatGeneration(message=msg)])


class LlamaLCNative(LlamaLC):
    """Adds grammar-constrained ``with_structured_output`` (as providers with JSON-schema support do)."""

    def with_structured_output(  # type: ignore[override]
        self, schema: Any, *, include_raw: bool = False, method: str = "json_schema", **kwargs: Any
    ) -> Runnable[Any, Any]:
        def run(messages: list[BaseMessage]) -> dict[str, Any]:
            turns = [{"role": ROLE[m.type], "content": str(m.content)} for m in messages]
            r = self.backend.chat(turns, json_schema=schema, max_tokens=self.max_tokens)
            raw = AIMessage(
                content=r.text,
                usage_metadata={
                    "input_tokens": r.prompt_tokens,
                    "output_tokens": r.completion_tokens,
                    "total_tokens": r.prompt_tokens + r.completion_tokens,
                },
            )
            return {"raw": raw, "parsed": r.data, "parsing_error": None}

        return RunnableLambda(run)


def test_response_format_route_with_a_real_chat_model(smol: LlamaCppChatModel) -> None:
    wrapped = LangChainChatModel(LlamaLC(backend=smol), structured="response_format")
    result = wrapped.chat(
        "Describe a cat: which animal is it and how many legs?", json_schema=SCHEMA, max_tokens=48
    )
    assert result.data["animal"] in ("cat", "dog", "cow") and isinstance(result.data["legs"], int)
    assert result.backend == "langchain" and result.model == "LlamaLC"
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    assert wrapped.meter.calls == 1 + wrapped.meter.snapshot().repairs
    # a bare enum (what planners send through choose) works on this route too
    assert choose(wrapped, "Which animal barks?", ["dog", "cat"]) in ("dog", "cat")


def test_auto_falls_back_to_the_prompt_route(smol: LlamaCppChatModel) -> None:
    wrapped = LangChainChatModel(LlamaLC(backend=smol))
    # SmolLM2 unconstrained rarely writes JSON; what matters here is the route and the clean error.
    try:
        result = wrapped.chat("Describe a cat as JSON.", json_schema=SCHEMA, max_tokens=32)
    except LLMError as exc:
        assert "after one repair attempt" in exc.message
    else:
        assert result.data["animal"] in ("cat", "dog", "cow")
    assert wrapped._native_ok is False  # BaseChatModel without bind_tools: no native structured output
    assert wrapped.meter.calls == 2 or wrapped.meter.calls == 1


def test_native_structured_output(smol: LlamaCppChatModel) -> None:
    wrapped = LangChainChatModel(LlamaLCNative(backend=smol), structured="native")
    result = wrapped.chat("Describe a dog.", json_schema=SCHEMA, max_tokens=48)
    assert result.data["animal"] in ("cat", "dog", "cow") and not result.repaired
    assert json.loads(result.text) == result.data
    assert wrapped.meter.calls == 1 and wrapped.meter.prompt_tokens > 0


def test_plain_chat_many(smol: LlamaCppChatModel) -> None:
    wrapped = LangChainChatModel(LlamaLC(backend=smol), concurrency=2)
    outs = wrapped.chat_many([ChatRequest.create(f"Say the word {w}.", max_tokens=8) for w in ("one", "two")])
    assert len(outs) == 2 and all(o.text for o in outs) and all(o.data is None for o in outs)
    assert wrapped.meter.calls == 2


def test_repair_plumbing_with_a_scripted_langchain_model() -> None:
    fake = GenericFakeChatModel(
        messages=iter([AIMessage(content="no idea"), AIMessage(content='{"animal": "cow", "legs": 4}')])
    )
    wrapped = LangChainChatModel(fake, pass_params=False)
    result = wrapped.chat("Describe a cow.", json_schema=SCHEMA)
    assert result.repaired and result.data == {"animal": "cow", "legs": 4}
    assert wrapped.meter.calls == 2


def test_factory_builds_from_module_attr(settings: Settings) -> None:
    model = create_chat_model(
        "langchain",
        settings=settings,
        options={"factory": f"{__name__}:_make_fake", "kwargs": {"text": "hello"}, "pass_params": False},
    )
    assert isinstance(model, LangChainChatModel)
    assert model.chat("hi").text == "hello"
    with pytest.raises(ConfigError, match="factory"):
        create_chat_model("langchain", settings=settings)
    with pytest.raises(ConfigError, match="BaseChatModel"):
        LangChainChatModel(object())


def _make_fake(text: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=text)]))


class TestLangChainContract(ChatModelContract):
    """The ``ChatModel`` contract through LangChain's own ``invoke`` machinery (``response_format`` route)."""

    @pytest.fixture
    def model_factory(self, smol: LlamaCppChatModel) -> ModelFactory:
        def build(cache: ResponseCache | None) -> LangChainChatModel:
            return LangChainChatModel(LlamaLC(backend=smol), structured="response_format", cache=cache)

        return build

"""Wrap any LangChain ``BaseChatModel`` (``--llm langchain``) as a kgreason ``ChatModel``.

With a JSON schema the wrapper, by ``structured`` mode:

- ``native``: ``with_structured_output(schema, method=..., include_raw=True)`` (object schemas only:
  providers reject bare scalar schemas);
- ``response_format``: passes the OpenAI-style ``response_format={"type": "json_schema", ...}`` to
  ``invoke`` (what ``ChatOpenAI`` and other OpenAI-compatible chat models accept), any schema;
- ``prompt``: puts the schema in the system prompt and parses the reply;
- ``auto`` (default): ``native`` for object schemas when the model implements it, else ``prompt``.

Either way the base class validates the reply with jsonschema and gives one repair attempt. Token counts
come from ``AIMessage.usage_metadata``.

From the CLI, ``--opt factory=module:attr`` names a callable (or instance) that returns the chat model,
and ``--opt kwargs=...`` (a JSON object) its keyword arguments.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kgreason.errors import ConfigError, LLMError
from kgreason.llm.base import BaseChatModel
from kgreason.llm.options import BackendOptions, require
from kgreason.llm.requests import ChatRequest, Completion
from kgreason.llm.structured import schema_instruction

if TYPE_CHECKING:
    from kgreason.config import Settings
    from kgreason.llm.cache import ResponseCache
    from kgreason.llm.usage import UsageMeter

Structured = Literal["auto", "native", "response_format", "prompt"]


class LangChainOptions(BackendOptions):
    """Options of the ``langchain`` backend."""

    factory: str | None = Field(default=None, description="module:attr returning a BaseChatModel")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="keyword arguments for the factory")
    structured: Structured = Field(default="auto", description="auto, native, response_format or prompt")
    method: str = Field(default="json_schema", description="with_structured_output method")
    pass_params: bool = Field(default=True, description="pass max_tokens/temperature/seed to invoke()")
    concurrency: int = Field(default=4, ge=1, le=64, description="parallel invocations in chat_many")


def to_langchain_messages(messages: Sequence[Mapping[str, str]]) -> list[Any]:
    """LangChain message objects for ``{"role", "content"}`` dicts."""
    lc = require("langchain_core.messages", "langchain")
    kinds = {"system": lc.SystemMessage, "user": lc.HumanMessage, "assistant": lc.AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


def message_text(message: Any) -> str:
    """The text of an ``AIMessage`` whose content may be a string or a list of content blocks."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            b if isinstance(b, str) else str(b.get("text", "")) for b in content if isinstance(b, str | dict)
        ]
        return "".join(parts)
    return str(content)


def token_usage(message: Any) -> tuple[int, int]:
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0)


class LangChainChatModel(BaseChatModel):
    """A LangChain chat model behind the kgreason interface.

    Args:
        chat_model: a ``langchain_core.language_models.BaseChatModel`` instance.
        structured: ``auto`` (native structured output when supported, else prompt), ``native``,
            ``response_format`` or ``prompt`` (see the module docstring).
        method: the ``with_structured_output`` method (``json_schema``, ``function_calling``, ...).
        pass_params: pass ``max_tokens``, ``temperature`` and ``seed`` as ``invoke`` keyword arguments.
        concurrency: parallel invocations in ``chat_many``.
    """

    backend = "langchain"
    constrained = False
    Options = LangChainOptions

    def __init__(
        self,
        chat_model: Any,
        *,
        structured: Structured = "auto",
        method: str = "json_schema",
        pass_params: bool = True,
        concurrency: int = 4,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
    ) -> None:
        super().__init__(cache=cache, meter=meter)
        lm = require("langchain_core.language_models", "langchain")
        if not isinstance(chat_model, lm.BaseChatModel):
            raise ConfigError(f"expected a LangChain BaseChatModel, got {type(chat_model).__name__}")
        self.chat_model = chat_model
        self.structured = structured
        self.method = method
        self.pass_params = pass_params
        self.concurrency = concurrency
        self._native_ok: bool | None = None if structured == "auto" else structured == "native"

    @classmethod
    def _from_parsed(
        cls,
        options: BackendOptions,
        *,
        settings: Settings,
        model: str | None,
        cache: ResponseCache | None,
        meter: UsageMeter | None,
    ) -> LangChainChatModel:
        """``--opt factory=module:attr`` (or ``--model module:attr``) is imported and called."""
        assert isinstance(options, LangChainOptions)
        opts = options
        target = opts.factory or model
        if not target or ":" not in target:
            raise ConfigError(
                "the langchain backend needs --opt factory=module:attr (a callable returning a chat model)"
            )
        module_name, _, attr = target.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            for part in attr.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"cannot import LangChain factory {target!r}: {exc}") from exc
        kwargs = opts.kwargs
        chat_model = obj(**kwargs) if callable(obj) and not hasattr(obj, "invoke") else obj
        return cls(
            chat_model,
            structured=opts.structured,
            method=opts.method,
            pass_params=opts.pass_params,
            concurrency=opts.concurrency,
            cache=cache,
            meter=meter,
        )

    @property
    def model_id(self) -> str:
        name = getattr(self.chat_model, "model_name", None) or getattr(self.chat_model, "model", None)
        return f"{type(self.chat_model).__name__}:{name}" if name else type(self.chat_model).__name__

    def _invoke_kwargs(self, request: ChatRequest) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if request.stop:
            kwargs["stop"] = list(request.stop)
        if self.pass_params:
            kwargs["max_tokens"] = request.max_tokens
            kwargs["temperature"] = request.temperature
            if request.seed is not None:
                kwargs["seed"] = request.seed
        return kwargs

    def _native(self, request: ChatRequest) -> Completion | None:
        """Try ``with_structured_output``; ``None`` when the model does not support it."""
        schema = request.json_schema
        if schema is None or self._native_ok is False or schema.get("type") != "object":
            return None
        try:
            runnable = self.chat_model.with_structured_output(
                dict(schema), method=self.method, include_raw=True
            )
        except (NotImplementedError, TypeError, ValueError):
            if self._native_ok:  # "native" was demanded
                raise
            self._native_ok = False
            return None
        start = time.perf_counter()
        try:
            # Sampling kwargs are not passed: structured-output chains do not forward them to the model.
            out = runnable.invoke(to_langchain_messages(request.message_dicts()))
        except Exception as exc:
            raise LLMError(f"LangChain model failed: {exc}") from exc
        latency = (time.perf_counter() - start) * 1000
        raw = out.get("raw") if isinstance(out, dict) else None
        parsed = out.get("parsed") if isinstance(out, dict) else out
        text = json.dumps(parsed, ensure_ascii=False) if parsed is not None else message_text(raw)
        prompt, completion = token_usage(raw)
        return Completion(text=text, prompt_tokens=prompt, completion_tokens=completion, latency_ms=latency)

    def _complete(self, request: ChatRequest) -> Completion:
        native = self._native(request)
        if native is not None:
            return native
        messages = request.message_dicts()
        kwargs = self._invoke_kwargs(request)
        if request.json_schema is not None and self.structured == "response_format":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": dict(request.json_schema), "strict": True},
            }
        elif request.json_schema is not None:
            messages.insert(0, {"role": "system", "content": schema_instruction(request.json_schema)})
        start = time.perf_counter()
        try:
            reply = self.chat_model.invoke(to_langchain_messages(messages), **kwargs)
        except Exception as exc:
            raise LLMError(f"LangChain model failed: {exc}") from exc
        latency = (time.perf_counter() - start) * 1000
        prompt, completion = token_usage(reply)
        meta = getattr(reply, "response_metadata", None) or {}
        return Completion(
            text=message_text(reply),
            prompt_tokens=prompt,
            completion_tokens=completion,
            finish_reason=meta.get("finish_reason"),
            latency_ms=latency,
        )

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        if len(requests) <= 1 or self.concurrency <= 1:
            return [self._complete(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self._complete, requests))

    def info(self) -> dict[str, Any]:
        out = super().info()
        out.update(
            {"wrapped": type(self.chat_model).__name__, "structured": self.structured, "loadable": True}
        )
        return out

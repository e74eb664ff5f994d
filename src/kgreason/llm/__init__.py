"""The LLM layer: one ``ChatModel`` interface over llama.cpp, OpenAI-compatible HTTP, vLLM,
transformers and LangChain, with JSON-schema validation and repair, a response cache and token metering.

Quick use::

    from kgreason.llm import create_chat_model, choose

    model = create_chat_model()                      # llamacpp + bundled SmolLM2-135M
    reply = model.chat("Name a colour.", json_schema={"type": "string", "enum": ["red", "blue"]})
    reply.data                                       # "red" or "blue"
    choose(model, "Which relation means 'kid'?", ["children", "nationality"])

Backends are registered by name in the ``kgreason.llm_backends`` entry-point group (kgreason's own in
its pyproject.toml) and imported only when used;
heavy runtimes (xllamacpp, vllm, transformers, torch, langchain_core) are imported inside functions.
"""

from __future__ import annotations

from kgreason.llm.base import BaseChatModel, ChatModel
from kgreason.llm.cache import ResponseCache, cache_key
from kgreason.llm.choice import choose, enum_schema
from kgreason.llm.factory import backend_names, create_chat_model
from kgreason.llm.requests import ChatRequest, ChatResult, Completion, Message
from kgreason.llm.system_prompt import SystemPromptModel, with_system_prompt
from kgreason.llm.usage import Usage, UsageMeter

__all__ = [
    "BaseChatModel",
    "ChatModel",
    "ChatRequest",
    "ChatResult",
    "Completion",
    "Message",
    "ResponseCache",
    "SystemPromptModel",
    "Usage",
    "UsageMeter",
    "backend_names",
    "cache_key",
    "choose",
    "create_chat_model",
    "enum_schema",
    "with_system_prompt",
]

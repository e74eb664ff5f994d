"""A ``ChatModel`` that frames every request with a fixed system prompt (a domain pack's, for instance).

The fixed prompt goes first and the request's own system turns follow it in the same system message, so
a domain's framing never replaces the task instructions a strategy sends ("write one Cypher query").
Everything else (the backend, the meter, the cache) is the wrapped model's: the framed request is what
the wrapped model sees, caches and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from kgreason.llm.base import ChatModel
from kgreason.llm.requests import (
    DEFAULT_MAX_TOKENS,
    ChatRequest,
    ChatResult,
    Message,
    MessagesLike,
    to_messages,
)

__all__ = ["SystemPromptModel", "with_system_prompt"]


class SystemPromptModel:
    """``llm`` with ``system`` put before the system turn of every request (a ``ChatModel`` itself).

    Args:
        llm: the model that answers.
        system: the text every request starts with.
    """

    def __init__(self, llm: ChatModel, system: str) -> None:
        self.llm = llm
        self.system = system
        self.backend = llm.backend
        self.meter = llm.meter

    @property
    def model_id(self) -> str:
        return self.llm.model_id

    def __repr__(self) -> str:
        return f"SystemPromptModel({self.llm!r}, system={self.system[:40]!r})"

    def frame(self, messages: Sequence[Message]) -> tuple[Message, ...]:
        """``messages`` with one system turn first: this model's prompt, then the request's own."""
        own = [m.content for m in messages if m.role == "system"]
        rest = [m for m in messages if m.role != "system"]
        return (Message("system", "\n\n".join([self.system, *own])), *rest)

    def chat(
        self,
        messages: MessagesLike,
        *,
        json_schema: Mapping[str, Any] | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        system: str | None = None,
    ) -> ChatResult:
        """One reply to ``messages`` framed by the fixed prompt (``system``: one more system turn)."""
        return self.llm.chat(
            list(self.frame(to_messages(messages, system))),
            json_schema=json_schema,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
        )

    def chat_many(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Replies for ``requests``, in order, each framed by the fixed prompt."""
        return self.llm.chat_many([replace(r, messages=self.frame(r.messages)) for r in requests])

    def close(self) -> None:
        """Close the wrapped model (when it has anything to close)."""
        close = getattr(self.llm, "close", None)
        if callable(close):
            close()


def with_system_prompt(llm: ChatModel, system: str | None) -> ChatModel:
    """``llm`` answering with ``system`` first in every request; ``llm`` itself when ``system`` is empty."""
    return SystemPromptModel(llm, system) if system else llm

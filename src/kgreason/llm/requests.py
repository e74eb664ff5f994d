"""The value types of a chat request: turns, the request, the raw completion and the validated result.

``ChatRequest`` holds everything that determines a reply, so it is also what the response cache keys on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.errors import ConfigError
from kgreason.llm.structured import check_schema

DEFAULT_MAX_TOKENS = 256
ROLES = frozenset({"system", "user", "assistant"})


@dataclass(frozen=True, slots=True)
class Message:
    """One chat turn."""

    role: str
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ConfigError(f"unknown chat role {self.role!r}", hint=f"use one of {sorted(ROLES)}")

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


MessagesLike = str | Sequence[Message | Mapping[str, str]]
"""A prompt string (one user turn) or a list of turns (``Message`` or ``{"role", "content"}``)."""


def to_messages(messages: MessagesLike, system: str | None = None) -> tuple[Message, ...]:
    """Normalise ``messages``; ``system`` (if given) is put first."""
    if isinstance(messages, str):
        turns: list[Message] = [Message("user", messages)]
    else:
        turns = [
            m if isinstance(m, Message) else Message(str(m["role"]), str(m["content"])) for m in messages
        ]
    if system is not None:
        turns.insert(0, Message("system", system))
    if not turns:
        raise ConfigError("a chat request needs at least one message")
    return tuple(turns)


@dataclass(frozen=True)
class ChatRequest:
    """Everything that determines a reply (and the cache key).

    Build with ``ChatRequest.create(...)`` to accept the loose message forms.
    """

    messages: tuple[Message, ...]
    json_schema: Mapping[str, Any] | None = field(default=None, hash=False)
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = 0.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    repeat_penalty: float | None = None

    @classmethod
    def create(
        cls,
        messages: MessagesLike,
        *,
        json_schema: Mapping[str, Any] | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        system: str | None = None,
        repeat_penalty: float | None = None,
    ) -> ChatRequest:
        if max_tokens < 1:
            raise ConfigError(f"max_tokens must be >= 1, got {max_tokens}")
        if temperature < 0:
            raise ConfigError(f"temperature must be >= 0, got {temperature}")
        if json_schema is not None:
            check_schema(json_schema)
        return cls(
            messages=to_messages(messages, system),
            json_schema=json_schema,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=tuple(stop or ()),
            repeat_penalty=repeat_penalty,
        )

    def message_dicts(self) -> list[dict[str, str]]:
        return [m.to_dict() for m in self.messages]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "messages": self.message_dicts(),
            "json_schema": dict(self.json_schema) if self.json_schema is not None else None,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "stop": list(self.stop),
        }
        if self.repeat_penalty is not None:
            out["repeat_penalty"] = self.repeat_penalty
        return out


@dataclass(frozen=True, slots=True)
class Completion:
    """What a backend returns for one request, before validation."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    latency_ms: float = 0.0
    timings: Mapping[str, float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class ChatResult:
    """A validated reply.

    Attributes:
        text: the raw reply text.
        data: the parsed JSON value when a schema was given (validated against it), else ``None``.
        prompt_tokens: prompt tokens over every backend call made for this reply (repair included).
        completion_tokens: generated tokens over those calls.
        latency_ms: wall time of those calls (for a cache hit: the original latency).
        backend: backend name (``llamacpp``, ``openai``, ...).
        model: model identifier (path or name).
        cached: served from the response cache (no backend call was made).
        repaired: the first reply was invalid and the repair turn fixed it.
        finish_reason: ``stop``, ``length``, ... as the backend reported it.
    """

    text: str
    data: Any = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    backend: str = ""
    model: str = ""
    cached: bool = False
    repaired: bool = False
    finish_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "data": self.data,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_ms": self.latency_ms,
            "backend": self.backend,
            "model": self.model,
            "cached": self.cached,
            "repaired": self.repaired,
            "finish_reason": self.finish_reason,
        }

"""The chat-model interface every backend implements, and the shared request/validate/repair/cache loop.

``ChatModel`` is the protocol strategies depend on. ``BaseChatModel`` is the ABC the built-in backends
extend: a backend only turns a ``ChatRequest`` into a raw ``Completion`` (``_complete``, and optionally a
batched ``_complete_many``); the base class owns caching, JSON parsing, schema validation, the single
repair attempt and token accounting, so every backend behaves the same.

The request/result value types live in ``kgreason.llm.requests``; ``choose`` in ``kgreason.llm.choice``.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, runtime_checkable

from kgreason.errors import ConfigError, LLMError
from kgreason.llm.cache import ResponseCache, cache_key
from kgreason.llm.options import BackendOptions, parse_options
from kgreason.llm.requests import (
    DEFAULT_MAX_TOKENS,
    ChatRequest,
    ChatResult,
    Completion,
    Message,
    MessagesLike,
)
from kgreason.llm.structured import InvalidOutput, parse_and_validate, repair_prompt
from kgreason.llm.usage import UsageMeter

if TYPE_CHECKING:
    from kgreason.config import Settings

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "BaseChatModel",
    "ChatModel",
    "ChatRequest",
    "ChatResult",
    "Completion",
    "Message",
    "MessagesLike",
]

REPAIR_REPEAT_PENALTY = 1.15
"""Repetition penalty of the repair turn: greedy decoding repeats its mistake (a number that never ends)
unless the retry decodes differently."""
ROLES = frozenset({"system", "user", "assistant"})


@runtime_checkable
class ChatModel(Protocol):
    """What strategies and evaluation use. Implementations: ``BaseChatModel`` subclasses, the
    ``SystemPromptModel`` wrapper, or your own (``kgreason.testing.llm_contract`` checks one)."""

    backend: str
    meter: UsageMeter

    @property
    def model_id(self) -> str:
        """The model identifier (a path, a catalogue name or a remote model name)."""
        ...

    def chat(
        self,
        messages: MessagesLike,
        *,
        json_schema: Mapping[str, Any] | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> ChatResult:
        """One reply; with ``json_schema`` the result's ``data`` is valid against it or ``LLMError``."""
        ...

    def chat_many(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Replies for several requests, in order, using the backend's batching where it has any."""
        ...


class BaseChatModel(ABC):
    """Shared loop: cache -> backend -> parse/validate -> one repair -> meter.

    Subclasses set ``backend`` and ``constrained`` (whether the backend enforces the JSON schema while
    decoding) and implement ``model_id`` and ``_complete``; override ``_complete_many`` when the backend
    can batch or run requests concurrently.

    ``from_options`` (what ``create_chat_model`` calls) is shared: a backend declares its ``Options``
    model and, when ``--model`` is required, ``model_needed``; one whose constructor is not
    ``(model, *, options, cache, meter)`` overrides ``_from_parsed``.

    Args:
        cache: a ``ResponseCache`` to read and fill, or ``None`` (the default for interactive use).
        meter: where calls and tokens are counted (a new meter when omitted).
    """

    backend: str = ""
    constrained: bool = False
    Options: ClassVar[type[BackendOptions]] = BackendOptions
    """The backend's ``--opt`` model (``extra="forbid"``: a misspelt option is an error)."""
    model_needed: ClassVar[str | None] = None
    """What ``--model`` must name when the backend has no default model (``None``: it has one)."""

    def __init__(self, *, cache: ResponseCache | None = None, meter: UsageMeter | None = None) -> None:
        self.cache = cache
        self.meter = meter if meter is not None else UsageMeter()

    @classmethod
    def from_options(
        cls,
        *,
        settings: Settings,
        model: str | None = None,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Self:
        """Build the backend from ``--llm``-style inputs: a model name and ``--opt`` key/values.

        Raises:
            ConfigError: ``--model`` is missing where the backend needs one, or an option is bad or unknown.
        """
        if not model and cls.model_needed:
            raise ConfigError(f"the {cls.backend} backend needs --model ({cls.model_needed})")
        opts = parse_options(cls.Options, cls.backend, options)
        return cls._from_parsed(opts, settings=settings, model=model or None, cache=cache, meter=meter)

    @classmethod
    def _from_parsed(
        cls,
        options: BackendOptions,
        *,
        settings: Settings,
        model: str | None,
        cache: ResponseCache | None,
        meter: UsageMeter | None,
    ) -> Self:
        """Construct from validated options; the default calls ``cls(model, options=..., cache=, meter=)``."""
        construct: Any = cls  # the subclass's constructor, whose signature the base class cannot name
        built: Self = construct(model, options=options, cache=cache, meter=meter)
        return built

    @property
    @abstractmethod
    def model_id(self) -> str:
        """The model identifier used in results and cache keys."""

    @abstractmethod
    def _complete(self, request: ChatRequest) -> Completion:
        """Run one request on the backend (raise ``LLMError`` on failure)."""

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        """Run several requests; the default is one after another."""
        return [self._complete(r) for r in requests]

    def cache_variant(self) -> dict[str, Any]:
        """Backend options that change reply text, mixed into cache keys (none by default)."""
        return {}

    def info(self) -> dict[str, Any]:
        """What ``kgr llm info`` shows; backends add their own keys."""
        return {"backend": self.backend, "model": self.model_id, "constrained_json": self.constrained}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections); the default has nothing to release."""

    # -- public API ------------------------------------------------------------------------------

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
        """Send one chat request.

        Args:
            messages: a prompt string or a list of turns.
            json_schema: when given, the reply must be JSON valid against it; ``ChatResult.data`` holds it.
            max_tokens: generation limit.
            temperature: 0 for greedy decoding.
            seed: sampling seed (``None``: the backend's default).
            stop: stop strings.
            system: an optional system turn put first.

        Raises:
            LLMError: the backend failed, or the reply stayed invalid after one repair attempt.
        """
        request = ChatRequest.create(
            messages,
            json_schema=json_schema,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            system=system,
        )
        return self.chat_many([request])[0]

    def chat_many(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Replies for ``requests`` in order; cache hits are served first, misses go out as one batch.

        Raises:
            LLMError: a request failed, or its reply stayed invalid after the repair (the replies that
                were valid are cached before the error is raised).
        """
        results: list[ChatResult | None] = [None] * len(requests)
        keys: list[str | None] = [None] * len(requests)
        pending: list[int] = []

        def done(i: int, result: ChatResult) -> None:
            results[i] = result
            key = keys[i]
            if key is not None:
                self._to_cache(key, result)

        for i, request in enumerate(requests):
            if self.cache is not None:
                request_key = cache_key(self.backend, self.model_id, request, self.cache_variant())
                keys[i] = request_key
                hit = self._from_cache(request_key)
                if hit is not None:
                    results[i] = hit
                    self.meter.record_cache_hit()
                    continue
            pending.append(i)

        if pending:
            failed: list[LLMError] = []
            completions = self._run_each([requests[i] for i in pending], failed)
            sent = [(i, c) for i, c in zip(pending, completions, strict=True) if c is not None]
            checked = [(i, c, self._check(requests[i], c)[1]) for i, c in sent]
            retry = [(i, c, e) for i, c, e in checked if e is not None]
            for i, c, err in checked:
                if err is None:
                    done(i, self._result(c, requests[i], [c]))
            if retry:
                repairs = [self._repair_request(requests[i], c, err) for i, c, err in retry]
                for _ in repairs:
                    self.meter.record_repair()
                second = self._run_each(repairs, failed)
                for (i, first, _err), c2 in zip(retry, second, strict=True):
                    if c2 is None:
                        continue
                    _, err2 = self._check(requests[i], c2)
                    if err2 is not None:
                        self.meter.record_failure()
                        failed.append(
                            LLMError(
                                f"{self.backend} model {self.model_id} returned invalid output after one "
                                f"repair attempt: {err2}",
                                hint="use a stronger model, a simpler schema or a larger --max-tokens",
                            )
                        )
                        continue
                    done(i, replace(self._result(c2, requests[i], [first, c2]), repaired=True))
            if failed:
                error = failed[0]
                if len(requests) > 1:
                    error = LLMError(
                        f"{len(failed)} of {len(requests)} requests failed; the first: {failed[0].message}",
                        hint=failed[0].hint,
                    )
                error.partial = list(results)  # the valid replies, None where a request failed
                raise error

        final = [r for r in results if r is not None]
        assert len(final) == len(requests)
        return final

    # -- internals -------------------------------------------------------------------------------

    def _run_each(self, batch: Sequence[ChatRequest], failed: list[LLMError]) -> list[Completion | None]:
        """``_run`` on the batch; when the batch fails, each request alone, so a request that fails fails
        alone (``None``, its error appended to ``failed``). A batch of one fails as it is."""
        try:
            return list(self._run(batch))
        except LLMError as exc:
            if len(batch) == 1:
                failed.append(exc)
                return [None]
        out: list[Completion | None] = []
        for request in batch:
            try:
                out.append(self._run([request])[0])
            except LLMError as exc:
                failed.append(exc)
                out.append(None)
        return out

    def _run(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        start = time.perf_counter()
        try:
            completions = self._complete_many(requests)
        except LLMError:
            self.meter.record_failure()
            raise
        wall_ms = (time.perf_counter() - start) * 1000
        if len(completions) != len(requests):
            raise LLMError(f"{self.backend} returned {len(completions)} replies for {len(requests)} requests")
        out = []
        for c in completions:
            if c.latency_ms <= 0:
                c = replace(c, latency_ms=wall_ms / max(1, len(requests)))
            self.meter.record_call(c.prompt_tokens, c.completion_tokens, c.latency_ms)
            out.append(c)
        return out

    @staticmethod
    def _check(request: ChatRequest, completion: Completion) -> tuple[Completion, str | None]:
        if request.json_schema is None:
            return completion, None
        try:
            parse_and_validate(completion.text, request.json_schema)
        except InvalidOutput as exc:
            return completion, str(exc)
        return completion, None

    @staticmethod
    def _repair_request(request: ChatRequest, bad: Completion, error: str) -> ChatRequest:
        """The single repair: quote the error and decode with a repetition penalty.

        A reply cut off at the token limit is usually a loop (``0.0000...``); quoting it would prime the
        same loop, so the original turns are asked again, with the penalty only.
        """
        penalty = request.repeat_penalty or REPAIR_REPEAT_PENALTY
        if bad.finish_reason == "length":
            return replace(request, repeat_penalty=penalty)
        turns = (*request.messages, Message("assistant", bad.text), Message("user", repair_prompt(error)))
        return replace(request, messages=turns, repeat_penalty=penalty)

    def _result(self, last: Completion, request: ChatRequest, calls: Sequence[Completion]) -> ChatResult:
        data = parse_and_validate(last.text, request.json_schema) if request.json_schema is not None else None
        return ChatResult(
            text=last.text,
            data=data,
            prompt_tokens=sum(c.prompt_tokens for c in calls),
            completion_tokens=sum(c.completion_tokens for c in calls),
            latency_ms=round(sum(c.latency_ms for c in calls), 3),
            backend=self.backend,
            model=self.model_id,
            finish_reason=last.finish_reason,
        )

    def _from_cache(self, key: str) -> ChatResult | None:
        assert self.cache is not None
        entry = self.cache.get(key)
        if entry is None:
            return None
        try:
            return ChatResult(
                text=str(entry["text"]),
                data=entry.get("data"),
                prompt_tokens=int(entry.get("prompt_tokens", 0)),
                completion_tokens=int(entry.get("completion_tokens", 0)),
                latency_ms=float(entry.get("latency_ms", 0.0)),
                backend=self.backend,
                model=self.model_id,
                cached=True,
                repaired=bool(entry.get("repaired", False)),
                finish_reason=entry.get("finish_reason"),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def _to_cache(self, key: str, result: ChatResult) -> None:
        assert self.cache is not None
        entry = result.to_dict()
        entry.pop("cached", None)
        try:
            self.cache.put(key, entry)
        except OSError as exc:  # a full or read-only disk must not fail the answer
            import logging

            logging.getLogger(__name__).warning("could not write LLM cache entry: %s", exc)

"""Token accounting: a thread-safe meter that every chat model reports to.

Strategies read it around a question to fill ``Answer.llm_calls``, ``prompt_tokens`` and
``completion_tokens``::

    before = meter.snapshot()
    ...  # model calls
    used = meter.snapshot() - before

A response served from the cache is not a call to the backend: it is counted in ``cache_hits`` and adds
no tokens.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Usage:
    """A reading of a ``UsageMeter`` (or the difference of two readings)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    repairs: int = 0
    failures: int = 0
    latency_ms: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __sub__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls - other.calls,
            prompt_tokens=self.prompt_tokens - other.prompt_tokens,
            completion_tokens=self.completion_tokens - other.completion_tokens,
            cache_hits=self.cache_hits - other.cache_hits,
            repairs=self.repairs - other.repairs,
            failures=self.failures - other.failures,
            latency_ms=self.latency_ms - other.latency_ms,
        )

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


class UsageMeter:
    """Counts backend calls, tokens, cache hits and repairs; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage = Usage()

    def record_call(self, prompt_tokens: int, completion_tokens: int, latency_ms: float) -> None:
        """Record one request that reached the backend."""
        with self._lock:
            u = self._usage
            self._usage = Usage(
                calls=u.calls + 1,
                prompt_tokens=u.prompt_tokens + prompt_tokens,
                completion_tokens=u.completion_tokens + completion_tokens,
                cache_hits=u.cache_hits,
                repairs=u.repairs,
                failures=u.failures,
                latency_ms=u.latency_ms + latency_ms,
            )

    def record_cache_hit(self) -> None:
        """Record a response served from the on-disk cache (no backend call)."""
        self._bump(cache_hits=1)

    def record_repair(self) -> None:
        """Record a re-ask after output failed validation."""
        self._bump(repairs=1)

    def record_failure(self) -> None:
        """Record a request that ended in ``LLMError``."""
        self._bump(failures=1)

    def _bump(self, *, cache_hits: int = 0, repairs: int = 0, failures: int = 0) -> None:
        with self._lock:
            u = self._usage
            self._usage = Usage(
                calls=u.calls,
                prompt_tokens=u.prompt_tokens,
                completion_tokens=u.completion_tokens,
                cache_hits=u.cache_hits + cache_hits,
                repairs=u.repairs + repairs,
                failures=u.failures + failures,
                latency_ms=u.latency_ms,
            )

    def snapshot(self) -> Usage:
        """The current totals (an immutable ``Usage``)."""
        with self._lock:
            return self._usage

    def reset(self) -> None:
        with self._lock:
            self._usage = Usage()

    # Convenience accessors, so a meter reads like the fields it fills.
    @property
    def calls(self) -> int:
        return self.snapshot().calls

    @property
    def prompt_tokens(self) -> int:
        return self.snapshot().prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.snapshot().completion_tokens

    @property
    def cache_hits(self) -> int:
        return self.snapshot().cache_hits

    def __repr__(self) -> str:
        u = self.snapshot()
        return (
            f"UsageMeter(calls={u.calls}, prompt_tokens={u.prompt_tokens}, "
            f"completion_tokens={u.completion_tokens}, cache_hits={u.cache_hits})"
        )

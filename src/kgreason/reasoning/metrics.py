"""QA evaluation metrics: Hits@k over a ranked prediction, F1 over answer sets, latency percentiles.

Pure functions of their arguments (no I/O, no clock). ``aggregate`` turns one ``QuestionResult`` per
question into the summary ``kgr eval qa --json`` prints: ``n``, ``hits@1``, ``hits@5``, ``precision``,
``recall``, ``f1`` (means over questions), ``latency_ms_mean``/``_p50``/``_p95``, ``llm_calls`` and
``tokens`` (means per question) with their totals, and ``errors`` (questions that failed; they score 0).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """What a strategy produced for one question, next to the gold answers.

    ``predicted`` is ranked, best first (Hits@k looks at it); ``answer_set`` is the set the strategy
    asserts as the answer (F1 is computed on it; ``None`` means all of ``predicted``); ``error`` is set
    when answering failed.
    """

    predicted: tuple[str, ...]
    gold: tuple[str, ...]
    latency_ms: float = 0.0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None
    answer_set: tuple[str, ...] | None = None

    @property
    def asserted(self) -> tuple[str, ...]:
        """What F1 is computed on: ``answer_set`` when given, else ``predicted``."""
        return self.predicted if self.answer_set is None else self.answer_set


def hits_at_k(predicted: Sequence[str], gold: Collection[str], k: int) -> float:
    """1.0 if any gold answer is among the first ``k`` predictions, else 0.0."""
    if k < 1:
        raise ValueError("k must be >= 1")
    wanted = set(gold)
    return 1.0 if any(p in wanted for p in predicted[:k]) else 0.0


def precision_recall_f1(predicted: Iterable[str], gold: Iterable[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted answer set against the gold set.

    Both empty counts as a perfect answer (1, 1, 1); exactly one empty scores 0 for F1.
    """
    pred, true = set(predicted), set(gold)
    if not pred and not true:
        return 1.0, 1.0, 1.0
    if not pred or not true:
        return 0.0, 0.0, 0.0
    overlap = len(pred & true)
    precision = overlap / len(pred)
    recall = overlap / len(true)
    f1 = 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def answer_f1(predicted: Iterable[str], gold: Iterable[str]) -> float:
    """F1 of the predicted answer set against the gold set."""
    return precision_recall_f1(predicted, gold)[2]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation between order statistics
    (numpy's default method); 0.0 for no values."""
    if not 0 <= q <= 100:
        raise ValueError("q must be in [0, 100]")
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lower = math.floor(pos)
    upper = min(lower + 1, len(ordered) - 1)
    frac = pos - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * frac


def latency_stats(latencies_ms: Sequence[float]) -> dict[str, float]:
    """``latency_ms_mean``, ``latency_ms_p50`` and ``latency_ms_p95``."""
    mean = sum(latencies_ms) / len(latencies_ms) if latencies_ms else 0.0
    return {
        "latency_ms_mean": mean,
        "latency_ms_p50": percentile(latencies_ms, 50),
        "latency_ms_p95": percentile(latencies_ms, 95),
    }


def aggregate(results: Sequence[QuestionResult]) -> dict[str, float | int]:
    """Summary metrics over questions (means per question; see the module docstring for the keys)."""
    n = len(results)

    def mean(values: Iterable[float]) -> float:
        return sum(values) / n if n else 0.0

    prf = [precision_recall_f1(r.asserted, r.gold) if r.error is None else (0.0, 0.0, 0.0) for r in results]
    llm_calls = sum(r.llm_calls for r in results)
    tokens = sum(r.prompt_tokens + r.completion_tokens for r in results)
    summary: dict[str, float | int] = {
        "n": n,
        "hits@1": mean(hits_at_k(r.predicted, r.gold, 1) if r.error is None else 0.0 for r in results),
        "hits@5": mean(hits_at_k(r.predicted, r.gold, 5) if r.error is None else 0.0 for r in results),
        "precision": mean(p for p, _, _ in prf),
        "recall": mean(r for _, r, _ in prf),
        "f1": mean(f for _, _, f in prf),
    }
    summary.update(latency_stats([r.latency_ms for r in results]))
    summary.update(
        {
            "llm_calls": llm_calls / n if n else 0.0,
            "llm_calls_total": llm_calls,
            "tokens": tokens / n if n else 0.0,
            "tokens_total": tokens,
            "errors": sum(1 for r in results if r.error is not None),
        }
    )
    return summary

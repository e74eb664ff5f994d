"""Metrics against values computed by hand."""

from __future__ import annotations

import pytest

from kgreason.reasoning.metrics import (
    QuestionResult,
    aggregate,
    answer_f1,
    hits_at_k,
    latency_stats,
    percentile,
    precision_recall_f1,
)


def test_hits_at_k() -> None:
    ranked = ["x", "y", "gold", "z", "w", "v"]
    assert hits_at_k(ranked, {"gold"}, 1) == 0.0
    assert hits_at_k(ranked, {"gold"}, 3) == 1.0
    assert hits_at_k(ranked, {"gold"}, 5) == 1.0
    assert hits_at_k(["v", "w", "x", "y", "z", "gold"], {"gold"}, 5) == 0.0
    assert hits_at_k([], {"gold"}, 5) == 0.0
    assert hits_at_k(["a"], set(), 1) == 0.0
    with pytest.raises(ValueError):
        hits_at_k(ranked, {"gold"}, 0)


def test_precision_recall_f1() -> None:
    # predicted {a, b, c}, gold {b, c, d, e}: overlap 2 -> P = 2/3, R = 2/4, F1 = 2PR/(P+R) = 4/7
    p, r, f = precision_recall_f1(["a", "b", "c"], ["b", "c", "d", "e"])
    assert (p, r) == pytest.approx((2 / 3, 1 / 2))
    assert f == pytest.approx(4 / 7)
    assert answer_f1(["a", "a", "b"], ["a", "b"]) == 1.0  # a set: duplicates do not count twice
    assert answer_f1(["x"], ["y"]) == 0.0
    assert answer_f1([], ["y"]) == 0.0
    assert answer_f1(["x"], []) == 0.0
    assert answer_f1([], []) == 1.0


def test_percentile_interpolates_linearly() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 50) == 25.0  # position 1.5 -> halfway between 20 and 30
    assert percentile(values, 95) == pytest.approx(38.5)  # position 2.85 -> 30 + 0.85 * 10
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_latency_stats() -> None:
    stats = latency_stats([100.0, 300.0, 200.0])
    assert stats == {
        "latency_ms_mean": 200.0,
        "latency_ms_p50": 200.0,
        "latency_ms_p95": pytest.approx(290.0),
    }


def test_aggregate_by_hand() -> None:
    results = [
        # hit@1; F1 over the answer set {a} vs {a, b}: P 1, R 1/2, F1 2/3
        QuestionResult(("a", "x"), ("a", "b"), latency_ms=100, llm_calls=2, prompt_tokens=50,
                       completion_tokens=10, answer_set=("a",)),
        # hit only at rank 3 (hits@5); predicted set {x, y, b} vs {b}: P 1/3, R 1, F1 1/2
        QuestionResult(("x", "y", "b"), ("b",), latency_ms=300, llm_calls=1, prompt_tokens=20,
                       completion_tokens=0),
        # failed: scores 0 everywhere, still counted
        QuestionResult((), ("c",), latency_ms=200, error="boom"),
    ]  # fmt: skip
    summary = aggregate(results)
    assert summary["n"] == 3
    assert summary["hits@1"] == pytest.approx(1 / 3)
    assert summary["hits@5"] == pytest.approx(2 / 3)
    assert summary["f1"] == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)
    assert summary["precision"] == pytest.approx((1 + 1 / 3) / 3)
    assert summary["recall"] == pytest.approx((1 / 2 + 1) / 3)
    assert summary["latency_ms_mean"] == 200.0
    assert summary["latency_ms_p50"] == 200.0
    assert summary["latency_ms_p95"] == pytest.approx(290.0)
    assert summary["llm_calls"] == 1.0
    assert summary["llm_calls_total"] == 3
    assert summary["tokens"] == pytest.approx(80 / 3)
    assert summary["tokens_total"] == 80
    assert summary["errors"] == 1


def test_aggregate_of_nothing() -> None:
    summary = aggregate([])
    assert summary["n"] == 0
    assert summary["hits@1"] == summary["f1"] == summary["latency_ms_p50"] == 0.0

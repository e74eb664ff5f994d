"""One evaluation harness for every strategy: run a QA set through an ``Engine`` and score it.

Per question it records the ranked answers, the answer set (what F1 is computed on), latency, LLM calls
and tokens, and whether the answer is faithful (its answer entities appear in its evidence and nothing
was flagged unsupported). With ``use_topic`` (the default) a question's ``topic_entity`` is given to the
engine, as benchmark protocols do; without it the engine links the question itself and linking accuracy
is reported too.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgreason.qa_file import QAItem
from kgreason.reasoning.metrics import QuestionResult, aggregate
from kgreason.types import Answer

if TYPE_CHECKING:  # only for the annotation: the engine imports this module when it evaluates
    from kgreason.reasoning.engine import Engine


@dataclass(frozen=True)
class EvalRecord:
    """One question's outcome."""

    item: QAItem
    answer: Answer | None
    result: QuestionResult
    faithful: bool
    linked_topic: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.item.question,
            "gold": list(self.item.answers),
            "predicted": list(self.result.predicted[:10]),
            "answer_set": list(self.result.answer_set or ()),
            "hit@1": bool(self.result.predicted[:1] and self.result.predicted[0] in self.item.answers),
            "faithful": self.faithful,
            "linked_topic": self.linked_topic,
            "latency_ms": round(self.result.latency_ms, 3),
            "llm_calls": self.result.llm_calls,
            "error": self.result.error,
        }


def answer_set(answer: Answer) -> tuple[str, ...]:
    """What an answer asserts: its literal value (a count, yes/no) when it has one, else its answers."""
    return (answer.value,) if answer.value is not None else answer.answers


def ranked(answer: Answer) -> tuple[str, ...]:
    """The ranking Hits@k looks at: the asserted answer first, then the candidates."""
    return tuple(dict.fromkeys([*answer_set(answer), *answer.entities]))


def select(items: Sequence[QAItem], *, limit: int | None, seed: int) -> list[QAItem]:
    """A reproducible sample of ``limit`` items (all of them, in order, when ``limit`` is None)."""
    if limit is None or limit >= len(items):
        return list(items)
    picked = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in picked]


def evaluate(
    engine: Engine,
    items: Sequence[QAItem],
    *,
    use_topic: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, Any], list[EvalRecord]]:
    """Answer every item and return (summary, per-question records)."""
    records: list[EvalRecord] = []
    for item in items:
        topic = item.topic_entity if use_topic else None
        started = time.perf_counter()
        answer: Answer | None = None
        error: str | None = None
        try:
            answer = engine.ask(item.question, topic=topic)
        except Exception as exc:  # one failing question must not end the run: it scores 0
            error = f"{type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - started) * 1000
        linked = None
        if answer is not None and not use_topic and item.topic_entity is not None:
            seeds: list[dict[str, Any]] = next(
                (list(t.get("seeds", [])) for t in answer.trace if t.get("step") == "link"), []
            )
            linked = bool(seeds) and seeds[0].get("node_id") == item.topic_entity
        result = QuestionResult(
            predicted=ranked(answer) if answer else (),
            gold=item.answers,
            latency_ms=latency,
            llm_calls=answer.llm_calls if answer else 0,
            prompt_tokens=answer.prompt_tokens if answer else 0,
            completion_tokens=answer.completion_tokens if answer else 0,
            error=error,
            answer_set=answer_set(answer) if answer else (),
        )
        faithful = False
        if answer is not None and answer.entities:
            nodes = {n.id for p in answer.evidence for n in p.nodes}
            faithful = not answer.unsupported and all(e in nodes for e in answer.answers)
        records.append(EvalRecord(item, answer, result, faithful, linked))
        if progress is not None:
            progress(1)
    summary: dict[str, Any] = dict(aggregate([r.result for r in records]))
    n = len(records)
    summary["faithfulness"] = sum(r.faithful for r in records) / n if n else 0.0
    linked = [r.linked_topic for r in records if r.linked_topic is not None]
    if linked:
        summary["linking_accuracy"] = sum(linked) / len(linked)
    evidence_tokens = [r.answer.scores.get("evidence_tokens", 0.0) for r in records if r.answer is not None]
    if evidence_tokens:
        summary["evidence_tokens_max"] = max(evidence_tokens)
        summary["evidence_tokens_mean"] = sum(evidence_tokens) / len(evidence_tokens)
    summary["strategy"] = engine.strategy_name
    return summary, records

"""The QA file: one question per line with its gold answer node ids, as JSON lines.

``kgr eval qa``, ``kgr eval make-qa`` and ``kgr train`` read and write it; the evaluation in ``reasoning``
and the GNN training in ``fusion`` both take its items, so it sits below both. Each line is::

    {"question": str, "answers": [node id, ...], "topic_entity": node id, "hops": int, "relations": [str]}

``topic_entity``, ``hops`` and ``relations`` are optional when reading; other keys are kept in ``extra``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgreason.atomic import atomic_write
from kgreason.errors import InputError
from kgreason.graph.loaders import read_json_lines


@dataclass(frozen=True)
class QAItem:
    """One question with its gold answer node ids (sorted) and, when known, how it was made."""

    question: str
    answers: tuple[str, ...]
    topic_entity: str | None = None
    hops: int | None = None
    relations: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": self.question, "answers": list(self.answers)}
        if self.topic_entity is not None:
            out["topic_entity"] = self.topic_entity
        if self.hops is not None:
            out["hops"] = self.hops
        if self.relations:
            out["relations"] = list(self.relations)
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return out


def _item_from(obj: Any, path: str, line: int) -> QAItem:
    def bad(reason: str) -> InputError:
        return InputError(reason, path=path, line=line)

    if not isinstance(obj, dict):
        raise bad("each line must be a JSON object")
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise bad("'question' must be a non-empty string")
    answers = obj.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, str) and a for a in answers):
        raise bad("'answers' must be a list of node ids (non-empty strings)")
    topic = obj.get("topic_entity")
    if topic is not None and (not isinstance(topic, str) or not topic):
        raise bad("'topic_entity' must be a node id (a non-empty string)")
    hops = obj.get("hops")
    if hops is not None and (isinstance(hops, bool) or not isinstance(hops, int) or hops < 0):
        raise bad("'hops' must be a non-negative integer")
    relations = obj.get("relations", [])
    if not isinstance(relations, list) or not all(isinstance(r, str) and r for r in relations):
        raise bad("'relations' must be a list of relation names")
    known = {"question", "answers", "topic_entity", "hops", "relations"}
    return QAItem(
        question=question,
        answers=tuple(dict.fromkeys(answers)),
        topic_entity=topic,
        hops=hops,
        relations=tuple(relations),
        extra={k: v for k, v in obj.items() if k not in known},
    )


def read_qa(path: Path) -> list[QAItem]:
    """Read a QA JSONL file; blank lines are skipped.

    Raises:
        InputError: with the file and line of the first malformed entry.
    """
    return [_item_from(obj, str(path), number) for number, obj in read_json_lines(path)]


def write_qa(path: Path, items: Iterable[QAItem]) -> int:
    """Write ``items`` as QA JSONL (atomically: temporary file, then rename); returns the count."""
    count = 0
    with atomic_write(path, "w") as fh:
        for item in items:
            fh.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count

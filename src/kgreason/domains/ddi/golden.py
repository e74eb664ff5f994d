"""The golden-set evaluation of the ddi pack: recall on documented pairs, false alarms on safe pairs.

A golden ``interaction`` case is a hit when the checker reports the pair at ``min_severity`` or above
and at least one of the case's ``via`` ids is among the interaction's ``via``. A golden ``none`` case is
a false alarm when the checker reports the pair at ``moderate`` or above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.domains.ddi.checker import DdiChecker, Interaction
from kgreason.domains.ddi.dataset import RANK
from kgreason.domains.pack import GoldenCase

ALARM = "moderate"
"""The lowest severity that counts as an alarm on a pair with no known interaction."""


@dataclass
class GoldenReport:
    """Recall and false-alarm numbers with the failing cases."""

    interactions: int = 0
    hits: int = 0
    detected: int = 0
    """Interaction cases reported at all (any severity, any via)."""
    nones: int = 0
    false_alarms: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.interactions if self.interactions else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.nones if self.nones else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "interaction_cases": self.interactions,
            "hits": self.hits,
            "recall": round(self.recall, 4),
            "detected_any": self.detected,
            "none_cases": self.nones,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "misses": self.misses,
            "alarms": self.alarms,
        }


def _summary(case: GoldenCase, found: Interaction | None) -> dict[str, Any]:
    return {
        "drugs": list(case.entities),
        "expected": case.expected,
        "expected_via": list(case.via),
        "min_severity": case.min_level,
        "line": case.line,
        "reported": None
        if found is None
        else {"severity": found.severity, "via": list(found.via), "basis": found.basis},
    }


def evaluate(checker: DdiChecker, cases: Sequence[GoldenCase]) -> GoldenReport:
    """Run every case through ``checker`` (each pair checked on its own)."""
    report = GoldenReport()
    for case in cases:
        result = checker.check(list(case.entities))
        found = result.interactions[0] if result.interactions else None
        if case.expected == "interaction":
            report.interactions += 1
            if found is None:
                report.misses.append(_summary(case, found))
                continue
            report.detected += 1
            severe_enough = not case.min_level or RANK[found.severity] >= RANK[case.min_level]
            right_via = not case.via or bool(set(case.via) & set(found.via))
            if severe_enough and right_via:
                report.hits += 1
            else:
                report.misses.append(_summary(case, found))
        else:
            report.nones += 1
            if found is not None and RANK[found.severity] >= RANK[ALARM]:
                report.false_alarms += 1
                report.alarms.append(_summary(case, found))
    return report

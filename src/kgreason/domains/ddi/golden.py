"""The golden-set evaluation of the ddi pack: recall on documented pairs, false alarms on safe pairs.

A golden ``interaction`` case is a hit when the checker reports the pair at ``min_severity`` or above
and at least one of the case's ``via`` ids is among the interaction's ``via``. A golden ``none`` case is
a false alarm when the checker reports the pair at ``moderate`` or above. ``split_golden`` separates
the cases a curated row answers from the held-out ones only rules and paths can answer.

Whole-list scenarios (``golden_lists.tsv``) are scored by ``evaluate_scenarios``: every expected alert
raised at its minimum severity or above, and no other alert.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgreason.domains.ddi.checker import DdiChecker, Interaction
from kgreason.domains.ddi.dataset import RANK
from kgreason.domains.pack import GoldenCase
from kgreason.domains.tsv import read_tsv

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


def split_golden(
    cases: Sequence[GoldenCase], curated: set[frozenset[str]]
) -> tuple[list[GoldenCase], list[GoldenCase]]:
    """The golden cases with a curated row for their pair, and the held-out rest.

    A curated row answers its pair by itself, so recall on those cases says little about the rules;
    the held-out half is answered only by mechanism rules and graph paths (the ``none`` cases, which
    never have a curated row, go with it).
    """
    with_row = [c for c in cases if frozenset(c.entities) in curated]
    held_out = [c for c in cases if frozenset(c.entities) not in curated]
    return with_row, held_out


@dataclass(frozen=True)
class ListScenario:
    """One whole-list scenario (``golden_lists.tsv``): a medication list and the alerts it must raise."""

    id: str
    drugs: tuple[str, ...]
    expected: dict[str, str]
    """alert id -> minimum severity; no other alert may be raised."""
    source: tuple[str, ...]
    note: str = ""


@dataclass
class ScenarioReport:
    """Expected alerts raised (at their minimum severity or above) and spurious ones."""

    scenarios: int = 0
    expected: int = 0
    raised: int = 0
    spurious: int = 0
    passed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenarios": self.scenarios,
            "passed": self.passed,
            "expected_alerts": self.expected,
            "expected_raised": self.raised,
            "spurious_alerts": self.spurious,
            "failures": self.failures,
        }


def read_scenarios(path: Path, drugs: Collection[str], sources: Collection[str]) -> list[ListScenario]:
    """The scenarios of ``path``; an unknown drug, alert severity or source id is an ``InputError``."""
    out = []
    for row in read_tsv(path, ("id", "drugs", "expected", "source")):
        expected: dict[str, str] = {}
        for item in row.items("expected"):
            alert, _, severity = item.partition(":")
            if severity not in RANK:
                raise row.error(f"expected {item!r}: give alert:severity")
            expected[alert] = severity
        names = row.items("drugs")
        for d in names:
            if d not in drugs:
                raise row.error(f"unknown drug id {d!r}")
        for s in row.items("source"):
            if s not in sources:
                raise row.error(f"unknown source id {s!r}")
        out.append(ListScenario(row.required("id"), names, expected, row.items("source"), row.get("note")))
    return out


def evaluate_scenarios(checker: DdiChecker, scenarios: Sequence[ListScenario]) -> ScenarioReport:
    """Run every scenario's list through ``checker`` and score its whole-list alerts."""
    report = ScenarioReport()
    for s in scenarios:
        report.scenarios += 1
        got = {a.id: a.severity for a in checker.check(list(s.drugs)).alerts}
        missed = {a: sev for a, sev in s.expected.items() if a not in got or RANK[got[a]] < RANK[sev]}
        extra = sorted(set(got) - set(s.expected))
        report.expected += len(s.expected)
        report.raised += len(s.expected) - len(missed)
        report.spurious += len(extra)
        if missed or extra:
            report.failures.append(
                {"id": s.id, "expected": s.expected, "got": got, "missed": missed, "spurious": extra}
            )
        else:
            report.passed += 1
    return report

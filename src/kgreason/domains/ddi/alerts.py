"""Whole-list alerts: risks that come from the medication list as a whole, not from one pair.

Pair checks say warfarin + clopidogrel bleed; they never say that warfarin, clopidogrel and fluoxetine
together are one bleeding problem, nor that an NSAID, a diuretic and an ACE inhibitor together (the
"triple whammy") injure the kidney although no two of them alone is an alarm. The definitions are
``ListAlert`` nodes of the graph (``data/list_alerts.tsv``):

- ``shared``: every drug of the list with an edge ``(drug)-[:HAS_EFFECT|CONTRIBUTES_TO]->(effect)``
  contributes; its weight is the edge's potency (``CONTRIBUTES_TO``: strong 3, moderate 2, weak 1, and
  it replaces the drug's ``HAS_EFFECT`` level; ``HAS_EFFECT``: known 2, possible 1). With at least
  ``min_drugs`` contributors and a score (the sum of weights) of at least ``min_score`` the alert is
  raised at ``severity``, one level up (never above major) from ``escalate_score``.
- ``combination``: each of the ``roles`` (effect ids) must be carried by a different drug; every drug
  carrying any role is named.

Each contributing drug's effect edge, with its sources, is the alert's evidence.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kgreason.domains.ddi.dataset import RANK
from kgreason.domains.ddi.explain import alert_text
from kgreason.domains.ddi.graph import CONTRIBUTES_TO, HAS_EFFECT
from kgreason.domains.ddi.rules import up
from kgreason.types import Edge, Node, Path

WEIGHTS = {"strong": 3, "moderate": 2, "weak": 1, "known": 2, "possible": 1}

Facts = Mapping[str, Mapping[str, Mapping[str, tuple[Edge, Node]]]]
"""drug id -> relation -> middle node id -> (edge, middle node), as the checker reads them."""


@dataclass(frozen=True)
class Contribution:
    """One drug's effect edge counted by an alert."""

    drug: str
    effect: str
    grade: str
    weight: int
    path: Path

    @property
    def sources(self) -> list[str]:
        return sorted({str(s) for s in self.path.edges[0].properties.get("source", [])})

    def to_dict(self) -> dict[str, Any]:
        edge = self.path.edges[0]
        return {
            "drug": self.drug,
            "effect": self.effect,
            "relation": edge.type,
            "grade": self.grade,
            "weight": self.weight,
            "path": f"{self.drug} -[{edge.type}]-> {self.effect}",
            "sources": self.sources,
        }


@dataclass(frozen=True)
class ListAlert:
    """One whole-list alert: every contributing drug, graded by count and potency."""

    id: str
    kind: str
    drugs: tuple[str, ...]
    severity: str
    effect: str
    name: str
    mechanism: str
    management: str
    score: int
    evidence: tuple[Contribution, ...]
    sources: tuple[str, ...]
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "drugs": list(self.drugs),
            "severity": self.severity,
            "effect": self.effect,
            "mechanism": self.mechanism,
            "evidence": [c.to_dict() for c in self.evidence],
            "alert": self.id,
            "kind": self.kind,
            "name": self.name,
            "score": self.score,
            "management": self.management,
            "sources": list(self.sources),
            "explanation": self.explanation,
        }


def contributions(
    effect: str, ids: Sequence[str], nodes: Mapping[str, Node], facts: Facts
) -> list[Contribution]:
    """The drugs of ``ids`` that carry ``effect``, in list order, with their weights."""
    out = []
    for d in ids:
        found = facts[d].get(CONTRIBUTES_TO, {}).get(effect) or facts[d].get(HAS_EFFECT, {}).get(effect)
        if found is None:
            continue
        edge, middle = found
        grade = str(edge.properties.get("potency") or edge.properties.get("level") or "")
        out.append(Contribution(d, effect, grade, WEIGHTS.get(grade, 1), Path((nodes[d], middle), (edge,))))
    return out


def evaluate(
    definitions: Sequence[Node], ids: Sequence[str], nodes: Mapping[str, Node], facts: Facts
) -> list[ListAlert]:
    """The alerts the list ``ids`` raises, most severe first."""
    alerts = []
    for d in definitions:
        p = d.properties
        kind = str(p.get("kind", "shared"))
        roles = [str(r) for r in p.get("roles", [])]
        if kind == "combination":
            per_role = [contributions(r, ids, nodes, facts) for r in roles]
            if not _distinct_assignment([[c.drug for c in cs] for cs in per_role]):
                continue
            evidence = [c for cs in per_role for c in cs]
            severity = str(p["severity"])
        else:
            evidence = contributions(str(p["effect"]), ids, nodes, facts)
            score = sum(c.weight for c in evidence)
            if len(evidence) < int(p.get("min_drugs", 3)) or score < int(p.get("min_score", 0)):
                continue
            severity = str(p["severity"])
            escalate = p.get("escalate_score")
            if escalate is not None and score >= int(escalate):
                severity = up(severity)
        drugs = tuple(dict.fromkeys(c.drug for c in evidence))
        mechanism = str(p.get("mechanism", "")).replace("{n}", _count_word(len(drugs)).capitalize())
        sources = sorted({*map(str, p.get("source", [])), *(s for c in evidence for s in c.sources)})
        best = {c.drug: max(x.weight for x in evidence if x.drug == c.drug) for c in evidence}
        name = str(p.get("name", d.id))
        text = alert_text(name, [nodes[x].name or x for x in drugs], [best[x] for x in drugs], severity)
        alerts.append(
            ListAlert(
                d.id.removeprefix("list_"),
                kind,
                drugs,
                severity,
                str(p.get("effect", "")),
                name,
                mechanism,
                str(p.get("management", "")),
                sum(c.weight for c in evidence),
                tuple(evidence),
                tuple(sources),
                text,
            )
        )
    order = {d: i for i, d in enumerate(ids)}
    alerts.sort(key=lambda a: (-RANK[a.severity], -len(a.drugs), order.get(a.drugs[0], 0), a.id))
    return alerts


def _distinct_assignment(candidates: list[list[str]]) -> bool:
    """Whether each role can be given a different drug (the lists are short: brute force)."""
    if any(not c for c in candidates):
        return False
    return any(len(set(pick)) == len(pick) for pick in itertools.product(*candidates))


def _count_word(n: int) -> str:
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if n < len(words) else str(n)

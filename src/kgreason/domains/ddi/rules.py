"""Mechanism rules of the ddi pack: the graph paths that mean an interaction, and their severity grid.

Pharmacokinetic rules are two-edge paths through a shared enzyme or transporter::

    (a)-[:INHIBITS {strength}]->(m:Enzyme)<-[:SUBSTRATE_OF {sensitivity}]-(b)    a raises b's exposure
    (a)-[:INDUCES {strength}]->(m:Enzyme)<-[:SUBSTRATE_OF {sensitivity}]-(b)     a lowers b's exposure

(and the same through ``Transporter``). A prodrug needs its enzyme::

    (a)-[:INHIBITS {strength}]->(m:Enzyme)<-[:ACTIVATED_BY {sensitivity}]-(b)    b's effect falls

Pharmacodynamic rules are shared effects::

    (a)-[:HAS_EFFECT {level}]->(m:Effect)<-[:HAS_EFFECT {level}]-(b)             additive effect

The grid: a strong modulator with a sensitive substrate is major; strong + moderately sensitive, or
moderate + sensitive, is moderate; moderate + moderate is minor; a weak modulator gives minor; a
``minor`` substrate never gives more than minor. A narrow-therapeutic-index substrate goes one level up
(never above major). Two drugs with the same effect at level ``known`` give the effect's
``pair_severity``; one level down when either is only ``possible``.
"""

from __future__ import annotations

from kgreason.domains.ddi.dataset import RANK, SEVERITIES
from kgreason.domains.ddi.graph import (
    ACTIVATED_BY,
    EFFECT,
    ENZYME,
    HAS_EFFECT,
    INDUCES,
    INHIBITS,
    SUBSTRATE_OF,
    TRANSPORTER,
)
from kgreason.domains.pack import MechanismRule

RULES: tuple[MechanismRule, ...] = (
    MechanismRule(
        "enzyme_inhibition", INHIBITS, SUBSTRATE_OF, ENZYME,
        "a inhibits an enzyme that clears b: b's exposure rises",
    ),
    MechanismRule(
        "enzyme_induction", INDUCES, SUBSTRATE_OF, ENZYME,
        "a induces an enzyme that clears b: b's exposure falls (loss of efficacy)",
    ),
    MechanismRule(
        "transporter_inhibition", INHIBITS, SUBSTRATE_OF, TRANSPORTER,
        "a inhibits a transporter that carries b: b's exposure rises",
    ),
    MechanismRule(
        "transporter_induction", INDUCES, SUBSTRATE_OF, TRANSPORTER,
        "a induces a transporter that carries b: b's exposure falls",
    ),
    MechanismRule(
        "prodrug_activation_inhibition", INHIBITS, ACTIVATED_BY, ENZYME,
        "a inhibits the enzyme that forms b's active metabolite: b's effect falls",
    ),
    MechanismRule(
        "additive_effect", HAS_EFFECT, HAS_EFFECT, EFFECT,
        "a and b share a pharmacodynamic effect: the effect adds up",
    ),
)  # fmt: skip

_GRID = {
    ("strong", "sensitive"): "major",
    ("strong", "moderate"): "moderate",
    ("moderate", "sensitive"): "moderate",
    ("moderate", "moderate"): "minor",
}


def up(severity: str, cap: str = "major") -> str:
    """One level up, never above ``cap``."""
    return SEVERITIES[min(RANK[severity] + 1, RANK[cap])] if RANK[severity] < RANK[cap] else severity


def down(severity: str) -> str:
    """One level down, never below minor."""
    return SEVERITIES[max(RANK[severity] - 1, 0)]


def pk_severity(strength: str, sensitivity: str, *, narrow_ti: bool) -> str:
    """Severity of a modulator of ``strength`` acting on a substrate of ``sensitivity``."""
    if sensitivity == "minor":
        return "minor"
    base = _GRID.get((strength, sensitivity), "minor")
    return up(base) if narrow_ti else base


def pd_severity(pair_severity: str, level_a: str, level_b: str) -> str:
    """Severity of two drugs sharing an effect at ``level_a`` / ``level_b``."""
    if level_a == "possible" or level_b == "possible":
        return down(pair_severity)
    return pair_severity


def max_severity(severities: list[str]) -> str:
    return max(severities, key=RANK.__getitem__)

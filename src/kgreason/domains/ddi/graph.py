"""The ddi pack's graph: the data files as nodes and edges, each fact edge carrying its sources.

Nodes: ``Drug`` (name, brands, synonyms, ``aliases`` for entity linking, class, narrow therapeutic
index), ``Enzyme`` / ``Transporter`` (the FDA's CYP and transporter targets, plus e.g. xanthine oxidase),
``Effect`` (pharmacodynamic classes with their pair severity, mechanism and management). Edges:
``INHIBITS {strength}``, ``INDUCES {strength}``, ``SUBSTRATE_OF {sensitivity}``, ``ACTIVATED_BY
{sensitivity}`` (a prodrug and the enzyme forming its active metabolite), ``HAS_EFFECT {level}``
and the curated ``INTERACTS_WITH {severity, mechanism, via, management}``; every edge has ``source``
(a list of source ids from ``sources.tsv``). Whole-list alerts: ``CONTRIBUTES_TO {potency}`` (a drug's
share of an effect that only counts on the whole list, never for a pair) and ``ListAlert`` nodes (the
alert definitions: thresholds, severity, the effects they count through ``COUNTS`` edges).
"""

from __future__ import annotations

from kgreason.domains.ddi.dataset import DdiData
from kgreason.domains.pack import PackData, PackSchema
from kgreason.types import Edge, Node

DRUG, ENZYME, TRANSPORTER, EFFECT = "Drug", "Enzyme", "Transporter", "Effect"
LIST_ALERT = "ListAlert"
INHIBITS, INDUCES, SUBSTRATE_OF = "INHIBITS", "INDUCES", "SUBSTRATE_OF"
ACTIVATED_BY = "ACTIVATED_BY"
HAS_EFFECT, INTERACTS_WITH = "HAS_EFFECT", "INTERACTS_WITH"
CONTRIBUTES_TO, COUNTS = "CONTRIBUTES_TO", "COUNTS"
FACT_TYPES = (INHIBITS, INDUCES, SUBSTRATE_OF, ACTIVATED_BY, HAS_EFFECT, INTERACTS_WITH, CONTRIBUTES_TO)
LIST_ALERT_PREFIX = "list_"
"""Ids of ``ListAlert`` nodes: ``list_`` + the alert id (``list_triple_whammy``)."""

SCHEMA = PackSchema(
    labels={
        DRUG: "a medicine (English INN id), with brand names and synonyms",
        ENZYME: "a drug-metabolising enzyme (CYP450 isoforms, xanthine oxidase, ...)",
        TRANSPORTER: "a drug transporter (P-gp, BCRP, OATP1B1/1B3, OCT2, MATE1/2-K, OAT1/3)",
        EFFECT: "a pharmacodynamic effect class (QT prolongation, serotonergic, bleeding risk, ...)",
        LIST_ALERT: "a whole-list alert: several drugs sharing an effect, or a named combination",
    },
    relationship_types={
        INHIBITS: "drug inhibits an enzyme/transporter {strength: strong|moderate|weak, source, "
        "time_dependent: true for mechanism-based inhibition}",
        INDUCES: "drug induces an enzyme/transporter {strength: strong|moderate|weak, source}",
        SUBSTRATE_OF: "drug is cleared/carried by an enzyme/transporter "
        "{sensitivity: sensitive|moderate|minor, source}",
        ACTIVATED_BY: "a prodrug whose active metabolite the enzyme forms "
        "{sensitivity: sensitive|moderate|minor, source}",
        HAS_EFFECT: "drug has a pharmacodynamic effect {level: known|possible, source}",
        INTERACTS_WITH: "a curated pair interaction {severity, mechanism, via, management, source}",
        CONTRIBUTES_TO: "drug adds to an effect on the whole list (not a pair alarm) "
        "{potency: strong|moderate|weak, source}",
        COUNTS: "a whole-list alert counts the drugs carrying this effect {source}",
    },
)


_EMPTY: tuple[object, ...] = (None, [])


def build_graph(data: DdiData) -> PackData:
    """Nodes and edges for ``data``."""
    nodes: list[Node] = []
    for d in data.drugs.values():
        props: dict[str, object] = {
            "name": d.name,
            "brands": list(d.brands),
            "synonyms": list(d.synonyms),
            "aliases": [*d.brands, *d.synonyms],
            "drug_class": d.drug_class,
            "narrow_ti": d.narrow_ti,
        }
        nodes.append(Node(d.id, (DRUG,), {k: v for k, v in props.items() if v not in ("", [])}))
    for t in data.targets.values():
        label = ENZYME if t.kind == "enzyme" else TRANSPORTER
        nodes.append(
            Node(
                t.id,
                (label,),
                {"name": t.name, "aliases": list(t.aliases)} if t.aliases else {"name": t.name},
            )
        )
    for e in data.effects.values():
        nodes.append(
            Node(
                e.id,
                (EFFECT,),
                {
                    "name": e.name,
                    "pair_severity": e.pair_severity,
                    "mechanism": e.mechanism,
                    "management": e.management,
                    "source": list(e.source),
                },
            )
        )
    for la in data.list_alerts:
        props = {
            "name": la.name,
            "kind": la.kind,
            "effect": la.effect,
            "roles": list(la.roles),
            "min_drugs": la.min_drugs,
            "min_score": la.min_score,
            "severity": la.severity,
            "escalate_score": la.escalate_score,
            "mechanism": la.mechanism,
            "management": la.management,
            "source": list(la.source),
        }
        nodes.append(
            Node(
                LIST_ALERT_PREFIX + la.id,
                (LIST_ALERT,),
                {k: v for k, v in props.items() if v not in (None, [])},
            )
        )
    edges: dict[str, Edge] = {}
    for la in data.list_alerts:
        for effect in la.roles or (la.effect,):
            _add(edges, Edge(LIST_ALERT_PREFIX + la.id, COUNTS, effect, {"source": list(la.source)}))
    for f in data.pk:
        key = "sensitivity" if f.relation in (SUBSTRATE_OF, ACTIVATED_BY) else "strength"
        facts: dict[str, object] = {key: f.strength, "source": list(f.source)}
        if f.time_dependent:
            facts["time_dependent"] = True
        _add(edges, Edge(f.drug, f.relation, f.target, facts))
    for p in data.pd:
        _add(edges, Edge(p.drug, HAS_EFFECT, p.effect, {"level": p.level, "source": list(p.source)}))
    for le in data.list_effects:
        _add(
            edges,
            Edge(le.drug, CONTRIBUTES_TO, le.effect, {"potency": le.potency, "source": list(le.source)}),
        )
    for c in data.curated:
        a, b = sorted((c.drug_a, c.drug_b))
        _add(
            edges,
            Edge(
                a,
                INTERACTS_WITH,
                b,
                {
                    "severity": c.severity,
                    "mechanism": c.mechanism,
                    "via": list(c.via),
                    "management": c.management,
                    "source": list(c.source),
                },
            ),
        )
    return PackData(nodes=nodes, edges=list(edges.values()))


_STRENGTH_ORDER = {
    "strong": 3, "moderate": 2, "weak": 1,
    "sensitive": 3, "minor": 1,
    "known": 2, "possible": 1,
    "contraindicated": 4, "major": 3,
}  # fmt: skip


def _add(edges: dict[str, Edge], edge: Edge) -> None:
    """One edge per (source, type, target): a repeated fact keeps the strongest grade, all sources."""
    old = edges.get(edge.id)
    if old is None:
        edges[edge.id] = edge
        return
    grade = next(
        (k for k in ("strength", "sensitivity", "level", "severity", "potency") if k in edge.properties), ""
    )
    if not grade:
        return
    keep = old if _STRENGTH_ORDER[old.properties[grade]] >= _STRENGTH_ORDER[edge.properties[grade]] else edge
    merged = dict(keep.properties)
    merged["source"] = sorted({*old.properties["source"], *edge.properties["source"]})
    edges[edge.id] = Edge(edge.source, edge.type, edge.target, merged)

"""Checking a medication list for interactions, on any store holding the ddi pack's graph.

``DdiChecker.check(names)`` resolves the names, reads every fact edge of the resolved drugs with one
``PathQuery`` (one hop, both directions: the same IR runs natively on the memory store and as Cypher on
Neo4j), then, for every pair and in both directions, matches the mechanism rules (``rules.RULES``): two
edges meeting at a shared enzyme, transporter or effect form a path ``a -> m <- b`` that is the
evidence. A curated ``INTERACTS_WITH`` edge overrides the rule severity (the rule paths stay as
evidence). Each interaction also says what the ANSM thesaurus lists for the pair and whether it agrees.
Whole-list alerts (several drugs sharing an effect, named combinations) come from ``alerts.evaluate``
on the same facts.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kgreason.domains.ddi import alerts as list_alerts
from kgreason.domains.ddi.alerts import ListAlert
from kgreason.domains.ddi.ansm import AnsmListing, AnsmThesaurus
from kgreason.domains.ddi.dataset import RANK, SEVERITIES
from kgreason.domains.ddi.explain import interaction_text
from kgreason.domains.ddi.graph import (
    ACTIVATED_BY,
    DRUG,
    HAS_EFFECT,
    INDUCES,
    INTERACTS_WITH,
    LIST_ALERT,
    SUBSTRATE_OF,
)
from kgreason.domains.ddi.names import DrugNames, Resolved
from kgreason.domains.ddi.rules import RULES, pd_severity, pk_severity
from kgreason.domains.pack import LinkPredictor, MechanismRule
from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import GraphStore
from kgreason.types import Edge, Node, Path


@dataclass(frozen=True)
class Hit:
    """One matched mechanism path ``a -[first]-> via <-[second]- b`` with its severity."""

    rule: str
    via: str
    severity: str
    mechanism: str
    management: str
    path: Path

    @property
    def sources(self) -> list[str]:
        return sorted({s for e in self.path.edges for s in e.properties.get("source", [])})

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "via": self.via,
            "severity": self.severity,
            "path": self.path.text(),
            "nodes": list(self.path.node_ids),
            "edges": [e.to_dict() for e in self.path.edges],
            "sources": self.sources,
        }


@dataclass(frozen=True)
class Interaction:
    """One reported pair: severity, mechanism, via, evidence paths, management, basis, sources."""

    drugs: tuple[str, str]
    severity: str
    mechanism: str
    via: tuple[str, ...]
    evidence: tuple[Hit, ...]
    management: str
    basis: str
    sources: tuple[dict[str, Any], ...] = ()
    """Per source: ``kgreason`` (severity, basis, references) and ``ansm`` (covered, listed, general
    ``severity``, ``max_severity`` under stated conditions, the matching entries)."""
    agreement: str = ""
    """``agree`` (ANSM names our severity among its levels for the pair), ``disagree``, ``kgreason_only``
    (ANSM covers both drugs but does not list the pair), ``ansm_not_covered``, ``ansm_unavailable`` or
    ``predicted``."""
    score: float | None = None
    explanation: str = ""
    """Plain language, templated from the mechanism paths (``explain.interaction_text``)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "drugs": list(self.drugs),
            "severity": self.severity,
            "mechanism": self.mechanism,
            "via": list(self.via),
            "evidence": [h.to_dict() for h in self.evidence],
            "management": self.management,
            "basis": self.basis,
            "sources": list(self.sources),
            "agreement": self.agreement,
            "explanation": self.explanation,
        }
        if self.score is not None:
            out["score"] = self.score
        return out


@dataclass
class CheckResult:
    """The answer to one ``check``: resolved and unresolved names, interactions (most severe first)."""

    drugs: list[Resolved]
    unresolved: list[Resolved]
    interactions: list[Interaction]
    ansm_only: list[dict[str, Any]] = field(default_factory=list)
    pairs: int = 0
    elapsed_ms: float = 0.0
    alerts: list[ListAlert] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every input was recognised (else the result covers only the recognised drugs)."""
        return not self.unresolved

    @property
    def corrected(self) -> list[Resolved]:
        return [r for r in self.drugs if r.corrected]

    def summary(self) -> dict[str, int]:
        """Interactions and whole-list alerts per severity, most severe first (zeros included)."""
        out = {s: 0 for s in reversed(SEVERITIES)}
        for i in self.interactions:
            out[i.severity] += 1
        for a in self.alerts:
            out[a.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "summary": self.summary(),
            "drugs": [
                {"input": r.input, "id": r.id, "name": r.name, "method": r.method, "corrected": r.corrected}
                for r in self.drugs
            ],
            "unresolved": [
                {"input": r.input, "suggestions": list(r.suggestions), "reason": r.reason}
                for r in self.unresolved
            ],
            "interactions": [i.to_dict() for i in self.interactions],
            "alerts": [a.to_dict() for a in self.alerts],
            "ansm_only": self.ansm_only,
            "pairs_checked": self.pairs,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


_Facts = dict[str, dict[str, tuple[Edge, Node]]]  # relation -> middle id -> (edge, middle node)


class DdiChecker:
    """Interaction checks against one store holding the ddi graph.

    Args:
        store: the graph (``kgr packs load ddi`` or ``DdiPack.ensure_loaded``).
        ansm: the ANSM thesaurus mapped onto the drug ids, or ``None`` to leave that source out.
        use_curated: apply curated ``INTERACTS_WITH`` pairs (off: the mechanism rules alone, to measure
            what the rules derive by themselves).
    """

    def __init__(
        self, store: GraphStore, ansm: AnsmThesaurus | None = None, *, use_curated: bool = True
    ) -> None:
        self.store = store
        self.ansm = ansm
        self.use_curated = use_curated
        self._names: DrugNames | None = None
        self._alert_defs: list[Node] = []

    @property
    def names(self) -> DrugNames:
        """The name index of the store's ``Drug`` nodes (read once, with the whole-list alert nodes)."""
        if self._names is None:
            entries = []
            for n in self.store.iter_nodes():
                if DRUG in n.labels:
                    entries.append((n.id, n.name, [str(a) for a in n.properties.get("aliases", [])]))
                elif LIST_ALERT in n.labels:
                    self._alert_defs.append(n)
            self._alert_defs.sort(key=lambda n: n.id)
            self._names = DrugNames(entries)
        return self._names

    @property
    def alert_definitions(self) -> list[Node]:
        """The ``ListAlert`` nodes of the store (whole-list alert definitions)."""
        _ = self.names
        return self._alert_defs

    def resolve(self, inputs: Sequence[str]) -> tuple[list[Resolved], list[Resolved]]:
        """Resolved (each drug once, in input order) and unresolved inputs."""
        resolved: list[Resolved] = []
        unresolved: list[Resolved] = []
        seen: set[str] = set()
        for text in inputs:
            r = self.names.resolve(text)
            if r.id is None:
                unresolved.append(r)
            elif r.id not in seen:
                seen.add(r.id)
                resolved.append(r)
        return resolved, unresolved

    def facts(self, drug_ids: Sequence[str]) -> tuple[dict[str, Node], dict[str, _Facts]]:
        """The drug nodes and their fact edges, by relation and middle node, from one path query."""
        query = PathQuery(tuple(drug_ids), (Step(None, "both"),), limit=1_000_000)
        nodes: dict[str, Node] = {}
        facts: dict[str, _Facts] = {d: {} for d in drug_ids}
        for p in self.store.run_path_query(query):
            start, other = p.nodes
            edge = p.edges[0]
            nodes[start.id] = start
            if edge.type == INTERACTS_WITH:
                facts[start.id].setdefault(INTERACTS_WITH, {})[other.id] = (edge, other)
            elif edge.source == start.id:
                facts[start.id].setdefault(edge.type, {})[other.id] = (edge, other)
        for d in drug_ids:
            if d not in nodes:
                node = self.store.get_node(d)
                if node is not None:
                    nodes[d] = node
        return nodes, facts

    def check(self, inputs: Sequence[str], *, predictor: LinkPredictor | None = None) -> CheckResult:
        """Check every pair of the drugs named in ``inputs``."""
        started = time.perf_counter()
        resolved, unresolved = self.resolve(inputs)
        ids = [r.id for r in resolved if r.id is not None]
        interactions: list[Interaction] = []
        ansm_only: list[dict[str, Any]] = []
        alerts: list[ListAlert] = []
        if len(ids) >= 2:
            nodes, facts = self.facts(ids)
            alerts = list_alerts.evaluate(self.alert_definitions, ids, nodes, facts)
            for a, b in itertools.combinations(ids, 2):
                listing = self.ansm.listing(a, b) if self.ansm is not None else None
                found = self._pair(a, b, nodes, facts, listing)
                if found is not None:
                    interactions.append(found)
                elif listing is not None and listing.listed:
                    ansm_only.append(
                        {
                            "drugs": [a, b],
                            "severity": listing.severity,
                            "max_severity": listing.max_severity,
                            "entries": [e.to_dict() for e in listing.entries],
                        }
                    )
            if predictor is not None:
                interactions += self._predicted(ids, predictor, {frozenset(i.drugs) for i in interactions})
        order = {d: i for i, d in enumerate(ids)}
        interactions.sort(key=lambda i: (-RANK[i.severity], order[i.drugs[0]], order[i.drugs[1]]))
        pairs = len(ids) * (len(ids) - 1) // 2
        elapsed = (time.perf_counter() - started) * 1000
        return CheckResult(resolved, unresolved, interactions, ansm_only, pairs, elapsed, alerts)

    # -- one pair --------------------------------------------------------------------------------------
    def _pair(
        self,
        a: str,
        b: str,
        nodes: dict[str, Node],
        facts: dict[str, _Facts],
        listing: AnsmListing | None,
    ) -> Interaction | None:
        hits: list[Hit] = []
        for rule in RULES:
            orientations = ((a, b),) if rule.first == rule.second else ((a, b), (b, a))
            for x, y in orientations:
                hits += self._match(rule, nodes[x], nodes[y], facts[x], facts[y])
        hits.sort(key=lambda h: (-RANK[h.severity], h.rule, h.via))
        curated = facts[a].get(INTERACTS_WITH, {}).get(b) if self.use_curated else None
        if curated is None and not hits:
            return None
        if curated is not None:
            edge = curated[0]
            props = edge.properties
            start = nodes[edge.source]
            end = nodes[edge.target]
            cur = Hit(
                "curated",
                ",".join(props.get("via", [])),
                str(props["severity"]),
                str(props.get("mechanism", "")),
                str(props.get("management", "")),
                Path((start, end), (edge,)),
            )
            severity, basis = cur.severity, "curated"
            via = list(props.get("via", []))
            mechanism, management = cur.mechanism, cur.management
            evidence = (cur, *hits)
        else:
            top = hits[0]
            severity, basis, via = top.severity, "rule", []
            mechanism, management = top.mechanism, top.management
            evidence = tuple(hits)
        for h in hits:
            if h.via not in via:
                via.append(h.via)
        others = [h.mechanism for h in evidence[1:] if h.mechanism and h.mechanism != mechanism]
        if others:
            mechanism = " ".join([mechanism, "Also:", *dict.fromkeys(others)])
        refs = sorted({s for h in evidence for s in h.sources})
        sources, agreement = _sources(severity, basis, refs, listing)
        curated_text = evidence[0].mechanism if basis == "curated" else ""
        explanation = interaction_text(
            (a, b), severity, basis, [(h.rule, h.path) for h in hits], curated_text
        )
        return Interaction(
            (a, b),
            severity,
            mechanism,
            tuple(via),
            evidence,
            management,
            basis,
            sources,
            agreement,
            explanation=explanation,
        )

    @staticmethod
    def _match(rule: MechanismRule, x: Node, y: Node, fx: _Facts, fy: _Facts) -> list[Hit]:
        out: list[Hit] = []
        theirs = fy.get(rule.second, {})
        for mid, (e1, m) in fx.get(rule.first, {}).items():
            if mid not in theirs or rule.middle_label not in m.labels:
                continue
            e2 = theirs[mid][0]
            path = Path((x, m, y), (e1, e2))
            if rule.first == HAS_EFFECT:
                sev = pd_severity(
                    str(m.properties.get("pair_severity", "moderate")),
                    str(e1.properties.get("level")),
                    str(e2.properties.get("level")),
                )
                text = str(m.properties.get("mechanism") or f"Additive {m.name}.")
                manage = str(m.properties.get("management") or f"Monitor for {m.name}.")
                out.append(Hit(rule.name, mid, sev, f"{x.name} and {y.name}: {text}", manage, path))
                continue
            strength = str(e1.properties.get("strength"))
            sensitivity = str(e2.properties.get("sensitivity"))
            if rule.second == ACTIVATED_BY:
                sev = pk_severity(strength, sensitivity, narrow_ti=False)
                text = (
                    f"{x.name} inhibits {m.name} ({strength}); {y.name} is a prodrug ({sensitivity} "
                    f"dependence) that {m.name} turns into its active form: less is formed, so "
                    f"{y.name} works less well."
                )
                manage = {
                    "major": f"Avoid: {y.name} may not work; choose an alternative to {y.name} or to "
                    f"{x.name}.",
                    "moderate": f"Prefer an alternative; otherwise monitor that {y.name} still works.",
                }.get(sev, f"Usually no action needed; watch for reduced {y.name} effect.")
                out.append(Hit(rule.name, mid, sev, text, manage, path))
                continue
            narrow = bool(y.properties.get("narrow_ti", False))
            sev = pk_severity(strength, sensitivity, narrow_ti=narrow)
            verb = "inhibits" if rule.first != INDUCES else "induces"
            effect = "rises" if rule.first != INDUCES else "falls"
            text = (
                f"{x.name} {verb} {m.name} ({strength}); {y.name} is a {sensitivity}"
                f"{' (narrow therapeutic index)' if narrow else ''} {m.name} "
                f"{'substrate' if rule.second == SUBSTRATE_OF else rule.second}: {y.name} exposure {effect}."
            )
            manage = _pk_management(sev, rule.first, x, y, narrow)
            if e1.properties.get("time_dependent"):
                text += (
                    f" The inhibition is time-dependent (mechanism-based): it builds over days and lasts "
                    f"for days after {x.name} is stopped."
                )
                manage += f" Keep the precautions for several days after stopping {x.name}."
            out.append(Hit(rule.name, mid, sev, text, manage, path))
        return out

    def _predicted(
        self, ids: list[str], predictor: LinkPredictor, known: set[frozenset[str]]
    ) -> list[Interaction]:
        out: list[Interaction] = []
        for p in predictor(self.store, ids):
            pair = frozenset((p.source, p.target))
            if p.source == p.target or pair in known or not pair <= set(ids):
                continue
            known.add(pair)
            a, b = sorted(pair, key=ids.index)
            out.append(
                Interaction(
                    (a, b),
                    "minor",
                    f"Predicted by link prediction ({p.model or 'model'}, score {p.score:.2f}); not an "
                    "established interaction.",
                    (),
                    (),
                    "Unverified prediction: check a clinical reference.",
                    "predicted",
                    ({"id": "prediction", "listed": True, "model": p.model, "score": p.score},),
                    "predicted",
                    score=float(p.score),
                )
            )
        return out


def _pk_management(severity: str, relation: str, x: Node, y: Node, narrow: bool) -> str:
    if relation == INDUCES:
        text = {
            "major": f"Avoid: {x.name} can make {y.name} ineffective; if it must be used, increase the "
            f"{y.name} dose and monitor its effect, also after {x.name} is stopped.",
            "moderate": f"Monitor {y.name} efficacy; a dose increase may be needed.",
        }.get(severity, f"Usually no action needed; watch for reduced {y.name} effect.")
    else:
        text = {
            "major": f"Avoid the combination, or reduce the {y.name} dose and monitor closely for "
            f"{y.name} toxicity.",
            "moderate": f"Monitor for {y.name} adverse effects; a dose reduction may be needed.",
        }.get(severity, f"Usually no action needed; watch for {y.name} adverse effects.")
    return text + (f" Monitor {y.name} levels (narrow therapeutic index)." if narrow else "")


def _sources(
    severity: str, basis: str, refs: list[str], listing: AnsmListing | None
) -> tuple[tuple[dict[str, Any], ...], str]:
    ours = {"id": "kgreason", "listed": True, "severity": severity, "basis": basis, "references": refs}
    if listing is None:
        return (ours, {"id": "ansm", "available": False}), "ansm_unavailable"
    ansm: dict[str, Any] = {
        "id": "ansm",
        "available": True,
        "covered": listing.covered,
        "listed": listing.listed,
        "severity": listing.severity,
        "max_severity": listing.max_severity,
        "entries": [e.to_dict() for e in listing.entries],
    }
    if not listing.covered:
        agreement = "ansm_not_covered"
    elif not listing.listed:
        agreement = "kgreason_only"
    else:
        agreement = "agree" if severity in listing.severities else "disagree"
    return (ours, ansm), agreement

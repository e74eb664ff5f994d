"""Plain-language explanations of interactions and whole-list alerts, built from templates.

Every sentence is filled from the mechanism path's nodes and edges (drug, enzyme or effect names,
strengths, the curated mechanism text): nothing is added that the graph does not hold. A language model
may rephrase the result, never supply its facts.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgreason.domains.ddi.graph import ACTIVATED_BY, INDUCES, INHIBITS, SUBSTRATE_OF
from kgreason.types import Node, Path

_ROLE = {"strong": "strongly", "moderate": "moderately", "weak": "weakly"}
_WEIGHT_WORD = {3: "strong", 2: "moderate", 1: "weak"}


def _name(node: Node) -> str:
    return node.name or node.id


def pair_sentence(rule: str, path: Path) -> str:
    """One sentence for a matched rule path ``a -> m <- b`` (or a curated edge ``a - b``)."""
    if len(path.edges) != 2:
        return ""
    a, m, b = path.nodes
    first, second = path.edges
    what = _name(m)
    strength = str(first.properties.get("strength", ""))
    adverb = _ROLE.get(strength, "")
    if first.type == INHIBITS and second.type == SUBSTRATE_OF:
        return (
            f"{_name(a)} {adverb + ' ' if adverb else ''}blocks {what}, which {_name(b)} depends on to "
            f"be cleared or carried, so the amount of {_name(b)} in the body can rise."
        )
    if first.type == INHIBITS and second.type == ACTIVATED_BY:
        return (
            f"{_name(b)} only works once {what} turns it into its active form; {_name(a)} "
            f"{adverb + ' ' if adverb else ''}blocks {what}, so {_name(b)} may work less well."
        )
    if first.type == INDUCES and second.type == SUBSTRATE_OF:
        return (
            f"{_name(a)} {adverb + ' ' if adverb else ''}speeds up {what}, which clears {_name(b)}, so "
            f"{_name(b)} levels can fall and it may work less well."
        )
    return f"{_name(a)} and {_name(b)} both carry a risk of {_lower(what)}; taken together the risk adds up."


def _lower(text: str) -> str:
    """``Bleeding risk`` -> ``bleeding risk``; acronyms (``QT``, ``AV``) stay."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def interaction_text(
    drugs: tuple[str, str], severity: str, basis: str, rules: Sequence[tuple[str, Path]], curated: str
) -> str:
    """The explanation of one pair: the mechanism in plain words, then what the severity means."""
    parts: list[str] = []
    if basis == "curated" and curated:
        parts.append(f"The product labelling describes this combination: {curated}")
    seen: set[str] = set()
    # a minor substrate's exposure change says little (and for a prodrug the sentence would be wrong:
    # blocking its activating enzyme lowers the effect); the curated text covers those pairs
    telling = [(r, p) for r, p in rules if _substrate_grade(p) != "minor"]
    for rule, path in telling[:3]:
        sentence = pair_sentence(rule, path)
        if sentence and sentence not in seen:
            seen.add(sentence)
            parts.append(sentence)
    parts.append(_SEVERITY_MEANS.get(severity, ""))
    return " ".join(p for p in parts if p)


def alert_text(name: str, drug_names: Sequence[str], grades: Sequence[int], severity: str) -> str:
    """The explanation of a whole-list alert: who contributes, how strongly, and what it means."""
    listed = _join([f"{d} ({_WEIGHT_WORD.get(w, 'weak')})" for d, w in zip(drug_names, grades, strict=True)])
    return (
        f"{name}: {listed} each add to the same risk, so the whole list carries more of it than any "
        f"pair shows. {_SEVERITY_MEANS.get(severity, '')}"
    ).strip()


def _substrate_grade(path: Path) -> str:
    return str(path.edges[-1].properties.get("sensitivity", "")) if path.edges else ""


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_SEVERITY_MEANS = {
    "contraindicated": "Contraindicated: the labelling says not to use these together.",
    "major": "Major: avoid the combination or change the treatment unless the benefit clearly outweighs "
    "the risk, with close monitoring.",
    "moderate": "Moderate: usually usable with monitoring or a dose adjustment.",
    "minor": "Minor: usually no action needed beyond awareness.",
}

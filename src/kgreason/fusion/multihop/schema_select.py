"""Schema selection for text2cypher: only the parts of the schema a question needs, within a token budget.

Every label (with its property keys), relationship type (with its keys) and pattern
``(:A)-[:R]->(:B)`` becomes an item with a readable text. Items are scored against the question by a
``RelationScorer`` (sentence embeddings, cached, so graphs with hundreds of types cost one encoding each
once) plus a boost for items touching the labels of the linked entities, and taken best first until the
estimated token budget is spent. A pattern drags in its labels and type, so the prompt never names a
relationship without saying which labels it joins and in which direction.

A relation the graph's owner says otherwise (``wording``: ``bound_for`` is "sent to") is scored by its
name and its phrase, and its pattern line carries the phrase, so a question in people's words finds it
and the model knows what the name means; the query still uses the stored name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kgreason.fusion.retrieve.relation_paths import RelationScorer, humanize
from kgreason.graph.store import GraphSchema, Pattern


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for small-model tokenizers (about 3 characters a token)."""
    return max(1, (len(text) + 2) // 3)


@dataclass
class SelectedSchema:
    """The part of a schema shown to the model, and the full schema the validator checks against."""

    labels: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    node_properties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relationship_properties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    """How the graph's owner says the shown relationship types that people call otherwise."""
    considered: int = 0
    tokens: int = 0

    def text(self) -> str:
        """The schema as prompt lines: labels with keys, then patterns (with how people say the type, when
        the owner has said)."""
        lines = []
        for label in self.labels:
            keys = ", ".join(("id", *self.node_properties.get(label, ())))
            lines.append(f"(:{label} {{{keys}}})")
        for p in self.patterns:
            rel_keys = self.relationship_properties.get(p.type, ())
            props = f" {{{', '.join(rel_keys)}}}" if rel_keys else ""
            said = f'  // said "{self.phrases[p.type]}"' if p.type in self.phrases else ""
            lines.append(f"(:{p.source})-[:{p.type}{props}]->(:{p.target}){said}")
        return "\n".join(lines)


def pattern_text(p: Pattern, phrases: Mapping[str, str] | None = None) -> str:
    """A pattern as words: "person born in city"; "mission bound for (sent to) comet" with a phrase."""
    phrase = (phrases or {}).get(p.type)
    said = f"{humanize(p.type)} ({phrase})" if phrase else humanize(p.type)
    return f"{humanize(p.source)} {said} {humanize(p.target)}"


def select_schema(
    question: str,
    schema: GraphSchema,
    scorer: RelationScorer,
    *,
    budget: int,
    seed_labels: Iterable[str] = (),
    boost: float = 0.15,
    phrases: Mapping[str, str] | None = None,
) -> SelectedSchema:
    """The most relevant labels, types and patterns of ``schema`` for ``question``, within ``budget`` tokens.

    Args:
        question: the user's question.
        schema: the graph's schema (labels, types, keys, patterns with counts).
        scorer: scores readable item texts against the question.
        budget: estimated prompt tokens the schema text may take.
        seed_labels: labels of the linked entities; patterns touching them get ``boost``.
        phrases: how the graph's owner says some relationship types (``wording.Wording.phrases``).
    """
    seeds = set(seed_labels)
    patterns = list(schema.patterns)
    phrases = phrases or {}
    texts = [pattern_text(p, phrases) for p in patterns]
    scores = scorer.score(question, texts) if texts else []
    ranked = sorted(
        zip(scores, patterns, strict=True),
        key=lambda x: (-(x[0] + (boost if {x[1].source, x[1].target} & seeds else 0.0)), -x[1].count),
    )
    out = SelectedSchema(considered=len(patterns) + len(schema.labels) + len(schema.relationship_types))
    used = 0
    for _, p in ranked:
        add_labels = [x for x in dict.fromkeys((p.source, p.target)) if x not in out.labels]
        said = f'  // said "{phrases[p.type]}"' if p.type in phrases else ""
        cost = estimate_tokens(f"(:{p.source})-[:{p.type}]->(:{p.target}){said}\n")
        cost += sum(
            estimate_tokens(f"(:{x} {{id, {', '.join(schema.node_properties.get(x, ()))}}})\n")
            for x in add_labels
        )
        if used + cost > budget:
            continue
        used += cost
        out.patterns.append(p)
        out.labels.extend(add_labels)
        if p.type not in out.types:
            out.types.append(p.type)
    for label in _labels_without_patterns(schema, out.labels):
        cost = estimate_tokens(f"(:{label} {{id}})\n")
        if used + cost <= budget:
            used += cost
            out.labels.append(label)
    out.node_properties = {x: tuple(schema.node_properties.get(x, ())) for x in out.labels}
    out.relationship_properties = {t: tuple(schema.relationship_properties.get(t, ())) for t in out.types}
    out.phrases = {t: phrases[t] for t in out.types if t in phrases}
    out.tokens = used
    return out


def _labels_without_patterns(schema: GraphSchema, chosen: Sequence[str]) -> list[str]:
    in_patterns = {p.source for p in schema.patterns} | {p.target for p in schema.patterns}
    return [x for x in schema.labels if x not in in_patterns and x not in chosen]

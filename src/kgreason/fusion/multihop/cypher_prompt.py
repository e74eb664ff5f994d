"""The prompt of text2cypher: the system messages, few-shot examples made from the selected schema, and
the plan-grammar settings a question's form fixes.

The examples are generated from the selected patterns, never written by hand for one graph: a two-hop
count when the two best patterns chain, one-hop questions with the most relevant nearest the question,
and (for plans) one example shaped like the question itself: a yes/no or two-anchor question, or a filter
or an ordering reusing the question's own number and comparison word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from kgreason.fusion.multihop.cypher_plan import COMPARISON_CUES, END, RANKING_CUES, Filter, Plan
from kgreason.fusion.multihop.schema_select import SelectedSchema
from kgreason.fusion.retrieve.relation_paths import humanize

PLAN_SYSTEM = (
    "You turn a question about a knowledge graph into a query plan: where to start, which relationships "
    "to follow (the inverse goes against the arrow), and whether to return the entities, their count, or "
    "whether such a path exists (yes/no). A second named entity goes in and_start with the path from it "
    "to the same answer. Filters, aggregate, order_by and limit are for conditions, totals and rankings."
)
CYPHER_SYSTEM = (
    "You write one read-only Cypher query for Neo4j that answers the question. Use only the labels, "
    "relationship types and properties in the schema. Reply with the query only."
)

# The question's form (read from its words, ``fusion.question``) shapes the grammar: a tiny model
# copies the examples' minimal plans, so what the form settles is not left to it.
RETURNS_BY_FORM: dict[str, tuple[str, ...]] = {"count": ("count",), "yes_no": ("exists",)}
ANCHOR_STEPS_BY_FORM: dict[str, int] = {"yes_no": 0, "constraint": 1}


def few_shot_examples(
    selected: SelectedSchema,
    starts: Sequence[str],
    plan_mode: bool,
    start_id: str | None = None,
    *,
    few_shot: int,
    form: str = "single",
    second: str | None = None,
    properties: Sequence[str] = (),
    question: str = "",
) -> list[str]:
    """Few-shot examples generated from the selected patterns: a two-hop count when the two best
    patterns chain, then one-hop questions with the most relevant last, nearest the question (tiny
    models lean on the last example). Cypher examples start from ``start_id`` when one is linked.
    Plans get one more example shaped like the question, nearest it: a yes/no or a two-anchor
    question when a ``second`` entity is linked, a filter or an ordering when ``question`` has words
    for one (its number and its comparison or superlative word are reused: the example is as close
    to the question as possible)."""
    subject = starts[0] if starts else "X"
    k = few_shot
    one_hop = [
        (f"What is the {humanize(p.type)} of {subject}?", Plan(subject, True, ((p.type, "out"),)))
        for p in selected.patterns[:k]
    ]
    shots: list[tuple[str, Plan]] = []
    if k >= 2 and len(selected.patterns) >= 2:
        a, b = selected.patterns[0], selected.patterns[1]
        if a.target == b.source:
            q = f"How many things are the {humanize(b.type)} of the {humanize(a.type)} of {subject}?"
            shots.append((q, Plan(subject, True, ((a.type, "out"), (b.type, "out")), "count")))
            one_hop = one_hop[: k - 1]
    shots += reversed(one_hop)
    if plan_mode and k >= 1:
        shaped = _shaped_example(selected, subject, form, second, question if properties else "")
        if shaped is not None:
            shots.append(shaped)
    ident = start_id or "ID"
    literal = "'" + ident.replace("\\", "\\\\").replace("'", "\\'") + "'"
    out = []
    for question, plan in shots:
        if plan_mode:
            answer = json.dumps({k: v for k, v in plan.to_dict().items() if k != "start_is_entity"})
        elif plan.kind not in ("entities", "count") or plan.and_start is not None:
            continue  # the Cypher examples stay the simple ones
        else:  # the simplest Cypher that answers it: validation adds the graph label and the LIMIT
            hops = "".join(
                f"-[:{t}]->(n{i})" if d == "out" else f"<-[:{t}]-(n{i})"
                for i, (t, d) in enumerate(plan.steps, start=1)
            )
            last = f"n{len(plan.steps)}"
            ret = f"count(DISTINCT {last}) AS count" if plan.returns == "count" else f"{last}.id AS answer"
            answer = f"MATCH (n0 {{id: {literal}}}){hops} RETURN {ret}"
        out.append(f"Question: {question}\n{'Plan' if plan_mode else 'Cypher'}: {answer}")
    return out


def _shaped_example(
    selected: SelectedSchema, subject: str, form: str, second: str | None, asked: str
) -> tuple[str, Plan] | None:
    """One example shaped like the question ``asked``: yes/no or two anchors (``second``), or a filter
    or an ordering (``asked`` is empty when the selected labels have no properties)."""
    patterns = selected.patterns
    if not patterns:
        return None
    a = patterns[0]
    if second is not None and form == "yes_no":
        question = f"Is {second} the {humanize(a.type)} of {subject}?"
        return question, Plan(subject, True, ((a.type, "out"),), "exists", and_start=second)
    if second is not None:
        for b in patterns[1:]:
            if b.target == a.target or b.source == a.target:
                direction = "out" if b.target == a.target else "in"
                question = (
                    f"Which {humanize(a.target)} is the {humanize(a.type)} of {subject} "
                    f"and linked to {second} by {humanize(b.type)}?"
                )
                plan = Plan(
                    subject, True, ((a.type, "out"),), and_start=second, and_steps=((b.type, direction),)
                )
                return question, plan
        return None
    if asked:
        return _cue_example(selected, subject, asked)
    return None


_LESS = ("before", "under", "below", "less than", "fewer than")
_MORE = ("after", "over", "above", "more than", "greater than")
_LOW_FIRST = ("oldest", "earliest", "first", "lowest", "smallest", "shortest")


def _cue_example(selected: SelectedSchema, subject: str, question: str) -> tuple[str, Plan] | None:
    """A filter example for "before 1990"-like words, an ordering example for a superlative: over the
    best pattern, on a property of its target label (not its name), with the question's own number."""
    a = selected.patterns[0]
    keys = [k for k in selected.node_properties.get(a.target, ()) if k != "id"]
    keys = [k for k in keys if k not in ("name", "title")] or keys
    if not keys:
        return None
    prop, thing, rel = keys[0], humanize(a.target), humanize(a.type)
    compared = COMPARISON_CUES.search(question)
    if compared is not None:
        words = compared.group(0).lower()
        number = int(re.findall(r"\d+", words)[-1])
        op = "<" if words.startswith(_LESS) else ">" if words.startswith(_MORE) else "="
        op = {"since": ">=", "at least": ">=", "at most": "<="}.get(words.rsplit(" ", 1)[0], op)
        example = f"Which {thing} that is the {rel} of {subject} has {prop} {words}?"
        return example, Plan(subject, True, ((a.type, "out"),), filters=(Filter(END, prop, op, number),))
    ranked = RANKING_CUES.search(question)
    if ranked is not None:
        word = ranked.group(0).lower()
        direction = "asc" if word in _LOW_FIRST else "desc"
        example = f"What is the {word} {thing} that is the {rel} of {subject} (by {prop})?"
        return example, Plan(subject, True, ((a.type, "out"),), order_by=(prop, direction), limit=1)
    return None

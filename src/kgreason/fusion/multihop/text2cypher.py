"""text2cypher with schema selection, validation, the read-only guard and a bounded repair loop.

For one question: the schema is cut down to what the question needs (``schema_select``); a few examples
are generated from the selected patterns; the model either fills in a JSON query plan constrained by a
schema of the real names (``generation="plan"``, compiled by ``cypher_plan``; the default, because a
135M model cannot write Cypher) or writes Cypher itself (``generation="cypher"``). Every query then
passes ``validate_cypher`` (static guard, names, directions, graph scope, LIMIT) and ``run_cypher``
(``EXPLAIN`` must say read-only, READ transaction, timeout, row cap). A problem the validator or the
database reports goes back to the model as a repair turn, at most ``repair_attempts`` times; a guard
refusal ends the attempt and is reported. Every query, sent or refused, is recorded in the ``Answer``
with its reason, and each attempt's validation time goes into the trace. With ``candidates > 1`` several
queries are sampled and the result most of them agree on wins (self-consistency).

Plans follow the question: its form (``fusion.question``) settles what a tiny model would get wrong
(a count question may only return a count; a yes/no question returns ``exists`` with the second named
entity required; a constraint needs a second path), comparison and superlative words require a filter
or an ordering and get an example reusing the question's own number, and each step is turned to point
the way the schema has it from the anchor's labels. ``draft_from_evidence`` builds the answer: a count,
an aggregate or yes/no as ``value`` with the entities the query returned as evidence, else the entities.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from kgreason.errors import GraphError, InputError, LLMError, QueryRefused
from kgreason.fusion.base import Candidate, Context, Draft, Evidence
from kgreason.fusion.multihop.cypher_plan import (
    COMPARISON_CUES,
    END,
    RANKING_CUES,
    Filter,
    Plan,
    PlanError,
    compile_plan,
    plan_schema,
    read_plan,
)
from kgreason.fusion.multihop.cypher_validate import extract_cypher, validate_cypher
from kgreason.fusion.multihop.schema_select import SelectedSchema, select_schema
from kgreason.fusion.recording import digest
from kgreason.fusion.retrieve.relation_paths import RelationScorer, humanize
from kgreason.graph.cypher_guard import QueryResult
from kgreason.graph.store import GraphSchema, GraphStore, Pattern
from kgreason.types import DEFAULT_LABEL, Citation, Edge, Node, Path, QueryRecord

if TYPE_CHECKING:
    from kgreason.fusion.multihop.strategy import MultihopOptions


class CypherStore(Protocol):
    """What text2cypher needs from a store besides the protocol: guarded Cypher."""

    graph: str
    backend: str

    def run_cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        limit: int | None = 1000,
        timeout_s: float | None = None,
    ) -> QueryResult: ...


@dataclass
class Attempt:
    """One generated query and what became of it."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"  # ok | invalid | refused | error
    reason: str | None = None
    rows: tuple[dict[str, Any], ...] = ()
    validate_ms: float = 0.0
    run_ms: float = 0.0
    fixes: list[str] = field(default_factory=list)
    plan: Plan | None = None


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


class Text2Cypher:
    """The text2cypher pipeline over one Neo4j-backed graph (see the module docstring)."""

    def __init__(self, store: GraphStore, options: MultihopOptions, scorer: RelationScorer) -> None:
        self.store = store
        self.options = options
        self.scorer = scorer
        self._schema: GraphSchema | None = None

    @property
    def schema(self) -> GraphSchema:
        """The graph's full schema (read once), which validation checks names against."""
        if self._schema is None:
            self._schema = self.store.schema()
        return self._schema

    # -- prompt -----------------------------------------------------------------------------------------
    def select(self, question: str, seed_labels: Sequence[str]) -> SelectedSchema:
        """The schema parts relevant to ``question`` within the ``schema_tokens`` budget."""
        return select_schema(
            question, self.schema, self.scorer, budget=self.options.schema_tokens, seed_labels=seed_labels
        )

    def examples(
        self,
        selected: SelectedSchema,
        starts: Sequence[str],
        plan_mode: bool,
        start_id: str | None = None,
        *,
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
        k = self.options.few_shot
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
                ret = (
                    f"count(DISTINCT {last}) AS count" if plan.returns == "count" else f"{last}.id AS answer"
                )
                answer = f"MATCH (n0 {{id: {literal}}}){hops} RETURN {ret}"
            out.append(f"Question: {question}\n{'Plan' if plan_mode else 'Cypher'}: {answer}")
        return out

    # -- pipeline ---------------------------------------------------------------------------------------
    def gather(self, ctx: Context) -> Evidence:
        """Generate, validate, run (and repair) queries for ``ctx.question``; rows become evidence."""
        seeds = ctx.store.get_nodes([s.node_id for s in ctx.seeds]) if ctx.seeds else {}
        seed_labels = sorted({x for n in seeds.values() for x in n.labels})
        started = time.perf_counter()
        selected = self.select(ctx.question, seed_labels)
        ctx.note(
            "schema_selection",
            considered=selected.considered,
            labels=selected.labels,
            types=selected.types,
            patterns=len(selected.patterns),
            tokens=selected.tokens,
            ms=round((time.perf_counter() - started) * 1000, 2),
        )
        if not selected.types:
            ctx.note("cypher", error="the graph has no relationship types to query")
            return Evidence()
        plan_mode = self.options.generation == "plan"
        # in question order, so the first named entity is the first start offered
        ordered = [s.node_id for s in sorted(ctx.seeds, key=lambda s: s.start) if s.node_id in seeds]
        start_ids = {seeds[i].name: i for i in dict.fromkeys(ordered)}
        starts = list(start_ids) or selected.labels or [DEFAULT_LABEL]
        properties = list(
            dict.fromkeys(
                k for x in selected.labels for k in selected.node_properties.get(x, ()) if k != "id"
            )
        )
        second = starts[1] if len(start_ids) >= 2 else None
        schema_text = selected.text()
        shots = self.examples(
            selected,
            starts,
            plan_mode,
            next(iter(start_ids.values()), None),
            form=ctx.analysis.form,
            second=second,
            properties=properties,
            question=ctx.question,
        )
        entity_lines = "".join(f"Entity {name!r} has id {i!r}.\n" for name, i in start_ids.items())
        user = (
            f"Schema:\n{schema_text}\n\n"
            + ("Examples:\n" + "\n\n".join(shots) + "\n\n" if shots else "")
            + (entity_lines if not plan_mode else "")
            + f"Question: {ctx.question}\n{'Plan' if plan_mode else 'Cypher'}:"
        )
        messages: list[dict[str, str]] = [
            {"role": "system", "content": PLAN_SYSTEM if plan_mode else CYPHER_SYSTEM},
            {"role": "user", "content": user},
        ]
        json_schema = (
            plan_schema(
                starts,
                selected.types,
                max_hops=self.options.max_hops,
                properties=properties,
                second_anchor=second is not None,
                row_limit=self.options.row_limit,
                min_steps=0 if not start_ids and properties else 1,
                returns=_RETURNS_BY_FORM.get(ctx.analysis.form, ("entities", "count")),
                anchor_steps=_ANCHOR_STEPS_BY_FORM.get(ctx.analysis.form),
                need=[
                    *(["filters"] if COMPARISON_CUES.search(ctx.question) else []),
                    *(["order_by"] if RANKING_CUES.search(ctx.question) else []),
                ],
            )
            if plan_mode
            else None
        )
        anchor_labels = {i: set(n.labels) for i, n in seeds.items()}
        results: list[Attempt] = []
        for k in range(self.options.candidates):
            temperature = 0.0 if k == 0 else 0.7
            final = self._one_candidate(
                ctx,
                messages,
                json_schema,
                start_ids,
                starts,
                temperature,
                seed=k,
                anchor_labels=anchor_labels,
            )
            if final is not None and final.status == "ok":
                results.append(final)
        chosen = _vote(results)
        if chosen is None:
            ctx.note("cypher", error="no valid query")
            return Evidence(notes={"answer_set": []})
        kind, value = result_value(chosen)
        ctx.note(
            "cypher_result",
            query=chosen.query,
            rows=len(chosen.rows),
            candidates_ok=len(results),
            kind=kind,
            value=value,
        )
        rows = list(chosen.rows)
        if kind == "entities" and not any(_has_graph_value(v) for r in rows for v in r.values()):
            # ``RETURN c.id``: string values that are node ids of this graph name answer entities
            ids = [v for r in rows for v in r.values() if isinstance(v, str)][: self.options.max_answers]
            found = ctx.store.get_nodes(ids) if ids else {}
            rows += [{"node": n.to_dict()} for n in found.values()]
        seeds_ = {s.node_id for s in ctx.seeds}
        evidence = _rows_to_evidence(rows, seeds_, self.options.max_answers, skip=_VALUE_COLUMNS)
        notes = dict(evidence.notes)
        notes.update(kind=kind, value=value, plan=chosen.plan)
        return Evidence(evidence.paths, evidence.candidates, notes)

    def _one_candidate(
        self,
        ctx: Context,
        messages: list[dict[str, str]],
        json_schema: dict[str, Any] | None,
        start_ids: Mapping[str, str],
        labels: Sequence[str],
        temperature: float,
        seed: int,
        anchor_labels: Mapping[str, set[str]] | None = None,
    ) -> Attempt | None:
        turns = list(messages)
        last: Attempt | None = None
        for attempt_no in range(1 + self.options.repair_attempts):
            try:
                extra: dict[str, Any] = {"seed": seed} if temperature > 0 else {}
                if json_schema is None:
                    extra["stop"] = ["\n\n", "Question:"]  # one query, not a continued few-shot page
                # a plan with a second anchor or a filter runs past 120 tokens
                max_tokens = 120 if json_schema is None else 200
                reply = ctx.chat(
                    turns, json_schema=json_schema, max_tokens=max_tokens, temperature=temperature, **extra
                )
            except LLMError as exc:
                ctx.note("cypher_attempt", attempt=attempt_no, status="llm_error", reason=str(exc))
                return last
            text = str(getattr(reply, "text", "") or "")
            attempt = self._attempt(
                ctx, reply, text, json_schema is not None, start_ids, labels, anchor_labels or {}
            )
            last = attempt
            ctx.note(
                "cypher_attempt",
                attempt=attempt_no,
                status=attempt.status,
                query=attempt.query,
                reason=attempt.reason,
                fixes=attempt.fixes,
                validate_ms=round(attempt.validate_ms, 3),
                run_ms=round(attempt.run_ms, 3),
            )
            if attempt.status in ("ok", "refused"):
                return attempt  # a guard refusal is reported, never argued with
            turns = [
                *turns,
                {"role": "assistant", "content": text[:600]},
                {"role": "user", "content": f"That failed: {attempt.reason}. Reply with a corrected answer."},
            ]
        return last

    def _attempt(
        self,
        ctx: Context,
        reply: Any,
        text: str,
        plan_mode: bool,
        start_ids: Mapping[str, str],
        labels: Sequence[str],
        anchor_labels: Mapping[str, set[str]] | None = None,
    ) -> Attempt:
        params: dict[str, Any] = {}
        plan: Plan | None = None
        if plan_mode:
            try:
                plan = read_plan(
                    getattr(reply, "data", None), start_ids, labels, row_limit=self.options.row_limit
                )
            except PlanError as exc:
                reason = f"the reply is not a valid plan: {exc}"
                return self._record(ctx, Attempt(text[:2000], status="invalid", reason=reason))
            plan, plan_fixes = _fix_anchors(plan, list(start_ids.values()))
            plan, turned = orient_plan(plan, anchor_labels or {}, self.schema.patterns)
            plan_fixes += turned
            if plan.order_by is not None and plan.limit is None and ctx.analysis.form == "single":
                plan = replace(plan, limit=1)  # "the oldest film": the first one
                plan_fixes.append("limit 1 for a single answer")
            query, params = compile_plan(plan, self.store.graph, row_limit=self.options.row_limit)
            ctx.note("plan", **plan.to_dict())
        else:
            query = extract_cypher(text)
            plan_fixes = []
        attempt = Attempt(query, params, plan=plan)
        t0 = time.perf_counter()
        try:
            validation = validate_cypher(
                query, self.schema, graph=self.store.graph, row_limit=self.options.row_limit
            )
        except QueryRefused as exc:
            attempt.validate_ms = (time.perf_counter() - t0) * 1000
            attempt.status, attempt.reason = "refused", exc.message
            return self._record(ctx, attempt)
        attempt.validate_ms = (time.perf_counter() - t0) * 1000
        attempt.fixes = [*plan_fixes, *validation.fixes]
        attempt.query = validation.text
        if not validation.ok:
            attempt.status, attempt.reason = "invalid", "; ".join(validation.problems)
            return self._record(ctx, attempt)
        cypher = cast(CypherStore, self.store)
        t1 = time.perf_counter()
        try:
            result = cypher.run_cypher(validation.text, params, limit=self.options.row_limit)
        except QueryRefused as exc:
            attempt.status, attempt.reason = "refused", exc.message
        except InputError as exc:
            attempt.status, attempt.reason = "error", exc.message
        except GraphError as exc:
            attempt.status, attempt.reason = "error", exc.message
        else:
            attempt.status, attempt.rows = "ok", result.rows
        attempt.run_ms = (time.perf_counter() - t1) * 1000
        return self._record(ctx, attempt)

    def _record(self, ctx: Context, attempt: Attempt) -> Attempt:
        refused = None if attempt.status == "ok" else f"{attempt.status}: {attempt.reason}"
        ctx.store.records.append(
            QueryRecord(
                language="cypher",
                text=attempt.query,
                params=dict(attempt.params),
                store=f"{self.store.backend}:{self.store.graph}",
                rows=len(attempt.rows),
                elapsed_ms=attempt.validate_ms + attempt.run_ms,
                refused=refused,
                digest=digest(list(attempt.rows)) if attempt.status == "ok" else "",
            )
        )
        return attempt


def _vote(results: list[Attempt]) -> Attempt | None:
    """The attempt whose answer ids most attempts share (the first such on ties)."""
    if not results:
        return None
    keys = [_answer_key(a.rows) for a in results]
    best, _ = Counter(keys).most_common(1)[0]
    return results[keys.index(best)]


def _answer_key(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted(repr(sorted(r.items())) for r in rows))


def _to_node(d: Mapping[str, Any]) -> Node:
    return Node(str(d["id"]), tuple(d.get("labels") or (DEFAULT_LABEL,)), dict(d.get("properties") or {}))


def _is_node(v: Any) -> bool:
    return isinstance(v, Mapping) and "labels" in v and "id" in v


def _is_rel(v: Any) -> bool:
    return isinstance(v, Mapping) and "type" in v and "source" in v and "target" in v


def _is_path(v: Any) -> bool:
    """A path as the store returns it: node, relationship, node, ... (one node for a zero-length path)."""
    return (
        isinstance(v, list)
        and len(v) % 2 == 1
        and all(_is_node(x) for x in v[::2])
        and all(_is_rel(x) for x in v[1::2])
    )


def _has_graph_value(v: Any) -> bool:
    return _is_node(v) or _is_path(v) or (isinstance(v, list) and any(_has_graph_value(x) for x in v))


# The question's form (read from its words, ``fusion.question``) shapes the grammar: a tiny model
# copies the examples' minimal plans, so what the form settles is not left to it.
_RETURNS_BY_FORM: dict[str, tuple[str, ...]] = {"count": ("count",), "yes_no": ("exists",)}
_ANCHOR_STEPS_BY_FORM: dict[str, int] = {"yes_no": 0, "constraint": 1}

_VALUE_COLUMNS = frozenset({"count", "value", "exists"})
"""Columns of a compiled plan that hold the literal answer, not entities."""


def _format_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, str):
        return value
    return None


def result_value(attempt: Attempt) -> tuple[str, str | None]:
    """What the chosen query answers (``entities``, ``count``, ``aggregate`` or ``exists``) and its
    literal value (``"3"``, ``"yes"``; ``None`` for entities, or an aggregate over nothing). A written
    query (no plan) that returns one row with one number or boolean is read as a count or a yes/no."""
    rows = attempt.rows
    if attempt.plan is not None:
        kind = attempt.plan.kind
        if kind == "entities":
            return kind, None
        column = {"count": "count", "aggregate": "value", "exists": "exists"}[kind]
        raw = rows[0].get(column) if rows else (0 if kind == "count" else False if kind == "exists" else None)
        return kind, _format_value(raw)
    if len(rows) == 1 and len(rows[0]) == 1:
        [(column, raw)] = rows[0].items()
        if isinstance(raw, bool):
            return "exists", _format_value(raw)
        if isinstance(raw, int | float):
            kind = "count" if "count" in column.lower() and isinstance(raw, int) else "aggregate"
            return kind, _format_value(raw)
    return "entities", None


def _orient(
    steps: Sequence[tuple[str, str]], labels: set[str], patterns: Sequence[Pattern]
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Turn a step the schema only has the other way round, following the labels the path can be at
    (none known: every direction is possible, nothing is turned)."""
    out: list[tuple[str, str]] = []
    fixes: list[str] = []
    here = set(labels)
    for k, (type_, direction) in enumerate(steps):
        ahead = {p.target for p in patterns if p.type == type_ and (not here or p.source in here)}
        back = {p.source for p in patterns if p.type == type_ and (not here or p.target in here)}
        if direction == "out" and not ahead and back:
            direction = "in"
            fixes.append(f"step {k + 1} {type_} taken inverse (the schema has it the other way)")
        elif direction == "in" and not back and ahead:
            direction = "out"
            fixes.append(f"step {k + 1} {type_} taken forwards (the schema has it the other way)")
        here = ahead if direction == "out" else back
        out.append((type_, direction))
    return tuple(out), fixes


def orient_plan(
    plan: Plan, anchor_labels: Mapping[str, set[str]], patterns: Sequence[Pattern]
) -> tuple[Plan, list[str]]:
    """``plan`` with each path's steps pointing the way the schema has them, from the anchors' labels
    (a tiny model often follows ``released_by`` forwards from the band instead of inverse)."""

    def labels_of(anchor: str | None, is_entity: bool) -> set[str]:
        if anchor is None:
            return set()
        return set(anchor_labels.get(anchor, ())) if is_entity else {anchor}

    steps, fixes = _orient(plan.steps, labels_of(plan.start, plan.start_is_entity), patterns)
    and_steps, and_fixes = _orient(
        plan.and_steps, labels_of(plan.and_start, plan.and_start_is_entity), patterns
    )
    if not fixes and not and_fixes:
        return plan, []
    return replace(plan, steps=steps, and_steps=and_steps), [*fixes, *(f"and_path {f}" for f in and_fixes)]


def _fix_anchors(plan: Plan, linked: Sequence[str]) -> tuple[Plan, list[str]]:
    """A second anchor equal to the start means the other named entity (tiny models repeat the first
    option): take the first linked entity that is not the start."""
    if plan.and_start is None or plan.and_start != plan.start or not plan.start_is_entity:
        return plan, []
    other = next((i for i in linked if i != plan.start), None)
    if other is None:
        return plan, []
    return replace(plan, and_start=other, and_start_is_entity=True), [f"and_start {plan.start} -> {other}"]


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


def draft_from_evidence(ctx: Context, evidence: Evidence, max_answers: int) -> Draft:
    """The cypher-mode answer: a count, an aggregate or yes/no as ``value`` with the entities the query
    returned as evidence, or the returned entities as ``answers``; every path's edges are cited."""
    notes = evidence.notes
    kind = str(notes.get("kind", "entities"))
    value = notes.get("value")
    ranked = [c.node_id for c in evidence.candidates][:max_answers]
    answer_set = [str(a) for a in notes.get("answer_set", [])]
    answer_set = [a for a in answer_set if a in ranked] or ranked[:1]
    markers: dict[str, str] = {}
    for p in evidence.paths:
        for e in p.edges:
            markers.setdefault(e.id, f"T{len(markers) + 1}")
    names = {n.id: n.name for p in evidence.paths for n in p.nodes}
    citations: list[Citation] = []
    parts = []
    for a in answer_set:
        support = next((p for p in evidence.paths if p.nodes[-1].id == a), None)
        ids = support.edge_ids if support is not None else ()
        for i in ids:
            citations.append(Citation(f"[{markers[i]}]", (i,)))
        marks = "".join(f"[{markers[i]}]" for i in ids)
        parts.append(f"{names.get(a, a)} {marks}".strip())
    listed = "; ".join(parts)
    by_id = {c.node_id: c.score for c in evidence.candidates}
    scores: dict[str, float] = {"answer_set_size": float(len(answer_set))}
    scores.update({f"entity:{r}": round(by_id.get(r, 0.0), 6) for r in ranked})
    plan = notes.get("plan")
    abstained = None if "kind" in notes else "no valid query"
    if kind != "entities":
        form = {"count": "count", "exists": "yes_no"}.get(kind, "single")
        if value is None:
            abstained = "the query found nothing to aggregate"
        text = (str(value) if value is not None else "not found") + (
            f": {listed}" if listed and value else ""
        )
        extreme = isinstance(plan, Plan) and plan.aggregate in ("min", "max")
        counted = tuple(answer_set) if kind == "count" or value == "yes" or extreme else ()
        return Draft(
            text=text,
            entities=tuple(ranked),
            citations=tuple(dict.fromkeys(citations)),
            scores=scores,
            answers=counted,
            value=str(value) if value is not None else None,
            abstained=abstained,
            form=form,
        )
    if isinstance(plan, Plan) and plan.and_start is not None:
        form = "constraint"
    elif ctx.analysis.form in ("single", "list", "constraint"):
        form = ctx.analysis.form
    else:
        form = "list" if len(answer_set) > 1 else "single"
    text = listed or ", ".join(str(x) for x in notes.get("scalars", [])[:10])
    return Draft(
        text=text,
        entities=tuple(ranked),
        citations=tuple(dict.fromkeys(citations)),
        scores=scores,
        answers=tuple(answer_set) if ranked else (),
        abstained=abstained,
        form=form,
    )


def _rows_to_evidence(
    rows: Sequence[Mapping[str, Any]], seeds: set[str], max_answers: int, skip: frozenset[str] = frozenset()
) -> Evidence:
    """Paths and nodes in the result rows (also inside lists) become evidence; their end nodes, the
    ranked answers. Scalars outside ``skip`` are kept as ``key = value`` lines."""
    paths: list[Path] = []
    scalars: list[str] = []

    def take(value: Any) -> bool:
        if _is_path(value):
            nodes = tuple(_to_node(x) for x in value[::2])
            edges = tuple(
                Edge(str(r["source"]), str(r["type"]), str(r["target"]), dict(r.get("properties") or {}))
                for r in value[1::2]
            )
            paths.append(Path(nodes, edges))
        elif _is_node(value):
            paths.append(Path((_to_node(value),)))
        elif isinstance(value, list) and value and all(_has_graph_value(x) for x in value):
            for x in value:
                take(x)
        else:
            return False
        return True

    for row in rows:
        for key, value in row.items():
            if take(value):
                continue
            if key not in skip and (value is None or isinstance(value, str | int | float | bool)):
                scalars.append(f"{key} = {value}")
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for i, p in enumerate(paths):
        end = p.nodes[-1].id
        if end in seen or (end in seeds and len(p.nodes) > 1) or len(candidates) >= max_answers:
            continue
        seen.add(end)
        candidates.append(Candidate(end, 1.0, (i,)))
    answer_set = [c.node_id for c in candidates]
    return Evidence(
        paths=tuple(paths), candidates=tuple(candidates), notes={"answer_set": answer_set, "scalars": scalars}
    )

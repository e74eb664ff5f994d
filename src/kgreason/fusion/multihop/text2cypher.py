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
the way the schema has it from the anchor's labels.

The prompt (system messages, generated examples, the form's grammar settings) comes from
``cypher_prompt``; the queries' rows are voted on, read and turned into the answer in ``cypher_results``
(``draft_from_evidence``: a count, an aggregate or yes/no as ``value`` with the entities the query
returned as evidence, else the entities). This module runs the loop: select, generate, fix the plan,
validate, run, repair, record.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from kgreason.errors import GraphError, InputError, LLMError, QueryRefused
from kgreason.fusion.base import Context, Evidence
from kgreason.fusion.multihop.cypher_plan import (
    COMPARISON_CUES,
    RANKING_CUES,
    Plan,
    PlanError,
    compile_plan,
    plan_schema,
    read_plan,
)
from kgreason.fusion.multihop.cypher_prompt import (
    ANCHOR_STEPS_BY_FORM,
    CYPHER_SYSTEM,
    PLAN_SYSTEM,
    RETURNS_BY_FORM,
    few_shot_examples,
)
from kgreason.fusion.multihop.cypher_results import (
    VALUE_COLUMNS,
    Attempt,
    has_graph_value,
    result_value,
    rows_to_evidence,
    vote,
)
from kgreason.fusion.multihop.cypher_validate import extract_cypher, validate_cypher
from kgreason.fusion.multihop.schema_select import SelectedSchema, select_schema
from kgreason.fusion.recording import digest
from kgreason.fusion.retrieve.relation_paths import RelationScorer
from kgreason.graph.cypher_guard import QueryResult
from kgreason.graph.store import GraphSchema, GraphStore, Pattern
from kgreason.types import DEFAULT_LABEL, QueryRecord

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


class Text2Cypher:
    """The text2cypher pipeline over one Neo4j-backed graph (see the module docstring)."""

    def __init__(
        self,
        store: GraphStore,
        options: MultihopOptions,
        scorer: RelationScorer,
        phrases: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.options = options
        self.scorer = scorer
        self.phrases = dict(phrases or {})
        """How the graph's owner says its relations (``wording.Wording.phrases``): shown in the schema."""
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
            question,
            self.schema,
            self.scorer,
            budget=self.options.schema_tokens,
            seed_labels=seed_labels,
            phrases=self.phrases,
        )

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
        shots = few_shot_examples(
            selected,
            starts,
            plan_mode,
            next(iter(start_ids.values()), None),
            few_shot=self.options.few_shot,
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
                returns=RETURNS_BY_FORM.get(ctx.analysis.form, ("entities", "count")),
                anchor_steps=ANCHOR_STEPS_BY_FORM.get(ctx.analysis.form),
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
        chosen = vote(results)
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
        if kind == "entities" and not any(has_graph_value(v) for r in rows for v in r.values()):
            # ``RETURN c.id``: string values that are node ids of this graph name answer entities
            ids = [v for r in rows for v in r.values() if isinstance(v, str)][: self.options.max_answers]
            found = ctx.store.get_nodes(ids) if ids else {}
            rows += [{"node": n.to_dict()} for n in found.values()]
        seeds_ = {s.node_id for s in ctx.seeds}
        evidence = rows_to_evidence(rows, seeds_, self.options.max_answers, skip=VALUE_COLUMNS)
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

"""The prompt-retrieval strategy.

gather: list the relation paths (*signatures*: relation sequences of 1..k steps) the schema allows from
the linked entities, score each against the question with sentence embeddings, run the best ones as
path queries (recorded, replayable, one Cypher query each on Neo4j) until enough exist around these
entities, and keep their paths within a token budget as cited triples ``[T1]``, ``[T2]``, ... The end
nodes of the best existing signature are the answer set; the rest follow in order.

generate: with ``--llm none`` the ranking is the answer. With an LLM, one constrained call: the model
picks the answer among the best signature's end nodes (a JSON-schema string enum of their names), shown
the facts behind them. With ``tie_margin > 0`` it instead chooses between relation paths that score
that close; off by default, because the bundled 135M model chose worse than the embedding ranking
(SMALL-MODELS.md). The model never writes a free-form entity: what it can say is what the evidence
holds, and the answer text is composed from the cited triples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast

from pydantic import Field

from kgreason.fusion.base import Candidate, Context, Draft, Evidence, Strategy, StrategyOptions
from kgreason.fusion.retrieve.relation_paths import (
    EmbeddingScorer,
    LexicalScorer,
    RelationScorer,
    SignatureGroup,
    candidate_signatures,
    humanize,
    signature_text,
)
from kgreason.graph.path_query import Direction, PathQuery, Step
from kgreason.graph.store import GraphSchema
from kgreason.types import Citation, Edge, Path


class RetrieveOptions(StrategyOptions):
    hops: int = Field(2, ge=1, le=3, description="k: how far from the linked entities to look.")
    token_budget: int = Field(1000, ge=50, description="Evidence tokens put in the prompt (estimated).")
    scorer: Literal["embedding", "lexical"] = "embedding"
    max_queries: int = Field(16, ge=1, description="Path queries tried, best-scoring signatures first.")
    path_limit: int = Field(200, ge=1, description="Paths fetched per relation signature.")
    hop_penalty: float = Field(0.03, ge=0, description="Subtracted per hop beyond the first.")
    inverse_penalty: float = Field(0.06, ge=0, description="Subtracted per step taken against the edge.")
    tie_margin: float = Field(
        0.0, ge=0, description="Ask the LLM to choose between relation paths scoring this close (0: never)."
    )
    prompt_fact_tokens: int = Field(500, ge=50, description="Facts shown to the LLM for its one choice.")
    max_choices: int = Field(8, ge=2, description="At most this many options in one constrained choice.")
    max_answers: int = Field(20, ge=1, description="Ranked answer entities returned.")


def verbalise(edge: Edge) -> str:
    return f"{edge.source} -{humanize(edge.type)}-> {edge.target}"


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for small-model tokenizers (about 3 characters a token)."""
    return max(1, (len(text) + 2) // 3)


class RetrieveStrategy(Strategy):
    """Prompt retrieval over any store."""

    name = "retrieve"
    Options = RetrieveOptions
    options: RetrieveOptions

    def __init__(self, *args: Any, scorer: RelationScorer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scorer = scorer
        self._schema_cache: GraphSchema | None = None

    @property
    def scorer(self) -> RelationScorer:
        if self._scorer is None:
            if self.options.scorer == "lexical":
                self._scorer = LexicalScorer()
            else:
                encoder = self.resources.encoder
                if encoder is None:
                    from kgreason.embed import default_encoder

                    encoder = default_encoder()
                cache = self.resources.cache_dir
                path = (
                    cache / f"relation-paths-{self.store.backend}-{self.store.graph}.npz" if cache else None
                )
                self._scorer = EmbeddingScorer(encoder, path)
        return self._scorer

    # -- gather -----------------------------------------------------------------------------------------
    def _schema(self) -> GraphSchema:
        if self._schema_cache is None:
            self._schema_cache = self.store.schema()
        return self._schema_cache

    def _ranked_groups(self, ctx: Context) -> list[SignatureGroup]:
        opts = self.options
        seeds = [s.node_id for s in ctx.seeds]
        if not seeds:
            ctx.note("gather", error="no entity linked")
            return []
        nodes = ctx.store.get_nodes(seeds)
        # The first steps that really exist at the seeds (one neighbours query each): signatures that
        # start elsewhere are never scored, and the one-hop answers need no further query.
        first: dict[tuple[str, str], list[Path]] = {}
        for seed in seeds:
            if seed not in nodes:
                continue
            for edge, other in ctx.store.neighbors(seed):
                direction = "out" if edge.source == seed else "in"
                if other.id not in set(seeds):
                    first.setdefault((edge.type, direction), []).append(Path((nodes[seed], other), (edge,)))
        labels = {label for n in nodes.values() for label in n.labels}
        signatures = [s for s in candidate_signatures(self._schema(), labels, opts.hops) if s[0] in first]
        if not signatures:
            return []
        masked = ctx.question
        for s in ctx.seeds:
            if s.mention:
                masked = re.sub(re.escape(s.mention), "X", masked, flags=re.IGNORECASE)
        raw = self.scorer.score(masked, [signature_text(sig) for sig in signatures])
        ranked = sorted(
            (
                (
                    sc
                    - opts.hop_penalty * (len(sig) - 1)
                    - opts.inverse_penalty * sum(d == "in" for _, d in sig),
                    sig,
                )
                for sc, sig in zip(raw, signatures, strict=True)
            ),
            key=lambda x: (-x[0], len(x[1]), x[1]),
        )
        groups: list[SignatureGroup] = []
        seed_set = set(seeds)
        tried = 0
        for score, sig in ranked:
            if tried >= opts.max_queries or len(groups) >= opts.max_choices:
                break
            if len(sig) == 1:
                paths = first[sig[0]][: opts.path_limit]
            else:
                tried += 1
                steps = tuple(Step(t, cast(Direction, d)) for t, d in sig)
                query = PathQuery(tuple(seeds), steps, limit=opts.path_limit)
                paths = [p for p in ctx.store.run_path_query(query) if p.nodes[-1].id not in seed_set]
            if paths:
                groups.append(SignatureGroup(sig, paths, score))
        ctx.note(
            "rank_relation_paths",
            candidates=len(signatures),
            queries=tried,
            top=[
                {"path": signature_text(g.signature), "score": round(g.score, 4), "ends": len(g.ends)}
                for g in groups[:5]
            ],
        )
        return groups

    def gather(self, ctx: Context) -> Evidence:
        groups = self._ranked_groups(ctx)
        candidates: list[Candidate] = []
        seen: set[str] = set()
        kept: list[Path] = []
        budget = self.options.token_budget
        used = 0
        cited: set[str] = set()
        for g in groups:
            for p in sorted(g.paths, key=lambda p: (p.node_ids, p.edge_ids)):
                new = [e for e in p.edges if e.id not in cited]
                cost = sum(estimate_tokens(f"[T{len(cited) + 1}] {verbalise(e)}\n") for e in new)
                if used + cost > budget:
                    continue
                used += cost
                cited.update(e.id for e in new)
                kept.append(p)
                end = p.nodes[-1].id
                if end not in seen:
                    seen.add(end)
                    candidates.append(Candidate(end, g.score, (len(kept) - 1,)))
            if used >= budget:
                break
        ctx.note("gather", evidence_paths=len(kept), evidence_tokens=used, candidates=len(candidates))
        top = groups[0] if groups else None
        return Evidence(
            paths=tuple(kept),
            candidates=tuple(candidates),
            notes={
                "groups": groups[: self.options.max_choices],
                "answer_set": [c for c in top.ends if c in seen] if top else [],
                "evidence_tokens": used,
            },
        )

    # -- generate ---------------------------------------------------------------------------------------
    def generate(self, ctx: Context, evidence: Evidence) -> Draft:
        groups: list[SignatureGroup] = list(evidence.notes.get("groups", []))
        answer_set: list[str] = list(evidence.notes.get("answer_set", []))
        ranked = [c.node_id for c in evidence.candidates]
        if ctx.llm is not None and groups:
            answer_set, ranked = self._ask_llm(ctx, evidence, groups, answer_set, ranked)
        save = getattr(self._scorer, "save", None)
        if save is not None:
            save()
        ranked = ranked[: self.options.max_answers]
        answer_set = [a for a in answer_set if a in ranked] or ranked[:1]
        return self._compose(evidence, answer_set, ranked)

    def _ask_llm(
        self,
        ctx: Context,
        evidence: Evidence,
        groups: list[SignatureGroup],
        answer_set: list[str],
        ranked: list[str],
    ) -> tuple[list[str], list[str]]:
        close = [g for g in groups if groups[0].score - g.score <= self.options.tie_margin]
        if len(close) > 1:
            shown = {id(p) for g in close for p in g.paths[:3]}
            facts = self._facts(evidence, lambda p: id(p) in shown)[0]
            options = list(dict.fromkeys(signature_text(g.signature) for g in close))[
                : self.options.max_choices
            ]
            prompt = (
                f"Facts:\n{facts}\n\nQuestion: {ctx.question}\n"
                "Which chain of relations answers the question? Reply with one option."
            )
            choice = self._choose(ctx, prompt, options)
            chosen = next(g for g in close if signature_text(g.signature) == choice)
            ctx.note("llm_choose_relation_path", options=options, chosen=choice)
            first = [e for e in chosen.ends if e in ranked]
            return first, first + [r for r in ranked if r not in first]
        names = {n.id: n.name for p in evidence.paths for n in p.nodes}
        options = list(dict.fromkeys(names[a] for a in answer_set))[: self.options.max_choices]
        if not options:
            return answer_set, ranked
        wanted = set(answer_set)
        facts = self._facts(evidence, lambda p: p.nodes[-1].id in wanted)[0]
        prompt = (
            f"Facts:\n{facts}\n\nQuestion: {ctx.question}\n"
            "Which entity answers the question? Reply with one option."
        )
        choice = self._choose(ctx, prompt, options)
        ctx.note("llm_choose_answer", options=options, chosen=choice)
        picked = [a for a in answer_set if names[a] == choice]
        rest = [a for a in answer_set if a not in picked]
        ordered_set = picked + rest
        return ordered_set, ordered_set + [r for r in ranked if r not in ordered_set]

    def _choose(self, ctx: Context, prompt: str, options: Sequence[str]) -> str:
        schema = {"type": "string", "enum": list(options)}
        messages = [
            {"role": "system", "content": "You answer questions using only the given facts."},
            {"role": "user", "content": prompt},
        ]
        result = ctx.chat(messages, json_schema=schema, max_tokens=64, temperature=0.0)
        value = getattr(result, "data", None)
        return value if isinstance(value, str) and value in options else options[0]

    def _facts(
        self, evidence: Evidence, keep: Callable[[Path], bool] | None = None
    ) -> tuple[str, dict[str, str]]:
        """The evidence as numbered triples (markers fixed over all evidence; with ``keep`` only the lines
        of the paths it accepts, within ``prompt_fact_tokens``), and edge id -> marker."""
        markers: dict[str, str] = {}
        lines = []
        used = 0
        for p in evidence.paths:
            show = keep is None or keep(p)
            for e in p.edges:
                if e.id not in markers:
                    markers[e.id] = f"T{len(markers) + 1}"
                    line = f"[{markers[e.id]}] {verbalise(e)}"
                    cost = estimate_tokens(line + "\n")
                    if show and (keep is None or used + cost <= self.options.prompt_fact_tokens):
                        lines.append(line)
                        used += cost
        return "\n".join(lines), markers

    def _compose(self, evidence: Evidence, answer_set: list[str], ranked: list[str]) -> Draft:
        _, markers = self._facts(evidence)
        names = {n.id: n.name for p in evidence.paths for n in p.nodes}
        citations: list[Citation] = []
        parts = []
        for a in answer_set:
            support = [p for p in evidence.paths if p.nodes[-1].id == a][:1]
            ids = tuple(e.id for p in support for e in p.edges)
            marks = "".join(f"[{markers[i]}]" for i in ids)
            for i in ids:
                citations.append(Citation(f"[{markers[i]}]", (i,)))
            parts.append(f"{names.get(a, a)} {marks}".strip())
        text = "; ".join(parts)
        scores = {
            "answer_set_size": float(len(answer_set)),
            "evidence_tokens": float(evidence.notes.get("evidence_tokens", 0)),
        }
        by_id = {c.node_id: c.score for c in evidence.candidates}
        scores.update({f"entity:{r}": round(by_id.get(r, 0.0), 6) for r in ranked})
        unique = list(dict.fromkeys(citations))
        return Draft(text=text, entities=tuple(ranked), citations=tuple(unique), scores=scores)

"""The ``multihop`` strategy: hop-by-hop path exploration (any store) or text2cypher (Neo4j).

``mode="explore"`` runs ``Explorer`` (relation choice per hop, beam search, the LLM only for close calls)
and answers with the end nodes of the best relation path. ``mode="cypher"`` runs the text2cypher
pipeline (``text2cypher.Text2Cypher``: schema selection, a generated query plan or Cypher text,
validation, the read-only guard, a bounded repair loop) and answers with the node ids its result rows
name. ``mode="auto"`` picks cypher on a Cypher store when the question asks for something a path walk
cannot give (counts, lists with conditions) or when no entity could be linked, and explore otherwise.
Both record every query in the ``Answer`` (refused ones with the reason) and every decision in its trace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kgreason.fusion.base import Context, Draft, Evidence, Strategy
from kgreason.fusion.forms import (
    Reading,
    Resolution,
    TypeMatcher,
    answer_check,
    by_absence,
    by_containment,
    by_kind,
    by_padding,
    by_role,
    earn_hops,
    merge_symmetric,
    on_the_way,
    resolve,
    role_player,
)
from kgreason.fusion.multihop.cypher_plan import QUERY_CUES
from kgreason.fusion.multihop.explore import ExploreOptions, Explorer
from kgreason.fusion.multihop.scoring import CoverageScorer, QuestionMemo
from kgreason.fusion.question import mask_question
from kgreason.fusion.retrieve.path_shapes import containing, placing
from kgreason.fusion.retrieve.relation_paths import (
    EmbeddingScorer,
    PathScorer,
    RelationScorer,
    coordinated_relations,
    reading_text,
    says_only,
    step_labels,
)
from kgreason.fusion.retrieve.strategy import compose, evidence_for, typed_chains
from kgreason.fusion.wording import Wording
from kgreason.fusion.wording import for_graph as wording_for
from kgreason.graph.store import GraphSchema

if TYPE_CHECKING:
    from kgreason.fusion.multihop.text2cypher import Text2Cypher

Mode = Literal["auto", "explore", "cypher"]


class MultihopOptions(ExploreOptions):
    """Options of the ``multihop`` strategy (``--option KEY=VALUE``; unknown keys are an error)."""

    mode: Mode = Field("auto", description="explore, cypher, or auto (by store capabilities and question).")
    # explore (beam, max_hops, margins, LLM choice, frontier: ExploreOptions)
    scorer: Literal["embedding", "lexical", "both"] = "both"
    earn_similarity: float = Field(
        0.5, ge=0, le=1, description="A question word this close to a relation's words names that hop."
    )
    miss_cost: float = Field(
        0.5, ge=0, description="Word-overlap cost of a relation word the question lacks."
    )
    max_answers: int = Field(20, ge=1, description="Ranked answer entities returned.")
    # cypher
    schema_tokens: int = Field(400, ge=50, description="Schema text budget in the prompt (estimated tokens).")
    few_shot: int = Field(2, ge=0, le=6, description="Examples generated from the schema.")
    generation: Literal["plan", "cypher"] = Field(
        "plan", description="plan: a JSON query plan compiled to Cypher; cypher: the model writes Cypher."
    )
    repair_attempts: int = Field(2, ge=0, le=5, description="Repair turns fed the database's error.")
    candidates: int = Field(1, ge=1, le=5, description="Self-consistency: queries generated and voted on.")
    row_limit: int = Field(100, ge=1, le=10_000, description="LIMIT put on generated queries.")


class MultihopStrategy(Strategy):
    """Multi-hop reasoning by path exploration or text2cypher."""

    name = "multihop"
    Options = MultihopOptions
    options: MultihopOptions

    def __init__(self, *args: Any, scorers: list[tuple[RelationScorer, float]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._scorers = scorers
        self._t2c: Text2Cypher | None = None
        self._schema: GraphSchema | None = None
        self._path_scorer: PathScorer | None = None
        self._wording: Wording | None = None
        self._types = TypeMatcher(
            lambda: list((self._schema or self.store.schema()).labels),
            self._similarity,
            lambda: list((self._schema or self.store.schema()).relationship_types),
            lambda: [(p.source, p.type, p.target) for p in (self._schema or self.store.schema()).patterns],
        )

    def check(self) -> None:
        """Refuse ``mode="cypher"`` on a store without Cypher before any work."""
        if self.options.mode == "cypher" and not self.store.capabilities.cypher:
            from kgreason.errors import ConfigError

            raise ConfigError(
                f"multihop mode 'cypher' needs a store that runs Cypher; {self.store.backend!r} does not",
                hint="use --store neo4j, or --mode explore",
            )

    # -- routing ----------------------------------------------------------------------------------------
    def pick_mode(self, question: str, linked: bool, form: str | None = None) -> Literal["explore", "cypher"]:
        """``auto``: cypher on a Cypher store for a filter, an aggregate or a ranking ("before 1990",
        "average", "oldest") or without a linked entity; explore otherwise, and always without an LLM.

        A plain count stays with explore, which counts what its best reading reaches: on the Atlas dev
        questions with the bundled model, exploring counted right more often than text2cypher
        (``benchmarks/RESULTS.md``).
        ``form`` is accepted for callers that analysed the question already; it does not change the route.
        """
        if self.options.mode != "auto":
            return self.options.mode
        if not self.store.capabilities.cypher or self.llm is None:
            return "explore"  # text2cypher needs a model to fill in the plan
        if not linked or QUERY_CUES.search(question):
            return "cypher"
        return "explore"

    @property
    def scorers(self) -> list[tuple[RelationScorer, float]]:
        """(scorer, weight) pairs ranking relation paths: MiniLM embeddings and/or word coverage."""
        if self._scorers is None:
            opts = self.options
            scorers: list[tuple[RelationScorer, float]] = []
            if opts.scorer in ("embedding", "both"):
                encoder = self.resources.encoder
                if encoder is None:
                    from kgreason.embed import default_encoder

                    encoder = default_encoder()
                cache = self.resources.cache_dir
                path = (
                    cache / f"relation-paths-{self.store.backend}-{self.store.graph}.npz" if cache else None
                )
                scorers.append((EmbeddingScorer(QuestionMemo(encoder), path), 1.0))
            if opts.scorer in ("lexical", "both"):
                weight = 1.0 if opts.scorer == "lexical" else opts.lexical_weight
                scorers.append((CoverageScorer(opts.miss_cost), weight))
            self._scorers = scorers
        return self._scorers

    @property
    def text2cypher(self) -> Text2Cypher:
        """The text2cypher pipeline (built once; it caches the schema)."""
        if self._t2c is None:
            from kgreason.fusion.multihop.text2cypher import Text2Cypher

            embedding = [s for s, _ in self.scorers if isinstance(s, EmbeddingScorer)]
            scorer: RelationScorer = embedding[0] if embedding else CoverageScorer(self.options.miss_cost)
            self._t2c = Text2Cypher(self.store, self.options, scorer, self.wording.phrases)
        return self._t2c

    # -- gather -----------------------------------------------------------------------------------------
    def gather(self, ctx: Context) -> Evidence:
        """Explore or run text2cypher, as ``pick_mode`` says; the choice goes into the trace."""
        mode = self.pick_mode(ctx.question, bool(ctx.seeds))
        ctx.note("mode", mode=mode, requested=self.options.mode)
        if mode == "cypher":
            return self.text2cypher.gather(ctx)
        return self._explore(ctx)

    def _explore(self, ctx: Context) -> Evidence:
        o = self.options
        if not ctx.seeds:
            ctx.note("explore", error="no entity linked")
            return Evidence(notes={"resolution": Resolution(abstained="no entity of the graph is named")})
        masked = mask_question(ctx.question, [s.mention for s in ctx.seeds])
        heard = self.wording.heard_in(masked, CoverageScorer().score)
        steps = heard.steps(step_labels(self.schema))
        readings: dict[str, list[Reading]] = {}
        wanted, modifier = ctx.analysis.answer_type, ctx.analysis.type_modifier
        type_ok = self._types.reach_check(wanted, modifier) if ctx.analysis.strong_type else None
        for seed in ctx.seeds:
            explorer = Explorer(
                ctx,
                self.scorers,
                o,
                steps=steps,
                seeds=[seed],
                path_scorer=self.path_scorer,
                type_ok=type_ok,
                wording=heard,
            )
            _, ranked = explorer.run()
            found = [
                Reading(
                    seed.node_id,
                    b.signature,
                    b.score,
                    ends,
                    reading_text(b.signature, steps),
                    self.path_scorer.unearned(explorer.masked, b.signature, steps),
                    explorer.first.get(b.signature[0], 0.0),
                    self.path_scorer.missed(explorer.masked, b.signature, steps),
                    self.path_scorer.unexplained(explorer.masked, b.signature, steps),
                )
                for b in ranked
                if (ends := {e: p for e, p in b.ends.items() if e != seed.node_id})
            ]
            # (the type the question names, when no path of the beam reaches it: the chains of the schema
            # that do, as retrieve reads them)
            target = self._types.labels_for(wanted, modifier) if type_ok is not None and wanted else set()
            if target:
                # (as the type check reads it: "company" any kind of business where none is a `Company`)
                target = self._types.labels(wanted, {seed.node_id: found}, modifier)
            if target and not any(target & set(p.nodes[-1].labels) for r in found for p in r.ends.values()):
                more = typed_chains(
                    ctx,
                    seed.node_id,
                    explorer.masked,
                    steps,
                    heard,
                    target,
                    self.path_scorer,
                    o.max_hops,
                    explorer.first,
                    explorer.last,
                )
                found = sorted([*found, *more], key=lambda r: (-r.score, len(r.signature), r.signature))
            readings[seed.node_id] = found
        for scorer, _ in self.scorers:
            save = getattr(scorer, "save", None)
            if save is not None:
                save()
        readings = {anchor: merge_symmetric(rs, steps) for anchor, rs in readings.items()}
        joined = coordinated_relations(self.path_scorer.spelled(masked, steps), steps)
        type_labels = self._types.labels(wanted, readings, modifier)
        if ctx.analysis.strong_type:
            mentions = self.path_scorer.mentions(masked, steps)
            readings = {
                anchor: on_the_way(rs, mentions, type_labels, o.hop_penalty)
                for anchor, rs in readings.items()
            }
        answer_ok = answer_check(wanted, type_labels)
        readings = {
            anchor: earn_hops(rs, ctx.analysis, answer_ok, o.hop_penalty) for anchor, rs in readings.items()
        }
        missed_by = lambda sig: self.path_scorer.missed(masked, sig, steps, head_noun=False)  # noqa: E731
        wh_ok = self._types.wh_check(ctx.analysis, heard.say, placing(steps).__contains__)
        res = resolve(ctx.analysis, readings, answer_ok, o.form_settings(), joined, wh_ok, missed_by)
        res = by_absence(res, ctx.analysis, readings, ctx.store)
        roles = self.path_scorer.answer_roles(masked, steps, type_labels)
        plays = role_player(ctx.store, roles, heard.say) if roles else None
        res = by_role(res, ctx.analysis, readings, plays, roles, answer_ok, missed_by)
        res = by_containment(res, ctx.analysis, readings, containing(steps), answer_ok)
        res = by_kind(res, ctx.analysis, masked, readings, ctx.store, self.resources.names)
        only = lambda relations, passed: says_only(masked, relations, passed)  # noqa: E731
        res = by_padding(
            res, ctx.analysis, self.path_scorer.mentions(masked, steps), ctx.store, only, self.resources.names
        )
        ctx.note("resolve", **res.summary())
        best = res.chosen[0] if res.chosen else None
        ctx.note(
            "answer_path",
            path=best.text if best else None,
            relations=[f"{r}({d})" for r, d in best.signature] if best else [],
            answers=len(res.answers),
        )
        return evidence_for(ctx, res, readings, o.token_budget, heard)

    @property
    def path_scorer(self) -> PathScorer:
        """The relation-path scoring rule shared with the retrieve strategy."""
        if self._path_scorer is None:
            o = self.options
            embedding = next((sc for sc, _ in self.scorers if isinstance(sc, EmbeddingScorer)), None)
            weight = 1.0 if o.scorer == "lexical" else o.lexical_weight
            settings = o.path_settings(lexical_weight=weight)
            self._path_scorer = PathScorer(embedding, settings, miss_cost=o.miss_cost)
        return self._path_scorer

    @property
    def schema(self) -> GraphSchema:
        """The store's schema, read once."""
        if self._schema is None:
            self._schema = self.store.schema()
        return self._schema

    @property
    def wording(self) -> Wording:
        """How the graph's owner says its relations (``wording``; the option ``words`` or the saved one)."""
        if self._wording is None:
            relations = self.schema.relationship_types
            self._wording = wording_for(self.store, relations, self.options.words, self.resources.settings)
        return self._wording

    def _similarity(self, text: str, others: list[str]) -> list[float]:
        embedding = [sc for sc, _ in self.scorers if isinstance(sc, EmbeddingScorer)]
        return embedding[0].score(text, others) if embedding else [0.0] * len(others)

    # -- generate ---------------------------------------------------------------------------------------
    def generate(self, ctx: Context, evidence: Evidence) -> Draft:
        """Explore: the resolved answer with cited paths (no LLM call here); cypher: the query's value or
        entities (``cypher_results.draft_from_evidence``)."""
        res = evidence.notes.get("resolution")
        ranked = [c.node_id for c in evidence.candidates][: self.options.max_answers]
        if isinstance(res, Resolution):
            return compose(evidence, res, res.answers, ranked)
        from kgreason.fusion.multihop.cypher_results import draft_from_evidence

        return draft_from_evidence(ctx, evidence, self.options.max_answers)

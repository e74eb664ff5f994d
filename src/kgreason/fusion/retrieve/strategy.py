"""The prompt-retrieval strategy.

gather: list the relation paths (*signatures*: relation sequences of 1..k steps) the schema allows from
the linked entities, score each against the question with sentence embeddings, run the best ones as
path queries (recorded, replayable, one Cypher query each on Neo4j) until enough exist around these
entities, and keep their paths within a token budget as cited triples ``[T1]``, ``[T2]``, ... The end
nodes of the best existing signature are the answer set; the rest follow in order.

generate: the ranking is the answer, with or without a model. With ``llm_pick`` and a model, a question
that wants one entity where the best signature reaches several makes one constrained call: the model picks
the answer among those end nodes (a JSON-schema string enum of their names), shown the facts behind them.
Off by default: measured on hand-written questions (``benchmarks/qa_quality.py``), the pick never
changed the first answer and cut exact-set accuracy (it keeps one of several right answers). The model
never writes a free-form entity: what it can say is what the evidence holds, and the answer text is
composed from the cited triples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, Protocol, cast

from pydantic import Field

from kgreason.documents.chunk_search import ChunkHit, cited_sentence
from kgreason.documents.lexical import CHUNK
from kgreason.documents.text_search import ChunkSearch, chunk_index
from kgreason.fusion.base import Candidate, Context, Draft, Evidence, Seed, Strategy
from kgreason.fusion.forms import (
    PERSON_WORDS,
    Reading,
    ReadingOptions,
    Resolution,
    TypeCheck,
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
from kgreason.fusion.question import anchor_question, drop_own_type, mask_question
from kgreason.fusion.retrieve.path_shapes import (
    QuestionShape,
    answer_voice,
    chain_hops,
    containing,
    placing,
    shape_of,
    voice,
)
from kgreason.fusion.retrieve.relation_paths import (
    CoverageScorer,
    EmbeddingScorer,
    LexicalScorer,
    Mention,
    PathScorer,
    RelationScorer,
    Signature,
    StepLabels,
    coordinated_relations,
    humanize,
    named_twice,
    reading_text,
    says_only,
    step_labels,
)
from kgreason.fusion.wording import NONE, Wording
from kgreason.fusion.wording import for_graph as wording_for
from kgreason.graph.path_query import Direction, PathQuery, Step
from kgreason.graph.store import BOOKKEEPING_LABELS, BOOKKEEPING_TYPES, GraphSchema
from kgreason.types import Citation, Edge, Node, Path, SourceSentence


class RetrieveOptions(ReadingOptions):
    hops: int = Field(3, ge=1, le=4, description="k: how far from the linked entities to look.")
    extend_top: int = Field(
        24,
        ge=1,
        description=(
            "Beyond two steps, only the best this many signatures are extended (and up to as many more "
            "whose every step the question names)."
        ),
    )
    scorer: Literal["embedding", "lexical"] = "embedding"
    existing_only: bool = Field(
        False,
        description=(
            "Score only the signatures of two steps or more that exist from the entity (walked where its "
            "neighbourhood is small): faster, but more of the readings read are long ones."
        ),
    )
    max_queries: int = Field(16, ge=1, description="Path queries tried, best-scoring signatures first.")
    path_limit: int = Field(200, ge=1, description="Paths fetched per relation signature.")
    llm_pick: bool = Field(
        False,
        description="With a model: let it pick one answer when one is asked for and the path has several.",
    )
    prompt_fact_tokens: int = Field(500, ge=50, description="Facts shown to the LLM for its one choice.")
    max_choices: int = Field(8, ge=2, description="At most this many options in one constrained choice.")
    max_answers: int = Field(20, ge=1, description="Ranked answer entities returned.")
    chunks: int = Field(
        0,
        ge=0,
        le=50,
        description="Search the text layer too: cite this many best chunks (0: off); see docs/documents.md.",
    )


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
        self._path_scorer: PathScorer | None = None
        self._wording: Wording | None = None
        self._types = TypeMatcher(
            lambda: list(self._schema().labels),
            self._similarity,
            lambda: list(self._schema().relationship_types),
            lambda: [(p.source, p.type, p.target) for p in self._schema().patterns],
        )
        self._chunk_index: tuple[tuple[int, int], ChunkSearch] | None = None

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

    @property
    def path_scorer(self) -> PathScorer:
        if self._path_scorer is None:
            o = self.options
            settings = o.path_settings()
            embedding = self.scorer if o.scorer == "embedding" else None
            self._path_scorer = PathScorer(embedding, settings)
        return self._path_scorer

    # -- gather -----------------------------------------------------------------------------------------
    def _schema(self) -> GraphSchema:
        if self._schema_cache is None:
            self._schema_cache = self.store.schema()
        return self._schema_cache

    @property
    def wording(self) -> Wording:
        """How the graph's owner says its relations (``wording``; the option ``words`` or the saved one)."""
        if self._wording is None:
            relations = self._schema().relationship_types
            self._wording = wording_for(self.store, relations, self.options.words, self.resources.settings)
        return self._wording

    def _readings(
        self, ctx: Context, anchor: str, masked: str, mention: str = "", heard: Wording = NONE
    ) -> list[Reading]:
        """The relation signatures from ``anchor`` that really exist, scored and best first (``heard``:
        the graph's wording as this question says its relations, ``Wording.heard_in``)."""
        opts = self.options
        node = ctx.store.get_nodes([anchor]).get(anchor)
        if node is None:
            return []
        masked = drop_own_type(masked, node.labels, PERSON_WORDS)
        # The first steps that really exist at the anchor (one neighbours query): signatures that start
        # elsewhere are never scored, and the one-hop answers need no further query.
        first = _first_steps(ctx.store, node, heard.say)
        steps = heard.steps(step_labels(self._schema()))
        # Level by level: every one- and two-step signature is scored; longer ones only extend the best
        # ``extend_top`` of the level before (the number of signatures grows with relations ** hops).
        shape = shape_of(masked, steps)
        mentions = self.path_scorer.mentions(masked, steps)
        cues = voice(ctx.question, mention, steps) if mention else {}
        ending = answer_voice(ctx.question, steps)
        scored: list[tuple[float, Signature]] = []
        level: list[Signature] = [(step,) for step in sorted(first)]
        # A run of steps down through places counts as one hop (``chain_hops``): the two levels past
        # ``hops`` extend only the signatures holding such a run (field, farm, village, district,
        # province, country: five steps).
        placed = placing(steps)
        looked_up: dict[str, list[tuple[Edge, Node]]] = {}
        for depth in range(1, opts.hops + 3):
            if depth > 1 and opts.existing_only:
                # only the signatures that really exist from the anchor (``_walked``), where its neighbourhood
                # is small enough to walk: most the schema allows lead nowhere from this anchor (seven in
                # eight of the three-step ones on the Kennel questions), and each costs an encoding; past the
                # walk's limit (a hub) every one is scored. Off by default: the path queries and extension
                # slots the others took then go to real long readings, which crowd out the short one that
                # answers (measured on the dev halves: benchmarks/RESULTS.md)
                real = _walked(ctx.store, first, level, heard.say, seen=looked_up)
                if real is not None:
                    level = [sig for sig in level if sig in real]
            if not level:
                break
            values = self.path_scorer.score(masked, level, steps, cues, ending)
            ranked_level = sorted(zip(values, level, strict=True), key=lambda x: (-x[0], x[1]))
            scored.extend(ranked_level)
            growing = [sig for _, sig in ranked_level if chain_hops(sig, placed) < opts.hops]
            parents = growing if depth == 1 else growing[: opts.extend_top]
            if depth > 1:
                # and, past those, the signatures whose every step the question names but which leave
                # some of its relation words unwalked: the start of a longer chain it spells out ("the
                # father of X's wife", then "founded by": marriage and parent score low without the
                # founding, and fall below the best ``extend_top``)
                parents += [
                    sig
                    for sig in growing[opts.extend_top :]
                    if self.path_scorer.missed(masked, sig, steps) > 0
                    and not self.path_scorer.unearned(masked, sig, steps)
                ][: opts.extend_top]
            level = [ext for sig in parents for ext in _extensions(sig, steps, shape, mentions)]
        scored.sort(key=lambda x: (-x[0], len(x[1]), x[1]))
        readings, tried = self._read(ctx, anchor, scored, first, masked, steps, heard, cues)
        # The type the question names, when no reading reaches it: the signatures of up to ``hops`` steps
        # that the schema lets end there are scored and read too. The level-by-level search extends only
        # the best of each level, and a chain whose first steps the question does not name ("the town of
        # the building where X was first heard") falls out of it early.
        target = self._named_labels(ctx)
        if target:
            # (as the type check reads the type: "company" is any kind of business where no reading reaches
            # a ``Company``, and "body" what the relation says)
            target = self._types.labels(
                ctx.analysis.answer_type, {anchor: readings}, ctx.analysis.type_modifier
            )
        if target and not any(target & set(p.nodes[-1].labels) for r in readings for p in r.ends.values()):
            have = {sig: value for value, sig in scored}
            reach = _reaching(sorted(first), steps, target, opts.hops)
            # (only those that really exist from the anchor, where its neighbourhood is small enough to
            # walk: the path queries go to chains that reach the type, not to the best-scoring of
            # hundreds the schema allows; and only those are scored)
            real = _walked(ctx.store, first, reach, heard.say, seen=looked_up)
            new = [sig for sig in reach if sig not in have and (real is None or sig in real)]
            if new:
                have.update(zip(new, self.path_scorer.score(masked, new, steps, cues, ending), strict=True))
                scored.extend((have[sig], sig) for sig in new)
            read = {r.signature for r in readings}
            more = sorted(
                ((have[sig], sig) for sig in reach if sig not in read and (real is None or sig in real)),
                key=lambda x: (-x[0], len(x[1]), x[1]),
            )
            found, queried = self._read(ctx, anchor, more, first, masked, steps, heard, cues)
            readings = sorted([*readings, *found], key=_best_first)
            tried += queried
        if target:
            readings = on_the_way(readings, mentions, target, opts.hop_penalty)
        ctx.note(
            "rank_relation_paths",
            anchor=anchor,
            candidates=len(scored),
            queries=tried,
            top=[{"path": r.text, "score": round(r.score, 4), "ends": len(r.ends)} for r in readings[:5]],
        )
        return readings

    def _type_check(
        self,
        ctx: Context,
        readings: Mapping[str, Sequence[Reading]] | None = None,
        labels: set[str] | None = None,
    ) -> TypeCheck | None:
        wanted = ctx.analysis.answer_type
        modifier = ctx.analysis.type_modifier
        labels = self._type_labels(ctx, readings) if labels is None else labels
        named = bool(labels) and not self._types.labels_for(wanted, modifier)
        ctx.note("answer_type", type=wanted, labels=sorted(labels), by_name=named)
        return answer_check(wanted, labels)

    def _read(
        self,
        ctx: Context,
        anchor: str,
        scored: Sequence[tuple[float, Signature]],
        first: Mapping[tuple[str, str], list[Path]],
        masked: str,
        steps: StepLabels,
        heard: Wording,
        cues: Mapping[tuple[str, str], float],
    ) -> tuple[list[Reading], int]:
        """The readings of ``scored`` (best first) that reach something, within ``max_queries`` path queries
        and ``max_choices`` readings besides one-step ones; and the number of queries run."""
        opts = self.options
        readings: list[Reading] = []
        tried = 0
        one_step = 0
        for score, sig in scored:
            full = tried >= opts.max_queries or len(readings) - one_step >= opts.max_choices
            if full and (len(sig) > 1 or one_step >= opts.max_choices):
                # one-step readings cost no query and are what constraint questions pair up, so up to
                # ``max_choices`` of them are kept besides the best readings of any length
                continue
            if full:
                one_step += 1
            if len(sig) == 1:
                paths = first[sig[0]][: opts.path_limit]
            else:
                tried += 1
                query = PathQuery(
                    (anchor,),
                    tuple(Step(heard.stored(t), cast(Direction, d)) for t, d in sig),
                    limit=opts.path_limit,
                )
                paths = [p for p in ctx.store.run_path_query(query) if p.nodes[-1].id != anchor]
            ends: dict[str, Path] = {}
            for p in sorted(paths, key=lambda p: (p.node_ids, p.edge_ids)):
                ends.setdefault(p.nodes[-1].id, p)
            if ends:
                unearned = self.path_scorer.unearned(masked, sig, steps)
                missed = self.path_scorer.missed(masked, sig, steps)
                text = reading_text(sig, steps)
                cue = cues.get(sig[0], 0.0)
                unexplained = self.path_scorer.unexplained(masked, sig, steps)
                readings.append(Reading(anchor, sig, score, ends, text, unearned, cue, missed, unexplained))
        return readings, tried

    def _named_labels(self, ctx: Context) -> set[str]:
        """The labels the question's own type noun names ("which *town*": ``City``), by their names alone;
        empty when it names none or only a wh-word implies the type."""
        a = ctx.analysis
        return (
            self._types.labels_for(a.answer_type, a.type_modifier)
            if a.strong_type and a.answer_type
            else set()
        )

    def _type_labels(self, ctx: Context, readings: Mapping[str, Sequence[Reading]] | None) -> set[str]:
        return self._types.labels(ctx.analysis.answer_type, readings, ctx.analysis.type_modifier)

    def _similarity(self, text: str, others: list[str]) -> list[float]:
        if self.options.scorer == "lexical":
            return [0.0] * len(others)
        return self.scorer.score(text, others)

    def gather(self, ctx: Context) -> Evidence:
        hits = self._search_text(ctx) if self.options.chunks > 0 else []
        if not ctx.seeds:
            if hits:
                return self._from_text(ctx, hits, None)
            ctx.note("gather", error="no entity linked")
            return Evidence(notes={"resolution": Resolution(abstained="no entity of the graph is named")})
        mentions = [s.mention for s in ctx.seeds]
        masked = mask_question(ctx.question, mentions)
        heard = self.wording.heard_in(masked, CoverageScorer().score)
        readings = {
            s.node_id: self._readings(
                ctx,
                s.node_id,
                anchor_question(ctx.question, mentions, s.mention, ctx.analysis.form),
                s.mention,
                heard,
            )
            for s in ctx.seeds
        }
        o = self.options
        type_labels = self._type_labels(ctx, readings)
        type_ok = self._type_check(ctx, readings, type_labels)
        steps = heard.steps(step_labels(self._schema()))
        readings = {
            anchor: earn_hops(merge_symmetric(rs, steps), ctx.analysis, type_ok, o.hop_penalty)
            for anchor, rs in readings.items()
        }
        joined = coordinated_relations(self.path_scorer.spelled(masked, steps), steps)
        wh_ok = self._types.wh_check(ctx.analysis, heard.say, placing(steps).__contains__)
        missed_by = lambda sig: self.path_scorer.missed(masked, sig, steps, head_noun=False)  # noqa: E731
        res = resolve(ctx.analysis, readings, type_ok, o.form_settings(), joined, wh_ok, missed_by)
        res = by_absence(res, ctx.analysis, readings, ctx.store)
        roles = self.path_scorer.answer_roles(masked, steps, type_labels)
        plays = role_player(ctx.store, roles, heard.say) if roles else None
        res = by_role(res, ctx.analysis, readings, plays, roles, type_ok, missed_by)
        res = by_containment(res, ctx.analysis, readings, containing(steps), type_ok)
        res = by_kind(res, ctx.analysis, masked, readings, ctx.store, self.resources.names)
        only = lambda relations, passed: says_only(masked, relations, passed)  # noqa: E731
        res = by_padding(
            res, ctx.analysis, self.path_scorer.mentions(masked, steps), ctx.store, only, self.resources.names
        )
        ctx.note("resolve", **res.summary())
        evidence = evidence_for(ctx, res, readings, o.token_budget, heard)
        if hits:
            if res.abstained is not None:
                return self._from_text(ctx, hits, type_ok)
            return _with_sources(evidence, _chunk_sources(ctx.question, hits))
        return evidence

    # -- the text layer (option ``chunks``) ---------------------------------------------------------------
    def _search_text(self, ctx: Context) -> list[ChunkHit]:
        """The best ``chunks`` chunks for the question (none when the graph has no text layer)."""
        if CHUNK not in self._schema().labels:
            return []
        stats = self.store.stats()
        key = (stats.nodes, stats.edges)
        if self._chunk_index is None or self._chunk_index[0] != key:
            self._chunk_index = (key, chunk_index(self.store, encoder=self.resources.encoder))
        hits = self._chunk_index[1].search(ctx.question, k=self.options.chunks)
        ctx.note(
            "search_text",
            chunks=[
                {
                    "chunk": h.chunk_id,
                    "documents": list(h.documents),
                    "entities": list(h.entities),
                    "score": round(h.score, 6),
                    "text_rank": h.text_rank,
                    "vector_rank": h.vector_rank,
                }
                for h in hits
            ],
        )
        return hits

    def _from_text(self, ctx: Context, hits: Sequence[ChunkHit], type_ok: TypeCheck | None) -> Evidence:
        """The question names no entity of the graph, or the graph alone does not answer it: answer from
        the entities the found chunks mention. An entity of the asked type is the answer itself (the chunk
        says what the question asks about it); otherwise each entity is an anchor of the relation-path
        reading, and the best-scoring reading that answers wins."""
        sources = _chunk_sources(ctx.question, hits)
        if type_ok is None and ctx.analysis.answer_type:
            type_ok = self._type_check(ctx)
        mentioned = list(dict.fromkeys(e for h in hits for e in h.entities))
        nodes = ctx.store.get_nodes(mentioned)
        entities = [
            nodes[e] for e in mentioned if e in nodes and not BOOKKEEPING_LABELS & set(nodes[e].labels)
        ]
        o = self.options
        if type_ok is not None and ctx.analysis.form in ("single", "list"):
            for hit in hits:  # the best chunk with an entity of the asked type
                typed = [n for n in entities if n.id in hit.entities and type_ok(Path((n,)))]
                if typed:
                    answers = typed[:1] if ctx.analysis.form == "single" else typed
                    res = Resolution(
                        answers=[n.id for n in answers],
                        form=ctx.analysis.form,
                        paths=[Path((n,)) for n in answers],
                        note={"rule": "entity of the asked type in the found text", "chunk": hit.chunk_id},
                    )
                    ctx.note("resolve", **res.summary())
                    return _with_sources(evidence_for(ctx, res, {}, o.token_budget), sources)
        best: tuple[Resolution, dict[str, list[Reading]], tuple[Seed, ...]] | None = None
        masked = mask_question(ctx.question, [s.mention for s in ctx.seeds])
        heard = self.wording.heard_in(masked, CoverageScorer().score)
        for node in entities:
            seed = Seed(node.id, "", 1.0)
            readings = {node.id: self._readings(ctx, node.id, masked, heard=heard)}
            analysis = replace(ctx.analysis, anchors=(node.id,), mentions=())
            res = resolve(analysis, readings, type_ok, o.form_settings())
            if (
                res.abstained is None
                and res.chosen
                and (best is None or res.chosen[0].score > best[0].chosen[0].score)
            ):
                best = (res, readings, (seed,))
        if best is None:
            res = Resolution(abstained="neither the graph nor the found text answers", form=ctx.analysis.form)
            ctx.note("resolve", **res.summary())
            return _with_sources(Evidence(notes={"resolution": res}), sources)
        res, readings, seeds = best
        res.note["rule"] = f"from an entity of the found text: {res.note.get('rule', '')}".rstrip(": ")
        ctx.note("resolve", **res.summary())
        evidence = evidence_for(replace(ctx, seeds=seeds), res, readings, o.token_budget, heard)
        return _with_sources(evidence, sources)

    # -- generate ---------------------------------------------------------------------------------------
    def generate(self, ctx: Context, evidence: Evidence) -> Draft:
        res: Resolution = evidence.notes.get("resolution") or Resolution(abstained="no evidence")
        ranked = [c.node_id for c in evidence.candidates][: self.options.max_answers]
        answers = list(res.answers)
        if (
            ctx.llm is not None
            and self.options.llm_pick
            and ctx.analysis.form == "single"
            and len(answers) > 1
        ):
            answers = self._ask_llm(ctx, evidence, answers)
        save = getattr(self._scorer, "save", None)
        if save is not None:
            save()
        draft = compose(evidence, res, answers, ranked)
        sources = evidence.notes.get("sources")
        return replace(draft, sources=tuple(sources)) if sources else draft

    def _ask_llm(self, ctx: Context, evidence: Evidence, answers: list[str]) -> list[str]:
        """The question wants one entity and the best path reaches several: the model picks one."""
        names = {n.id: n.name for p in evidence.paths for n in p.nodes}
        options = list(dict.fromkeys(names.get(a, a) for a in answers))[: self.options.max_choices]
        if len(options) < 2:
            return answers
        wanted = set(answers)
        facts = self._facts(evidence, lambda p: p.nodes[-1].id in wanted)[0]
        prompt = (
            f"Facts:\n{facts}\n\nQuestion: {ctx.question}\n"
            "Which entity answers the question? Reply with one option."
        )
        choice = self._choose(ctx, prompt, options)
        ctx.note("llm_choose_answer", options=options, chosen=choice)
        return [a for a in answers if names.get(a, a) == choice] or answers

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


def evidence_for(
    ctx: Context,
    res: Resolution,
    readings: Mapping[str, Sequence[Reading]],
    token_budget: int,
    wording: Wording = NONE,
) -> Evidence:
    """The paths behind the answer first, then the other readings' paths, best first, within the
    token budget; candidates are their end nodes in that order. Shared by the path-based strategies
    (``wording``: how the readings' signatures say the paths' relations)."""
    ordered: list[Path] = list(res.paths)
    others = sorted((r for rs in readings.values() for r in rs), key=lambda r: -r.score)
    for r in [*res.chosen, *others]:
        ordered.extend(r.ends.values())
    candidates: list[Candidate] = []
    seen: set[str] = set()
    kept: list[Path] = []
    kept_ids: set[tuple[str, ...]] = set()
    used = 0
    cited: set[str] = set()
    score_of = {(r.anchor, r.signature): r.score for rs in readings.values() for r in rs}
    anchors = {s.node_id for s in ctx.seeds}
    for p in ordered:
        if p.edge_ids in kept_ids:
            continue
        new = [e for e in p.edges if e.id not in cited]
        cost = sum(estimate_tokens(f"[T{len(cited) + 1}] {verbalise(e)}\n") for e in new)
        if used + cost > token_budget:
            continue
        used += cost
        cited.update(e.id for e in new)
        kept.append(p)
        kept_ids.add(p.edge_ids)
        end = p.nodes[-1].id
        if end not in seen and (end not in anchors or end in res.answers):
            seen.add(end)
            score = score_of.get((p.nodes[0].id, path_signature(p, wording.say)), 0.0)
            candidates.append(Candidate(end, score, (len(kept) - 1,)))
    ctx.note("gather", evidence_paths=len(kept), evidence_tokens=used, candidates=len(candidates))
    return Evidence(
        paths=tuple(kept),
        candidates=tuple(candidates),
        notes={"resolution": res, "readings": readings, "evidence_tokens": used},
    )


def _chunk_sources(question: str, hits: Sequence[ChunkHit]) -> tuple[SourceSentence, ...]:
    """A citation per found chunk and document: the chunk's sentence closest to the question, with its
    offsets in the document."""
    out = []
    for hit in hits:
        start, end = cited_sentence(hit.text, question)
        for doc, offset in zip(hit.documents, hit.starts or (0,) * len(hit.documents), strict=True):
            out.append(
                SourceSentence("", doc, hit.text[start:end], offset + start, offset + end, hit.chunk_id)
            )
    return tuple(out)


def _with_sources(evidence: Evidence, sources: tuple[SourceSentence, ...]) -> Evidence:
    return replace(evidence, notes={**evidence.notes, "sources": sources})


def _markers(evidence: Evidence) -> dict[str, str]:
    markers: dict[str, str] = {}
    for p in evidence.paths:
        for e in p.edges:
            markers.setdefault(e.id, f"T{len(markers) + 1}")
    return markers


def compose(evidence: Evidence, res: Resolution, answers: Sequence[str], ranked: Sequence[str]) -> Draft:
    """The answer text from cited triples: names (or the count, or yes/no) with their evidence markers;
    for an abstention the reason and the closest candidates. Shared by the path-based strategies."""
    markers = _markers(evidence)
    names = {n.id: n.name for p in evidence.paths for n in p.nodes}
    citations: list[Citation] = []

    def cite(path: Path | None) -> str:
        if path is None:
            return ""
        for i in path.edge_ids:
            citations.append(Citation(f"[{markers[i]}]", (i,)))
        return "".join(f"[{markers[i]}]" for i in path.edge_ids)

    def support(node_id: str) -> Path | None:
        return next((p for p in evidence.paths if p.nodes[-1].id == node_id), None)

    listed = "; ".join(f"{names.get(a, a)} {cite(support(a))}".strip() for a in answers)
    if res.abstained is not None:
        closest = ", ".join(names.get(r, r) for r in ranked[:3])
        text = f"Not found: {res.abstained}." + (f" Closest candidates: {closest}." if closest else "")
    elif res.form == "yes_no" and res.value is not None:
        if res.value == "yes":
            text = f"yes: {listed}" if listed else "yes"
        else:
            target = res.note.get("target")
            reading = res.note.get("reading", "")
            text = "no" + (
                f": {names.get(str(target), target)} is not among what {reading!r} reaches" if target else ""
            )
    elif res.value is not None:
        text = f"{res.value}" + (f": {listed}" if listed else "")
    else:
        text = listed
    by_id = {c.node_id: c.score for c in evidence.candidates}
    scores: dict[str, float] = {
        "answer_set_size": float(len(answers)),
        "evidence_tokens": float(evidence.notes.get("evidence_tokens", 0)),
    }
    scores.update({f"entity:{r}": round(by_id.get(r, 0.0), 6) for r in ranked})
    return Draft(
        text=text,
        entities=tuple(dict.fromkeys([*answers, *ranked])),
        citations=tuple(dict.fromkeys(citations)),
        scores=scores,
        answers=tuple(answers),
        value=res.value,
        abstained=res.abstained,
        form=res.form,
    )


def path_signature(path: Path, say: Callable[[str], str] = str) -> Signature:
    """The (relation, direction) steps a path takes from its first node (``say``: the relations' spoken
    names, ``Wording.say``)."""
    return tuple(
        (say(e.type), "out" if e.source == n.id else "in")
        for e, n in zip(path.edges, path.nodes[:-1], strict=True)
    )


def _best_first(r: Reading) -> tuple[float, int, Signature]:
    return (-r.score, len(r.signature), r.signature)


REACHING_LIMIT = 4000
"""Most signatures ``_reaching`` lists (it stops there, in its sorted order)."""


def _reaching(
    first: Sequence[tuple[str, str]], steps: StepLabels, target: set[str], hops: int
) -> list[Signature]:
    """The signatures of two to ``hops`` steps, starting with one of ``first``, that the schema lets end
    at a node labelled with one of ``target``, round trips included ("the shops in the town where X is":
    X located in a town, shops located in it); the first ``REACHING_LIMIT``, shortest first (and no more
    than ``REACHING_LIMIT`` signatures of a level grown on)."""
    out: list[Signature] = []
    level: list[Signature] = [(step,) for step in first]
    for depth in range(2, hops + 1):
        grown: list[Signature] = []
        for sig in level:
            arrives = steps.get(sig[-1], (set(), set()))[1]
            for step, (sources, ends) in sorted(steps.items()):
                if not sources & arrives:
                    continue
                ext = (*sig, step)
                if depth < hops and len(grown) < REACHING_LIMIT:
                    grown.append(ext)
                if ends & target:
                    out.append(ext)
                    if len(out) >= REACHING_LIMIT:
                        return out
        level = grown
    return out


def typed_chains(
    ctx: Context,
    anchor: str,
    masked: str,
    steps: StepLabels,
    heard: Wording,
    target: set[str],
    scorer: PathScorer,
    hops: int,
    cues: Mapping[tuple[str, str], float],
    ending: Mapping[tuple[str, str], float],
    max_queries: int = 16,
    path_limit: int = 25,
) -> list[Reading]:
    """The readings of two to ``hops`` steps from ``anchor`` that reach a node labelled with one of
    ``target`` (the type the question names), for a strategy whose own search reached none: the chains
    the schema allows (``_reaching``) that really exist (``_walked``; none past its lookup limit), scored
    as ``scorer`` scores any reading, the best ``max_queries`` read. Explore's beam keeps only the best
    few paths of each hop, and loses a chain whose first steps the question does not name ("Which war
    did the Battle of X belong to?": the battle's campaign, then the campaign's war)."""
    node = ctx.store.get_nodes([anchor]).get(anchor)
    if node is None:
        return []
    first = _first_steps(ctx.store, node, heard.say)
    reach = _reaching(sorted(first), steps, target, hops)
    real = _walked(ctx.store, first, reach, heard.say)
    sigs = [sig for sig in reach if real is not None and sig in real]
    if not sigs:
        return []
    scored = sorted(
        zip(scorer.score(masked, sigs, steps, cues, ending), sigs, strict=True), key=lambda x: (-x[0], x[1])
    )
    out: list[Reading] = []
    for score, sig in scored[:max_queries]:
        query = PathQuery(
            (anchor,), tuple(Step(heard.stored(t), cast(Direction, d)) for t, d in sig), limit=path_limit
        )
        ends: dict[str, Path] = {}
        for p in sorted(ctx.store.run_path_query(query), key=lambda p: (p.node_ids, p.edge_ids)):
            if p.nodes[-1].id != anchor:
                ends.setdefault(p.nodes[-1].id, p)
        if ends:
            out.append(
                Reading(
                    anchor,
                    sig,
                    score,
                    ends,
                    reading_text(sig, steps),
                    scorer.unearned(masked, sig, steps),
                    cues.get(sig[0], 0.0),
                    scorer.missed(masked, sig, steps),
                    scorer.unexplained(masked, sig, steps),
                )
            )
    return out


class NeighbourStore(Protocol):
    """What the walks here read of a store (a ``GraphStore``, or the recording one a strategy is given)."""

    def neighbors(self, node_id: str) -> list[tuple[Edge, Node]]: ...


def _first_steps(
    store: NeighbourStore, node: Node, say: Callable[[str], str]
) -> dict[tuple[str, str], list[Path]]:
    """The one-step paths from ``node`` by (relation as ``say`` names it, direction); not to itself, nor
    into the text layer (documents, chunks), which is no fact."""
    first: dict[tuple[str, str], list[Path]] = {}
    for edge, other in store.neighbors(node.id):
        if edge.type in BOOKKEEPING_TYPES or BOOKKEEPING_LABELS.intersection(other.labels):
            continue
        if other.id != node.id:
            step = (say(edge.type), "out" if edge.source == node.id else "in")
            first.setdefault(step, []).append(Path((node, other), (edge,)))
    return first


WALK_LIMIT = 200
"""Most nodes ``_walked`` looks up the neighbours of."""


def _walked(
    store: NeighbourStore,
    first: Mapping[tuple[str, str], Sequence[Path]],
    reach: Sequence[Signature],
    say: Callable[[str], str],
    limit: int = WALK_LIMIT,
    seen: dict[str, list[tuple[Edge, Node]]] | None = None,
) -> set[Signature] | None:
    """The signatures of ``reach`` that really exist from the anchor whose first steps are ``first``,
    found by walking out from it along their prefixes (``say``: a stored type as the signatures name
    it); None when that takes more than ``limit`` neighbour lookups (a hub's neighbourhood). ``seen``:
    the neighbours looked up so far, kept across calls for one anchor (and counted against ``limit``)."""
    wanted = set(reach)
    prefixes = {sig[:i] for sig in reach for i in range(1, len(sig))}
    frontier: dict[Signature, set[str]] = {
        (step,): {p.nodes[-1].id for p in paths} for step, paths in first.items() if (step,) in prefixes
    }
    seen = {} if seen is None else seen
    found: set[Signature] = set()
    while frontier:
        grown: dict[Signature, set[str]] = {}
        for prefix, nodes in frontier.items():
            for node in sorted(nodes):
                if node not in seen:
                    if len(seen) >= limit:
                        return None
                    seen[node] = store.neighbors(node)
                for edge, other in seen[node]:
                    if edge.type in BOOKKEEPING_TYPES:
                        continue
                    sig = (*prefix, (say(edge.type), "out" if edge.source == node else "in"))
                    if sig in wanted:
                        found.add(sig)
                    if sig in prefixes:
                        grown.setdefault(sig, set()).add(other.id)
        frontier = grown
    return found


def _extensions(
    sig: Signature, steps: StepLabels, shape: QuestionShape, mentions: Sequence[Mention]
) -> list[Signature]:
    """``sig`` extended by each step the schema allows after it, never straight back along the relation
    just followed unless the question asks for that round trip (a word naming it, "colleagues", or the
    relation named twice): the same rule as multihop exploration."""
    arrives = steps.get(sig[-1], (set(), set()))[1]
    last = sig[-1]
    out = []
    for step, (sources, _) in sorted(steps.items()):
        if not sources & arrives:
            continue
        ext = (*sig, step)
        back = step[0] == last[0] and step[1] != last[1]
        if back and not shape.named(ext, steps) and not named_twice(mentions, step[0]):
            continue
        out.append(ext)
    return out

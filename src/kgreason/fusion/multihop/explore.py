"""Hop-by-hop path exploration: a beam search over the relation types really present on the frontier.

Each beam is a relation signature (``((relation, direction), ...)``) with the paths it has reached so
far, one per end node. At every hop one path query (``Step(None, "both")`` from the beam's frontier,
recorded and replayable on both stores) lists the edges at the frontier; they are grouped by
(relation, direction) and every extension is scored against the question: sentence-embedding similarity
of the readable relation path (``signature_text``) plus a weighted stemmed word overlap, less a small
penalty per hop and per step taken against the edge direction. The immediate inverse of the relation just
followed is never offered (tiny models otherwise walk straight back). When the two best options
are close, the LLM chooses among the top few with a constrained string enum, which may also say that
the current path already answers the question; a confident ranking skips the model. The search keeps
``beam`` signatures, stops after ``max_hops`` or when no extension beats the best complete path by the
score rule, and answers with the end nodes of the best path, topic entities excluded. Every hop (options,
scores, choice, frontier sizes) goes into the ``Answer`` trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from kgreason.fusion.base import Context, Seed
from kgreason.fusion.forms import PERSON_WORDS, ReadingOptions, TypeCheck
from kgreason.fusion.question import anchor_question, drop_own_type, mask_question
from kgreason.fusion.retrieve.path_shapes import (
    answer_voice,
    chain_hops,
    contains,
    placing,
    shape_of,
    voice,
)
from kgreason.fusion.retrieve.relation_paths import (
    PathScorer,
    RelationScorer,
    Signature,
    StepLabels,
    humanize,
    named_steps,
    named_twice,
    question_mentions,
    reading_text,
    signature_text,
)
from kgreason.fusion.wording import NONE, Wording
from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import BOOKKEEPING_LABELS, BOOKKEEPING_TYPES
from kgreason.types import Edge, Node, Path

STOP = "answer now"
"""The enum option that says the current path already reaches the answer."""


EDGE_LIMIT = 5000
"""The most edges one frontier query returns (the path query's LIMIT)."""


class ExploreOptions(ReadingOptions):
    """The knobs of one exploration, each declared once: ``MultihopOptions`` extends these with the
    routing and text2cypher options, so the strategy's options are passed to ``Explorer`` as they are."""

    beam: int = Field(4, ge=1, le=8, description="Relation paths kept per hop.")
    max_hops: int = Field(3, ge=1, le=4, description="Longest relation path explored.")
    stop_margin: float = Field(
        0.05, ge=0, description="Stop when a hop scores this much below the best path."
    )
    confident_margin: float = Field(
        0.0,
        ge=0,
        description="Ask the LLM only when the two best options score closer than this (0: never).",
    )
    llm_options: int = Field(3, ge=2, le=8, description="Options offered to the LLM in one choice.")
    llm_bonus: float = Field(0.03, ge=0, description="Added to the score of the option the LLM chose.")
    max_frontier: int = Field(200, ge=1, description="Frontier nodes expanded per beam and hop.")


@dataclass
class Beam:
    """A relation signature, its score, and one path per end node reached (insertion order = rank)."""

    signature: Signature
    score: float
    ends: dict[str, Path] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The signature as readable text (``works at -> located in``)."""
        return signature_text(self.signature)


def option_label(step: tuple[str, str]) -> str:
    """How a (relation, direction) option reads in a prompt: ``works at`` or ``works at (inverse)``."""
    relation, direction = step
    return humanize(relation) if direction == "out" else f"{humanize(relation)} (inverse)"


def _extend(path: Path, edge: Edge, other: Node) -> Path | None:
    if other.id in path.node_ids[1:] or (other.id == path.nodes[0].id and len(path.edges) == 0):
        return None  # no node twice; only a cycle back to the topic may close a path (answered last)
    return Path((*path.nodes, other), (*path.edges, edge))


class Explorer:
    """Runs the beam search for one question (see the module docstring)."""

    def __init__(
        self,
        ctx: Context,
        scorers: Sequence[tuple[RelationScorer, float]],
        settings: ExploreOptions,
        *,
        steps: StepLabels | None = None,
        seeds: Sequence[Seed] | None = None,
        path_scorer: PathScorer | None = None,
        type_ok: TypeCheck | None = None,
        wording: Wording = NONE,
    ) -> None:
        self.ctx = ctx
        self.wording = wording
        """How the graph's owner says its relations: signatures walk them by their spoken names."""
        self.type_ok = type_ok
        """Whether a path ends at the type the question names (``None``: it names none)."""
        self.scorers = scorers
        self.s = settings
        self.steps = steps
        self.placed = placing(steps or {})
        """The relations that put a thing at a place (``chain_hops``)."""
        self.path_scorer = path_scorer
        self.seeds = tuple(ctx.seeds if seeds is None else seeds)
        self.masked = mask_question(ctx.question, [s.mention for s in ctx.seeds])
        self.targets = (
            frozenset(s.node_id for s in ctx.seeds) - {s.node_id for s in self.seeds}
            if ctx.analysis.form == "yes_no"
            else frozenset()
        )
        """The other entities of a yes/no question: walking goes on until a path reaches one of them."""
        if len(self.seeds) == 1:
            # one walk of several: the words of the question near this entity, as retrieve reads them
            # ("Which of X's paintings did Y buy?": "buy" is Y's)
            seed = self.seeds[0]
            if len(ctx.seeds) > 1 and seed.mention:
                mentions = [s.mention for s in ctx.seeds]
                self.masked = anchor_question(ctx.question, mentions, seed.mention, ctx.analysis.form)
            node = ctx.store.get_nodes([seed.node_id]).get(seed.node_id)
            self.masked = drop_own_type(self.masked, node.labels if node is not None else (), PERSON_WORDS)
        self.shape = shape_of(self.masked, steps or {})
        """The path-shape cues of the question, read once (checked for every step back along an edge)."""
        # the voice around each entity (``path_shapes.voice``); a first step counts only where every
        # entity's voice agrees on it, as the beam walks from all of them at once
        cues = [voice(ctx.question, s.mention, steps or {}) for s in self.seeds if s.mention]
        self.first = (
            {st: v for st, v in cues[0].items() if all(c.get(st) == v for c in cues[1:])} if cues else {}
        )
        self.last = answer_voice(ctx.question, steps or {})
        """The cues for the step into the answer, from the verb the answer does."""
        self.mentions = (
            path_scorer.mentions(self.masked, steps or {})
            if path_scorer is not None
            else question_mentions(self.masked, steps or {})
        )

    # -- scoring ----------------------------------------------------------------------------------------
    def score(self, signatures: Sequence[Signature]) -> list[float]:
        """Relevance of each signature to the (masked) question, penalties included."""
        if not signatures:
            return []
        if self.path_scorer is not None:
            return self.path_scorer.score(self.masked, signatures, self.steps, self.first, self.last)
        texts = [reading_text(sig, self.steps) for sig in signatures]
        totals = [0.0] * len(texts)
        for scorer, weight in self.scorers:
            for i, value in enumerate(scorer.score(self.masked, texts)):
                totals[i] += weight * value
        return [
            total
            - self.s.hop_penalty * (len(sig) - 1)
            - self.s.inverse_penalty * sum(d == "in" for _, d in sig)
            for total, sig in zip(totals, signatures, strict=True)
        ]

    # -- graph ------------------------------------------------------------------------------------------
    def _expansions(self, beam: Beam) -> dict[tuple[str, str], dict[str, Path]]:
        """(relation, direction) -> {new end node: path}, from one recorded path query at the frontier."""
        frontier = list(beam.ends)[: self.s.max_frontier]
        query = PathQuery(tuple(frontier), (Step(None, "both"),), limit=EDGE_LIMIT)
        out: dict[tuple[str, str], dict[str, Path]] = {}
        last = beam.signature[-1] if beam.signature else None
        for hop in self.ctx.store.run_path_query(query):
            here, edge, other = hop.nodes[0], hop.edges[0], hop.nodes[1]
            if edge.type in BOOKKEEPING_TYPES or BOOKKEEPING_LABELS.intersection(other.labels):
                continue  # the text layer (documents, chunks) is not a fact
            direction = "out" if edge.source == here.id else "in"
            if edge.source == edge.target:
                direction = "out"
            relation = self.wording.say(edge.type)
            # never the immediate inverse of the relation just followed, unless a peer word asks for
            # that round trip ("colleagues": to the employer and back to its other staff)
            back = last is not None and last[0] == relation and last[1] != direction
            if back and not self._round_trip_named((*beam.signature, (relation, direction))):
                continue
            new = _extend(beam.ends[here.id], edge, other)
            if new is not None:
                out.setdefault((relation, direction), {}).setdefault(other.id, new)
        return out

    def _named(self, sig: Signature) -> bool:
        """Whether the question names every step of ``sig`` (``PathScorer.unearned``; without a path
        scorer, any signature)."""
        return self.path_scorer is None or self.path_scorer.unearned(self.masked, sig, self.steps) == 0

    def _round_trip_named(self, sig: Signature) -> bool:
        return self.shape.named(sig, self.steps or {}) or named_twice(self.mentions, sig[-1][0])

    # -- search -----------------------------------------------------------------------------------------
    def run(self) -> tuple[Beam | None, list[Beam]]:
        """Explore; return the best complete beam and every complete beam ranked."""
        seeds = self.ctx.store.get_nodes([s.node_id for s in self.seeds])
        if not seeds:
            self.ctx.note("explore", error="no linked entity in the graph")
            return None, []
        beams = [Beam((), 0.0, {i: Path((n,)) for i, n in seeds.items()})]
        complete: list[Beam] = []
        # a run of steps down through places counts as one hop (``chain_hops``), up to two hops past the
        # limit
        for hop in range(1, self.s.max_hops + 3):
            beams = [b for b in beams if chain_hops(b.signature, self.placed) < self.s.max_hops]
            if not beams:
                break
            candidates: list[Beam] = []
            for beam in beams:
                for step, ends in sorted(self._expansions(beam).items()):
                    candidates.append(Beam((*beam.signature, step), 0.0, ends))
            if not candidates:
                self.ctx.note("hop", hop=hop, options=0, stopped="no edges at the frontier")
                break
            for cand, sc in zip(candidates, self.score([c.signature for c in candidates]), strict=True):
                cand.score = sc
            candidates.sort(key=lambda b: (-b.score, len(b.signature), b.signature))
            best_done = max(complete, key=lambda b: b.score) if complete else None
            chosen, stop = self._decide(hop, candidates, best_done)
            record: dict[str, Any] = {
                "hop": hop,
                "options": len(candidates),
                "top": [
                    {"path": c.text, "score": round(c.score, 4), "ends": len(c.ends)} for c in candidates[:5]
                ],
            }
            if chosen is not None:
                record["chosen"] = chosen
            if stop:
                record["stopped"] = "the current path answers the question"
                self.ctx.note("hop", **record)
                break
            beams = candidates[: self.s.beam]
            if self.type_ok is not None and not any(self.type_ok(p) for b in beams for p in b.ends.values()):
                # the best path reaching the type the question names stays, though it ranks below the beam
                # ("How many finals were played in X?": X's clubs' players outrank its stadiums' finals)
                typed = [c for c in candidates if any(self.type_ok(p) for p in c.ends.values())]
                beams = beams + typed[:1]
            if self.shape.inside and not any(self._descends(b) for b in beams):
                # "in X" asks for what lies inside X: the best path on down its places stays, though it
                # ranks below the beam until it reaches them ("How many ships have their home port in
                # X?", X a country: region, city, port, then the ships; not the ships flagged in X)
                beams = beams + [c for c in candidates if self._descends(c)][:1]
            if self.mentions and self.path_scorer is not None:
                # the path whose every step the question names, though it leaves some of the relations it
                # names unwalked, stays too (the one walking most of them, then the best): the start of a
                # longer chain it spells out ("the father of X's wife", then "founded by"), scored low until
                # it reaches the last of them
                extra = [
                    c
                    for c in candidates[self.s.beam :]
                    if self._named(c.signature)
                    and self.path_scorer.missed(self.masked, c.signature, self.steps) > 0
                ]
                extra.sort(key=lambda c: -len(named_steps(c.signature, self.mentions)[0]))
                beams = beams + extra[:1]
            complete.extend(beams)
            if hop == 1 and len(self.ctx.seeds) > 1:
                # every one-step reading is at hand: a question of two entities pairs them up even when
                # the beam walks on from others ("X's paintings that Y bought": ``knocked_down_to``)
                complete.extend(c for c in candidates if c not in beams)
            record["kept"] = [b.text for b in beams]
            record["frontier"] = [len(b.ends) for b in beams]
            self.ctx.note("hop", **record)
            best_done = max(complete, key=lambda b: b.score)
            # the question names a type ("which country") that no path so far reaches, or only one far
            # below the best (more than ``type_margin``: the region of the ship's flag state, when the
            # question asks for the region of its builder's yard): keep walking
            wanting = self.type_ok is not None and not any(
                self.type_ok(p)
                for b in complete
                if b.score >= best_done.score - self.s.type_margin
                for p in b.ends.values()
            )
            # a yes/no question's other entity that no path so far reaches along relations the question
            # names ("Is X in Y?", Y a country and X a stadium: city, region, country; not the city's
            # being Y's capital)
            wanting = wanting or (
                bool(self.targets)
                and not any(e in self.targets and self._named(b.signature) for b in complete for e in b.ends)
            )
            # nor while a kept path walks more of the relations the question names than the best so far
            # ("X's grandchild": child, child, and on to what the grandchild plays)
            progress = bool(self.mentions) and max(
                len(named_steps(b.signature, self.mentions)[0]) for b in beams
            ) > len(named_steps(best_done.signature, self.mentions)[0])
            # nor while a kept path walks on down the places inside X that "in X" asks for (country,
            # province, district, village: its farms are at the end of that chain, not in its capital)
            descending = self.shape.inside and any(self._descends(b) for b in beams)
            if (
                hop > 1
                and beams[0].score < best_done.score - self.s.stop_margin
                and not wanting
                and not progress
                and not descending
            ):
                self.ctx.note("stop", hop=hop, reason="no extension beats the best path so far")
                break
        complete.sort(key=lambda b: (-b.score, len(b.signature), b.signature))
        return (complete[0] if complete else None), complete

    def _descends(self, beam: Beam) -> bool:
        """Whether ``beam`` walks down into places: every step a ``placing`` relation read backwards, and
        all but the last containment ("region in country X, city in region, port serving city"; not the
        capital of X and then the ports serving it)."""
        sig = beam.signature
        return all(d == "in" and r in self.placed for r, d in sig) and all(contains(r) for r, _ in sig[:-1])

    def _decide(self, hop: int, candidates: list[Beam], best_done: Beam | None) -> tuple[str | None, bool]:
        """Let the LLM break a close call; return (its choice, whether it chose to stop)."""
        if self.ctx.llm is None:
            return None, False
        top = candidates[: self.s.llm_options]
        rivals = [c.score for c in top]
        if best_done is not None:
            rivals.append(best_done.score)
        rivals.sort(reverse=True)
        if len(rivals) < 2 or rivals[0] - rivals[1] >= self.s.confident_margin:
            return None, False
        labels = [option_label(c.signature[-1]) for c in top]
        options = list(dict.fromkeys(labels))
        if best_done is not None and best_done.score >= top[-1].score:
            options.append(STOP)
        if len(options) < 2:
            return None, False
        so_far = " -> ".join(option_label(st) for st in candidates[0].signature[:-1])
        prompt = (
            f"Question: {self.ctx.question}\n"
            + (f"Relations followed so far: {so_far}\n" if so_far else "")
            + "Which relation should be followed next to answer the question?"
            + (f" Say '{STOP}' if the relations so far already answer it." if STOP in options else "")
        )
        messages = [
            {"role": "system", "content": "You navigate a knowledge graph. Reply with one option."},
            {"role": "user", "content": prompt},
        ]
        result = self.ctx.chat(
            messages, json_schema={"type": "string", "enum": options}, max_tokens=48, temperature=0.0
        )
        value = getattr(result, "data", None)
        choice = value if isinstance(value, str) and value in options else options[0]
        self.ctx.note("llm_choose_relation", hop=hop, options=options, chosen=choice)
        if choice == STOP:
            assert best_done is not None
            best_done.score += self.s.llm_bonus
            return choice, True
        for c in top:
            if option_label(c.signature[-1]) == choice:
                c.score += self.s.llm_bonus
        candidates.sort(key=lambda b: (-b.score, len(b.signature), b.signature))
        return choice, False

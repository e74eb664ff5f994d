"""The one template every strategy follows: check capabilities -> gather evidence -> generate -> verify.

A strategy fills in ``gather`` (read the graph through a ``RecordingStore``, so every query is recorded)
and ``generate`` (rank answers, optionally call the LLM). The base class owns the fixed steps: it
refuses to start when the store lacks a capability the strategy needs, times each step, counts LLM calls
and tokens, checks that every answer entity and every citation exists in the evidence, and assembles the
``Answer``. Options are a pydantic model with ``extra="forbid"``: a typo is an error, not a default.
"""

from __future__ import annotations

import functools
import itertools
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from kgreason.config import Settings
from kgreason.errors import ConfigError, suggest
from kgreason.fusion.question import QuestionAnalysis, analyse
from kgreason.fusion.recording import RecordingStore
from kgreason.fusion.spelling import encoder_vocabulary, graph_words, respelt
from kgreason.graph.store import GraphStore
from kgreason.types import Answer, Citation, Path, SourceSentence

if TYPE_CHECKING:
    from kgreason.llm.base import ChatModel
    from kgreason.llm.requests import ChatResult


class StrategyOptions(BaseModel):
    """Base of every strategy's options: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Seed:
    """A linked topic entity: where reasoning starts."""

    node_id: str
    mention: str = ""
    score: float = 1.0
    start: int = -1
    """Where the mention starts in the question (-1: not from the text, e.g. ``--topic``)."""
    kind: bool = False
    """The mention names the kind the question asks for (``LinkedEntity.kind``)."""


def without_qualifiers(question: str, seeds: Sequence[Seed], store: GraphStore) -> list[Seed]:
    """``seeds`` without each one whose possessive says where the next one is ("Veradon's Old Quarter":
    the Old Quarter of Veradon) when an edge joins the two: it tells the named thing apart, and is no
    second entity whose paths must meet at the answer."""
    ordered = sorted((s for s in seeds if s.start >= 0), key=lambda s: s.start)
    dropped: set[Seed] = set()
    for owner, owned in itertools.pairwise(ordered):
        end = owner.start + len(owner.mention)
        said = question[owner.start : owned.start].rstrip()
        between = question[end : owned.start]
        if (
            owner.node_id != owned.node_id
            and said.endswith(("'s", "'", "\u2019s"))
            and not between.strip(" '\u2019s")
            and store.paths_between(owner.node_id, owned.node_id, max_hops=1, limit=1)
        ):
            dropped.add(owner)
    return [s for s in seeds if s not in dropped]


@dataclass(frozen=True)
class Candidate:
    """A ranked answer entity with the indexes of the evidence paths that support it."""

    node_id: str
    score: float
    paths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """What ``gather`` found: paths (cited as T1.. by edge order), ranked candidates, a trace."""

    paths: tuple[Path, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    notes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """What ``generate`` produced."""

    text: str
    entities: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    answers: tuple[str, ...] | None = None
    """The asserted answers (``None``: the first ``answer_set_size`` entities, at least one)."""
    value: str | None = None
    abstained: str | None = None
    form: str = ""
    sources: tuple[SourceSentence, ...] = ()
    """Document sentences cited beside the evidence edges (e.g. chunks found by a text search)."""


@dataclass
class Context:
    """Per-question state: the recording store, the LLM with usage counters, the trace."""

    question: str
    seeds: tuple[Seed, ...]
    store: RecordingStore
    llm: ChatModel | None
    analysis: QuestionAnalysis = field(default_factory=QuestionAnalysis)
    trace: list[dict[str, Any]] = field(default_factory=list)
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def chat(self, messages: Sequence[Mapping[str, str]], **kwargs: Any) -> ChatResult:
        """Call the LLM and count the call and its tokens."""
        if self.llm is None:
            raise ConfigError(
                "this step needs an LLM", hint="pass --llm NAME (or use --llm none where offered)"
            )
        result = self.llm.chat(messages, **kwargs)
        if not result.cached:
            self.llm_calls += 1
        self.prompt_tokens += result.prompt_tokens
        self.completion_tokens += result.completion_tokens
        return result

    def note(self, step: str, **data: Any) -> None:
        self.trace.append({"step": step, **data})


@dataclass(frozen=True)
class Resources:
    """Shared, lazily built helpers a strategy may use: a sentence encoder, a cache directory, the
    engine's settings (where trained models live; ``None``: read from the environment), and ``names``:
    the node ids a phrase names whole (the engine's entity linker; ``None``: no lookup)."""

    encoder: Any | None = None
    cache_dir: FsPath | None = None
    settings: Settings | None = None
    names: Callable[[str], Sequence[str]] | None = None


class Strategy(ABC):
    """Base class of the fusion strategies."""

    name: ClassVar[str]
    needs_cypher: ClassVar[bool] = False
    Options: ClassVar[type[StrategyOptions]] = StrategyOptions

    def __init__(
        self,
        store: GraphStore,
        *,
        llm: ChatModel | None = None,
        options: StrategyOptions | Mapping[str, Any] | None = None,
        resources: Resources | None = None,
    ) -> None:
        self.store = store
        self.llm = llm
        self.resources = resources or Resources()
        if options is None or isinstance(options, StrategyOptions):
            self.options = options or self.Options()
        else:
            try:
                self.options = self.Options(**dict(options))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                if first["type"] == "extra_forbidden":
                    known = list(self.Options.model_fields)
                    close = suggest(where, known)
                    hint = f"did you mean: {', '.join(close)}?" if close else f"known: {', '.join(known)}"
                    raise ConfigError(f"unknown {self.name} option {where!r}", hint=hint) from None
                raise ConfigError(f"{self.name} option {where!r}: {first['msg']}") from None

    def check(self) -> None:
        """Fail before any work when the store lacks what this strategy needs."""
        if self.needs_cypher and not self.store.capabilities.cypher:
            raise ConfigError(
                f"strategy {self.name!r} needs a store that runs Cypher; {self.store.backend!r} does not",
                hint="use --store neo4j",
            )

    @functools.cached_property
    def graph_words(self) -> frozenset[str]:
        """The words of the graph's labels and relation names (``spelling.graph_words``), read once."""
        return graph_words(self.store.schema())

    def answer(self, question: str, seeds: Sequence[Seed]) -> Answer:
        """Answer ``question`` starting from the linked ``seeds``."""
        self.check()
        timings: dict[str, float] = {}
        asked = question
        # a misspelt word of the graph's own ("Which seson ...") is read as the word it misspells
        question, seeds = respelt(question, seeds, self.graph_words, encoder_vocabulary())
        seeds = without_qualifiers(question, seeds, self.store)
        ordered = sorted(seeds, key=lambda s: s.start)
        analysis = analyse(
            question,
            [s.node_id for s in ordered],
            [s.mention for s in ordered if s.start >= 0],
            kind_named=any(s.kind for s in ordered),
        )
        ctx = Context(question, tuple(seeds), RecordingStore(self.store), self.llm, analysis)
        if question != asked:
            ctx.note("respell", question=question)
        ctx.note("analyse", **analysis.to_dict())
        t0 = time.perf_counter()
        evidence = self.gather(ctx)
        t1 = time.perf_counter()
        draft = self.generate(ctx, evidence)
        t2 = time.perf_counter()
        answer = self.verify(ctx, evidence, draft)
        t3 = time.perf_counter()
        timings.update(gather=(t1 - t0) * 1000, generate=(t2 - t1) * 1000, verify=(t3 - t2) * 1000)
        timings["total"] = (t3 - t0) * 1000
        return Answer(
            question=asked if answer.question == question else answer.question,
            text=answer.text,
            entities=answer.entities,
            answers=answer.answers,
            value=answer.value,
            abstained=answer.abstained,
            form=answer.form,
            evidence=answer.evidence,
            queries=tuple(ctx.store.records),
            citations=answer.citations,
            unsupported=answer.unsupported,
            strategy=self.name,
            scores=answer.scores,
            trace=tuple(ctx.trace),
            timings_ms=timings,
            llm_calls=ctx.llm_calls,
            prompt_tokens=ctx.prompt_tokens,
            completion_tokens=ctx.completion_tokens,
            text_sources=answer.text_sources,
        )

    @abstractmethod
    def gather(self, ctx: Context) -> Evidence:
        """Read the graph (through ``ctx.store``) and return the evidence."""

    @abstractmethod
    def generate(self, ctx: Context, evidence: Evidence) -> Draft:
        """Rank answers and write the text (optionally with ``ctx.chat``)."""

    def verify(self, ctx: Context, evidence: Evidence, draft: Draft) -> Answer:
        """Keep only answer entities and citations the evidence supports; flag the rest."""
        in_evidence = {n.id for p in evidence.paths for n in p.nodes}
        edge_ids = {e.id for p in evidence.paths for e in p.edges}
        unsupported = [
            f"answer entity {e!r} is not in the evidence" for e in draft.entities if e not in in_evidence
        ]
        citations = []
        for c in draft.citations:
            if all(i in edge_ids for i in c.edge_ids):
                citations.append(c)
            else:
                unsupported.append(f"citation {c.marker} names an edge outside the evidence")
        if draft.answers is None:
            size = int(draft.scores.get("answer_set_size", 1) or 1)
            asserted: tuple[str, ...] = tuple(draft.entities[:size])
        else:
            asserted = draft.answers
        unsupported += [
            f"answer entity {a!r} is not in the evidence"
            for a in asserted
            if a not in in_evidence and a not in draft.entities
        ]
        asserted = tuple(a for a in asserted if a in in_evidence)
        abstained = draft.abstained
        if not asserted and draft.value is None and abstained is None:
            abstained = "nothing in the graph answers the question"
        ranked = list(dict.fromkeys([*asserted, *draft.entities]))
        ctx.note("verify", unsupported=len(unsupported))
        return Answer(
            question=ctx.question,
            text=draft.text,
            entities=tuple(e for e in ranked if e in in_evidence),
            answers=asserted,
            value=draft.value,
            abstained=abstained,
            form=draft.form or ctx.analysis.form,
            evidence=evidence.paths,
            citations=tuple(citations),
            unsupported=tuple(unsupported),
            scores=draft.scores,
            text_sources=draft.sources,
        )

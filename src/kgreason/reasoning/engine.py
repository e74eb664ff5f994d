"""The reasoning engine: wires a graph store, an entity linker, a strategy and an LLM from settings.

``Engine.ask`` links the question to graph entities, hands the seeds to the chosen strategy (looked up
by name in the ``kgreason.strategies`` registry), checks the answer text against the evidence, and
returns the ``Answer``. ``Engine.replay`` re-runs an answer's recorded queries.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from kgreason import registry
from kgreason.config import Settings
from kgreason.errors import NotFoundError, suggest
from kgreason.fusion.base import Resources, Seed, Strategy
from kgreason.fusion.recording import ReplayReport, replay
from kgreason.graph.store import GraphStore
from kgreason.types import Answer

if TYPE_CHECKING:
    from kgreason.llm.base import ChatModel

MAX_ANCHORS = 3
"""Named entities a question may start from."""


class _LazyIndex:
    """A vector index built on its first search."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._index: Any = None

    def search(self, vector: Any, k: int) -> list[tuple[str, float]]:
        if self._index is None:
            self._index = self._build()
        result: list[tuple[str, float]] = self._index.search(vector, k)
        return result


class Engine:
    """Answer questions over one graph with one strategy.

    Args:
        store: the graph.
        strategy: a registered strategy name (``retrieve``, ...).
        llm: a chat model, or ``None`` for ranked answers without generated text.
        options: the strategy's options (unknown keys are an error).
        settings: where caches live; defaults to the environment.
        encoder: a sentence encoder to share (default: the bundled MiniLM, loaded on first use).

    Build one with ``kgreason.open_graph(NAME).engine(strategy=..., llm=...)``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import kgreason
        >>> home = Path(tempfile.mkdtemp())
        >>> data = home / "family.tsv"
        >>> _ = data.write_text("alice\\tworks_at\\tacme\\nacme\\tlocated_in\\tparis\\n", encoding="utf-8")
        >>> graph = kgreason.open_graph("family", home=home)
        >>> _ = graph.load(data)
        >>> engine = graph.engine("retrieve", llm=None)
        >>> answer = engine.ask("Where is the company alice works at located?")
        >>> answer.entities[0], answer.text
        ('paris', 'paris [T1][T2]')
        >>> [p.node_ids for p in answer.evidence][:1]
        [('alice', 'acme', 'paris')]
        >>> engine.replay(answer).identical
        True
        >>> qa = [{"question": "Where is acme located?", "answers": ["paris"], "topic_entity": "acme"}]
        >>> summary = engine.eval(qa)
        >>> summary["n"], summary["hits@1"], summary["f1"]
        (1, 1.0, 1.0)
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        strategy: str = "retrieve",
        llm: ChatModel | None = None,
        options: Mapping[str, Any] | None = None,
        settings: Settings | None = None,
        encoder: Any | None = None,
    ) -> None:
        self.store = store
        self.strategy_name = strategy
        self.llm = llm
        self.options = dict(options or {})
        self.settings = settings or Settings.from_env()
        self._encoder = encoder

    @cached_property
    def encoder(self) -> Any:
        if self._encoder is None:
            from kgreason.embed import default_encoder

            self._encoder = default_encoder()
        return self._encoder

    @cached_property
    def linker(self) -> Any:
        """Entity linker; on Neo4j its embedding tier uses Neo4j's native vector index."""
        from kgreason.graph.node_text import node_text
        from kgreason.reasoning.entity_linking import EntityLinker

        index: Any = None
        if self.store.capabilities.vector_index and self.store.backend == "neo4j":
            from kgreason.reasoning.neo4j_vector_index import Neo4jVectorIndex

            def build() -> Any:
                entries = ((n.id, node_text(n)) for n in self.store.iter_nodes())
                return Neo4jVectorIndex(self.store).build(entries, self.encoder)

            index = _LazyIndex(build)  # built (or checked) only when a name needs the embedding tier
        return EntityLinker(self.store, encoder=self.encoder, vector_index=index)

    @cached_property
    def strategy(self) -> Strategy:
        cls = registry.load("kgreason.strategies", self.strategy_name)
        resources = Resources(
            encoder=self.encoder,
            cache_dir=self.settings.cache_dir / "embeddings",
            settings=self.settings,
            names=lambda phrase: self.linker.named(phrase),
        )
        strategy: Strategy = cls(self.store, llm=self.llm, options=self.options, resources=resources)
        strategy.check()
        return strategy

    def link(self, question: str, topic: str | None = None) -> list[Seed]:
        """The entities a question starts from: ``topic`` when given, else every entity it names.

        One seed per mention (the best node for it; mentions do not overlap), best first, at most
        ``MAX_ANCHORS``: a question such as "Which Tarantino film starred DiCaprio?" needs both names.
        """
        if topic is not None:
            if self.store.get_node(topic) is None:
                known = [e.node_id for e in self.linker.resolve(topic)][:3]
                raise NotFoundError("entity", topic, known or suggest(topic, []))
            return [Seed(topic, topic, 1.0)]
        found = self.linker.link(question, k=3 * MAX_ANCHORS)
        seeds: list[Seed] = []
        spans: list[tuple[int, int]] = []
        for e in found:
            if any(e.start < end and start < e.end for start, end in spans):
                continue  # another node for a mention already linked: keep the best one
            if any(s.node_id == e.node_id for s in seeds):
                continue
            spans.append((e.start, e.end))
            seeds.append(Seed(e.node_id, e.mention, float(e.score), e.start, e.kind))
            if len(seeds) == MAX_ANCHORS:
                break
        return seeds

    def ask(self, question: str, *, topic: str | None = None) -> Answer:
        """Answer ``question`` (optionally starting from the node id ``topic``).

        Args:
            question: the question in natural language.
            topic: a node id to start from instead of linking entities in the question.

        Returns:
            The ``Answer``: text, answer entities (best first), evidence paths, every query executed,
            citations, unsupported claims, the trace, timings, LLM calls and tokens.

        Raises:
            NotFoundError: ``topic`` is not a node of the graph.
            ConfigError: bad strategy options, or a strategy the store cannot serve.
        """
        strategy = self.strategy
        seeds = self.link(question, topic)
        answer = strategy.answer(question, seeds)
        link = {"step": "link", "seeds": [dataclasses.asdict(s) for s in seeds]}
        trace = (link, *answer.trace)
        unsupported = answer.unsupported
        if answer.text:
            from kgreason.reasoning.verify import unsupported_claims

            unsupported += tuple(unsupported_claims(answer.text, answer.evidence, self.linker))
        return dataclasses.replace(answer, trace=trace, unsupported=unsupported)

    def replay(self, answer: Answer) -> ReplayReport:
        """Re-run ``answer``'s recorded queries on this engine's store and compare the evidence."""
        return replay(self.store, answer.queries, answer.evidence)

    def ask_many(self, questions: Sequence[str]) -> list[Answer]:
        """``ask`` each question in turn."""
        return [self.ask(q) for q in questions]

    def eval(
        self,
        questions: str | os.PathLike[str] | Iterable[Any],
        *,
        limit: int | None = None,
        seed: int = 0,
        link: bool = False,
        out: str | os.PathLike[str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Score this engine on a QA set: the metrics ``kgr eval qa --json`` prints.

        Args:
            questions: a QA JSONL file (``{"question", "answers", "topic_entity"}`` per line), or
                ``QAItem`` objects or dicts of that shape.
            limit: evaluate a reproducible sample of this many questions.
            seed: the sample's seed.
            link: link entities from the question text instead of using ``topic_entity`` (also reports
                ``linking_accuracy``).
            out: write one JSON line per question here.
            progress: called with 1 after each question.

        Returns:
            ``n``, ``hits@1``, ``hits@5``, ``precision``, ``recall``, ``f1``, ``faithfulness``,
            ``latency_ms_mean/p50/p95``, ``llm_calls``, ``tokens``, ``errors``, ``strategy``, ``graph``,
            ``store`` (and ``questions`` when read from a file).

        Raises:
            InputError: a malformed QA entry (file and line named).
        """
        import json

        from kgreason.atomic import atomic_write
        from kgreason.qa_file import QAItem, _item_from, read_qa
        from kgreason.reasoning.evaluation import evaluate, select

        if isinstance(questions, (str, os.PathLike)):
            items = read_qa(FsPath(questions))
        else:
            items = [
                q if isinstance(q, QAItem) else _item_from(q, "<questions>", i)
                for i, q in enumerate(questions, 1)
            ]
        summary, records = evaluate(
            self, select(items, limit=limit, seed=seed), use_topic=not link, progress=progress
        )
        summary.update({"graph": self.store.graph, "store": self.store.backend})
        if isinstance(questions, (str, os.PathLike)):
            summary["questions"] = str(questions)
        if out is not None:
            with atomic_write(FsPath(out), "w") as fh:
                for r in records:
                    fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        return summary

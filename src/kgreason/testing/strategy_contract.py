"""The contract every reasoning strategy must pass, shipped so a plugin strategy can run it.

Subclass ``StrategyContract`` in a test module and provide three fixtures:

- ``strategy_name``: the name the strategy is registered under (``kgreason.strategies`` entry point);
- ``store_factory``: a callable taking a graph name and returning an empty store for it (parametrize it
  to run the suite on several stores);
- ``engine_factory``: a callable ``(store, strategy_name, options) -> engine``, where the engine has
  ``ask(question, *, topic=None) -> Answer`` and ``replay(answer)`` (``kgreason.reasoning.Engine`` with
  ``llm=None`` is one). The suite imports nothing above the graph layer, so the engine comes from you.

Override ``strategy_options`` (default ``{}``) when the strategy needs options to run, e.g. where its
trained model lives.

    class TestMyStrategy(StrategyContract):
        @pytest.fixture
        def strategy_name(self):
            return "mine"
        ...

Every case runs on ``FAMILY`` (the family example graph, ``examples/data/family.tsv`` in the
repository), loaded through ``load_file`` like any triples file. Expected answers are written out by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from kgreason import registry
from kgreason.errors import ConfigError, NotFoundError
from kgreason.graph.loaders import load_file
from kgreason.graph.store import GraphStore
from kgreason.types import Answer

FAMILY = (
    ("alice", "parent_of", "bob"),
    ("alice", "parent_of", "carol"),
    ("bob", "sibling_of", "carol"),
    ("carol", "sibling_of", "bob"),
    ("alice", "works_at", "acme"),
    ("bob", "works_at", "acme"),
    ("acme", "located_in", "paris"),
    ("carol", "lives_in", "paris"),
    ("paris", "capital_of", "france"),
    ("bob", "knows", "alice"),
)
LINKED = ("Where is acme located?", "acme", "paris")
"""A question naming one entity (linked from the text), that entity, and the answer."""
TOPIC = ("Who is the parent?", "bob", "alice")
"""A question naming no entity, the topic given instead, and the answer."""
UNLINKED = "What is the airspeed velocity of an unladen swallow?"
"""A question naming nothing in the graph."""


class Engine(Protocol):
    def ask(self, question: str, *, topic: str | None = None) -> Answer: ...

    def replay(self, answer: Answer) -> Any: ...


StoreFactory = Callable[[str], GraphStore]
EngineFactory = Callable[[GraphStore, str, Mapping[str, Any]], Engine]


def load_family(store: GraphStore, directory: Path) -> GraphStore:
    """Load ``FAMILY`` into ``store`` through a triples file, as ``kgr graph load`` would."""
    path = directory / "family.tsv"
    path.write_text("".join(f"{h}\t{r}\t{t}\n" for h, r, t in FAMILY), encoding="utf-8")
    load_file(store, path)
    return store


def _seed_ids(answer: Answer) -> list[str]:
    link = answer.trace[0]
    assert link["step"] == "link", link
    return [s["node_id"] for s in link["seeds"]]


class StrategyContract:
    """Tests every registered strategy must pass."""

    @pytest.fixture
    def strategy_options(self) -> Mapping[str, Any]:
        return {}

    @pytest.fixture
    def family(self, store_factory: StoreFactory, tmp_path: Path) -> GraphStore:
        return load_family(store_factory("family"), tmp_path)

    @pytest.fixture
    def engine(
        self,
        engine_factory: EngineFactory,
        family: GraphStore,
        strategy_name: str,
        strategy_options: Mapping[str, Any],
    ) -> Engine:
        return engine_factory(family, strategy_name, strategy_options)

    def test_is_registered(self, strategy_name: str) -> None:
        assert strategy_name in registry.available("kgreason.strategies")
        assert registry.load("kgreason.strategies", strategy_name).name == strategy_name

    def test_answers_a_linked_question_with_cited_evidence(
        self, engine: Engine, family: GraphStore, strategy_name: str
    ) -> None:
        question, entity, expected = LINKED
        answer = engine.ask(question)
        assert isinstance(answer, Answer)
        assert answer.question == question and answer.strategy == strategy_name
        assert _seed_ids(answer) == [entity]
        assert answer.abstained is None and expected in answer.answers
        on_paths = {n.id for p in answer.evidence for n in p.nodes}
        assert set(answer.answers) <= on_paths  # every asserted answer is on an evidence path
        graph_edges = {e.id for e in family.iter_edges()}
        assert {e.id for p in answer.evidence for e in p.edges} <= graph_edges
        assert answer.citations, "an answer cites its evidence"
        assert all(i in graph_edges for c in answer.citations for i in c.edge_ids)
        assert answer.queries, "every graph read is recorded"

    def test_recorded_queries_replay_identically(self, engine: Engine) -> None:
        answer = engine.ask(LINKED[0])
        assert engine.replay(answer).identical

    def test_honours_the_topic(self, engine: Engine) -> None:
        question, topic, expected = TOPIC
        answer = engine.ask(question, topic=topic)
        assert _seed_ids(answer) == [topic]
        assert answer.abstained is None and expected in answer.answers
        assert all(p.nodes[0].id == topic for p in answer.evidence)
        with pytest.raises(NotFoundError):
            engine.ask(question, topic="nobody-by-this-id")

    def test_rejects_an_unknown_option_with_a_suggestion(
        self,
        engine_factory: EngineFactory,
        family: GraphStore,
        strategy_name: str,
        strategy_options: Mapping[str, Any],
    ) -> None:
        fields = list(registry.load("kgreason.strategies", strategy_name).Options.model_fields)
        assert fields, "a strategy declares its options"
        real = max(fields, key=len)
        typo = real[:-1] + ("x" if real[-1] != "x" else "y")
        with pytest.raises(ConfigError) as err:
            engine_factory(family, strategy_name, {**strategy_options, typo: 1}).ask(LINKED[0])
        assert typo in str(err.value)
        assert err.value.hint is not None and real in err.value.hint

    def test_abstains_with_a_reason_when_nothing_links(self, engine: Engine) -> None:
        answer = engine.ask(UNLINKED)
        assert _seed_ids(answer) == []
        assert isinstance(answer.abstained, str) and answer.abstained.strip()
        assert answer.answers == () and answer.citations == ()

    def test_answer_to_dict_is_json(self, engine: Engine, strategy_name: str) -> None:
        answer = engine.ask(LINKED[0])
        data = json.loads(json.dumps(answer.to_dict()))
        assert data["question"] == LINKED[0] and data["strategy"] == strategy_name
        assert data["answers"] == list(answer.answers) and LINKED[2] in data["answers"]
        assert len(data["evidence"]) == len(answer.evidence) and len(data["queries"]) == len(answer.queries)
        assert len(data["citations"]) == len(answer.citations)

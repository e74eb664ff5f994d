"""multihop explore mode end to end: real memory and Neo4j stores, the real MiniLM encoder and model."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.fusion.recording import replay
from kgreason.fusion.retrieve.path_shapes import chain_hops
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.graph.store import GraphStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import make_qa
from kgreason.testing.synthetic import world_triples
from kgreason.types import Answer, Edge

FAMILY = Path(__file__).resolve().parents[3] / "examples" / "data" / "family.tsv"

CASES = [
    ("Where is the company that alice works at located?", "alice", {"paris"}),
    ("Which country is the city carol lives in the capital of?", "carol", {"france"}),
    ("Which company do the children of alice work at?", "alice", {"acme"}),
    ("Who is the sibling of the child of alice?", "alice", {"bob", "carol"}),
]


@pytest.fixture(scope="module")
def encoder() -> object:
    from kgreason.embed import default_encoder

    return default_encoder()


@pytest.fixture
def family(settings: Settings) -> MemoryStore:
    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    return store


@pytest.fixture
def world(settings: Settings) -> MemoryStore:
    store = MemoryStore("world", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(400)])
    return store


def _engine(
    store: GraphStore, settings: Settings, encoder: object, llm: object = None, **opts: object
) -> Engine:
    options = {"mode": "explore", **opts}
    return Engine(store, strategy="multihop", llm=llm, options=options, settings=settings, encoder=encoder)  # type: ignore[arg-type]


def _hops(answer: Answer) -> list[dict[str, object]]:
    return [dict(t) for t in answer.trace if t["step"] == "hop"]


def _check_answer(answer: Answer, store: GraphStore, topic: str) -> None:
    assert answer.strategy == "multihop"
    assert topic not in answer.entities[: int(answer.scores["answer_set_size"])]
    nodes = {n.id for p in answer.evidence for n in p.nodes}
    assert set(answer.entities) <= nodes and not answer.unsupported
    assert all(p.nodes[0].id == topic for p in answer.evidence)  # every path starts at the topic
    hops = _hops(answer)
    assert hops and all("top" in h or h["options"] == 0 for h in hops)
    path = next(t for t in answer.trace if t["step"] == "answer_path")
    relations = list(path["relations"])  # type: ignore[arg-type]
    for a, b in itertools.pairwise(relations):  # never straight back along the last relation
        ra, da = a[:-1].split("(")
        rb, db = b[:-1].split("(")
        assert not (ra == rb and da != db)
    assert replay(store, answer.queries, answer.evidence).identical


@pytest.mark.parametrize(("question", "topic", "gold"), CASES)
def test_family_paths_without_llm(
    family: MemoryStore, settings: Settings, encoder: object, question: str, topic: str, gold: set[str]
) -> None:
    answer = _engine(family, settings, encoder).ask(question, topic=topic)
    size = int(answer.scores["answer_set_size"])
    assert set(answer.entities[:size]) == gold
    assert answer.llm_calls == 0
    _check_answer(answer, family, topic)
    # the citations in the text name the edges of the answer path
    edges = {e.id for p in answer.evidence for e in p.edges}
    assert answer.citations and all(i in edges for c in answer.citations for i in c.edge_ids)


def test_generated_two_and_three_hop_questions(
    world: MemoryStore, settings: Settings, encoder: object
) -> None:
    engine = _engine(world, settings, encoder)
    for hops, floor in ((2, 0.6), (3, 0.5)):
        items = make_qa(world, hops=[hops], n=12, seed=100 + hops)
        assert len(items) == 12
        summary, records = evaluate(engine, items)
        assert summary["hits@1"] >= floor, (hops, summary["hits@1"])
        assert summary["faithfulness"] == 1.0
        for r in records:
            assert r.answer is not None
            assert r.item.topic_entity is not None
            _check_answer(r.answer, world, r.item.topic_entity)
            # one hop past ``max_hops`` only along a run of containment steps, which counts as one
            assert len(_hops(r.answer)) <= 4
            path = next(t for t in r.answer.trace if t["step"] == "answer_path")
            sig = [tuple(rel.rstrip(")").split("(")) for rel in path["relations"]]
            assert chain_hops(sig) <= 3 and len(sig) <= 4


def test_options_are_checked(family: MemoryStore, settings: Settings, encoder: object) -> None:
    with pytest.raises(ConfigError, match="beem"):
        _engine(family, settings, encoder, beem=2).ask("x", topic="alice")
    with pytest.raises(ConfigError, match="Cypher"):
        _engine(family, settings, encoder, mode="cypher").ask("x", topic="alice")


def test_auto_mode_explores_on_the_memory_store(
    family: MemoryStore, settings: Settings, encoder: object
) -> None:
    answer = _engine(family, settings, encoder, mode="auto").ask(CASES[0][0], topic="alice")
    assert next(t for t in answer.trace if t["step"] == "mode")["mode"] == "explore"
    assert answer.entities[0] == "paris"


def test_same_answers_on_neo4j(
    neo4j_store_factory: Callable[[str], GraphStore], family: MemoryStore, settings: Settings, encoder: object
) -> None:
    neo = neo4j_store_factory("mh_family")
    load_file(neo, FAMILY)
    for question, topic, _ in CASES:
        a = _engine(neo, settings, encoder).ask(question, topic=topic)
        b = _engine(family, settings, encoder).ask(question, topic=topic)
        assert a.entities == b.entities
        assert [p.edge_ids for p in a.evidence] == [p.edge_ids for p in b.evidence]
        _check_answer(a, neo, topic)


@pytest.mark.slow
def test_bundled_model_breaks_close_calls(world: MemoryStore, settings: Settings, encoder: object) -> None:
    from kgreason.llm import create_chat_model

    llm = create_chat_model("llamacpp", settings=settings)
    # a wide confidence margin makes the model decide at most hops; it may stop early or pick a relation
    engine = _engine(world, settings, encoder, llm, confident_margin=1.0)
    items = make_qa(world, hops=[2], n=4, seed=7)
    called = 0
    for item in items:
        answer = engine.ask(item.question, topic=item.topic_entity)
        hops = len(_hops(answer))
        assert answer.llm_calls <= 2 * max(1, hops)
        choices = [t for t in answer.trace if t["step"] == "llm_choose_relation"]
        assert len(choices) == answer.llm_calls
        for c in choices:
            assert c["chosen"] in c["options"]
        called += answer.llm_calls
        assert item.topic_entity is not None
        _check_answer(answer, world, item.topic_entity)
    assert called > 0

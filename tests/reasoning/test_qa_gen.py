"""Templated QA generation: gold answer sets checked by an independent traversal; the QA file format."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from _reasoning_data import QA_DIR, reachable

from kgreason.errors import InputError
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem, read_qa, write_qa
from kgreason.reasoning.qa_gen import make_qa, phrase, relation_words
from kgreason.types import Edge, Node


def test_generated_answers_are_every_node_the_relation_path_reaches(movies_store: MemoryStore) -> None:
    items = make_qa(movies_store, hops=[1, 2, 3], n=90, seed=7)
    assert len(items) == 90
    assert Counter(i.hops for i in items) == {1: 30, 2: 30, 3: 30}
    for item in items:
        assert item.topic_entity is not None
        assert item.hops == len(item.relations)
        gold = reachable(movies_store, item.topic_entity, item.relations)
        assert set(item.answers) == gold, item
        assert list(item.answers) == sorted(item.answers)
        assert 1 <= len(item.answers) <= 20
        assert item.topic_entity not in item.answers
        assert item.question.endswith(("?", "."))
    # Multi-answer questions exist: the whole answer set is kept, not one walk's endpoint.
    assert any(len(i.answers) > 1 for i in items)
    assert len({(i.topic_entity, i.relations) for i in items}) == len(items)


def test_same_seed_same_questions(movies_store: MemoryStore) -> None:
    a = make_qa(movies_store, hops=[1, 2], n=20, seed=3)
    b = make_qa(movies_store, hops=[1, 2], n=20, seed=3)
    c = make_qa(movies_store, hops=[1, 2], n=20, seed=4)
    assert [i.to_dict() for i in a] == [i.to_dict() for i in b]
    assert [i.to_dict() for i in a] != [i.to_dict() for i in c]


def test_large_answer_sets_and_cycles_back_to_the_topic_are_skipped(tmp_path: Path) -> None:
    store = MemoryStore("hub", directory=tmp_path)
    store.upsert_edges([Edge("hub", "links_to", f"leaf{i:02d}") for i in range(30)])
    store.upsert_edges([Edge("a", "knows", "b"), Edge("b", "knows", "a"), Edge("a", "likes", "c")])
    items = make_qa(store, hops=[1, 2], n=50, seed=0, max_attempts=2000)
    assert all(i.topic_entity != "hub" for i in items)  # 30 answers > 20
    assert not any(i.relations == ("knows", "knows") for i in items)  # a -> b -> a returns to the topic
    assert {i.relations for i in items if i.hops == 1} >= {("knows",), ("likes",)}


def test_generation_stops_when_the_graph_runs_out(tmp_path: Path) -> None:
    store = MemoryStore("tiny", directory=tmp_path)
    store.upsert_edges([Edge("x", "r", "y")])
    items = make_qa(store, hops=[1], n=10, seed=0)
    assert [(i.topic_entity, i.relations, i.answers) for i in items] == [("x", ("r",), ("y",))]
    assert make_qa(MemoryStore("empty", directory=tmp_path), hops=[1], n=5, seed=0) == []
    with pytest.raises(ValueError):
        make_qa(store, hops=[0], n=1, seed=0)


def test_questions_use_names_and_phrase_relations(tmp_path: Path) -> None:
    store = MemoryStore("named", directory=tmp_path)
    store.upsert_nodes([Node("m1", ("Movie",), {"name": "Alien"})])
    store.upsert_edges([Edge("m1", "directed_by", "Ridley_Scott"), Edge("Ridley_Scott", "nationality", "UK")])
    items = make_qa(store, hops=[2], n=1, seed=1, paraphrase=0.0)
    assert len(items) == 1
    q = items[0].question
    assert "Alien" in q and "m1" not in q
    assert "directed by" in q and "nationality" in q


@pytest.mark.parametrize(
    ("relation", "words", "kind", "text"),
    [
        ("/people/person/nationality", ["nationality"], "noun", "nationality"),
        ("directed_by", ["directed", "by"], "passive", "directed by"),
        ("starred_actors", ["starred", "actors"], "noun", "starred actors"),
        ("has_genre", ["has", "genre"], "noun", "genre"),
        ("in_language", ["in", "language"], "noun", "language"),
        ("parent_of", ["parent", "of"], "passive", "the parent of"),
        ("works_at", ["works", "at"], "active", "works at"),
        ("bornIn", ["born", "in"], "passive", "born in"),
        ("releaseYear", ["release", "year"], "noun", "release year"),
        ("knows", ["knows"], "active", "knows"),
    ],
)
def test_relation_phrasing(relation: str, words: list[str], kind: str, text: str) -> None:
    assert relation_words(relation) == words
    rp = phrase(relation)
    assert (rp.kind, rp.text) == (kind, text)


def test_qa_file_round_trip(tmp_path: Path) -> None:
    items = [
        QAItem("Who directed Alien?", ("Ridley Scott",), "Alien", 1, ("directed_by",)),
        QAItem("Anything?", ("x", "y"), extra={"source": "hand"}),
    ]
    path = tmp_path / "qa" / "set.jsonl"
    assert write_qa(path, items) == 2
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "question": "Who directed Alien?",
        "answers": ["Ridley Scott"],
        "topic_entity": "Alien",
        "hops": 1,
        "relations": ["directed_by"],
    }
    assert lines[1] == {"question": "Anything?", "answers": ["x", "y"], "source": "hand"}
    back = read_qa(path)
    assert back == items
    assert back[1].extra == {"source": "hand"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"answers": ["a"]}', "'question'"),
        ('{"question": "q?", "answers": "a"}', "'answers'"),
        ('{"question": "q?", "answers": [1]}', "'answers'"),
        ('{"question": "q?", "answers": ["a"], "topic_entity": 3}', "'topic_entity'"),
        ('{"question": "q?", "answers": ["a"], "hops": -1}', "'hops'"),
        ('{"question": "q?", "answers": ["a"], "relations": "r"}', "'relations'"),
    ],
)
def test_bad_qa_lines_name_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "fine?", "answers": ["a"]}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason) as info:
        read_qa(path)
    assert info.value.path == str(path)
    assert info.value.line == 3


def test_missing_qa_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_qa(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(
    ("qa_file", "store_fixture", "count"),
    [("movies_handwritten.jsonl", "movies_store", 32), ("family_handwritten.jsonl", "family_store", 11)],
)
def test_handwritten_question_sets_agree_with_the_graph(
    qa_file: str, store_fixture: str, count: int, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue(store_fixture)
    items = read_qa(QA_DIR / qa_file)
    assert len(items) == count
    assert {i.hops for i in items} == {1, 2}
    for item in items:
        assert item.topic_entity is not None and item.hops == len(item.relations)
        assert store.get_node(item.topic_entity) is not None
        assert set(item.answers) == reachable(store, item.topic_entity, item.relations), item.question


def test_bundled_generated_set_is_reproducible(movies_store: MemoryStore) -> None:
    # examples/qa/movies_generated.jsonl = make_qa(movies, hops=[1, 2, 3], n=150, seed=0). After a
    # deliberate change to generation or phrasing, regenerate it with write_qa and the same arguments.
    bundled = read_qa(QA_DIR / "movies_generated.jsonl")
    assert bundled == make_qa(movies_store, hops=[1, 2, 3], n=150, seed=0)


def _walk_back(store: MemoryStore, topic: str, relations: tuple[str, ...], directions: list[str]) -> set[str]:
    """Ends of the paths from ``topic`` along ``relations`` in ``directions`` ("in": from an edge's tail to
    its head) that use no edge twice (the path query's rule, as in Cypher): a depth-first walk over
    ``iter_edges``, independent of ``run_path_query``."""
    edges = list(store.iter_edges())
    ends: set[str] = set()

    def walk(node: str, i: int, used: frozenset[int]) -> None:
        if i == len(relations):
            ends.add(node)
            return
        for k, e in enumerate(edges):
            here, there = (e.target, e.source) if directions[i] == "in" else (e.source, e.target)
            if k not in used and e.type == relations[i] and here == node:
                walk(there, i + 1, used | {k})

    walk(topic, 0, frozenset())
    return ends


def test_inverse_steps_answer_with_every_head(movies_store: MemoryStore) -> None:
    items = make_qa(movies_store, hops=[1, 2], n=60, seed=5, inverse=0.5)
    assert len(items) == 60
    directions = [i.extra["directions"] for i in items]
    assert all(len(d) == i.hops == len(i.relations) for d, i in zip(directions, items, strict=True))
    assert any(d == ["in"] for d in directions) and any("out" in d and "in" in d for d in directions)
    for item in items:
        assert item.topic_entity is not None
        gold = _walk_back(movies_store, item.topic_entity, item.relations, item.extra["directions"])
        assert set(item.answers) == gold, item
        assert item.topic_entity not in item.answers
    # every generated question's (topic, steps) is new, a step read backwards counts as a different step
    keys = {(i.topic_entity, i.relations, tuple(i.extra["directions"])) for i in items}
    assert len(keys) == len(items)
    assert make_qa(movies_store, hops=[1, 2], n=60, seed=5, inverse=0.5) == items


def test_inverse_questions_are_worded_backwards(tmp_path: Path) -> None:
    store = MemoryStore("music", directory=tmp_path)
    store.upsert_nodes([Node(f"a{i}", ("Album",), {"name": f"Album {i}"}) for i in range(3)])
    store.upsert_nodes([Node("b", ("Band",), {"name": "Glass Harbour"})])
    store.upsert_nodes([Node(p, ("Person",), {"name": p}) for p in ("Ann", "Bo")])
    store.upsert_edges([Edge(f"a{i}", "released_by", "b") for i in range(3)])
    store.upsert_edges([Edge("Ann", "lives_in", "Oldmere"), Edge("Bo", "lives_in", "Oldmere")])
    store.upsert_edges([Edge("Ann", "parent_of", "Bo")])
    items = make_qa(store, hops=[1], n=20, seed=0, paraphrase=0.0, inverse=1.0, max_attempts=400)
    by_topic = {i.topic_entity: i for i in items}
    released = by_topic["b"]
    assert released.answers == ("a0", "a1", "a2") and released.relations == ("released_by",)
    assert released.extra["directions"] == ["in"]
    assert "Glass Harbour" in released.question
    assert any(w in released.question for w in ("released by", "released?")), released.question
    assert by_topic["Oldmere"].answers == ("Ann", "Bo") and "lives in Oldmere" in by_topic["Oldmere"].question
    lives = by_topic["Oldmere"].question  # the heads are people (label Person): "who", never "what"
    assert (
        "who" in lives.lower() or "everyone" in lives or "person" in lives
    ) and "what" not in lives.lower()
    assert by_topic["Bo"].answers == ("Ann",) and "parent" in by_topic["Bo"].question
    with pytest.raises(ValueError):
        make_qa(store, hops=[1], n=1, seed=0, inverse=1.5)


def test_inverse_zero_is_the_default(movies_store: MemoryStore) -> None:
    default = make_qa(movies_store, hops=[1, 2], n=30, seed=2)
    zero = make_qa(movies_store, hops=[1, 2], n=30, seed=2, inverse=0.0)
    assert [i.to_dict() for i in zero] == [i.to_dict() for i in default]
    assert all("directions" not in i.extra for i in zero)

"""What a relative clause or an inner "of" says of the named entity comes first on the path: "the parents
of the woman who bred X" is X's breeder, then her parents, not the breeder of X's foal
(``relation_paths.relative_order``); and a kin noun that is a role noun of one relation still names the
kin relations it names by their kin word: "parents" is a horse's ``sr`` and ``dm`` and a person's
``child_of`` (``relation_paths._by_role``).

On Paddock's graph (``benchmarks/qa_data/paddock*``), with questions written for these tests, not the
set's: on the engine before these rules (7b1e801) both path strategies answered each of ``FIXED`` with
another horse's breeder or someone's foal; ``KEPT`` was right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.retrieve.relation_paths import question_mentions, relative_order

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

CASTOVERS = {"Rupert Castover", "Winifred Quillard"}
FIXED: list[tuple[str, object]] = [
    ("Who are the parents of the woman who bred Queensmoor Rebel?", CASTOVERS),
    ("Who are the parents of the man who bred Chapel Bell?", CASTOVERS),
    ("Who were the parents of the breeder of Harness King?", {"Aldous Fenwarde", "Maud Drummaine"}),
]
KEPT: list[tuple[str, object]] = [
    ("Who are the parents of Imogen Castover?", CASTOVERS),
    ("Who bred Queensmoor Rebel?", {"Imogen Castover"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_words() -> None:
    steps = {(r, d): ({"Horse"}, {"Person"}) for r in ("brdr", "sr", "child_of") for d in ("in", "out")}
    assert relative_order("Who are the parents of the woman who bred X?", steps) == (
        frozenset({"brdr"}),
        frozenset({"child_of", "sr"}),
    )
    assert relative_order("Who are the parents of the breeder (brdr) of X?", steps) is not None
    assert relative_order("Who are the parents of X?", steps) is None
    named = [rs for kind, rs in question_mentions("Who are X's parents?", steps) if kind == "relation"]
    assert named == [frozenset({"sr", "child_of"})]


def _load(load: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return load("paddock", (DATA / "paddock_nodes.csv").read_text(), (DATA / "paddock.tsv").read_text())


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return _load(small_graph)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_questions(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = _load(neo4j_graph)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)

"""Steps the question does not name, a company that is no "company", and words that are no shortening.

- A path that pads the steps the question names with steps it does not name pays a hop per padding step
  below the path of the named steps alone: "Who sits on the board of Brack Water?" is who ``bd_mem`` it,
  not the boards its chief executive sits on (``ceo_of``, then ``bd_mem``), which the sentence encoder
  scores higher.
- "company" (or "firm", "business") names any kind of business when no label is called just that:
  "Which company owns the Elmer Reservoir?" is answered by a utility in a graph whose only label with the
  word is ``MiningCompany``.
- A word known to name a relation by its meaning is shortened only as that meaning: "based" (the
  headquarters) is no "bd" (``bd_mem``, the board) although b-d are its first letter and a consonant.

On the code before this (commit a1202f3) both path strategies answered each of ``FIXED`` wrongly;
``KEPT`` was right before and stays right.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.embed import default_encoder
from kgreason.fusion.forms import type_labels
from kgreason.fusion.retrieve.relation_paths import spell_abbreviations

ROWS = """\
id,labels
Brack Water,Utility
Corran Gas,Utility
Tollan Mining,MiningCompany
Sedge Minerals,MiningCompany
Elmer Reservoir,Reservoir
Tollan Quarry,Quarry
Ivo Renn,Person
Mara Lusk,Person
Pell Ashby,Person
Quin Dorr,Person
Rhea Sallow,Person
Veda Strand,Person
Fenmoor,City
Ashgate,City
"""
TRIPLES = """\
Elmer Reservoir\towned_by\tBrack Water
Tollan Quarry\towned_by\tTollan Mining
Elmer Reservoir\tlocated_in\tFenmoor
Tollan Quarry\tlocated_in\tAshgate
Brack Water\thq\tFenmoor
Corran Gas\thq\tAshgate
Tollan Mining\thq\tAshgate
Sedge Minerals\thq\tFenmoor
Ivo Renn\tceo_of\tBrack Water
Ivo Renn\tbd_mem\tCorran Gas
Mara Lusk\tbd_mem\tBrack Water
Pell Ashby\tbd_mem\tBrack Water
Quin Dorr\tceo_of\tCorran Gas
Rhea Sallow\tbd_mem\tTollan Mining
Veda Strand\tceo_of\tTollan Mining
Veda Strand\tbd_mem\tSedge Minerals
Quin Dorr\tbd_mem\tSedge Minerals
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
# wrong before
FIXED = [
    ("Which company owns the Elmer Reservoir?", {"Brack Water"}),
    ("Who sits on the board of Brack Water?", {"Mara Lusk", "Pell Ashby"}),
    ("Who sits on the board of Tollan Mining?", {"Rhea Sallow"}),
    # (both have their head office there; this list once expected Brack Water alone, the answer the
    # engine gave then, which missed Sedge Minerals)
    ("Which firm is based in Fenmoor?", {"Brack Water", "Sedge Minerals"}),
    ("How many companies are headquartered in Ashgate?", "2"),
]
# right before, and still right
KEPT = [
    ("Which company owns the Tollan Quarry?", {"Tollan Mining"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("padding", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_padding_and_business(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("padding", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)


def test_the_words_themselves() -> None:
    labels = ["Utility", "MiningCompany", "Reservoir", "City", "Person", "University"]
    assert type_labels("company", labels) == {"Utility", "MiningCompany"}
    assert type_labels("firm", labels) == {"Utility", "MiningCompany"}
    # a label called "company" keeps the word to itself and its kinds (where a reading reaches one; the
    # strategies widen it to every business where none does)
    labels = ["Company", "MiningCompany", "Utility", "Retailer", "Mine"]
    assert type_labels("company", labels) == {"Company", "MiningCompany"}
    wide = {"Company", "MiningCompany", "Utility", "Retailer"}
    assert type_labels("company", labels, businesses=True) == wide
    known = default_encoder().vocabulary  # type: ignore[attr-defined]
    steps = {("bd_mem", "out"): ({"Person"}, {"Utility"}), ("hq", "out"): ({"Utility"}, {"City"})}
    assert spell_abbreviations("Which firm is based in X?", steps, known) == "Which firm is based in X?"
    assert spell_abbreviations("Who sits on X's board?", steps, known) == "Who sits on X's board (bd)?"

"""Rules from Cairn's dev half (mountaineering), on its graph (``benchmarks/qa_data/cairn*``), with
questions written for these tests, not the set's.

- A relation named by a master's noun alone, or a data team's cut of it (``mntr``), reads as a kin noun's
  does ("X parent Y": Y is X's parent): "X mntr Y", Y is X's mentor, and X is Y's apprentice, protégé or
  pupil (``relation_words.ROLE_NOUNS``).

On the engine before this rule (060119c) both path strategies answered each of ``FIXED`` wrongly;
``KEPT`` was right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.relation_words import role_nouns

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

FIXED: list[tuple[str, object]] = [
    ("Who were Ulric Haverstane's apprentices?", {"Bram Mirrowen", "Fenwick Corrisk"}),
    ("Which apprentices did Dagny Corrisk take on?", {"Hollis Mirrowen", "Isolde Ardvane"}),
    ("Who was the mentor of Alder Tellomar's mentor?", {"Ulric Haverstane"}),
]
KEPT: list[tuple[str, object]] = [
    ("Who was Isolde Ardvane's mentor?", {"Dagny Corrisk"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def _load(load: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return load("cairn", (DATA / "cairn_nodes.csv").read_text(), (DATA / "cairn.tsv").read_text())


@pytest.fixture(scope="module")
def cairn(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return _load(small_graph)


def test_a_masters_noun_names_its_relation_alone() -> None:
    forwards, backwards = role_nouns("mntr") or ("", "")
    assert "mentor" in forwards.split() and "apprentice" in backwards.split()
    assert role_nouns("mentor") == role_nouns("mntr")
    assert role_nouns("mentored_by") != role_nouns("mntr")  # a verb's relation keeps its own nouns


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_mountain_words(cairn: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(cairn, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = _load(neo4j_graph)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)

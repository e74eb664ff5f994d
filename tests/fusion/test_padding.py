"""A question that says one relation and nothing else, whose named entity lacks that relation, is not
answered along a path that walks the relation from another node (``forms.by_padding``): "Whom did Ruth
Dunmarrow marry?" is not her brother's wife. On Circuit's, Arcade's and Quorum's graphs
(``benchmarks/qa_data/``), with questions written for these tests, not the sets'.

Before the rule (060119c) both path strategies answered each of ``FIXED`` with the padded path's end;
``KEPT`` was right and stays right: the relation is the named entity's own, or the question says more
than the relation (a word naming the step before it, or the kind of thing the path passes: "Who
photographed X?", in ``test_art_words``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.forms import says_more
from kgreason.fusion.retrieve.relation_paths import says_only

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

FIXED: dict[str, list[tuple[str, object]]] = {
    "circuit": [
        # Ruth Dunmarrow has no spouse in the graph; her brother Conrad is married to Ilse Essendry
        ("Whom did Ruth Dunmarrow marry?", set()),
        ("Who is Ruth Dunmarrow's husband?", set()),
    ],
}
KEPT: dict[str, list[tuple[str, object]]] = {
    "circuit": [
        ("Who did Conrad Dunmarrow marry?", {"Ilse Essendry"}),
        ("Who is Felix Tarrowin married to?", {"Rhea Kelvane"}),
    ],
    # a word that names no relation ("champions") may name the step before the named one: the tournament
    # has no captain, its winner has
    "arcade": [
        ("Who captains the Frostline Showdown 2019 champions?", {"Soren Gale"}),
        ("Who is the skipper of the side that won the Marrowby Masters 2021?", {"Jett Aramy"}),
    ],
    # the mention says more than the name it links ("Minister" for the Ministry of Labour): the step
    # before the named relation is the one who heads it (both abstained before ``says_more``)
    "quorum": [
        ("Where was the Minister of Labour born?", {"Ferrow"}),
        ("Who is the Minister of Transport married to?", {"Sera Caddock"}),
    ],
}

Answers = Callable[[kgreason.Graph, str, str, object], None]


def _load(load: Callable[[str, str, str], kgreason.Graph], name: str) -> kgreason.Graph:
    return load(name, (DATA / f"{name}_nodes.csv").read_text(), (DATA / f"{name}.tsv").read_text())


@pytest.fixture(scope="module")
def graphs(small_graph: Callable[[str, str, str], kgreason.Graph]) -> dict[str, kgreason.Graph]:
    return {name: _load(small_graph, name) for name in ("circuit", "arcade", "quorum")}


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_padded_paths_answer_nothing(
    graphs: dict[str, kgreason.Graph], strategy: str, answers: Answers
) -> None:
    for name, graph in graphs.items():
        for question, expected in [*FIXED.get(name, []), *KEPT.get(name, [])]:
            answers(graph, strategy, question, expected)


def test_the_abstention_says_why_and_shows_the_closest(graphs: dict[str, kgreason.Graph]) -> None:
    answer = graphs["circuit"].engine("retrieve", llm=None).ask("Whom did Ruth Dunmarrow marry?")
    assert answer.answers == () and answer.value is None
    assert answer.abstained is not None and "Ruth Dunmarrow" in answer.abstained
    # the padded path's end is the closest candidate, not an answer
    assert "Ilse Essendry" in answer.entities


def test_says_only() -> None:
    assert says_only("Who is X married to?", ["married_to"])
    assert says_only("Whom did X marry?", ["married_to"])
    assert not says_only("Who skippers the X champions?", ["capt"])
    assert not says_only("Where was X's wife born?", ["married_to"])
    # a word of a kind the padding passes says that step: the photograph of X, then who took it
    assert says_only("Who photographed X?", ["taken_by"])
    assert not says_only("Who photographed X?", ["taken_by"], ["Photograph"])


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = _load(neo4j_graph, "circuit")
    for strategy in ("retrieve", "explore"):
        for question, expected in [*FIXED["circuit"], *KEPT["circuit"]]:
            answers(g, strategy, question, expected)


def test_says_more(graphs: dict[str, kgreason.Graph]) -> None:
    store = graphs["quorum"].store
    names = graphs["quorum"].engine("retrieve", llm=None).linker.named
    # a word of the language the name lacks, not a form of its words nor one edit from them
    assert says_more("Minister of Justice", "Ministry of Justice", store, names)
    # a misspelling, the name itself, and a plural say nothing more
    assert not says_more("Ministy of Justice", "Ministry of Justice", store, names)
    assert not says_more("Ministry of Justice", "Ministry of Justice", store, names)
    assert not says_more("ministries of justice", "Ministry of Justice", store, names)

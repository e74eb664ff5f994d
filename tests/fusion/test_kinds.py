"""Kinds of thing stored as nodes, end to end (``forms.narrow_to_kind``, ``forms.members_of_kind``).

Many graphs say what kind a thing is with an edge to a node named by the kind (a ship's ``vessel_type``
"Tug", a film's ``has_genre`` "Comedy"), not with a label. "Which *tugs* have X engines?" then asks for
the ships with X engines that are linked to "Tug": the answers are narrowed to the kind's, the edge to
the kind joins the evidence, and a count counts the narrowed set. The kind said in the plural ("tugs")
links as a named entity, so the answers are where its path and X's meet; a type naming a node that is
not linked narrows the answers of the best reading instead. A type naming no node ("Which ships
...") leaves the answers as they are. A question naming the kind and nothing else ("How many tugs are
there?") asks for its members. Both path strategies, no LLM, the bundled MiniLM encoder; on the code
before these rules every narrowed case answered with every ship (or film) the relation reaches, and the
kind-only questions abstained (they have no relation words).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason

ROWS = """\
id,labels
Bulldog,Ship
Hercules,Ship
Corvane Arrow,Ship
Northern Star,Ship
Sea Lion,Ship
Tug,ShipType
Tanker,ShipType
Container Ship,ShipType
Kessing Marine,EngineMaker
Vessmar Line,ShippingLine
Ann Lee,Person
Harbour Lights,Film
Low Tide,Film
Salt Wind,Film
Comedy,Genre
Drama,Genre
"""
TRIPLES = """\
Bulldog\tvessel_type\tTug
Hercules\tvessel_type\tTug
Corvane Arrow\tvessel_type\tContainer Ship
Northern Star\tvessel_type\tTanker
Sea Lion\tvessel_type\tTanker
Bulldog\tpropulsion_by\tKessing Marine
Hercules\tpropulsion_by\tKessing Marine
Corvane Arrow\tpropulsion_by\tKessing Marine
Northern Star\tpropulsion_by\tKessing Marine
Northern Star\towned_by\tVessmar Line
Sea Lion\towned_by\tVessmar Line
Corvane Arrow\towned_by\tVessmar Line
Harbour Lights\tdirected_by\tAnn Lee
Low Tide\tdirected_by\tAnn Lee
Salt Wind\tdirected_by\tAnn Lee
Harbour Lights\thas_genre\tComedy
Low Tide\thas_genre\tComedy
Salt Wind\thas_genre\tDrama
"""

QUESTIONS = [
    ("Which tugs have Kessing Marine engines?", {"Bulldog", "Hercules"}),
    ("How many tankers does Vessmar Line own?", "2"),
    ("Which comedies did Ann Lee direct?", {"Harbour Lights", "Low Tide"}),
    # the kind alone: its members
    ("How many tugs are there?", "2"),
    ("List all the comedies.", {"Harbour Lights", "Low Tide"}),
    # no node is called "ship": every ship with those engines
    ("Which ships have Kessing Marine engines?", {"Bulldog", "Hercules", "Corvane Arrow", "Northern Star"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("fleet", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
def test_both_strategies_answer(
    graph: kgreason.Graph,
    answers: Callable[[kgreason.Graph, str, str, object], None],
    strategy: str,
    question: str,
    expected: object,
) -> None:
    answers(graph, strategy, question, expected)


def test_what_a_kind_is_is_not_its_members(graph: kgreason.Graph) -> None:
    # "What is X?" asks what X is: no relation path says it, so it stays "not found"
    answer = graph.engine("retrieve", llm=None).ask("What is Tug?")
    assert answer.abstained is not None and not answer.answers, answer.trace


def test_the_edge_to_the_kind_is_evidence(graph: kgreason.Graph) -> None:
    answer = graph.engine("retrieve", llm=None).ask("Which tugs have Kessing Marine engines?")
    kinds = {(e.source, e.target) for p in answer.evidence for e in p.edges if e.type == "vessel_type"}
    assert kinds >= {("Bulldog", "Tug"), ("Hercules", "Tug")}
    # "tugs" links the kind itself (a plural in lower case names the node called by its singular), so
    # the answers are where the kind's path and the engine maker's meet
    [analysed] = [s for s in answer.trace if s["step"] == "analyse"]
    assert analysed["kind_named"] and "Tug" in analysed["anchors"]
    [resolved] = [s for s in answer.trace if s["step"] == "resolve"]
    assert resolved["rule"] == "paths from the named entities meet"
    assert any("vessel type" in r for r in resolved["readings"])


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph]) -> None:
    g = neo4j_graph("fleet", ROWS, TRIPLES)
    for engine in (
        g.engine("retrieve", llm=None),
        g.engine("multihop", llm=None, options={"mode": "explore"}),
    ):
        answer = engine.ask("Which tugs have Kessing Marine engines?")
        assert set(answer.answers) == {"Bulldog", "Hercules"}, answer.trace
        assert engine.ask("How many tankers does Vessmar Line own?").value == "2"

"""Words that name a whole path: grand-kin, peer words, and node types the question walks through.

The cue reader is checked on its own (including its doctests), then the retrieve strategy answers on a
small graph written for this file, with the bundled MiniLM encoder: each question has a one-hop reading
that the sentence encoder alone prefers, and the right answer needs the path shape the word names.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.relation_words import stem
from kgreason.fusion.retrieve import path_shapes
from kgreason.fusion.retrieve.path_shapes import question_shape


def test_doctests() -> None:
    result = doctest.testmod(path_shapes)
    assert result.attempted >= 3 and result.failed == 0


def test_cues() -> None:
    assert question_shape("Who are X's grandchildren?").repeat == (frozenset({"child"}), 2)
    assert question_shape("who were the great great grandmothers of X").repeat == (frozenset({"parent"}), 4)
    assert question_shape("Who are X's co-stars?").peers == (("star", "act", "cast"),)
    # the bases are stems, as the relation and label words they are compared with ("play" -> "plai")
    assert question_shape("Name X's teammates").peers == (
        tuple(map(stem, ("team", "club", "play", "squad"))),
    )
    assert question_shape("Who are X's shipmates?").peers == (("ship",),)  # any "<thing>mate"
    assert question_shape("Where was X born?").empty
    labels = frozenset({"company", "city", "person"})
    # the type asked for is not an intermediate; "capital city" is a modifier, not a walked-through node
    assert question_shape("Which company employs X?", labels).intermediate == frozenset()
    assert question_shape("What is the capital city of X?", labels).intermediate == frozenset()
    assert question_shape("Where is the company that employs X based?", labels).intermediate == {"company"}
    assert question_shape("Who founded X's company?", labels).intermediate == {"company"}


ROWS = """\
id,name,labels
ines,Ines Vale,Person
tomas,Tomas Vale,Person
sunniva,Sunniva Lark,Person
abel,Abel Vale,Person
rosa,Rosa Vale,Person
kit,Kit Farrow,Person
greta,Greta Mund,Person
zeno,Zeno Marchetti,Person
comets,Paper Comets,Band
lucja,Lucja Wend,Person
anders,Anders Pohl,Person
greyfen,Greyfen Pharma,Company
club,Corvin Iron,Club
ilona,Ilona Steck,Person
steel,Corvin Steelworks,Company
"""
TRIPLES = """\
tomas\tparent_of\tines
sunniva\tparent_of\tines
abel\tparent_of\ttomas
rosa\tparent_of\ttomas
kit\tmember_of\tcomets
greta\tmember_of\tcomets
zeno\tmember_of\tcomets
lucja\temployed_by\tgreyfen
anders\temployed_by\tgreyfen
club\tsponsored_by\tsteel
ilona\temployed_by\tsteel
"""


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("shapes", ROWS, TRIPLES)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who are the grandparents of Ines Vale?", {"abel", "rosa"}),
        ("Who are Ines Vale's parents?", {"tomas", "sunniva"}),
        ("Name Kit Farrow's bandmates.", {"greta", "zeno"}),
        ("Which band is Kit Farrow a member of?", {"comets"}),
        ("Who are Lucja Wend's colleagues?", {"anders"}),
        ("Who works at the company that sponsors Corvin Iron?", {"ilona"}),
        ("Which company sponsors Corvin Iron?", {"steel"}),
    ],
)
def test_retrieve_follows_the_named_shape(graph: kgreason.Graph, question: str, expected: set[str]) -> None:
    answer = graph.engine("retrieve", llm=None).ask(question)
    assert set(answer.answers) == expected, answer.trace


def test_shape_weight_zero_turns_the_cues_off(graph: kgreason.Graph) -> None:
    # "grandparents" also names the kin relation twice as mentions the path must walk
    # (``uncovered_weight``): both off, the encoder's one-hop reading is left
    options = {"shape_weight": 0.0, "uncovered_weight": 0.0}
    engine = graph.engine("retrieve", llm=None, options=options)
    answer = engine.ask("Who are the grandparents of Ines Vale?")
    assert set(answer.answers) == {"tomas", "sunniva"}


def test_explore_reads_the_same_cues(graph: kgreason.Graph) -> None:
    engine = graph.engine("multihop", llm=None, options={"mode": "explore"})
    answer = engine.ask("Who are the grandparents of Ines Vale?")
    assert set(answer.answers) == {"abel", "rosa"}


def test_preposition_and_co_word_cues() -> None:
    steps = {
        ("located_in", "in"): ({"Country"}, {"City"}),
        ("capital_of", "in"): ({"Country"}, {"City"}),
        ("authored_by", "in"): ({"Scientist"}, {"Paper"}),
        ("authored_by", "out"): ({"Paper"}, {"Scientist"}),
    }
    # "in X" agrees with a step into X along a relation ending in "in", not one ending in "of"
    shape = question_shape("How many universities are there in X?")
    assert shape.fit((("located_in", "in"),), steps) > shape.fit((("capital_of", "in"),), steps) == 0
    # ... unless a relation's own word holds the preposition ("headquartered in X")
    words = frozenset({"headquarter", "locat", "capital"})
    assert not question_shape("Is the company headquartered in X?", relation_words=words).prepositions
    # "co-authors" and "<verb> with X" ask for the round trip through the paper
    trip = (("authored_by", "in"), ("authored_by", "out"))
    for q in ("How many co-authors does X have?", "Who has written papers with X?"):
        assert question_shape(q).named(trip, steps), q
    # a "co-" verb asks for what was done together, unless "with" someone
    assert not question_shape("What did X co-write?").peers
    assert question_shape("Who did X co-author a paper with?").peers

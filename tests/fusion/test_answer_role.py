"""The answer's noun said by the graph: where a question's answer noun names a relation ("How many
*agents* work at X?" over ``agt``: author -> agent), the answers are the nodes that stand at that noun's
end of it, and the reading that walks the relation one step further (the agents' clients) does not win
over the one that stops at them.

- ``answer_end``: which end of a relation a noun calls by its name: a role noun of the relation says
  it, else the one end whose labels the answer's type has ("authors": the people of ``written_by``),
  else a relation named by the noun itself holds it at its target (``agt``: X's agent) and "<noun> of"
  at its source (``parent_of``).
- ``question_mentions``: a cut the question's spelling writes after the answer's noun ("agents (agt)")
  is that noun's mention, so a constraint pair (``missed(head_noun=False)``) leaves it to the type.

On commit 83c6e25 both path strategies answered each of ``FIXED`` wrongly; ``KEPT`` was right before
and stays right (the agents of authors: there the longer reading stops at the agents).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.retrieve.relation_paths import answer_end, question_mentions

ROWS = """\
id,labels
Mara Quill,Person
Otto Reyes,Person
Ida Fenn,Person
Cal Brook,Person
Rosa Lind,Person
Nell Price,Person
Hugo Marsh,Person
Tess Wray,Person
Dana Holt,Person
Lark Agency,Agency
Moss & Vale,Agency
Salt Hymns,Book
Low Tide Letters,Book
Frost Ledger,Book
Glass Weather,Book
Orchard Tales,Book
Paper Boats,Book
North Rooms,Book
Brackwater House,Publisher
Wendmoor,City
Carra,City
"""
TRIPLES = """\
Nell Price\tworks_for\tLark Agency
Hugo Marsh\tworks_for\tLark Agency
Tess Wray\tworks_for\tMoss & Vale
Mara Quill\tagt\tNell Price
Otto Reyes\tagt\tNell Price
Ida Fenn\tagt\tNell Price
Dana Holt\tagt\tNell Price
Cal Brook\tagt\tHugo Marsh
Rosa Lind\tagt\tTess Wray
Salt Hymns\twritten_by\tMara Quill
Low Tide Letters\twritten_by\tMara Quill
Frost Ledger\twritten_by\tOtto Reyes
Glass Weather\twritten_by\tIda Fenn
Orchard Tales\twritten_by\tCal Brook
Paper Boats\twritten_by\tRosa Lind
North Rooms\twritten_by\tDana Holt
Salt Hymns\tpb\tBrackwater House
Orchard Tales\tpb\tBrackwater House
Paper Boats\tpb\tBrackwater House
Salt Hymns\tdedicated_to\tHugo Marsh
Glass Weather\tdedicated_to\tTess Wray
Frost Ledger\tdedicated_to\tRosa Lind
Nell Price\tborn_in\tWendmoor
Hugo Marsh\tborn_in\tCarra
Lark Agency\thq\tWendmoor
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
FIXED = [
    ("How many agents work at Lark Agency?", "2"),
    ("How many authors does Nell Price represent?", "4"),
]
KEPT = [
    (
        "Which agents represent the authors Brackwater House publishes?",
        {"Nell Price", "Hugo Marsh", "Tess Wray"},
    ),
    ("Who works at Lark Agency?", {"Nell Price", "Hugo Marsh"}),
    ("Who is Mara Quill's agent?", {"Nell Price"}),
    (
        "Which books did Nell Price's authors write?",
        {"Salt Hymns", "Low Tide Letters", "Frost Ledger", "Glass Weather", "North Rooms"},
    ),
]


def test_answer_end() -> None:
    people = ({"Person"}, {"Person"})
    # a role noun says the end; the type's labels say it where the ends differ; else the name
    assert answer_end("teacher", "studied_under", people, {"Person"}) == "target"
    assert answer_end("pupil", "studied_under", people, {"Person"}) == "source"
    assert answer_end("author", "written_by", ({"Book"}, {"Person"}), {"Person"}) == "target"
    assert answer_end("book", "written_by", ({"Book"}, {"Person"}), {"Book"}) == "source"
    assert answer_end("agent", "agt", people, {"Person"}) == "target"
    assert answer_end("parent", "parent_of", people, {"Person"}) == "source"
    # "<noun> by": a doer's noun at the target, another noun at the source
    assert answer_end("founder", "fndr_by", ({"Firm"}, {"Firm"}), ()) == "target"
    assert answer_end("award", "awd_by", ({"Prize"}, {"Journal"}), ()) == "source"
    # neither the type nor the name tells: no end
    assert answer_end("employe", "works_for", people, {"Person"}) is None
    assert answer_end("sibl", "sibling_of_a", people, {"Person"}) is None


def test_a_cut_after_the_noun_is_its_mention() -> None:
    steps = {(r, d): ({"Person"}, {"Person", "Agency"}) for r in ("agt", "works_for") for d in ("out", "in")}
    spelled = "How many agents (agt) work at X?"
    assert question_mentions(spelled, steps) == [
        ("relation", frozenset({"agt"})),
        ("relation", frozenset({"works_for"})),
    ]
    assert question_mentions(spelled, steps, head_noun=False) == [("relation", frozenset({"works_for"}))]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("roles", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_the_answer_plays_the_noun(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("roles", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)

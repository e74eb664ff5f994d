"""A verb names a step into its doer, two letters may be a cut, and a common word is no name.

- "operates" names a step into an ``Operator`` (the verb whose doer the label is), and "op" of ``sat_op``
  is the data team's cut of "operates": a word of six letters or more that begins with two letters of a
  relation name the encoder reads whole may be cut to them ("operates (op)"; not "opened", "open"
  inflected, nor "plant"); a run of words the short form begins is no initialism ("company operates" is
  no "co").
- "children" said in lower case in a question with capitals is no node called "Children's" (a genre):
  a common word said in lower case is a node's name only as that very name.
- "has a stake in" is owning; "production" names a ``Programme`` (not "show", as often a verb); a vendor
  and a media group are companies; "subsidiaries" says a relation, not a kind.

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
Halcyon Radio,Broadcaster
Halcyon One,Channel
Halcyon Two,Channel
Kestrel Sat 2,Satellite
Orbis Link,TelecomOperator
Veyron Works,Vendor
Pellow Group,MediaGroup
Tern Productions,ProductionCompany
Drama,Genre
Children's,Genre
The Otter Hour,Programme
Bright Tide,Programme
Lark Cable,Cable
Wren Cable,Cable
Ada Pell,Person
Bo Pell,Person
Cy Pell,Person
Tarnby,City
Selby,City
"""
TRIPLES = """\
Kestrel Sat 2\tsat_op\tOrbis Link
Kestrel Sat 2\tmfr\tVeyron Works
Kestrel Sat 2\towned_by\tPellow Group
Ada Pell\tparent_of\tBo Pell
Ada Pell\tparent_of\tCy Pell
The Otter Hour\tgenre\tChildren's
Bright Tide\tgenre\tDrama
The Otter Hour\tpresented_by\tAda Pell
The Otter Hour\tsched_on\tHalcyon One
Bright Tide\tsched_on\tHalcyon Two
The Otter Hour\tprod_co\tTern Productions
Bright Tide\tprod_co\tTern Productions
Halcyon One\towned_by\tHalcyon Radio
Halcyon Two\towned_by\tHalcyon Radio
Halcyon Radio\tsub_of\tPellow Group
Lark Cable\towned_by\tOrbis Link
Wren Cable\towned_by\tOrbis Link
Wren Cable\towned_by\tPellow Group
Orbis Link\thq\tTarnby
Veyron Works\thq\tSelby
Pellow Group\thq\tTarnby
Halcyon Radio\thq\tSelby
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
# wrong before (each abstained)
FIXED = [
    ("Which company operates Kestrel Sat 2?", {"Orbis Link"}),
    ("How many children does Ada Pell have?", "2"),
    ("Which company has a stake in both the Lark Cable and the Wren Cable?", {"Orbis Link"}),
    ("Which Tern Productions production airs on Halcyon One?", {"The Otter Hour"}),
]
# right before, and still right
KEPT = [
    ("Which firm built Kestrel Sat 2?", {"Veyron Works"}),
    ("Who owns Kestrel Sat 2?", {"Pellow Group"}),
    ("Which genre is Bright Tide?", {"Drama"}),
    ("Where is Orbis Link based?", {"Tarnby"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("doers", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_doers_and_cuts(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("doers", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)


def test_a_common_word_in_lower_case_names_only_its_own_node(graph: kgreason.Graph) -> None:
    seeds = graph.engine("retrieve", llm=None).link("How many children does Ada Pell have?")
    assert [s.node_id for s in seeds] == ["Ada Pell"]
    # said as the name itself, a lower-case word still names its node
    seeds = graph.engine("retrieve", llm=None).link("Which programmes of the drama genre air on Halcyon Two?")
    assert {s.node_id for s in seeds} == {"Drama", "Halcyon Two"}


def test_the_words_themselves() -> None:
    known = default_encoder().vocabulary  # type: ignore[attr-defined]
    steps = {
        ("sat_op", "out"): ({"Satellite"}, {"TelecomOperator"}),
        ("prod_co", "out"): ({"Programme"}, {"ProductionCompany"}),
        ("pl_from", "out"): ({"Pipeline"}, {"Field"}),
    }
    assert spell_abbreviations("Which company operates X?", steps, known) == "Which company operates (op) X?"
    assert spell_abbreviations("Which company opened X?", steps, known) == "Which company opened X?"
    assert spell_abbreviations("Which plant does X feed?", steps, known) == "Which plant does X feed?"
    labels = ["Programme", "ProductionCompany", "Channel", "Vendor", "MediaGroup"]
    assert type_labels("production", labels) == {"Programme"}
    assert type_labels("show", labels) != {"Programme"}  # "which channel shows X": a verb as often
    assert type_labels("subsidiary", labels) == set()
    assert type_labels("company", labels) == {"ProductionCompany", "Vendor", "MediaGroup"}

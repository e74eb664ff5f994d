"""Two relations from one named entity that must meet, role nouns, who acts, and which labels a type
names, end to end on a small space-industry graph.

- "Who studied at X and now teaches there?", "Which rocket does X both build and power?": with one
  named entity, the nearest relation words before and after "and" name two relations whose one-step
  readings must reach the same answer (``relation_paths.coordinated_relations``; it looked only at the
  two words beside "and"); "faculty" is teaching staff, an engine powers;
- "Which astronaut born in X ...": "born" ends the type's noun phrase (the type is "astronaut", not
  "astronaut born"), and an astronaut is a person, not the label the encoder puts nearest (a
  ``Spacecraft``);
- "Who supplies the engines for ...?": a contractor is an organisation, so "who" may ask for it;
- "the rocket Beacon 6 flew on": a word naming a kind of thing by another name names its label
  (``relation_words.LABEL_SYNONYMS``: "rocket" ~ ``LaunchVehicle``), so the path through the launch
  vehicle earns that step; a company "part of" a group is its subsidiary (one way);
- a type word names the labels it is the head of ("port": ``Port``, not ``PortAuthority``; "company":
  ``SeedCompany`` too), and "what type of aircraft" the ``AircraftType`` label where there is one.

Both path strategies answer each case with the bundled MiniLM encoder and no LLM.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.forms import AGENT, type_labels
from kgreason.fusion.question import analyse
from kgreason.fusion.retrieve.relation_paths import coordinated_relations, question_mentions

ROWS = """\
id,labels
Korr University,University
Ivo Pell,Person
Una Serr,Person
Tam Vole,Person
Rhea Dunn,Person
Brill Works,Contractor
Hale Propulsion,Contractor
Lior Avani,Person
Ostra-K,LaunchVehicle
Ostra-L,LaunchVehicle
Ostra-M,LaunchVehicle
Beacon 1,Mission
Beacon 2,Mission
Beacon 6,Mission
Resolute,Spacecraft
Nia Okonjo,Person
Kaja Laurin,Person
Sol Brandt,Person
Merrow,City
Veyra,City
Numa Group,Group
1987,Year
2001,Year
"""
TRIPLES = """\
Ivo Pell\talumnus_of\tKorr University
Ivo Pell\tfaculty_at\tKorr University
Una Serr\talumnus_of\tKorr University
Rhea Dunn\talumnus_of\tKorr University
Tam Vole\tfaculty_at\tKorr University
Ostra-K\tbuilt_by\tBrill Works
Ostra-K\tengines_from\tBrill Works
Ostra-L\tbuilt_by\tBrill Works
Ostra-L\tengines_from\tHale Propulsion
Ostra-M\tbuilt_by\tHale Propulsion
Ostra-M\tengines_from\tBrill Works
Hale Propulsion\tfounded_by\tLior Avani
Brill Works\tfounded_by\tTam Vole
Beacon 1\tlifted_off_on\tOstra-L
Beacon 2\tlifted_off_on\tOstra-K
Beacon 6\tlifted_off_on\tOstra-M
Nia Okonjo\tflew_on\tBeacon 2
Nia Okonjo\tflew_on\tBeacon 6
Kaja Laurin\tflew_on\tBeacon 2
Sol Brandt\tflew_on\tBeacon 2
Sol Brandt\tflew_on\tBeacon 6
Resolute\tflown_on\tBeacon 2
Resolute\tflown_on\tBeacon 6
Nia Okonjo\tborn_in\tMerrow
Kaja Laurin\tborn_in\tMerrow
Sol Brandt\tborn_in\tVeyra
Resolute\tintegrated_by\tBrill Works
Brill Works\tfounded_in\t1987
Hale Propulsion\tfounded_in\t2001
Hale Propulsion\tsubsidiary_of\tNuma Group
"""


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("industry", ROWS, TRIPLES)


QUESTIONS = [
    # "studied at X" and "teaches there": both relations from the one university
    ("Who studied at Korr University and now teaches there?", {"Ivo Pell"}),
    # "build" and "power" (``engines_from``): the rocket both reach
    ("Which rocket does Brill Works both build and power with its own engines?", {"Ostra-K"}),
    # the astronaut is a person: the spacecraft both missions flew is no answer
    ("Which astronaut born in Merrow flew on both Beacon 2 and Beacon 6?", {"Nia Okonjo"}),
    # the engine maker is the contractor, not its founder
    ("Who supplies the engines for the rocket that launched Beacon 1?", {"Hale Propulsion"}),
    # "the rocket" names the launch vehicle, not the spacecraft that flew the mission
    ("When was the company founded that built the rocket Beacon 6 flew on?", {"2001"}),
    # a company "part of" a group is its subsidiary
    ("Is hale propulsion part of numa group?", "yes"),
    ("Is Brill Works part of Numa Group?", "no"),
]


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


def test_the_relation_words_around_and() -> None:
    steps = {
        ("alumnus_of", "in"): ({"University"}, {"Person"}),
        ("faculty_at", "in"): ({"University"}, {"Person"}),
        ("plenary_at", "in"): ({"Conference"}, {"Person"}),
    }
    # "at" names no relation: the words that do are "studied" and "teaches"
    assert coordinated_relations("Who studied at X and now teaches there?", steps) == [
        (frozenset({"alumnus_of"}), frozenset({"faculty_at"}))
    ]
    # nothing names a relation near the "and"
    assert coordinated_relations("Who studied at X and Y?", steps) == []


def test_role_nouns_are_people() -> None:
    assert analyse("Which astronaut born in X flew on Y?").answer_type == "astronaut"
    assert type_labels("astronaut", ["Person", "Spacecraft", "Mission"]) == {"Person"}
    assert type_labels(AGENT, ["Person", "Contractor", "Mission"]) == {"Person", "Contractor"}
    assert type_labels("rocket", ["LaunchVehicle", "Spacecraft", "Vehicle"]) == {"LaunchVehicle"}
    # the type names a label whose head (last word) it is: a port authority is no port
    assert type_labels("port", ["Port", "PortAuthority", "City"]) == {"Port"}
    assert type_labels("company", ["Company", "SeedCompany", "Farm"]) == {"Company", "SeedCompany"}
    assert type_labels("ground", ["Stadium", "TrainingGround", "City"]) == {"Stadium", "TrainingGround"}
    # "what type of aircraft": the kind, where a label says it
    kind = analyse("What type of aircraft is the Silver Heron?")
    assert (kind.answer_type, kind.type_modifier) == ("aircraft", "type")
    assert type_labels("aircraft", ["Aircraft", "AircraftType"], modifier="type") == {"AircraftType"}
    assert type_labels("aircraft", ["Aircraft", "AircraftType"]) == {"Aircraft"}
    steps = {("lifted_off_on", "out"): ({"Mission"}, {"LaunchVehicle"})}
    assert ("label", frozenset({"LaunchVehicle"})) in question_mentions("the rocket X flew on", steps)

"""Containment chains walked past the hop limit, events "played" at a venue, and yes/no questions whose
other entity lies several steps away, end to end on a small graph.

Each question below was answered wrongly before these rules (the count took the clubs' players, the
chain stopped at the country's regions, "played" took the winners' players); both path strategies
answer it with the bundled MiniLM encoder and no LLM.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.retrieve.path_shapes import chain_hops, placing

ROWS = """\
id,labels
Tarvos,Country
Belmira,Country
Ostrand Coast,Region
Hollow Vale,Region
Kessel Downs,Region
Ostrand,City
Pyrla,City
Mennick,City
Dovecote,City
Ostrand Bowl,Stadium
Pyrla Arena,Stadium
Mennick Park,Stadium
Dovecote Lane,Stadium
2018 Shield Final,Match
2019 Shield Final,Match
2020 Shield Final,Match
2021 Shield Final,Match
Ostrand Rovers,Club
Pyrla Town,Club
Mennick City,Club
Dovecote United,Club
Aino Tesk,Person
Bram Holloway,Person
Cato Pell,Person
Dita Morrow,Person
Efe Lund,Person
Fenna Quast,Person
Ostrand Field,Airport
Pyrla Field,Airport
Mennick Field,Airport
OR 1,Flight
OR 2,Flight
PY 3,Flight
MN 4,Flight
MN 5,Flight
North Stand,Stand
South Stand,Stand
East Stand,Stand
West Stand,Stand
Gate A,Gate
Gate B,Gate
Gate C,Gate
Gate D,Gate
"""
TRIPLES = """\
Ostrand Coast\tin_country\tTarvos
Hollow Vale\tin_country\tTarvos
Kessel Downs\tin_country\tBelmira
Ostrand\tin_region\tOstrand Coast
Pyrla\tin_region\tHollow Vale
Mennick\tin_region\tKessel Downs
Dovecote\tin_region\tKessel Downs
Ostrand Bowl\tlocated_in\tOstrand
Pyrla Arena\tlocated_in\tPyrla
Mennick Park\tlocated_in\tMennick
Dovecote Lane\tlocated_in\tDovecote
Ostrand Rovers\thome_ground\tOstrand Bowl
Pyrla Town\thome_ground\tPyrla Arena
Mennick City\thome_ground\tMennick Park
Dovecote United\thome_ground\tDovecote Lane
Ostrand Rovers\tbased_in\tOstrand
Pyrla Town\tbased_in\tPyrla
Mennick City\tbased_in\tMennick
Dovecote United\tbased_in\tDovecote
2018 Shield Final\thosted_at\tOstrand Bowl
2019 Shield Final\thosted_at\tMennick Park
2020 Shield Final\thosted_at\tDovecote Lane
2021 Shield Final\thosted_at\tMennick Park
2018 Shield Final\twon_by\tPyrla Town
2019 Shield Final\twon_by\tMennick City
2020 Shield Final\twon_by\tOstrand Rovers
2021 Shield Final\twon_by\tDovecote United
2018 Shield Final\trunner_up\tOstrand Rovers
2019 Shield Final\trunner_up\tDovecote United
Aino Tesk\tplays_for\tOstrand Rovers
Bram Holloway\tplays_for\tOstrand Rovers
Cato Pell\tplays_for\tPyrla Town
Dita Morrow\tplays_for\tMennick City
Efe Lund\tplays_for\tDovecote United
Fenna Quast\tplays_for\tMennick City
Pyrla\tcapital_of\tTarvos
Aino Tesk\tborn_in\tPyrla
Cato Pell\tborn_in\tMennick
Dita Morrow\tborn_in\tOstrand
Ostrand Field\tserves\tOstrand
Pyrla Field\tserves\tPyrla
Mennick Field\tserves\tMennick
OR 1\tarrives_at\tOstrand Field
OR 2\tarrives_at\tOstrand Field
PY 3\tarrives_at\tPyrla Field
MN 4\tarrives_at\tMennick Field
MN 5\tarrives_at\tMennick Field
North Stand\tpart_of\tOstrand Bowl
South Stand\tpart_of\tOstrand Bowl
East Stand\tpart_of\tPyrla Arena
West Stand\tpart_of\tMennick Park
Gate A\tpart_of\tNorth Stand
Gate B\tpart_of\tNorth Stand
Gate C\tpart_of\tEast Stand
Gate D\tpart_of\tWest Stand
"""


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("chains", ROWS, TRIPLES)


QUESTIONS = [
    # country <- region <- city <- stadium <- final: four steps, three of them one containment chain
    ("How many finals have been played in Belmira?", "3"),
    ("How many finals were played in Tarvos?", "1"),
    # the stadium's country is three containment steps away
    ("Is Mennick Park in Tarvos?", "no"),
    # (Pyrla is also Tarvos's capital: a path through that, which the question does not name, is no
    # reason to stop walking down the chain)
    ("Is Pyrla Arena in Tarvos?", "yes"),
    # a final is "played" where it is hosted
    ("Who won the final played at Ostrand Bowl?", {"Pyrla Town"}),
    ("In which city was the 2020 Shield Final played?", {"Dovecote"}),
    # country <- region <- city <- airport <- flight: two of the four steps are no containment relation,
    # but each puts a thing at a place (``placing``), so the run still counts as one hop
    ("How many flights land in Tarvos?", "3"),
    ("How many flights arrive in Belmira?", "2"),
    # five containment steps down (country, region, city, stadium, stand, gate), past the capital's
    # one stadium (Pyrla, Tarvos's capital, holds one of its three gates)
    ("How many gates are there in Tarvos?", "3"),
    ("How many stands are there in Tarvos?", "3"),
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


def test_played_names_hosting_one_way() -> None:
    from kgreason.fusion.relation_words import names_of, said_by, stem

    # "the final played at X" is hosted there; "hosted" never names ``plays_for``
    assert stem("host") in names_of(stem("played")) and stem("played") in said_by(stem("hosted"))
    assert stem("play") not in names_of(stem("hosted")) and stem("host") not in said_by(stem("plays"))


def test_a_long_containment_run_counts_one_hop_less() -> None:
    down = (("in_country", "in"), ("in_region", "in"), ("located_in", "in"), ("hosted_at", "in"))
    assert chain_hops(down) == 3
    # up the chain the same (a final's country); a run of two saves nothing, a turn is no run, nor is a
    # relation to a noun of something ("in collection of")
    up = (("hosted_at", "out"), ("located_in", "out"), ("in_region", "out"), ("in_country", "out"))
    assert chain_hops(up) == 3
    assert chain_hops((("located_in", "out"), ("in_region", "out"))) == 2
    assert chain_hops((("in_region", "out"), ("in_region", "in"))) == 2
    work = (("in_collection_of", "out"), ("located_in", "out"), ("in_region", "out"))
    assert chain_hops(work) == 3


def test_relations_into_places_extend_a_containment_run() -> None:
    steps = {
        ("in_country", "out"): ({"Region"}, {"Country"}),
        ("in_region", "out"): ({"City"}, {"Region"}),
        ("serves", "out"): ({"Airport"}, {"City"}),
        ("arrives_at", "out"): ({"Flight"}, {"Airport"}),
        ("operated_by", "out"): ({"Flight"}, {"Airline"}),
        ("headed_by", "out"): ({"Airline"}, {"Person"}),
    }
    placed = placing(steps)
    # a city is a place (a containment relation's end), so ``serves`` puts an airport at one; an airport
    # is no place until some containment relation names it (a terminal part of it)
    assert {"in_country", "in_region", "serves"} <= placed
    assert not {"operated_by", "headed_by"} & placed
    down = (("in_country", "in"), ("in_region", "in"), ("serves", "in"), ("arrives_at", "in"))
    assert chain_hops(down) == 4 and chain_hops(down, placed) == 3
    steps[("part_of", "out")] = ({"Terminal"}, {"Airport"})
    placed = placing(steps)
    assert "arrives_at" in placed and chain_hops(down, placed) == 2
    # a lab is part of an institute, but heading one puts no one anywhere
    steps[("part_of", "out")] = ({"Terminal", "Lab"}, {"Airport", "Institute"})
    steps[("heads", "out")] = ({"Person"}, {"Lab"})
    assert "heads" not in placing(steps)

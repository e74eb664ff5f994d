"""Kinds said by named entities, areas named by a data team's word, and a prize's namesake.

- A relation named by an area's word alone, or a cut of one (``ctry``, ``rgn``, ``loc``), puts a thing
  inside that area: "How many assembly plants are there in X?" (X a country) walks down regions, cities
  and their plants, not only the plants of X's capital.
- "Which hatchbacks won X?", "Which DMA-platform saloons use Y?", "Which SUV won X?": the kind asked for
  is a node (a body style), linked from the plural too, so the answers are where its paths and the other
  entities' meet; no word left over is read as a type ("voted", "platform").
- "Was the X Trophy awarded to Y?": a step is named only if it is named with the other entity's name out
  of the way too (read from Y, the trophy's own name says ``named_for``); a one-step reading the question
  names that reaches others of Y's kind ("won": its winners) then answers "no".
- A brand's other end is its owner: "owns" and "belong" name ``brd_of`` ("brd" shortens "brand"), and
  "marque" is a brand; a "carmaker" is a maker, so "who" may ask for one.
- "debut" is an unveiling, and "motor show" one type ("show" is no request after a noun).

On the code before this (commit e55ebae) both path strategies answered each of ``FIXED`` wrongly;
``KEPT`` was right before and stays right. The linker says which mention names the kind
(``LinkedEntity.kind``), so a question typed all in lower case reads it too: on commit d983d66 (where the
analysis re-read it from the mention's case) both strategies answered ``FIXED_LOWER`` wrongly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.forms import AGENT, type_labels
from kgreason.fusion.question import analyse, names_kind
from kgreason.fusion.retrieve.path_shapes import contains
from kgreason.fusion.retrieve.relation_paths import _aliases

ROWS = """\
id,labels
Ostra,Country
Kallen,Country
Hollin Vale,Region
Drass Coast,Region
Fenmark,Region
Valdra,City
Corva,City
Drassport,City
Brenna,City
Valdra North Assembly,AssemblyPlant
Corva Assembly,AssemblyPlant
Drassport Assembly,AssemblyPlant
Brenna Assembly,AssemblyPlant
Valdra Ring,Circuit
Brenna Motodrome,Circuit
Vantor Motors,Carmaker
Selbrook Motors,Carmaker
Tolvik Motor Company,Carmaker
Tolvik,Brand
Tolland,Brand
Maren,Brand
Livrano Auto,Company
Odile Ferrand,Person
Edvard Tolland,Person
Elias Tolland,Person
Sanne Maren,Person
Tolland Trophy,Award
Ostra Car of the Year,Award
Kallen Motor Club,Agency
Hatchback,BodyStyle
Saloon,BodyStyle
SUV,BodyStyle
DMA,Platform
VLR,Platform
Aster 1.8,Engine
Kora 2.0,Engine
Vantor Cresta Mk2,Generation
Maren Cove Mk1,Generation
Tolvik Aura Mk1,Generation
Tolvik Mirra Mk2,Generation
Tolvik Sable Mk1,Generation
Selbrook Ferne Mk1,Generation
Valdra Motor Show 2022,MotorShow
Kallen Motor Expo 2020,MotorShow
"""
TRIPLES = """\
Hollin Vale\tctry\tOstra
Drass Coast\tctry\tOstra
Fenmark\tctry\tKallen
Valdra\tin_rgn\tHollin Vale
Corva\tin_rgn\tHollin Vale
Drassport\tin_rgn\tDrass Coast
Brenna\tin_rgn\tFenmark
Valdra\tcapital_of\tOstra
Brenna\tcapital_of\tKallen
Valdra North Assembly\tloc\tValdra
Corva Assembly\tloc\tCorva
Drassport Assembly\tloc\tDrassport
Brenna Assembly\tloc\tBrenna
Valdra Ring\tloc\tValdra
Brenna Motodrome\tloc\tBrenna
Valdra North Assembly\towned_by\tVantor Motors
Corva Assembly\towned_by\tVantor Motors
Corva Assembly\top_by\tSelbrook Motors
Drassport Assembly\towned_by\tTolvik Motor Company
Brenna Assembly\towned_by\tSelbrook Motors
Vantor Motors\thq\tValdra
Selbrook Motors\thq\tCorva
Tolvik Motor Company\thq\tBrenna
Tolvik\tbrd_of\tTolvik Motor Company
Tolland\tbrd_of\tTolvik Motor Company
Maren\tbrd_of\tVantor Motors
Maren\tlic_to\tLivrano Auto
Odile Ferrand\tceo_of\tVantor Motors
Tolland Trophy\tnamed_for\tEdvard Tolland
Tolland Trophy\tconf_by\tKallen Motor Club
Elias Tolland\twon\tTolland Trophy
Sanne Maren\twon\tTolland Trophy
Edvard Tolland\tparent_of\tElias Tolland
Vantor Cresta Mk2\tbody\tHatchback
Maren Cove Mk1\tbody\tHatchback
Tolvik Aura Mk1\tbody\tSaloon
Tolvik Mirra Mk2\tbody\tSaloon
Tolvik Sable Mk1\tbody\tSUV
Selbrook Ferne Mk1\tbody\tSaloon
Vantor Cresta Mk2\twon\tOstra Car of the Year
Maren Cove Mk1\twon\tOstra Car of the Year
Tolvik Sable Mk1\twon\tOstra Car of the Year
Tolvik Aura Mk1\ton_pltf\tDMA
Tolvik Mirra Mk2\ton_pltf\tDMA
Tolvik Sable Mk1\ton_pltf\tDMA
Selbrook Ferne Mk1\ton_pltf\tVLR
Tolvik Aura Mk1\teng\tAster 1.8
Tolvik Mirra Mk2\teng\tAster 1.8
Tolvik Sable Mk1\teng\tAster 1.8
Selbrook Ferne Mk1\teng\tAster 1.8
Vantor Cresta Mk2\teng\tKora 2.0
Maren Cove Mk1\teng\tKora 2.0
Tolvik Aura Mk1\tunveiled_at\tKallen Motor Expo 2020
Tolvik Mirra Mk2\tunveiled_at\tValdra Motor Show 2022
Vantor Cresta Mk2\tunveiled_at\tValdra Motor Show 2022
Vantor Cresta Mk2\tasm_at\tValdra North Assembly
Maren Cove Mk1\tasm_at\tCorva Assembly
Tolvik Aura Mk1\tasm_at\tDrassport Assembly
Tolvik Mirra Mk2\tasm_at\tBrenna Assembly
Tolvik Sable Mk1\tasm_at\tBrenna Assembly
Selbrook Ferne Mk1\tasm_at\tCorva Assembly
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
FIXED = [
    ("How many assembly plants are there in Ostra?", "3"),
    ("Count the assembly plants located in Ostra.", "3"),
    ("Was the Tolland Trophy ever awarded to Edvard Tolland?", "no"),
    ("Which hatchbacks have been voted Ostra Car of the Year?", {"Maren Cove Mk1", "Vantor Cresta Mk2"}),
    ("Which SUV won the Ostra Car of the Year?", {"Tolvik Sable Mk1"}),
    ("Which DMA-platform saloons use the Aster 1.8?", {"Tolvik Aura Mk1", "Tolvik Mirra Mk2"}),
    ("Which saloons are built on VLR?", {"Selbrook Ferne Mk1"}),
    ("Which marques belong to Tolvik Motor Company?", {"Tolland", "Tolvik"}),
    ("Who owns the Maren brand?", {"Vantor Motors"}),
    ("At which motor show did the Tolvik Aura Mk1 make its debut?", {"Kallen Motor Expo 2020"}),
]
FIXED_LOWER = [
    ("which dma-platform saloons use the aster 1.8", {"Tolvik Aura Mk1", "Tolvik Mirra Mk2"}),
]
KEPT = [
    ("How many circuits does Kallen have?", "1"),
    ("Was the Tolland Trophy awarded to Elias Tolland?", "yes"),
    ("Who is chief executive of the company that owns the Maren brand?", {"Odile Ferrand"}),
    ("Who holds the licence to Maren?", {"Livrano Auto"}),
    ("Where is Vantor Motors based?", {"Valdra"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("kinds", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_kinds_and_areas(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *FIXED_LOWER, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("kinds", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in [*FIXED, *FIXED_LOWER]:
            answers(g, strategy, question, expected)


def test_the_words_themselves() -> None:
    assert all(map(contains, ("ctry", "rgn", "loc", "country", "in_rgn", "located_in")))
    assert not any(map(contains, ("capital_of", "cat", "st", "in_support_of")))
    kind = analyse("Which hatchbacks won X?", ["Hatchback", "X"], ["hatchbacks", "X"], kind_named=True)
    assert kind.kind_named and kind.answer_type == "" and kind.form == "constraint"
    assert names_kind("Which hatchbacks won X?", 6, 16) and names_kind("which hatchbacks won x?", 6, 16)
    assert names_kind("Which SUV won X?", 6, 9) and not names_kind("Which Vantor plants are in X?", 6, 12)
    assert not names_kind("Which wineries buy grapes from X?", 19, 25)
    assert analyse("Which X was voted the best?", ["X"], ["X"]).answer_type == ""
    assert analyse("At which motor show did X make its debut?", ["X"], ["X"]).answer_type == "motor show"
    assert "own" in _aliases("brd_of") and not _aliases("sub_of")
    assert "Carmaker" in type_labels(AGENT, ["Carmaker", "Person", "Engine"])

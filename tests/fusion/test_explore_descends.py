"""Explore keeps walking down the places inside "in X", end to end on a small harbour graph.

"How many ships have their home port in Osmark?" (Osmark a country) is answered four steps down:
regions in Osmark, cities in them, the ports serving those cities, the ships based there. Step by step,
that chain scores below the ships flagged in Osmark (one step, "ship ... in X") and below the capital's
ports, so the beam dropped it at the second hop and counted the wrong ships. The best path that walks
on down containment relations now stays in the beam while the question asks "in X", as the best path
reaching the asked-for type already did. Both path strategies, no LLM, the bundled MiniLM encoder; on the
code before this rule explore answered the first question 1; the second, whose chain
names its end ("ports"), it answered right before and still does.

Nor does a path reaching the asked-for type far below the best (more than ``type_margin``) stop the walk:
"In which region is the yard that built X?" reached a region through X's flag state in two steps, so
explore stopped there and answered it (on the code before this rule).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason

ROWS = """\
id,labels
Osmark,Country
Verrant,Country
Vardia,Region
Keld,Region
Tessa,Region
Osk,City
Fennick,City
Marrick,City
Tessmouth,City
Port of Osk,Port
Port of Fennick,Port
Port of Marrick,Port
Port of Tessmouth,Port
Arrow,Ship
Breeze,Ship
Compass,Ship
Dolphin,Ship
Endeavour,Ship
Falcon,Ship
Gannet,Ship
Vessmar Line,ShippingLine
Halm Yard,Shipyard
"""
TRIPLES = """\
Vardia\tin_country\tOsmark
Keld\tin_country\tOsmark
Tessa\tin_country\tVerrant
Osk\tin_region\tVardia
Marrick\tin_region\tVardia
Fennick\tin_region\tKeld
Tessmouth\tin_region\tTessa
Osk\tcapital_of\tOsmark
Port of Osk\tserves_city\tOsk
Port of Fennick\tserves_city\tFennick
Port of Marrick\tserves_city\tMarrick
Port of Tessmouth\tserves_city\tTessmouth
Arrow\thomeported_at\tPort of Osk
Breeze\thomeported_at\tPort of Fennick
Compass\thomeported_at\tPort of Marrick
Dolphin\thomeported_at\tPort of Marrick
Endeavour\thomeported_at\tPort of Tessmouth
Falcon\thomeported_at\tPort of Tessmouth
Gannet\thomeported_at\tPort of Tessmouth
Endeavour\tflagged_in\tOsmark
Falcon\tflagged_in\tOsmark
Gannet\tflagged_in\tOsmark
Arrow\toperated_by\tVessmar Line
Endeavour\toperated_by\tVessmar Line
Vessmar Line\theadquartered_in\tOsk
Halm Yard\tlocated_in\tMarrick
Arrow\tbuilt_by\tHalm Yard
Arrow\tflagged_in\tVerrant
"""

QUESTIONS = [
    ("How many ships have their home port in Osmark?", "4"),
    ("How many ports are there in Osmark?", "3"),
    # the region of the builder's yard, three steps away, not that of the flag state, two steps away
    ("In which region is the yard that built the Arrow?", {"Vardia"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("harbours", ROWS, TRIPLES)


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

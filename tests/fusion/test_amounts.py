""" "How much ...?" asks for an amount, never a count of things (``question.AMOUNT``): a node of a money
label or one named by a figure ("£95", "350 hp", "£2.4m"), and "not found" where the graph has none to
give (``forms.answer_check``). Before (12b46c1) "How much did X pay for Y?" was read as a count and
answered "1", the number of places its two entities' paths met at. "When" asks for a date as firmly: where
no reading reaches one, not found, not the birthplace (before 0a6cecb: "When was X born?" -> X's city).

A small graph of amounts written for these tests, and Paddock's graph (``benchmarks/qa_data/paddock*``),
which holds no amount, with questions written for these tests, not the set's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.question import AMOUNT, analyse

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

NODES = """id,labels
Juniper Hall,Restaurant
Caverlaine,City
£95,Price
Lucerna V8,Engine
350 hp,Figure
Torvane Motors,Company
1931,Year
Orrin Vale,Person
Kestrel Foods,Company
£2.4m,Figure
Kestrel Deal,Acquisition
"""
TRIPLES = """Juniper Hall\tlocated_in\tCaverlaine
Juniper Hall\ttasting_menu_price\t£95
Juniper Hall\towned_by\tOrrin Vale
Lucerna V8\tpower_output\t350 hp
Lucerna V8\tmade_by\tTorvane Motors
Torvane Motors\tfounded_in\t1931
Torvane Motors\tfounded_by\tOrrin Vale
Kestrel Deal\tbuyer\tTorvane Motors
Kestrel Deal\ttarget\tKestrel Foods
Kestrel Deal\tprice_paid\t£2.4m
Kestrel Foods\tbased_in\tCaverlaine
"""
ANSWERED: list[tuple[str, object]] = [
    ("How much is the tasting menu at Juniper Hall?", {"£95"}),
    ("How much power does the Lucerna V8 put out?", {"350 hp"}),
    ("How much did Torvane Motors pay for Kestrel Foods?", {"£2.4m"}),
    # (a date is no amount, and "when" still asks for one)
    ("When was Torvane Motors founded?", {"1931"}),
]
# Paddock's graph records no price, fee, prize money or weight, and no one's birth or death date
NOT_FOUND = [
    "How much did Hallowmede Bloodstock pay for Kestrel Bloodstock Agency?",
    "How much is the Fenwarde Gold Cup worth to its winner?",
    "When was Hester Fenwarde born?",
    "When did Tristram Fenwarde die?",
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_analysis() -> None:
    a = analyse("How much did Torvane pay for Kestrel?", ["Torvane", "Kestrel"], ["Torvane", "Kestrel"])
    assert a.form != "count" and a.answer_type == AMOUNT and a.strong_type
    a = analyse("How much prize money does the X Cup pay?", ["X Cup"], ["X Cup"])
    assert a.form == "single" and a.answer_type == AMOUNT
    assert analyse("How many foals has X had?", ["X"], ["X"]).form == "count"


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_amounts(
    small_graph: Callable[[str, str, str], kgreason.Graph], strategy: str, answers: Answers
) -> None:
    g = small_graph("amounts", NODES, TRIPLES)
    for question, expected in ANSWERED:
        answers(g, strategy, question, expected)


@pytest.fixture(scope="module")
def paddock(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph(
        "paddock", (DATA / "paddock_nodes.csv").read_text(), (DATA / "paddock.tsv").read_text()
    )


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_no_amount_to_give(paddock: kgreason.Graph, strategy: str) -> None:
    if strategy == "explore":
        engine = paddock.engine("multihop", llm=None, options={"mode": "explore"})
    else:
        engine = paddock.engine("retrieve", llm=None)
    for question in NOT_FOUND:
        answer = engine.ask(question)
        assert answer.answers == () and answer.value is None, (question, answer.answers, answer.value)
        assert answer.abstained, question


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("amounts", NODES, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in ANSWERED:
            answers(g, strategy, question, expected)

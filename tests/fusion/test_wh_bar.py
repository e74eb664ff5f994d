"""A type only the wh-word implies ("who": a person or a body that acts) that the best reading misses is
answered by a reading that reaches it only where that reading says the question as well as one reaching
a named type must (``typed_abstain_below``); else not found (``forms._single``). Before (7b1e801) "Who
designed Hollin Castle?", where the graph records no designer of it, was answered with the ministry that
runs it: the one reading of the castle reaching a body that acts, scoring near zero.

A small graph written for these tests: the castle's town is the birthplace of an engineer who designed a
cannon, the best reading ("designed" names ``dsg``), which reaches no person.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason

NODES = """id,labels
Hollin Castle,Fortress
Hollin,Town
Mara Quell,Engineer
Quell Cannon,Weapon
War Office,Ministry
Fort Brisk,Fortress
Odo Brisk,Engineer
1840,Year
"""
TRIPLES = """Hollin Castle\tloc\tHollin
Mara Quell\tborn_in\tHollin
Quell Cannon\tdsg\tMara Quell
Hollin Castle\trun_by\tWar Office
Hollin Castle\test\t1840
Fort Brisk\tdsg\tOdo Brisk
Fort Brisk\tloc\tHollin
Fort Brisk\trun_by\tWar Office
"""
QUESTIONS: list[tuple[str, object]] = [
    ("Who designed Hollin Castle?", set()),
    # a reading that says the question still answers, a person or a body
    ("Who designed Fort Brisk?", {"Odo Brisk"}),
    ("Who runs Hollin Castle?", {"War Office"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_questions(
    small_graph: Callable[[str, str, str], kgreason.Graph], strategy: str, answers: Answers
) -> None:
    g = small_graph("castles", NODES, TRIPLES)
    for question, expected in QUESTIONS:
        answers(g, strategy, question, expected)
    answer = g.engine("retrieve", llm=None).ask("Who designed Hollin Castle?")
    assert answer.abstained, answer.answers


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("castles", NODES, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in QUESTIONS:
            answers(g, strategy, question, expected)

"""Rules from Ballast's dev half (railways) and Torque's, on their graphs (``benchmarks/qa_data/ballast*``,
``torque*``), with questions written for these tests, not the sets'.

- Time words put the answer before or after the named entity along a relation that orders things in time
  ("What name did X go by *next*?": the name X was renamed to; "What was X called *before*?": the one
  renamed to X), by the relation's verb and its preposition or voice (``path_shapes._tail_later``).
- In a question typed all in lower case, the kind a which/what asks for in a label's word ("which
  engineering college") is no name said without its first word ("Ambleport Engineering College").
- "Company" said on the way names any kind of business ("the company that owns the X brand" passes its
  ``Carmaker``), where a label is called ``Company`` too.
- "Engine" is another name of a ``Locomotive`` (``LABEL_SYNONYMS``); another name names a label only
  where none is called by the word itself ("towns" are no ``City`` beside ``Town``). A type's modifier
  that is no word of a label leaves out the labels another word qualifies ("main lines": ``Line``, not
  ``BranchLine``).
- "Both a student and a lecturer at X": the joined nouns' relations meet at the answer, though the
  spelling put a cut after a noun ("student (st)").
- "Which district is X in?": the answer holds X, so no path that ends going down into a place's contents
  (X's city, then the city's districts) answers it.
- Whoever "first saw the light of day" somewhere was born there.
- A noun names the relations it is a word of beside those it is a role noun of ("subsidiaries":
  ``subsidiary_of`` as well as ``owned_by``), and a "have" or "got" closing a question whose answer's noun
  names a relation names none itself ("How many subsidiaries does X have?").
- A name said in full that the graph lacks is linked to none of the nodes that share a word with it
  ("Bartholomew Ravensell" is no Ravensell of the graph); a misspelt one still is ("Hugh Falowby").

On the engine before these rules (2099d78) at least one of the two path strategies answered each of
``FIXED`` wrongly; ``KEPT`` was right and stays right.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.retrieve import path_shapes, relation_paths
from kgreason.fusion.retrieve.path_shapes import voice

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

FIXED: dict[str, list[tuple[str, object]]] = {
    "ballast": [
        ("which engineering college did ellis ashbrand study at?", {"Ambleport Engineering College"}),
        ("What name did the Hexley & Cardle Railway go by next?", {"Cardle Valley Railway"}),
        ("Which engine at Old Quay Depot belongs to the Stalwart Class?", {"Spirit of Orrin"}),
        (
            "Which engineer was both a student and a lecturer at the Thornquay Institute of Railway "
            "Engineering?",
            {"Winifred Ravensell"},
        ),
        ("Which district is Thornquay Central in?", {"Old Quay"}),
        ("Where did Hugh Fallowby first see the light of day?", {"Wellbridge"}),
        # "main lines" where the graph has ``Line`` and ``BranchLine``; "towns" where it has ``Town`` and
        # ``City`` (another name of the kind only where no label is called by the word)
        ("How many main lines does Estmarch Consolidated Railways operate?", "4"),
        ("How many towns lie in Estmarch?", "8"),
        # the answer's noun names ``subsidiary_of`` by its own word, not only ``owned_by`` by a role noun,
        # and the closing "got" only has what the noun says
        ("How many subsidiaries has Estmarch Consolidated Railways got?", "5"),
        # no such person, no such class: "not found", not another Ravensell's
        ("Where was Bartholomew Ravensell born?", set()),
        ("Who designed the Ravensell Thunderer Class?", set()),
    ],
    "torque": [
        ("Who is the chief executive of the company that owns the Maren brand?", {"Odile Ferrand"}),
    ],
}
KEPT: dict[str, list[tuple[str, object]]] = {
    "ballast": [
        ("What was the Cardle Valley Railway called before?", {"Hexley & Cardle Railway"}),
        ("What was the Hexley & Cardle Railway known as originally?", {"Hexley Tramroad Company"}),
        ("What was the Hexley & Cardle Railway renamed to?", {"Cardle Valley Railway"}),
        ("Which company did the Cardle Valley Railway merge into?", {"Estmarch Consolidated Railways"}),
        ("Where was Hugh Falowby born?", {"Wellbridge"}),
    ],
    "torque": [
        ("Who chairs the company that owns the Maren brand?", {"Pascal Arvenne"}),
        ("Who is the chief executive of Arvenne Motors?", {"Odile Ferrand"}),
    ],
}

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_time_words_read_relations_that_order_things() -> None:
    steps: path_shapes.StepLabels = {
        ("renamed_to", "out"): (set(), set()),
        ("renamed_to", "in"): (set(), set()),
        ("supersedes", "out"): (set(), set()),
        ("supersedes", "in"): (set(), set()),
        ("born_in", "out"): (set(), set()),
    }
    later = voice("What was X renamed next?", "X", steps)
    assert later[("renamed_to", "out")] > 0 > later[("renamed_to", "in")]
    assert later[("supersedes", "in")] > 0 > later[("supersedes", "out")]
    earlier = voice("Which rulebook did X replace, the one in force previously?", "X", steps)
    assert earlier[("supersedes", "out")] > 0 > earlier[("supersedes", "in")]
    # no time word, or both kinds, or a relation that orders nothing in time: no cue
    assert ("renamed_to", "out") not in voice("What is X?", "X", steps)
    assert ("renamed_to", "out") not in voice("Is X older or newer than Y?", "X", steps)
    assert ("born_in", "out") not in later
    assert doctest.testmod(path_shapes).failed == 0


def test_a_verb_names_no_label_in_ing() -> None:
    steps: relation_paths.StepLabels = {
        ("blt_by", "in"): ({"Company"}, {"Line"}),
        ("located_in", "out"): ({"Premises"}, {"Building"}),
    }
    built = relation_paths.question_mentions("How many lines did X build?", steps)
    assert not any(kind == "label" and "Building" in labels for kind, labels in built)
    assert ("label", frozenset({"Building"})) in relation_paths.question_mentions(
        "Who owns the building that X is in?", steps
    )


@pytest.fixture(scope="module")
def graphs(small_graph: Callable[[str, str, str], kgreason.Graph]) -> dict[str, kgreason.Graph]:
    return {
        name: small_graph(name, (DATA / f"{name}_nodes.csv").read_text(), (DATA / f"{name}.tsv").read_text())
        for name in FIXED
    }


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_rail_words(graphs: dict[str, kgreason.Graph], strategy: str, answers: Answers) -> None:
    for name, graph in graphs.items():
        for question, expected in [*FIXED[name], *KEPT[name]]:
            answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    for name, cases in FIXED.items():
        g = neo4j_graph(name, (DATA / f"{name}_nodes.csv").read_text(), (DATA / f"{name}.tsv").read_text())
        for strategy in ("retrieve", "explore"):
            for question, expected in cases:
                answers(g, strategy, question, expected)

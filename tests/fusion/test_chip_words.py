"""Rules from Circuit's dev half (electronics and semiconductors), on its graph
(``benchmarks/qa_data/circuit*``), with questions written for these tests, not the set's.

- A kin noun said of the entity itself reads the other way round: "Whose father is X?", "Of whom is X the
  father?" and "Is X the son of Y?" ask for X's children, or Y among X's parents; "How many sons does X
  have?" for X's children (``path_shapes``).
- "Split from" is said of ``spun_off_from`` too (a paraphrase of its verb, a particle between): the
  entity after "from" is at its tail.
- Whoever "was given" a named thing received it.
- "Snapped up", "swallowed up", "bought out": acquired; "took over from": replaced (``plain_idioms``).
- "Head office" is a compound whose initials a relation ``ho`` is, as "hq" is of "headquarters"; a
  cut "mkr" is a "maker", named by "made"; a "finalist" was shortlisted, a nominee.
- A relation word that cuts a grammar word ("frm" of ``drv_frm``: "from") is no cut of another word
  ("earlier" says "former", but no derivation).
- The noun after "whose" and the verb after the entity name one step ("Whose doctorates did X
  supervise?": X's doctoral students, not their students).
- "Which standards body ...": a plural that qualifies the noun after it, as "sports" does ("Which
  standards apply ...": the singular's label).
- "Company" is what any firm is called: it names no parent company ("the company that X split from").
- Of the readings that reach the named type, the one with the fewest steps the question does not name.

On the engine before these rules (905874c) at least one of the two path strategies answered each of
``FIXED`` wrongly; ``KEPT`` was right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

import kgreason
from kgreason.fusion import forms
from kgreason.fusion.forms import FormSettings, Reading
from kgreason.fusion.question import QuestionAnalysis
from kgreason.fusion.relation_words import plain_idioms
from kgreason.fusion.retrieve import relation_paths
from kgreason.fusion.retrieve.path_shapes import voice
from kgreason.types import Path as GraphPath

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

CHILDREN = {"Anton Dunmarrow", "Clio Dunmarrow"}
FIXED = [
    ("Whose father is Oskar Dunmarrow?", CHILDREN),
    ("Of whom is Oskar Dunmarrow the father?", CHILDREN),
    ("Is Anton Dunmarrow the father of Oskar Dunmarrow?", "no"),
    ("Is Oskar Dunmarrow the son of Clio Dunmarrow?", "no"),
    ("How many sons and daughters does Livia Dunmarrow have?", "3"),
    ("Who was given the Aldous Tarrowin Medal?", {"Nico Tarrowin", "Oskar Dunmarrow", "Rhea Kelvane"}),
    ("Which earlier chip came before the Halberd H3?", {"Halberd H2"}),
    ("Whose doctorates did Aldous Tarrowin supervise?", {"Leopold Strand", "Oskar Dunmarrow"}),
    (
        "Which standards body is the VESB Memory Interface Group part of?",
        {"Veltrian Electronics Standards Board"},
    ),
    ("Which firm snapped up Fennick Instruments?", {"Orrery Computing"}),
    ("Which chip designer did Quellmark Electric Group swallow up?", {"Cobalt Logic"}),
    ("On which street is the building that holds Aurelis Semiconductor's head office?", {"Northgate Road"}),
    (
        "Which finalist for the Voltexpo Device of the Year 2019 was made by Pocketwell Mobile?",
        {"Kestrel Phone"},
    ),
]
KEPT = [
    ("Is Oskar Dunmarrow the father of Clio Dunmarrow?", "yes"),
    ("Is Oskar Dunmarrow Clio Dunmarrow's son?", "no"),
    ("Who is the mother of Clio Dunmarrow?", {"Nadia Kelvane", "Oskar Dunmarrow"}),
    ("Who bought out Mossgill Sensors?", {"Torvane Silicon"}),
    ("Whose theses did Oskar Dunmarrow supervise?", {"Rhea Kelvane"}),
    ("Which device did the Quellmark Desk 90 take over from?", {"Quellmark Desk 80"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_kin_said_of_the_entity() -> None:
    steps: dict[tuple[str, str], tuple[set[str], set[str]]] = {
        ("child_of", "out"): (set(), set()),
        ("child_of", "in"): (set(), set()),
    }
    children = {("child_of", "in"): 1.0, ("child_of", "out"): -1.0}
    for question in (
        "Whose mother is Ilse Essendry?",
        "Who is Ilse Essendry the mother of?",
        "Ilse Essendry is the mother of whom?",
        "Of whom is Ilse Essendry the mother?",
        "Is Ilse Essendry the mother of Oskar Dunmarrow?",
        "Is Oskar Dunmarrow the daughter of Ilse Essendry?",
    ):
        assert voice(question, "Ilse Essendry", steps) == children, question
    parents = {("child_of", "out"): 1.0, ("child_of", "in"): -1.0}
    assert voice("Who is the mother of Ilse Essendry?", "Ilse Essendry", steps) == parents
    assert voice("Is Oskar Dunmarrow the daughter of Ilse Essendry?", "Oskar Dunmarrow", steps) == parents


def test_idioms_of_buying() -> None:
    for said in ("Who snapped up X?", "What did X swallow up?", "Who bought out X?", "Who gobbled up X?"):
        assert "acquired" in plain_idioms(said), said
    assert "acquired" not in plain_idioms("Who swallowed the pill?")
    # (a device that "took over from" another replaced it)
    assert plain_idioms("Which device did X take over from?") == "Which device did X replaced?"


def test_split_from_cues_spun_off_from() -> None:
    steps: dict[tuple[str, str], tuple[set[str], set[str]]] = {
        ("spun_off_from", "out"): (set(), set()),
        ("spun_off_from", "in"): (set(), set()),
    }
    asked = "Did Aurelis Semiconductor break away from Cinderpath Micro?"
    assert voice(asked, "Cinderpath Micro", steps) == {
        ("spun_off_from", "in"): 1.0,
        ("spun_off_from", "out"): -1.0,
    }
    assert voice(asked, "Aurelis Semiconductor", steps) == {
        ("spun_off_from", "out"): 1.0,
        ("spun_off_from", "in"): -1.0,
    }


def test_cut_of_a_grammar_word() -> None:
    assert relation_paths._grammar("frm") and relation_paths._grammar("from")
    # (a cut of two letters may be a word's: ``host_fm`` is the host formation)
    assert not relation_paths._grammar("fm") and not relation_paths._grammar("dsg")


def test_typed_reading_with_fewest_unnamed_steps() -> None:
    """ "Which region ...": no reading in a near tie reaches a region; of those further down that do, the one
    with the fewest steps the question does not name answers, though the encoder ranks it lower."""
    region = {"Nortia": "region", "Elden": "region", "Varn": "city"}

    def reading(sig: str, score: float, end: str, unearned: int) -> Reading:
        return Reading("X", ((sig, "out"),), score, {end: cast(GraphPath, end)}, sig, unearned)

    ranked = [
        reading("based_in", 0.9, "Varn", 0),
        reading("born_in", 0.5, "Nortia", 1),
        reading("rgn", 0.4, "Elden", 0),
    ]
    analysis = QuestionAnalysis(form="single", answer_type="region", strong_type=True, anchors=("X",))
    res = forms._single(analysis, ranked, lambda p: region[cast(str, p)] == "region", FormSettings())
    assert res.answers == ["Elden"]


@pytest.fixture(scope="module")
def circuit(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph(
        "circuit", (DATA / "circuit_nodes.csv").read_text(), (DATA / "circuit.tsv").read_text()
    )


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_chip_words(circuit: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(circuit, strategy, question, expected)


def test_company_names_no_parent(circuit: kgreason.Graph, answers: Answers) -> None:
    # (explore answers with the company itself, which "who" may ask for)
    answers(
        circuit, "retrieve", "Who founded the company that Cinderpath Micro split from?", {"Emeric Stallard"}
    )


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("circuit", (DATA / "circuit_nodes.csv").read_text(), (DATA / "circuit.tsv").read_text())
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED[::2]:
            answers(g, strategy, question, expected)

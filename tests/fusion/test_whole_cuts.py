"""A cut that spells out a common word whole stands for that word, and "made the shortlist" makes nothing.

- A data team's cut such as ``mntr`` is its letters' first and every consonant after it of "mentor"
  exactly; it is no cut of "manufacturer" (by which "made" named it before) nor of a made-up doer's noun
  "mountainer". A question word whose own letters it cuts still names it ("monitored", "hauls (hld)",
  by "hauled"), and so does a verb whose role nouns hold the word ("learn under": a mentor).
- Whoever "made the shortlist" or "made the final" reached it: the verb names no maker.

On Cairn's graph (``benchmarks/qa_data/cairn*``), questions written for these tests, not the set's: on the
engine before these rules (9146ee9) both path strategies answered each of ``FIXED`` wrongly; ``KEPT`` was
right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.fusion.relation_words import cuts_letters, plain_idioms, spells_another, stem, words_cut_to
from kgreason.fusion.retrieve.relation_paths import spell_abbreviations

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "qa_data"

FIXED = [
    # (``mntr`` is Cairn's guide-apprentice relation: "made" read it as a cut of "manufacturer")
    ("Which routes did Dagny Corrisk make the first ascent of?", {"Ice Cathedral", "Winter Spur"}),
    ("Which routes did Rowan Ardvane make the first ascent of?", {"Siege Line", "Tessary Pillar Left-Hand"}),
    # (the award is named after Edric Ardvane: "nmd" was "nominated" and "named" alike)
    ("Who made the Ardvane Medal shortlist?", {"Isolde Ardvane", "Saffi Tellomar"}),
    ("Who made the shortlist for the Mirrowen Award?", {"Wynn Mirrowen"}),
]
KEPT = [
    ("Who makes the Ardvane Starline?", {"Ardvane Ropeworks"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]

# the words the sentence encoder reads whole, as far as these questions need them (no cut is one)
KNOWN = frozenset(
    "who which what did does the of make made makes mountain mountains learn learned under monitored monitor "
    "hauls haul hauled first ascent routes valley overlooks trade from".split()
)


def test_a_cut_stands_for_the_word_it_spells_whole() -> None:
    assert words_cut_to("mntr") == {"mentor"}
    assert words_cut_to("nmd") == {stem("named")}
    assert not words_cut_to("brnd")  # (no "borned": "born" is a participle already)
    assert spells_another("mntr", stem("made")) and spells_another("mntr", stem("mountain"))
    assert not spells_another("mntr", stem("mentored"))
    # (a verb names its relations' role nouns: whoever one "learned under" is a mentor)
    assert not spells_another("mntr", stem("learn"))
    assert cuts_letters("mntr", "monitored") and cuts_letters("hld", "hauls")
    assert not cuts_letters("mntr", "mountain")


def test_spelled_questions() -> None:
    steps = {
        ("mntr", "out"): ({"Person"}, {"Person"}),
        ("mkr", "out"): ({"Product"}, {"Company"}),
        ("hld_by", "out"): ({"Train"}, {"Locomotive"}),
        ("ovlk", "out"): ({"Peak"}, {"Valley"}),
    }

    def spelled(question: str) -> str:
        return spell_abbreviations(question, steps, KNOWN)

    assert "(mntr)" not in spelled("Which routes did X make the first ascent of?")
    assert "(mntr)" not in spelled("Which valley does the mountain X overlook?")
    assert "learn (mntr)" in spelled("Who did X learn the trade from?")
    assert "monitored (mntr)" in spelled("Who monitored X?")
    assert "hauls (hld)" in spelled("What hauls X?")


def test_made_the_shortlist() -> None:
    assert plain_idioms("Who made the X shortlist?") == "Who reached the X shortlist?"
    assert plain_idioms("Did X make it onto the shortlist for X?") == "Did X reached the shortlist for X?"
    assert plain_idioms("Which firm made X?") == "Which firm made X?"


@pytest.fixture(scope="module")
def cairn(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("cairn", (DATA / "cairn_nodes.csv").read_text(), (DATA / "cairn.tsv").read_text())


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_questions(cairn: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(cairn, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("cairn", (DATA / "cairn_nodes.csv").read_text(), (DATA / "cairn.tsv").read_text())
    for strategy in ("retrieve", "explore"):
        for question, expected in [*FIXED, *KEPT]:
            answers(g, strategy, question, expected)

"""Relation names shortened by a data team (``aud_by``, ``emp_by``, ``cstdn``), end to end.

A bank graph names its relations in shorthand: ``aud_by`` (audited by), ``emp_by`` (employed by),
``econ_at`` (economist at), ``cstdn`` (custodian), ``acq_by`` and ``tgt`` (an acquisition's buyer and
target), ``adv_by`` (advised by), ``yr`` (year), ``uw_by`` (underwritten by). The sentence encoder does
not read these as words, so ``relation_paths.spell_abbreviations`` writes each after the question word
it shortens (or whose common paraphrase it shortens: "works" ~ "employ"), and a two-letter initialism
after a compound whose parts it is the initials of ("underwrite": ``uw``). On the code before this
(commit 69bed76) both path strategies answered each of ``SHORTENED`` wrongly or not at all; ``KEPT``
was right before and stays right. No owner wording is given here: this is what a graph gets without one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.embed import default_encoder
from kgreason.fusion.retrieve.relation_paths import shortens, spell_abbreviations

ROWS = """\
id,labels
Pellam & Co,AuditFirm
Quennell Audit,AuditFirm
Kestle Bank,Bank
Orrin Bank,Bank
Tarrow Mining,Company
Ada Voss,Person
Ben Lund,Person
Cleo Marsh,Person
Dov Aalto,Person
Harbour Fund,Fund
Tarrow Takeover,Acquisition
Larkmoor Partners,Adviser
Castrelle,City
2021,Year
Tarrow Notes 2030,Bond
Orrin Bond 2029,Bond
"""
TRIPLES = """\
Kestle Bank\taud_by\tPellam & Co
Tarrow Mining\taud_by\tPellam & Co
Orrin Bank\taud_by\tQuennell Audit
Ada Voss\temp_by\tKestle Bank
Ben Lund\temp_by\tKestle Bank
Cleo Marsh\temp_by\tOrrin Bank
Dov Aalto\tecon_at\tKestle Bank
Ben Lund\tceo_of\tKestle Bank
Harbour Fund\tcstdn\tOrrin Bank
Harbour Fund\trun_by\tKestle Bank
Tarrow Takeover\tacq_by\tOrrin Bank
Tarrow Takeover\ttgt\tTarrow Mining
Tarrow Takeover\tadv_by\tLarkmoor Partners
Tarrow Takeover\tyr\t2021
Kestle Bank\thq_in\tCastrelle
Orrin Bank\thq_in\tCastrelle
Ada Voss\tborn_in\tCastrelle
Cleo Marsh\tborn_in\tCastrelle
Tarrow Notes 2030\tissued_by\tTarrow Mining
Tarrow Notes 2030\tuw_by\tKestle Bank
Orrin Bond 2029\tissued_by\tOrrin Bank
Orrin Bond 2029\tuw_by\tKestle Bank
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
# wrong or "not found" before the shortenings were read
SHORTENED = [
    ("Who works at Kestle Bank?", {"Ada Voss", "Ben Lund"}),
    ("How many employees does Kestle Bank have?", "2"),
    ("Who is the custodian of the Harbour Fund?", {"Orrin Bank"}),
    ("Who is the chief economist at Kestle Bank?", {"Dov Aalto"}),
    ("Which deals did Larkmoor Partners advise on?", {"Tarrow Takeover"}),
    ("Who was the buyer in the Tarrow Takeover?", {"Orrin Bank"}),
    ("What was the target of the Tarrow Takeover?", {"Tarrow Mining"}),
    ("Who is the auditor of Kestle Bank?", {"Pellam & Co"}),
    ("Who underwrote the Orrin Bond 2029?", {"Kestle Bank"}),
]
# right before, and still right
KEPT = [
    ("Who advised on the Tarrow Takeover?", {"Larkmoor Partners"}),
    ("Which firm audits Tarrow Mining?", {"Pellam & Co"}),
    ("Who audits Orrin Bank?", {"Quennell Audit"}),
    ("Which audit firm audits Kestle Bank?", {"Pellam & Co"}),
    ("In what year was the Tarrow Takeover?", {"2021"}),
    ("Which companies does Pellam & Co audit?", {"Tarrow Mining"}),
    ("Where was Ada Voss born?", {"Castrelle"}),
    ("Who runs the Harbour Fund?", {"Kestle Bank"}),
    ("Who heads Kestle Bank?", {"Ben Lund"}),
    ("Which bonds did Kestle Bank underwrite?", {"Tarrow Notes 2030", "Orrin Bond 2029"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("bank", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_shortened_relation_names_are_read(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*SHORTENED, *KEPT]:
        answers(graph, strategy, question, expected)
    # the evidence cites the stored names
    answer = graph.engine("retrieve", llm=None).ask("Who is the custodian of the Harbour Fund?")
    assert {e.type for p in answer.evidence for e in p.edges} >= {"cstdn"}


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("bank", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in SHORTENED[:4]:
            answers(g, strategy, question, expected)


def test_what_counts_as_a_shortening() -> None:
    assert shortens("aud", "audited") and shortens("emp", "employees") and shortens("econ", "economist")
    assert shortens("cstdn", "custodian") and shortens("lndr", "lender") and shortens("rtg", "rating")
    assert shortens("yr", "year") and shortens("tgt", "target")
    assert not shortens("rtg", "target")  # another first letter
    assert not shortens("aud", "aud") and not shortens("aud", "audi")  # two letters more at least
    assert not shortens("yr", "yard")  # a contraction ends with the word's last consonant
    assert not shortens("op", "operated")  # a truncation has three letters at least


def test_spelling_needs_an_unknown_word_and_leaves_labels_alone() -> None:
    known = default_encoder().vocabulary  # type: ignore[attr-defined]
    assert "audit" in known and "ceo" in known and "cstdn" not in known and "aud" not in known
    steps = {
        ("aud_by", "out"): ({"Company"}, {"AuditFirm"}),
        ("cstdn", "out"): ({"Fund"}, {"Bank"}),
        ("ceo_of", "out"): ({"Person"}, {"Bank"}),
    }
    assert spell_abbreviations("Who is the custodian of X?", steps, known) == (
        "Who is the custodian (cstdn) of X?"
    )
    # "auditor" is no label word (the label is "audit firm"), so "aud" is read as its truncation
    assert spell_abbreviations("Who is X's auditor?", steps, known) == "Who is X's auditor (aud)?"
    # "audit" names the label AuditFirm, which the step reaches already
    assert spell_abbreviations("Which audit firm checks X?", steps, known) == "Which audit firm checks X?"
    # without the encoder's words nothing is taken for a shortening; idempotent
    assert spell_abbreviations("Who is the custodian of X?", steps) == "Who is the custodian of X?"
    once = spell_abbreviations("Who is the custodian of X?", steps, known)
    assert spell_abbreviations(once, steps, known) == once


def test_an_initialism_of_a_compound() -> None:
    known = default_encoder().vocabulary  # type: ignore[attr-defined]
    steps = {("uw_by", "out"): ({"Bond"}, {"Bank"}), ("hq_in", "out"): ({"Bank"}, {"City"})}
    assert spell_abbreviations("Who underwrote X?", steps, known) == "Who underwrote (uw) X?"
    assert spell_abbreviations("Where is X headquartered?", steps, known) == "Where is X headquartered (hq)?"
    assert spell_abbreviations("Who is somebody at X?", steps, known) == "Who is somebody at X?"
    assert spell_abbreviations("Who underwrote X?", steps) == "Who underwrote X?"

"""A graph owner's wording of jargon relations (``kgreason.fusion.wording``), end to end.

An orchard graph names its relations as a data team would (``registered_by`` for who bred a variety,
``brigade_under`` for a restaurant's head chef, ``draws_from`` and ``provisioned_by`` for suppliers,
``went_to`` for a prize won). Without a wording both path strategies abstain or answer wrongly on the
first six questions below (checked here, so the cases stay ones the wording answers); with the owner's
file, given as the option ``words`` or saved by ``kgr graph words``, every question is answered, on the
memory store and on Neo4j, and the cited facts keep the stored relation names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from kgr_cli import run_kgr

import kgreason
from kgreason.errors import InputError
from kgreason.fusion import wording
from kgreason.fusion.relation_words import humanize
from kgreason.fusion.retrieve.relation_paths import CoverageScorer

ROWS = """\
id,labels
Amber Crisp,Variety
Red Dawn,Variety
Blue Fen,Variety
Greenvault Seeds,SeedCompany
Hollin College,College
Rosa Lind,Person
Ivo Brandt,Person
Mara Holt,Person
Marrow Farm,Farm
Fenwick Farm,Farm
Salt & Rye,Restaurant
Orchard Dairy,Dairy
Pippin Prize,Prize
Hollin,Village
"""
TRIPLES = """\
Amber Crisp\tregistered_by\tGreenvault Seeds
Blue Fen\tregistered_by\tGreenvault Seeds
Red Dawn\tregistered_by\tHollin College
Salt & Rye\tbrigade_under\tIvo Brandt
Salt & Rye\theld_by\tRosa Lind
Orchard Dairy\tdraws_from\tMarrow Farm
Orchard Dairy\tdraws_from\tFenwick Farm
Salt & Rye\tprovisioned_by\tFenwick Farm
Pippin Prize\twent_to\tAmber Crisp
Mara Holt\ton_staff_of\tGreenvault Seeds
Rosa Lind\ton_staff_of\tHollin College
Marrow Farm\tlocated_in\tHollin
Fenwick Farm\tlocated_in\tHollin
Orchard Dairy\tlocated_in\tHollin
Hollin College\tlocated_in\tHollin
Ivo Brandt\tborn_in\tHollin
"""
WORDS = """\
# how people say the relations whose names are jargon (head -> tail)
registered_by\tbred by
brigade_under\thead chef
draws_from\tsupplied by
provisioned_by\tsupplied by
went_to\twon by
held_by\towned by
on_staff_of\tworks for
"""

# wrong or "not found" without the wording
NEEDS_WORDS = [
    ("Who bred Amber Crisp?", {"Greenvault Seeds"}),
    ("Who is the head chef at Salt & Rye?", {"Ivo Brandt"}),
    ("Who supplies Orchard Dairy?", {"Marrow Farm", "Fenwick Farm"}),
    ("Who supplies Salt & Rye?", {"Fenwick Farm"}),
    ("Who won the Pippin Prize?", {"Amber Crisp"}),
    ("Where was the head chef of Salt & Rye born?", {"Hollin"}),
]
# right either way: the wording must not lose them
KEPT = [
    ("Which varieties did Greenvault Seeds breed?", {"Amber Crisp", "Blue Fen"}),
    ("How many varieties has Greenvault Seeds bred?", "2"),
    ("Did Hollin College breed Red Dawn?", "yes"),
    ("Which prize did Amber Crisp win?", {"Pippin Prize"}),
    ("Who owns Salt & Rye?", {"Rosa Lind"}),
    ("Where does Mara Holt work?", {"Greenvault Seeds"}),
    ("Which farm supplies both Orchard Dairy and Salt & Rye?", {"Fenwick Farm"}),
    # the stored name's own words still name the relation (``Wording.heard_in``)
    ("Who registered Red Dawn?", {"Hollin College"}),
    ("Which farms does Orchard Dairy draw from?", {"Marrow Farm", "Fenwick Farm"}),
]


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("orchard", ROWS, TRIPLES)


@pytest.fixture(scope="module")
def words_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("words") / "orchard_words.tsv"
    path.write_text(WORDS)
    return path


def _engine(graph: kgreason.Graph, strategy: str, words: str = "") -> kgreason.Engine:
    if strategy == "explore":
        return graph.engine("multihop", llm=None, options={"mode": "explore", "words": words})
    return graph.engine("retrieve", llm=None, options={"words": words})


def _got(answer: kgreason.Answer) -> object:
    return answer.value if answer.value is not None else set(answer.answers)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_the_wording_answers_what_the_names_do_not(
    graph: kgreason.Graph, words_file: Path, strategy: str
) -> None:
    plain = _engine(graph, strategy)
    worded = _engine(graph, strategy, str(words_file))
    for question, expected in NEEDS_WORDS:
        assert _got(plain.ask(question)) != expected, question
        answer = worded.ask(question)
        assert _got(answer) == expected, (question, answer.trace)
    for question, expected in KEPT:
        assert _got(plain.ask(question)) == expected, question
        assert _got(worded.ask(question)) == expected, question


# yes/no over a jargon relation without a wording: no reading matches the question's words, so an edge
# between the two named entities is the answer, with that edge as evidence; two entities the graph does not
# link directly stay "not found", not "no" (the relation asked about is unknown, so its absence proves
# nothing). Before this rule all three abstained.
LINKED = [
    ("Did Ivo Brandt cook at Salt & Rye?", ("Salt & Rye", "brigade_under", "Ivo Brandt")),
    ("Does Fenwick Farm supply Orchard Dairy?", ("Orchard Dairy", "draws_from", "Fenwick Farm")),
]
NOT_LINKED = "Does Marrow Farm supply Salt & Rye?"


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_a_direct_edge_answers_yes_no_in_words_the_graph_lacks(graph: kgreason.Graph, strategy: str) -> None:
    engine = _engine(graph, strategy)
    for question, (head, relation, tail) in LINKED:
        answer = engine.ask(question)
        assert answer.value == "yes" and answer.abstained is None, (question, answer.trace)
        first = answer.evidence[0]
        assert [(e.source, e.type, e.target) for e in first.edges] == [(head, relation, tail)]
    answer = engine.ask(NOT_LINKED)
    assert answer.value is None and answer.abstained is not None, answer.trace


def test_cited_facts_keep_the_stored_names(graph: kgreason.Graph, words_file: Path) -> None:
    answer = _engine(graph, "retrieve", str(words_file)).ask("Who bred Amber Crisp?")
    assert list(answer.answers) == ["Greenvault Seeds"]
    assert {e.type for p in answer.evidence for e in p.edges} >= {"registered_by"}


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], words_file: Path) -> None:
    g = neo4j_graph("orchard", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in NEEDS_WORDS[:4]:
            assert _got(_engine(g, strategy, str(words_file)).ask(question)) == expected, (strategy, question)
        assert _engine(g, strategy).ask(LINKED[0][0]).value == "yes", strategy


def test_spoken_names_round_trip_and_stay_apart() -> None:
    w = wording.parse(WORDS.splitlines(), path="w.tsv", relations=TRIPLES.split())
    spoken = w.say("registered_by")
    assert humanize(spoken) == "bred by" and w.stored(spoken) == "registered_by"
    # two relations said alike stay two relations, read by the same words
    a, b = w.say("draws_from"), w.say("provisioned_by")
    assert a != b and humanize(a) == humanize(b) == "supplied by"
    assert {w.stored(a), w.stored(b)} == {"draws_from", "provisioned_by"}
    assert w.say("located_in") == "located_in" == w.stored("located_in")
    assert w.steps({("registered_by", "in"): 1}) == {(spoken, "in"): 1}
    assert not wording.NONE and wording.parse([], path="w.tsv") == wording.NONE
    # a question saying the stored name's words reads the relation by its name, one saying the phrase's
    # (or neither) by the phrase
    assert (
        w.heard_in("Which college registered X?", CoverageScorer().score).say("registered_by")
        == "registered_by"
    )
    assert w.heard_in("Who bred X?", CoverageScorer().score).say("registered_by") == spoken
    assert w.heard_in("Where is X?", CoverageScorer().score) == w


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("registered_by\tbred by\nregistred_by\tbreeds\n", 2, "did you mean: registered_by?"),
        ("# c\n\nregistered_by\n", 3, "no phrase after the relation 'registered_by'"),
        ("registered_by\t---\n", 1, "has 0 words"),
        ("registered_by\twas bred and then first shown to the judges by\n", 1, "has 10 words"),
        ("registered_by\tbred by\nregistered_by\tbred\n", 2, "given twice"),
    ],
)
def test_a_bad_wording_names_its_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as err:
        wording.parse(text.splitlines(), path="w.tsv", relations=("registered_by", "located_in"))
    shown = f"{err.value} {err.value.hint}"
    assert f"w.tsv:{line}:" in shown and message in shown


def test_kgr_graph_words_saves_shows_uses_and_clears(tmp_path: Path, words_file: Path) -> None:
    env = {"KGR_HOME": str(tmp_path / "home")}
    (tmp_path / "nodes.csv").write_text(ROWS)
    (tmp_path / "edges.tsv").write_text(TRIPLES)
    r = run_kgr(
        "graph", "load", str(tmp_path / "nodes.csv"), str(tmp_path / "edges.tsv"), "-g", "orchard", env=env
    )
    assert r.returncode == 0, r.stderr

    def ask(question: str) -> dict[str, object]:
        r = run_kgr("ask", question, "-g", "orchard", "--llm", "none", "--json", env=env)
        assert r.returncode == 0, r.stderr
        data: dict[str, object] = json.loads(r.stdout)
        return data

    assert ask("Who bred Amber Crisp?")["answers"] != ["Greenvault Seeds"]
    r = run_kgr("graph", "words", str(words_file), "-g", "orchard", env=env)
    assert r.returncode == 0 and "saved how people say 7 relations" in r.stderr
    assert "registered_by\tbred by" in r.stdout
    assert ask("Who bred Amber Crisp?")["answers"] == ["Greenvault Seeds"]
    shown = json.loads(run_kgr("graph", "words", "-g", "orchard", "--json", env=env).stdout)
    assert shown["words"]["brigade_under"] == "head chef"

    bad = tmp_path / "bad.tsv"
    bad.write_text("registred_by\tbred by\n")
    r = run_kgr("graph", "words", str(bad), "-g", "orchard", env=env)
    assert r.returncode == 2 and f"{bad}:1:" in r.stderr and "registered_by" in r.stderr
    # the saved wording is untouched by the refused one
    assert json.loads(run_kgr("graph", "words", "-g", "orchard", "--json", env=env).stdout) == shown

    assert run_kgr("graph", "words", "--clear", "-g", "orchard", env=env).returncode == 0
    assert ask("Who bred Amber Crisp?")["answers"] != ["Greenvault Seeds"]
    run_kgr("graph", "words", str(words_file), "-g", "orchard", env=env)
    assert run_kgr("graph", "drop", "-g", "orchard", "--yes", env=env).returncode == 0
    assert not list((tmp_path / "home" / "words").glob("*"))

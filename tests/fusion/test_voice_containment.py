"""Voice, containment, role nouns and the entity's own type words, end to end on a small graph.

Each question below was answered wrongly before these cues (the reading the sentence encoder prefers is
shown in the comment); both path strategies answer it with the bundled MiniLM encoder and no LLM.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.question import analyse, drop_own_type
from kgreason.fusion.relation_words import stem
from kgreason.fusion.retrieve.path_shapes import StepLabels, question_shape, voice

ROWS = """\
id,name,labels
corvid,Corvid,Language
ember,Ember,Language
juniper,Juniper,Language
tamblin,Tamblin,Country
ostby,Ostby,City
carrow,Carrow,City
wexmoor,Wexmoor,City
ada,Ada Lorn,Person
bo,Bo Vance,Person
cy,Cy Marr,Person
dee,Dee Holt,Person
eli,Eli Rook,Person
fay,Fay Quist,Person
gil,Gil Oster,Person
hal,Hal Penn,Person
quell,Quell Orchestra,Orchestra
cello,Cello,Instrument
harp,Harp,Instrument
"""
TRIPLES = """\
corvid\tinfluenced_by\tjuniper
ember\tinfluenced_by\tcorvid
juniper\tdesigned_by\tada
corvid\tdesigned_by\tbo
ember\tdesigned_by\tcy
ostby\tin_country\ttamblin
carrow\tin_country\ttamblin
wexmoor\tin_country\ttamblin
ostby\tcapital_of\ttamblin
ada\tborn_in\tostby
bo\tborn_in\tcarrow
cy\tborn_in\twexmoor
dee\tborn_in\twexmoor
eli\tstudied_under\tfay
fay\tstudied_under\tgil
gil\tborn_in\tcarrow
hal\tstudied_under\tgil
eli\tmember_of\tquell
eli\tplays\tcello
gil\tplays\tharp
gil\tparent_of\tfay
fay\tparent_of\teli
"""


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("voice", ROWS, TRIPLES)


QUESTIONS = [
    # voice: masking made "Was X influenced by X?" read the same both ways
    ("Was Corvid influenced by Ember?", "no"),
    ("Was Ember influenced by Corvid?", "yes"),
    ("Which languages were influenced by Corvid?", {"ember"}),
    ("What languages did Corvid influence?", {"ember"}),
    ("Which language influenced Corvid?", {"juniper"}),
    # containment: "X's capital city" is what the encoder prefers
    ("Which cities are in Tamblin?", {"ostby", "carrow", "wexmoor"}),
    ("How many people were born in Tamblin?", "5"),
    ("How many cities does Tamblin have?", "3"),
    # the entity's own type words ("the X programming language") are not a step through languages
    ("Who designed the Corvid programming language?", {"bo"}),
    # role nouns: studied_under forwards is the teacher, backwards the pupils
    ("Who was Eli Rook's teacher?", {"fay"}),
    ("Who are Gil Oster's pupils?", {"fay", "hal"}),
    ("Where was the teacher of Eli Rook's teacher born?", {"carrow"}),
    # the counted noun and the verb name one step, not a pupil's pupils
    ("How many pupils did Gil Oster teach?", "2"),
    ("Which pupils did Gil Oster teach?", {"fay", "hal"}),
    # "grandchild" names the kin step twice, then the path goes on
    ("What instrument does Gil Oster's grandchild play?", {"cello"}),
    # yes/no: "X plays instrument" cannot reach an orchestra, so it does not set the bar
    ("Does Eli Rook play in the Quell Orchestra?", "yes"),
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


def test_voice_reads_the_verb_around_the_mention() -> None:
    steps: StepLabels = {("influenced_by", "out"): (set(), set()), ("influenced_by", "in"): (set(), set())}
    agent = {("influenced_by", "in"): 1.0, ("influenced_by", "out"): -1.0}
    patient = {("influenced_by", "in"): -1.0, ("influenced_by", "out"): 1.0}
    assert voice("Which languages were influenced by Corvid?", "Corvid", steps) == agent
    assert voice("What did Corvid influence?", "Corvid", steps) == agent
    assert voice("Was Corvid influenced by Ember?", "Corvid", steps) == patient
    assert voice("Which language influenced Corvid?", "Corvid", steps) == patient
    # the verb's argument is "Corvid's successors", not Corvid; a verb no relation names says nothing
    assert voice("Which languages were influenced by Corvid's successors?", "Corvid", steps) == {}
    assert voice("Who designed Corvid?", "Corvid", steps) == {}


def test_containment_is_asked_by_in_only() -> None:
    steps = {
        ("in_country", "in"): ({"Country"}, {"City"}),
        ("capital_of", "in"): ({"Country"}, {"City"}),
        ("born_in", "in"): ({"City"}, {"Person"}),
        ("studied_under", "out"): ({"Person"}, {"Person"}),
    }
    shape = question_shape("How many people were born in X?")
    assert shape.inside
    bridged = (("in_country", "in"), ("born_in", "in"))
    assert shape.fit(bridged, steps) > shape.fit((("capital_of", "in"), ("born_in", "in")), steps)
    # "does X have", "does X contain", "does X include" ask for what is in X too
    for asked in ("How many cities does X have?", "What does X contain?", "Which towns does X include?"):
        assert question_shape(asked).inside, asked
    # "the teacher of X" is not a place's contents
    assert not question_shape("Where was the teacher of X born?").inside


def test_words_and_heads() -> None:
    assert len({stem(w) for w in ("city", "cities")}) == 1
    assert len({stem(w) for w in ("employ", "employees", "employed")}) == 1
    assert stem("class") == "class" and stem("status") == "status"
    assert analyse("How many MPs represent districts in Marrowdene?").answer_type == "mp"
    assert analyse("What are the products developed by Acme built on?", ["acme"], ["Acme"]).answer_type == ""
    assert analyse("What is the language Acme is written in?", ["acme"], ["Acme"]).answer_type == "language"
    assert drop_own_type("How many cities are there in the province of X?", ["Province"]) == (
        "How many cities are there in X?"
    )

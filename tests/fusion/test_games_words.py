"""Words of games studios, esports and their people: rules from Arcade's dev half.

- People by structure: a label whose words do not say it holds people (``Developer``) but whose nodes
  have parents, spouses and mentors among the people of the graph is a kind of person
  (``forms.people_labels``), so "Who is X's wife?" answers with the developer she is, not their child.
- Idioms: whoever was "at the helm of" a game helmed (directed) it; whoever "wrote the music" for it
  composed its score; a game's "follow-up" is its sequel; "where was a match played?" asks for its venue.
- Paraphrases: "music", "soundtrack" and "compose" say a score; "branched" and "derived" say a fork;
  "commentate" says a caster's work; "shortlist" says a nomination; "previously" and "earlier" say a
  former (ex-) tie; a "mentor" is a teacher.
- Cuts: a cut is written after a question word whose paraphrase group's head begins with it
  ("skippers (capt)", by "captain"), not only after a word that begins with it.
- Qualified twins: a question that puts a step in the past ("Which teams did X play for previously?")
  asks for the qualified relation (``ex_tm``) beside the unqualified one between the same labels
  (``plays_for``), and reads it as the unqualified one would read.
- Types: "Which of X's grandparents were game developers?" asks for the developers among them (a word
  before the noun is allowed).

On the engine before these rules (dd1474e) both path strategies answered each of ``FIXED`` wrongly;
``KEPT`` was right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.forms import people_labels
from kgreason.fusion.question import analyse
from kgreason.fusion.relation_words import paraphrases, plain_idioms, stem

ROWS = """\
id,labels
Orla Penn,Developer
Bram Penn,Developer
Cass Penn,Developer
Dilys Penn,Person
Edda Penn,Developer
Finn Rook,Developer
Gale Rook,Person
Hew Rook,Developer
Ines Rook,Person
Jory Rook,Player
Kit Vale,Developer
Lise Vale,Composer
Mona Vale,Composer
Ned Sorrel,Player
Odo Sorrel,Player
Pia Lark,Player
Quin Lark,Player
Rue Tamsin,Person
Sable Harp,Person
Tidefall,Game
Tidefall II,Game
Tidefall III,Game
Emberwake,Game
Penn Works,Studio
Rook Forge,Studio
Larkspur Engine,Engine
Heron Engine,Engine
Wren Engine,Engine
Gloam Hawks,Team
Copper Owls,Team
Slate Foxes,Team
Harrow Cup 2020,Tournament
Harrow Cup 2021,Tournament
Penn Prize,Award
Harrow Dome,Venue
Quay Hall,Venue
Board of the Guild,Board
"""
TRIPLES = """\
Bram Penn\tpar\tOrla Penn
Cass Penn\tpar\tBram Penn
Cass Penn\tpar\tDilys Penn
Edda Penn\tpar\tCass Penn
Bram Penn\tmarried_to\tDilys Penn
Finn Rook\tpar\tGale Rook
Hew Rook\tpar\tFinn Rook
Hew Rook\tpar\tInes Rook
Jory Rook\tpar\tHew Rook
Hew Rook\tmarried_to\tKit Vale
Kit Vale\tpar\tLise Vale
Cass Penn\tmarried_to\tFinn Rook
Edda Penn\tmentored_by\tHew Rook
Jory Rook\tmentored_by\tEdda Penn
Hew Rook\tmentored_by\tOrla Penn
Finn Rook\tsibl\tRue Tamsin
Ines Rook\tpar\tSable Harp
Gale Rook\tmarried_to\tSable Harp
Tidefall\tdir\tOrla Penn
Tidefall\tscr\tLise Vale
Tidefall\twrtr\tSable Harp
Tidefall II\tsequel_to\tTidefall
Tidefall II\tdir\tBram Penn
Tidefall II\tscr\tMona Vale
Tidefall II\twrtr\tRue Tamsin
Tidefall III\tsequel_to\tTidefall II
Tidefall III\tdir\tCass Penn
Tidefall III\tscr\tMona Vale
Emberwake\tdir\tHew Rook
Emberwake\tscr\tMona Vale
Tidefall\tdev_by\tPenn Works
Tidefall II\tdev_by\tPenn Works
Tidefall III\tdev_by\tRook Forge
Emberwake\tdev_by\tRook Forge
Penn Works\tfndr\tOrla Penn
Rook Forge\tfndr\tFinn Rook
Tidefall\tengn\tLarkspur Engine
Emberwake\tengn\tWren Engine
Wren Engine\tfork_of\tHeron Engine
Heron Engine\tfork_of\tLarkspur Engine
Ned Sorrel\tplays_for\tGloam Hawks
Ned Sorrel\tex_tm\tCopper Owls
Ned Sorrel\tex_tm\tSlate Foxes
Odo Sorrel\tplays_for\tCopper Owls
Odo Sorrel\tex_tm\tGloam Hawks
Pia Lark\tplays_for\tSlate Foxes
Quin Lark\tplays_for\tGloam Hawks
Jory Rook\tplays_for\tSlate Foxes
Jory Rook\tex_tm\tGloam Hawks
Gloam Hawks\tcapt\tNed Sorrel
Copper Owls\tcapt\tOdo Sorrel
Slate Foxes\tcapt\tPia Lark
Harrow Cup 2020\twon_by\tCopper Owls
Harrow Cup 2021\twon_by\tGloam Hawks
Harrow Cup 2020\tvnu\tHarrow Dome
Harrow Cup 2021\tvnu\tQuay Hall
Harrow Cup 2020\tcast_by\tSable Harp
Harrow Cup 2021\tcast_by\tRue Tamsin
Harrow Cup 2020\tnamed_after\tGale Rook
Penn Prize\tnamed_after\tOrla Penn
Cass Penn\tnom\tPenn Prize
Kit Vale\tnom\tPenn Prize
Kit Vale\twon\tPenn Prize
Gale Rook\tsrv\tBoard of the Guild
Sable Harp\tsrv\tBoard of the Guild
Ines Rook\tborn_in\tQuay Hall
"""

FIXED = [
    # a developer with parents and a spouse is a person: not the child, not the studio
    ("Who is Hew Rook's wife?", {"Kit Vale"}),
    ("Who are Bram Penn's children?", {"Cass Penn"}),
    ("Who founded Rook Forge?", {"Finn Rook"}),
    ("Who was at the helm of Tidefall II?", {"Bram Penn"}),
    ("Who wrote the music for Tidefall?", {"Lise Vale"}),
    ("Which soundtracks has Mona Vale composed?", {"Tidefall II", "Tidefall III", "Emberwake"}),
    ("Who directed the follow-up to Tidefall II?", {"Cass Penn"}),
    ("Where was the Harrow Cup 2021 played?", {"Quay Hall"}),
    ("Who skippers the Harrow Cup 2020 champions?", {"Odo Sorrel"}),
    ("Which teams did Ned Sorrel play for previously?", {"Copper Owls", "Slate Foxes"}),
    ("Did Jory Rook once play for the Gloam Hawks?", "yes"),
    ("Who was shortlisted for the Penn Prize?", {"Cass Penn", "Kit Vale"}),
    ("Who taught the teacher of Jory Rook's mentor?", {"Orla Penn"}),
    ("Which of Edda Penn's grandparents were game developers?", {"Bram Penn"}),
]
KEPT = [
    ("Which teams does Ned Sorrel play for?", {"Gloam Hawks"}),
    ("Did Pia Lark play for the Slate Foxes?", "yes"),
    ("Who mentored Edda Penn?", {"Hew Rook"}),
    ("Which tournaments did Rue Tamsin commentate?", {"Harrow Cup 2021"}),
    ("Which games did Orla Penn direct?", {"Tidefall"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_people_by_structure() -> None:
    patterns = [
        ("Developer", "par", "Person"),
        ("Person", "par", "Person"),
        ("Developer", "married_to", "Person"),
        ("Person", "married_to", "Person"),
        ("Character", "par", "Person"),
        ("Character", "married_to", "Person"),
        ("Developer", "works_for", "Studio"),
        ("Person", "works_for", "Studio"),
        ("Person", "emp_by", "Bank"),
        ("Bank", "emp_by", "Person"),
    ]
    labels = ["Developer", "Person", "Character", "Studio", "Bank"]
    # (a character marries in its story; a bank's tie to people joins no two people)
    assert people_labels(labels, patterns) == {"Developer"}
    # one relation between people is not enough
    assert people_labels(labels, patterns[:2]) == frozenset()


def test_words() -> None:
    assert plain_idioms("Who was at the helm of X?") == "Who helmed (directed) X?"
    assert plain_idioms("Who wrote the music for X?") == "Who composed the score for X?"
    assert plain_idioms("Who directed the follow-up to X?") == "Who directed the sequel to X?"
    assert plain_idioms("Where was X played?") == "Where was X staged (venue)?"
    assert plain_idioms("Who played for X?") == "Who played for X?"
    assert stem("branched") in paraphrases(stem("fork"))
    assert stem("shortlisted") in paraphrases(stem("nominate"))
    assert stem("commentated") in paraphrases(stem("cast"))
    assert stem("soundtrack") in paraphrases(stem("score"))
    question = analyse("Which of X's grandparents were game developers?", ["X"], ["X"])
    assert (question.answer_type, question.form) == ("developer", "list")
    # (a verb is no type: "were directed by X")
    assert analyse("Which of the films were directed by X?", ["X"], ["X"]).answer_type == "film"


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("games", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_games_words(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("games", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)

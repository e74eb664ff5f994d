"""Idioms read as the verbs they mean ("took over", "in charge of", "learn to sail", "took the place
of", "go bust"), everyday words for relations named otherwise ("runs" a company it ``headed_by``,
"replaced", "maintenance", "lectures", "audits", "controls", "members"), who counts as an agent
(whatever a "<verb> by" relation reaches; carriers and lessors), "what" before a past verb, the size of
a collective as a count ("How big is X's fleet?"), "married" naming no business partner, "subsidiaries"
and a "parent company" as what is owned and the owner, a plural possessive's owner as the answer
("Which carriers' vessels ..."), and a yes/no question not answered "yes" by an edge along a relation
it does not name, end to end on a small shipping graph.

Both path strategies answer each case with the bundled MiniLM encoder and no LLM; 21 of the first 26
end-to-end cases failed before these rules (the next six were added later, with the fleet count, "took
the place of" and a parent company over ``subsidiary_of``; of the last seven, five failed before).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.forms import agent_step, type_labels
from kgreason.fusion.question import analyse
from kgreason.fusion.relation_words import names_of, paraphrases, plain_idioms, role_nouns, stem
from kgreason.types import Edge, Node, Path

ROWS = """\
id,labels
Harbor Line,Carrier
Bluewater,Carrier
Old Quay Lines,Carrier
Nora Quill,Person
Tom Reed,Person
Ivo Stark,Person
Piet Holm,Person
Ada Wren,Person
Sea Lark,Vessel
Sea Swift,Vessel
Keel Capital,Financier
North Dock,Dock
Portmere,City
Quay Academy,Academy
Voyage 7,Voyage
Voyage 9,Voyage
Tide Alliance,Alliance
Gull Ferries,Carrier
Tern Cargo,Carrier
Sea Gull,Vessel
Sea Tern,Vessel
Quill Trophy,Award
1950,Year
1990,Year
1920,Year
Quay Guild,Guild
Harbor Ale,Beer
Quay Brewery,Brewery
"""
TRIPLES = """\
Harbor Line\theaded_by\tNora Quill
Harbor Line\tfounded_by\tIvo Stark
Tom Reed\tleads_crew_at\tHarbor Line
Voyage 7\toperated_by\tHarbor Line
Voyage 9\toperated_by\tHarbor Line
Voyage 7\tsailed_on\tSea Lark
Sea Lark\theld_by\tKeel Capital
Sea Lark\tin_fleet_of\tHarbor Line
Sea Lark\trepaired_at\tNorth Dock
Keel Capital\tfounded_by\tAda Wren
Sea Swift\tsuperseded\tSea Lark
Sea Swift\tin_fleet_of\tBluewater
Bluewater\tabsorbed\tOld Quay Lines
Bluewater\theaded_by\tPiet Holm
Old Quay Lines\tfounded_by\tTom Reed
North Dock\tlocated_in\tPortmere
Nora Quill\ttrained_at\tQuay Academy
Nora Quill\tborn_in\tPortmere
Quay Academy\tlocated_in\tPortmere
Harbor Line\tpartner_in\tTide Alliance
Tide Alliance\tchaired_by\tIvo Stark
Ivo Stark\tmarried_to\tAda Wren
Gull Ferries\twholly_owned_by\tBluewater
Sea Gull\tin_fleet_of\tGull Ferries
Sea Tern\tin_fleet_of\tGull Ferries
Sea Swift\theld_by\tBluewater
Bluewater\tfounded_in_year\t1950
Gull Ferries\tfounded_in_year\t1990
Gull Ferries\tpartner_in\tTide Alliance
Tern Cargo\tsubsidiary_of\tHarbor Line
Tern Cargo\tfounded_in_year\t1990
Harbor Line\tfounded_in_year\t1920
Quill Trophy\tnamed_after\tNora Quill
Quill Trophy\tawarded_to\tTom Reed
Old Quay Lines\tfounded_in_year\t1920
Old Quay Lines\twound_up_in_year\t1950
Tern Cargo\tcontrolled_by\tKeel Capital
Gull Ferries\tenrolled_in\tQuay Guild
Tern Cargo\tenrolled_in\tQuay Guild
Piet Holm\tlectures_at\tQuay Academy
Sea Swift\taudited_by\tAda Wren
Harbor Ale\tprocessed_at\tQuay Brewery
Quay Brewery\tlocated_in\tPortmere
"""


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("shipping", ROWS, TRIPLES)


QUESTIONS = [
    # "runs" a company is heading it, not leading its crew nor operating its voyages
    ("Who runs Harbor Line?", {"Nora Quill"}),
    ("Who is in charge of Bluewater?", {"Piet Holm"}),
    # "who" reaches what a "<verb> by" relation names as the doer, whatever its label (a financier)
    ("Who owns the Sea Lark?", {"Keel Capital"}),
    # "took over" is acquiring (not taking), and a carrier is a body that acts
    ("Who took over Old Quay Lines?", {"Bluewater"}),
    ("Did Bluewater take over Old Quay Lines?", "yes"),
    # "What replaced X?": "replaced" is the verb (``superseded``), not the answer's type
    ("What replaced the Sea Lark?", {"Sea Swift"}),
    # "maintenance" is where the vessel is repaired; a dock is a site "where" may ask for
    ("Where does the Sea Lark go for maintenance?", {"North Dock"}),
    # "learn to sail" is training
    ("Where did Nora Quill learn to sail?", {"Quay Academy"}),
    # "married" names no business partner (``partner_in``): the chair's spouse, one step further
    ("Who is married to the chair of Harbor Line's alliance?", {"Ada Wren"}),
    # "subsidiaries" are what is ``wholly_owned_by`` X (a role noun of "owned by"), not what X holds
    ("How many vessels are in the fleets of Bluewater's subsidiaries?", "2"),
    # a "parent company" is the owner, not a parent
    ("In what year was the parent company of Gull Ferries founded?", {"1950"}),
    # ...and what a ``subsidiary_of`` relation reaches (read backwards, the parent company)
    ("In what year was the parent company of Tern Cargo founded?", {"1920"}),
    # "won" names ``awarded_to``: an award named after X is no award X won
    ("Has Nora Quill won the Quill Trophy?", "no"),
    ("Has Tom Reed won the Quill Trophy?", "yes"),
    # the size of a collective is a count; "took the place of" is replacing
    ("How big is Gull Ferries' fleet?", "2"),
    ("What took the place of the Sea Lark?", {"Sea Swift"}),
    # an alliance's members are carriers: "members" asks for a person or a body, the relation says which
    ("Which Tide Alliance members are headed by Nora Quill?", {"Harbor Line"}),
    # ...and a guild's are whatever is enrolled in it ("members" names ``enrolled_in``, no type)
    ("How many members does the Quay Guild have?", "2"),
    # going bust is being wound up
    ("In which year did Old Quay Lines go bust?", {"1950"}),
    # what a body controls it owns ("controlled" and "control" are one stem)
    ("Which carriers does Keel Capital own?", {"Tern Cargo"}),
    # "Which carriers' vessels ...": the carriers are asked for, their vessels a step on the way
    ("Which carriers' vessels are repaired at North Dock?", {"Harbor Line"}),
    # lecturing is teaching, auditing inspecting
    ("Who has taught at Quay Academy?", {"Piet Holm"}),
    ("Who inspects the Sea Swift?", {"Ada Wren"}),
    # where a thing is made is a site (a brewery), not the town the site is in; processing is making
    ("Where is Harbor Ale made?", {"Quay Brewery"}),
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


def test_idioms_read_as_their_verbs() -> None:
    assert plain_idioms("Who took over X?") == "Who acquired X?"
    assert plain_idioms("which went under the hammer at X") == "which sold at auction at X"
    assert plain_idioms("Who is IN CHARGE OF X?") == "Who is heads X?"
    assert plain_idioms("Where was X put on?") == "Where was X put on (staged)?"
    assert plain_idioms("When did X go bust?") == "When did X closed (dissolved, wound up)?"
    assert plain_idioms("the parent company of X") == "the parent (owner) company of X"
    assert plain_idioms("What took the place of X?") == "What replaced X?"
    assert plain_idioms("Which lines sail both to X and to Y?") == "Which lines sail both to X and to Y?"
    assert plain_idioms("Which airlines fly both to X?") == "Which airlines fly both arriving at X?"
    # words that are no idiom stay
    assert plain_idioms("Who took the photograph of X?") == "Who took the photograph of X?"


def test_everyday_words_for_relations() -> None:
    assert stem("head") in paraphrases(stem("runs"))
    assert stem("supersede") in paraphrases(stem("replaced"))
    assert stem("lend") == stem("lent") and stem("loan") in paraphrases(stem("lent"))
    assert stem("overhaul") in paraphrases(stem("maintenance"))
    # "lead" keeps its own words: "runs" is no "leads the crew"
    assert stem("lead") not in paraphrases(stem("run"))
    # "partner" may name a spouse one way: "married" names no business partner
    assert stem("married") in names_of(stem("partner")) and stem("partner") not in names_of(stem("married"))
    assert role_nouns("wholly_owned_by") == role_nouns("owned_by") == ("owner", "subsidiary")
    assert type_labels("carrier", ["Airline", "Airport"]) == {"Airline"}
    # a member may be a person, a body or a farm: no type; a label that says "member" is what it names
    assert type_labels("member", ["Airline", "Person", "Airport"]) == set()
    assert type_labels("member", ["Member", "Person"]) == {"Member"}
    assert stem("hub") not in paraphrases(stem("headquartered"))
    assert stem("controlled") == stem("control") and stem("control") in paraphrases(stem("own"))
    assert stem("called") == "call" and stem("enrolled") == stem("enroll")
    assert stem("audited") in paraphrases(stem("inspects")) and stem("enrol") in paraphrases(stem("members"))
    assert stem("lecture") in paraphrases(stem("taught"))
    # a prize X won "went to" X, one way
    assert stem("went") in names_of(stem("won")) and stem("won") not in names_of(stem("went"))
    assert plain_idioms("Which beers come out of X?") == "Which beers made at X?"


def test_what_before_a_past_verb_is_no_type() -> None:
    assert analyse("What replaced X?", ["X"], ["X"]).answer_type == ""
    assert analyse("What took X's place?", ["X"], ["X"]).answer_type == ""
    assert analyse("What speed does X reach?", ["X"], ["X"]).answer_type == "speed"


def test_the_size_of_a_collective_is_a_count() -> None:
    assert analyse("How big is X's fleet?", ["X"], ["X"]).form == "count"
    assert analyse("How large is the collection of X?", ["X"], ["X"]).form == "count"
    assert analyse("How big is X?", ["X"], ["X"]).form == "single"


def test_the_doer_of_a_by_relation_is_an_agent() -> None:
    lark, keel = Node("Sea Lark"), Node("Keel Capital")
    forwards = Path((lark, keel), (Edge("Sea Lark", "held_by", "Keel Capital"),))
    backwards = Path((keel, lark), (Edge("Sea Lark", "held_by", "Keel Capital"),))
    assert agent_step(forwards) and not agent_step(backwards)
    assert not agent_step(Path((lark, keel), (Edge("Sea Lark", "in_fleet_of", "Keel Capital"),)))


def test_a_possessive_names_the_answer_not_the_thing_it_owns() -> None:
    brands = analyse("Which brands' products are made at X?", ["X"], ["X"])
    assert (brands.answer_type, brands.form) == ("brand", "list")
    assert analyse("Which company's CEO was born in X?", ["X"], ["X"]).answer_type == "company"
    assert analyse("Which products are made at X?", ["X"], ["X"]).answer_type == "product"


def test_a_name_that_is_the_type_word_alone_is_the_kind_not_one_of_them() -> None:
    from kgreason.fusion.forms import _names_kind

    # "Which apples ...": a final named "2017 Cup Final" is a final, the crop named "Apple" no apple
    assert _names_kind("2017 Cup Final", stem("final")) and _names_kind("Ashcombe Apple", stem("apples"))
    assert not _names_kind("Apple", stem("apples"))

"""Irregular plurals, "looks after", ordinal words, cuts said twice, people by role, and label words.

- "genera", "taxa", "women" are the plurals of "genus", "taxon", "woman": "Which genera make up the
  family X?" asks for ``Genus`` nodes, and the type is not "genera make".
- To "look after" a reserve is to manage it (``managed_by``).
- "first" says when, not what: "In what year was X first described?" is ``desc_yr``, not a
  ``first_recorded_in`` step; and a path with a step the question does not name scores below the best
  one-step path the question names that leaves no more of it unexplained.
- A cut is written after every question word it shortens: "Who supervised X's supervisor?" names
  ``sup_by`` twice, and the answer supervised the supervisor (``path_shapes.voice`` reads the cut).
- "merged twice over": the relation the word before names, walked twice; a statement before the clause
  that asks ("...; who chairs ...?") leaves the type to that clause.
- A noun of an action names its verb's relation ("description": ``describes``), and "based" names a
  relation of location (``loc``) as well as ``based_in``.
- Rangers, wardens and taxonomists are people: "who" asks for them too.
- A word that names a label ("funder" ~ ``Funder``) earns only the steps into that label, not one its verb
  names (``funds``): the grant's funder is who gave it, not the sponsor of what it paid for.
- "sister" and "brother" name a ``sibling_of`` relation, which holds both ways (``forms.merge_symmetric``:
  stored one way, X's siblings are on both sides of it); "aunt" and "uncle" a parent step and a sibling
  step ("X's aunt": the parent first), "niece" and "nephew" a sibling and a child step, "cousin" all
  three.

The small graph here lacks the competing paths of the graphs these came from (Canopy's dev half), so
"first described", the funder and the sister are right on 8c8b217 too (``KEPT``); ``test_words`` checks
the rules behind them.

On commit 8c8b217 both path strategies answered each of ``FIXED`` wrongly (or not at all); ``KEPT`` was
right before and stays right.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.question import analyse
from kgreason.fusion.relation_words import label_synonyms, paraphrases, stem
from kgreason.fusion.retrieve.relation_paths import PathScorer, question_mentions

ROWS = """\
id,labels
Carexaceae,TaxonFamily
Sorexidae,TaxonFamily
Carexa,Genus
Juncella,Genus
Sorexa,Genus
Carexa borealis,Species
Carexa palustris,Species
Juncella maritima,Species
Sorexa minor,Species
Sorexa major,Species
Ormsby Warren,Reserve
Kelder Heath,Reserve
Parks Authority,Agency
Heath Trust,Charity
Rowan Thistle,Researcher
Nora Orm,Researcher
Ralph Orm,Researcher
Gwen West,Researcher
Josiah March,Person
Colin March,Ranger
March Zoo,Zoo
March Fund,Funder
Travel Grant,Grant
Orrin Expedition,Expedition
Tarn Society,Charity
Orrinport,Town
Thornhaven,Town
Beatrice Thistle,Person
Arthur Thistle,Person
Gilbert Thistle,Person
Ivy Thistle,Person
Mabel Thistle,Person
Greyfen Society,Charity
Saltfen Trust,Charity
Wildlife Trust,Charity
Hazel March,Person
Bea Salt,Person
Orchid Paper,Paper
Field Journal,Journal
Kessford University,University
Kessford,Town
1878,Year
1867,Year
1901,Year
"""
TRIPLES = """\
Carexa\tfam\tCarexaceae
Juncella\tfam\tCarexaceae
Sorexa\tfam\tSorexidae
Carexa borealis\tgen\tCarexa
Carexa palustris\tgen\tCarexa
Juncella maritima\tgen\tJuncella
Sorexa minor\tgen\tSorexa
Sorexa major\tgen\tSorexa
Carexa borealis\toccurs_in\tOrmsby Warren
Juncella maritima\toccurs_in\tKelder Heath
Ormsby Warren\tmanaged_by\tParks Authority
Kelder Heath\tmanaged_by\tHeath Trust
Carexa borealis\tdesc_by\tRowan Thistle
Carexa borealis\tdesc_yr\t1878
Carexa borealis\tfirst_recorded_in\tKelder Heath
Rowan Thistle\tfounded\tTarn Society
Tarn Society\testd\t1867
Juncella maritima\tdesc_by\tNora Orm
Juncella maritima\tdesc_yr\t1901
Rowan Thistle\tsup_by\tNora Orm
Nora Orm\tsup_by\tRalph Orm
Gwen West\tsup_by\tNora Orm
Josiah March\tfounded\tMarch Zoo
Colin March\tdirects\tMarch Zoo
Josiah March\tchairs\tHeath Trust
Travel Grant\tgvn_by\tMarch Fund
Travel Grant\tfunds\tOrrin Expedition
Orrin Expedition\tspons\tTarn Society
March Fund\tbased_in\tOrrinport
Tarn Society\tbased_in\tThornhaven
Heath Trust\tbased_in\tThornhaven
Beatrice Thistle\tsibling_of\tArthur Thistle
Rowan Thistle\tchild_of\tArthur Thistle
Gilbert Thistle\tchild_of\tArthur Thistle
Ivy Thistle\tchild_of\tGilbert Thistle
Arthur Thistle\tsibling_of\tMabel Thistle
Beatrice Thistle\tsibling_of\tMabel Thistle
Greyfen Society\tmerged_into\tSaltfen Trust
Saltfen Trust\tmerged_into\tWildlife Trust
Wildlife Trust\tchaired_by\tHazel March
Saltfen Trust\tchaired_by\tBea Salt
Greyfen Society\tbased_in\tThornhaven
Orchid Paper\tdescribes\tJuncella maritima
Orchid Paper\tpublished_in\tField Journal
Field Journal\tbased_in\tOrrinport
Nora Orm\tfounded\tGreyfen Society
Nora Orm\talum\tKessford University
Kessford University\tloc\tKessford
Pell & Finch\tfndr\tAugustin Pellor
Felix Quill\tassoc_at\tPell & Finch
Gilda Holm\tassoc_at\tPell & Finch
Felix Quill\tcalled_to\tArvenian Bar Association
Augustin Pellor\tcalled_to\tArvenian Bar Association
Tolland Trophy\tnamed_for\tEdvard Toll
Elias Toll\twon\tTolland Trophy
"""
Answers = Callable[[kgreason.Graph, str, str, object], None]
FIXED = [
    ("Which genera make up the family Carexaceae?", {"Carexa", "Juncella"}),
    ("How many genera are there in the Sorexidae?", "1"),
    ("Which body looks after Ormsby Warren?", {"Parks Authority"}),
    ("Who supervised Rowan Thistle's supervisor?", {"Ralph Orm"}),
    ("Who is the director of the zoo Josiah March founded?", {"Colin March"}),
    ("Is Beatrice Thistle an aunt of Gilbert Thistle?", "yes"),
    ("Who are Gilbert Thistle's aunts?", {"Beatrice Thistle", "Mabel Thistle"}),
    ("Who are Arthur Thistle's siblings?", {"Beatrice Thistle", "Mabel Thistle"}),
    ("The Greyfen Society merged twice over; who chairs the charity it ended up in?", {"Hazel March"}),
    ("Where is the university based that trained the describer of Juncella maritima?", {"Kessford"}),
]
KEPT = [
    ("Where is the journal based that published the description of Juncella maritima?", {"Orrinport"}),
    ("Who is Mabel Thistle's sister?", {"Beatrice Thistle", "Arthur Thistle"}),
    ("Where is the funder of the Travel Grant headquartered?", {"Orrinport"}),
    ("In what year was Carexa borealis first described?", {"1878"}),
    ("Which species are in the genus Sorexa?", {"Sorexa minor", "Sorexa major"}),
    ("Is Beatrice Thistle an aunt of Ivy Thistle?", "no"),
    # an "-ation" noun stays a thing ("association" is no "associate"), and a verb's form no label word
    # ("awarded" names the award relations, though ``Award`` is a label): each broke a question of the
    # used dev halves on the way (``test_words`` checks the rules)
    ("Who are the associates at the firm Augustin Pellor founded?", {"Felix Quill", "Gilda Holm"}),
    ("Was the Tolland Trophy ever awarded to Edvard Toll?", "no"),
    ("Was the Tolland Trophy ever awarded to Elias Toll?", "yes"),
    ("Who described Juncella maritima?", {"Nora Orm"}),
    ("Who supervised Rowan Thistle?", {"Nora Orm"}),
    ("Which reserves does the Heath Trust manage?", {"Kelder Heath"}),
]


def test_words() -> None:
    assert analyse("Which genera make up the family X?", ["X"], ["X"]).answer_type == "genus"
    assert stem("genera") == stem("genus") and stem("women") == stem("woman")
    assert stem("description") == stem("describes") and stem("station") != stem("state")
    assert stem("association") != stem("associates")
    # an accident is an ``Incident`` (Ember's e117 lost its 3-hop path to the cap on unnamed hops)
    assert "accident" in label_synonyms("incident")
    assert stem("manage") in paraphrases(stem("look")) and stem("sibling") in paraphrases(stem("sister"))
    # "first" says when, not what
    steps = {
        ("desc_yr", "out"): ({"Species"}, {"Year"}),
        ("first_recorded_in", "out"): ({"Species"}, {"Reserve"}),
    }
    said = question_mentions("In what year was X first described?", steps)
    assert all("first_recorded_in" not in named for _, named in said)
    # "funder" names the label, and earns the step into it, not the grant's ``funds`` step
    steps = {
        ("gvn_by", "out"): ({"Grant"}, {"Funder"}),
        ("funds", "out"): ({"Grant"}, {"Expedition"}),
        ("based_in", "out"): ({"Funder"}, {"Town"}),
    }
    earned = PathScorer(None).earned("Where is the funder of X headquartered?", steps)
    assert ("gvn_by", "out") in earned and ("funds", "out") not in earned
    # a verb's form is no label word: "awarded" earns the winning step though ``Award`` is a label
    steps = {("won", "in"): ({"Award"}, {"Person"}), ("named_for", "out"): ({"Award"}, {"Person"})}
    assert ("won", "in") in PathScorer(None).earned("Was the X ever awarded to Y?", steps)


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("nature", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_nature_words(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("nature", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED:
            answers(g, strategy, question, expected)

"""Words of dogs, breeders and their magazines: rules from Kennel's dev half.

- An animal's parents as breeders name them: ``X sire Y`` holds X's father at its tail, ``X dam Y`` its
  mother; "pups" and "offspring" read them backwards (``ROLE_NOUNS``).
- A relation named "learned under" has a teacher at its tail: "who taught X's teacher?" walks it twice.
- "Who is the father of X?", X a dog: a reading whose every step is named and whose last step reaches
  someone's kin answers "who" whatever its label.
- Idioms: whoever "put money into" a show funded it; a firm "sold to" another was bought by it (passive
  only: a company "sells" its products); an animal's "breeder" bred it; firms that "came together to form"
  another merged into it; whoever "contributes a regular piece" to a magazine has a column in it;
  whoever is "in the editor's chair" at it edits it; a body's "rebrand" is its renaming.
- Places: "In which region is X?", X a thing that is no place, walks up from X by the relation that puts
  it at a place (``kn_at``, a kennel's village) and on up the containment; ``district_of`` (an area's
  word and "of") is containment.

On the engine before these rules (ae63e34) at least one of the two path strategies (most often both)
answered each of ``FIXED`` wrongly; ``KEPT`` was right and stays right.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason
from kgreason.fusion.relation_words import paraphrases, plain_idioms, role_nouns, stem
from kgreason.fusion.retrieve.path_shapes import contains

ROWS = """\
id,labels
Northern Light,Dog
Lodestar,Dog
Silver Bell,Dog
Kingfisher,Dog
Compass,Dog
Wren,Dog
Flicker,Dog
Heather,Dog
Border Collie,Breed
Whippet,Breed
Cecily Fenn,Person
Arthur Fenn,Person
Mabel Cole,Person
Petra Gull,Person
Felix Fenn,Person
Ida Penn,Person
George Orme,Person
Lydia Fenn,Person
Tess Orme,Person
Vera Ormerod,Person
Jethro Field,Person
Ulric Nay,Person
Spring Show,Show
Autumn Show,Show
Gundog Show,Show
Fenn Kennels,Kennel
Cole Kennels,Kennel
The Kennel Lantern,Magazine
Working Dog Quarterly,Magazine
Pinholt Biscuits,Company
Wyndle Meats,Company
Pinwyn Foods,Company
Brindle Petfoods,Company
Brindlewood Nutrition,Company
Fenn Green,Village
Upper Cran,County
Cranholt,Region
Aldercy,Country
Old Town,District
Saltreach,Town
Gull Street,Street
"""
TRIPLES = """\
Northern Light\tsire\tLodestar
Northern Light\tdam\tSilver Bell
Northern Light\tbred_by\tCecily Fenn
Northern Light\tbrd\tBorder Collie
Lodestar\tbred_by\tArthur Fenn
Lodestar\tsire\tKingfisher
Silver Bell\tbred_by\tMabel Cole
Silver Bell\tdam\tHeather
Silver Bell\thndl\tPetra Gull
Heather\tbrd\tWhippet
Compass\tsire\tKingfisher
Wren\tsire\tKingfisher
Flicker\tsire\tKingfisher
Compass\tbred_by\tCecily Fenn
Kingfisher\tbred_by\tArthur Fenn
Arthur Fenn\tchild_of\tMabel Cole
Cecily Fenn\tchild_of\tArthur Fenn
Felix Fenn\tlearned_under\tIda Penn
Ida Penn\tlearned_under\tGeorge Orme
Felix Fenn\tchild_of\tCecily Fenn
Lydia Fenn\tclmn\tThe Kennel Lantern
Tess Orme\tclmn\tWorking Dog Quarterly
Felix Fenn\tclmn\tWorking Dog Quarterly
The Kennel Lantern\tedited_by\tVera Ormerod
Working Dog Quarterly\tedited_by\tJethro Field
Pinholt Biscuits\tmerged_into\tPinwyn Foods
Wyndle Meats\tmerged_into\tPinwyn Foods
Brindle Petfoods\trenamed_to\tBrindlewood Nutrition
Pinwyn Foods\tacquired_by\tBrindle Petfoods
Fenn Kennels\tkn_at\tFenn Green
Fenn Kennels\townr\tCecily Fenn
Cole Kennels\tkn_at\tFenn Green
Fenn Green\tcnty\tUpper Cran
Upper Cran\trgn\tCranholt
Cranholt\tctry\tAldercy
Old Town\tdistrict_of\tSaltreach
Saltreach\tcnty\tUpper Cran
Gull Street\trd_in\tOld Town
Brindle Petfoods\tfndr\tUlric Nay
Pinwyn Foods\tfndr\tJethro Field
Spring Show\tspons\tBrindle Petfoods
Autumn Show\tspons\tBrindle Petfoods
Gundog Show\tspons\tPinwyn Foods
Spring Show\tvnu\tFenn Green
"""
FIXED = [
    ("Who is the father of Northern Light?", {"Lodestar"}),
    ("How many shows has Brindle Petfoods put money into?", "2"),
    ("Who founded the company that Pinwyn Foods was sold to?", {"Ulric Nay"}),
    ("Which dog is the father of Northern Light?", {"Lodestar"}),
    ("Who handles Northern Light's mother?", {"Petra Gull"}),
    ("What breed is Northern Light's mother's mother?", {"Whippet"}),
    ("How many pups did Kingfisher father?", "4"),
    ("Who contributes a regular piece to Working Dog Quarterly?", {"Tess Orme", "Felix Fenn"}),
    ("who taught felix fenn's teacher?", {"George Orme"}),
    ("In which region is Fenn Kennels?", {"Cranholt"}),
]
KEPT = [
    ("Who was the breeder of Northern Light's father?", {"Arthur Fenn"}),
    ("Which two firms came together to form Pinwyn Foods?", {"Pinholt Biscuits", "Wyndle Meats"}),
    (
        "Who is in the editor's chair at the magazine Lydia Fenn contributes regular pieces to?",
        {"Vera Ormerod"},
    ),
    ("Who bred Lodestar?", {"Arthur Fenn"}),
    ("Who edits The Kennel Lantern?", {"Vera Ormerod"}),
    ("Which company bought Pinwyn Foods?", {"Brindle Petfoods"}),
    ("Who did Felix Fenn learn under?", {"Ida Penn"}),
]

Answers = Callable[[kgreason.Graph, str, str, object], None]


def test_words() -> None:
    assert role_nouns("sire") is not None and "father" in role_nouns("sire")[0].split()
    assert role_nouns("dam") is not None and "pup" in role_nouns("dam")[1].split()
    assert plain_idioms("Which firms came together to form X?") == "Which firms merged into X?"
    assert plain_idioms("Who contributes a regular piece to X?") == "Who has a column in X?"
    assert plain_idioms("Who sits in the editor's chair at X?") == "Who edits X?"
    assert stem("rebrand") in paraphrases(stem("rename"))
    assert plain_idioms("the firm that X was sold to") == "the firm that X was acquired by"
    assert plain_idioms("What does X sell to farmers?") == "What does X sell to farmers?"
    assert contains("district_of") and not contains("capital_of")


@pytest.fixture(scope="module")
def graph(small_graph: Callable[[str, str, str], kgreason.Graph]) -> kgreason.Graph:
    return small_graph("dogs", ROWS, TRIPLES)


@pytest.mark.parametrize("strategy", ["retrieve", "explore"])
def test_dog_words(graph: kgreason.Graph, strategy: str, answers: Answers) -> None:
    for question, expected in [*FIXED, *KEPT]:
        answers(graph, strategy, question, expected)


def test_on_neo4j(neo4j_graph: Callable[[str, str, str], kgreason.Graph], answers: Answers) -> None:
    g = neo4j_graph("dogs", ROWS, TRIPLES)
    for strategy in ("retrieve", "explore"):
        for question, expected in FIXED[::3]:
            answers(g, strategy, question, expected)

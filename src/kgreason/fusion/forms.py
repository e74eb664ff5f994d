"""From ranked relation paths to an answer of the form the question asks for.

A strategy ranks *readings* — one relation signature walked from one named entity (an *anchor*), with
the end nodes it reaches — and ``resolve`` turns them into what the question wants (``question.py``):

- ``single`` / ``list``: the ends of the best reading. When the question names the answer's type
  ("which city") and a reading close to the best reaches nodes of that type, that reading wins, and
  only ends of that type are asserted.
- ``constraint`` (two or more anchors): the best pair of readings, one from each of two anchors, whose
  ends meet; the answer is the intersection, narrowed by each further anchor's shortest reading that
  keeps some of it. With a named type and no meeting pair of close readings, any one-step reading of
  either anchor that meets the other's close readings at that type; with none at all it falls back to
  the best single anchor.
- ``count``: the answer set of the ``list`` rule, counted; the counted entities are the answers.
- ``yes_no``: "yes" when the best reading from one anchor reaches the other (that path is the evidence),
  unless it walks a step the question does not name (read with the other's name out of the way too)
  and a one-step reading it names reaches others of the other's kind; "no" otherwise (the explored ends
  are the evidence that the other is not among them). When no reading matches the question well
  enough, "yes" if an edge links the two named entities directly (the question
  asks about that link in other words than the graph's), else an abstention; ``by_absence`` then turns
  that abstention into "no" where the graph links the two by no path of three steps or fewer.
- Abstention: no reading at all, a best reading scoring below ``abstain_below`` (below the lower
  ``typed_abstain_below`` when the question names the answer's type and that reading reaches it, or
  two anchors' readings meet at it or at the kind a named entity says, ``QuestionAnalysis.kind_named``),
  unless it misses the named type and one of the ``TYPED_READINGS`` best reaches it scoring at least
  ``typed_abstain_below`` (that one answers),
  or a question naming a type that none of the readings reaches (a date for "when", an amount for "how
  much"), or one whose wh-word alone implies a type that the best reading misses while none of the
  ``TYPED_READINGS`` best that reaches it scores ``typed_abstain_below``.
  The closest candidates are still returned.

Readings are store-agnostic: both the retrieve strategy (relation signatures ranked from the schema) and
multihop exploration (beams) produce them.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from pydantic import Field
from rapidfuzz.distance import OSA

from kgreason.fusion.base import StrategyOptions
from kgreason.fusion.question import AMOUNT, QuestionAnalysis
from kgreason.fusion.relation_words import KIN_NOUNS, humanize, label_synonyms, role_nouns, shortens, stem
from kgreason.fusion.spelling import MIN_LETTERS, encoder_vocabulary
from kgreason.graph.store import BOOKKEEPING_LABELS
from kgreason.types import Edge, Node, Path

Signature = tuple[tuple[str, str], ...]
"""((relation, "out"|"in"), ...), as in ``retrieve.relation_paths``."""


@dataclass
class Reading:
    """One relation signature walked from one anchor: its score and a path to each end it reaches."""

    anchor: str
    signature: Signature
    score: float
    ends: dict[str, Path]
    text: str = ""
    unearned: int = 0
    """Steps that the question does not name (``PathScorer.unearned``)."""
    cue: float = 0.0
    """The voice around the anchor's mention on the first step (``path_shapes.voice``): below zero, the
    question reads the relation the other way ("Was Y influenced by X?" from X: ``influenced_by``
    forwards is against it)."""
    missed: int = 0
    """Words of the question naming a relation that the reading does not walk (``PathScorer.missed``)."""
    unexplained: int = 0
    """Words of the question naming a relation or a label that the reading leaves unexplained
    (``PathScorer.unexplained``: ``missed`` and the labels it does not pass through)."""
    set_back: float = 0.0
    """What ``on_the_way`` took off the score to order the readings; added back where the score says how
    well anything matches the question (``abstain_below``)."""


@dataclass(frozen=True)
class FormSettings:
    """Margins of the rules in the module docstring (all in relation-score units)."""

    type_margin: float = 0.12
    """A reading reaching the expected type may be this far below the best and still win."""
    weak_type_margin: float = 0.04
    """The same for a type only implied by the wh-word ("who", "where")."""
    pair_margin: float = 0.25
    """Constraint pairs are formed from readings this close to each anchor's best."""
    pair_k: int = 6
    """...and at most this many readings per anchor."""
    yes_margin: float = 0.1
    """Yes/no: a reading this close to the best that reaches the other entity answers "yes"."""
    abstain_below: float = -1.0
    """Abstain when the best reading scores below this (the default never abstains on score)..."""
    typed_abstain_below: float = -1.0
    """...or, when the question names the answer's type and the best reading reaches it, below this."""


@dataclass(frozen=True)
class PathScoreSettings:
    """The weights of ``PathScorer``'s rule (``kgreason.fusion.retrieve.relation_paths``)."""

    lexical_weight: float = 0.1
    hop_penalty: float = 0.08
    round_trip_penalty: float = 0.1
    inverse_penalty: float = 0.0
    earn_similarity: float = 0.5
    """A question word at least this close (MiniLM cosine) to a relation's words names that step."""
    shape_weight: float = 0.15
    """Added (or subtracted) per path-shape cue the signature fits (or misses): ``path_shapes``."""
    uncovered_weight: float = 0.0
    """Subtracted per question word naming a relation or label of the graph that the path does not walk."""


class ReadingOptions(StrategyOptions):
    """The options every strategy that answers from readings shares: how relation paths are scored
    (``PathScorer``) and how ``resolve`` turns them into an answer."""

    lexical_weight: float = Field(0.05, ge=0, description="Weight of word overlap next to embeddings.")
    hop_penalty: float = Field(0.08, ge=0, description="Subtracted per hop that the question does not name.")
    inverse_penalty: float = Field(0.0, ge=0, description="Subtracted per step taken against the edge.")
    earn_similarity: float = Field(
        1.0, ge=0, le=1, description="A question word this close to a relation's words names that hop."
    )
    round_trip_penalty: float = Field(
        0.1, ge=0, description="Subtracted for a step straight back along the relation just followed."
    )
    shape_weight: float = Field(
        0.15,
        ge=0,
        description="Added when a word names the path's whole shape (grandparents, colleagues).",
    )
    uncovered_weight: float = Field(
        0.1,
        ge=0,
        description="Subtracted per question word naming a relation or label the path does not walk.",
    )
    type_margin: float = Field(
        0.12, ge=0, description="A path reaching the asked-for type may score this much below the best."
    )
    weak_type_margin: float = Field(
        0.04, ge=0, description="The same when the type is only implied by the wh-word (who, where)."
    )
    abstain_below: float = Field(
        0.42, description="Say 'not found' when the best relation path scores below this."
    )
    typed_abstain_below: float = Field(
        0.3,
        description="The same when the question names the answer's type and that path reaches it.",
    )
    token_budget: int = Field(1000, ge=50, description="Evidence tokens kept (estimated).")
    words: str = Field(
        "",
        description="A wording file (relation<TAB>how people say it) to read the graph's relations by, "
        "instead of the one `kgr graph words` saved.",
    )

    def path_settings(self, lexical_weight: float | None = None) -> PathScoreSettings:
        """The weights ``PathScorer`` uses (``lexical_weight`` overrides the option's)."""
        return PathScoreSettings(
            lexical_weight=self.lexical_weight if lexical_weight is None else lexical_weight,
            hop_penalty=self.hop_penalty,
            round_trip_penalty=self.round_trip_penalty,
            inverse_penalty=self.inverse_penalty,
            earn_similarity=self.earn_similarity,
            shape_weight=self.shape_weight,
            uncovered_weight=self.uncovered_weight,
        )

    def form_settings(self) -> FormSettings:
        """The margins ``resolve`` uses."""
        return FormSettings(
            type_margin=self.type_margin,
            weak_type_margin=self.weak_type_margin,
            abstain_below=self.abstain_below,
            typed_abstain_below=min(self.typed_abstain_below, self.abstain_below),
        )


@dataclass
class Resolution:
    """What ``resolve`` decided: asserted answers, a literal value, or an abstention, with the readings
    behind them (evidence order) and a note for the trace."""

    answers: list[str] = field(default_factory=list)
    value: str | None = None
    abstained: str | None = None
    form: str = "single"
    chosen: list[Reading] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    note: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """What goes into the ``resolve`` step of an answer's trace."""
        return {
            "form": self.form,
            "answers": self.answers[:20],
            "value": self.value,
            "abstained": self.abstained,
            **self.note,
        }


TypeCheck = Callable[[Path], bool]
"""Whether a path's end node has the expected answer type."""


_GENERIC = frozenset({"entity", "node", "thing", "resource", ""})
PLACE_WORDS = frozenset(
    "place city town village country state region province county location area district capital "
    "continent island municipality venue site mountain".split()
)
DATE_WORDS = frozenset("date year day month time decade century".split())
AMOUNT_WORDS = frozenset(
    "amount price cost fee fare money sum revenue turnover income profit budget salary wage fortune".split()
)
"""Words of labels whose nodes are amounts of money whatever their names say (a ``Distance`` is no amount:
its nodes are classes of race, "Mile", "Sprint"; a figure's name says it)."""
_AMOUNT_NAME = re.compile(r"^[£$€¥]?\s?\d[\d,.]*\s?(?:%|[a-z]{1,8}\.?)?(?:\s[a-z]{1,8})?$", re.IGNORECASE)
"""A figure, as a node's name: "1,200", "£2.4m", "350 hp", "3.5 million", "15%"."""
# Labels that name kinds of people, and head nouns that name people by a role ("which of X's students"):
# a question asking for a person is answered by nodes with one of these labels when none says "person".
PERSON_WORDS = frozenset(
    "person people human individual scientist researcher scholar academic author writer poet journalist "
    "actor actress director producer player athlete coach employee worker staff doctor physician surgeon "
    "nurse patient politician musician singer artist painter composer member student teacher professor "
    "lecturer supervisor adviser advisor mentor winner laureate founder investor engineer character "
    "user customer client officer executive ceo manager judge justice magistrate lawyer attorney "
    "minister senator mp mayor governor president chancellor premier diplomat ambassador official "
    "pilot driver soldier priest chef farmer teacher candidate leader chair chairman chairwoman "
    "speaker spokesperson representative deputy sculptor photographer architect critic curator collector "
    "restorer conservator illustrator designer dancer pianist violinist guitarist drummer cellist "
    "rower cyclist referee footballer goalkeeper astronaut cosmonaut commander explorer inventor "
    "entrepreneur astronomer physicist chemist biologist mathematician historian philosopher "
    "economist ranger warden taxonomist naturalist botanist zoologist ecologist ornithologist "
    "entomologist geologist trustee volunteer midwife pharmacist epidemiologist dentist paramedic therapist "
    "psychiatrist pathologist radiologist anaesthetist anesthetist obstetrician paediatrician pediatrician "
    "matron dean benefactor philanthropist patron donor noble nobleman noblewoman aristocrat monarch "
    "courtier cleric clergyman knight rider jockey trainer apprentice steward climber mountaineer".split()
)

# Labels that name kinds of organisation: "which organisation/institution/body ..." is answered by nodes
# with one of these labels when no label is called that.
ORGANISATION_WORDS = frozenset(
    "organisation organization institution body company firm business corporation enterprise startup "
    "institute university college school academy hospital clinic lab laboratory funder foundation trust "
    "fund charity agency ministry department authority council commission committee court parliament "
    "chamber party union association society federation league club team band label publisher "
    "newspaper journal broadcaster bank operator government regulator sponsor manufacturer museum "
    "gallery auctioneer studio airline carrier alliance maker supplier caterer lessor contractor provider "
    "distributor wholesaler printer chain group conglomerate directorate observatory utility insurer "
    "reinsurer board inspectorate".split()
)
# Nouns that say a relation, not a kind: what they name is whatever the relation reaches
_RELATIONAL_TYPES = frozenset("member subsidiary affiliate".split())
_ORGANISATION_TYPES = frozenset("organisation organization institution body entity group authority".split())
# A company in everyday speech is any business: "Which company operates X?" may be answered by a utility,
# an airline or a bank when no label is called "company" itself
_COMPANY_TYPES = frozenset("company firm business corporation enterprise".split())
_BUSINESS_WORDS = frozenset(
    "company firm business corporation enterprise startup bank operator publisher broadcaster airline "
    "carrier manufacturer maker supplier contractor provider distributor wholesaler retailer caterer lessor "
    "utility insurer reinsurer conglomerate vendor group practice partnership consultancy".split()
)
# heads a label's one word may be glued from ("carmaker", "shipbuilder", "winemaker")
_GLUED_HEADS = frozenset("maker builder manufacturer company group".split())


def _glued(word: str, head: str) -> bool:
    """Whether ``word`` is ``head`` glued to a word of three letters or more before it."""
    return word.endswith(head) and len(word) >= len(head) + 3


MISSED_HOPS = 1.5
"""What a relation word of the question that a constraint pair leaves unwalked weighs, in steps."""
TYPED_READINGS = 16
"""How many of an entity's best readings a named type is looked for in, beyond the margins."""
AGENT = "agent"
"""The type "who" asks for (``wanted_type``): a person or an organisation."""


SITE = "site"
"""The type "where" asks for (``wanted_type``): a place, a building or venue, or an organisation."""
_SITE_WORDS = frozenset(
    "building stadium arena hall ground venue park station theatre theater house church palace tower "
    "studio campus airport airfield terminal hangar lounge port harbour harbor dock yard factory plant "
    "base office mill brewery winery dairy cidery distillery bakery refinery foundry workshop farm vineyard "
    "orchard estate mine quarry observatory attraction landmark monument chapel cathedral abbey priory "
    "monastery convent temple shrine castle fortress fort manor cemetery graveyard tomb crypt".split()
)


def place_like(label: str) -> bool:
    """Whether a label names a kind of place or site (``City``, ``Airport``, ``TrainingGround``), by its
    words; not a lab or a company, which hold people without being where things are."""
    return bool(set(humanize(label).split()) & (PLACE_WORDS | _SITE_WORDS))


def wanted_type(analysis: QuestionAnalysis) -> str:
    """The type to check answers against: the analysed one, but a person only implied by "who" is any
    agent, a person or an organisation ("Who sponsors X?"), and a place only implied by "where" any
    site, a place, a building or an organisation ("Where did X study?": an academy)."""
    if analysis.answer_type == "person" and not analysis.strong_type:
        return AGENT
    if analysis.answer_type == "place" and not analysis.strong_type:
        return SITE
    return analysis.answer_type


# A work of art or craft ("Which works were on show?", "How many artworks does X hold?"), or a picture:
# the labels that are kinds of one, when no label says the word itself
_WORK_TYPES = frozenset("work artwork piece creation".split())
_WORK_WORDS = frozenset(
    "painting sculpture photograph drawing print engraving etching fresco mural statue picture canvas "
    "artwork installation tapestry book novel poem film movie album song record recording play opera "
    "symphony composition".split()
)
_PICTURE_TYPES = frozenset("picture image".split())
_PICTURE_WORDS = frozenset(
    "painting photograph photo drawing print engraving etching fresco mural canvas".split()
)
# A building ("In which building is X housed?") or any built structure, when no label says the word itself:
# the labels that are kinds of one
_BUILDING_WORDS = frozenset(
    "hall station theatre theater house church cathedral chapel abbey temple mosque synagogue palace "
    "castle tower library factory mill warehouse museum gallery stadium arena terminal hangar lighthouse "
    "hospital hotel office skyscraper villa mansion cottage barn".split()
)
_BUILDING_TYPES = {
    "building": _BUILDING_WORDS,
    "edifice": _BUILDING_WORDS,
    "structure": _BUILDING_WORDS | frozenset("bridge viaduct aqueduct dam tunnel pier".split()),
}


# Types answered by kinds of label (a person's roles, an organisation's kinds, places, dates, sites, agents)
_KIND_TYPES = frozenset(("person", "place", "date", SITE, AGENT)) | PERSON_WORDS | _ORGANISATION_TYPES


def type_labels(
    answer_type: str,
    labels: Sequence[str],
    similarity: Callable[[str, list[str]], list[float]] | None = None,
    threshold: float = 0.6,
    modifier: str = "",
    kinds: bool = True,
    businesses: bool = False,
    roles: frozenset[str] = frozenset(),
    people: Collection[str] = (),
) -> set[str]:
    """The graph labels that an expected answer type names (empty: none, so no type filtering).

    A label matches when the type is its head word ("city" ~ ``City``, ``HomeCity``; "port" is no
    ``PortAuthority``), when the type is
    ``place``/``date`` and the label is a kind of place/date, when the type is a person (or a person's
    role, "student") that no label names and the label is a kind of person (``Scientist``), when the type
    is "organisation" (or "institution", "body") that no label names and the label is a kind of
    organisation (``Funder``, ``Company``, ``Institute``), when the type is "building" (or "structure")
    that no label names and the label is a kind of one (``Hall``, ``Church``; a ``Bridge`` is a
    structure), when the type is "company" (or "firm", "business") that no label is called alone and
    the label is a kind of business (``Utility``, ``Airline``, ``MiningCompany``; a ``Practice``), when
    the type is a "work" ("artwork", "piece") or a "picture" that no label names and the label is a
    kind of one (``Painting``, ``Sculpture``, ``Album``; ``Painting``, ``Photograph``), or when
    ``similarity`` (a sentence-encoder cosine) puts them at least ``threshold`` apart ("film" ~ ``Movie``),
    unless the type is a role one of ``roles`` (the words of the graph's relation names) says or cuts
    short: "exhibitors" of ``exh_at`` are whatever exhibits, not a ``Museum`` alike in meaning.
    ``people``: labels the graph shows to hold people whatever their words say (``people_labels``).
    """
    from kgreason.fusion.question import _singular

    if not answer_type:
        return set()
    if answer_type == AMOUNT:  # (by its words only: no label is alike to a quantity in meaning)
        return {lab for lab in labels if set(humanize(lab).lower().split()) & AMOUNT_WORDS}
    if modifier:  # "training grounds" ~ ``TrainingGround`` alone, when the graph has such a label
        whole = {
            lab for lab in labels if {modifier, answer_type} <= set(map(_singular, humanize(lab).split()))
        }
        if whole:
            return whole
        # "main lines" where the graph has ``Line`` and ``BranchLine``: not the kind another word
        # qualifies as something else, where a label of the type's word alone is left
        plain = type_labels(answer_type, labels, similarity, threshold, "", kinds, businesses, roles, people)
        bare = {lab for lab in plain if [_singular(w) for w in humanize(lab).split()] == [answer_type]}
        if bare:
            return plain - {
                lab
                for lab in plain
                if answer_type in (said := [_singular(w) for w in humanize(lab).split()])
                and len(said) > 1
                and modifier not in said
            }
        return plain
    if " " in answer_type:
        # a two-word head ("rail line", "company employ"): the last word if it names a label, else the
        # first, as a one-word type
        # first, but not a label whose other words differ ("home ground" is no ``TrainingGround``)
        first, last = answer_type.split(" ", 1)
        # (the first word or another name of its kind: "engine class" ~ ``LocomotiveClass``)
        firsts = {first, *label_synonyms(first)}
        whole = {
            lab
            for lab in labels
            if last in (ws := set(map(_singular, humanize(lab).split()))) and firsts & ws
        }
        if whole:  # "training ground" ~ ``TrainingGround`` alone
            return whole
        own = {
            lab
            # (the word's own labels only: in "which company works", "works" is the verb)
            for lab in type_labels(last, labels, kinds=False)
            if len(humanize(lab).split()) == 1 or firsts & set(map(_singular, humanize(lab).split()))
        }
        return (
            own
            or type_labels(first, labels, similarity, threshold, roles=roles, people=people)
            # ("standards apply": a plural that qualifies a noun after it names its label as the singular)
            or type_labels(_singular(first), labels, similarity, threshold, roles=roles, people=people)
        )
    words = {lab: [_singular(w) for w in humanize(lab).split()] for lab in labels}
    usable = [lab for lab, ws in words.items() if " ".join(ws) not in _GENERIC]
    # a label's kinds: its words, and the head of a word glued from two ("carmaker": a maker), and a
    # person where the graph shows it holds people
    kinds_of = {
        lab: {
            *ws,
            *(k for w in ws for k in _GLUED_HEADS if _glued(w, k)),
            *(["person"] if lab in people else []),
        }
        for lab, ws in words.items()
    }
    # the type's own word as the head (last word) of a label: a training ground is a ground, a seed
    # company a company, but a port authority is no port, an engine maker no engine ("Which ports ...":
    # ``Port``, not ``PortAuthority``); a synonym only as a whole label ("stadium" ~ ``Arena``, not ~
    # ``TrainingGround``)
    alike = label_synonyms(answer_type)
    found = {lab for lab in usable if words[lab][-1:] == [answer_type]}
    if not any(words[lab] == [answer_type] for lab in found):
        # (another name of the kind only where no label is called by the word alone: "towns" are no
        # ``City`` where the graph has ``Town`` too)
        found |= {lab for lab in usable if " ".join(words[lab]) in alike}
    if not found and len(answer_type) >= 4 and answer_type not in _KIND_TYPES:
        # or its last word glued to another before it, where no label is called so: "shops" ~
        # ``Bookshop``, "makers" ~ ``Carmaker`` (not a type the kinds below answer: a "person" is no
        # ``Salesperson`` alone)
        found = {lab for lab in usable if words[lab] and _glued(words[lab][-1], answer_type)}
    if answer_type == SITE:
        # "where" asks for a place, a building or venue, or an organisation (a university, a company)
        return type_labels("place", labels) | {
            lab for lab in usable if kinds_of[lab] & (ORGANISATION_WORDS | _SITE_WORDS)
        }
    if answer_type == AGENT:
        # "who" asks for a person, or a body that acts (a company, a foundation, a club): never a sale,
        # an exhibition, a work or a place
        return type_labels("person", labels, people=people) | {
            lab for lab in usable if kinds_of[lab] & ORGANISATION_WORDS
        }
    if not found and answer_type in _RELATIONAL_TYPES:
        # a band's members are people, an alliance's airlines, a cooperative's farms; a group's
        # subsidiaries are broadcasters or operators: the relation says which, not the word
        return set()
    if found and answer_type == "person":
        # a graph with a ``Person`` label and labels for people by their role (``Lawyer``, ``Judge``):
        # a person is any of them (not a character of a story)
        found |= {lab for lab in usable if kinds_of[lab] & PERSON_WORDS and "character" not in kinds_of[lab]}
    if not found and (answer_type == "person" or answer_type in PERSON_WORDS):
        found = {lab for lab in usable if kinds_of[lab] & PERSON_WORDS}
        if answer_type not in ("person", "character"):
            # a role ("authors", "agents") is played by people, not by the characters of their stories
            found = {lab for lab in found if "character" not in kinds_of[lab]} or found
    if not found and answer_type in _ORGANISATION_TYPES:
        found = {lab for lab in usable if kinds_of[lab] & ORGANISATION_WORDS}
    if answer_type in _COMPANY_TYPES and (
        businesses or not any(words[lab] == [answer_type] for lab in usable)
    ):
        # no label is called just that: the kinds of business the graph has, besides its "mining
        # companies" (a label called "company" keeps the word to itself and its kinds, unless
        # ``businesses``: then a retailer is a company too)
        found |= {lab for lab in usable if kinds_of[lab] & _BUSINESS_WORDS}
    if not found and kinds and answer_type in _WORK_TYPES:
        found = {lab for lab in usable if set(words[lab]) & _WORK_WORDS}
    if not found and kinds and answer_type in _PICTURE_TYPES:
        found = {lab for lab in usable if set(words[lab]) & _PICTURE_WORDS}
    if not found and kinds and answer_type in _BUILDING_TYPES:
        found = {lab for lab in usable if set(words[lab]) & _BUILDING_TYPES[answer_type]}
    if answer_type == "place":
        found |= {lab for lab in usable if set(words[lab]) & PLACE_WORDS}
    elif answer_type == "date":
        found |= {lab for lab in usable if set(words[lab]) & DATE_WORDS}
    if not found and any(r == answer_type or (len(r) >= 3 and shortens(r, answer_type)) for r in roles):
        return set()
    if not found and similarity is not None and usable:
        # (alike in meaning, not by a word that only qualifies the label's head: a model agency is no
        # model, as a port authority is no port)
        near = [lab for lab in usable if not qualifies_only(answer_type, words[lab])]
        sims = similarity(answer_type, [humanize(lab) for lab in near]) if near else []
        found = {lab for lab, sim in zip(near, sims, strict=True) if sim >= threshold}
    return found


def people_labels(labels: Collection[str], patterns: Collection[tuple[str, str, str]]) -> frozenset[str]:
    """Labels whose words do not say they hold people but whose nodes the graph treats as people: a
    label joined to labels of people (``Person``, ``Composer``: their words say so) by two relations or
    more that themselves join people to people (a parent, a spouse, a mentor: a relation with a label
    of people among both its heads and its tails), as ``Developer`` in a games graph where developers
    have parents and spouses. ``patterns``: ``(source label, relation, target label)`` of the schema.
    Never a character's label (characters marry in stories) nor an organisation's: ``emp_by`` joins
    people to companies, never people to people.

    >>> people_labels(
    ...     ["Person", "Developer", "Studio"],
    ...     [("Developer", "par", "Person"), ("Person", "par", "Person"), ("Developer", "spouse", "Person"),
    ...      ("Person", "spouse", "Person"), ("Developer", "works_for", "Studio")],
    ... )
    frozenset({'Developer'})
    """
    from kgreason.fusion.question import _singular

    words = {lab: {_singular(w) for w in humanize(lab).split()} for lab in labels}
    person = {lab for lab, ws in words.items() if ws & PERSON_WORDS and "character" not in ws}
    ends: dict[str, tuple[set[str], set[str]]] = {}
    for source, relation, target in patterns:
        heads, tails = ends.setdefault(relation, (set(), set()))
        heads.add(source)
        tails.add(target)
    joined: dict[str, set[str]] = {}
    for relation, (heads, tails) in ends.items():
        if not heads & tails & person:
            continue  # not a relation between people
        for lab in (heads | tails) - person:
            joined.setdefault(lab, set()).add(relation)
    return frozenset(
        lab
        for lab, relations in joined.items()
        if len(relations) >= 2 and lab in words and not words[lab] & (ORGANISATION_WORDS | {"character"})
    )


def agent_step(path: Path, say: Callable[[str], str] = str) -> bool:
    """Whether ``path``'s last step walks a "<verb> by" relation forwards (``X held_by Y``): its end is
    the one who does the verb, a person or a body, whatever its label says (``say``: the relation's
    spoken name, ``wording.Wording.say``)."""
    if not path.edges:
        return False
    last = path.edges[-1]
    words = humanize(say(last.type)).split()
    return last.source == path.nodes[-2].id and len(words) >= 2 and words[-1] == "by"


def _walked_into(path: Path, inside: Callable[[str], bool]) -> bool:
    """Whether ``path``'s last step walks a relation that puts things at places (``inside``) backwards,
    from a place to what is there."""
    if not path.edges:
        return False
    last = path.edges[-1]
    return inside(last.type) and last.target == path.nodes[-2].id and last.source != last.target


def label_check(labels: set[str]) -> TypeCheck | None:
    """Whether a path ends at a node with one of ``labels``; None when there are none (no filtering)."""
    if not labels:
        return None
    return lambda p: bool(labels.intersection(p.nodes[-1].labels))


def answer_check(answer_type: str, labels: set[str]) -> TypeCheck | None:
    """``label_check`` of the labels of ``answer_type``; but an amount ("How much did X pay for Y?") is a
    node of such a label or one named by a figure ("£2.4m", "350 hp"), not a date's: a graph without any
    has no amount to give, and the check holds for none (the question is not answered with whatever its
    paths reach)."""
    if answer_type != AMOUNT:
        return label_check(labels)

    def is_amount(p: Path) -> bool:
        node = p.nodes[-1]
        if labels.intersection(node.labels):
            return True
        dated = any(set(humanize(lab).lower().split()) & DATE_WORDS for lab in node.labels)
        return not dated and _AMOUNT_NAME.match(node.name.strip()) is not None

    return is_amount


class TypeMatcher:
    """``type_labels`` for one graph, cached per answer type; ``label_check`` of its ``labels`` gives
    ``resolve`` its ``type_ok``."""

    def __init__(
        self,
        labels: Callable[[], Sequence[str]],
        similarity: Callable[[str, list[str]], list[float]] | None,
        relations: Callable[[], Sequence[str]] = tuple,
        patterns: Callable[[], Collection[tuple[str, str, str]]] = tuple,
    ) -> None:
        self._labels = labels
        self._similarity = similarity
        self._relations = relations
        self._patterns = patterns
        self._people: frozenset[str] | None = None
        self._cache: dict[tuple[str, str, bool], set[str]] = {}
        self._alike_only: dict[tuple[str, str], bool] = {}

    def labels_for(self, answer_type: str, modifier: str = "", businesses: bool = False) -> set[str]:
        key = (answer_type, modifier, businesses)
        if key not in self._cache:
            # the text layer's labels (Document, Chunk...) are bookkeeping, never an answer's type
            labels = [lab for lab in self._labels() if lab not in BOOKKEEPING_LABELS]
            roles = frozenset(w for r in self._relations() for w in humanize(r).split())
            self._cache[key] = type_labels(
                answer_type,
                labels,
                self._similarity,
                modifier=modifier,
                businesses=businesses,
                roles=roles,
                people=self.people(),
            )
        return self._cache[key]

    def people(self) -> frozenset[str]:
        """``people_labels`` of the graph's schema, read once."""
        if self._people is None:
            self._people = people_labels(self._labels(), self._patterns())
        return self._people

    def reach_check(self, answer_type: str, modifier: str = "") -> TypeCheck | None:
        """While a path is being walked (no readings yet): ``label_check`` of the labels the type names,
        or, when it names none, whether a node's name ends with the type's word (the rule of
        ``labels``)."""
        matched = self.labels_for(answer_type, modifier) if answer_type else set()
        if answer_type == AMOUNT:
            return answer_check(answer_type, matched)
        word = _name_word(answer_type)
        if matched and word and self.alike_only(answer_type, modifier):
            # (a label only alike in meaning, or a node named as one: "which abbey" ~ ``Manor``, or a
            # ``ReligiousHouse`` named "... Abbey")
            alike = label_check(matched)
            return lambda p: bool(alike and alike(p)) or _names_kind(p.nodes[-1].name, word)
        if matched:
            return label_check(matched)
        return (lambda p: _names_kind(p.nodes[-1].name, word)) if word else None

    def alike_only(self, answer_type: str, modifier: str = "") -> bool:
        """Whether the labels ``answer_type`` names are only alike to it in meaning (the sentence
        encoder's ``similarity``), none by its words: "abbey" ~ ``Manor``."""
        key = (answer_type, modifier)
        if key not in self._alike_only:
            labels = [lab for lab in self._labels() if lab not in BOOKKEEPING_LABELS]
            roles = frozenset(w for r in self._relations() for w in humanize(r).split())
            by_words = type_labels(
                answer_type, labels, None, modifier=modifier, roles=roles, people=self.people()
            )
            self._alike_only[key] = not by_words and bool(self.labels_for(answer_type, modifier))
        return self._alike_only[key]

    def wh_check(
        self,
        analysis: QuestionAnalysis,
        say: Callable[[str], str] = str,
        inside: Callable[[str], bool] | None = None,
    ) -> TypeCheck | None:
        """What a type only the wh-word implies may ask for (``wanted_type``: "who", an agent; "where", a
        site), for ``resolve``'s ``wh_ok``; None for any other type. An agent is also whatever a path
        reaches last along a "<verb> by" relation walked forwards, whatever its label ("Who owns X?": X
        ``title_held_by`` a ``Lessor``; ``say``: the relations' spoken names, ``Wording.say``). A site is
        none that a path reaches by walking a relation that puts things at places (``inside``:
        ``path_shapes.placing``) from the place: that answers what is there, not where ("Where is the
        company X leads based?" is its city, not the terminals in that city nor the firms based in the
        city X was born in)."""
        wanted = wanted_type(analysis)
        if wanted == analysis.answer_type:
            return None
        by_label = label_check(self.labels_for(wanted))
        if wanted != AGENT:
            if by_label is None or inside is None:
                return by_label
            site = by_label
            return lambda p: site(p) and not _walked_into(p, inside)
        return lambda p: agent_step(p, say) or (by_label is not None and by_label(p))

    def labels(
        self,
        answer_type: str,
        readings: Mapping[str, Sequence[Reading]] | None = None,
        modifier: str = "",
        alike: bool = True,
    ) -> set[str]:
        """The labels of ``answer_type``: those it names, or, when it names none, the labels of the nodes
        ``readings`` reach whose names end with the type's word ("Which *finals* were played at X?" over
        ``Match`` nodes named "2017 Cup Final": ``Match``, so a final named "2021 Super Cup" is one too;
        not a talk named "Why We Forked X" for "which fork"). Empty when no reached name ends so, so such
        a type never turns an answer into an abstention. A label it names only by meaning (``alike_only``)
        gives way to such names; ``alike=False`` reads the names alone."""
        matched = self.labels_for(answer_type, modifier) if answer_type and alike else set()
        business = next((w for w in answer_type.split() if w in _COMPANY_TYPES), "")
        if matched and readings and business and not _reached(matched, readings):
            # "Which company runs X?" where no close reading reaches a ``Company``: any kind of business
            matched = matched | self.labels_for(business, businesses=True)
        body = any(w in _ORGANISATION_TYPES for w in answer_type.split())
        if matched and readings and body and not _reached(matched, readings):
            # "Which body hands out X?" where no close reading reaches a ``RatingBody``: "body" said
            # loosely, of whatever confers it (a guidebook), so the relation says the type
            matched = set()
        word = _name_word(answer_type)
        if matched and readings and word and self.alike_only(answer_type, modifier):
            # a label only alike in meaning gives way to the labels of reached nodes whose names say the
            # type ("Which abbey ...": not ``Manor``, alike, where a ``ReligiousHouse`` is named "... Abbey")
            named = self.labels(answer_type, readings, modifier, alike=False)
            matched = named or matched
        if not matched and readings and word:
            matched = {
                label
                for rs in readings.values()
                for r in rs
                for p in r.ends.values()
                if _names_kind(p.nodes[-1].name, word)
                for label in p.nodes[-1].labels
                if label not in BOOKKEEPING_LABELS
                and humanize(label) not in _GENERIC
                # (an agency called "Tressan Models" is a model agency, and a model agency is no model)
                and not qualifies_only(word, [stem(w) for w in humanize(label).split()])
            }
        return matched


def _reached(labels: set[str], readings: Mapping[str, Sequence[Reading]]) -> bool:
    """Whether one of the best ``TYPED_READINGS`` readings of an entity ends at a node with one of
    ``labels``."""
    return any(
        labels & set(p.nodes[-1].labels)
        for rs in readings.values()
        for r in rs[:TYPED_READINGS]
        for p in r.ends.values()
    )


def qualifies_only(word: str, label_words: Sequence[str]) -> bool:
    """Whether ``word`` is only a modifier among a label's words (compared as the caller normalised
    them), not its last word: "model" of ``ModelAgency``, "oil" of ``OilCompany``; a model agency is no
    model, as a port authority is no port."""
    return word in label_words[:-1] and word != label_words[-1]


# Types a wh-word alone implies ("who", "where", "when"): no name says them.
_NOT_NAME_TYPES = frozenset({"person", AGENT, "place", SITE, "date", "year", "number", "time", *_GENERIC})


def _name_word(answer_type: str) -> str:
    """The stem a node's name must end with to say ``answer_type`` ("finals": "final"), or "" for a type
    no name says (a person, a place, a number...)."""
    if not answer_type or answer_type in _NOT_NAME_TYPES:
        return ""
    return stem(answer_type.rsplit(" ", 1)[-1])


def _names_kind(name: str, word: str) -> bool:
    """Whether a node's name says it is a ``word`` by its last word ("2017 Cup *Final*"); a name that is
    the word alone (the crop "Apple" for "which apples") is the kind itself, not one of them, and one
    that ends with the word in the plural names a body of them ("Tamber Orchard *Growers*", "Tressan
    *Models*"), not one."""
    words = re.findall(r"[^\W_]+", name)
    if name_head(name) != word or len(words) < 2:
        return False
    last = words[-1].lower()
    return not (last.endswith("s") and not word.endswith("s") and last != word)


@functools.lru_cache(maxsize=65536)
def name_head(name: str) -> str:
    """The stem of a node name's last word, where names say their kind ("2017 Corran Cup *Final*", "Quell
    *Orchestra*"); a word inside a name ("Why We *Forked* Granite", a talk) says nothing of it."""
    words = re.findall(r"[^\W_]+", name.lower())
    return stem(words[-1]) if words else ""


def resolve(
    analysis: QuestionAnalysis,
    readings: Mapping[str, Sequence[Reading]],
    type_ok: TypeCheck | None,
    settings: FormSettings | None = None,
    coordinated: Sequence[tuple[frozenset[str], frozenset[str]]] = (),
    wh_ok: TypeCheck | None = None,
    missed_by: Callable[[Signature], int] | None = None,
) -> Resolution:
    """Apply the rules of the module docstring.

    Args:
        analysis: the question's form, type and anchors.
        readings: per anchor, its readings best first.
        type_ok: tells whether a path ends at a node of the expected type; ``None`` when the question
            names no type or no label of the graph matches it.
        settings: the margins.
        coordinated: pairs of relation sets the question joins with "and" ("owned and sponsored by X"):
            with one named entity, one-step readings along both must meet at the answer.
        wh_ok: for a type only the wh-word implies, whether a path ends at anything it may ask for
            (``wanted_type``: "who", a person or an organisation; "where", a site): a best reading that
            ends at none gives way to the best that does.
        missed_by: how many of the question's words naming a relation a signature leaves unwalked
            (``PathScorer.missed`` over the question with every named entity masked): a constraint pair
            that walks more of them between its two readings beats a shorter one ("Which of X's
            grandchildren was born in Y?": two steps of child, not one).
    """
    s = settings or FormSettings()
    anchors = [a for a in dict.fromkeys(analysis.anchors) if readings.get(a)]
    if not anchors:
        return Resolution(abstained="no relation path leaves the linked entities", form=analysis.form)
    best_all = max((r for a in anchors for r in readings[a][:1]), key=lambda r: r.score)
    # the type the question names is a word the best reading's relation words need not say: "Which
    # critics wrote about X?" answered along ``reviewed_by`` to persons is a weaker match, not a miss
    typed = analysis.strong_type and type_ok is not None and any(type_ok(p) for p in best_all.ends.values())
    # as is a reading whose every step the question names, ending at what its wh-word asks for ("Where
    # is X?" along ``loc_cty`` to a city)
    typed = typed or (
        wh_ok is not None
        and best_all.unearned == 0
        and best_all.missed == 0
        and any(wh_ok(p) for p in best_all.ends.values())
    )
    # a named type that the best reading misses but a close one reaches is answered by that one (the
    # rule of ``_single``), so that one's score is what must clear the lower bar
    reached = analysis.strong_type and type_ok is not None and not typed
    typed_best = max(
        (r.score for a in anchors for r in readings[a][:TYPED_READINGS] if reached and _typed(r, type_ok)),
        default=None,
    )
    # (how well anything matches, without the cost ``on_the_way`` puts on readings only to order them)
    matched = max(r.score + r.set_back for a in anchors for r in readings[a])
    if matched < (s.typed_abstain_below if typed else s.abstain_below) and not (
        typed_best is not None and typed_best >= s.typed_abstain_below
    ):
        if analysis.form == "yes_no" and (linked := _linked(analysis, anchors, readings)) is not None:
            return linked
        if analysis.form == "yes_no" and (slot := _other_in_slot(analysis, anchors, readings)) is not None:
            return slot
        if (
            len(anchors) >= 2
            and ((analysis.strong_type and type_ok is not None) or analysis.kind_named)
            and best_all.score >= s.typed_abstain_below
            and analysis.form in ("constraint", "list", "count", "single")
            and (met := _constraint(analysis, anchors, readings, type_ok, s, wh_ok, missed_by)) is not None
        ):
            # "Which Corbell Factual production airs on Corbell Two?": no reading says the question well,
            # but two named entities whose readings meet at the named type answer it between them
            return met
        return Resolution(
            abstained=f"no relation path matches the question well enough (best {best_all.score:.3f})",
            form=analysis.form,
            chosen=[best_all],
        )
    if analysis.form == "yes_no":
        return _yes_no(analysis, anchors, readings, s)
    if len(anchors) >= 2 and analysis.form in ("constraint", "list", "count", "single"):
        res = _constraint(analysis, anchors, readings, type_ok, s, wh_ok, missed_by)
        if res is not None:
            return res
    anchor = best_all.anchor
    if len(anchors) == 1 and coordinated and analysis.form != "yes_no":
        res = _coordinated(analysis, readings[anchor], type_ok, coordinated)
        if res is not None:
            return res
    res = _single(analysis, readings[anchor], type_ok, s, wh_ok)
    return res


def _coordinated(
    analysis: QuestionAnalysis,
    ranked: Sequence[Reading],
    type_ok: TypeCheck | None,
    coordinated: Sequence[tuple[frozenset[str], frozenset[str]]],
) -> Resolution | None:
    """ "Which club is both owned and sponsored by X?": the best one-step reading along each of the two
    joined relations, and the answers both reach (of the asked type)."""
    for first, second in coordinated:
        x = next((r for r in ranked if len(r.signature) == 1 and r.signature[0][0] in first), None)
        y = next((r for r in ranked if len(r.signature) == 1 and r.signature[0][0] in second), None)
        if x is None or y is None or x.signature == y.signature:
            continue
        meet = [e for e in x.ends if e in y.ends and (type_ok is None or type_ok(x.ends[e]))]
        if not meet:
            continue
        form = (
            analysis.form if analysis.form in ("count", "list") else ("list" if len(meet) > 1 else "single")
        )
        res = Resolution(
            answers=meet,
            form=form,
            chosen=[x, y],
            note={"rule": "the joined relations meet", "readings": [x.text, y.text]},
        )
        res.paths = [r.ends[e] for r in (x, y) for e in meet]
        if analysis.form == "count":
            res.value = str(len(meet))
        return res
    return None


class KindStore(Protocol):
    """What ``narrow_to_kind`` reads of a store (``GraphStore``)."""

    def get_nodes(self, node_ids: Sequence[str]) -> dict[str, Node]: ...

    def neighbors(self, node_id: str) -> list[tuple[Edge, Node]]: ...


def narrow_to_kind(
    res: Resolution,
    analysis: QuestionAnalysis,
    store: KindStore,
    names: Callable[[str], Sequence[str]] | None,
) -> Resolution:
    """The answers of the kind the question's type names, when a node of the graph is that kind: "Which
    *tugs* have X engines?" over a graph that gives each ship its kind by an edge to a node named "Tug"
    (``vessel_type``) keeps the ships linked to it, as "Which *comedies* did X direct?" keeps the films
    linked to the genre. ``names``: the node ids a phrase names whole (the engine's entity linker).

    The answers stay as they are when the type names no node, when none of them is linked to the kind
    (it is said some other way) or all are; otherwise the edges to the kind join the evidence, and a
    count counts the narrowed set."""
    if names is None or not analysis.strong_type or not analysis.answer_type or not res.answers:
        return res
    answers = set(res.answers)
    for kind in names(analysis.answer_type):
        node = store.get_nodes([kind]).get(kind)
        if node is None or kind in answers or kind in analysis.anchors:
            continue
        linked: dict[str, Path] = {}
        for edge, other in store.neighbors(kind):
            if other.id in answers:
                linked.setdefault(other.id, Path((other, node), (edge,)))
        if not linked or len(linked) == len(answers):
            continue
        res.answers = [a for a in res.answers if a in linked]
        res.paths = [p for p in res.paths if p.nodes[-1].id in linked] + [linked[a] for a in res.answers]
        if analysis.form == "count":
            res.value = str(len(res.answers))
        res.note["kind"] = kind
        break
    return res


def by_kind(
    res: Resolution,
    analysis: QuestionAnalysis,
    masked: str,
    readings: Mapping[str, Sequence[Reading]],
    store: KindStore,
    names: Callable[[str], Sequence[str]] | None,
) -> Resolution:
    """``narrow_to_kind``, then ``members_of_kind``: what both path strategies do after ``resolve``."""
    return members_of_kind(narrow_to_kind(res, analysis, store, names), analysis, masked, readings)


def on_the_way(
    readings: Sequence[Reading],
    mentions: Sequence[tuple[str, frozenset[str]]],
    target: Collection[str],
    penalty: float,
) -> list[Reading]:
    """``readings`` (best first) with those of two steps or more that pass no node of a kind the question
    names on the way (a label of ``mentions`` not in ``target``, the answer's type) scored ``penalty``
    lower, where another reading of two steps or more does pass one: "the hospital that has the *ward*
    named after X" passes X's ward, not a wing named after X's father. The schema cannot tell such
    readings apart; the paths read can. The cost is kept apart (``Reading.set_back``): it orders the
    readings, but how well anything matches the question (``abstain_below``) is read without it."""
    inner = {lab for kind, labs in mentions if kind == "label" for lab in labs} - set(target)

    def passes(r: Reading) -> bool:
        return any(inner.intersection(n.labels) for p in r.ends.values() for n in p.nodes[1:-1])

    if not inner or not any(len(r.signature) > 1 and passes(r) for r in readings):
        return list(readings)
    return sorted(
        (
            replace(r, score=r.score - penalty, set_back=r.set_back + penalty)
            if len(r.signature) > 1 and not passes(r)
            else r
            for r in readings
        ),
        key=lambda r: (-r.score, len(r.signature), r.signature),
    )


def by_containment(
    res: Resolution,
    analysis: QuestionAnalysis,
    readings: Mapping[str, Sequence[Reading]],
    inside: Collection[str],
    type_ok: TypeCheck | None,
) -> Resolution:
    """Everything of the asked type that a place X holds ("How many mines are in X?"), down any chain of
    containment steps (``inside``: ``path_shapes.containing``), not only the chosen one. A graph stores
    shortcuts (a mine's province) beside the full ladder (its district, the district's town, the town's
    province), and both say "in X". When the chosen reading of a count or a list walks only containment
    steps, each down from X, the typed ends of every reading of the same anchor that does too join its
    answers (not those of other relations that put things at places: the people born in X are not the
    people who live there)."""
    if res.abstained is not None or analysis.form not in ("count", "list") or type_ok is None:
        return res
    if len(res.chosen) != 1:
        return res
    chosen = res.chosen[0]

    def down(r: Reading) -> bool:
        return bool(r.signature) and all(d == "in" and rel in inside for rel, d in r.signature)

    if not down(chosen):
        return res
    extra: dict[str, Path] = {}
    for r in readings.get(chosen.anchor, ()):
        if r is chosen or not down(r):
            continue
        for end, path in r.ends.items():
            if end not in res.answers and end not in extra and type_ok(path):
                extra[end] = path
    if not extra:
        return res
    answers = [*res.answers, *extra]
    value = str(len(answers)) if analysis.form == "count" else res.value
    note = {
        **res.note,
        "rule": f"{res.note.get('rule', 'best reading')}, with every chain down from the place",
    }
    return replace(res, answers=answers, paths=[*res.paths, *extra.values()], value=value, note=note)


class LinkStore(Protocol):
    """What ``by_absence`` reads of a store (``GraphStore``)."""

    def paths_between(
        self, source: str, target: str, *, max_hops: int = 3, limit: int = 10
    ) -> list[Path]: ...


ABSENCE_HOPS = 3
"""How far apart (in edges, any relations) two named entities must be for "no" without a reading."""


# Words of relations that hold both ways (a sibling's sibling, a spouse's spouse): stored one way, read
# either way they are one relation
_SYMMETRIC_WORDS = frozenset(
    stem(w)
    for w in "sibling sister brother spouse married marry wife husband twin twinned neighbour neighbor "
    "border borders adjacent".split()
)


def says_both_ways(relation: str) -> bool:
    """Whether a word of ``relation``'s name says it holds both ways ("sibling", "spouse", "borders"),
    whatever labels it joins."""
    return any(stem(w) in _SYMMETRIC_WORDS for w in humanize(relation).split())


def symmetric(relation: str, steps: Mapping[tuple[str, str], tuple[set[str], set[str]]]) -> bool:
    """Whether ``relation`` holds both ways: a word of its name says so ("sibling", "spouse", "borders")
    and it joins things of the same labels (``steps``: per (relation, direction) the labels it leaves from
    and arrives at), so "partner of" a firm is not."""
    if not says_both_ways(relation):
        return False
    sources, targets = steps.get((relation, "out"), (set(), set()))
    return bool(sources) and sources == targets


def merge_symmetric(
    readings: Sequence[Reading], steps: Mapping[tuple[str, str], tuple[set[str], set[str]]]
) -> list[Reading]:
    """``readings`` (best first) with those that differ only in the direction of ``symmetric`` steps made
    one, the best of them, reaching the ends of all ("X's siblings" stored as ``X sibling_of A`` and ``B
    sibling_of X`` are A and B)."""
    sym = {r for r, _ in steps if symmetric(r, steps)}
    if not sym:
        return list(readings)
    groups: dict[tuple[tuple[str, str], ...], Reading] = {}
    for r in readings:
        key = tuple((rel, "both" if rel in sym else d) for rel, d in r.signature)
        kept = groups.get(key)
        if kept is None:
            groups[key] = r
        else:
            groups[key] = replace(kept, ends={**r.ends, **kept.ends})
    return list(groups.values())


def earn_hops(
    readings: Sequence[Reading], analysis: QuestionAnalysis, type_ok: TypeCheck | None, hop_penalty: float
) -> list[Reading]:
    """``readings`` (best first, of one anchor) with each that walks a step the question does not name
    scored ``hop_penalty`` an unnamed step below every shorter reading whose every step the question
    names and that leaves no more of its words unexplained (``Reading.unexplained``: the relations it
    names and the labels), then sorted again: a longer path must
    earn its hops ("Where is X's licensee based?": the licensee's head office, not the cities of the
    shops it operates). Not against a shorter reading that misses what a wh-word alone asks for, a
    place or a date ("Where is the auction house that ran X?": its city, not the house), nor where the
    longer one reaches the type the question names and the shorter one does not."""
    wh = "" if analysis.strong_type else analysis.answer_type
    named = [r for r in readings if r.unearned == 0 and _answers_wh(r, wh)]
    if not named:
        return list(readings)
    out = []
    for r in readings:
        bar = max(
            (
                a.score
                for a in named
                if len(a.signature) < len(r.signature)
                and a.unexplained <= r.unexplained
                and (type_ok is None or _typed(a, type_ok) or not _typed(r, type_ok))
            ),
            default=None,
        )
        if r.unearned and bar is not None and r.score > bar - hop_penalty * r.unearned:
            r = replace(r, score=bar - hop_penalty * r.unearned)
        out.append(r)
    return sorted(out, key=lambda r: (-r.score, len(r.signature), r.signature))


def _answers_wh(reading: Reading, wh: str) -> bool:
    """Whether ``reading`` ends at what a wh-word alone asks for: a place for "where" (not only a site: an
    auction house is where a sale was, but "Where is the auction house ...?" asks for its city), a date
    for "when"; anything for any other."""
    labels = {lab for p in reading.ends.values() for lab in p.nodes[-1].labels}
    if wh == "place":
        return any(set(humanize(lab).lower().split()) & PLACE_WORDS for lab in labels)
    if wh in ("date", "year", "time"):
        return any(set(humanize(lab).lower().split()) & DATE_WORDS for lab in labels)
    return True


def by_absence(
    res: Resolution, analysis: QuestionAnalysis, readings: Mapping[str, Sequence[Reading]], store: LinkStore
) -> Resolution:
    """A yes/no question about two named entities that ``resolve`` left unanswered (no reading says it
    well) gets "no" when the graph holds no path of ``ABSENCE_HOPS`` steps or fewer between them, along
    any relations: whatever the question asks of the two, nothing near links them (the best reading's
    ends are the evidence). Linked within those steps, though not in the question's words, the link may
    be what it asks about, and the abstention stands."""
    named = list(dict.fromkeys(analysis.anchors))
    if res.abstained is None or analysis.form != "yes_no" or len(named) < 2:
        return res
    # (of three named, the first and the last are what the question links, as in ``_linked``)
    first, last = named[0], named[-1]
    if store.paths_between(first, last, max_hops=ABSENCE_HOPS, limit=1):
        return res
    subject = first if readings.get(first) else last
    best = next(iter(readings.get(subject, ())), None)
    return Resolution(
        answers=[],
        value="no",
        form="yes_no",
        chosen=[best] if best is not None else [],
        paths=list(best.ends.values())[:10] if best is not None else [],
        note={
            "rule": f"no path of {ABSENCE_HOPS} steps or fewer links the two entities",
            "target": last if subject == first else first,
        },
    )


def by_padding(
    res: Resolution,
    analysis: QuestionAnalysis,
    mentions: Sequence[tuple[str, frozenset[str]]],
    store: KindStore,
    says_only: Callable[[frozenset[str], frozenset[str]], bool],
    names: Callable[[str], Sequence[str]] | None = None,
) -> Resolution:
    """A question saying one relation and nothing else ("Who is X married to?"), answered along a path
    that walks that relation only after steps the question does not name (X's sibling's spouse), while X
    itself has no edge of it: the fact is absent for X, and the path answers for someone else. Not found,
    with the padded reading as the closest.

    ``mentions``: what the question names (``PathScorer.mentions``): relation and label mentions;
    ``says_only``: whether every word of the question but its stop words names one of the relations given
    and none is a word of the labels given, those the padding passes (``relation_paths.says_only``): a word
    that names no relation may name the step the path pads with ("Who skippers the X *champions*?": the
    winner's captain), and so may a word of a label it passes ("Who *photographed* X?": the photograph of
    X, then who took it), or a word of the entity's mention that its name lacks (``says_more``: "Where was
    the *Minister* of Justice born?" links the Ministry of Justice, and asks about the one who heads it).
    ``names``: the node ids a phrase names whole (``Resources.names``)."""
    anchors = list(dict.fromkeys(analysis.anchors))
    if (
        res.abstained is not None
        or not res.chosen
        or analysis.form not in ("single", "list")
        or len(anchors) != 1
    ):
        return res
    relations = [named for kind, named in mentions if kind == "relation"]
    if len(relations) != 1 or any(kind == "label" for kind, _ in mentions):
        return res
    if analysis.mentions and says_more(analysis.mentions[0], anchors[0], store, names):
        return res
    sig = res.chosen[0].signature
    if len(sig) < 2 or sig[0][0] in relations[0]:
        return res
    at = next((i for i, (r, _) in enumerate(sig) if r in relations[0]), None)
    if at is None or any(edge.type == sig[at][0] for edge, _ in store.neighbors(anchors[0])):
        return res
    walked = sig[at][0]
    # (the kinds of the nodes the path passes before that step: "photographed" says X's photograph)
    passed = frozenset(
        lab for p in res.chosen[0].ends.values() for n in p.nodes[1 : at + 1] for lab in n.labels
    )
    if not says_only(relations[0], passed):
        return res
    return Resolution(
        abstained=f"{anchors[0]} has no {humanize(walked)} edge; the best path walks it from another node",
        form=res.form,
        chosen=res.chosen,
        note={"rule": "padded path", "relation": walked},
    )


_WORDS = re.compile(r"[a-z]+")


def says_more(
    mention: str, node_id: str, store: KindStore, names: Callable[[str], Sequence[str]] | None
) -> bool:
    """Whether the mention a question links to a node says more than the node's name: it does not name the
    node whole (``names``: no alias or exact name), and a word of it is a word of the language (the sentence
    encoder's vocabulary) that is no form of a word of the name and more than one edit from each. "Minister
    of Justice" links the Ministry of Justice fuzzily, and says the person who heads it; "Ministy of
    Justice" is a typo, "Kofi Quay" a misspelt Kofi Quaye and "tugs" the kind ``Tug``."""
    if names is not None and node_id in names(mention):
        return False
    node = store.get_nodes([node_id]).get(node_id)
    if node is None:
        return False
    own = _WORDS.findall(node.name.lower())
    stems = {stem(w) for w in own}
    vocabulary = encoder_vocabulary()
    return any(
        len(w) >= MIN_LETTERS
        and w in vocabulary
        and stem(w) not in stems
        and all(OSA.distance(w, o) > 1 for o in own)
        for w in _WORDS.findall(mention.lower())
    )


def role_player(
    store: KindStore, roles: Mapping[str, str], say: Callable[[str], str] = lambda t: t
) -> Callable[[str], bool]:
    """Whether a node plays the answer's role: it stands at the end ``roles`` gives of an edge of one of
    its relations (``PathScorer.answer_roles``: "agents" are the targets of ``agt``). ``say``: how the
    question's words call a stored relation (an owner's wording)."""
    seen: dict[str, bool] = {}

    def plays(node_id: str) -> bool:
        if node_id not in seen:
            seen[node_id] = any(
                (end := roles.get(say(edge.type))) is not None
                and edge.source != edge.target
                and (edge.target if end == "target" else edge.source) == node_id
                for edge, _ in store.neighbors(node_id)
            )
        return seen[node_id]

    return plays


def by_role(
    res: Resolution,
    analysis: QuestionAnalysis,
    readings: Mapping[str, Sequence[Reading]],
    plays: Callable[[str], bool] | None,
    named: Collection[str],
    type_ok: TypeCheck | None,
    missed_by: Callable[[Signature], int] | None,
) -> Resolution:
    """The answer's noun said by the graph: "How many *agents* work at X?" names ``agt`` by its noun, and
    the reading that walks it one step further (the agents' clients) outscores the one that stops at the
    agents, which leaves the noun unwalked. When the chosen reading walks a relation the noun names
    (``named``) and its answers do not all play the noun's role (``plays``, ``role_player``), a shorter
    reading from the same anchor that names every other word of the question (``missed_by``: without the
    noun) and whose answers of the type all play the role answers it instead, with those answers (it may
    reach things of other types too)."""
    if (
        plays is None
        or missed_by is None
        or res.abstained is not None
        or len(res.chosen) != 1
        or res.form not in ("single", "list", "count")
    ):
        return res
    chosen = res.chosen[0]
    if not any(r in named for r, _ in chosen.signature) or all(plays(a) for a in res.answers):
        return res
    shorter = next(
        (
            r
            for r in sorted(readings.get(chosen.anchor, ()), key=lambda r: -r.score)
            if len(r.signature) < len(chosen.signature)
            and r.unearned == 0
            and r.missed > 0
            and missed_by(r.signature) == 0
            and (typed := _typed(r, type_ok))
            and all(plays(e) for e in typed)
        ),
        None,
    )
    if shorter is None:
        return res
    answers = _typed(shorter, type_ok)
    form = analysis.form if analysis.form in ("count", "list") else ("list" if len(answers) > 1 else "single")
    note = {"rule": "the answer's noun said by the graph"}
    out = Resolution(answers=answers, form=form, chosen=[shorter], note=note)
    out.paths = [shorter.ends[a] for a in answers]
    if form == "count":
        out.value = str(len(answers))
    return out


_LISTING_CUES = frozenset(
    "many number count there exist exists existed list name show all every total".split()
)
"""Words that say a question asks for the members of a kind: "What is X?" asks what X is, not for them."""
_LISTING = _LISTING_CUES | frozenset("how much are is were give me the of in graph what which x".split())
"""The words of a question that only asks for the members of a kind ("How many X are there?")."""


def members_of_kind(
    res: Resolution, analysis: QuestionAnalysis, masked: str, readings: Mapping[str, Sequence[Reading]]
) -> Resolution:
    """ "How many *tugs* are there?", "List all comedies": a question naming one node, a kind, and
    nothing else asks for what is of that kind: the best one-step reading into it (the ships whose
    ``vessel_type`` is "Tug"), however low it scores against a question with no relation words. Any
    other resolution stays as it is. ``masked``: the question with its entity mentions masked."""
    if (
        res.abstained is None
        or analysis.form not in ("count", "list", "single")
        or len(analysis.anchors) != 1
    ):
        return res
    words = {w.lower() for w in re.findall(r"[^\W_]+", masked)}
    if analysis.mentions and words <= _LISTING and words & _LISTING_CUES:
        anchor = analysis.anchors[0]
        into = [r for r in readings.get(anchor, ()) if len(r.signature) == 1 and r.signature[0][1] == "in"]
        if into:
            best = into[0]
            members = list(best.ends)
            form = "count" if analysis.form == "count" else "list"
            out = Resolution(answers=members, form=form, chosen=[best], note={"rule": "members of the kind"})
            out.paths = [best.ends[m] for m in members]
            if form == "count":
                out.value = str(len(members))
            return out
    return res


def _typed(reading: Reading, type_ok: TypeCheck | None) -> list[str]:
    if type_ok is None:
        return list(reading.ends)
    return [e for e, p in reading.ends.items() if type_ok(p)]


def _kin_end(reading: Reading) -> bool:
    """Whether ``reading``, every step named and no relation word of the question left unwalked, ends
    with a step to someone's kin (its relation's role nouns say so: ``sire`` forwards reaches a father):
    whoever it reaches is what "who" asks for, of any label ("Who is the father of X?", X a dog; not
    "Who bred X's father?", which asks on from the father)."""
    if reading.unearned or reading.missed or not reading.signature:
        return False
    relation, direction = reading.signature[-1]
    roles = role_nouns(relation)
    return roles is not None and bool(KIN_NOUNS & set(roles[0 if direction == "out" else 1].split()))


def _single(
    analysis: QuestionAnalysis,
    ranked: Sequence[Reading],
    type_ok: TypeCheck | None,
    s: FormSettings,
    wh_ok: TypeCheck | None = None,
) -> Resolution:
    best = ranked[0]
    chosen = best
    answers = list(best.ends)
    note: dict[str, Any] = {"rule": "best reading"}
    # a type the wh-word implies breaks near ties only; but "who" asks for a person or a body that acts,
    # "where" for a site (``wanted_type``), and a best reading that reaches none answers another question
    # ("Who sold X?" read as "the sale X was offered at", "Where did X study?" as X's pupils): then the
    # wh-word is as firm as "which person", with what it may ask for as the type
    firm = analysis.strong_type
    person_ok = type_ok if wh_ok is not None and not firm and analysis.answer_type == "person" else None
    wh_firm = wh_ok is not None and not firm and not _typed(best, wh_ok) and not _kin_end(best)
    below_bar = False
    if wh_firm:
        firm, type_ok = True, wh_ok
    if type_ok is not None:
        margin = s.type_margin if firm else s.weak_type_margin
        # a type only implied by the wh-word never adds a hop the question does not name: "Where did X
        # train?" is answered by the institute, not by the city the institute is in
        typed = next(
            (
                r
                for r in ranked
                if best.score - r.score <= margin
                and _typed(r, type_ok)
                and (firm or len(r.signature) <= len(best.signature) or r.unearned <= best.unearned)
            ),
            None,
        )
        # "when" asks for a date as firmly as "which year": nothing else answers it (where "who" may be
        # answered by a body that acts, and "where" by a building)
        firm = firm or analysis.answer_type == "date"
        if typed is None and firm:
            # "which region": a reading of another type answers a different question, however well it
            # scores; of the readings that reach a region, the one with the fewest steps the question
            # does not name answers it (the encoder's order breaks ties)
            # (a type the wh-word implies, or "when", names no kind: a reading that reaches it must still
            # say the question as well as one reaching a named type must, ``typed_abstain_below``)
            bar = -math.inf if analysis.strong_type else s.typed_abstain_below
            reaching = [r for r in ranked[:TYPED_READINGS] if _typed(r, type_ok)]
            typed = min(
                (r for r in reaching if r.score + r.set_back >= bar), key=lambda r: r.unearned, default=None
            )
            # (where no reading reaches the type at all, as in a graph without labels, "who" and "where"
            # leave the best reading to answer, as before)
            below_bar = bool(reaching) and typed is None
        if typed is not None:
            # a longer path must earn its hops: the same reading without the last steps the question does
            # not name, in a near tie ("Who helmed X?" is X's director, not the director's wife, though
            # the sentence encoder likes the longer reading; "who" gives the smaller margin)
            typed = _unpadded(
                typed, ranked, type_ok, s.type_margin if analysis.strong_type else s.weak_type_margin
            )
        if typed is not None and person_ok is not None and not _typed(typed, person_ok):
            # "who" asks for a person first: a body that acts answers it only where no reading as
            # short reaches a person in a near tie ("Who inspected X?": the inspector, not the board
            # the inspection was done for)
            typed = next(
                (
                    r
                    for r in ranked
                    if typed.score - r.score <= s.weak_type_margin
                    and len(r.signature) <= len(typed.signature)
                    and _typed(r, person_ok)
                ),
                typed,
            )
        if typed is not None:
            chosen, answers = typed, _typed(typed, type_ok)
            note["rule"] = "best reading of the expected type"
        elif analysis.strong_type or analysis.answer_type == "date" or (wh_firm and below_bar):
            return Resolution(
                abstained=f"no {analysis.answer_type} is reached from the linked entity",
                form=analysis.form,
                chosen=[best],
                note={"rule": "type mismatch"},
            )
    elif analysis.form == "count" and wh_ok is None:
        # "How many times has X been won?": no type to judge by, so a last step the question does not
        # name must earn its hop by more than a near tie (not the prizes named after X's winners)
        shorter = _unpadded(chosen, ranked, lambda p: True, s.weak_type_margin)
        if shorter is not chosen:
            chosen, answers = shorter, list(shorter.ends)
            note["rule"] = "best reading without an unnamed last step"
    form = analysis.form if analysis.form in ("count", "list") else ("list" if len(answers) > 1 else "single")
    res = Resolution(answers=answers, form=form, chosen=[chosen], note=note)
    res.paths = [chosen.ends[a] for a in answers]
    if analysis.form == "count":
        res.value = str(len(answers))
        res.form = "count"
    return res


def _unpadded(reading: Reading, ranked: Sequence[Reading], type_ok: TypeCheck, margin: float) -> Reading:
    """``reading`` without the last steps the question does not name, while what is left still reaches
    the named type and scores within ``margin``: "Which institution hands out the X Medal?" is who
    confers it, not the university that school is affiliated with, though the sentence encoder likes
    "university" for "institution" (a longer path must earn its hops)."""
    by_signature = {r.signature: r for r in ranked}
    while len(reading.signature) > 1:
        shorter = by_signature.get(reading.signature[:-1])
        if (
            shorter is None
            or not (
                shorter.unearned == reading.unearned - 1
                # (or a last step that only the type's own noun earns, which explains no other word:
                # "Which engineers were members of X?" is not X's members' engineer children)
                or (
                    shorter.unearned == reading.unearned
                    and shorter.unexplained == reading.unexplained
                    and shorter.missed == reading.missed
                )
            )
            or reading.score - shorter.score > margin
            or not _typed(shorter, type_ok)
        ):
            break
        reading = shorter
    return reading


def _constraint(
    analysis: QuestionAnalysis,
    anchors: Sequence[str],
    readings: Mapping[str, Sequence[Reading]],
    type_ok: TypeCheck | None,
    s: FormSettings,
    wh_ok: TypeCheck | None = None,
    missed_by: Callable[[Signature], int] | None = None,
) -> Resolution | None:
    # Fewest unnamed steps first, then shortest, counting each relation word of the question the pair
    # leaves unwalked as ``MISSED_HOPS`` steps: a pair of one-step readings that meet beats any longer
    # pair (a longer reading reaches more nodes, so it meets more easily, not more rightly), unless the
    # shorter one walks a step the question does not name ("members of X born in Y", Y a province: born
    # in its cities, not in its capital) or leaves a step it names unwalked where one step more walks it
    # ("X's grandchildren born in Y": child twice).
    def pairs(wide: bool) -> list[tuple[Reading, Reading, str, str]]:
        out: list[tuple[Reading, Reading, str, str]] = []
        for i, a in enumerate(anchors):
            for b in anchors[i + 1 :]:
                ra, rb = _pairable(readings[a], s), _pairable(readings[b], s)
                if not wide:
                    out.extend((x, y, a, b) for x in ra for y in rb)
                    continue
                # every one-step reading of either entity against the other's pairable ones
                wa = [r for r in readings[a] if len(r.signature) == 1]
                wb = [r for r in readings[b] if len(r.signature) == 1]
                out.extend((x, y, a, b) for x in ra for y in wb)
                out.extend((x, y, a, b) for x in wa for y in rb)
        return out

    def cost(x: Reading, y: Reading) -> tuple[int, float]:
        # (a word of the question naming a relation the pair leaves unwalked weighs a hop and a half: a
        # pair may take one step more to walk it, not two, as "stock" naming some other ``stocks``)
        left = missed_by(x.signature + y.signature) if missed_by is not None else 0
        return x.unearned + y.unearned, len(x.signature) + len(y.signature) + MISSED_HOPS * left

    def meeting(
        candidates: list[tuple[Reading, Reading, str, str]],
    ) -> tuple[float, Reading, Reading, list[str]] | None:
        best: tuple[float, Reading, Reading, list[str]] | None = None
        for x, y, a, b in sorted(candidates, key=lambda t: cost(t[0], t[1])):
            if best is not None and cost(x, y) > cost(best[1], best[2]):
                break
            meet = [e for e in x.ends if e in y.ends and e not in (a, b)]
            if type_ok is not None and meet:
                typed = [e for e in meet if type_ok(x.ends[e])]
                meet = typed or ([] if analysis.strong_type else meet)
            if wh_ok is not None and meet:
                # "who" meets at a person or a body that acts, never at a channel both readings reach
                meet = [e for e in meet if wh_ok(x.ends[e]) or wh_ok(y.ends[e])]
            if meet and (best is None or x.score + y.score > best[0]):
                best = (x.score + y.score, x, y, meet)
        return best

    best = meeting(pairs(wide=False))
    if best is None and analysis.strong_type and type_ok is not None:
        # "Which mast in X is run by Y?": a named type and two named entities, and no pair of close
        # readings meets; a weaker one-step reading of either entity may still be what the question says
        # in words the relations do not use ("run" for ``op_by``): any that meets the other's close
        # readings at the named type does, rather than answering for one entity alone
        best = meeting(pairs(wide=True))
    if best is None:
        return None
    _, x, y, meet = best
    chosen = [x, y]
    # a third named entity ("which paper in X from 2020 studies Y") narrows the meeting set further: its
    # shortest reading that keeps some of it, best score first
    for c in anchors:
        if c in (x.anchor, y.anchor):
            continue
        narrowing = [
            (len(z.signature), -z.score, i, z)
            for i, z in enumerate(_pairable(readings[c], s))
            if any(e in z.ends for e in meet)
        ]
        if narrowing:
            z = min(narrowing)[3]
            meet = [e for e in meet if e in z.ends]
            chosen.append(z)
    res = Resolution(
        answers=meet,
        form="constraint" if analysis.form in ("constraint", "single") else analysis.form,
        chosen=chosen,
        note={"rule": "paths from the named entities meet", "readings": [r.text for r in chosen]},
    )
    res.paths = [r.ends[e] for r in chosen for e in meet]
    if analysis.form == "count":
        res.value = str(len(meet))
    return res


def _pairable(ranked: Sequence[Reading], s: FormSettings) -> list[Reading]:
    """The readings of one entity that may form a constraint pair: the best ``pair_k`` within
    ``pair_margin`` of its best, and the best ``pair_k`` one-step readings within that margin of the best
    one-step reading (a reading that walks through both named relations scores high but rarely meets)."""
    top = [r for r in ranked[: s.pair_k] if ranked[0].score - r.score <= s.pair_margin]
    short = [r for r in ranked if len(r.signature) == 1][: s.pair_k]
    short = [r for r in short if short[0].score - r.score <= s.pair_margin]
    return list({id(r): r for r in [*top, *short]}.values())


def _labels_of(node: str, readings: Mapping[str, Sequence[Reading]]) -> frozenset[str]:
    """The labels of a named entity, read off a path that starts or ends at it (empty: none seen)."""
    for rs in readings.values():
        for r in rs:
            for p in r.ends.values():
                for n in (p.nodes[0], p.nodes[-1]):
                    if n.id == node:
                        return frozenset(n.labels)
    return frozenset()


def _ending_like(ranked: Sequence[Reading], labels: frozenset[str]) -> list[Reading]:
    """The readings (best first) that end at some node with one of ``labels`` (all when none known); a
    kind of person is like any other ("Was X one of Y's patients?": X a ``Surgeon``, Y's patients
    ``Person`` nodes)."""
    if not labels:
        return list(ranked)
    if any(_person_label(lab) for lab in labels):
        return [
            r
            for r in ranked
            if any(
                labels & set(p.nodes[-1].labels) or any(map(_person_label, p.nodes[-1].labels))
                for p in r.ends.values()
            )
        ]
    return [r for r in ranked if any(labels & set(p.nodes[-1].labels) for p in r.ends.values())]


@functools.lru_cache(maxsize=4096)
def _person_label(label: str) -> bool:
    """Whether a label names a kind of person (a word of ``PERSON_WORDS``; not a character of a story)."""
    words = set(humanize(label).lower().split())
    return bool(words & PERSON_WORDS) and "character" not in words


def _linked(
    analysis: QuestionAnalysis, anchors: Sequence[str], readings: Mapping[str, Sequence[Reading]]
) -> Resolution | None:
    """Answer "yes" to a question of two named entities that no reading matches well when an edge links
    the two directly, whatever its relation: the question asks about that link in words the graph does
    not use ("Did Wayfarer 1 go to Varnis?" over ``bound_for``, "Did X train Y?" over
    ``checked_out_by``). ``None`` when the graph does not link them directly: the question then gets "not
    found", not "no", as the relation it asks about is unknown and its absence no evidence."""
    named = list(dict.fromkeys(analysis.anchors))
    if len(named) < 2:
        return None
    # of three named, the first and the last are what the question links ("Does X supply leather to Y?"
    # asks about X and Y, and an edge from X to the leather it makes says nothing of it)
    ends = {named[0], named[-1]}
    for subject in anchors:
        if subject not in ends:
            continue
        for r in readings[subject]:
            target = next((t for t in ends if t != subject and t in r.ends), None)
            # (not a naming the question does not say: that the X Cross is named after Y is no "yes" to
            # "Did Y receive the X Cross?", the eponym's near miss)
            if len(r.signature) == 1 and target is not None and not _unsaid_naming(r):
                return _yes(r, target, "no reading matches the question well; an edge links the two")
    return None


def _other_in_slot(
    analysis: QuestionAnalysis, anchors: Sequence[str], readings: Mapping[str, Sequence[Reading]]
) -> Resolution | None:
    """Answer "no" to a question of two named entities that no reading matches well when the first has
    one relation alone to things of the second's kind, and it holds others: "Is X on Y?", X a building
    on another street (``bldg_on``), Y a street. The edges it holds are the evidence. ``None`` otherwise:
    with two relations or more to that kind, which one the question asks about is unknown."""
    named = list(dict.fromkeys(analysis.anchors))
    if len(named) != 2 or named[0] not in anchors:
        return None
    subject, target = named
    kinds = _labels_of(target, readings)
    if not kinds:
        return None
    fit = [
        r
        for r in readings[subject]
        if len(r.signature) == 1 and any(kinds & set(p.nodes[-1].labels) for p in r.ends.values())
    ]
    if len({r.signature for r in fit}) != 1 or target in fit[0].ends:
        return None
    return _no(
        fit[0], target, "no reading matches the question well; its one relation to the kind reaches others"
    )


_NAMING = frozenset(stem(w) for w in "named name namesake commemorates honours honors".split())


def _unsaid_naming(reading: Reading) -> bool:
    """Whether ``reading`` is one step along a relation that says what a thing is named after
    (``named_after``, ``commemorates``) that no word of the question names."""
    words = humanize(reading.signature[0][0]).lower().split() if len(reading.signature) == 1 else []
    return reading.unearned > 0 and bool(_NAMING & {stem(w) for w in words})


def _unnamed_back(reading: Reading, target: str, readings: Mapping[str, Sequence[Reading]]) -> bool:
    """Whether ``reading`` walked back from ``target`` is a step the question does not name: the reversed
    signature among the target's own readings, with unnamed steps."""
    back = tuple((rel, "in" if d == "out" else "out") for rel, d in reversed(reading.signature))
    return any(r.signature == back and r.unearned > 0 for r in readings.get(target, ()))


def _yes(reading: Reading, target: str, rule: str) -> Resolution:
    """Answer "yes": ``reading`` reaches ``target``, its path there the evidence."""
    return Resolution(
        answers=[target],
        value="yes",
        form="yes_no",
        chosen=[reading],
        paths=[reading.ends[target]],
        note={"rule": rule, "reading": reading.text},
    )


def _no(reading: Reading, target: str, rule: str) -> Resolution:
    """Answer "no": ``reading`` does not reach ``target``; what it reaches is the evidence."""
    return Resolution(
        answers=[],
        value="no",
        form="yes_no",
        chosen=[reading],
        paths=list(reading.ends.values())[:10],
        note={"rule": rule, "reading": reading.text, "reached": list(reading.ends)[:10], "target": target},
    )


def _yes_no(
    analysis: QuestionAnalysis,
    anchors: Sequence[str],
    readings: Mapping[str, Sequence[Reading]],
    s: FormSettings,
) -> Resolution:
    named = list(dict.fromkeys(analysis.anchors))
    if len(named) < 2:
        best = readings[anchors[0]][0]
        value = "yes" if best.ends else "no"
        return Resolution(
            answers=[],
            value=value,
            form="yes_no",
            chosen=[best],
            paths=list(best.ends.values())[:10],
            note={"rule": "the best reading reaches something"},
        )
    # "yes" when a reading from one named entity, close enough to its best, reaches the other.
    # "Close" is measured from the best reading of any named entity: a reading that only reaches the
    # other entity through relations the question never names scores far below the one it does name.
    # Nor may it walk more unnamed steps than its entity's best reading ("Is X based in Y?": not through
    # a subsidiary of X that is).
    # Readings that cannot end at a node of the other entity's type do not set the bar: "Does X play in
    # the Y orchestra?" is not measured against "X plays instrument".
    reaching: list[tuple[float, Reading, str]] = []
    options = []
    fitting = {
        (subject, target): _ending_like(readings[subject], _labels_of(target, readings))
        for subject in anchors
        for target in named
        if target != subject
    }
    leader = max((readings[a][0] for a in anchors), key=lambda r: r.score)
    best_all = leader.score
    voiced = leader.unearned == 0 and leader.cue > 0
    best_any = max((rs[0].score for rs in fitting.values() if rs), default=best_all)
    for subject in anchors:
        for target in named:
            if target == subject:
                continue
            options.append((readings[subject][0].score, subject, target))
            candidates = fitting[(subject, target)] or list(readings[subject])
            first = candidates[0]
            # the entity's best reading stops at something of another kind, an event the graph makes a node
            # of ("Did X buy Y?": X's acquisition, whose target is Y): that reading one step further is the
            # question's, whatever the word for the last step
            top = readings[subject][0]
            stops_short = all(r is not top for r in fitting[(subject, target)])
            # an edge between the two along a relation the question names is the answer however far
            # below the best it scores ("Did X buy Y at auction?": "auction" pulls paths through the
            # auction house above ``knocked_down_to``, which "buy" names)
            # (read the way the question's voice reads it: "Was X influenced by Y?" is not answered by Y's
            # being influenced by X)
            direct = [
                r
                for r in candidates
                if len(r.signature) == 1 and r.unearned == 0 and r.cue >= 0 and target in r.ends
            ]
            if direct:
                reaching.append((direct[0].score, direct[0], target))
                continue
            for r in candidates:
                if best_any - r.score > s.yes_margin:
                    break
                # let in by the type rule alone (far from the best of all): only a direct edge between
                # the two ("X member of Y") or a path the question names every step of
                relaxed = best_all - r.score > s.yes_margin
                long_way = len(r.signature) > 1 and r.unearned > 0
                continues = stops_short and r.signature[:-1] == top.signature
                # (never against the voice: "Was X taught by Y?" is not answered by X's pupil Y)
                against = r.cue < 0
                # (nor, far below the best reading of all where that walks only named steps the way the
                # question's voice reads them, a direct edge no word names: that Y built X answers no "Did
                # Y draw up the design for X?")
                unnamed = r.unearned > 0 and voiced and best_all - r.score > s.yes_margin
                # (nor a naming the question does not say: that the X Cross is named after Y is no "yes"
                # to "Did Y receive the X Cross?", the eponym's near miss)
                unnamed = unnamed or _unsaid_naming(r)
                if (
                    target in r.ends
                    and r.unearned <= first.unearned
                    and not ((((relaxed and long_way) or unnamed) and not continues) or against)
                ):
                    reaching.append((r.score, r, target))
                    break
    # A named one-step reading that reaches another thing of the other entity's kind answers "no" over a
    # reading the question does not name every step of: "Did X lose the final?" when the final's loser is
    # another club, however X is tied to the final (it won it).
    denied = any(
        len(r.signature) == 1 and r.unearned == 0 and target not in r.ends
        for (subject, target), fit in fitting.items()
        for r in fit[:1]
    )
    # (nor does a reading whose relation no word of the question names stand against it, though the label
    # it reaches is a word of the question: "Has X won the Y trophy?" along ``named_after``, "trophy"
    # naming the step and "won" left unexplained)
    # (a step is named only if it is named with the other entity's name out of the way too: "Was the X
    # Trophy awarded to Y?" read from Y names ``named_for`` by the trophy's own name; read from the
    # trophy, nothing names it)
    reaching = [
        t
        for t in reaching
        if (t[1].unearned == 0 and t[1].missed == 0 and not _unnamed_back(t[1], t[2], readings)) or not denied
    ]
    if reaching:
        _, r, target = max(reaching, key=lambda t: t[0])
        return _yes(r, target, "a reading from one entity reaches the other")
    options.sort(key=lambda t: -t[0])
    _, subject, target = options[0]
    return _no(readings[subject][0], target, "no reading close to the best reaches the other entity")

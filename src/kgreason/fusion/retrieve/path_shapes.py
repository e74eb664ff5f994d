"""Words that name a whole path shape, not one relation: "grandparents", "colleagues", "the club that ...".

Sentence embeddings read "Who are X's grandparents?" as close to "X's parent" as to "X's parent, then its
parent", and "X's bandmates" as close to "X member of band" as to the round trip back to the band's other
members; the words say which. ``QuestionShape`` reads three such cues from the masked question, and
``QuestionShape.fit`` tells how well a relation signature matches them:

- a *repeat* word, ``(great-)*grand<kin>``: the kin step (read as a noun, "parent" or "child") repeated
  two times, three with one "great", and so on;
- an *in-law* word ("parents-in-law", "father-in-law", "sons-in-law"): a marriage step and a kin step, in
  the order the word says: a parent-in-law is a spouse's parent, a child-in-law a child's spouse;
- a *peer* word ("colleagues", "bandmates", "teammates", "siblings", "co-stars", any "co-<verb>" such as
  "co-authored"), or "<verb> with X" ("who has written papers with X"): a round trip, out along a
  relation and straight back, through the thing the words name ("band", "work", "parent", "paper");
- an *intermediate* label: the question names a node type that is not what it asks for ("Who works at
  the *company* that sponsors X?"): a path that stops at that type is one hop short;
- *containment*: "in X" asks for a step into X along a relation that puts one place inside another
  (``in_country``, ``located_in``, ``part_of``), alone or as the bridge to the step the question names
  ("people born in X", X a country: through its cities, not its capital: ``containment``);
- the *voice* around a named entity: "languages influenced *by X*" makes X the agent of the verb, "*X was*
  influenced *by* ..." its patient; a first step along the relation the verb names is read the way that says
  (``voice``: an ``influenced_by`` edge backwards into the agent, an active ``owns`` edge forwards out of it),
  a whole cue for it and against the other reading. Masking the entities hides this ("Was X influenced by
  X?" reads the same both ways), so the cue is read from the question itself and the entity's mention;
- the *preposition* before a named entity ("universities *in* X", "the capital *of* X"): a first step
  read backwards into X along a relation that ends in that preposition (``located_in``, ``capital_of``)
  agrees with it, a weaker cue (``PREPOSITION_CUE`` of one) that breaks near ties between relations the
  question does not name. When the word before the preposition is itself a relation's word
  ("headquartered in X"), that word already names the step and the preposition adds nothing.

Each cue is an ordinary English word pattern, not a list of the graph's relations; the steps a cue matches
are found from the relation's own words and the schema's labels, as everywhere else in path scoring.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from kgreason.fusion.forms import ORGANISATION_WORDS, PLACE_WORDS, place_like, says_both_ways, symmetric
from kgreason.fusion.question import _singular as singular_noun
from kgreason.fusion.question import analyse
from kgreason.fusion.relation_words import (
    humanize,
    is_irregular_past,
    paraphrases,
    plain_idioms,
    role_nouns,
    said_by,
    shortens,
    stem,
    stems,
)

Step = tuple[str, str]
StepLabels = dict[Step, tuple[set[str], set[str]]]

_TOKEN = re.compile(r"[^\W_]+")
_GRAND = re.compile(r"^grand(parent|child|children|son|daughter|mother|father|kid|ma|pa)s?$")
_PARENT_NOUNS = frozenset({"parent", "mother", "father", "ma", "pa"})
_CHILD_NOUNS = frozenset({"child", "children", "son", "daughter", "kid"})
_CONVERSE = {"parent": "child", "child": "parent", "children": "parent", "mother": "child", "father": "child"}

# What a peer word shares with the peer: the stems a relation's words or the label it reaches may carry.
# Colleagues share a workplace: an employment relation, or any relation into an organisation ("Hamid's
# colleagues on the bench": judge -sits_on-> court).
_WORKPLACE = ("work", "employ", "job", "staff", *sorted(ORGANISATION_WORDS))
_PEER_WORDS: dict[str, tuple[str, ...]] = {
    "colleague": _WORKPLACE,
    "coworker": _WORKPLACE,
    "workmate": _WORKPLACE,
    "sibling": ("parent", "child"),
    "brother": ("parent", "child"),
    "sister": ("parent", "child"),
    "teammate": ("team", "club", "play", "squad"),
    "classmate": ("class", "school", "study", "student", "universit", "college"),
    "schoolmate": ("school", "study", "student", "college"),
    "costar": ("star", "act", "cast"),
    "bandmate": ("band", "member", "group"),
    "labmate": ("lab",),
    "roommate": ("room", "live", "resid"),
    "housemate": ("house", "live", "resid"),
    "flatmate": ("flat", "live", "resid"),
}
_PEERS = {word: tuple(dict.fromkeys(map(stem, bases))) for word, bases in _PEER_WORDS.items()}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _stems(text: str) -> list[str]:
    return [stem(w) for w in _TOKEN.findall(text.lower())]


def step_noun(step: Step) -> str:
    """The noun a kinship-like step reads as from its start: ``parent_of`` backwards is "parent",
    forwards "child"; a relation named by a kin noun alone holds the head's kin at its tail (``prnt``
    forwards is "parent", backwards "child": its ``role_nouns``); ``""`` for any other relation."""
    words = humanize(step[0]).split()
    if len(words) < 2 or words[-1] != "of":
        return _kin_by_role(step) or ""
    noun = words[-2]
    return noun if step[1] == "in" else _CONVERSE.get(noun, "")


def _kin_by_role(step: Step) -> str | None:
    """ "parent" or "child": the kin a step reaches by the role nouns of its relation (``role_nouns``:
    ``prnt`` forwards reaches X's parent), or None."""
    roles = role_nouns(step[0])
    return None if roles is None else _kin_family(roles[0 if step[1] == "out" else 1].split()[0])


@functools.lru_cache(maxsize=4096)
def marriage(relation: str) -> bool:
    """Whether a word of ``relation`` says a marriage ("married to", "spouse of": the paraphrases of
    "spouse")."""
    return any(stem(w) in paraphrases(stem("spouse")) for w in humanize(relation).split())


def kin_step(step: Step, kind: str) -> bool:
    """Whether ``step`` reads as the kin ``kind``: "spouse" (a marriage relation, either way), "parent"
    or "child" (``step_noun``)."""
    return marriage(step[0]) if kind == "spouse" else step_noun(step) == kind


_IN_LAW = re.compile(
    r"\b(parent|mother|father|son|daughter|child|children)s?[-\s]in[-\s]laws?\b", re.IGNORECASE
)


def in_law(text: str) -> tuple[str, str] | None:
    """The two steps an in-law word of ``text`` names, in order (``None`` when it has none).

    >>> in_law("Who are X's parents-in-law?"), in_law("Who is X's son in law?")
    (('spouse', 'parent'), ('child', 'spouse'))
    """
    m = _IN_LAW.search(text)
    if m is None:
        return None
    return ("spouse", "parent") if m.group(1).lower() in _PARENT_NOUNS else ("child", "spouse")


def _matches(step: Step, bases: Collection[str], steps: StepLabels) -> bool:
    _, arrives = steps.get(step, (set(), set()))
    words = _stems(humanize(step[0]) + " " + " ".join(humanize(label) for label in arrives))
    noun = step_noun(step)
    if noun:
        words.append(noun)
    return any(w == b or (len(b) >= 4 and w.startswith(b)) for w in words for b in bases)


@dataclass(frozen=True)
class QuestionShape:
    """The path-shape cues of one masked question (see the module docstring)."""

    repeat: tuple[frozenset[str], int] | None = None
    """Nouns a repeated step must read as, and how many times it repeats."""
    in_law: tuple[str, str] | None = None
    """The two steps an in-law word names, in order: ("spouse", "parent") or ("child", "spouse")."""
    peers: tuple[tuple[str, ...], ...] = ()
    """For each peer word, the stems the round trip's relation or label must carry."""
    intermediate: frozenset[str] = frozenset()
    """Label words (lower case, singular) the question names but does not ask for."""
    prepositions: frozenset[str] = frozenset()
    """The prepositions right before a named entity ("in X", "of the X")."""
    words: frozenset[str] = frozenset()
    """The stems of the question's words."""
    inside: bool = False
    """Whether "in" or "within" stands right before a named entity, even where a relation's word
    holds it ("born in X"): a place's contents may be asked for through a containment step."""
    holding: bool = False
    """Whether the answer is a place the named entity lies in ("Which district is X in?", "In which town
    is X?"): no containment step down (into a place's contents) ends the path."""

    @property
    def empty(self) -> bool:
        return (
            self.repeat is None
            and self.in_law is None
            and not self.peers
            and not self.intermediate
            and not self.prepositions
            and not self.inside
            and not self.holding
        )

    def named(self, sig: tuple[Step, ...], steps: StepLabels) -> bool:
        """Whether a repeat or peer word names this signature's whole shape (so its hops, and its round
        trip, are what the question asks for)."""
        if self.repeat is not None:
            nouns, times = self.repeat
            if len(sig) == times and len(set(sig)) == 1 and step_noun(sig[0]) in nouns:
                return True
        if self.in_law is not None and len(sig) == 2:
            return all(kin_step(step, kind) for step, kind in zip(sig, self.in_law, strict=True))
        if self.peers and len(sig) == 2:
            (r1, d1), (r2, d2) = sig
            if r1 == r2 and d1 != d2 and any(_matches(sig[0], bases, steps) for bases in self.peers):
                return True
        return False

    def says(self, relation: str) -> bool:
        """Whether a word of the question is a word of ``relation`` or a paraphrase of one."""
        return any(p in self.words for w in _stems(humanize(relation)) for p in said_by(w))

    def walks_repeat(self, sig: tuple[Step, ...]) -> bool:
        """Whether the signature starts with the repeated kin step and goes on from there ("What does X's
        grandchild play?": child, child, then plays)."""
        if self.repeat is None:
            return False
        nouns, times = self.repeat
        head = sig[:times]
        return len(sig) > times and len(set(head)) == 1 and step_noun(head[0]) in nouns

    def walks_in_law(self, sig: tuple[Step, ...], steps: StepLabels) -> bool:
        """Whether the signature starts with the in-law word's two steps and goes on ("Where was X's
        father-in-law born?")."""
        return len(sig) > 2 and self.in_law is not None and self.named(sig[:2], steps)

    def fit(self, sig: tuple[Step, ...], steps: StepLabels) -> float:
        """+1 for a signature of the shape a repeat or peer word asks for (or that walks the repeat and
        goes on), -1 for one that stops at an intermediate label, ``CONTAINMENT_CUE`` when its first step
        is the containment step "in X" asks for (``containment``), else ``PREPOSITION_CUE`` when its first
        step agrees with the preposition before the entity, 0 otherwise."""
        walks = self.walks_repeat(sig) or self.walks_in_law(sig, steps)
        score = 1.0 if self.named(sig, steps) or walks else 0.0
        # a containment step alone only where no relation's word holds the "in" ("Which cities are in
        # X?", not "Is Y based in X?"); as the bridge to a named step, either way ("born in X")
        alone = len(sig) == 1 and not (self.prepositions & _INSIDE)
        then = sig[1] if len(sig) > 1 else None
        if (
            self.inside
            and sig
            and not alone
            and (then is None or contains(then[0]) or self.says(then[0]))
            and containment(sig[0], steps, then)
        ):
            score += CONTAINMENT_CUE
        elif self.prepositions and sig and sig[0][1] == "in":
            words = humanize(sig[0][0]).split()
            if len(words) > 1 and (words[-1] in self.prepositions or words[0] in self.prepositions):
                score += PREPOSITION_CUE
        if self.intermediate:
            _, arrives = steps.get(sig[-1], (set(), set()))
            if arrives and all(humanize(label).lower() in self.intermediate for label in arrives):
                score -= 1.0
        if self.holding and len(sig) > 1 and sig[-1][1] == "in" and contains(sig[-1][0]):
            # "Which district is X in?": up to X's city and down to its districts are the districts
            # beside X's, not the one X is in (the sentence encoder reads both alike)
            score -= CONTAINMENT_CUE
        return score


_INSIDE = frozenset({"in", "within", "inside", "across", "throughout"})
_HOLD = frozenset({"have", "has", "contain", "contains", "include", "includes"})
"""What a place is said to hold (``_HAVE``, further down, is the auxiliary alone)."""
_CONTAINMENT = (
    ("in",),
    ("within",),
    ("inside",),
    ("located", "in"),
    ("part", "of"),
    ("situated", "in"),
    ("lies", "in"),
)


_TIMES = frozenset("year date month season decade century era".split())

# an area a relation may be named by alone, or by a cut of three letters or more ("ctry", "rgn", "loc"):
# a thing's country is the country it lies in (not "capital", which is a place of a role)
_AREAS = frozenset(
    "place location area city town village country nation state region province county district "
    "municipality continent island duchy kingdom realm earldom diocese shire".split()
)


@functools.lru_cache(maxsize=4096)
def contains(relation: str) -> bool:
    """Whether ``relation`` says one place is inside another ("in country", ``located_in``, ``part_of``,
    or areas' words alone, as data teams name containment: ``country``, ``ctry``, ``rgn``, ``loc``,
    ``nat``, ``loc_cty``); not a relation to a noun of something ("in collection of", "in support of":
    what holds a work is no place it lies in), nor a place of a role (``hq_cty``)."""
    words = tuple(humanize(relation).split())
    if all(
        len(w) >= 3 and any(a == w or shortens(w, a) or _skeleton_cut(w, a) for a in _AREAS) for w in words
    ):
        return True
    if any(w == t or shortens(w, t) for w in words for t in _TIMES):
        return False  # "in year" (``in_yr``): a time, no place
    if len(words) == 2 and words[1] == "of" and words[0] in _AREAS:
        return True  # "X district_of Y": X is a district of Y, so inside it
    # (its words, or a cut of a long one: ``pt_of``, "part of")
    return any(
        len(words) >= len(head)
        and all(w == h or (len(h) >= 4 and shortens(w, h)) for w, h in zip(words, head, strict=False))
        and (len(words) == len(head) or words[-1] not in _PREPOSITIONS)
        for head in _CONTAINMENT
    )


def _skeleton_cut(short: str, word: str) -> bool:
    """Whether ``short`` is the first letter and the next consonants of ``word``, three at least and not
    all of them: an area's cut ("prv": province, "dst": district), read against the few area words
    only (of any word, "stn" would be "stand")."""
    skeleton = word[0] + "".join(c for c in word[1:] if c not in "aeiou")
    return 3 <= len(short) < len(skeleton) and skeleton.startswith(short)


def containing(steps: StepLabels) -> frozenset[str]:
    """The containment relations of the graph (``contains``: ``part_of``, ``in_country``, ``dist``)."""
    return frozenset(r for r, _ in steps if contains(r))


def placing(steps: StepLabels) -> frozenset[str]:
    """The relations that put a thing at a place, read from the schema: the containment relations
    (``contains``), and every relation whose range is only labels of places or sites (``place_like``)
    that containment relations link (``Airport serves City``, ``Flight arrives_at Airport``, ``Person
    born_in City``), whatever its name; not ``Scientist heads Lab`` though a lab is part of an
    institute. "How many flights land in X?" (X a country) walks four such steps down from X."""
    inside = {r for r, _ in steps if contains(r)}
    places = {
        lab
        for (r, _), (leaves, arrives) in steps.items()
        if r in inside
        for lab in leaves | arrives
        if place_like(lab)
    }
    out = set(inside)
    for (relation, direction), (_, arrives) in steps.items():
        if direction == "out" and arrives and arrives <= places:
            out.add(relation)
    return frozenset(out)


def chain_hops(sig: Sequence[Step], placed: Collection[str] = ()) -> int:
    """The hops ``sig`` counts against a hop limit: a run of three or more steps the same way along
    containment relations, or relations that put a thing at a place (``placed``, from ``placing``:
    country -> region -> city -> stadium), counts one hop less for each step past its second, so "How
    many finals were played in X?" (X a country: three steps down to its stadiums, one more to their
    finals) fits a three-hop limit. Callers stop two steps past their limit at most. A run of two saves
    nothing: "districts in X" is no reason to walk down to their cities and back up another way."""

    def places(relation: str) -> bool:
        return relation in placed or contains(relation)

    hops, run = len(sig), 1
    for i in range(1, len(sig)):
        if sig[i][1] == sig[i - 1][1] and places(sig[i][0]) and places(sig[i - 1][0]):
            run += 1
            if run > 2:
                hops -= 1
        else:
            run = 1
    return hops


def containment(step: Step, steps: StepLabels, then: Step | None = None) -> bool:
    """Whether ``step``, read backwards into a place, is a containment step ("city in country",
    ``located_in``, ``part_of``) that the question's "in X" asks for: alone ("Which cities are in X?"),
    or as the bridge to a next step that cannot start at X itself ("people born in X" when X is a
    country and ``born_in`` reaches cities: through X's cities; when X is a city, ``born_in`` needs no
    bridge). ``QuestionShape.fit`` also wants that next step named, or a containment step itself."""
    if step[1] != "in" or not contains(step[0]):
        return False
    if then is None:
        return True
    starts = steps.get(step, (set(), set()))[0]
    then_starts = steps.get(then, (set(), set()))[0]
    return bool(starts) and not (starts & then_starts)


_DETERMINERS = frozenset("the a an that this its their his her whose".split())
_NOT_BASES = stems("what which where when whom whose have does with there their that this")
_PREPOSITIONS = frozenset("in of by for from to at with on into under near".split())
PREPOSITION_CUE = 0.3
"""What a preposition agreeing with a path's first step counts for, as a fraction of one cue."""
CONTAINMENT_CUE = 2.0
"""What "in X" counts for a containment step into X, in cues: sentence embeddings read "How many cities
are there in X?" closer to "X's capital city" than to "city in country X" by ~0.15, more than one cue."""


def _determined(tokens: list[str], i: int) -> bool:
    """Whether the word at ``i`` follows a determiner or a possessive ("the club", "X's club"): a thing
    the question walks through, not a modifier ("the capital city")."""
    if i == 0:
        return False
    before = tokens[i - 1]
    return before in _DETERMINERS or (before == "s" and i >= 2 and tokens[i - 2] == "x")


@functools.lru_cache(maxsize=4096)
def question_shape(
    masked: str, labels: frozenset[str] = frozenset(), relation_words: frozenset[str] = frozenset()
) -> QuestionShape:
    """The cues of ``masked`` (the question with its entity mentions replaced by ``X``).

    Args:
        masked: the masked question.
        labels: the graph's node labels, read as words (``"sports club"``), for intermediate mentions.
        relation_words: the stems of the graph's relation names: a preposition after one of them is
            that relation's, not a cue of its own.

    >>> question_shape("Who are the great-grandparents of X?").repeat
    (frozenset({'parent'}), 3)
    >>> question_shape("Name X's bandmates.").peers
    (('band', 'member', 'group'),)
    >>> shape = question_shape("Who works at the company that sponsors X?", frozenset({"company"}))
    >>> sorted(shape.intermediate)
    ['company']
    """
    tokens = _TOKEN.findall(masked.lower())
    repeat = None
    for i, tok in enumerate(tokens):
        m = _GRAND.match(tok)
        if m:
            greats = 0
            while i - 1 - greats >= 0 and tokens[i - 1 - greats] == "great":
                greats += 1
            kin = m.group(1)
            nouns = _PARENT_NOUNS if kin in _PARENT_NOUNS else _CHILD_NOUNS
            repeat = (frozenset({"parent"} if nouns is _PARENT_NOUNS else {"child"}), 2 + greats)
            break
    peers: list[tuple[str, ...]] = []
    joined = [*tokens, *(a + b for a, b in itertools.pairwise(tokens) if a == "co")]
    for tok in joined:
        word = _singular(tok)
        if word in _PEERS:
            peers.append(_PEERS[word])
        elif word.endswith("mate") and len(word) > 6:
            peers.append((stem(word[:-4]),))
        elif word.startswith("co") and len(word) > 6:
            # "co-authored" (joined from "co", "authored"), "coauthors": a relation's word after "co";
            # as a verb, only "with" someone asks for the peer ("What did X co-write?" asks what)
            rest = _stems(word[2:])[0]
            noun = tok != word or word.endswith(("er", "or", "ar"))
            if (tok not in tokens or rest in relation_words) and (noun or "with" in tokens):
                peers.append((rest,))
    intermediate: set[str] = set()
    if labels:
        analysis = analyse(masked)
        asked = analysis.answer_type
        singulars = [_singular(t) for t in tokens]
        for label in labels:
            parts = label.lower().split()
            n = len(parts)
            if not asked or not parts or parts[-1] in asked.split():
                continue
            spans = range(len(tokens) - n + 1)
            if any(singulars[i : i + n] == parts and _determined(tokens, i) for i in spans):
                intermediate.add(label.lower())
    prepositions = set()
    inside = False
    for i, tok in enumerate(tokens):
        if tok != "x" or i == 0:
            continue
        j = i - 1
        if tokens[j] in ("the", "a", "an") and j > 0:
            j -= 1
        inside = inside or tokens[j] in _INSIDE
        # "does X have", "X contains": what a place has is in it ("How many cities does X have?" reads
        # "How many cities are in X?")
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if after in _HOLD and (tokens[j] in _DO or after in ("has", "contains", "includes")):
            inside = True
            prepositions.add("in")
        if tokens[j] in _PREPOSITIONS and not (j > 0 and _stems(tokens[j - 1])[0] in relation_words):
            prepositions.add(tokens[j])
    if "with" in prepositions:
        # "A wrote papers with X": A and X did the same thing, a round trip through what the words name
        bases = tuple(w for w in _stems(masked) if len(w) >= 4 and w not in _NOT_BASES)
        if bases:
            peers.append(bases)
    return QuestionShape(
        repeat,
        in_law(masked),
        tuple(dict.fromkeys(peers)),
        frozenset(intermediate),
        frozenset(prepositions),
        frozenset(_stems(masked)),
        inside,
        asks_place_of(masked),
    )


_PLACE_OF = (
    re.compile(
        r"^\s*(?:in|within)\s+(?:which|what)\s+(?P<type>[a-z]+)\s+(?:is|are|was|were)\s+(?:the\s+|an?\s+)?"
        r"(?:[a-z]+\s+){0,2}?X(?:\s+(?:located|situated|found))?\s*[?.]?\s*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:which|what)\s+(?P<type>[a-z]+)\s+(?:is|are|was|were)\s+(?:the\s+|an?\s+)?"
        r"(?:[a-z]+\s+){0,2}?X\s+(?:(?:located|situated|found)\s+)?in\s*[?.]?\s*$",
        re.IGNORECASE,
    ),
)


@functools.lru_cache(maxsize=4096)
def asks_place_of(masked: str) -> bool:
    """Whether ``masked`` asks only which place ``X`` lies in ("In which city is the restaurant X?"),
    as "Where is X?" does.

    >>> [asks_place_of(q) for q in ("Which district is X in?", "In which town is X?")]
    [True, True]
    >>> [asks_place_of(q) for q in ("Which stations are in X?", "Who was born in X?")]
    [False, False]
    """
    for pattern in _PLACE_OF:
        match = pattern.match(masked)
        if match is not None and singular_noun(match["type"].lower()) in PLACE_WORDS:
            return True
    return False


def shape_of(masked: str, steps: StepLabels) -> QuestionShape:
    """``question_shape`` with the labels the schema's steps reach (what both path scorers call)."""
    labels = frozenset(humanize(lab) for _, arrives in steps.values() for lab in arrives)
    words = frozenset(w for relation, _ in steps for w in _stems(humanize(relation)))
    return question_shape(masked, labels, words - _PREPOSITIONS)


_BE = frozenset("is are was were be been being has have had get gets got also not ever".split())
_DO = frozenset("did does do has have had will would can could".split())
_NOT_VERB = frozenset("of in on at to for from with about and or that which who whom whose what".split())


def voice(question: str, mention: str, steps: StepLabels) -> dict[Step, float]:
    """+1 for each first step from the entity ``mention`` that reads the verb around it the way its voice
    says, -1 for the opposite reading ({} when no verb stands next to the mention).

    X is the agent of "<verb> by X" and of "did X <verb>": a relation stored passive (``influenced_by``)
    is read backwards into X, one stored active (``owns``, ``influences``) forwards out of it; "X (was)
    <verb> by" and "<verb> X" make X the patient, the other way round. Only relations whose verb the
    question's verb names count.

    >>> steps = {("influenced_by", "out"): (set(), set()), ("influenced_by", "in"): (set(), set())}
    >>> voice("Which languages were influenced by Corvid?", "Corvid", steps)[("influenced_by", "in")]
    1.0
    >>> voice("Was Corvid influenced by Ember?", "Corvid", steps)[("influenced_by", "in")]
    -1.0
    >>> voice("What bands did Corvid influence?", "Corvid", steps)[("influenced_by", "in")]
    1.0
    >>> voice("Which bands influenced Corvid?", "Corvid", steps)[("influenced_by", "in")]
    -1.0

    A relation with role nouns (``studied_under``: X's teacher) reads the verb its role noun's doer does
    ("teach") as if stored "taught by":

    >>> steps = {("studied_under", "out"): (set(), set()), ("studied_under", "in"): (set(), set())}
    >>> voice("How many people did Remy teach?", "Remy", steps)[("studied_under", "in")]
    1.0
    >>> voice("Was Remy taught by Lisk?", "Remy", steps)[("studied_under", "out")]
    1.0

    The entity before "<verb> <preposition>" ("Was X folded into Y?") is the relation's head: the cue
    against reading it backwards (``_preposition_cues``) joins whatever else the verb says.
    """
    # (read in plain words: "Was Y carved out of X?" as "Was Y split from X?")
    tokens = _TOKEN.findall(plain_idioms(question).lower())
    words = _TOKEN.findall(mention.lower())
    n = len(words)
    at = next((i for i in range(len(tokens) - n + 1) if n and tokens[i : i + n] == words), None)
    cues = {**_time_cues(tokens, steps), **_voice(tokens, words, at, steps)}
    if at is None or words[-1] == "s" or tokens[at + n : at + n + 1] == ["s"]:
        return cues
    k = at + n
    while k < len(tokens) and tokens[k] in _BE:
        k += 1
    if k + 1 < len(tokens) and tokens[k + 1] != "from":
        return {**_preposition_cues(tokens[k], tokens[k + 1], steps, subject=True), **cues}
    return cues


# Words that put the answer after the named entity in time ("What was X renamed next?") or before it ("What
# was X called previously?")
_LATER = frozenset("next later afterwards afterward subsequently eventually new newer successor".split())
_EARLIER = frozenset(
    "previously earlier before formerly original originally old older prior predecessor".split()
)
# Particles that make one verb with the verb before them ("followed up")
_PARTICLES = frozenset(("up", "on"))
# Verbs of relations that order things in time, by whether the head is the later of the two when the verb is
# active ("X replaced Y", "X succeeds Y": X later; "X precedes Y": X earlier); passive ("succeeded by") the
# other way round
_AFTER_VERBS = stems(
    "succeeds succeeded replaces replaced supersedes superseded follows followed derives derived remake "
    "remakes remade sequel descends descended"
)
_BEFORE_VERBS = stems("precedes preceded predates predated prequel")
# A relation of a verb and "to"/"into" reaches the later thing ("renamed to", "merged into", "became"), one
# of a verb and "from" the earlier ("spun off from", "derived from")
_BECOME_VERBS = stems(
    "renamed renames rebranded rebrands became becomes merged merges evolved evolves converted turned"
)


def _tail_later(relation: str) -> bool | None:
    """Whether ``relation`` (head -> tail) reaches a thing later in time than its head (True), earlier
    (False), or orders nothing in time (None): by its verb and its preposition or voice.

    >>> [_tail_later(r) for r in ("renamed_to", "succeeded_by", "replaces", "spun_off_from", "born_in")]
    [True, True, False, False, None]
    >>> _tail_later("followed_up"), _tail_later("followed_up_by")
    (False, True)
    """
    words = humanize(relation).split()
    if not words:
        return None
    verb = stem(words[0])
    last = words[-1]
    if last == "from" and len(words) >= 2:
        return False
    if last in ("to", "into") and verb in _BECOME_VERBS:
        return True
    if verb in _BECOME_VERBS and len(words) == 1:
        return True
    if last == "of" and len(words) == 2 and verb in _AFTER_VERBS | _BEFORE_VERBS:
        return verb in _BEFORE_VERBS  # "remake of" the earlier film, "prequel of" the later
    passive = last == "by"
    # (a verb and its particle are one verb: "X followed up Y", X the later)
    alone = len(words) == 1 or (len(words) == 2 and last in _PARTICLES)
    if verb in _AFTER_VERBS and (passive or alone):
        return passive
    if verb in _BEFORE_VERBS and (passive or alone):
        return not passive
    return None


def _time_cues(tokens: Sequence[str], steps: StepLabels) -> dict[Step, float]:
    """+1 for each step along a relation that orders things in time (``_tail_later``) towards the end the
    question's time word asks for, -1 for the other way: "What did X trade under *next*?" is the name X
    was renamed to, not the one it was renamed from; {} without one such word, or with both kinds."""
    later = bool(_LATER.intersection(tokens))
    if later == bool(_EARLIER.intersection(tokens)):
        return {}
    out: dict[Step, float] = {}
    for relation, direction in steps:
        tail_later = _tail_later(relation)
        if tail_later is None:
            continue
        forwards = direction == "out"
        out[(relation, direction)] = 1.0 if forwards == (tail_later == later) else -1.0
    return out


def _voice(
    tokens: Sequence[str], words: Sequence[str], at: int | None, steps: StepLabels
) -> dict[Step, float]:
    n = len(words)
    if at is not None and (kin := _kin_cues(tokens, at, at + n, steps)):
        return kin
    if at is None or words[-1] == "s" or tokens[at + n : at + n + 1] == ["s"]:
        return {}  # "by X's children": the verb's argument is X's children, not X
    j = at - 1
    while j > 0 and tokens[j] in ("the", "a", "an"):
        j -= 1
    k = at + n
    while k < len(tokens) and tokens[k] in _BE:
        k += 1
    if (
        k + 1 < len(tokens)
        and tokens[k + 1] == "from"
        and (said := _preposition_cues(tokens[k], tokens[k + 1], steps, subject=True))
    ):
        # "Was X split from Y?": X holds the relation said with its preposition at its head, either voice
        return said
    if j >= 1 and tokens[j] == "by":
        verb, agent = tokens[j - 1], True  # "influenced by X"
    elif k + 1 < len(tokens) and tokens[k + 1] == "by":
        verb, agent = tokens[k], False  # "X was influenced by"
    elif at >= 1 and tokens[at - 1] in _DO and k == at + n and k < len(tokens):
        # "What bands did X influence?" ("Did X train under Y?": the verb with the word after it)
        return _verb_cues(tokens[k], True, steps, tokens[k + 1] if k + 1 < len(tokens) else "")
    elif (
        at >= 1
        and k == at + n < len(tokens)
        and _past(tokens[k])
        and (
            tokens[at - 1] in _RELATIVE
            or (tokens[at - 1] not in _BE | _DO | _DETERMINERS | _PREPOSITIONS | _NOT_VERB)
        )
        and not _past(tokens[at - 1])
    ):
        # "the woman X married", "the firm X founded": X did the verb, and the thing before X is what the
        # first step reaches, whatever the question asks of it ("the parents of the woman X married": the
        # marriage first, then the parents)
        return _object_clause_cues(tokens[k], steps)
    elif j >= 1 and tokens[j] in _PREPOSITIONS and tokens[j] != "by":
        # "spun off from X", "the coach of X": X is the object of the verb before the preposition (a
        # particle between them), read by ``_verb_cues`` (a phrasal verb's relation, ``spun_off_from``,
        # reaches X at its tail, and so does a relation of that verb alone, ``coaches``)
        v = j - 1 if tokens[j - 1] not in _PARTICLES or j < 2 else j - 2
        if tokens[v] in _BE or tokens[v] in _NOT_VERB:
            return {}
        # ("trained under X", "apprenticed to X": the verb with its preposition is the learner's, and X
        # the master, whatever the role nouns say of "train")
        after = tokens[j] if tokens[j] in ("under", "to") else ""
        return {
            **_preposition_cues(tokens[v], tokens[j], steps),
            **_verb_cues(tokens[v], False, steps, after),
        }
    elif j >= 0 and at >= 1 and tokens[j] not in _BE and tokens[j] not in _NOT_VERB:
        verb, agent = tokens[j], False  # "the band that influenced X"
    else:
        return {}
    return _verb_cues(verb, agent, steps)


_RELATIVE = frozenset(("that", "whom", "which"))
"""Words opening a relative clause whose subject the entity is ("the geologist *that* X learned under")."""


def _preposition_cues(
    verb: str, preposition: str, steps: StepLabels, subject: bool = False
) -> dict[Step, float]:
    """Cues for X said after "<verb> from" ("Was Y split from X?"): a relation named by that verb and
    "from" ("split from") holds X at its tail, whichever the voice ("Y split from X", "Y was split from
    X"), so it reads backwards into X (+1), not forwards (-1); X said before them (``subject``, "Was X
    split from Y?") holds it at its head, the other way round.

    Other prepositions (``_HEADED``) give only the cue against: "Was X merged into Y?" is not read along
    ``merged_into`` backwards from X, nor "Who works for X?" forwards from X. Not the cue for: a relation
    of a verb and "for" or "at" may be a qualified one's plain twin ("Who used to play for X?" asks along
    ``formerly_played_for``, not ``plays_for``).

    >>> steps = {("merged_into", "out"): ({"Firm"}, {"Firm"}), ("merged_into", "in"): ({"Firm"}, {"Firm"})}
    >>> _preposition_cues("folded", "into", steps, subject=True)
    {}
    >>> _preposition_cues("merged", "into", steps, subject=True)
    {('merged_into', 'in'): -1.0}
    >>> _preposition_cues("merged", "into", steps)
    {('merged_into', 'out'): -1.0}
    """
    if preposition != "from" and preposition not in _HEADED:
        return {}
    out: dict[Step, float] = {}
    verb_stem = stem(verb)
    verb_said = paraphrases(verb_stem)
    for relation, direction in steps:
        rel = humanize(relation).split()
        # (a relation that holds both ways has no head to read: "Is X married to Y?")
        if (
            # ("split from" names ``spun_off_from`` too: a paraphrase of its verb, a particle between)
            (len(rel) == 2 or (len(rel) == 3 and rel[1] in _PARTICLES))
            and rel[-1] == preposition
            and (stem(rel[0]) == verb_stem or stem(rel[0]) in verb_said)
            and not symmetric(relation, steps)
            # (nor, for the cue against, one whose words say it holds both ways, whatever its labels:
            # "Is X married to Y?" where X is an ``Architect`` and Y a ``Person``)
            and (preposition == "from" or not says_both_ways(relation))
        ):
            cue = 1.0 if (direction == "in") != subject else -1.0
            if preposition == "from" or cue < 0:
                out[(relation, direction)] = cue
    return out


_HEADED = frozenset("into to under on at in for".split())
"""Prepositions after a relation's verb whose entity is its tail ("merged into X", "works for X"): not
"with" ("paired with", "worked with" say what holds both ways), nor "of" ("rival of")."""


def _object_clause_cues(verb: str, steps: StepLabels) -> dict[Step, float]:
    """Cues for the first step of "the N X <verb>ed": ``_verb_cues`` with X the agent; for a relation
    named by the verb itself, active ("the rocket X flew on": ``flown_on``), X its subject; and +1 for both
    readings of a relation the verb names that has no voice to read ("married": ``spouse_of``, and
    ``married_to``, which holds both ways: ``forms.symmetric``)."""
    out = _verb_cues(verb, True, steps)
    named = paraphrases(stem(verb))
    for relation, direction in steps:
        if (relation, direction) in out:
            continue
        words = humanize(relation).split()
        if stem(words[0]) == stem(verb) and words[-1] != "by" and not symmetric(relation, steps):
            # the verb itself, active ("flown on"): X flew on it, so X is the relation's subject
            out[(relation, direction)] = 1.0 if direction == "out" else -1.0
        elif any(stem(w) in named for w in words):
            out[(relation, direction)] = 1.0
    return out


_KIN = {
    "child": frozenset("child children son sons daughter daughters kid kids".split()),
    "parent": frozenset("parent parents father fathers mother mothers dad mum mom".split()),
}
_CONVERSE_KIN = {"child": "parent", "parent": "child"}


_SPOUSES = frozenset("husband husbands wife wives spouse spouses".split())
"""Nouns of a marriage said after "X's"."""

_PARENT_FIRST = dict.fromkeys("aunt aunts uncle uncles cousin cousins".split(), "parent")
"""Kin nouns of a chain that starts with a step to the parents."""


def _kin_family(word: str) -> str | None:
    return next((family for family, words in _KIN.items() if word in words), None)


def _kin_family_cut(word: str) -> str | None:
    """``_kin_family`` of a relation's word, or of the kin noun it cuts ("chld" of ``chld_of``: child)."""
    return _kin_family(word) or next((family for family in _KIN if shortens(word, family)), None)


def _kin_cues(tokens: Sequence[str], start: int, end: int, steps: StepLabels) -> dict[Step, float]:
    """Cues for the kin relations named "<kin> of" (``child_of``, ``parent_of``) or by a kin noun alone
    (``prnt``: ``step_noun``) from an entity said as
    "X's son" (a step that reaches X's children: +1, X's parents: -1), or as the subject of "Is X Y's
    son?" (the other way round: X's parents are where Y must be). {} for any other question."""
    after = end + 1 if tokens[end - 1 : end] != ["s"] and tokens[end : end + 1] == ["s"] else end
    family = None
    if tokens[end - 1 : end] == ["s"] or after > end:
        # ("X's aunt", "X's cousin": a parent first)
        family = (
            (_kin_family(tokens[after]) or _PARENT_FIRST.get(tokens[after])) if after < len(tokens) else None
        )
    elif start == 1 and tokens[0] in ("is", "was", "are", "were"):
        said = next(
            (_kin_family(tokens[i + 1]) for i in range(end, len(tokens) - 1) if tokens[i] == "s"),
            None,
        )
        family = _CONVERSE_KIN.get(said) if said else None
    if family is None and after == end and tokens[end - 1 : end] != ["s"]:
        # (not said "X's": "the son of X's wife" is no son of X)
        if (role := _kin_role_of(tokens, start, end)) is not None:
            family = _CONVERSE_KIN[role]
        elif start >= 2 and tokens[start - 1] == "of":
            family = _kin_family(tokens[start - 2])  # "the daughter of X": X's children
        elif (
            start >= 2
            and tokens[start - 1] in ("does", "did", "do")
            and tokens[end : end + 1]
            in (
                ["have"],
                ["had"],
            )
        ):
            # "How many sons and daughters does X have?": X's children
            family = next((f for t in reversed(tokens[: start - 1]) if (f := _kin_family(t))), None)
    if in_law(" ".join(tokens[after:])) is not None:
        return {}  # "X's father-in-law": a marriage step first (``in_law``)
    possessive = tokens[end - 1 : end] == ["s"] or after > end
    if family is None and possessive and after < len(tokens) and tokens[after] in _SPOUSES:
        # "X's husband's mother": the marriage first, not a kin step (X's parent's spouse is X's parent)
        return {
            step: 1.0 if marriage(step[0]) else -1.0
            for step in steps
            if marriage(step[0]) or _kin_family(step_noun(step)) is not None
        }
    if family is None:
        return {}
    out: dict[Step, float] = {}
    for relation, direction in steps:
        words = humanize(relation).lower().split()
        own = _kin_family_cut(words[0]) if len(words) == 2 and words[1] == "of" else None
        reached = (
            (own if direction == "in" else _CONVERSE_KIN[own])
            if own is not None
            else _kin_by_role((relation, direction))
        )
        if reached is not None:
            out[(relation, direction)] = 1.0 if reached == family else -1.0
    return out


def _kin_role_of(tokens: Sequence[str], start: int, end: int) -> str | None:
    """The kin family of the role an entity said at ``tokens[start:end]`` holds towards the answer:
    "Whose mother is X?", "Who is X the mother of?", "Of whom is X the mother?", "Is X the mother of Y?"
    (X is the parent; the answer, or Y, is among X's children). None where it holds none."""
    if start >= 3 and tokens[start - 3] == "whose" and tokens[start - 1] in _BE:
        return _kin_family(tokens[start - 2])
    k = end
    while k < len(tokens) and tokens[k] in _BE:
        k += 1
    ends = k + 2 == len(tokens) or tokens[k + 2 : k + 3] == ["of"]
    if k + 1 < len(tokens) and tokens[k] in ("the", "a", "an") and ends:
        return _kin_family(tokens[k + 1])
    return None


def answer_voice(question: str, steps: StepLabels) -> dict[Step, float]:
    """``voice`` for the answer of "Who <verb> ..." and "Which N <verb>ed ...": the answer does the verb,
    so the last step of a chain into it reads that way ("Who supervised the science lead of X?": the
    lead was ``supervised_by`` the answer, not the one the lead supervised). {} for any other opening.

    >>> steps = {("supervised_by", "out"): (set(), set()), ("supervised_by", "in"): (set(), set())}
    >>> answer_voice("Who supervised the science lead of X?", steps)[("supervised_by", "out")]
    1.0
    >>> answer_voice("Who was supervised by X's student?", steps)
    {}
    >>> answer_voice("Which students were supervised by X?", steps)
    {}
    """
    tokens = _TOKEN.findall(question.lower())
    if (had := _had_cues(tokens, steps)) is not None:
        return had
    if len(tokens) < 3 or tokens[0] not in ("who", "which", "what"):
        return {}
    at = 1
    if tokens[0] != "who":
        # "What replaced X?", "Which companies built ...": a past verb after the wh-word or one or two
        # nouns, with no "was" or "did" before it ("What was founded in X?" is passive)
        at = next((i for i in (1, 2, 3) if i < len(tokens) and _past(tokens[i])), 0)
        if any(t in _BE or t in _DO for t in tokens[1:at]):
            return {}
    if not at or tokens[at] in _BE or tokens[at] in _DO or tokens[at] in _NOT_VERB:
        return {}
    return _verb_cues(tokens[at], False, steps, tokens[at + 1] if at + 1 < len(tokens) else "")


_HAVE = frozenset(("have", "has", "had"))


def _verb_of(rel: Sequence[str]) -> str:
    """The stem of the verb of a relation's words that end with a preposition: the word before it, a
    particle skipped ("spun off from": spin; "formerly played for": play)."""
    before = [w for w in rel[:-1] if w not in _PARTICLES]
    return stem(before[-1]) if before else ""


_PARTICLES = frozenset("off out up away down over back".split())
"""Particles between a verb and its preposition ("spun *off* from X")."""


def _had_cues(tokens: Sequence[str], steps: StepLabels) -> dict[Step, float] | None:
    """ "Which N have W who ...", "How many N have W that ...": the answer has W (a role noun of a relation,
    or a relation's one word), so the last step of a chain into it arrives at the other end of W's
    relation ("How many players have agents who were born in X?": the agents' clients, not the agents of
    players born in X); None when the question is not so shaped."""
    start = 2 if tokens[:2] == ["how", "many"] else 1 if tokens[:1] in (["which"], ["what"]) else 0
    if not start:
        return None
    at = next((i for i in range(start + 1, min(start + 4, len(tokens))) if tokens[i] in _HAVE), None)
    if at is None or any(t in _BE or t in _DO for t in tokens[start:at]):
        return None
    rest = [t for t in tokens[at + 1 :] if t not in _DETERMINERS]
    if len(rest) < 2 or rest[1] not in ("who", "that", "which", "whose"):
        return None
    word = stem(rest[0])
    out: dict[Step, float] = {}
    for relation, direction in steps:
        roles = role_nouns(relation)
        rel = humanize(relation).split()
        if roles is not None and word in stems(roles[0]):
            holds = "in"  # W is the relation's object: the answer its subject
        elif roles is not None and word in stems(roles[1]):
            holds = "out"
        elif len(rel) == 1 and (stem(rel[0]) == word or shortens(rel[0], rest[0])):
            holds = "in"  # "agt": the answer's agent is its object
        else:
            continue
        out[(relation, direction)] = 1.0 if direction == holds else -1.0
    return out or None


def _cut_of(short: str, verb: str) -> bool:
    """Whether a relation's word is a data team's cut of the question's verb ("sup": "supervised"), not a
    word of its own (``shortens``; three letters at least)."""
    return len(short) >= 3 and short != verb and shortens(short, verb)


def _past(word: str) -> bool:
    return word.endswith("ed") or is_irregular_past(word)


def _verb_cues(verb: str, agent: bool, steps: StepLabels, after: str = "") -> dict[Step, float]:
    """+1 for each step that reads ``verb`` with X (where the step starts) as its agent (``agent``) or
    as the one it is done to, -1 for the opposite reading. ``after``: the word after the verb; a relation
    said whole with it ("Who trained under X?": ``trained_under``) reads actively, whatever its role
    nouns say of "train"."""
    if verb in _PREPOSITIONS or verb in _DETERMINERS or verb in _BE:
        return {}
    # the verb's own stem, not its paraphrases: "did X create" says nothing of ``founded_by``
    names = {stem(verb)}
    # the verb whose doer a relation's role noun names: "teach" (a "teacher") is done by whom X studied
    # under, so ``studied_under`` reads as if stored "taught by"
    doers = {stem(verb) + s for s in ("er", "r", "or", "")}
    out: dict[Step, float] = {}
    for relation, direction in steps:
        rel = humanize(relation).split()
        roles = role_nouns(relation)
        if (
            after
            and len(rel) == 2
            and rel[1] == after != "by"
            and stem(rel[0]) in names
            and not symmetric(relation, steps)
        ):
            passive = False  # the relation itself, active: "trained under"
        elif roles is not None and after in ("under", "to") and doers & stems(" ".join(roles)):
            # a verb of its roles said with "under" or "to" is the learner's: "Did X train under Y?" over
            # ``apprenticed_to`` (whose master is a "trainer") reads X as the apprentice
            passive = False
        elif roles is not None and doers & stems(roles[0]):
            passive = True  # its object does the verb
        elif roles is not None and doers & stems(roles[1]):
            passive = False  # its subject does
        elif len(rel) >= 2 and rel[-1] == "by" and (stem(rel[0]) in names or _cut_of(rel[0], verb)):
            passive = True  # (a cut of the verb too: ``sup_by``, "supervised")
        elif len(rel) == 1 and rel[0].endswith(("s", "ed")) and stem(rel[0]) in names:
            passive = False
        elif (
            len(rel) >= 2
            and rel[-1] in _PREPOSITIONS
            and rel[-1] != "by"
            and _verb_of(rel) in names
            and any(w in _PARTICLES for w in rel)
            and not symmetric(relation, steps)
        ):
            # a phrasal verb, "spun off from", "broke away from": the subject does the verb (a verb and
            # preposition alone may be passive, "hosted at", "born in", and a relation that holds both ways,
            # "married to", has no voice)
            passive = False
        else:
            continue
        agrees = ("in" if passive else "out") if agent else ("out" if passive else "in")
        out[(relation, direction)] = 1.0 if direction == agrees else -1.0
    return out

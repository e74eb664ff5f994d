"""What a question asks for, read deterministically from its words: the form and the expected answer type.

The form decides how a strategy turns ranked relation paths into an answer: ``single`` and ``list``
assert the end nodes of the best path; ``count`` counts them; ``yes_no`` checks whether the path from
one named entity reaches the other; ``constraint`` (two or more named entities, not a yes/no question)
intersects what the paths from each of them reach. The expected type is the question's head noun
("which *film*", "what *country*") or what its wh-word implies ("who": a person, "when": a date);
strategies match it against node labels (``type_filter``). No model is called here: a handful of
rules covers the forms people write, and the result is in every ``Answer``'s trace.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kgreason.fusion.relation_words import IRREGULAR_PLURALS, is_irregular_past, plain_idioms

_WORD = re.compile(r"(?:[^\W_]|')+")
_AUX = frozenset(
    "is are was were been does do did has have had can could will would should may might isn't aren't wasn't "
    "weren't doesn't don't didn't hasn't haven't".split()
)
_WH = (
    "who",
    "whom",
    "whose",
    "what",
    "which",
    "where",
    "when",
    "how",
    "name",
    "list",
    "tell",
    "give",
    "show",
    "find",
    "identify",
)
_WH_WORDS = frozenset("who whom whose what which where when how".split())
"""The wh-words of ``_WH`` (not the request verbs, which are nouns after a head: "motor *show*")."""
_COUNT = re.compile(
    r"\b(how many|number of|count (?:the|of))\b"
    # the size of a collective: "How big is X's fleet?" counts the aircraft in it
    r"|\bhow (?:big|large|small) (?:\S+ ){0,4}?(?:fleets?|collections?|teams?|squads?|staffs?|workforces?|"
    r"networks?|rosters?|portfolios?|catalogues?|catalogs?|memberships?|families)\b",
    re.IGNORECASE,
)
_LIST_CUES = re.compile(r"\b(list|all|every|name the|which ones|who are|what are|which are)\b", re.IGNORECASE)
_HEAD_SKIP = frozenset(
    "the a an of is are was were do does did has have had kind sort type one ones other which what "
    "person's".split()
)
# wh-words that imply a type when no head noun is given; matched against label names by the strategies
_WH_TYPES = {"who": "person", "whom": "person", "whose": "person", "when": "date", "where": "place"}


@dataclass(frozen=True)
class QuestionAnalysis:
    """The form of a question, its expected answer type and the named entities it starts from.

    Attributes:
        form: ``single``, ``list``, ``count``, ``yes_no`` or ``constraint``.
        answer_type: the head noun or implied type (``"film"``, ``"person"``, ``"place"``...), or ``""``.
        strong_type: the type comes from an explicit head noun ("which city"), not only from a wh-word.
        anchors: node ids of the named entities, in the order they appear in the question.
        mentions: the text of each anchor's mention.
        type_modifier: a word narrowing the head noun ("how many *training* grounds", "what *type* of
            aircraft"), or ``""``.
        kind_named: the kind asked for is itself a named entity, no label ("Which *hatchbacks* won X?":
            the body style ``Hatchback``), so the answers are what its paths and the others' meet at.
    """

    form: str = "single"
    answer_type: str = ""
    strong_type: bool = False
    anchors: tuple[str, ...] = ()
    mentions: tuple[str, ...] = field(default=())
    type_modifier: str = ""
    kind_named: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "form": self.form,
            "answer_type": self.answer_type,
            "strong_type": self.strong_type,
            "anchors": list(self.anchors),
            "mentions": list(self.mentions),
            **({"type_modifier": self.type_modifier} if self.type_modifier else {}),
            **({"kind_named": True} if self.kind_named else {}),
        }


def _singular(word: str) -> str:
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("ses") and len(w) > 4:
        return w[:-1]  # cases, houses, courses (classes, buses: above and rare)
    if (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3) or _acronym_plural(w):
        return w[:-1]
    return w


def _acronym_plural(w: str) -> bool:
    """An acronym with a plural s, written "MPs", "CDs" (two consonants first: not "his", "was")."""
    return len(w) == 3 and w.endswith("s") and not any(c in "aeiouy" for c in w[:2])


def _is_plural(word: str) -> bool:
    w = word.lower().removesuffix("'")  # a plural possessive: "brands'"
    return (
        (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3)
        or _acronym_plural(w)
        or w in {"people", "children"}
        or w in IRREGULAR_PLURALS
    )


def _asks_plural(words: Sequence[str]) -> bool:
    """Whether the noun phrase a question asks for is plural: its head word (``head_word``), or the noun
    that word qualifies where an auxiliary or a past verb ends the phrase after it ("Which *earlier papers*
    does X cite?", "Which *sports clubs* did X play for?"; not "Which company *employs* X?", a verb).

    >>> _asks_plural("which earlier papers does x cite".split())
    True
    >>> _asks_plural("which company employs x".split())
    False
    """
    head = head_word(words)
    if _is_plural(head):
        return True
    if not head or head in _PLURAL_FORMS or head not in words:
        return False
    at = words.index(head)
    phrase = words[at + 1 : at + 3]
    return (
        len(phrase) == 2
        and _is_plural(phrase[0])
        and (phrase[1] in _AUX or _is_past_verb(phrase[1]))
        and phrase[0] not in _AUX
    )


# "Was it X who ...?", "Is it X that ...?": a yes/no question about X, its wh-word a relative pronoun
_CLEFT = re.compile(r"^\s*(?:is|was|are|were)\s+it\s+(?!\s*(?:who|which|what|that)\b)", re.IGNORECASE)


def analyse(
    question: str, anchors: Sequence[str] = (), mentions: Sequence[str] = (), kind_named: bool = False
) -> QuestionAnalysis:
    """Read the form and the expected answer type of ``question``.

    Args:
        question: the question as written.
        anchors: node ids of the entities linked in it (in question order).
        mentions: the text each anchor was linked from (masked out before reading the head noun).
        kind_named: one of the anchors names the kind asked for (the linker says so:
            ``LinkedEntity.kind``), so no word left is read as a type.

    >>> analyse("How many films did Steven Spielberg direct?", ["spielberg"], ["Steven Spielberg"]).form
    'count'
    >>> a = analyse("Which films did Steven Spielberg direct?", ["spielberg"], ["Steven Spielberg"])
    >>> a.form, a.answer_type, a.strong_type
    ('list', 'film', True)
    >>> analyse("Was Mara born in Port Elna?", ["Mara", "Port Elna"], ["Mara", "Port Elna"]).form
    'yes_no'
    >>> analyse("Who works at Veltro and studied at Kessin?", ["Veltro", "Kessin"], ["Veltro", "Kessin"]).form
    'constraint'
    """
    kept = without_exclusions(question)
    masked = kept
    for m in mentions:
        if m:
            masked = _mention_pattern(m).sub(" ", masked)
    # "co-authors" is one word ("coauthors"), not "co" and "authors"
    words = [w.lower() for w in _WORD.findall(re.sub(r"\b([Cc]o)-(?=[a-z])", r"\1", masked))]
    # The first word as written: "Ottoline Frey was born in which town?" starts with a name, not "was".
    written = _WORD.findall(kept)
    first = written[0].lower() if written else ""
    # ("Was it X who ...?" asks whether X did it: "who" is no wh-word there)
    asks_wh = _CLEFT.match(kept) is None and any(
        w in ("which", "what", "who", "whom", "whose", "where", "when", "how") for w in words
    )
    if _COUNT.search(question):
        form = "count"
    elif (first in _AUX or _ASKING_AUX.search(kept) is not None) and not asks_wh:
        # (also a statement, then the clause that asks: "X's grandfather: was that Y?")
        form = "yes_no"
    elif len(set(anchors)) >= 2:
        form = "constraint"
    else:
        form = "single"
    if first not in _WH_WORDS and first not in _AUX and (clause := _ASKING_CLAUSE.search(masked)) is not None:
        # "X merged twice over; who chairs the charity it ended up in?": the clause that asks says the type
        words = [w.lower() for w in _WORD.findall(clause.group(1))]
    answer_type, strong = _answer_type(words)
    modifier = _type_modifier(words, answer_type) if strong else ""
    if (
        form != "yes_no"
        and not {"when", "where", "why", "year"} & set(words)
        and (became := _BECAME.search(masked)) is not None
    ):
        # "Which of X's grandchildren became judges?": the grandchildren who are judges
        answer_type, strong, modifier = _singular(became.group(1).lower()), True, ""
    elif (
        form != "yes_no"
        and (which_are := _WHICH_OF_ARE.search(masked)) is not None
        and which_are.group(2).lower() not in _NOT_NOUN
        and not _is_past_verb(which_are.group(2).lower())
        and not _is_past_verb((which_are.group(1) or "").lower())
    ):
        # "Which of X's grandparents were architects?": the grandparents who are architects
        answer_type, strong, modifier = _singular(which_are.group(2).lower()), True, ""
        if form == "single" and _is_plural(which_are.group(2).lower()):
            form = "list"
    if form != "yes_no" and _AMOUNT_ASKED.search(masked) is not None:
        # "How much did X pay for Y?", "How much prize money ...?": a quantity, whatever is measured
        answer_type, strong, modifier = AMOUNT, True, ""
    kinds = kind_named
    if kinds:
        # "Which hatchbacks ...?", "Which DMA-platform saloons ...?": the kind asked for is a node (a body
        # style), one more entity the answers meet at, not a label; the words left are no type
        answer_type, strong, modifier = "", False, ""
    if form == "single" and (
        _LIST_CUES.search(masked) is not None or (strong and _asks_plural(words)) or kinds
    ):
        form = "list"
    return QuestionAnalysis(form, answer_type, strong, tuple(anchors), tuple(mentions), modifier, kinds)


_WH_WORDS = frozenset(("which", "what", "who", "whom", "whose", "where", "when", "how"))
_DETERMINERS = frozenset("the a an its their his her this that these those".split())
_ASKING_CLAUSE = re.compile(r"[;:,]\s*((?:which|what|who|whom|whose|where|when|how)\b.*)$", re.IGNORECASE)
"""A clause that asks, after a statement: "X merged twice over; *who chairs ...*"."""
_ASKING_AUX = re.compile(
    r"[;:,]\s*(?:is|are|was|were|does|do|did|has|have|had)\s+(?:that|this|it|he|she|they)\b[^;:,]*$",
    re.IGNORECASE,
)
"""A yes/no clause after a statement: "X's grandfather: *was that Y?*"."""

_AMOUNT_ASKED = re.compile(r"\bhow much\b", re.IGNORECASE)
""""How much ...?" asks for an amount (``AMOUNT``), not for a count of things."""
AMOUNT = "amount"
"""The type "how much" asks for: a quantity (``forms.answer_check``), never a count of things."""

_BECAME = re.compile(
    r"\b(?:became|become|becomes|becoming|went on to be)\s+(?:an?\s+)?([A-Za-z]+)\s*[?.!]?\s*$"
)
"""A question ending "... became (a) <noun>": the noun is the answer's type, whatever its head noun says."""

_WHICH_OF_ARE = re.compile(
    r"^\s*which\s+of\b.*\b(?:is|are|was|were|(?:work|works|worked|serve|serves|served)\s+as)\s+"
    r"(?:an?\s+)?(?:([A-Za-z]+)\s+)??([A-Za-z]+)"
    r"(?:\s+rather\s+than\s+(?:an?\s+)?[A-Za-z]+|\s+themselves)?\s*[?.!]?\s*$",
    re.IGNORECASE,
)
"""A question "Which of ... are (a) [<word>] <noun> [rather than (a) <noun>]?": the noun is the answer's
type, as for ``_BECAME`` ("were game developers themselves": a developer; "worked as a sommelier")."""


def names_kind(question: str, start: int, end: int) -> bool:
    """Whether the mention ``question[start:end]`` names the kind a which/what asks for: a plural common
    noun in lower case within its noun phrase ("Which DMA-platform *saloons* use X?", ``in_kind_phrase``),
    or said right after it with a verb next ("Which *SUV* won X?").

    >>> names_kind("Which hatchbacks won the Golden Piston?", 6, 16)
    True
    >>> names_kind("Which wineries buy grapes?", 19, 25)
    False
    """
    mention = question[start:end]
    words = _WORD.findall(mention.lower())
    if not words:
        return False
    if mention.islower() and _is_plural(words[-1]) and in_kind_phrase(question, start):
        return True
    before = _WORD.findall(question[:start].lower())
    after = _WORD.findall(question[end:].lower())[:1]
    return (
        before[-1:] in (["which"], ["what"]) and bool(after) and (after[0] in _AUX or _is_past_verb(after[0]))
    )


def in_kind_phrase(question: str, at: int) -> bool:
    """Whether the noun phrase a which/what opens is still open at character ``at`` of ``question``: at
    most three words since, no auxiliary and no plural noun among them ("Which DMA-platform |saloons",
    not "Which wineries buy |grapes")."""
    before = _WORD.findall(question[:at].lower())
    cue = next((i for i in range(len(before) - 1, -1, -1) if before[i] in ("which", "what")), None)
    if cue is None:
        return False
    between = before[cue + 1 :]
    return len(between) <= 3 and not any(
        w in _AUX or (_is_plural(w) and w not in _PLURAL_FORMS) for w in between
    )


_FILLER = frozenset(("me", "us", "all", "every", "any", "some"))
_HEAD_CUES = ("which", "what", "many", "list", "name", "tell", "give", "show", "find", "identify", "count")


def head_word(words: Sequence[str]) -> str:
    """The head noun of what the question asks for (\"how many *students* did ...\"), '' if none."""
    for i, w in enumerate(words):
        if w in _HEAD_CUES and not (w == "count" and (i or words[1:2] == ["how"])):
            # ("count" is a cue only opening the question: "Count the missions ...", not "Does X count
            # as ...", and "Count how many ..." reads from "many"; "count the number of films": films)
            following = words[i + 1 : i + 4]
            if w == "count":
                following = [x for x in words[i + 1 : i + 7] if x not in ("number", "of", "total")][:3]
            elif w in ("which", "what") and following[:1] == ["of"]:
                # "Which of X's classes ...": the noun after the masked entity's possessive
                following = [x for x in words[i + 1 : i + 7] if x not in ("x", "s", "x's", "x'")][:3]
            if w in ("what", "which") and following[:1] in (["did"], ["does"], ["do"]):
                return ""  # "What did X co-write?": the word after "did" (X masked out) is a verb
            if w == "what" and following and _is_past_verb(following[0]):
                return ""  # "What replaced X?": "what" is the verb's subject, the word no noun
            if w == "many":
                # "how many court cases / railway stations / Hearth Party members": the head of a counted
                # noun phrase is its first plural word, not a modifier before it; a plural first word is
                # the head unless a plural follows it ("how many MPs represent ...", "news outlets")
                for j, nxt in enumerate(following):
                    if nxt in _AUX:
                        break
                    after = following[j + 1] if j + 1 < len(following) else ""
                    if _is_plural(nxt) and (j or not _is_plural(after)):
                        return nxt
            for j, nxt in enumerate(following):
                if nxt in _WH and nxt not in ("which", "what", "name", "list"):
                    return ""  # "tell me where ...": the wh-word gives the type
                if j and following[j - 1] in _AUX and _is_past_verb(nxt):
                    return ""  # "Which <name> was voted ...?": the name masked out, a verb follows
                if nxt not in _HEAD_SKIP and nxt not in _AUX and nxt not in _FILLER and not nxt.isdigit():
                    return nxt
            return ""
    return ""


def _is_past_verb(word: str) -> bool:
    """Whether ``word`` reads as a past-tense verb ("replaced", "took"), not a noun ("speed", "bed")."""
    return (
        (len(word) >= 5 and word.endswith("ed") and not word.endswith("eed"))
        or is_irregular_past(word)
        or word == "born"  # (not in the stem table: "born" must not stem to "bear")
    )


# Head nouns that name people by how they relate to someone ("bandmates", "grandparents"): the type is a
# person, whatever label the relation's own words resemble ("bandmate" is not a ``Band``).
_RELATIVE_PERSON = re.compile(
    r"^(?:(?:great-?)*grand)?(?:parent|mother|father|child|children|son|daughter|sibling|brother|sister|"
    r"spouse|wife|husband|cousin|uncle|aunt|nephew|niece|friend|colleague|coworker|co-worker|relative|"
    r"co(?:author|worker|star|founder|writer|editor|host|owner|investigator)|[a-z]+mate)s?$"
)


_NOT_NOUN = frozenset("of in on at to for from by with and or that who whom whose x".split())


_STRANDED = frozenset("on in at of from to with for by about into under".split())


def _answer_type(words: Sequence[str]) -> tuple[str, bool]:
    head = head_word(words)
    if head and len(words) > 3 and words[-1] in _STRANDED and words[0] in ("what", "which"):
        # "What are the products developed by X built *on*?": the noun after "what are the" is the subject
        # and "what" the object of the stranded preposition, so the noun is not the answer's type
        # ("Which city was X born in?" keeps it: the noun follows the wh-word; so does "What is the
        # language X is written in?": a clause with a verb of its own says what the noun is)
        at = words.index(head)
        if words[1] in _AUX and at > 1 and not any(w in _AUX for w in words[at + 1 :]):
            return "", False
    if head and head not in ("did", "does", "do"):
        if head in ("people", "persons", "someone", "person") or _RELATIVE_PERSON.match(head):
            return "person", True
        possessor = re.sub(r"'s?$", "", head)
        if possessor != head:
            # "Which brands' products ...", "Which company's CEO ...": the possessor is what is asked for,
            # the noun after it a step on the way
            return _singular(possessor), True
        # the word after the head may be the real head of a compound ("which *rail line*", "which court
        # case"), or a verb ("which company *employs*"): both go into the type, and the graph's labels
        # say which word names a type (``forms.type_labels``)
        i = words.index(head)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        # (a verb that opens requests is a noun after a head: "which motor *show*", "the brand *name*")
        other = nxt in _AUX or nxt in _HEAD_SKIP or nxt in _FILLER or nxt in _NOT_NOUN or nxt in _WH_WORDS
        # a past verb ends the phrase too: "which company *built* X" asks for a company
        other = other or _is_past_verb(nxt)
        # (a plural head already ends its phrase: "which companies employ X", "how many court *cases*")
        # (a word followed by a determiner is a verb: "which body *awards the* prize")
        other = other or (i + 2 < len(words) and words[i + 2] in _DETERMINERS)
        compound = nxt and not other and (not _is_plural(head) or head in _PLURAL_FORMS)
        if compound and not nxt.isdigit() and not _RELATIVE_PERSON.match(nxt):
            first = head if head in _PLURAL_FORMS else _singular(head)
            return f"{first} {_singular(nxt)}", True
        return _singular(head), True
    for w in words[:3]:
        if w in _WH_TYPES:
            # "whom" asks for a person ("Under whom did X train?"); "who" may ask for a company too
            return _WH_TYPES[w], w == "whom"
    return "", False


# Nouns plural in form that qualify the noun after them as a singular would ("which *customs* officer",
# "which *news* anchor", "which *sports* club", "which *standards* body"): no plural head ending the
# phrase (a verb after one, "which standards apply to X", leaves the type its first word, read as the
# singular where the plural names no label: ``forms.type_labels``)
_PLURAL_FORMS = frozenset(
    "news sports customs sales arms goods savings arts games clothes communications electronics "
    "economics politics logistics athletics standards".split()
)


_KIND_WORDS = frozenset("type kind sort class model".split())
"""Words for a kind of thing, as in "what *type* of aircraft"."""


def _type_modifier(words: Sequence[str], answer_type: str) -> str:
    """The word before a plural head noun that narrows it ("how many *training* grounds"): the type is a
    label with both words when the graph has one (``forms.type_labels``), else the head alone. "What
    *type* of aircraft" asks for the kind: an ``AircraftType`` where the graph has one."""
    if " " in answer_type:
        return ""
    head = head_word(words)
    if not head:
        return ""
    i = words.index(head)
    if i >= 2 and words[i - 1] == "of" and words[i - 2] in _KIND_WORDS:
        return words[i - 2]
    if not _is_plural(head):
        return ""
    prev = words[i - 1] if i > 0 else ""
    skip = (_HEAD_CUES, _AUX, _HEAD_SKIP, _FILLER, _NOT_NOUN, _WH)
    if not prev or prev in ("how", "x") or prev.isdigit() or any(prev in ws for ws in skip):
        return ""
    return _singular(prev)


_EXCLUSION = re.compile(
    r"^\s*(?:not counting|besides|apart from|aside from|excluding|except for|other than)\b[^,?]*,\s*"
    r"|,\s*(?:not counting|besides|apart from|aside from|excluding|except for|other than)\b[^,?]*(?=\?*\s*$)",
    re.IGNORECASE,
)


def without_exclusions(question: str) -> str:
    """``question`` without a clause that sets something aside ("*Not counting sub-brands,* how many
    brands ...", "... board, *besides its chair*?"): what it names is not what the question asks for, so
    it names no step and no type.

    >>> without_exclusions("Not counting sub-brands, how many brands does X own?")
    'how many brands does X own?'
    >>> without_exclusions("Who sits on X's board, besides its chair?")
    "Who sits on X's board?"
    """
    return _EXCLUSION.sub("", question)


def mask_question(question: str, mentions: Sequence[str]) -> str:
    """The question with the entity mentions replaced by ``X`` (longest first), so names do not pull the
    relation scores, and idioms by the verbs they mean (``plain_idioms``: "took over" reads "acquired"),
    read before the names go where they leave every name whole ("went up in 2010" is launched in X).

    >>> mask_question("Which satellite went up in 2010?", ["2010"])
    'Which satellite launched in X?'
    """
    ordered = sorted((m for m in dict.fromkeys(mentions) if m), key=len, reverse=True)
    question = without_exclusions(question)
    plain = plain_idioms(question)
    if all(_mention_pattern(m).search(plain) for m in ordered):
        return plain_idioms(_masked(plain, ordered), masked_only=True)
    return plain_idioms(_masked(question, ordered))


def _masked(text: str, mentions: Sequence[str]) -> str:
    for mention in mentions:
        text = _mention_pattern(mention).sub("X", text)
    return text


def drop_own_type(masked: str, labels: Sequence[str], roles: frozenset[str] = frozenset()) -> str:
    """The masked question without the words after ``X`` that name X's own type: "Who designed the X
    programming language?" asks who designed X, not about languages (X is one), so its relation paths are
    scored against "Who designed the X?"; "in the province of X" reads "in X". ``labels``: the named
    entity's labels; one lower-case modifier may stand between ("programming").

    >>> drop_own_type("Who designed the X programming language?", ["Language"])
    'Who designed the X?'
    >>> drop_own_type("Which languages influenced X?", ["Language"])
    'Which languages influenced X?'
    >>> drop_own_type("How many cities are there in the province of X?", ["Province"])
    'How many cities are there in X?'
    >>> drop_own_type("What does the painting X depict?", ["Painting"])
    'What does the X depict?'

    A person's role (one of ``roles``) said before the name describes the person ("Where did the *chef*
    X study?" asks where X studied, not about X's kitchen); another word does not ("the *bank* X leads"):

    >>> drop_own_type("Where did the chef X study?", ["Person"], frozenset({"chef"}))
    'Where did the X study?'
    >>> drop_own_type("How many employees does the bank X leads have?", ["Person"], frozenset({"chef"}))
    'How many employees does the bank X leads have?'
    """
    from kgreason.fusion.relation_words import humanize

    heads = {_singular(words[-1]) for lab in labels if (words := humanize(lab).split())}
    heads -= {"entity", "node", "thing", "resource"}
    if not heads:
        return masked
    alternatives = "|".join(sorted(re.escape(h) for h in heads))
    modifier = r"(?:\s+(?!(?:a|an|the|and|or|of|in|is|as|to|by|with|for|its|their)\b)[a-z][a-z-]*)?"
    masked = re.sub(rf"\bX{modifier}\s+(?:{alternatives})s?\b", "X", masked)
    # "in the province of X" (X is the province): "in X"
    masked = re.sub(rf"\b(?:the\s+)?(?:{alternatives})\s+of\s+X\b", "X", masked)
    # "What does the painting X depict?" (X is the painting): "What does the X depict?"
    masked = re.sub(rf"\b(the|a|an)\s+(?:{alternatives})\s+X\b", r"\1 X", masked, flags=re.IGNORECASE)
    if "person" in heads and roles:
        masked = _role_before_name(roles).sub(r"\1 X", masked)
    return masked


@functools.lru_cache(maxsize=8)
def _role_before_name(roles: frozenset[str]) -> re.Pattern[str]:
    """ "the <role> X" for one of ``roles`` (built once per set of roles, not per question)."""
    said = "|".join(sorted(re.escape(r) for r in roles))
    return re.compile(rf"\b(the|a|an)\s+(?:{said})\s+X\b")


def _mention_pattern(mention: str) -> re.Pattern[str]:
    """``mention`` as a whole word or phrase ("Bo" is not in "both"), ignoring case."""
    before = r"(?<!\w)" if mention[:1].isalnum() else ""
    after = r"(?!\w)" if mention[-1:].isalnum() else ""
    return re.compile(before + re.escape(mention) + after, re.IGNORECASE)


_TOKEN = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")  # "co-authors" is one word
_COORDINATION = frozenset("and or nor both either , & as well".split())
_LINKING = frozenset(["'", "s", *"the a an at in on of to for by with from into".split()])


_GOVERNING = _LINKING - {"'", "s", "the", "a", "an"}
"""The prepositions of ``_LINKING``: the words that govern an entity said right after them."""


def _governed(tokens: Sequence[tuple[str, str | None]], at: int) -> bool:
    """Whether the entity at ``tokens[at]`` is the object of a preposition right before it ("of X")."""
    return at > 0 and tokens[at - 1][0].lower() in _GOVERNING


def anchor_question(question: str, mentions: Sequence[str], mention: str, form: str = "constraint") -> str:
    """The masked question as one named entity reads it: with two or more entities, each word goes to the
    entity it stands nearest to ("Which of X's *students* was *born in* Y?": "students" is X's, "born in"
    is Y's), so each entity's relation paths are scored against its own words, not the other's. A word
    halfway between two goes to the one after it ("born in X and *works for* Y": a verb and its object).

    Entities joined by a coordination ("films with both X and Y") share every word, and so does a yes/no
    question (its second entity is what the first one's path must reach): both get the whole masked
    question, as does a question with one entity.

    >>> anchor_question("Which of Remy's students was born in Lisk?", ["Remy", "Lisk"], "Lisk")
    'was born in X?'
    >>> anchor_question("Which films star both Ann and Bo?", ["Ann", "Bo"], "Ann")
    'Which films star both X and X?'
    >>> anchor_question("Which of Remy's pupils teaches at the Lisk?", ["Remy's", "Lisk"], "Lisk")
    'teaches at the X?'
    >>> anchor_question("Which natives of Remy studied at the Lisk?", ["Remy", "Lisk"], "Lisk")
    'studied at the X?'
    """
    whole = mask_question(question, mentions)
    distinct = [m for m in dict.fromkeys(mentions) if m]
    if form == "yes_no" or len({m.lower() for m in distinct}) < 2 or mention not in distinct:
        return whole
    spans: list[tuple[int, int, str]] = []
    for m in sorted(distinct, key=len, reverse=True):
        for found in _mention_pattern(m).finditer(question):
            if all(found.end() <= a or found.start() >= b for a, b, _ in spans):
                spans.append((found.start(), found.end(), m))
    spans.sort()
    tokens: list[tuple[str, str | None]] = []  # (text, the mention it is, or None for a word)
    pos = 0
    for start, end, m in [*spans, (len(question), len(question), "")]:
        tokens.extend((t, None) for t in _TOKEN.findall(plain_idioms(question[pos:start])))
        if m:
            tokens.append(("X", m))
        pos = end
    at = [i for i, (_, m) in enumerate(tokens) if m is not None]
    if len({tokens[i][1] for i in at}) < 2:
        return whole
    for a, b in itertools.pairwise(at):
        between = {t.lower() for t, _ in tokens[a + 1 : b]}
        if tokens[a][1] != tokens[b][1] and between <= _COORDINATION:
            return whole  # "both X and Y": one predicate for both
    kept = []
    for i, (text, owner_of) in enumerate(tokens):
        if owner_of is not None:
            if owner_of == mention:
                kept.append(text)
            continue
        # a word next to an entity is that entity's ("does X *have* in the Y"); another one's distance
        # leaves out the prepositions and articles between: "pupils *teaches* at the Y" is Y's
        # (but a word right after an entity a preposition governs is not that entity's: "natives of X
        # *studied* at the Y", X no subject)
        beside = any(abs(i - j) == 1 and not (j == i - 1 and _governed(tokens, j)) for j in at)
        distance: dict[str, float] = {}
        for j in at:
            owner = tokens[j][1]
            assert owner is not None
            words = tokens[min(i, j) + 1 : max(i, j)]
            apart = len(words) if beside else sum(t.lower() not in _LINKING for t, _ in words)
            d = 1 + apart - (0.5 if j > i else 0.0)
            distance[owner] = min(distance.get(owner, float(len(tokens))), d)
        if distance.get(mention) == min(distance.values()):
            kept.append(text)
    return re.sub(r" (?=[?.,!;:])", "", " ".join(kept))

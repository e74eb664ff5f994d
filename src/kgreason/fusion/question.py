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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"[A-Za-z0-9']+")
_AUX = frozenset(
    "is are was were does do did has have had can could will would should may might isn't aren't wasn't "
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
_COUNT = re.compile(r"\b(how many|number of|count (?:the|of)|how much)\b", re.IGNORECASE)
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
    """

    form: str = "single"
    answer_type: str = ""
    strong_type: bool = False
    anchors: tuple[str, ...] = ()
    mentions: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "form": self.form,
            "answer_type": self.answer_type,
            "strong_type": self.strong_type,
            "anchors": list(self.anchors),
            "mentions": list(self.mentions),
        }


def _singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _is_plural(word: str) -> bool:
    w = word.lower()
    return (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3) or w in {
        "people",
        "children",
    }


def analyse(question: str, anchors: Sequence[str] = (), mentions: Sequence[str] = ()) -> QuestionAnalysis:
    """Read the form and the expected answer type of ``question``.

    Args:
        question: the question as written.
        anchors: node ids of the entities linked in it (in question order).
        mentions: the text each anchor was linked from (masked out before reading the head noun).

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
    masked = question
    for m in mentions:
        if m:
            masked = re.sub(re.escape(m), " ", masked, flags=re.IGNORECASE)
    words = [w.lower() for w in _WORD.findall(masked)]
    # The first word as written: "Ottoline Frey was born in which town?" starts with a name, not "was".
    written = _WORD.findall(question)
    first = written[0].lower() if written else ""
    asks_wh = any(w in ("which", "what", "who", "whom", "whose", "where", "when", "how") for w in words)
    if _COUNT.search(question):
        form = "count"
    elif first in _AUX and not asks_wh:
        form = "yes_no"
    elif len(set(anchors)) >= 2:
        form = "constraint"
    else:
        form = "single"
    answer_type, strong = _answer_type(words)
    if form == "single" and (
        _LIST_CUES.search(masked) is not None or (strong and _is_plural(_head_word(words)))
    ):
        form = "list"
    return QuestionAnalysis(form, answer_type, strong, tuple(anchors), tuple(mentions))


_FILLER = frozenset(("me", "us", "all", "every", "any", "some"))
_HEAD_CUES = ("which", "what", "many", "list", "name", "tell", "give", "show", "find", "identify")


def _head_word(words: Sequence[str]) -> str:
    for i, w in enumerate(words):
        if w in _HEAD_CUES:
            for nxt in words[i + 1 : i + 4]:
                if nxt in _WH and nxt not in ("which", "what", "name", "list"):
                    return ""  # "tell me where ...": the wh-word gives the type
                if nxt not in _HEAD_SKIP and nxt not in _AUX and nxt not in _FILLER and not nxt.isdigit():
                    return nxt
            return ""
    return ""


# Head nouns that name people by how they relate to someone ("bandmates", "grandparents"): the type is a
# person, whatever label the relation's own words resemble ("bandmate" is not a ``Band``).
_RELATIVE_PERSON = re.compile(
    r"^(?:(?:great-?)*grand)?(?:parent|mother|father|child|children|son|daughter|sibling|brother|sister|"
    r"spouse|wife|husband|cousin|uncle|aunt|nephew|niece|friend|colleague|coworker|co-worker|relative|"
    r"[a-z]+mate)s?$"
)


def _answer_type(words: Sequence[str]) -> tuple[str, bool]:
    head = _head_word(words)
    if head and head not in ("did", "does", "do"):
        if head in ("people", "persons", "someone", "person") or _RELATIVE_PERSON.match(head):
            return "person", True
        return _singular(head), True
    for w in words[:3]:
        if w in _WH_TYPES:
            return _WH_TYPES[w], False
    return "", False

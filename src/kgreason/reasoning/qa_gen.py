"""Templated multi-hop questions with gold answers from any graph, and the QA file format.

``make_qa`` picks a topic entity, walks a random path of ``h`` outgoing edges, and keeps the relation
sequence. The gold answers are every node the topic reaches by that exact relation sequence (through
``GraphStore.run_path_query``), not just the walk's endpoint. A walk is dropped when its answer set is
larger than ``max_answers``, when any of its paths visits a node twice (e.g. returns to the topic), or
when it repeats a (topic, relations) pair already used.
Questions are phrased from the relation names (``/people/person/nationality`` -> "nationality",
``directed_by`` -> "directed by", ``parent_of`` -> "parent") with several templates per hop count and a
few stock paraphrases. Everything is drawn from ``random.Random(seed)`` over sorted inputs, so a seed
gives the same questions.

The QA file format lives in ``kgreason.qa_file``; ``QAItem``, ``read_qa`` and ``write_qa`` are re-exported
here because notebooks and scripts outside the package import them from this module.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kgreason.graph.path_query import PathQuery, Step
from kgreason.graph.store import GraphStore
from kgreason.qa_file import QAItem as QAItem
from kgreason.qa_file import read_qa as read_qa
from kgreason.qa_file import write_qa as write_qa
from kgreason.types import Node
from kgreason.types import Path as GraphPath

_PATH_LIMIT = 10_000
_MAX_FRONTIER = 200
"""Largest intermediate node set a generated question may pass through."""
_GIVE_UP = 200
"""Failed walks in a row after which a hop count is taken out of the rotation."""
_PREPOSITIONS = frozenset(["of", "by", "in", "at", "on", "to", "for", "with", "from", "into", "as", "about"])
# fmt: off
_PERSON_WORDS = frozenset((
    "parent", "parents", "child", "children", "kid", "kids", "son", "daughter", "mother", "father",
    "sibling", "siblings", "brother", "sister", "spouse", "wife", "husband", "friend", "friends",
    "director", "directors", "actor", "actors", "actress", "writer", "writers", "author", "authors",
    "person", "people", "knows", "member", "members", "founder", "employee", "employees", "starred",
))
# fmt: on
_ACTIVE_VERBS = frozenset(["knows", "likes", "loves", "follows", "influences", "contains", "includes"])
_PARAPHRASES: Mapping[str, tuple[str, ...]] = {
    "children": ("kids", "offspring"),
    "child": ("kid", "offspring"),
    "parent": ("mother or father", "parent"),
    "parents": ("mother and father", "parents"),
    "the parent of": ("the mother or father of",),
    "the child of": ("the kid of", "the son or daughter of"),
    "nationality": ("citizenship", "nation"),
    "directed by": ("helmed by", "made by"),
    "written by": ("penned by", "scripted by"),
    "starred actors": ("stars", "cast members", "actors"),
    "genre": ("type of film", "kind"),
    "release year": ("year of release", "premiere year"),
    "language": ("spoken language",),
    "located in": ("situated in", "found in"),
    "born in": ("native to",),
    "works at": ("is employed at",),
    "lives in": ("resides in",),
    "the capital of": ("the capital city of",),
    "the sibling of": ("a brother or sister of",),
}


# -- phrasing ------------------------------------------------------------------------------------------
Kind = Literal["noun", "passive", "active"]


@dataclass(frozen=True)
class RelationPhrase:
    """How a relation reads in English.

    ``noun``: "the <text> of X" (``nationality``, ``has_genre``, ``in_language``); ``passive``: "X is
    <text> Y" (``directed_by``, ``located_in``, and ``parent_of`` as "the parent of"); ``active``:
    "X <text> Y" (``works_at``, ``knows``).
    ``person`` marks answers that are probably people ("who" rather than "what").
    """

    kind: Kind
    text: str
    person: bool


def relation_words(relation: str) -> list[str]:
    """Lower-case words of a relation name: last segment of a ``/a/b/c`` path, snake/camel case split."""
    segment = relation.strip("/").rsplit("/", 1)[-1] or relation
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", segment)
    return [w.lower() for w in re.split(r"[\s_.\-:]+", spaced) if w]


def phrase(relation: str) -> RelationPhrase:
    """Classify ``relation`` and phrase it (see ``RelationPhrase``)."""
    words = relation_words(relation) or [relation]
    person = any(w in _PERSON_WORDS for w in words) or words[-1] == "by"
    if words[0] in ("has", "have") and len(words) > 1:
        return RelationPhrase("noun", " ".join(words[1:]), person)
    if words[0] in _PREPOSITIONS and len(words) > 1:  # in_language -> "language"
        return RelationPhrase("noun", " ".join(words[1:]), person)
    if words[-1] in _PREPOSITIONS and len(words) > 1:
        head = words[0]
        if words[-1] == "of":
            # "X parent_of Y" says X is Y's parent: the answer Y is what X is "the parent of".
            return RelationPhrase("passive", "the " + " ".join(words), person)
        if head.endswith(("ed", "en")) or head in ("born", "made", "set", "shot", "built", "known"):
            return RelationPhrase("passive", " ".join(words), person)
        return RelationPhrase("active", " ".join(words), person)
    if len(words) == 1 and words[0] in _ACTIVE_VERBS:
        return RelationPhrase("active", words[0], person)
    return RelationPhrase("noun", " ".join(words), person)


def entity_name(node: Node | None, node_id: str) -> str:
    """How a node is named in a question: its ``name`` property, else its id made readable."""
    if node is not None and isinstance(node.properties.get("name"), str):
        return str(node.properties["name"])
    text = node_id.replace("_", " ").strip()
    return text or node_id


class _Phraser:
    def __init__(self, rng: random.Random, paraphrase: float) -> None:
        self.rng = rng
        self.paraphrase = paraphrase

    def text(self, rp: RelationPhrase) -> str:
        options = _PARAPHRASES.get(rp.text)
        if options and self.rng.random() < self.paraphrase:
            return self.rng.choice(options)
        return rp.text

    def describe(self, subject: str, rp: RelationPhrase, *, possessive_ok: bool) -> str:
        """A noun phrase for "the entity ``subject`` relates to by ``rp``"."""
        t = self.text(rp)
        if rp.kind == "noun":
            if possessive_ok and self.rng.random() < 0.5:
                return f"{subject}'s {t}"
            return f"the {t} of {subject}"
        one = "the person" if rp.person else "the place" if rp.text.endswith((" in", " at")) else "the one"
        if rp.kind == "passive":
            return f"{one} {subject} is {t}"
        return f"{one} {subject} {t}"

    def ask(self, subject: str, rp: RelationPhrase, *, plain_subject: bool) -> str:
        """A question about the entity ``subject`` relates to by ``rp``.

        ``plain_subject``: ``subject`` is a bare name, so a possessive ("X's genre") reads well.
        """
        t = self.text(rp)
        who, whom = ("Who", "whom") if rp.person else ("What", "what")
        if rp.kind == "noun":
            be = "are" if _plural(t) else "is"
            templates = [
                f"{who} {be} the {t} of {subject}?",
                f"Tell me the {t} of {subject}.",
                f"Name the {t} of {subject}.",
            ]
            if plain_subject:
                templates += [f"{subject}'s {t} {be} {whom}?", f"{who} {be} {subject}'s {t}?"]
        elif rp.kind == "passive":
            templates = [
                f"{who} is {subject} {t}?",
                f"{subject} is {t} {whom}?",
                f"Tell me {whom} {subject} is {t}.",
            ]
        else:
            templates = [
                f"{subject} {t} {whom}?",
                f"Tell me {whom} {subject} {t}.",
                f"Name {'everyone' if rp.person else 'everything'} that {subject} {t}.",
            ]
        return _capitalise(self.rng.choice(templates))

    def question(self, topic: str, relations: Sequence[str]) -> str:
        phrases = [phrase(r) for r in relations]
        subject = topic
        for i, rp in enumerate(phrases[:-1]):
            # Stacked possessives ("X's a's b") read badly: only the first step may use one.
            subject = self.describe(subject, rp, possessive_ok=i == 0)
        return self.ask(subject, phrases[-1], plain_subject=len(phrases) == 1)


def _plural(noun_phrase: str) -> bool:
    last = noun_phrase.rsplit(" ", 1)[-1]
    return last in ("children", "people", "offspring") or (
        last.endswith("s") and not last.endswith(("ss", "us", "is"))
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- generation ----------------------------------------------------------------------------------------
def _frontier_sizes_ok(store: GraphStore, topic: str, relations: Sequence[str], max_answers: int) -> bool:
    """Cheap set-wise pre-check: every intermediate frontier stays small and the last one is 1..max.

    Keeps ``run_path_query`` (which enumerates every path) away from hubs where paths multiply.
    """
    frontier = {topic}
    for i, rel in enumerate(relations):
        nxt: set[str] = set()
        for node in frontier:
            nxt.update(other.id for _, other in store.neighbors(node, direction="out", types=[rel]))
        frontier = nxt
        if not frontier or len(frontier) > (max_answers if i == len(relations) - 1 else _MAX_FRONTIER):
            return False
    return True


def answers_for(store: GraphStore, topic: str, relations: Sequence[str]) -> tuple[str, ...] | None:
    """Every node ``topic`` reaches by following ``relations`` forwards, sorted; ``None`` if there are
    more paths than the query limit (the set could be incomplete)."""
    paths = _relation_paths(store, topic, relations)
    return None if paths is None else tuple(sorted({p.nodes[-1].id for p in paths}))


def _relation_paths(store: GraphStore, topic: str, relations: Sequence[str]) -> list[GraphPath] | None:
    query = PathQuery(start=(topic,), steps=tuple(Step(r, "out") for r in relations), limit=_PATH_LIMIT)
    paths = store.run_path_query(query)
    return None if len(paths) >= _PATH_LIMIT else paths


def make_qa(
    store: GraphStore,
    *,
    hops: Sequence[int],
    n: int,
    seed: int,
    max_answers: int = 20,
    paraphrase: float = 0.3,
    max_attempts: int | None = None,
) -> list[QAItem]:
    """``n`` templated questions, shared round-robin among the hop counts in ``hops``.

    Args:
        store: any graph.
        hops: path lengths to ask about (each >= 1), e.g. ``(1, 2)``.
        n: how many questions in total (fewer come back if the graph cannot supply them).
        seed: the random seed; the same seed, graph and arguments give the same questions.
        max_answers: drop questions with more gold answers than this.
        paraphrase: probability of replacing a relation's wording with a stock paraphrase.
        max_attempts: walks to try before giving up (default ``50 * n + 100``).
    """
    if not hops or any(h < 1 for h in hops):
        raise ValueError("hops must be a non-empty list of positive integers")
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    phraser = _Phraser(rng, paraphrase)
    nodes = {node.id: node for node in store.iter_nodes()}
    starts = sorted({edge.source for edge in store.iter_edges()})  # one pass, not a query per node
    items: list[QAItem] = []
    if not starts:
        return items
    seen: set[tuple[str, tuple[str, ...]]] = set()
    order = list(dict.fromkeys(hops))
    failures = dict.fromkeys(order, 0)
    attempts = 0
    budget = max_attempts if max_attempts is not None else 50 * n + 100
    slot = 0
    while len(items) < n and attempts < budget and order:
        attempts += 1
        h = order[slot % len(order)]
        item = _try_one(store, nodes, starts, h, rng, phraser, seen, max_answers)
        if item is None:
            failures[h] += 1
            if failures[h] >= _GIVE_UP:  # this hop count has run dry: share the rest among the others
                order.remove(h)
            continue
        failures[h] = 0
        items.append(item)
        slot += 1
    return items


def _try_one(
    store: GraphStore,
    nodes: Mapping[str, Node],
    starts: Sequence[str],
    h: int,
    rng: random.Random,
    phraser: _Phraser,
    seen: set[tuple[str, tuple[str, ...]]],
    max_answers: int,
) -> QAItem | None:
    topic = rng.choice(starts)
    relations = _walk(store, topic, h, rng)
    if relations is None or (topic, relations) in seen:
        return None
    seen.add((topic, relations))
    if not _frontier_sizes_ok(store, topic, relations, max_answers):
        return None
    paths = _relation_paths(store, topic, relations)
    if paths is None or any(len(set(p.node_ids)) < len(p.nodes) for p in paths):
        return None  # too many paths, or a path that returns to the topic or loops
    answers = tuple(sorted({p.nodes[-1].id for p in paths}))
    if not answers or len(answers) > max_answers:
        return None
    text = phraser.question(entity_name(nodes.get(topic), topic), relations)
    return QAItem(text, answers, topic, h, relations)


def _walk(store: GraphStore, topic: str, hops: int, rng: random.Random) -> tuple[str, ...] | None:
    """Relation types of a random walk of ``hops`` outgoing edges from ``topic`` (``None``: dead end)."""
    here = topic
    relations: list[str] = []
    for _ in range(hops):
        out = store.neighbors(here, direction="out")
        if not out:
            return None
        # Pick the relation type first, so a node's many edges of one type do not crowd out the rest.
        types = sorted({edge.type for edge, _ in out})
        rel = rng.choice(types)
        here = rng.choice([other.id for edge, other in out if edge.type == rel])
        relations.append(rel)
    return tuple(relations)

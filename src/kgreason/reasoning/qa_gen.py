"""Templated multi-hop questions with gold answers from any graph, and the QA file format.

``make_qa`` picks a topic entity, walks a random path of ``h`` outgoing edges, and keeps the relation
sequence. The gold answers are every node the topic reaches by that exact relation sequence (through
``GraphStore.run_path_query``), not just the walk's endpoint. A walk is dropped when its answer set is
larger than ``max_answers``, when any of its paths visits a node twice (e.g. returns to the topic), or
when it repeats a (topic, relations) pair already used.
With ``inverse`` > 0 each step is walked against the stored edge direction with that probability: the
topic is then the edge's tail and the answers its heads ("Which albums are released by X?" over
``album -released_by-> band``); such items carry their step directions in ``extra["directions"]``
(``"out"`` / ``"in"``, one per relation). The answers are still every node the whole directed relation
sequence reaches by a path that uses no edge twice (the path query's rule), so "Who was born where X
was born?" leaves X out. ``inverse=0`` (the default) draws nothing extra from the random generator, so
its output is what it always was.
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

    def describe_back(self, subject: str, rp: RelationPhrase, kind: _Kind) -> str:
        """A noun phrase for "the entities that relate to ``subject`` by ``rp``" (the heads)."""
        t = self.text(rp)
        every = "everyone" if kind.person else "everything"
        if rp.kind == "passive":
            plural_of = _the_noun_of(t)
            if plural_of is not None:
                return f"{plural_of} {subject}"
            return f"the {kind.plural} {t} {subject}" if kind.plural else f"{every} {t} {subject}"
        if rp.kind == "active":
            that = "who" if kind.person else "that"
            return f"every {kind.label} that {t} {subject}" if kind.label else f"{every} {that} {t} {subject}"
        be = "include" if _plural(t) else "is"
        return (
            f"the {kind.plural} whose {t} {be} {subject}"
            if kind.plural
            else f"{every} whose {t} {be} {subject}"
        )

    def ask_back(self, subject: str, rp: RelationPhrase, kind: _Kind) -> str:
        """A question asking for every entity that relates to ``subject`` by ``rp`` (the heads)."""
        t = self.text(rp)
        who, every = ("Who", "everyone") if kind.person else ("What", "everything")
        if rp.kind == "passive":
            plural_of = _the_noun_of(t)
            if plural_of is not None:  # parent_of read backwards: "Who are the parents of X?"
                templates = [f"{who} is {t} {subject}?", f"{who} are {plural_of} {subject}?"]
                templates.append(f"List {plural_of} {subject}.")
            else:
                templates = [f"{who} is {t} {subject}?", f"{who} was {t} {subject}?"]
                templates.append(f"Name {every} {t} {subject}.")
                if kind.label:
                    templates += [
                        f"Which {kind.plural} are {t} {subject}?",
                        f"Name every {kind.label} {t} {subject}.",
                    ]
                participle = _by_participle(t)
                if participle is not None:  # released_by read backwards: "What has X released?"
                    templates.append(f"{'Whom' if kind.person else 'What'} has {subject} {participle}?")
                    if kind.label:
                        templates.append(f"Which {kind.plural} has {subject} {participle}?")
        elif rp.kind == "active":
            templates = [f"{who} {t} {subject}?", f"Tell me {who.lower()} {t} {subject}."]
            templates.append(f"Name {every} {'who' if kind.person else 'that'} {t} {subject}.")
            if kind.label:
                templates += [
                    f"Which {kind.label} {t} {subject}?",
                    f"Name every {kind.label} that {t} {subject}.",
                ]
        else:
            be = "include" if _plural(t) else "is"
            templates = [f"Whose {t} {be} {subject}?", f"Name {every} whose {t} {be} {subject}."]
            if not _plural(t):
                templates.append(f"{who} has {subject} as {'their' if kind.person else 'its'} {t}?")
            if kind.label:
                templates += [
                    f"Which {kind.plural} have {subject} as their {t}?",
                    f"Name every {kind.label} whose {t} {be} {subject}.",
                ]
        return _capitalise(self.rng.choice(templates))

    def question_steps(self, topic: str, steps: Sequence[tuple[str, str, _Kind]]) -> str:
        """A question over (relation, ``"out"``/``"in"``, kind of the nodes reached) steps."""
        subject = topic
        last = len(steps) - 1
        for i, (relation, direction, kind) in enumerate(steps):
            if direction == "out":
                rp = phrase(relation)
                if i < last:
                    subject = self.describe(subject, rp, possessive_ok=i == 0)
                else:
                    return self.ask(subject, rp, plain_subject=i == 0)
            elif i < last:
                subject = self.describe_back(subject, backward_phrase(relation), kind)
            else:
                return self.ask_back(subject, backward_phrase(relation), kind)
        raise ValueError("a question needs at least one step")

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


# -- phrasing a step read backwards ---------------------------------------------------------------------
_VERBS = _ACTIVE_VERBS | frozenset(
    ["coaches", "owns", "employs", "sponsors", "manages", "leads", "hosts", "directs", "writes", "produces"]
)
_PERSON_LABELS = _PERSON_WORDS | frozenset(["human", "character", "player", "artist", "musician", "student"])
_PERSON_HEADS = frozenset(
    ["born", "lives", "works", "knows", "married", "studied", "employed", "plays", "nationality", "citizen"]
)
"""Relation words whose head (what a backward step asks for) is probably a person when no label says."""


def backward_phrase(relation: str) -> RelationPhrase:
    """How ``relation`` reads when the question asks for its heads; ``person``: the heads are people.

    The same classification as ``phrase``, except that a one-word relation that looks like a verb
    (``founded``, ``coaches``) is active: "Who founded X?".
    """
    words = relation_words(relation) or [relation]
    rp = phrase(relation)
    person = any(w in _PERSON_HEADS or w in _PERSON_WORDS for w in words)
    if len(words) == 1 and (words[0].endswith("ed") or words[0] in _VERBS):
        return RelationPhrase("active", words[0], person)
    return RelationPhrase(rp.kind, rp.text, person)


def _plural_noun(word: str) -> str:
    irregular = {"person": "people", "child": "children", "man": "men", "woman": "women"}
    if word in irregular:
        return irregular[word]
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


@dataclass(frozen=True)
class _Kind:
    """What a set of nodes is called: ``label`` ("album"), ``plural`` ("albums") and whether people."""

    label: str | None
    plural: str | None
    person: bool


_GENERIC_LABELS = frozenset(["entity", "node", "thing", "resource", "object", "item"])


def _kind_of(nodes: Mapping[str, Node], ids: set[str], rp: RelationPhrase) -> _Kind:
    """The one label every node of ``ids`` has (read as words), else none; people from the label if any."""
    common: set[str] | None = None
    for node_id in ids:
        node = nodes.get(node_id)
        labels = set(node.labels) if node is not None else set()
        common = labels if common is None else common & labels
    common = {label for label in common or () if label.lower() not in _GENERIC_LABELS}
    if len(common) != 1:
        return _Kind(None, None, rp.person)
    words = relation_words(next(iter(common)))
    if not words:
        return _Kind(None, None, rp.person)
    label = " ".join(words)
    plural = " ".join([*words[:-1], _plural_noun(words[-1])])
    return _Kind(label, plural, any(w in _PERSON_LABELS for w in words))


def _by_participle(text: str) -> str | None:
    """``"released by"`` -> ``"released"`` (for "What has X released?"); else None."""
    words = text.split()
    if len(words) == 2 and words[1] == "by" and words[0].endswith(("ed", "en")):
        return words[0]
    return None


def _the_noun_of(text: str) -> str | None:
    """``"the member of"`` -> ``"the members of"``; else None."""
    words = text.split()
    if len(words) < 3 or words[0] != "the" or words[-1] != "of":
        return None
    # "the son or daughter of" -> "the sons or daughters of": each alternative's last word.
    nouns = [
        w if i + 1 < len(words) - 1 and words[i + 1] != "or" else _plural_noun(w) for i, w in enumerate(words)
    ]
    return " ".join(["the", *(n for n in nouns[1:-1]), "of"])


# -- generation ----------------------------------------------------------------------------------------
Steps = tuple[tuple[str, Literal["out", "in"]], ...]
"""(relation, direction) per hop: ``"out"`` follows the stored edge, ``"in"`` walks it backwards."""


def _forward(relations: Sequence[str]) -> Steps:
    return tuple((r, "out") for r in relations)


def _frontier_sizes_ok(store: GraphStore, topic: str, steps: Steps, max_answers: int) -> bool:
    """Cheap set-wise pre-check: every intermediate frontier stays small and the last one is 1..max.

    Keeps ``run_path_query`` (which enumerates every path) away from hubs where paths multiply.
    """
    frontier = {topic}
    for i, (rel, direction) in enumerate(steps):
        nxt: set[str] = set()
        for node in frontier:
            nxt.update(other.id for _, other in store.neighbors(node, direction=direction, types=[rel]))
        frontier = nxt
        if not frontier or len(frontier) > (max_answers if i == len(steps) - 1 else _MAX_FRONTIER):
            return False
    return True


def answers_for(
    store: GraphStore, topic: str, relations: Sequence[str], directions: Sequence[str] | None = None
) -> tuple[str, ...] | None:
    """Every node ``topic`` reaches by following ``relations`` (forwards, or in ``directions``: ``"out"``
    / ``"in"`` per relation), sorted; ``None`` if there are more paths than the query limit (the set could
    be incomplete)."""
    steps = _forward(relations) if directions is None else _steps(relations, directions)
    paths = _relation_paths(store, topic, steps)
    return None if paths is None else tuple(sorted({p.nodes[-1].id for p in paths}))


def _steps(relations: Sequence[str], directions: Sequence[str]) -> Steps:
    if len(relations) != len(directions) or any(d not in ("out", "in") for d in directions):
        raise ValueError("directions: one 'out' or 'in' per relation")
    return tuple((r, "in" if d == "in" else "out") for r, d in zip(relations, directions, strict=True))


def _relation_paths(store: GraphStore, topic: str, steps: Steps) -> list[GraphPath] | None:
    query = PathQuery(start=(topic,), steps=tuple(Step(r, d) for r, d in steps), limit=_PATH_LIMIT)
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
    inverse: float = 0.0,
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
        inverse: probability that a step walks its edge backwards (from tail to head: "Who was born in
            X?"); topics are then drawn from every node with an edge, and each item records its steps'
            directions in ``extra["directions"]``. 0 (the default) generates exactly what it always did.
    """
    if not hops or any(h < 1 for h in hops):
        raise ValueError("hops must be a non-empty list of positive integers")
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 0.0 <= inverse <= 1.0:
        raise ValueError("inverse must be between 0 and 1")
    rng = random.Random(seed)
    phraser = _Phraser(rng, paraphrase)
    nodes = {node.id: node for node in store.iter_nodes()}
    ends: set[str] = set()
    for edge in store.iter_edges():  # one pass, not a query per node
        ends.add(edge.source)
        if inverse > 0:
            ends.add(edge.target)
    starts = sorted(ends)
    items: list[QAItem] = []
    if not starts:
        return items
    seen: set[tuple[str, Steps]] = set()
    order = list(dict.fromkeys(hops))
    failures = dict.fromkeys(order, 0)
    attempts = 0
    budget = max_attempts if max_attempts is not None else 50 * n + 100
    slot = 0
    while len(items) < n and attempts < budget and order:
        attempts += 1
        h = order[slot % len(order)]
        item = _try_one(store, nodes, starts, h, rng, phraser, seen, max_answers, inverse)
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
    seen: set[tuple[str, Steps]],
    max_answers: int,
    inverse: float,
) -> QAItem | None:
    topic = rng.choice(starts)
    steps = _walk(store, topic, h, rng, inverse)
    if steps is None or (topic, steps) in seen:
        return None
    seen.add((topic, steps))
    if not _frontier_sizes_ok(store, topic, steps, max_answers):
        return None
    paths = _relation_paths(store, topic, steps)
    if paths is None or any(len(set(p.node_ids)) < len(p.nodes) for p in paths):
        return None  # too many paths, or a path that returns to the topic or loops
    answers = tuple(sorted({p.nodes[-1].id for p in paths}))
    if not answers or len(answers) > max_answers:
        return None
    relations = tuple(r for r, _ in steps)
    name = entity_name(nodes.get(topic), topic)
    if inverse <= 0:
        return QAItem(phraser.question(name, relations), answers, topic, h, relations)
    kinds = [
        _kind_of(nodes, {p.nodes[i + 1].id for p in paths}, backward_phrase(rel))
        for i, (rel, _) in enumerate(steps)
    ]
    text = phraser.question_steps(name, [(r, d, k) for (r, d), k in zip(steps, kinds, strict=True)])
    return QAItem(text, answers, topic, h, relations, extra={"directions": [d for _, d in steps]})


def _walk(store: GraphStore, topic: str, hops: int, rng: random.Random, inverse: float = 0.0) -> Steps | None:
    """A random walk of ``hops`` edges from ``topic``, each one walked backwards with probability
    ``inverse`` (``None``: dead end)."""
    here = topic
    steps: list[tuple[str, Literal["out", "in"]]] = []
    for _ in range(hops):
        # With inverse == 0 no number is drawn here: the default walks are the ones they always were.
        direction: Literal["out", "in"] = "in" if inverse > 0 and rng.random() < inverse else "out"
        edges = store.neighbors(here, direction=direction)
        if not edges:
            return None
        # Pick the relation type first, so a node's many edges of one type do not crowd out the rest.
        types = sorted({edge.type for edge, _ in edges})
        rel = rng.choice(types)
        here = rng.choice([other.id for edge, other in edges if edge.type == rel])
        steps.append((rel, direction))
    return tuple(steps)

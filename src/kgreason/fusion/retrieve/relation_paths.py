"""Relation paths out of the seed entities, grouped by their signature, and how relevant each is.

A *signature* is a sequence of (relation, direction) steps. The schema says which signatures can start
at the seeds' labels; each is scored against the question by a ``RelationScorer`` (cached embeddings of
readable relation paths), and only the best are executed as path queries, so the cost does not grow
with the size of the neighbourhood.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path as FsPath
from typing import Any, Protocol

from kgreason.atomic import atomic_write
from kgreason.fusion.forms import DATE_WORDS, PathScoreSettings, qualifies_only, type_labels
from kgreason.fusion.question import _singular, head_word
from kgreason.fusion.relation_words import (
    KIN_NOUNS,
    VOWELS,
    cuts_letters,
    group_heads,
    is_irregular_past,
    label_synonyms,
    names_of,
    names_one_way,
    paraphrase_groups,
    paraphrases,
    plain_idioms,
    role_nouns,
    said_by,
    shortens,
    spells_another,
    spells_whole,
    stems,
    verb_role_nouns,
)
from kgreason.fusion.relation_words import humanize as humanize
from kgreason.fusion.relation_words import stem as _stem
from kgreason.fusion.retrieve.path_shapes import (
    _PREPOSITIONS,
    QuestionShape,
    asks_place_of,
    contains,
    in_law,
    marriage,
    placing,
    shape_of,
)
from kgreason.graph.store import BOOKKEEPING_LABELS, BOOKKEEPING_TYPES, GraphSchema

Signature = tuple[tuple[str, str], ...]
"""((relation, "out"|"in"), ...)"""


@functools.lru_cache(maxsize=65536)
def signature_text(sig: Signature) -> str:
    """How a signature reads to an encoder: ``parent of -> works at`` (inverse steps say so)."""
    parts = [humanize(r) if d == "out" else f"{humanize(r)} (inverse)" for r, d in sig]
    return " -> ".join(parts)


StepLabels = dict[tuple[str, str], tuple[set[str], set[str]]]
"""(relation, direction) -> (labels a step leaves from, labels it arrives at)."""

# Nouns whose relation read backwards has a name of its own ("X parent of Y": Y's parent is X, X's child
# is Y). Only kinship-like words: most relations read backwards well enough as "<source> <relation> X".
_CONVERSE = {
    "parent": "child",
    "child": "parent",
    "children": "parent",
    "mother": "child",
    "father": "child",
    "son": "parent",
    "daughter": "parent",
    "employer": "employee",
    "employee": "employer",
    "teacher": "student",
    "student": "teacher",
    "mentor": "mentee",
    "mentee": "mentor",
    "protege": "mentor",
    "owner": "owned",
    "subsidiary": "parent company",
    "division": "parent company",
    "brand": "owner",
}
# The one who does it, for "<verb>ed by" relations: "X supervised by Y" is "X's supervisor", and questions
# ask for it by that noun ("Who was X's doctoral supervisor?") more often than by the verb.
_AGENT = {
    "supervised": "supervisor",
    "advised": "adviser",
    "mentored": "mentor",
    "directed": "director",
    "edited": "editor",
    "developed": "developer",
    "funded": "funder",
    "led": "leader",
    "organised": "organiser",
    "organized": "organizer",
    "authored": "author",
    "written": "writer",
    "sponsored": "sponsor",
    "founded": "founder",
    "owned": "owner",
    "produced": "producer",
    "published": "publisher",
    "employed": "employer",
    "created": "creator",
    "invented": "inventor",
    "designed": "designer",
    "composed": "composer",
    "managed": "manager",
    "coached": "coach",
    "taught": "teacher",
    "hosted": "host",
    "performed": "performer",
    "acquired": "acquirer",
    "discovered": "discoverer",
    "illustrated": "illustrator",
    "translated": "translator",
    "narrated": "narrator",
    "made": "maker",
    "bred": "breeder",
}
_DOERS = frozenset(_AGENT.values())
# Active verbs whose two ends have names of their own: "X succeeded Y" makes Y X's predecessor and X Y's
# successor. (relation word) -> (the noun for what the relation reaches, the noun for what it comes from)
_ORDER_NOUNS = {
    "succeeded": ("predecessor", "successor"),
    "succeeds": ("predecessor", "successor"),
    "preceded": ("successor", "predecessor"),
    "precedes": ("successor", "predecessor"),
    "replaced": ("predecessor", "successor"),
    "replaces": ("predecessor", "successor"),
}
_GENERIC_LABELS = frozenset({"entity", "node", "thing", "resource", ""})
_GENERIC_STEMS = frozenset(map(_stem, _GENERIC_LABELS))


def _label_word(labels: set[str], named: Collection[str] = ()) -> str:
    """The readable name of a step end: its label when there is exactly one that says something, or the
    one of several that the question names ("politicians born in X": ``born_in`` read backwards reaches
    politicians and judges), or else the one that nearly all its ends carry (``Labels.main``: films are
    directed by directors, and by one actor)."""
    main = getattr(labels, "main", None)
    if len(labels) > 1:
        labels = {lab for lab in labels if lab in named}
        if not labels and main is not None:
            labels = {main}
    if len(labels) != 1:
        return ""
    word = humanize(next(iter(labels)))
    return "" if word in _GENERIC_LABELS else word


@functools.lru_cache(maxsize=65536)
def _step_phrase(
    relation: str, direction: str, subject: str, obj: str, said: frozenset[str] = frozenset()
) -> str:
    plain = _plain_phrase(relation, direction, subject, obj)
    role = role_nouns(relation) if said else None
    if role is None:
        return plain
    # "X studied under person (X's teacher)"; backwards "person studied under X (X's pupil)": the role
    # noun of this direction the question says (``said``: its role words' stems), else the first one
    nouns = role[0 if direction == "out" else 1].split()
    noun = next((n for n in nouns if _stem(n) in said), nouns[0])
    owner = f"{subject}'s" if subject else "its"
    return f"{plain} ({owner} {noun})"


def _plain_phrase(relation: str, direction: str, subject: str, obj: str) -> str:
    words = humanize(relation)
    parts = words.split()
    owner = f"{subject}'s" if subject else "its"
    if parts and parts[-1] == "of" and len(parts) > 1:
        noun = " ".join(parts[:-1])
        if direction == "in" and noun == "part":
            # "district part of region" read from the region: "district part of X", not "X's part"
            return " ".join(w for w in (obj, words, subject) if w)
        if direction == "in":
            # "p parent of c" read from c: "c's parent"; "city capital of country" from the country
            return " ".join(w for w in (owner, noun, obj) if w)
        converse = _CONVERSE.get(parts[-2])
        if converse:
            # "p parent of c" read from p: "p's child"
            return " ".join(w for w in (owner, converse, obj) if w)
    order = _ORDER_NOUNS.get(parts[-1]) if len(parts) == 1 else None
    if order:
        # "X succeeded politician (X's predecessor)"; read backwards "politician that succeeded X (X's
        # successor)"
        noun = order[0] if direction == "out" else order[1]
        plain = (
            " ".join(w for w in (subject, words, obj) if w)
            if direction == "out"
            else (" ".join(w for w in (obj, "that", words, subject) if w))
        )
        return f"{plain} ({owner} {noun})"
    if direction == "out":
        agent = _AGENT.get(parts[-2]) if len(parts) == 2 and parts[-1] == "by" else None
        plain = " ".join(w for w in (subject, words, obj) if w)
        if agent:
            # "paper authored by scientist" read from the paper: also "X's author"
            return f"{plain} ({owner} {agent})"
        return plain
    if parts and parts[-1] == "by" and len(parts) > 1:
        # "film directed by person" read from the person: "person directed film"
        return " ".join(w for w in (subject, " ".join(parts[:-1]), obj) if w)
    if parts and (parts[0] in _PARTICIPLE_HEADS or parts[0].endswith("ed")):
        # "person born in city" read from the city: "person born in X"; "city in country": "city in
        # country X" (a participle or a preposition reads as it stands, without "that")
        return " ".join(w for w in (obj, words, subject) if w)
    # "company employs person" read from the person: "company that employs person"
    return " ".join(w for w in (obj, "that", words, subject) if w)


_PARTICIPLE_HEADS = frozenset(
    "in at on within inside near under born held built made written known run led part".split()
)


@functools.lru_cache(maxsize=4096)
def _role_stems(relation: str) -> frozenset[str]:
    """The stems of the role nouns of ``relation`` (``role_nouns``; empty for most relations), read once
    per relation, not for every signature scored."""
    return frozenset(content_words(" ".join(role_nouns(relation) or ())))


def reading_text(
    sig: Signature,
    steps: StepLabels | None = None,
    named: Collection[str] = (),
    words: Collection[str] = (),
    spoken: Sequence[str] = (),
) -> str:
    """How a signature reads from its start ``X``, in the direction it is walked (``words``: the
    question's stems, ``spoken``: its words as written, lower-cased).

    A step taken against the stored edge is read backwards with a verb form of its own, and the labels of
    the schema's domain and range name what each step reaches: over ``(:Film)-[:directed_by]->(:Person)``,
    ``((directed_by, in),)`` reads ``X directed film`` and ``((directed_by, out),)`` reads
    ``X directed by person (X's director)`` (the agent noun of a common "<verb>ed by" relation, as
    questions often name it). So "Which films did X direct?" matches the backwards reading, not the
    forwards one (which ``signature_text`` could only mark "(inverse)").

    >>> reading_text((("directed_by", "in"),), {("directed_by", "in"): ({"Person"}, {"Film"})})
    'X directed film'
    >>> reading_text((("works_at", "out"), ("located_in", "out")))
    'X works at, then located in'
    """
    steps = steps or {}
    phrases = []
    subject = "X"
    for i, (relation, direction) in enumerate(sig):
        _, arrives = steps.get((relation, direction), (set(), set()))
        obj = _label_word(arrives, named)
        # a role noun ("X studied under person (X's teacher)") where the question says one (``words``:
        # its stems); otherwise it is noise the question's own words do not match
        said = _role_stems(relation) & frozenset(words)
        phrase = _step_phrase(relation, direction, subject if i == 0 else "", obj, said)
        # the question's own word for a relation it names by a paraphrase: "X conserved by person
        # (restored)", so the sentence encoder compares the question with its own words
        alias = next(
            (
                w
                for w in spoken
                if not said and _stem(w) in _aliases(relation) and not _done_to(relation, direction, w)
            ),
            "",
        )
        phrases.append(f"{phrase} ({alias})" if alias and phrase else phrase)
        subject = obj
    return ", then ".join(p for p in phrases if p)


def _done_to(relation: str, direction: str, word: str) -> bool:
    """Whether ``word`` is the agent noun of a "<verb>ed by" relation read backwards, where X is the doer
    and the end reached is done to: "X supervised person" reaches whom X supervised, not X's
    "supervisor", so the question's "supervisor" is no word of that reading."""
    parts = humanize(relation).split()
    agent = _AGENT.get(parts[0]) if direction == "in" and len(parts) == 2 and parts[1] == "by" else None
    return agent is not None and _stem(agent) == _stem(word)


@functools.lru_cache(maxsize=4096)
def _aliases(relation: str) -> frozenset[str]:
    """The stems that paraphrase ``relation``'s own words and are none of them ("restore" for
    ``conserved_by``, "bought" for ``knocked_down_to``), and the verb of a doer a short word stands for
    ("manage" for ``mgr_of``, ``_spelled_out``)."""
    own = set(content_words(humanize(relation)))
    doers = {_stem(d) for w in humanize(relation).split() for d in _spelled_out(w) if d in _DOERS}
    verbs = {v for v in map(_stem, _AGENT) if any(_agent_noun(v, d) for d in doers)}
    # the verb of the doer at the other end of a short word's role ("brd": a brand, whose other end is
    # its owner: "owns")
    other_end = {_CONVERSE[k] for w in humanize(relation).split() for k in _spelled_out(w) if k in _CONVERSE}
    verbs |= {_stem(verb) for verb, doer in _AGENT.items() if doer in other_end}
    return frozenset(p for w in own | verbs for p in said_by(w)) - own


class RelationScorer(Protocol):
    """Scores relation-path texts against a question (higher is more relevant)."""

    def score(self, question: str, texts: Sequence[str]) -> list[float]: ...


_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script ("protégés" is one word)
_STOP = frozenset(
    "the a an of is are was were who what which where when whose did does do in on to for by".split()
)


def content_words(text: str, *, skip: Collection[str] = ()) -> list[str]:
    """The words of ``text``, lower-cased and crudely stemmed, without stop words or ``skip``, in order."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and w not in skip]


class LexicalScorer:
    """Stemmed word overlap between question and relation text: free, no model (a baseline, a fallback).

    A path scores the number of its words found in the question, less a little for each word that is not,
    so a two-hop path that names two things the question asks about beats either hop alone.
    """

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        q = set(content_words(question))
        out = []
        for t in texts:
            words = content_words(t, skip=("inverse",))
            hits = sum(1 for w in words if w in q)
            out.append(hits - 0.1 * (len(words) - hits))
        return out


def _words(text: str) -> Counter[str]:
    return Counter(content_words(text, skip=("inverse",)))


class CoverageScorer:
    """Multiset word coverage of the question by a relation path, less a cost per uncovered path word.

    Args:
        miss_cost: subtracted for each path word that the question does not contain (or contains fewer
            times than the path does).
    """

    def __init__(self, miss_cost: float = 0.5) -> None:
        self.miss_cost = miss_cost

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        """One score per text (higher is more relevant)."""
        q = _words(question)
        # a question word covers a path word it paraphrases ("works" covers "employed")
        for w in list(q):
            for alt in names_of(w) - {w}:
                q[alt] = max(q[alt], q[w])
        out = []
        for text in texts:
            p = _words(text)
            covered = sum(min(q[w], c) for w, c in p.items())
            missed = sum(p.values()) - covered
            out.append(covered - self.miss_cost * missed)
        return out


class EmbeddingScorer:
    """Cosine similarity of sentence embeddings.

    Relation-path texts repeat across questions, so their embeddings are cached in memory and, when
    ``cache_path`` is given, in an ``.npz`` file (written atomically) that later processes reuse. A
    question is scored against several text lists while it is answered (one per hop level), so the last
    few questions' embeddings are kept in memory too (never in the file).
    """

    _QUERIES_KEPT = 64

    def __init__(self, encoder: Any, cache_path: FsPath | None = None) -> None:
        self.encoder = encoder
        self.cache_path = cache_path
        self._cache: dict[str, Any] = {}
        self._queries: dict[str, Any] = {}
        self._loaded = False
        self._new = 0

    def _load(self) -> None:
        self._loaded = True
        if self.cache_path is None or not self.cache_path.exists():
            return
        import numpy as np

        try:
            with np.load(self.cache_path, allow_pickle=False) as data:
                texts, vectors = list(data["texts"]), data["vectors"]
        except Exception:  # a damaged cache is rebuilt, never trusted
            return
        self._cache.update({str(t): v for t, v in zip(texts, vectors, strict=True)})

    def save(self) -> None:
        """Write the cache file if new embeddings were computed."""
        if self.cache_path is None or not self._new:
            return
        import numpy as np

        texts = sorted(self._cache)
        with atomic_write(self.cache_path) as fh:
            np.savez(fh, texts=np.array(texts), vectors=np.stack([self._cache[t] for t in texts]))
        self._new = 0

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        import numpy as np

        if not self._loaded:
            self._load()
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self.encoder.encode(missing)
            for t, v in zip(missing, vecs, strict=True):
                self._cache[t] = v
            self._new += len(missing)
            if self._new >= 256:
                self.save()
        q = self._query(question)
        matrix = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, len(q)))
        return [float(x) for x in matrix @ q]

    def _query(self, question: str) -> Any:
        """The question's embedding, from the small in-memory store of recent questions."""
        vector = self._queries.get(question)
        if vector is None:
            if len(self._queries) >= self._QUERIES_KEPT:
                self._queries.pop(next(iter(self._queries)))
            vector = self._queries[question] = self.encoder.encode([question])[0]
        return vector

    def best_match(self, queries: Sequence[str], texts: Sequence[str]) -> list[float]:
        """For each text, its highest cosine similarity to any of ``queries`` (texts cached as in
        ``score``; queries are short words, encoded in one batch)."""
        import numpy as np

        if not queries or not texts:
            return [0.0] * len(texts)
        self.score(queries[0], texts)
        q = self.encoder.encode(list(queries))
        matrix = np.stack([self._cache[t] for t in texts])
        return [float(x) for x in (q @ matrix.T).max(axis=0)]


# -- the scoring rule shared by the path-based strategies ------------------------------------------------
# How relevant a relation path is to a question: one scoring rule for every path-based strategy.
#
# The retrieve strategy (signatures ranked from the schema) and multihop exploration (signatures grown hop
# by hop) rank the same objects — relation signatures walked from a named entity — and must rank them the
# same way, or the two strategies disagree for no reason. ``PathScorer.score`` is that rule:
#
# - sentence-embedding similarity between the masked question and the signature's direction-aware reading
#   (``reading_text``: "X directed film" for ``film -directed_by-> X``), when an embedding scorer is given;
# - plus ``lexical_weight`` times the question words the signature's relations and labels cover;
# - less ``hop_penalty`` for each step that the question does not name (no word of its relation or of the
#   label it reaches is in the question, and no question word is a close paraphrase of the relation): a
#   longer path must earn its hops, and one that starts along a relation the question never names loses
#   to one that starts along a named relation;
# - less ``round_trip_penalty`` for a step straight back along the relation just followed (colleagues:
#   works at, then works at backwards), and ``inverse_penalty`` per step taken against the edge;
# - plus ``shape_weight`` when a word names the signature's whole shape ("grandparents": a kin step twice;
#   "colleagues": a round trip through the employer), less it when the path stops at a node type the question
#   names but does not ask for (``path_shapes``);
# - less ``uncovered_weight`` for each word of the question that names a relation of the graph that the
#   path does not follow ("Where were X's *children* born?": ``born in`` alone leaves "children"
#   unexplained; "Who *supervised* X's *supervisor*?" names ``supervised_by`` twice), or a label it never
#   passes through ("Where is the *funder* of the lab that discovered X based?").


_AGENT_SUFFIXES = frozenset({"or", "er", "r", "ors", "ers"})
_GRAND_STEM = re.compile(r"^grand(parent|child|children|son|daughter|mother|father|kid|sire?|dam)$")
_TWICE = _stem("twice")
# Kin nouns that name a chain of kin steps, each by the word that names it (compared as stems)
_KIN_CHAINS = {
    _stem(word): tuple(_stem(k) for k in chain.split())
    for words, chain in (
        ("aunt aunts uncle uncles", "parent sibling"),
        ("niece nieces nephew nephews", "sibling child"),
        ("cousin cousins", "parent sibling child"),
    )
    for word in words.split()
}
_NOT_RELATION_WORDS = stems(
    "x from with about into onto over under after before than how many much name list tell count give "
    "there have has had also other same different various distinct separate several "
    # (pronouns and determiners, "their" is no "tr"; words for any kind of thing, "organisations" no
    # "org" of ``org_by``)
    "their they them these those this that then organisation organization institution entity person "
    "people thing "
    # (when, not what: "first described" is no ``first_recorded_in``; "recorded" still names it)
    "first last original initial"
)


def _not_relation_word(token: str) -> bool:
    """Whether a question word is cut as no relation's word (``_NOT_RELATION_WORDS``): "Name the ...", but
    not its past form, a verb of the graph ("named (nmd) after": ``nmd_aft``)."""
    return _stem(token) in _NOT_RELATION_WORDS and not token.endswith("ed")


# "give" asks for a list only as "give me" ("Give me the films of X"); elsewhere it is a verb of the graph
# ("Who gives out the X prize?", "What did X give to the museum?")
_GIVE = _stem("give")
_GIVE_VERB = re.compile(r"\b(?:gives?|gave|given|giving)\b(?!\s+(?:me|us)\b)")


def _names(question_word: str, relation_word: str, one_way: bool = True) -> bool:
    """Whether a (stemmed) question word names a (stemmed) relation word: the same stem, a common
    paraphrase ("works" ~ ``employed``), or its agent noun ("supervisor" ~ ``supervised``); a word it
    names one way only (``names_one_way``) too, unless ``one_way=False``."""
    said = names_of(question_word) if one_way else paraphrases(question_word)
    if question_word == relation_word or relation_word in said:
        return True
    return _agent_noun(*sorted((question_word, relation_word), key=len))


def _agent_noun(verb: str, noun: str) -> bool:
    """Whether a (stemmed) question word is the verb whose doer a (stemmed) relation or label word is:
    "operates" names a step into an ``Operator``, "publishes" one into a ``Publisher``."""
    return len(verb) >= 5 and noun.startswith(verb) and noun[len(verb) :] in _AGENT_SUFFIXES


@functools.lru_cache(maxsize=4096)
def _spelled_out(word: str) -> tuple[str, ...]:
    """The role words (``_CONVERSE``, ``_AGENT`` and its doers) a relation's short word stands for:
    ``sub`` of ``sub_of`` is "subsidiary", whose converse is the "parent company"; ``mgr`` of ``mgr_of``
    is "manager", the doer of "manages" (a verb or a doer by a contraction only: ``sup`` is no
    "supervised"); none for a word that is one of them."""
    if len(word) < 3 or not word.isalpha() or word in _CONVERSE or word in _AGENT:
        return ()
    # a verb or its doer only by a contraction ("mgr"): a cut of three letters begins too many verbs
    # ("sup" of ``sup_to`` supplies, and is no "supervised")
    contracted = not any(c in VOWELS for c in word[1:])
    doers = (*_AGENT, *_AGENT.values()) if contracted else ()
    return tuple(k for k in (*_CONVERSE, *doers) if shortens(word, k))


_COMPANY = _stem("company")


def says_only(masked: str, relations: Collection[str], passed: Collection[str] = ()) -> bool:
    """Whether every word of ``masked`` (the named entities masked as ``X``) but its stop words names one
    of ``relations``, and none is a word of the labels ``passed``: "Who is X married to?" says
    ``married_to`` and nothing else; "Who skippers the X champions?" says who won X too, in a word that
    names no relation of the graph; "Who photographed X?" says the ``Photograph`` of X its path passes."""
    names = [n for r in relations for n in _relation_names(r)]
    words = [w for w in content_words(masked, skip=_STRESS) if w != "x"]
    kinds = {w for lab in passed for w in content_words(humanize(lab))}
    return all(any(_names(w, n) for n in names) for w in words) and not kinds.intersection(words)


_STRESS = frozenset("whom itself himself herself themselves exactly actually currently now".split())
"""Words that ask or stress, naming nothing ("Whom did X marry?", "the chair of X itself")."""


@functools.lru_cache(maxsize=4096)
def _relation_names(relation: str) -> frozenset[str]:
    """The stems a question may name ``relation`` by: its own words, the kin nouns of an ``X_of``
    relation read either way ("parent of": parent, child, children, mother, son...), and the agent
    noun of a ``<verb>ed_by`` relation ("supervised by": supervisor)."""
    raw = humanize(relation).split()
    out = set(content_words(" ".join(raw)))
    # a relation named by an idiom is named by the verb it means too: ``taken_over_by`` by "acquired", so
    # by "bought" (``plain_idioms``; an idiom of its first word on: "hands in" is no idiom of
    # ``changed_hands_in``)
    plain = plain_idioms(" ".join(raw))
    if raw and not plain.startswith(raw[0]):
        out.update(content_words(plain))
    out.update(content_words(" ".join(role_nouns(relation) or ())))
    # a two-letter initialism is the compound of a common paraphrase it is the initials of: ``hq`` is
    # "headquarter", so "based" names it
    out.update(_stem(w) for raw_word in raw if len(raw_word) == 2 for w in _compounds_of(raw_word))
    for word in (w for raw_word in raw for w in (raw_word, *_spelled_out(raw_word))):
        if word in _DOERS:
            out.add(_stem(word))  # "mgr" is "manager": "manages" names it (``_agent_noun``)
            # (and the doer's verb whose stem does not begin the doer: "mkr" is "maker", "made"; "brdr" is
            # "breeder", "bred")
            out.update(
                _stem(v)
                for v, doer in _AGENT.items()
                if doer == word and (is_irregular_past(v) or not doer.startswith(_stem(v)))
            )
        kin = {word, _CONVERSE.get(word, word)}
        out.update(_stem(k) for k, v in _CONVERSE.items() if v in kin or k in kin)
        # "subsidiary of" read backwards is the "parent company": its words name the relation too, but
        # for "company", which any firm is called ("the company that X broke away from")
        out.update(
            w for w in content_words(_CONVERSE.get(word, "")) if w not in _GENERIC_STEMS and w != _COMPANY
        )
        if word in _AGENT:
            out.add(_stem(_AGENT[word]))
        out.update(_stem(n) for n in _ORDER_NOUNS.get(word, ()))
    return frozenset(out)


@functools.lru_cache(maxsize=64)
def _vocabulary(
    relations: tuple[str, ...], labels: tuple[str, ...]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Per relation the stems that name it; per label word the labels it names."""
    names = {r: _relation_names(r) for r in relations}
    by_word: dict[str, set[str]] = {}
    for label in labels:
        for word in content_words(humanize(label)):
            if word not in _GENERIC_STEMS:
                by_word.setdefault(word, set()).add(label)
        # another name of its kind, as one word: "rocket" names ``LaunchVehicle``
        for other in label_synonyms(" ".join(_singular(w) for w in humanize(label).split())):
            if " " not in other:
                by_word.setdefault(_stem(other), set()).add(label)
    if _COMPANY in by_word:
        # "company", where it names a label at all, names every kind of business: "the company that owns
        # the X brand" passes its ``Carmaker`` (as the type check reads "company" with ``businesses``)
        by_word[_COMPANY] |= type_labels("company", labels, businesses=True)
    return names, {w: frozenset(labs) for w, labs in by_word.items()}


Mention = tuple[str, frozenset[str]]
"""("relation", relation names) or ("label", labels): one thing a question names."""


def question_mentions(masked: str, steps: StepLabels, head_noun: bool = True) -> list[Mention]:
    """What the question names that a path can walk through: each word naming a relation of the graph
    (one set of relation names per mention; adjacent words naming the same relations are one mention,
    "doctoral adviser") and each word naming a label (``funder`` ~ ``Funder``). ``head_noun=False``
    leaves out the relations the answer's own noun names ("Which *players* ...": ``played_for``), which
    its type already says."""
    relations = tuple(sorted({r for r, _ in steps}))
    labels = tuple(sorted({lab for a, b in steps.values() for lab in a | b}))
    names, label_words = _vocabulary(relations, labels)
    mentions: list[Mention] = []
    previous: frozenset[str] = frozenset()
    last_word = ""
    greats = 0
    head = _noun_head(_WORD.findall(masked.lower()), label_words)
    # "Whose doctorates did X supervise?": the noun after "whose" and the verb name one step, as the
    # answer's noun and the verb do ("How many students did X supervise?")
    whose = _stem(m.group(1)) if (m := _WHOSE_NOUN.match(masked.lower())) else ""
    gerund = _gerund_head(masked)
    gives = _GIVE_VERB.search(masked.lower()) is not None
    head_mention: tuple[int, str] | None = None  # where the answer's head noun named relations, and its word
    said = frozenset(content_words(masked))
    written = spelled_words(masked)
    modifying = _modifying(masked)
    spaced = _spaced_words(masked)
    role = _as_role(masked)
    light = _light_verbs(spaced, written, relations, names)
    pointing = _pointing_back(masked)
    qualifiers = type_qualifiers(spaced, head, label_words)
    # a verb's past form names its relation, though a label shares its stem ("housed in": ``housed_in``,
    # not a ``House``; "awarded": not an ``Award``)
    past = {_stem(t) for t in _WORD.findall(masked.lower()) if t.endswith("ed") or is_irregular_past(t)}
    surfaces = [w for w in _WORD.findall(masked.lower()) if w not in _STOP]  # (as ``spaced``, unstemmed)
    for at, (word, apart) in enumerate(spaced):
        if word in label_words and _verb_of_gerund(surfaces[at], word, label_words[word]):
            # "build", "built" name no ``Building`` (a noun in -ing the stem conflates with its verb)
            previous, last_word = frozenset(), word
            continue
        if at in light:
            # "Who holds the licence to X?": the licence says the relation, "holds" only has it
            previous, last_word = frozenset(), word
            continue
        if at in pointing:
            # "bought by a division; which company does *that division* belong to?": the noun said again
            # after "that" points back at the thing it named, no second step
            previous, last_word = frozenset(), word
            continue
        if apart:
            # "supervised the supervisor": a word between two words naming one relation says two steps
            previous = frozenset()
        if word in _JOINING and not apart:
            # (not a lone "and" or "or", which joins two words for one step: "X's mother and father")
            continue
        named: frozenset[str] = frozenset()
        if word in _HAVE and head_mention is not None and at == len(spaced) - 1:
            # "How many subsidiaries does X have?": the answer's noun says the relation, the closing
            # "have" only has it
            previous, last_word = frozenset(), word
            continue
        if gerund and word == head and word not in label_words:
            previous, last_word = frozenset(), word
            continue
        if head_mention is None and (word == head or (at == 0 and word == whose)) and word not in label_words:
            named = _by_role(word, frozenset(r for r in relations if any(_names(word, n) for n in names[r])))
            if named:
                head_mention = (len(mentions), word)
                mentions.append(("relation", named))
                previous, last_word = named, word
                continue
        if word in qualifiers or (at in role and word in label_words):
            # (a label said in the role X had, "trained as a mining engineer", is no stop on the path)
            previous, last_word = frozenset(), word
            continue
        if (
            word in label_words
            and (word in modifying or any(not _modifies(word, lab) for lab in label_words[word]))
            and not (word in past and any(_names(word, n) for r in relations for n in names[r]))
        ):
            # "banks" names ``Bank``, not ``CentralBank`` nor ``BankingGroup`` whose other words the question
            # does not say; a word no label is wholly said by names all its labels ("rocket"); a label's
            # first word names it only said as a modifier too ("power plants": ``PowerStation``; not "its
            # oil": ``OilCompany``)
            labels_named = frozenset(
                lab for lab in label_words[word] if word in modifying or not _modifies(word, lab)
            )
            # (any kind of business is a "company", said wholly or not: a ``Carmaker``, a ``MiningCompany``)
            whole = frozenset(lab for lab in labels_named if _label_said(lab, said) or word == _COMPANY)
            if ("label", whole or labels_named) not in mentions:
                mentions.append(("label", whole or labels_named))
        elif word == _TWICE:
            # "merged twice over": the relation named by the word right before, walked again (not "won the
            # X twice", twice over the same step)
            if previous and mentions and mentions[-1] == ("relation", previous):
                mentions.append(mentions[-1])
        elif word in _KIN_CHAINS:
            # "aunt" names a parent step and a sibling step, "cousin" a parent, a sibling and a child step
            for kin in _KIN_CHAINS[word]:
                named = frozenset(r for r in relations if any(_names(kin, n) for n in names[r]))
                if named:
                    mentions.append(("relation", named))
        elif (grand := _GRAND_STEM.match(word)) is not None:
            # "grandchild" names the kin relation twice, "great-grandparent" three times
            kin = _stem(grand.group(1))
            named = frozenset(r for r in relations if any(_names(kin, n) for n in names[r]))
            if named:
                mentions.extend([("relation", named)] * (2 + greats))
        elif (word not in _NOT_RELATION_WORDS or (word == _GIVE and gives)) and (
            len(word) > 2 or word in written
        ):
            named = _by_role(word, frozenset(r for r in relations if any(_names(word, n) for n in names[r])))
            named = _two_way_first(word, named, names)
            if named and previous and word in written and mentions and mentions[-1][0] == "relation":
                if (
                    len(word) <= 2
                    and last_word not in written
                    and any(last_word in content_words(humanize(r)) for r in mentions[-1][1])
                ):
                    # the word names a relation by its own word ("walked": ``walked``), so a cut of two
                    # letters written after it ("wk") is another relation's (``wk``, the week), not this
                    # mention; a longer cut is the word's ("appeal (appl)", "drives (drv)")
                    last_word = word
                    continue
                spoken = next((w for w, _ in reversed(spaced[:at]) if w not in written), "")
                cuts_one_way = any(shortens(word, w) for w in names_one_way(_stem(spoken)))
                # (a word that names the mention's relations one way only, none by itself or a paraphrase,
                # names them all alike: "confers (issd) (awd)", by "issue" and "award")
                one_way_only = _one_way_only(_stem(spoken), mentions[-1][1], names)
                if (
                    not shortens(word, spoken)
                    and cuts_one_way
                    and mentions[-1][1] - named
                    and not one_way_only
                ):
                    # a cut of a word the spoken word names one way only ("confers (awd)", by "award")
                    # is none of its mention where the word names a relation itself ("confers":
                    # ``given_by``, by "give"): "award" names winning too
                    last_word = word
                    continue
                if (
                    last_word in written
                    and not shortens(word, spoken)
                    and not (cuts_one_way and one_way_only)
                ):
                    # a cut written after another cut is the word's when it cuts the word itself ("award
                    # (recvd) (awd)"), not when it cuts a paraphrase of it: "won (recv) (awd)" names who
                    # received the prize, not ``awd_by``, the body that awards it
                    last_word = word
                    continue
                # a short form written after the word it stands for is that word's mention: "subsidiaries
                # (sub)" names ``owned_by`` or ``sub_of``, one step, not both
                mentions[-1] = ("relation", mentions[-1][1] | named)
                previous = mentions[-1][1]
                last_word = word
                continue
            # "doctoral adviser" is one mention; "a fork of a fork" (the same word again) two
            if named and (not (named & previous) or word == last_word):
                at, noun = head_mention if head_mention is not None else (-1, "")
                if at >= 0 and word != noun and named & mentions[at][1]:
                    # "How many students did X supervise?": the answer's noun and the verb name one step
                    # (the verb says it, with its voice); "Which teachers taught X's teacher?" keeps the
                    # possessive's own step
                    del mentions[at]
                    head_mention = (-1, head)
                if head_mention is None and last_word == head and word in written and not previous:
                    # "How many agents (agt) ...": the cut spelled after the answer's noun is its mention
                    head_mention = (len(mentions), head)
                mentions.append(("relation", named))
        greats = greats + 1 if word == "great" else 0
        previous = named
        last_word = word
    if in_law(masked) is not None:
        # "parents-in-law" names the marriage step besides the parents
        married = frozenset(r for r in relations if marriage(r))
        if married:
            mentions.append(("relation", married))
    if not head_noun and head_mention is not None and head_mention[0] >= 0:
        del mentions[head_mention[0]]
    return mentions


_DEMONSTRATIVES = frozenset(("that", "this", "these", "those"))
_INTRODUCING = frozenset(("a", "an", "another", "one", "some"))


def _pointing_back(text: str) -> frozenset[int]:
    """The positions in ``_spaced_words(text)`` of nouns said again after "that" (or "this", "these",
    "those") that were said before after "a" (or "an", "another", "one", "some"): "X was bought by *a
    division*; who owns *that division*?" says one division. Not a verb after a relative "that": "the
    band that influenced the band that influenced X" names the relation twice."""
    tokens = _WORD.findall(text.lower())
    introduced = {w for before, w in itertools.pairwise(tokens) if before in _INTRODUCING}
    out: set[int] = set()
    at = -1  # the position in ``_spaced_words``, which leaves the stop words out
    for i, token in enumerate(tokens):
        if token in _STOP:
            continue
        at += 1
        if i >= 1 and tokens[i - 1] in _DEMONSTRATIVES and token in introduced and token in tokens[: i - 1]:
            out.add(at)
    return frozenset(out)


# Verbs that take a noun saying the relation ("holds the licence", "holds a seat", "works as concierge"): no
# mention of their own where such a noun follows
_LIGHT = stems("hold holds held holding work works worked working")
_HAVE = stems("have has had got")
"""Verbs of having that close a question whose answer's noun names the relation ("does X have?")."""


@functools.lru_cache(maxsize=4096)
def _gerund_head(masked: str) -> bool:
    """Whether the answer's head noun (``head_word``) is a gerund ("Which *building* ...": the thing
    built, a type, which names no relation, though "build" is the stem of ``built_by``); a verb of four
    letters at least before the "-ing" ("king", "thing", "string" are none)."""
    head = _singular(head_word(_WORD.findall(masked.lower())))
    return head.endswith("ing") and len(head) >= 7


def _light_verbs(
    spaced: Sequence[tuple[str, bool]],
    written: frozenset[str],
    relations: Sequence[str],
    names: Mapping[str, frozenset[str]],
) -> set[int]:
    """The positions in ``spaced`` of light verbs whose object, after an article or other stop word, is a
    word naming a relation of the graph (the short forms written after the verb skipped)."""
    out: set[int] = set()
    for i, (word, _) in enumerate(spaced):
        if word not in _LIGHT:
            continue
        j = next((k for k in range(i + 1, len(spaced)) if spaced[k][0] not in written), None)
        if j is not None and spaced[j][0] == "as" and j + 1 < len(spaced):
            j += 1  # "works as concierge": the role after "as" says the relation
        elif j is None or not spaced[j][1]:
            continue
        # the object noun, and the short forms written after it ("licence (lic)")
        said = [spaced[j][0], *itertools.takewhile(lambda w: w in written, (w for w, _ in spaced[j + 1 :]))]
        if any(_names(w, n) for w in said for r in relations for n in names[r]):
            out.update(range(i, j))  # the verb and the short forms written after it ("holds (coll)")
    return out


_TOKEN = re.compile(r"(?:[^\W_]|')+|[^\w\s]")


def _noun_head(words: Sequence[str], label_words: Mapping[str, frozenset[str]]) -> str:
    """The stem of the answer's head noun (``question.head_word``); a word naming a label right before
    the plural of another label's word is that noun's modifier ("Which *naval* officers ...": officers,
    not a ``NavalBase``)."""
    head = head_word(words)
    at = words.index(head) if head in words else -1
    if 0 <= at < len(words) - 1:
        nxt = words[at + 1]
        if (
            _stem(head) in label_words
            and nxt.endswith("s")
            and _stem(nxt) in label_words
            and not label_words[_stem(nxt)] & label_words[_stem(head)]
        ):
            return _stem(nxt)
    return _stem(head)


def type_qualifiers(
    spaced: Sequence[tuple[str, bool]], head: str, label_words: Mapping[str, frozenset[str]]
) -> frozenset[str]:
    """The word right before the answer's noun that names another label than the noun does: it qualifies
    the answer's type ("How many *court* cases ..."), and names no stop on the path."""
    if head not in label_words:
        return frozenset()
    return frozenset(
        word
        for (word, _), (nxt, _) in itertools.pairwise(spaced)
        if nxt == head and word in label_words and not label_words[word] & label_words[head]
    )


@functools.lru_cache(maxsize=4096)
def _modifying(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` that another content word follows at once ("power" of "power
    plants"), which may be the first word of a compound label."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return frozenset(
        _stem(w)
        for w, nxt in itertools.pairwise(tokens)
        # (an inflected verb after a noun is its verb: "models walked")
        if w[0].isalnum()
        and nxt[0].isalnum()
        and nxt not in _STOP
        and nxt != "x"
        and not _INFLECTED.search(nxt)
    )


@functools.lru_cache(maxsize=4096)
def _modifies(word: str, label: str) -> bool:
    """Whether the (stemmed) ``word`` is only a modifier in ``label``'s name ("oil" of ``OilCompany``), not
    its last word nor another name of its kind."""
    return qualifies_only(word, [_stem(w) for w in humanize(label).split()])


@functools.lru_cache(maxsize=4096)
def _label_stems(label: str) -> frozenset[str]:
    return frozenset(content_words(humanize(label))) - _GENERIC_STEMS


def _verb_of_gerund(surface: str, word: str, labels: Collection[str]) -> bool:
    """Whether the question's ``surface`` word (stem ``word``) is a verb's form of a noun in -ing that is
    every label's word of that stem: "built" and "build" of ``Building``, not "buildings"."""
    return not surface.endswith(("ing", "ings")) and all(
        any(w.endswith("ing") and _stem(w) == word for w in humanize(lab).lower().split()) for lab in labels
    )


def _label_said(label: str, said: frozenset[str]) -> bool:
    """Whether the question says every word of ``label`` (stems; "central banks" says ``CentralBank``)."""
    stems_ = _label_stems(label)
    return bool(stems_) and stems_ <= said


def _spaced_words(text: str) -> list[tuple[str, bool]]:
    """``content_words`` of ``text``, each with whether a stop word stands between it and the one
    before."""
    out: list[tuple[str, bool]] = []
    apart = False
    for w in _WORD.findall(text.lower()):
        if w in _STOP:
            apart = True
            continue
        out.append((_stem(w), apart))
        apart = False
    return out


_JOINING = frozenset(("and", "or"))
_WHOSE_NOUN = re.compile(
    r"\s*whose ([^\W\d_]+)(?: \([^\W\d_]+\))* (?:did|does|do|has|have|had|will|would|can|could) x\b"
)
"""The noun after "whose" with the entity the subject of a verb after it ("Whose doctorates did X ...")."""
_OF_X_NOUN = re.compile(r"\b([^\W\d_]+)(?: \([^\W\d_]+\))* of (?:the )?x ([^\W\d_]+)\b")
"""The noun before "of X" and the one right after X in a masked possessive ("the *wife* of X *brother*")."""


@functools.lru_cache(maxsize=4096)
def _possessive_order(
    masked: str, steps_key: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]] | None:
    match = _OF_X_NOUN.search(masked.lower())
    if match is None:
        return None
    far, near = match.group(1), match.group(2)
    if _INFLECTED.search(near) or is_irregular_past(near) or near in _STOP or near in _NOT_RELATION_WORDS:
        return None  # "the founder of X died": a verb after X, no noun of X's
    names, _ = _vocabulary(steps_key, ())

    def named(word: str) -> frozenset[str]:
        return frozenset(r for r in steps_key if any(_names(_stem(word), n) for n in names[r]))

    near_named, far_named = named(near), named(far)
    if not near_named or not far_named or near_named & far_named:
        return None
    return near_named, far_named


_OF_WHO_VERB_X = re.compile(
    r"\b([^\W\d_]+)(?: \([^\W\d_]+\))* of (?:the |a |an |his |her |their |its )?(?:[^\W\d_]+ ){1,2}?"
    r"(?:who|that|which|whom) ([^\W\d_]+)(?: \([^\W\d_]+\))* x\b"
    r"|\b([^\W\d_]+)(?: \([^\W\d_]+\))* of (?:the |a |an )?([^\W\d_]+)(?: \([^\W\d_]+\))* of (?:the )?x\b"
)
"""The noun before "of" and the verb of a relative clause whose object is X ("the *parents* of the woman
who *bred* X"), or the noun of X's own "of" ("the *parents* of the *breeder* of X")."""


@functools.lru_cache(maxsize=4096)
def _relative_order(masked: str, steps_key: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]] | None:
    match = _OF_WHO_VERB_X.search(masked.lower())
    if match is None:
        return None
    names, _ = _vocabulary(steps_key, ())

    def named(word: str) -> frozenset[str]:
        return frozenset(r for r in steps_key if any(_names(_stem(word), n) for n in names[r]))

    far, near = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    far_named, near_named = named(far), named(near)
    if not near_named or not far_named or near_named & far_named:
        return None
    return near_named, far_named


def relative_order(masked: str, steps: StepLabels) -> tuple[frozenset[str], frozenset[str]] | None:
    """For "the A of the N who V X" (or "the A of the B of X"), the relations V (B) names and those A
    names, which a path from X walks in that order: V first ("the parents of the woman who bred X": X's
    breeder, then her parents, not the breeder of X's foal). None when the question has no such clause,
    or the two words name the same relations or none.

    >>> steps = {(r, d): (set(), set()) for r in ("child_of", "bred_by") for d in ("in", "out")}
    >>> relative_order("Who are the parents of the woman who bred X?", steps) == ({"bred_by"}, {"child_of"})
    True
    """
    return _relative_order(masked, tuple(sorted({r for r, _ in steps})))


def possessive_order(masked: str, steps: StepLabels) -> tuple[frozenset[str], frozenset[str]] | None:
    """For "the A of X's B" (masked "the A of X B"), the relations B names and those A names, which a path
    from X walks in that order: B first ("the wife of X's brother": the brother, then his wife). None
    when the question has no such phrase, a word after X is a verb, or the two words name the same
    relations or none.

    >>> steps = {(r, d): (set(), set()) for r in ("spouse_of", "sibling_of") for d in ("in", "out")}
    >>> possessive_order("Who is the wife of X brother?", steps) == ({"sibling_of"}, {"spouse_of"})
    True
    """
    return _possessive_order(masked, tuple(sorted({r for r, _ in steps})))


def _possessed(masked: str) -> str:
    """The stem of the noun said right after a masked possessive ("X's teacher", masked "X teacher"), or
    ""."""
    match = re.search(r"\bX ([a-z]+)\b", masked)
    return _stem(match.group(1)) if match else ""


_HELD = (
    # "How many horses is X the dam of?", "X is the founder of which firms?"
    re.compile(r"\bx (?:is |was )?(?:the|a|an) ([a-z]+) of\s*(?:[?.!]|$|which\b|what\b|whom\b|how many\b)"),
    # "Which horses have X as their dam?"
    re.compile(r"\b(?:has|have|had) x as (?:the |a |an |its |their |his |her )?([a-z]+)\b"),
    # "Whose dam is X?"
    re.compile(r"\bwhose ([a-z]+) (?:is|was) x\b"),
)


def _held(masked: str) -> str:
    """The stem of the noun of a role the question says X holds towards the answer ("How many horses is X
    the *dam* of?", "Which horses have X as their *dam*?", "Whose *dam* is X?"): the answer is the one
    whose dam X is, the converse of "X's dam"; or ""."""
    text = masked.lower()
    for pattern in _HELD:
        match = pattern.search(text)
        if match is not None and match.group(1) not in _STOP:
            return _stem(match.group(1))
    return ""


@functools.lru_cache(maxsize=4096)
def _doer_against(noun: str, relation: str, direction: str) -> bool:
    """Whether a step from X along ``relation`` in ``direction`` ends at the one the doer's ``noun`` does
    not name: a "<verb> by" relation holds its doer at its target ("teacher" of ``taught_by``, by the
    paraphrase "taught"; "founder" of ``founded_by``), a relation with role nouns where they say
    (``role_nouns``)."""
    if role_nouns(relation) is not None:
        end = _role_end(noun, relation) or ""
    else:
        words = [w.lower() for w in humanize(relation).split()]
        doer = noun.endswith(_DOER_ENDINGS) and len(words) >= 2 and words[-1] == "by"
        end = "target" if doer and _names(noun, _stem(words[-2]), one_way=False) else ""
    return bool(end) and (direction == "out") != (end == "target")


def _doer_along(noun: str, relation: str, direction: str) -> bool:
    """Whether a step from X along ``relation`` in ``direction`` ends at the one ``noun`` names (the
    converse of ``_doer_against``, where the noun tells an end at all)."""
    return _doer_against(noun, relation, "in" if direction == "out" else "out")


def _against(sig: Signature, near: frozenset[str], far: frozenset[str]) -> int:
    """1 when ``sig`` walks a step ``far`` names before any step ``near`` names, else 0."""
    at_near = next((k for k, (r, _) in enumerate(sig) if r in near), None)
    at_far = next((k for k, (r, _) in enumerate(sig) if r in far), None)
    return int(at_near is not None and at_far is not None and at_far < at_near)


def _as_role(text: str) -> frozenset[int]:
    """The places in ``_spaced_words(text)`` of the words of a role said with "as a" or "as an" ("where did
    X train as a *mining engineer*"), up to the next stop word."""
    out: set[int] = set()
    at, tokens, inside = 0, _WORD.findall(text.lower()), False
    for i, w in enumerate(tokens):
        if w in _STOP:
            inside = w in ("a", "an") and i > 0 and tokens[i - 1] == "as"
            continue
        if inside:
            out.add(at)
        at += 1
    return frozenset(out)


def role_words(masked: str, steps: StepLabels) -> frozenset[str]:
    """The question's words (stems) that are role nouns of a relation of the graph other than its own
    words (``role_nouns``: "teacher" of ``studied_under``; not "mentor" of ``mentored_by``)."""
    nouns = frozenset().union(*(_other_role_stems(r) for r in {r for r, _ in steps}))
    return frozenset(w for w in content_words(masked) if w in nouns)


@functools.lru_cache(maxsize=4096)
def _other_role_stems(relation: str) -> frozenset[str]:
    """``_role_stems`` less the relation's own words (read once per relation)."""
    return _role_stems(relation) - frozenset(content_words(humanize(relation)))


_DOER_ENDINGS = ("er", "or", "ist", "ant")
"""Endings of a noun for whoever does a verb ("founder", "sponsor", "claimant")."""


def _role_end(word: str, relation: str) -> str | None:
    """The end of ``relation`` one of its role nouns (``role_nouns``) calls by the noun with stem ``word``:
    "target" ("teacher" of ``studied_under``), "source" ("pupil"), or None."""
    roles = role_nouns(relation)
    if roles is not None:
        if word in stems(roles[0]):
            return "target"
        if word in stems(roles[1]):
            return "source"
    return None


def answer_end(
    word: str, relation: str, labels: tuple[Collection[str], Collection[str]], type_labels: Collection[str]
) -> str | None:
    """Which end of ``relation`` (``labels``: the labels of its sources and of its targets) a noun with
    stem ``word`` calls by that noun, "source" or "target", or None when neither can be told: a role
    noun of the relation says it (``role_nouns``: "teacher" is the target of ``studied_under``); else the
    one end whose labels the answer's type has ("authors": the people of ``written_by``, not its books);
    else a relation named by the noun itself holds it at its target ("agent": ``agt``, X's agent), one
    named "<noun> of" at its source ("parent": ``parent_of``), and one named "<noun> by" at its target
    for a doer's noun ("founder": ``fndr_by``) and at its source for another ("award": ``awd_by``)."""
    end = _role_end(word, relation)
    if end is not None:
        return end
    sources, targets = (bool(set(side) & set(type_labels)) for side in labels)
    if sources != targets:
        return "target" if targets else "source"
    words = [w.lower() for w in humanize(relation).split()]
    if not words or not (_stem(words[0]) == word or shortens(words[0], word)):
        return None
    if len(words) == 1:
        return "target"
    if len(words) == 2 and words[1] == "by":
        # "founder" of ``fndr_by`` is who founded (its target); "award" of ``awd_by`` what is awarded
        return "target" if word.endswith(_DOER_ENDINGS) else "source"
    return "source" if len(words) == 2 and words[1] == "of" else None


def _two_way_first(word: str, named: frozenset[str], names: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Of the relations ``word`` names, those it names by its own stem, a paraphrase or its agent noun,
    where there are any: the relations it names one way only (``names_one_way``) give way to them
    ("confers" names ``given_by`` by "give", not ``awd``, a winner's, by "award")."""
    two_way = frozenset(r for r in named if any(_names(word, n, one_way=False) for n in names[r]))
    return two_way or named


def _one_way_only(word: str, named: frozenset[str], names: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``word`` names some of the relations ``named`` one way only (``names_one_way``: "confer"
    names "issue", so ``issued_by``) and none by itself or a paraphrase."""
    words = [n for r in named for n in names[r]]
    return any(_names(word, n) for n in words) and not any(_names(word, n, one_way=False) for n in words)


def _by_role(word: str, named: frozenset[str]) -> frozenset[str]:
    """Of the relations ``word`` names, those it is a role noun of, when it is one (``role_nouns``): "X's
    teacher" is whom X studied under, though "teacher" paraphrases ``taught_at`` too (whose teacher is X)."""
    roles = frozenset(r for r in named if word in _role_stems(r))
    if not roles:
        return named
    # (and those the word is a word of: "subsidiaries" names ``subsidiary_of`` as well as ``owned_by``,
    # whose role noun it is; and, for a kin noun, the kin relations it names by their kin word: "parents"
    # is a role noun of a horse's ``sr`` and names a person's ``child_of`` as well)
    kin = word in _KIN_STEMS
    return roles | frozenset(
        r
        for r in named
        if word in (words := content_words(humanize(r))) or (kin and _KIN_STEMS.intersection(words))
    )


_KIN_STEMS = frozenset(_stem(w) for w in KIN_NOUNS)


_LINK_WORDS = _PREPOSITIONS | {"x", "about", "as"}
"""Words of a masked question that name no relation by themselves (the entity, prepositions)."""
_COORDINATION_REACH = 3
_SPELLED_WORD = re.compile(r"(\()?([^\W_]+)\)?")
"""A word, and whether it stands in brackets (a cut ``spell_abbreviations`` put after a word)."""
"""How many words from "and" ``coordinated_relations`` looks for the relation word on each side."""


def coordinated_relations(masked: str, steps: StepLabels) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Pairs of relation sets the nearest relation words before and after an "and" name ("owned and
    sponsored by X", "coaches and plays for", "studied at X and now teaches there"): both relations lead
    to the same answer. Each side looks at most ``_COORDINATION_REACH`` words away, never past another
    "and"."""
    relations = tuple(sorted({r for r, _ in steps}))
    labels = tuple(sorted({lab for a, b in steps.values() for lab in a | b}))
    names, _ = _vocabulary(relations, labels)
    # each word with the cuts the spelling put after it in brackets ("student (st) (sprs)"): one word
    words: list[list[str]] = []
    for bracket, word in _SPELLED_WORD.findall(masked.lower()):
        if word in _STOP:
            continue
        if bracket and words:
            words[-1].append(_stem(word))
        elif not bracket:
            words.append([_stem(word)])

    def named(group: Sequence[str]) -> frozenset[str]:  # (a preposition names no relation on its own: "at")
        return frozenset(
            r
            for r in relations
            for w in group
            if w not in _LINK_WORDS and any(_names(w, n) for n in names[r])
        )

    def nearest(around: Sequence[list[str]]) -> frozenset[str]:
        for group in around[:_COORDINATION_REACH]:
            if group[0] == "and":
                break
            if found := named(group):
                return found
        return frozenset()

    out = []
    for i in range(1, len(words) - 1):
        if words[i][0] != "and":
            continue
        left, right = nearest(words[i - 1 :: -1]), nearest(words[i + 1 :])
        if left and right and left != right:
            out.append((left, right))
    return out


def relation_mentions(masked: str, steps: StepLabels) -> list[frozenset[str]]:
    """The relation mentions of ``question_mentions``."""
    return [names for kind, names in question_mentions(masked, steps) if kind == "relation"]


def named_twice(mentions: Sequence[Mention], relation: str) -> bool:
    """Whether the question names ``relation`` twice in a row ("newspapers *owned* by the company that
    *owns* X"): a round trip along it, out and straight back, is then asked for."""
    named = [r for kind, r in mentions if kind == "relation"]
    return any(relation in a and relation in b for a, b in itertools.pairwise(named))


def named_steps(sig: Signature, mentions: Sequence[Mention]) -> tuple[set[int], int]:
    """The steps a relation mention of the question names (each mention names one step), and the surplus:
    steps along a named relation beyond the mentions that name it. "Was X succeeded by Y?" names
    ``succeeded`` once, so a second ``succeeded`` step is not named; "Where is the company that acquired X
    headquartered?" names ``headquartered_in`` and its paraphrase ``based_in`` with one word, so it does
    not name the round trip out along one and back along the other."""
    named = [rs for kind, rs in mentions if kind == "relation"]
    free = [True] * len(named)
    matched: set[int] = set()
    extra = 0
    for i, (relation, _) in enumerate(sig):
        options = [k for k, rs in enumerate(named) if relation in rs]
        if not options:
            continue
        unused = [k for k in options if free[k]]
        if unused:
            free[min(unused, key=lambda k: len(named[k]))] = False
            matched.add(i)
        else:
            extra += 1
    return matched, extra


_DATE_STEMS = frozenset(_stem(w) for w in DATE_WORDS)


@functools.lru_cache(maxsize=4096)
def _date_label(label: str) -> bool:
    return bool(set(content_words(humanize(label))) & DATE_WORDS)


def _dated(labels: Collection[str]) -> bool:
    """Whether a step reaches only dates (``Year``): a stop that things share by chance."""
    return bool(labels) and all(_date_label(lab) for lab in labels)


def _says(word: str, own: Collection[str], stepw: Collection[str], roles: Collection[str]) -> bool:
    """Whether a question word names a step whose words (and their paraphrases) are ``stepw``: it is one
    of them, a compound holding one, or the verb whose doer one of them is ("operates": ``Operator``); a
    role noun names only its own relation's step (``own``)."""
    return (word not in roles or word in own) and any(
        sw == word or (len(sw) >= 4 and sw in word) or _agent_noun(word, sw) for sw in stepw
    )


def _label_again(
    sig: Signature, steps: StepLabels, earned: Collection[tuple[str, str]], times_named: Counter[str]
) -> int:
    """Steps that only the label they reach names, when the start or an earlier step already has that
    label: the question's "projects" names the step into the projects, not a further step to other
    projects ("Which projects does X look after?": maintained_by, not maintained_by then depends_on; "Who
    designed the X programming language?": not the languages X was influenced by)."""

    def specific(labels: set[str]) -> set[str]:  # "Entity" (a graph without labels) names nothing
        return {lab for lab in labels if humanize(lab) not in _GENERIC_LABELS}

    seen = specific(steps.get(sig[0], (set(), set()))[0]) if sig else set()
    again = 0
    for step in sig:
        arrives = specific(steps.get(step, (set(), set()))[1])
        if step in earned and not times_named[step[0]] and arrives and arrives <= seen:
            again += 1
        seen |= arrives
    return again


def uncovered_mentions(mentions: Sequence[Mention], sig: Signature, steps: StepLabels | None = None) -> int:
    """How many mentions of the question the signature leaves unexplained: each step explains one
    mention of a relation it follows, and a label is explained when the path can pass through it."""
    on_path: set[str] = set()
    if steps and sig:
        on_path |= steps.get(sig[0], (set(), set()))[0]
        for step in sig:
            on_path |= steps.get(step, (set(), set()))[1]
    missing = 0
    said: list[frozenset[str]] = []
    for kind, named in mentions:
        if kind == "label":
            missing += not (named & on_path)
        else:
            said.append(named)
    return missing + len(said) - _matched(said, [r for r, _ in sig])


def _matched(said: Sequence[frozenset[str]], walked: Sequence[str]) -> int:
    """How many of the relation mentions ``said`` the steps ``walked`` explain, each step one mention that
    names its relation, as many as can be (a matching: "Who presents the trophy X won?" read along
    ``awarded_to`` and ``presented_by`` explains "won" by the one and "presents", which names both, by
    the other)."""
    owner: dict[int, int] = {}  # step -> mention

    def place(m: int, seen: set[int]) -> bool:
        for k, relation in enumerate(walked):
            if relation in said[m] and k not in seen:
                seen.add(k)
                if k not in owner or place(owner[k], seen):
                    owner[k] = m
                    return True
        return False

    return sum(place(m, set()) for m in range(len(said)))


def _label_words(step: tuple[str, str], steps: StepLabels) -> str:
    _, arrives = steps.get(step, (set(), set()))
    return " ".join(humanize(label) for label in sorted(arrives) if humanize(label) != "entity")


def step_words(step: tuple[str, str], steps: StepLabels) -> str:
    """A step's relation words and the label it reaches (what a question may name it by)."""
    return f"{humanize(step[0])} {_label_words(step, steps)}".strip()


# Words that qualify a relation in time or standing ("formerly played for", "ex member of"): a question
# naming the relation without them asks for the unqualified one.
# ("acting" is not one: its stem is that of ``acted_in``)
_QUALIFIERS = stems("formerly former previously previous past ex once earlier retired honorary interim")


# Question words that say a relation is qualified without naming the qualifier ("used to", "no longer").
_SAID_QUALIFIERS = stems("used longer anymore until")

# Question words that put a step in the past, as a qualified relation does ("formerly", "once"; not "used
# to", which may say one step of several: "Who now owns the farm X used to farm?")
_PAST_ADVERBS = stems("formerly previously once earlier")


def _qualified_twins(steps: StepLabels) -> dict[tuple[str, str], tuple[str, str]]:
    """Each unqualified step of ``steps`` with a qualified step between the same labels, read the same way
    (``plays_for`` and ``ex_tm``, both from a ``Player`` to a ``Team``): a question that puts the step in
    the past asks for its twin."""
    qualified = [(step, ends) for step, ends in steps.items() if _qualifiers(step[0])]
    return {
        step: twin
        for step, (starts, arrives) in steps.items()
        if not _qualifiers(step[0])
        for twin, (twin_starts, twin_arrives) in qualified
        if twin[1] == step[1] and starts & twin_starts and arrives & twin_arrives
    }


@functools.lru_cache(maxsize=4096)
def _qualifiers(relation: str) -> frozenset[str]:
    return frozenset(content_words(humanize(relation))) & _QUALIFIERS


def spell_abbreviations(masked: str, steps: StepLabels, known: frozenset[str] | None = None) -> str:
    """``masked`` with each short relation word of the graph written after the question's words it stands
    for, so that word overlap and the encoder see it. Idempotent.

    - An initialism after the words it abbreviates: "the principal investigator (pi) of X" where a
      relation is ``pi_is``; where ``known`` is given, also after a compound whose two parts it is the
      initials of: "underwrite (uw)", "headquartered (hq)".
    - Where ``known`` holds the words the sentence encoder reads whole (``BertSentenceEncoder.vocabulary``),
      a relation word that is none of them is a shortening, written after the first question word it
      shortens, or whose common paraphrase (``paraphrases``) it shortens: a truncation of three letters or
      more ("Who audits (aud) X?" where a relation is ``aud_by``; "works (emp) at", by "employ") or a
      contraction of the word's first letter and consonants ending with its last ("the custodian (cstdn)",
      "in what year (yr)"). A question word that names a label of the graph is left alone ("Which audit
      firms ...": the label names it already). A relation word of three to five letters the encoder
      knows is written only after a question word it begins and that is no compound (``_cut_short``:
      "geologist (geo)", not "headquartered (head)"); one of two letters only after a word whose stem
      has six letters or more ("operates (op)", not "opened"); others the encoder knows ("ceo") are its
      to read. A short form of two letters the encoder does not know is read from a question word itself
      only, never a preposition, an inflected verb or a word known to mean a relation ("board (bd)";
      not "based", "behind", "built").
    """
    relations = frozenset(r for r, _ in steps)
    out = _by_cuts(_spelled(masked, _initialisms(relations)), _relation_words(relations))
    if known is None:
        return out
    out = _compounded(out, _initialisms(relations), known)
    short = _shortenings(relations, known)
    cut = _known_cuts(relations, known)
    if not short and not cut:
        return out
    named = frozenset(lab for starts, ends in steps.values() for lab in starts | ends)
    # (but for the answer's own noun where it names a doer said to work somewhere: "How many teachers (tch)
    # work at X?", the cut of the verb it is the doer of says where the answer works, as "works as
    # concierge" does)
    labels = _label_words_said(out, named) - _doer_head(out)
    # (the words relations are named by in full: a word naming one of them itself cuts no word it names
    # one way only, ``_shortened``)
    plain = frozenset(w for r in relations for w in _relation_names(r))
    return _cut_short(_shortened(out, short, labels, plain), cut, labels, known)


def _label_words_said(masked: str, labels: frozenset[str]) -> frozenset[str]:
    """The stems of the words that name a label in ``masked``: each label's last word, and its other words
    where the question says them with the rest of the label ("Which audit firms ...": ``AuditFirm``), not
    alone ("Whose exams ...": no ``ExamBoard``, but the word a cut ``exm`` stands for)."""
    said = " ".join(_stem(w) for w in _WORD.findall(masked.lower()))
    out: set[str] = set()
    for lab in labels:
        words = [_stem(w) for w in humanize(lab).split()]
        out.add(words[-1])
        if len(words) > 1 and f" {' '.join(words)} " in f" {said} ":
            out.update(words)
    return frozenset(out)


_WORK = paraphrases(_stem("work"))


def _doer_head(masked: str) -> frozenset[str]:
    """The stem of the answer's head noun (``head_word``) where it is a doer's noun ("teachers") and the
    question says where the answer works ("work at", "on the staff of"), else nothing: elsewhere the label
    says the type and the verb the step ("Which teachers were born in X?")."""
    words = _WORD.findall(masked.lower())
    head = head_word(words)
    if not _singular(head).endswith(("er", "or")) or not any(_stem(w) in _WORK for w in words):
        return frozenset()
    return frozenset((_stem(head),))


_SPELLED = re.compile(r"\(([^\W\d_]+)(?=[\s)])")


def spelled_words(masked: str) -> frozenset[str]:
    """The short words ``spell_abbreviations`` wrote into ``masked`` ("board (bd)"): words of the question
    however short ("bd" names ``bd_mem`` as "board" would)."""
    return frozenset(_stem(w.lower()) for w in _SPELLED.findall(masked))


def _written_after(text: str, word: str, short: str) -> str:
    """``text`` with `` (short)`` written after each whole ``word``, in any case: a word said twice names
    its relation twice ("Who else edits (edtr) the journal that X edits (edtr)?"), as a relation's own
    word does; after the whole of a hyphenated compound, which is one word ("test-drives (drv) (tst)")."""
    return re.sub(rf"\b({re.escape(word)}(?:-[^\W\d_]+)*)\b", rf"\1 ({short})", text, flags=re.IGNORECASE)


# Short words of a relation name that are grammar, never an initialism or a shortening ("at" of
# ``ned_at`` is no "audi-tor", "via" of ``clr_via`` no "viaduct")
_GRAMMAR = _STOP | frozenset(
    "at as or and nor but if from with via into onto off out up per than not no it its be has had".split()
)


@functools.lru_cache(maxsize=1024)
def _grammar(word: str) -> bool:
    """Whether a relation word is grammar (``_GRAMMAR``) or a cut of three letters or more of a grammar
    word: "frm" of ``drv_frm`` is "from", no "former" ("Which earlier chip ..." says no derivation)."""
    return word in _GRAMMAR or (
        len(word) >= 3 and any(len(g) > len(word) and shortens(word, g) for g in _GRAMMAR)
    )


@functools.lru_cache(maxsize=256)
def _relation_words(relations: frozenset[str]) -> frozenset[str]:
    """The words of the graph's relation names (``aud`` and ``by`` of ``aud_by``)."""
    return frozenset(w for r in relations for w in humanize(r).split())


@functools.lru_cache(maxsize=256)
def _initialisms(relations: frozenset[str]) -> frozenset[str]:
    """The relation words of two or three letters that are no grammar word (``pi`` of ``pi_is``, ``ceo``)."""
    words = _relation_words(relations)
    return frozenset(w for w in words if 2 <= len(w) <= 3 and w.isalpha() and not _grammar(w))


_PRONOUNS = frozenset("you your yours they them their she her hers him his our ours its".split())
"""Pronouns, never a word of an initialism ("do you reach" is no ``yr``)."""
_ASKING = frozenset(("how", "many", "much"))
"""Words that ask, never the initials of a relation ("How many" is no ``hm``, a home port)."""


@functools.lru_cache(maxsize=4096)
def _by_cuts(masked: str, words: frozenset[str]) -> str:
    """``masked`` with each relation word that is a verb's first letters and "by" ("pb": published by,
    "tby": translated by) written after the first past participle of five letters or more that begins
    with those letters: "the imprint that published (pb) X"."""
    tokens = list(dict.fromkeys(_WORD.findall(masked.lower())))
    out = masked
    for word in sorted(words - set(tokens)):
        if not word.isalpha() or word in _GRAMMAR:
            continue
        if len(word) >= 3 and word.endswith("by"):
            start = word[:-2]
        elif len(word) == 2 and word.endswith("b"):
            start = word[0]
        else:
            continue
        token = next(
            (
                t
                for t in tokens
                if len(t) >= 5 and t.startswith(start) and (t.endswith("ed") or is_irregular_past(t))
            ),
            None,
        )
        if token is not None:
            out = _written_after(out, token, word)
    return out


@functools.lru_cache(maxsize=4096)
def _spelled(masked: str, initialisms: frozenset[str]) -> str:
    tokens = _WORD.findall(masked.lower())
    out = masked
    for short in sorted(initialisms - set(tokens)):
        if _spells_time(short) or (len(short) == 2 and role_nouns(short) is not None):
            # a cut of a word of time or of a role noun, no initials ("young riders" is no ``yr``, the
            # year, nor "direct male" ``dm``, the dam)
            continue
        n = len(short)
        for i in range(len(tokens) - n + 1):
            run = tokens[i : i + n]
            # a word the short form begins is that word cut short, not the run's initials ("company
            # operates" is no "co", which shortens "company")
            if "".join(t[0] for t in run) == short and all(
                len(t) >= 3
                and t not in _STOP
                and t not in _ASKING
                and t not in _PRONOUNS
                and not t.startswith(short)
                for t in run
            ):
                out = _written_after(out, run[-1], short)
                break
    return out


@functools.lru_cache(maxsize=1024)
def _spells_time(short: str) -> bool:
    """Whether a relation's short word spells out a word of time whole, its first letter and every
    consonant after it ("yr": year, "dt": date): the cut data teams make most, never the initials of
    question words ("young riders")."""
    return any(spells_whole(short, w) for w in DATE_WORDS)


@functools.lru_cache(maxsize=4096)
def _compounded(masked: str, initialisms: frozenset[str], known: frozenset[str]) -> str:
    """``masked`` with each two-letter initialism written after a compound word whose two parts (words
    the encoder reads whole, three letters each at least) it is the initials of: "underwrite (uw)",
    "headquartered (hq)"."""
    tokens = list(dict.fromkeys(_WORD.findall(masked.lower())))
    out = masked
    for short in sorted(w for w in initialisms - set(tokens) if len(w) == 2):
        for token in tokens:
            if not token.isalpha() or token in _STOP:
                continue
            if _compound_of(token, short, known):
                out = _written_after(out, token, short)
                break
    return out


@functools.lru_cache(maxsize=256)
def _compounds_of(short: str) -> tuple[str, ...]:
    """The words of the paraphrase groups (``relation_words``) that ``short`` (two letters) may be the
    initials of, as a compound of two parts of three letters or more ("headquarter": "hq")."""
    words = {w for group in paraphrase_groups() for w in group}
    # (the first part a word of the groups itself: "head" of "headquarter", "birth" of "birthplace")
    return tuple(
        sorted(
            w
            for w in words
            if w[0] == short[0] and any(w[k] == short[1] and w[:k] in words for k in range(3, len(w) - 2))
        )
    )


def _compound_of(word: str, short: str, known: frozenset[str]) -> bool:
    """Whether ``short`` (two letters) is the initials of ``word`` read as a compound of two words the encoder
    reads whole, three letters each at least ("headquarter": "hq")."""
    if word[0] != short[0] or len(word) < 6:
        return False
    return any(
        word[k] == short[1] and word[:k] in known and (word[k:] in known or _stem(word[k:]) in known)
        for k in range(3, len(word) - 2)
    )


@functools.lru_cache(maxsize=256)
def _shortenings(relations: frozenset[str], known: frozenset[str]) -> frozenset[str]:
    """The relation words of two to six letters, no grammar word, that the encoder does not read whole."""
    words = _relation_words(relations)
    return frozenset(
        w for w in words if 2 <= len(w) <= 6 and w.isalpha() and not _grammar(w) and w not in known
    )


@functools.lru_cache(maxsize=256)
def _known_cuts(relations: frozenset[str], known: frozenset[str]) -> frozenset[str]:
    """The relation words of two to five letters, no grammar word, that the encoder reads whole but
    that may still be a data team's cut of a longer word ("geo" of ``geo_at``, "disc" of ``disc_by``, "op"
    of ``op_by``)."""
    words = _relation_words(relations)
    return frozenset(w for w in words if 2 <= len(w) <= 5 and w.isalpha() and not _grammar(w) and w in known)


@functools.lru_cache(maxsize=4096)
def _cut_short(masked: str, cut: frozenset[str], labels: frozenset[str], known: frozenset[str]) -> str:
    """``masked`` with each of ``cut`` written after each question word that begins with it, two
    letters longer at least, and whose rest is no word of five letters or more ("geologist (geo)",
    "discovered (disc)"; not "headquartered (head)": "quarter" is a word, the question word a compound).
    A cut of two letters only of a word whose stem has six letters or more ("operates (op)", not
    "opened")."""
    tokens = list(dict.fromkeys(_WORD.findall(masked.lower())))
    out = masked
    for word in sorted(cut - {_stem(t) for t in tokens} - set(tokens)):
        for token in tokens:
            if token in _STOP or not token.isalpha() or _stem(token) in labels or _not_relation_word(token):
                continue
            rest = token[len(word) :]
            if len(word) == 2:
                # two letters are the cut of a longer word only, said itself or by its common paraphrase
                # ("operates" or "runs": "op"; not "plant": "pl", nor "opened", "open" inflected, nor
                # "running", a verb of many senses inflected: "a virtual operator running on ...")
                said = (token,) if _INFLECTED.search(token) else (token, *sorted(paraphrases(_stem(token))))
                fits = token not in _FUNCTION_WORDS and (
                    any(
                        len(_stem(w)) >= 6 and w.startswith(word) and not _known_whole(w[2:], known, 4)
                        for w in said
                    )
                    # or its first and last consonant where the word itself heads its group: "heads (hd)"
                    or (not _INFLECTED.search(token) and _heads_itself(token) and shortens(word, token))
                )
                if fits:
                    out = _written_after(out, token, word)
                continue
            else:
                fits = (
                    len(token) >= len(word) + 2
                    and not _known_whole(rest, known, 5)
                    and _stem(token) != _stem(word)
                )
            if fits and token.startswith(word):
                out = _written_after(out, token, word)
            elif len(word) >= 3 and not _INFLECTED.search(token) and _headed_by(token, word, known):
                # or after a word whose group's head begins with it: "skippers (capt)", by "captain" (not
                # an inflected verb, which says its own sense: "released" is no "(pub)")
                out = _written_after(out, token, word)
    return out


def _headed_by(token: str, cut: str, known: frozenset[str]) -> bool:
    """Whether a head word of ``token``'s paraphrase groups (``group_heads``), not ``token`` itself,
    begins with ``cut``, two letters longer at least, and its rest is no word of five letters or more."""
    own = _stem(token)
    return any(
        _stem(h) != own
        and len(h) >= len(cut) + 2
        and h.startswith(cut)
        and not _known_whole(h[len(cut) :], known, 5)
        for h in group_heads(own)
    )


def _known_whole(rest: str, known: frozenset[str], least: int) -> bool:
    """Whether the rest of a word past a cut is a word of ``least`` letters or more itself (the word a
    compound: "head-quartered")."""
    return any(len(w) >= least and w in known for w in (rest, _stem(rest)))


@functools.lru_cache(maxsize=4096)
def _shortened(
    masked: str, short: frozenset[str], labels: frozenset[str], plain: frozenset[str] = frozenset()
) -> str:
    tokens = list(dict.fromkeys(_WORD.findall(masked.lower())))
    # (a verb's cut stands for its doer's noun only as the answer's noun said to work somewhere: "How many
    # teachers (tch) work at X?"; not "X's drivers", whose "drv" is a test driver's)
    doer_head = _doer_head(masked)
    # (cut, token, how: by its "own" word, by a group's "head", by a "paraphrase")
    found: list[tuple[str, str, str]] = []
    for word in sorted(short - set(tokens)):
        for token in tokens:
            if token in _STOP or not token.isalpha() or _stem(token) in labels or _not_relation_word(token):
                continue
            # a word known to name a relation by its meaning is shortened only as that meaning: "based"
            # (headquartered) is no "bd" (board), "works" is "emp" (employ)
            own = paraphrases(_stem(token))
            # (the head words of its groups, the role nouns of its verb: "represents (agt)", by "agent", and
            # the words it names one way: "confers (awd)", by "award")
            heads = group_heads(_stem(token))
            roles = verb_role_nouns(_stem(token))
            # (not where the word names a relation of the graph by itself or a paraphrase: "confers" names
            # ``given_by``, so no "(awd)", a winner's cut of "award", which it names one way only)
            one_way = names_one_way(_stem(token)) if not paraphrases(_stem(token)) & plain else frozenset()
            if len(word) == 2:
                # two letters say little (b-d: board, based, behind, built): only a word itself, and
                # neither a preposition nor an inflected verb
                itself = _heads_itself(token) and shortens(word, token)
                if itself and token not in _FUNCTION_WORDS and not _INFLECTED.search(token):
                    found.append((word, token, "own"))
            # (a cut that spells out a common word whole stands for that word: "mntr" is "mentor", so no
            # "made (mntr)" by "manufacturer", nor "mountain (mntr)" by a made-up "mountainer"; a cut of
            # the question word's own letters still is its: "monitored (mntr)", "hauls (hld)")
            elif spells_another(word, _stem(token)) and not cuts_letters(word, token):
                continue
            # (the question's own word and the head words of its groups by the loose rules, "operate
            # (opd)", "works (wrk)", "employees (wrk)", by "work"; its other paraphrases, stems, by
            # the strict: "own" is no "stake (stk)")
            elif shortens(word, token, doers=_stem(token) in doer_head) or any(
                shortens(word, w) for w in one_way
            ):
                found.append((word, token, "own"))
            # (a role noun is a noun: no past participle's cut, "protege" is no "prd")
            elif any(shortens(word, h, near=False) for h in heads) or any(
                shortens(word, r, loose=False) for r in roles
            ):
                found.append((word, token, "head"))
            elif any(shortens(word, p, loose=False) for p in sorted(own)):
                found.append((word, token, "paraphrase"))
    # a word cut by its own letters or by the word it names one way is not cut again by a paraphrase
    # ("confers (awd)", by "award"; not "(pres)" too, by the "present" that paraphrases it)
    direct = {token for _, token, how in found if how == "own"}
    out = masked
    for word, token, how in found:
        if not (how == "paraphrase" and token in direct):
            out = _written_after(out, token, word)
    return out


@functools.lru_cache(maxsize=4096)
def _heads_itself(token: str) -> bool:
    """Whether a question word says its own meaning, for a cut of its letters: it has no paraphrase, or
    heads a group of them ("heads" of "head run manage ...", not "runs")."""
    own = _stem(token)
    return len(paraphrases(own)) == 1 or any(own == _stem(h) for h in group_heads(own))


# Words that relate others and are no shortening of a relation's word ("behind" is no "bd")
_FUNCTION_WORDS = frozenset(
    "behind beyond between beside besides below beneath before during despite toward towards within "
    "without around across along against among amongst upon".split()
)
_INFLECTED = re.compile(r"(?:ed|ing)$")


_NEGATED = re.compile(r"\b(non)-(?=[^\W\d_])", re.IGNORECASE)


def negations_fused(text: str) -> str:
    """``text`` with each "non-" word written as one word, so that none of the question's words is the
    word it negates: "non-executive directors" names no executive (``ceo_of``), "non-financial" no
    finance. Idempotent.

    >>> negations_fused("Who are the non-executive directors (ned)?")
    'Who are the nonexecutive directors (ned)?'
    """
    return _NEGATED.sub(r"\1", text)


class PathScorer:
    """Scores signatures against a masked question (see the module docstring).

    Args:
        embedding: scores reading texts against the question (``None``: word overlap alone).
        settings: the weights.
    """

    def __init__(
        self,
        embedding: RelationScorer | None,
        settings: PathScoreSettings | None = None,
        miss_cost: float = 0.5,
    ) -> None:
        self.embedding = embedding
        self.s = settings or PathScoreSettings()
        self._coverage = CoverageScorer(miss_cost)
        self._earned_cache: dict[tuple[str, int], set[tuple[str, str]]] = {}
        self._not_earned: dict[tuple[str, int], set[tuple[str, str]]] = {}
        # the earned steps that only the answer's own noun names (by the label they reach)
        self._by_noun: dict[tuple[str, int], set[tuple[str, str]]] = {}
        # (the caches keyed by a question's ``id(steps)`` hold that steps object too: an id is unique only
        # while its object lives, and a later question's steps may reuse a freed one's)
        self._earned_steps: StepLabels | None = None
        self._mentions: tuple[tuple[str, int], dict[bool, list[Mention]], StepLabels] | None = None
        self._bonus: dict[tuple[str, str], float] = {}
        self._spelled: dict[tuple[str, int], tuple[StepLabels, str]] = {}
        self._scored: tuple[tuple[object, ...], dict[Signature, float], StepLabels] | None = None

    @functools.cached_property
    def known(self) -> frozenset[str] | None:
        """The words the sentence encoder reads whole (``spell_abbreviations``); ``None`` without one."""
        vocabulary = getattr(getattr(self.embedding, "encoder", None), "vocabulary", None)
        return vocabulary if isinstance(vocabulary, frozenset) else None

    def spelled(self, masked: str, steps: StepLabels) -> str:
        """``spell_abbreviations`` of the question being scored, with the encoder's words; kept for the
        last few questions (scoring runs at every hop and level)."""
        key = (masked, id(steps))
        hit = self._spelled.get(key)
        if hit is None or hit[0] is not steps:
            if len(self._spelled) > 16:
                self._spelled.clear()
            out = negations_fused(spell_abbreviations(masked, steps, self.known))
            # (idempotent: spelled again, the same)
            self._spelled[key] = self._spelled[(out, id(steps))] = (steps, out)
        return self._spelled[key][1]

    def mentions(self, masked: str, steps: StepLabels, head_noun: bool = True) -> list[Mention]:
        """``question_mentions`` of the question being scored, read once per question (``score`` runs
        at every hop and level, ``earned`` for every new step); ``head_noun=False``, without the answer's
        own noun (constraint pairs)."""
        masked = self.spelled(masked, steps)
        key = (masked, id(steps))
        if self._mentions is None or self._mentions[0] != key or self._mentions[2] is not steps:
            self._mentions = (key, {}, steps)
        cached = self._mentions[1]
        if head_noun not in cached:
            cached[head_noun] = question_mentions(masked, steps, head_noun=head_noun)
        return cached[head_noun]

    def answer_roles(self, masked: str, steps: StepLabels, type_labels: Collection[str]) -> dict[str, str]:
        """Where the answer stands on each relation its own noun names ("How many *agents* work at X?":
        ``agt``), "target" or "source" of the edge; a relation whose end the noun cannot be told by is
        left out (``answer_end``). Empty when the answer's noun names no relation."""
        with_noun = Counter(self.mentions(masked, steps))
        with_noun.subtract(self.mentions(masked, steps, head_noun=False))
        head = next((named for (kind, named), n in with_noun.items() if n > 0 and kind == "relation"), None)
        if head is None:
            return {}
        word = _stem(head_word(_WORD.findall(self.spelled(masked, steps).lower())))
        labels = frozenset(type_labels)
        ends = {r: answer_end(word, r, steps.get((r, "out"), (set(), set())), labels) for r in head}
        return {r: end for r, end in ends.items() if end is not None}

    def _named_bonus(self, masked: str, relation: str) -> float:
        """What a relation a mention names lacks of one covered word, by its own words' coverage; nothing
        when the question says one of the relation's own words, whose coverage then counts as it is ("Who
        coaches the club X plays for?" names ``plays_for`` and ``formerly_played_for`` by "plays", and
        "formerly" is a word it lacks)."""
        key = (masked, relation)
        if key not in self._bonus:
            if len(self._bonus) > 4096:
                self._bonus.clear()
            words, question = set(content_words(humanize(relation))), set(content_words(masked))
            coverage = self._coverage.score(masked, [humanize(relation)])[0]
            self._bonus[key] = 0.0 if words & question else max(0.0, 1.0 - coverage)
        return self._bonus[key]

    def score(
        self,
        masked: str,
        sigs: Sequence[Signature],
        steps: StepLabels | None,
        first: Mapping[tuple[str, str], float] | None = None,
        last: Mapping[tuple[str, str], float] | None = None,
    ) -> list[float]:
        """One score per signature, higher is more relevant; ``first`` holds cues (in units of
        ``shape_weight``) for the step a signature starts with, read around the anchor's mention
        (``path_shapes.voice``), ``last`` for the step it ends with, read from the verb the answer does
        (``path_shapes.answer_voice``; a one-step signature takes both)."""
        if not sigs:
            return []
        steps = steps or {}
        masked = self.spelled(masked, steps)
        s = self.s
        mentions = self.mentions(masked, steps) if s.uncovered_weight else []
        named_labels = frozenset(lab for kind, labs in mentions if kind == "label" for lab in labs)
        # a question that puts a step in the past says the words of the unqualified twin of the qualified
        # step it asks for ("played for *previously*": ``ex_tm``, the past of ``plays_for``): the qualified
        # step reads as its twin would, to the encoder and by word overlap
        past = _qualified_twins(steps) if set(content_words(masked)) & _PAST_ADVERBS else {}
        plain = {twin: step for step, twin in past.items()}
        said = [i for i, sig in enumerate(sigs) if any(step in plain for step in sig)]
        alike: list[Signature] = [tuple(plain.get(step, step) for step in sigs[i]) for i in said]
        if self.embedding is not None:
            words = frozenset(content_words(masked))
            spoken = tuple(dict.fromkeys(w for w in _WORD.findall(masked.lower()) if w not in _STOP))
            texts = [reading_text(sig, steps, named_labels, words, spoken) for sig in [*sigs, *alike]]
            scored = self.embedding.score(masked, texts)
            raw = scored[: len(sigs)]
            for i, value in zip(said, scored[len(sigs) :], strict=True):
                raw[i] = max(raw[i], value)
        else:
            raw = [0.0] * len(sigs)
        # relation words as a coverage (a word the question lacks costs), plus a point for each question
        # word only a label on the path names ("which country ..."): labels are never charged, so one
        # repeated along a path ("place ... place") costs nothing. A step a mention names by other words
        # than its own (a paraphrase, a role noun: "teacher" for ``studied_under``) counts at least as
        # one covered word.
        named = [named_steps(sig, mentions) for sig in sigs]
        relations = [" ".join(humanize(r) for r, _ in sig) for sig in sigs]
        # a role noun covers its own relation by the named bonus below, not another's words it paraphrases
        # ("X's teacher" covers no "taught" of ``taught_at``: there X is the teacher)
        roles = role_words(masked, steps)
        covered = " ".join(w for w in _WORD.findall(masked) if _stem(w.lower()) not in roles)
        lexical = self._coverage.score(covered, relations)
        if said:
            again = [" ".join(humanize(r) for r, _ in sig) for sig in alike]
            for i, value in zip(said, self._coverage.score(covered, again), strict=True):
                lexical[i] = max(lexical[i], value)
        for i, (sig, (steps_named, _)) in enumerate(zip(sigs, named, strict=True)):
            lexical[i] += sum(self._named_bonus(masked, sig[k][0]) for k in steps_named)
        question = set(content_words(masked))
        for i, (sig, rel) in enumerate(zip(sigs, relations, strict=True)):
            labels = {w for st in sig for w in content_words(_label_words(st, steps))}
            lexical[i] += len((labels & question) - set(content_words(rel)))
        wanted = [step for sig in sigs for step in sig]
        earned = self.earned(masked, steps, wanted)
        late_placing = _late_placing(self.spelled(masked, steps), steps)
        by_noun = self._by_noun.get((self.spelled(masked, steps), id(steps)), set())
        dated = {step for step, (_, arrives) in steps.items() if _dated(arrives)}
        date_cost = 1 if question & _DATE_STEMS or "when" in _WORD.findall(masked.lower()) else 3
        shape = shape_of(masked, steps) if s.shape_weight else None
        out = []
        times_named = Counter(r for kind, named in mentions if kind == "relation" for r in named)
        # a question that says any qualifier ("Who *used to* play for X?") leaves the choice to the words
        unsaid = frozenset() if question & (_QUALIFIERS | _SAID_QUALIFIERS) else _QUALIFIERS
        for sc, lex, sig, (_, surplus) in zip(raw, lexical, sigs, named, strict=True):
            unearned = (
                sum(1 for step in sig if step not in earned)
                + late_placing(sig)
                + surplus
                + _label_again(sig, steps, earned, times_named)
                # the answer's own noun names where the path ends, not a stop on its way ("In which
                # *cases* did X act for the defence?": not through the cases X heard as a judge)
                + sum(1 for step in sig[:-1] if step in by_noun)
                # a year on the way joins things that only share it: not the acts passed in the year a
                # case was decided, for the acts the case is about; a question that says no date at all
                # never asks for such a join
                + date_cost * sum(1 for step in sig[:-1] if step in dated)
                # a step qualified by a word the question does not say ("formerly played for" when it
                # asks for the players of X) is not quite the step it names
                + sum(1 for r, _ in sig if _qualifiers(r) & unsaid)
                # and one that puts a step in the past ("Which teams did X play for *previously*?") asks
                # for its qualified twin where the graph has one (``ex_tm`` beside ``plays_for``)
                + sum(1 for step in sig if step in past)
            )
            # a round trip the question names twice ("owned by the company that owns X") is allowed
            # (``named_twice``), but still pays: "X's mentor's mentor" names mentored_by twice too
            round_trips = sum(1 for a, b in itertools.pairwise(sig) if a[0] == b[0] and a[1] != b[1])
            fit = 0.0
            if shape is not None and not shape.empty:
                fit = shape.fit(sig, steps)
                if shape.named(sig, steps):  # the word names every hop, and the round trip
                    unearned = round_trips = 0
            out.append(
                sc
                + s.lexical_weight * lex
                - s.hop_penalty * unearned
                - s.shape_weight * sum(1 for step in sig if step in past)
                - s.round_trip_penalty * round_trips
                - s.inverse_penalty * sum(d == "in" for _, d in sig)
                + s.shape_weight
                * (
                    fit
                    + (first.get(sig[0], 0.0) if first and sig else 0.0)
                    + (last.get(sig[-1], 0.0) if last and sig else 0.0)
                )
                - s.uncovered_weight * uncovered_mentions(mentions, sig, steps)
            )
        owned = _possessed(masked)
        if owned:
            # "X's teacher" is whom X was taught by: a first step that holds the noun's role at X itself
            # (the pupils X taught) reads the question backwards
            out = [
                sc - s.shape_weight * bool(sig and _doer_against(owned, *sig[0]))
                for sc, sig in zip(out, sigs, strict=True)
            ]
        held = _held(masked)
        if held:
            # "How many horses is X the dam of?": X holds the noun's role, so a first step that ends at the
            # one the noun names (X's own dam) reads the question backwards, and one that ends where X is
            # that (the foals X is the dam of) reads it right, against the encoder, which hears "dam" in the
            # first reading only
            out = [
                sc
                - s.shape_weight * bool(sig and _doer_along(held, *sig[0]))
                + s.shape_weight * bool(sig and _doer_against(held, *sig[0]))
                for sc, sig in zip(out, sigs, strict=True)
            ]
        order = possessive_order(masked, steps)
        if order is not None:
            # "the wife of X's brother": the brother first, then his wife (a quarter of ``shape_weight``
            # below, for the same steps the other way round, which the sentence encoder scores alike)
            out = [sc - s.shape_weight / 4 * _against(sig, *order) for sc, sig in zip(out, sigs, strict=True)]
        clause = relative_order(masked, steps)
        if clause is not None:
            # "the parents of the woman who bred X": the clause's verb is said of X, the noun of the one it
            # reaches; the encoder hears "parents" and "bred" alike in either order, and the grammar leaves
            # no doubt, so a whole ``shape_weight``
            out = [sc - s.shape_weight * _against(sig, *clause) for sc, sig in zip(out, sigs, strict=True)]
        out = self._no_detours(masked, sigs, out, steps, earned, first, last)
        self._remember(masked, steps, first, last).update(zip(sigs, out, strict=True))
        return out

    def _remember(
        self,
        masked: str,
        steps: StepLabels,
        first: Mapping[tuple[str, str], float] | None,
        last: Mapping[tuple[str, str], float] | None,
    ) -> dict[Signature, float]:
        """The scores given so far for this question (and these cues), for the detours' shorter paths:
        retrieve scores every one-step path before the two-step ones that end with them."""
        key = (masked, id(steps), tuple(sorted((first or {}).items())), tuple(sorted((last or {}).items())))
        if self._scored is None or self._scored[0] != key or self._scored[2] is not steps:
            self._scored = (key, {}, steps)
        return self._scored[1]

    def _no_detours(
        self,
        masked: str,
        sigs: Sequence[Signature],
        scores: list[float],
        steps: StepLabels,
        earned: Collection[tuple[str, str]],
        first: Mapping[tuple[str, str], float] | None,
        last: Mapping[tuple[str, str], float] | None,
    ) -> list[float]:
        """``scores`` with each path that starts with steps the question does not name, and then walks a
        path that could start at its start itself, scored ``hop_penalty`` a step below that shorter path:
        the detour must earn its hops ("What grade does the X bond carry?": the bond's own grade, not its
        issuer's, which the sentence encoder may score higher)."""
        shorter: dict[Signature, list[int]] = {}
        shape = shape_of(masked, steps)
        for i, sig in enumerate(sigs):
            if len(sig) < 2 or shape.named(sig, steps):  # a word names the whole path ("colleagues")
                continue
            starts = steps.get(sig[0], (set(), set()))[0]
            for k in range(1, len(sig)):
                if sig[k - 1] in earned:
                    break
                if starts & steps.get(sig[k], (set(), set()))[0]:
                    shorter.setdefault(sig[k:], []).append(i)
        known = self._remember(masked, steps, first, last)
        out = self._no_padding(sigs, scores, steps, earned, known, shape)
        out = self._no_unnamed_longer(masked, sigs, out, steps, earned, known, shape)
        if not shorter:
            return out
        rest = [sig for sig in shorter if sig not in known]
        scored = dict(zip(rest, self.score(masked, rest, steps, first, last), strict=True))
        for suffix, indices in shorter.items():
            value = scored[suffix] if suffix in scored else known[suffix]
            for i in indices:
                out[i] = min(out[i], value - self.s.hop_penalty * (len(sigs[i]) - len(suffix)))
        return out

    def _no_padding(
        self,
        sigs: Sequence[Signature],
        scores: list[float],
        steps: StepLabels,
        earned: Collection[tuple[str, str]],
        known: Mapping[Signature, float],
        shape: QuestionShape,
    ) -> list[float]:
        """``scores`` with each path that pads the steps the question names with steps it does not name
        before a named one, scored ``hop_penalty`` a padding step below the path of the named steps alone,
        read either way, where that path was scored for this question already: "Who sits on the board of
        X?" is who ``bd_mem`` X, not the boards X's chief executive sits on (``ceo_of``, then ``bd_mem``),
        which the sentence encoder may score higher. A last step the question does not name walks on, and
        hop choice judges it ("Where is the gallery of X?": the gallery's city)."""
        out = list(scores)
        for i, sig in enumerate(sigs):
            if len(sig) < 2 or shape.named(sig, steps):
                continue
            kept = [step for step in sig if step in earned]
            if not kept or len(kept) == len(sig) or sig[-1] not in earned:
                # (a last step the question does not name walks on, and hop choice judges it: "Where is
                # the gallery of X?", the gallery's city; explore's beam on its way to a named step)
                continue
            either = [((r, "out"), (r, "in")) for r, _ in kept]
            bare = [known[alt] for alt in itertools.product(*either) if alt in known]
            if bare:
                out[i] = min(out[i], max(bare) - self.s.hop_penalty * (len(sig) - len(kept)))
        return out

    def _no_unnamed_longer(
        self,
        masked: str,
        sigs: Sequence[Signature],
        scores: list[float],
        steps: StepLabels,
        earned: Collection[tuple[str, str]],
        known: Mapping[Signature, float],
        shape: QuestionShape,
    ) -> list[float]:
        """``scores`` with each path of steps the question does not name scored ``hop_penalty`` an unnamed
        step below the best one-step path scored for this question that the question names and that leaves
        no more of its mentions unexplained: a longer path must earn its hops, whatever the sentence
        encoder makes of it ("In what year was X first described?": ``desc_yr``, not the year the society
        founded by X's describer was established); not for "where" and "when", which ask for a place or a
        date the named step need not reach."""
        if _WORD.findall(masked.lower())[:1] in (["where"], ["when"]):
            # (the wh-word asks for a place or a date that the named step need not reach: "Where is the
            # auction house that ran X?" is its city)
            return scores
        mentions = self.mentions(masked, steps)
        named = [
            (value, uncovered_mentions(mentions, sig, steps))
            for sig, value in known.items()
            if len(sig) == 1 and sig[0] in earned
        ]
        if not named:
            return scores
        out = list(scores)
        for i, sig in enumerate(sigs):
            unnamed = sum(1 for step in sig if step not in earned)
            # (a last step the question does not name walks on to one it names, as in ``_no_padding``)
            if len(sig) < 2 or not unnamed or sig[-1] not in earned or shape.named(sig, steps):
                continue
            left = uncovered_mentions(mentions, sig, steps)
            bar = max((value for value, uncovered in named if uncovered <= left), default=None)
            if bar is not None:
                out[i] = min(out[i], bar - self.s.hop_penalty * unnamed)
        return out

    def missed(self, masked: str, sig: Signature, steps: StepLabels | None, head_noun: bool = True) -> int:
        """The question's words naming a relation (``mentions``) that ``sig`` does not walk: "Has X won
        Y?" read along ``named_after`` leaves "won" (``awarded_to``) unexplained. ``head_noun=False``: not
        counting the answer's own noun ("Which *players* from X ...", ``question_mentions``)."""
        steps = steps or {}
        said = [m for m in self.mentions(masked, steps, head_noun) if m[0] == "relation"]
        return uncovered_mentions(said, sig, steps)

    def unexplained(self, masked: str, sig: Signature, steps: StepLabels | None) -> int:
        """The question's words naming a relation or a label (``mentions``) that ``sig`` leaves
        unexplained: a relation it does not walk, a label it does not pass through."""
        steps = steps or {}
        return uncovered_mentions(self.mentions(masked, steps), sig, steps)

    def unearned(self, masked: str, sig: Signature, steps: StepLabels | None) -> int:
        """The steps that the question does not name (see ``earned``), and the steps along a relation it
        names beyond the times it names it (``named_steps``: "Is X an aunt of Y?" names one parent step,
        not the two of a great-aunt), unless a word names the whole path ("colleagues")."""
        steps = steps or {}
        earned = self.earned(masked, steps, sig)
        unnamed = sum(1 for step in sig if step not in earned)
        unnamed += _late_placing(self.spelled(masked, steps), steps)(sig)
        if len(sig) < 2:
            return unnamed
        _, surplus = named_steps(sig, self.mentions(masked, steps))
        if surplus and shape_of(self.spelled(masked, steps), steps).named(sig, steps):
            surplus = 0
        return unnamed + surplus

    def earned(
        self, masked: str, steps: StepLabels, wanted: Sequence[tuple[str, str]] = ()
    ) -> set[tuple[str, str]]:
        """The steps the question names: a word of the step's relation or of the label it reaches, or a
        common paraphrase of it ("works" for ``employed_by``, ``relation_words.paraphrases``), is in the
        question (stemmed, or inside a compound such as "grandparents"), or a question word is close to
        the relation's words in embedding space ("citizenship" ~ "nationality", "penned" ~ "written by"),
        or the question says the verb whose doer the step's word is ("operates": a ``TelecomOperator``; not
        through a paraphrase: "chief" is no "manage", so no ``AssetManager``)."""
        masked = self.spelled(masked, steps)
        key = (masked, id(steps))
        cached = self._earned_cache.get(key) if self._earned_steps is steps else None
        if cached is None:
            self._earned_steps = steps
            cached = set()
            self._earned_cache = {key: cached}
            self._not_earned = {key: set()}
            self._by_noun = {key: set()}
        written = spelled_words(masked)
        words = [w for w in dict.fromkeys(content_words(masked)) if (len(w) > 2 or w in written) and w != "x"]
        head = _stem(head_word(_WORD.findall(masked.lower())))
        gerund = _gerund_head(masked)
        todo = sorted({*steps, *wanted} - cached - self._not_earned.get(key, set()))
        # a word that names a label ("funder" ~ ``Funder``) earns the steps into that label only, not a
        # relation its verb names ("funds": the grant's funder is not the sponsor of what it funds)
        label_said: set[str] = set()
        if todo:
            # (a word qualifying the answer's type, "court cases", earns no step into its label)
            label_vocab = _vocabulary((), tuple(sorted({lab for a, b in steps.values() for lab in a | b})))[1]
            qualifiers = type_qualifiers(_spaced_words(masked), head, label_vocab)
            words = [w for w in words if w not in qualifiers]
            # (a verb's form is no label word: "awarded" names the award relations, though ``Award`` is one)
            verbal = {
                _stem(t)
                for t in _WORD.findall(masked.lower())
                if t.endswith(("ed", "ing")) or is_irregular_past(t)
            }
            tokens = _WORD.findall(masked.lower())
            verbal |= {
                _stem(t)
                for t in tokens
                if _stem(t) in label_vocab and _verb_of_gerund(t, _stem(t), label_vocab[_stem(t)])
            } - {_stem(t) for t in tokens if t.endswith(("ing", "ings"))}
            label_said = {
                w
                for w in words
                if w in label_vocab
                and w not in verbal
                and any(not _modifies(w, lab) for lab in label_vocab[w])
            }
        # a role noun of a relation of the graph ("teacher": ``studied_under``) earns that relation's
        # steps (through ``named``), not another's that it paraphrases (``taught_at``: X is the teacher)
        roles = role_words(masked, steps)
        # a relation a word of the question names (``question_mentions``: kin and agent nouns too)
        named = {r for kind, rs in self.mentions(masked, steps) if kind == "relation" for r in rs}
        # "in X" names a step between places ("Was X born in Y?" with Y a country: born in a city of Y)
        inside = bool(todo) and shape_of(masked, steps).inside
        # "Where is X?", saying nothing else, names the step up from X to the place it lies in
        # (``loc_cty``, ``located_in``); "Where is X based?", "Where did X go to university?" say more
        where = not words and "where" in _WORD.findall(masked.lower())
        # "In which city is the restaurant X?" asks only for the place X lies in: the steps up from X to
        # it, and no other (not the city X's staff were born in, though "city" names that step's end)
        place_of = asks_place_of(masked)
        # (up from a thing that is no place by the relation that puts it at one: a kennel's village,
        # ``kn_at``, then the village's county, ``cnty``)
        placed = placing(steps) if place_of else frozenset()
        rest = []
        modifying = _modifying(masked)
        for step in todo:
            if place_of:
                if step[1] == "out" and (contains(step[0]) or step[0] in placed):
                    cached.add(step)
                else:
                    rest.append(step)
                continue
            # (a label's first word only said as a modifier: "models" earns no step into a
            # ``ModelAgency``, "model agencies" does)
            own = set(content_words(humanize(step[0]))) | {
                w
                for lab in steps.get(step, (set(), set()))[1]
                for w in _label_stems(lab)
                if w in modifying or not _modifies(w, lab)
            }
            stepw = {p for sw in own for p in said_by(sw)}
            into = {w for lab in steps.get(step, (set(), set()))[1] for w in _label_stems(lab)}
            others = any(
                _says(w, own, stepw, roles) for w in words if w != head and (w not in label_said or w in into)
            )
            # (only the answer's own noun names it; a gerund, "Which *building* ...", only by a label it
            # names, not as the verb of ``built_by``)
            by_head = (
                not others
                and head in words
                and (_says(head, into, into, roles) if gerund else _says(head, own, stepw, roles))
            )
            if (
                step[0] in named
                or (inside and contains(step[0]))
                or (where and step[1] == "out" and contains(step[0]))
                or others
                or by_head
            ):
                cached.add(step)
                if by_head and step[0] not in named:
                    self._by_noun[key].add(step)
            else:
                rest.append(step)
        if (
            rest
            and words
            and not place_of
            and self.s.earn_similarity < 1
            and isinstance(self.embedding, EmbeddingScorer)
        ):
            raw = [w for w in dict.fromkeys(_WORD.findall(masked.lower())) if w not in _STOP and len(w) > 2]
            sims = self.embedding.best_match(raw, [humanize(r) for r, _ in rest])
            cached.update(st for st, sim in zip(rest, sims, strict=True) if sim >= self.s.earn_similarity)
        self._not_earned[key] = self._not_earned.get(key, set()) | (set(rest) - cached)
        return cached


def _late_placing(masked: str, steps: StepLabels) -> Callable[[Signature], int]:
    """For a question that asks only which place X lies in (``path_shapes.asks_place_of``), the steps of a
    signature past its first that ``earned`` lets in only as relations putting a thing at a place
    (``placing``, no containment): they name the place of X itself, not of whatever X is tied to ("In
    which city is the restaurant X?" is not the city where X's apprentices were born)."""
    if not asks_place_of(masked):
        return lambda sig: 0
    placed = placing(steps)
    return lambda sig: sum(1 for r, d in sig[1:] if d == "out" and r in placed and not contains(r))


# "In which city is (the hotel) X (located)?", "What region is X in?": a place, and nothing else said of X
class Labels(set[str]):
    """The labels a step arrives at, with ``main``: the one that at least ``MAIN_SHARE`` of the edges it
    walks arrive at, where there are several (``None`` where none does, or there is only one)."""

    main: str | None = None


MAIN_SHARE = 0.9
"""The share of a step's edges whose end label names the end in its reading when it has several labels."""


def step_labels(schema: GraphSchema) -> StepLabels:
    """(relation, direction) -> (labels it can leave from, labels it can arrive at), from the patterns;
    the labels arrived at are ``Labels``, with the one nearly all its ends carry."""
    out: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    counts: dict[tuple[str, str], Counter[str]] = {}
    for p in schema.patterns:
        if p.type in BOOKKEEPING_TYPES or p.source in BOOKKEEPING_LABELS or p.target in BOOKKEEPING_LABELS:
            continue  # documents, chunks and sources are kept beside the facts, not reasoned over
        fwd = out.setdefault((p.type, "out"), (set(), Labels()))
        fwd[0].add(p.source)
        fwd[1].add(p.target)
        back = out.setdefault((p.type, "in"), (set(), Labels()))
        back[0].add(p.target)
        back[1].add(p.source)
        counts.setdefault((p.type, "out"), Counter())[p.target] += p.count
        counts.setdefault((p.type, "in"), Counter())[p.source] += p.count
    for step, seen in counts.items():
        arrives = out[step][1]
        (label, n), total = seen.most_common(1)[0], sum(seen.values())
        if len(arrives) > 1 and isinstance(arrives, Labels) and total and n >= MAIN_SHARE * total:
            arrives.main = label
    return out

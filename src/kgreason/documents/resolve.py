"""Entity resolution within a type: which extracted names are the same entity, and which graph node it is.

Mentions ``(name, type)`` are resolved against the graph's entities (loaded files and earlier runs alike)
and against each other, in tiers, most certain first:

1. ``normalized``: the same name after case, accents, punctuation, spacing, a leading title ("Dr.") or
   article, a trailing degree ("PhD", "MD") and a possessive are ignored, Greek letters read as their
   names ("α" = "alpha"); also word order ("Smith, John" = "John Smith"), joined words ("CYP 2C9" =
   "CYP2C9") and a trailing legal form ("Acme Corp." = "ACME Corporation" = "Acme");
2. ``alias``: a node's ``aliases``/``synonyms`` property (a brand name given for a generic drug);
3. ``abbreviation``: the initials of a multi-word name ("ASA" = "acetyl salicylic acid");
4. ``fuzzy``: edit similarity of the normalised names (rapidfuzz) at or above ``fuzzy``;
5. ``embedding``: cosine similarity of the bundled MiniLM sentence embeddings at or above ``embedding``.

Tiers 4 and 5 never join names whose designators differ: numbers, also in another order ("CYP2C9" vs
"CYP2C19", "CYP3A4" vs "CYP4A3", "IL-6" vs "IL-8"), Roman numerals ("factor VIII" vs "factor IX"), single
letters ("haemophilia A" vs "B") and Greek letters ("alpha-synuclein" vs "beta-synuclein"). Nothing is
ever merged across types (a node with only the default label counts as untyped and may take any type).
Mentions are processed in a fixed order (type, normalised name, name), so the result depends only on the
set of mentions and the graph, never on the order documents arrived in. A mention whose name is not the
entity's own is a ``Merge``, recorded and listable; a merge in ``forbid`` is never made (how a wrong one
is undone).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kgreason.embed.encoder import TextEncoder
from kgreason.types import DEFAULT_LABEL, Node

ALIAS_PROPERTIES = ("aliases", "synonyms")
_TITLES = frozenset("dr mr mrs ms mx miss prof professor sir dame st the".split())
_DEGREES = frozenset("md phd dphil mba msc bsc frcp frcs rn esq".split())
"""Trailing degrees and post-nominals dropped from a name of two words or more ("Ana Ruiz, MD")."""
_LEGAL_FORMS = frozenset(
    "inc incorporated corp corporation co company ltd limited llc llp lp plc".split()
    + "gmbh ag sa nv bv spa srl pty".split()
)
"""Trailing legal forms a company's name is also known without ("Acme Corp." = "Acme Corporation")."""
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigma "
        "tau upsilon phi chi psi omega".split(),
        strict=True,
    )
)
_GREEK_NAMES = frozenset(_GREEK.values())
_ROMAN = re.compile(r"^(?=[ivxlc]{2,}$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
METHOD_ORDER = ("normalized", "alias", "abbreviation", "fuzzy", "embedding")


@dataclass(frozen=True, order=True)
class Mention:
    name: str
    type: str


@dataclass(frozen=True)
class Merge:
    """``alias`` (a name seen in text) was resolved into entity ``into`` of ``type`` by ``method``."""

    type: str
    alias: str
    into: str
    method: str
    score: float

    @property
    def id(self) -> str:
        raw = f"{self.type}\x1f{self.alias}\x1f{self.into}".encode()
        return "m" + hashlib.blake2b(raw, digest_size=5).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "alias": self.alias,
            "into": self.into,
            "method": self.method,
            "score": round(self.score, 4),
        }


@dataclass
class Entity:
    """A resolved entity: an existing node (``existing``) or a new one named after its first mention."""

    id: str
    type: str
    name: str
    existing: bool
    surfaces: set[str] = field(default_factory=set)
    new_aliases: set[str] = field(default_factory=set)


def normalize_name(name: str) -> str:
    """Case, accents, punctuation, spacing, a possessive, a leading title or article and a trailing degree
    removed; Greek letters spelt out ("α-synuclein" -> "alpha synuclein")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = "".join(f" {_GREEK[c]} " if c in _GREEK else c for c in text)
    text = re.sub(r"['’]s\b", "", text).replace("&", " and ")
    words = re.sub(r"[^\w]+|_", " ", text).split()
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    while len(words) > 2 and words[-1] in _DEGREES:
        words = words[:-1]
    return " ".join(words)


def _without_legal_form(norm: str) -> str:
    """``norm`` less a trailing legal form ("acme corp" -> "acme"; "kestrel l l p" -> "kestrel")."""
    words: list[str] = []
    letters: list[str] = []  # a run of single letters ("l l p" from "L.L.P.") is read as one word
    for w in [*norm.split(), ""]:
        if len(w) == 1 and w.isalpha():
            letters.append(w)
            continue
        words.extend(["".join(letters)] if len(letters) >= 2 else letters)
        letters = []
        if w:
            words.append(w)
    while len(words) > 1 and (words[-1] in _LEGAL_FORMS or words[-1] == "and"):
        words = words[:-1]
    return " ".join(words)


def _keys(norm: str) -> tuple[str, ...]:
    """Keys two names of one entity share: the normalised name, its words sorted, its words joined, and
    the name less a trailing legal form."""
    return (norm, " ".join(sorted(norm.split())), norm.replace(" ", ""), _without_legal_form(norm))


def _initials(norm: str) -> str | None:
    words = norm.split()
    return "".join(w[0] for w in words) if len(words) >= 2 else None


def _designators(norm: str) -> tuple[str, ...]:
    """What tells apart names that are otherwise alike, in order: the numbers ("CYP3A4" and "CYP4A3"
    differ, as do "CYP2C9" and "CYP2C19"), Roman numerals ("factor viii" vs "factor ix"), single letters
    ("haemophilia a" vs "b") and Greek letters ("alpha synuclein" vs "beta synuclein")."""
    out: list[str] = []
    for w in norm.split():
        if len(w) == 1 or w in _GREEK_NAMES or _ROMAN.match(w):
            out.append(w)
        out.extend(re.findall(r"\d+", w) if len(w) > 1 else ())
    return tuple(out)


class Resolution:
    """The outcome: mention -> entity id, the entities, and the merges made."""

    def __init__(self) -> None:
        self.mapping: dict[Mention, str] = {}
        self.entities: dict[str, Entity] = {}
        self.merges: list[Merge] = []

    def entity_of(self, mention: Mention) -> str:
        return self.mapping[mention]

    def clusters(self) -> list[list[Mention]]:
        """Mentions grouped by entity (each group sorted), in entity id order."""
        groups: dict[str, list[Mention]] = {}
        for m, e in self.mapping.items():
            groups.setdefault(e, []).append(m)
        return [sorted(groups[k]) for k in sorted(groups)]


class _TypeIndex:
    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.initials: dict[str, str] = {}
        self.norms: list[tuple[str, str]] = []  # (normalised surface, entity id)

    def add(self, norm: str, entity: str, *, alias: bool = False) -> None:
        if not norm:
            return
        target = self.aliases if alias else self.keys
        for k in _keys(norm):
            target.setdefault(k, entity)
        ini = _initials(norm)
        if ini is not None:
            self.initials.setdefault(ini, entity)
        self.norms.append((norm, entity))


def _node_surfaces(node: Node) -> tuple[list[str], list[str]]:
    names = [node.id, node.name]
    aliases: list[str] = []
    for prop in ALIAS_PROPERTIES:
        value = node.properties.get(prop)
        if isinstance(value, str):
            aliases.append(value)
        elif isinstance(value, list | tuple):
            aliases.extend(str(v) for v in value)
    return names, aliases


def resolve_mentions(
    mentions: Iterable[Mention],
    existing: Iterable[Node] = (),
    *,
    fuzzy: float | None = 0.92,
    embedding: float | None = 0.9,
    encoder: TextEncoder | None = None,
    forbid: Iterable[tuple[str, str, str]] = (),
) -> Resolution:
    """Resolve ``mentions`` against ``existing`` nodes and each other (see the module docstring).

    Args:
        mentions: names with their types.
        existing: the graph's entity nodes (lexical-graph nodes are skipped by the caller).
        fuzzy: edit-similarity threshold in 0..1 (None: tier off).
        embedding: cosine threshold (None: tier off); uses ``encoder`` or the bundled MiniLM.
        forbid: ``(type, alias, into)`` merges never to make (undone merges).
    """
    out = Resolution()
    banned = {(t, normalize_name(a), i) for t, a, i in forbid}
    wanted = sorted(set(mentions), key=lambda m: (m.type, normalize_name(m.name), m.name))
    types = {m.type for m in wanted}
    index: dict[str, _TypeIndex] = {t: _TypeIndex() for t in types}
    untyped = _TypeIndex()
    taken: set[str] = set()
    for node in existing:
        taken.add(node.id)
        labels = set(node.labels)
        targets = [index[t] for t in labels & types]
        if labels <= {DEFAULT_LABEL} and DEFAULT_LABEL not in types:
            targets = [untyped]
        if not targets:
            continue
        type_ = sorted(labels & types)[0] if labels & types else DEFAULT_LABEL
        names, aliases = _node_surfaces(node)
        out.entities[node.id] = Entity(node.id, type_, node.name, True, set(names) | set(aliases))
        for ix in targets:
            for n in names:
                ix.add(normalize_name(n), node.id)
            for a in aliases:
                ix.add(normalize_name(a), node.id, alias=True)
    vectors: dict[str, Any] = {}
    unprimed = [normalize_name(m.name) for m in wanted]

    def embed(texts: list[str]) -> None:
        # the first time the tier is needed, every mention's name is encoded in one batch: one encoder
        # call per mention (each with a handful of names) cost most of an extract's own time
        nonlocal encoder, unprimed
        todo = [t for t in dict.fromkeys([*unprimed, *texts]) if t not in vectors]
        unprimed = []
        if todo:
            if encoder is None:
                from kgreason.embed.encoder import default_encoder

                encoder = default_encoder()
            for t, v in zip(todo, encoder.encode(todo), strict=True):
                vectors[t] = v

    for m in wanted:
        norm = normalize_name(m.name)
        found = _match(m, norm, (index[m.type], untyped), banned, fuzzy, embedding, embed, vectors)
        if found is None:
            ident = m.name.strip()
            if ident in taken or not ident:
                ident = f"{ident} ({m.type})"
            taken.add(ident)
            out.entities[ident] = Entity(ident, m.type, m.name.strip(), False, {m.name})
            index[m.type].add(norm, ident)
            out.mapping[m] = ident
            continue
        entity_id, method, score = found
        entity = out.entities[entity_id]
        out.mapping[m] = entity_id
        if m.name != entity.name:
            out.merges.append(Merge(m.type, m.name, entity_id, method, score))
        if m.name not in entity.surfaces:
            entity.surfaces.add(m.name)
            entity.new_aliases.add(m.name)
            index[m.type].add(norm, entity_id)
    return out


def _match(
    m: Mention,
    norm: str,
    indexes: tuple[_TypeIndex, ...],
    banned: set[tuple[str, str, str]],
    fuzzy: float | None,
    embedding: float | None,
    embed: Any,
    vectors: dict[str, Any],
) -> tuple[str, str, float] | None:
    def ok(entity: str) -> bool:
        return (m.type, norm, entity) not in banned

    for ix in indexes:
        for k in _keys(norm):
            if k in ix.keys and ok(ix.keys[k]):
                return ix.keys[k], "normalized", 1.0
        for k in _keys(norm):
            if k in ix.aliases and ok(ix.aliases[k]):
                return ix.aliases[k], "alias", 1.0
        squashed = norm.replace(" ", "")
        if " " not in norm and len(squashed) >= 2 and squashed in ix.initials and ok(ix.initials[squashed]):
            return ix.initials[squashed], "abbreviation", 1.0
        ini = _initials(norm)
        if ini is not None and ini in ix.keys and ok(ix.keys[ini]):
            return ix.keys[ini], "abbreviation", 1.0
    marks = _designators(norm)
    pool = [(n, e) for ix in indexes for n, e in ix.norms if _designators(n) == marks and ok(e)]
    if fuzzy is not None and len(norm) >= 5 and pool:
        from rapidfuzz import fuzz

        best = max(((fuzz.ratio(norm, n) / 100.0, n, e) for n, e in pool if len(n) >= 5), default=None)
        if best is not None and best[0] >= fuzzy:
            return best[2], "fuzzy", best[0]
    if embedding is not None and pool:
        embed([norm] + [n for n, _ in pool])
        mat = np.stack([vectors[n] for n, _ in pool])
        sims = mat @ vectors[norm]
        best_at = int(np.argmax(sims))
        if float(sims[best_at]) >= embedding:
            return pool[best_at][1], "embedding", float(sims[best_at])
    return None

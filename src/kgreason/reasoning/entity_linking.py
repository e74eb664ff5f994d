"""Entity linking: which graph nodes a question, or a single name, refers to.

Matching runs in tiers, cheapest and most certain first, and a tier that finds something ends the search:

1. exact: a node id, its ``name`` property, or an entry of its ``aliases``/``synonyms`` property;
2. normalised: the same strings compared case-, accent-, underscore- and punctuation-insensitively, with
   a possessive ``'s`` dropped (``"ALICE's"`` finds ``alice``) and camelCase split;
3. partial: the last word of a multi-word name on its own (a surname: ``"Tarantino"``), when few names
   end with that word; a name without its "of ..." or "for ..." part ("the Royal Museum") or without a
   last word that only says its kind ("Drevon International" for Drevon International Airport), when
   one name fits; a capitalised word alone that starts names and ends none, for the one of them with
   twice the edges of any other ("Crownmere" for Crownmere Healthcare Trust);
4. fuzzy: edit similarity (optimal string alignment, so a swapped pair of letters is one edit) against
   the normalised names and their last words, via rapidfuzz;
5. embedding: cosine similarity between the text and each node's name plus ``description`` (a
   paraphrase such as "the rocket maker"), through a ``VectorIndex``.

In a question, mentions are n-gram spans of its tokens matched longest first, never overlapping; the
embedding tier (whole question and its content spans) runs only when no span matched by name. The node
index is built from ``GraphStore.iter_nodes`` on first use, the vector index only when the embedding tier
is first reached; for the memory store it is persisted next to the graph file (``NAME.kgr.vec.npz``) and
reloaded while the nodes' texts are unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kgreason.embed.encoder import TextEncoder
from kgreason.errors import NotFoundError
from kgreason.fusion.question import _is_plural, _singular, in_kind_phrase, names_kind
from kgreason.graph.node_text import CAMEL_RE, humanize, node_text, strip_accents
from kgreason.graph.store import GraphStore
from kgreason.reasoning.vector_index import NumpyVectorIndex, VectorIndex, build_node_index

ALIAS_PROPERTIES = ("aliases", "synonyms")
METHOD_SCORES = {"id": 1.0, "name": 1.0, "alias": 0.98, "normalized": 0.95, "partial": 0.85}
MAX_PARTIAL_AMBIGUITY = 3
"""A last word shared by more names than this is not used as a partial key."""
# Last words that name a kind of thing, not the thing: never partial keys on their own.
# fmt: off
GENERIC_TAILS = frozenset((
    "city", "town", "park", "state", "county", "river", "lake", "island", "street", "road",
    "university", "college", "school", "company", "inc", "corp", "ltd", "group", "party", "film",
    "movie", "story", "war", "fiction", "show", "series", "album", "song", "book", "world",
    # what a firm's name ends with to say it is a firm ("Sable & Finch Hospitality": "Sable & Finch")
    "corporation", "limited", "plc", "llc", "holdings", "industries", "enterprises", "partners",
    "hospitality",
))
# fmt: on
FUZZY_WEIGHT = 0.9
EMBEDDING_WEIGHT = 0.85
MAX_EMBEDDED_SPANS = 32
"""Question spans embedded by the fallback tier (besides the whole question)."""

# fmt: off
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "being", "by", "did", "do", "does", "for",
    "from", "had", "has", "have", "how", "i", "in", "is", "it", "its", "me", "my", "of", "on", "or",
    "s", "that", "the", "their", "them", "there", "these", "this", "those", "to", "was", "were", "what",
    "when", "where", "which", "who", "whom", "whose", "why", "with", "you", "your", "name", "names",
    "list", "give", "tell", "show", "find", "all", "any", "also", "than", "then",
))
# fmt: on

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE_RE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class LinkedEntity:
    """A node a text refers to.

    Attributes:
        node_id: the node.
        mention: the span of the question (or the name) that refers to it.
        score: confidence in [0, 1]; exact matches score 1.
        method: ``id``, ``name``, ``alias``, ``normalized``, ``partial``, ``fuzzy`` or ``embedding``.
        start, end: character offsets of ``mention`` in the question (the whole question for an
            embedding match of the question itself; ``-1`` for ``resolve``).
        kind: the mention says the kind a which/what asks for ("Which *hatchbacks* won X?", "Which
            *SUV* won X?": ``question.names_kind``), so the answers are of that kind, not linked to it.
    """

    node_id: str
    mention: str
    score: float
    method: str
    start: int = -1
    end: int = -1
    kind: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "mention": self.mention,
            "score": round(self.score, 6),
            "method": self.method,
            "start": self.start,
            "end": self.end,
            **({"kind": True} if self.kind else {}),
        }


@functools.lru_cache(maxsize=1 << 16)
def _fold(token: str) -> str:
    plain = token.lower() if token.isascii() else strip_accents(token).casefold()
    if "'" not in plain and "’" not in plain:
        return plain
    return _POSSESSIVE_RE.sub("", plain).replace("'", "").replace("’", "")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Normalised word tokens of ``text`` with their character offsets in ``text``."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        folded = _fold(m.group())
        if folded:
            out.append((folded, m.start(), m.end()))
    return out


def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of ``text`` (words joined by single spaces)."""
    return " ".join(t for t, _, _ in tokenize(text))


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, str) and v.strip()]
    return []


def default_index_path(store: GraphStore) -> Path | None:
    """Where the node vector index of ``store`` is kept: next to the memory store's graph file."""
    graph_file = getattr(store, "path", None)
    if store.backend == "memory" and isinstance(graph_file, Path):
        return graph_file.with_name(graph_file.name + ".vec.npz")
    return None


class EntityLinker:
    """Links names and question mentions to nodes of one graph.

    Args:
        store: the graph.
        encoder: sentence encoder for the embedding tier; the default MiniLM is loaded when first needed.
        vector_index: a ready index over node texts (e.g. a backend's native one); built lazily if absent.
        index_path: where to persist the built index; by default next to a memory store's file, else
            nowhere (kept in memory).
        use_embeddings: set ``False`` to skip the embedding tier (no model is ever loaded).
        fuzzy_cutoff: least edit similarity (0..1) for a fuzzy match of a name.
        embedding_cutoff: least cosine similarity for an embedding match...
        embedding_margin: ...which must also lead the next candidate by this much...
        embedding_sure: ...unless it reaches this similarity.

    The linker reads the graph once, on first use; call ``refresh()`` after writing to the graph.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        encoder: TextEncoder | None = None,
        vector_index: VectorIndex | None = None,
        index_path: Path | None = None,
        use_embeddings: bool = True,
        fuzzy_cutoff: float = 0.75,
        embedding_cutoff: float = 0.45,
        embedding_margin: float = 0.05,
        embedding_sure: float = 0.65,
    ) -> None:
        self.store = store
        self._encoder = encoder
        self._vectors = vector_index
        self.index_path = index_path if index_path is not None else default_index_path(store)
        self.use_embeddings = use_embeddings
        self.fuzzy_cutoff = fuzzy_cutoff
        self.embedding_cutoff = embedding_cutoff
        self.embedding_margin = embedding_margin
        self.embedding_sure = embedding_sure
        self._exact: dict[str, dict[str, str]] | None = None  # surface string -> node id -> method
        self._normal: dict[str, dict[str, str]] = {}  # normalised string -> node id -> method
        self._partial: dict[str, set[str]] = {}  # last word of a multi-word name -> node ids
        self._fuzzy: dict[str, dict[str, float]] = {}  # fuzzy key -> node id -> weight
        self._heads: dict[str, str] = {}  # the words before " of " of one name -> its node id
        self._tails: dict[str, str] = {}  # one name but its first word -> its node id
        self._bare: dict[str, str] = {}  # a name without its kind word ("drevon international") -> id
        self._firsts: dict[str, set[str]] = {}  # the first word of names, no name's last word -> node ids
        self._kinds: dict[str, set[str]] = {}  # node id -> the words of its labels, singular
        self._words: dict[str, set[str]] = {}  # node id -> the words of its id, name and aliases
        self._degrees: dict[str, int] = {}
        self._keys: list[str] = []
        self._names: dict[str, str] = {}
        self._texts: list[tuple[str, str]] = []
        self._max_tokens = 1
        self._built_vectors = False

    # -- indexes ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Forget what was read from the graph; the next call re-reads it (and re-checks the vector
        index file, re-encoding only node texts that changed). An injected ``vector_index`` is kept."""
        self._exact = None
        self._names, self._texts = {}, []
        if self._built_vectors:
            self._vectors = None
            self._built_vectors = False

    def _build(self) -> dict[str, dict[str, str]]:
        if self._exact is not None:
            return self._exact
        exact: dict[str, dict[str, str]] = {}
        normal: dict[str, dict[str, str]] = {}
        rank = {"id": 0, "name": 1, "alias": 2}

        def add(table: dict[str, dict[str, str]], key: str, node_id: str, method: str) -> None:
            if not key:
                return
            slot = table.setdefault(key, {})
            old = slot.get(node_id)
            if old is None or rank[method] < rank[old]:
                slot[node_id] = method

        kinds: dict[str, set[str]] = {}  # node id -> the words of its labels, singular
        words_of: dict[str, set[str]] = {}
        for node in self.store.iter_nodes():
            kinds[node.id] = {w for lab in node.labels for w in normalize(humanize(lab)).split()}
            surfaces = [(node.id, "id")]
            name = node.properties.get("name")
            if isinstance(name, str) and name.strip():
                surfaces.append((name, "name"))
            for prop in ALIAS_PROPERTIES:
                surfaces.extend((a, "alias") for a in _string_list(node.properties.get(prop)))
            surface_words = words_of.setdefault(node.id, set())
            for surface, method in surfaces:
                add(exact, surface, node.id, method)
                add(normal, normalize(surface), node.id, method)
                surface_words.update(normalize(surface).split())
                if CAMEL_RE.search(surface):  # "ChristopherNolan" is also "christopher nolan"
                    add(normal, normalize(humanize(surface)), node.id, method)
                    surface_words.update(normalize(humanize(surface)).split())
            self._names[node.id] = node.name
            self._texts.append((node.id, node_text(node)))
        # "the Ellesmark family" or "dynasty" for "House of Ellesmark", where no node is called so
        for key, ids in list(normal.items()):
            house, of, family = key.partition("house of ")
            if of and not house and family:
                for kind in ("family", "dynasty"):
                    if f"{family} {kind}" not in normal:
                        for node_id in ids:
                            add(normal, f"{family} {kind}", node_id, "alias")
        self._normal = normal
        self._kinds = kinds
        self._words = words_of
        # "the Royal Museum" for "Royal Museum of Varesco", "the Fenby Medal" for "Fenby Medal for
        # Midwifery": the words before " of " or " for " (two or more)
        heads: dict[str, set[str]] = {}
        for key, ids in normal.items():
            for joint in (" of ", " for "):
                head, of, _ = key.partition(joint)
                if of and " " in head and head not in normal:
                    heads.setdefault(head, set()).update(ids)
        self._heads = {head: next(iter(ids)) for head, ids in heads.items() if len(ids) == 1}
        # "the Ministry of Defence" for "Arvandian Ministry of Defence": a name of three or more words said
        # without its first word (a country's adjective, a founder's name), the one name ending so
        tails: dict[str, set[str]] = {}
        for key, ids in normal.items():
            words = key.split(" ")
            if len(words) >= 3 and words[1] not in STOPWORDS:
                tails.setdefault(" ".join(words[1:]), set()).update(ids)
        self._tails = {
            tail: next(iter(ids))
            for tail, ids in tails.items()
            if len(ids) == 1 and tail not in normal and tail not in self._heads
        }
        # "Drevon International" for "Drevon International Airport": a name of three or more words said
        # without a last word that only says its kind (its label's word, or a word such as "university")
        bare: dict[str, set[str]] = {}
        for key, ids in normal.items():
            words = key.split(" ")
            for node_id in ids:
                if len(words) >= 3 and (words[-1] in kinds.get(node_id, ()) or words[-1] in GENERIC_TAILS):
                    bare.setdefault(" ".join(words[:-1]), set()).add(node_id)
        self._bare = {
            key: next(iter(ids)) for key, ids in bare.items() if len(ids) == 1 and key not in normal
        }
        last: dict[str, set[str]] = {}
        for key in normal:
            words = key.split(" ")
            if len(words) > 1 and len(words[-1]) >= 3 and words[-1] not in STOPWORDS | GENERIC_TAILS:
                last.setdefault(words[-1], set()).add(key)
        self._partial = {
            word: {n for key in keys for n in normal[key]}
            for word, keys in last.items()
            if len(keys) <= MAX_PARTIAL_AMBIGUITY and word not in normal
        }
        # "Crownmere" for "Crownmere Healthcare Trust": the first word of names, where it is no name of
        # its own and ends none (not a surname, which the last-word tier reads)
        firsts: dict[str, set[str]] = {}
        for key, ids in normal.items():
            words = key.split(" ")
            first = words[0]
            if (
                len(words) > 1
                and len(first) >= 4
                and first.isalpha()
                and first not in STOPWORDS | GENERIC_TAILS
                and first not in normal
                and first not in last
            ):
                firsts.setdefault(first, set()).update(ids)
        self._firsts = firsts
        self._degrees = {}  # (read again from the store after a rebuild)
        fuzzy: dict[str, dict[str, float]] = {k: dict.fromkeys(v, 1.0) for k, v in normal.items()}
        # a name that starts with an article is also matched without it: a span never starts with a
        # stop word, so "The Drowned Bel" is tried as "Drowned Bel"
        for key, named in normal.items():
            article, _, rest = key.partition(" ")
            if article in ("the", "a", "an") and rest and rest not in normal:
                fuzzy.setdefault(rest, {}).update(dict.fromkeys(named, 1.0))
        for word, nodes in self._partial.items():
            fuzzy.setdefault(word, {}).update({n: METHOD_SCORES["partial"] for n in nodes})
        self._fuzzy = fuzzy
        self._keys = sorted(fuzzy)
        self._max_tokens = max((k.count(" ") + 1 for k in self._keys), default=1)
        self._exact = exact
        return exact

    @property
    def encoder(self) -> TextEncoder:
        if self._encoder is None:
            from kgreason.embed.encoder import default_encoder

            self._encoder = default_encoder()
        return self._encoder

    @property
    def vector_index(self) -> VectorIndex:
        """The node-text index (built, or loaded from ``index_path``, on first use)."""
        if self._vectors is None:
            self._build()
            self._vectors = build_node_index(self._texts, self.encoder, path=self.index_path)
            self._built_vectors = True
        return self._vectors

    def _dominant(self, nodes: Iterable[str]) -> str | None:
        """The node of ``nodes`` with the most edges, where it has twice as many as any other (and five
        at least); None when none stands out so."""
        for node_id in nodes:
            if node_id not in self._degrees:
                self._degrees[node_id] = len(self.store.neighbors(node_id))
        ranked = sorted(nodes, key=lambda n: -self._degrees[n])
        top = self._degrees[ranked[0]]
        runner_up = self._degrees[ranked[1]] if len(ranked) > 1 else 0
        return ranked[0] if top >= 5 and top >= 2 * runner_up else None

    # -- tiers ------------------------------------------------------------------------------------------
    def _exact_hits(self, text: str) -> list[tuple[str, str, float]]:
        exact = self._build()
        found = exact.get(text) or exact.get(text.strip()) or {}
        hits = [(node_id, method, METHOD_SCORES[method]) for node_id, method in found.items()]
        if hits:
            return hits
        key = normalize(text)
        nodes = self._normal.get(key, {})
        if nodes:
            return [
                (node_id, "alias" if method == "alias" else "normalized", METHOD_SCORES["normalized"])
                for node_id, method in nodes.items()
            ]
        return [(node_id, "partial", METHOD_SCORES["partial"]) for node_id in self._partial.get(key, ())]

    def _fuzzy_keys(self, key: str, cutoff: float, limit: int) -> list[tuple[str, float]]:
        self._build()
        if not key or not self._keys:
            return []
        try:
            from rapidfuzz import process
            from rapidfuzz.distance import OSA
        except ImportError:  # much slower on large graphs, same idea
            return _difflib_matches(key, self._keys, cutoff, limit)
        matches = process.extract(
            # rapidfuzz compares the cutoff after rounding: 1 edit in 5 letters may come out below 0.8.
            key,
            self._keys,
            scorer=OSA.normalized_similarity,
            score_cutoff=cutoff - 1e-6,
            limit=limit,
        )
        return [(str(m[0]), float(m[1])) for m in matches]

    def _fuzzy_hits(
        self, key: str, cutoff: float, limit: int, *, whole_names: bool = False
    ) -> list[tuple[str, float]]:
        """Nodes whose names (or, unless ``whole_names``, the last words of their names) are within
        ``cutoff`` edit similarity of ``key``."""
        best: dict[str, float] = {}
        for matched, sim in self._fuzzy_keys(key, cutoff, limit):
            for node_id, weight in self._fuzzy[matched].items():
                if whole_names and weight < 1.0:
                    continue
                best[node_id] = max(best.get(node_id, 0.0), sim * weight * FUZZY_WEIGHT)
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))

    def _embedding_hits(self, texts: Sequence[str], k: int) -> list[list[tuple[str, float]]]:
        if not self.use_embeddings or not texts:
            return [[] for _ in texts]
        index = self.vector_index
        if isinstance(index, NumpyVectorIndex) and len(index) == 0:
            return [[] for _ in texts]
        vectors = self.encoder.encode(list(texts))
        return [self._confident(index.search(vec, max(k, 2))) for vec in vectors]

    def _confident(self, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Embedding hits worth reporting: above ``embedding_cutoff`` and either clearly ahead of the
        runner-up (by ``embedding_margin``) or very similar (``embedding_sure``).

        Cosine scores of unrelated short texts sit around 0.3-0.55, so an absolute cutoff alone either
        misses paraphrases ("blood thinner" -> warfarin, 0.49) or accepts near-ties ("Who directed the
        movie?" -> two films at 0.56 and 0.54); a clear lead is what marks a real match.
        """
        kept = []
        for i, (node_id, sim) in enumerate(ranked):
            if sim < self.embedding_cutoff:
                break
            runner_up = ranked[i + 1][1] if i + 1 < len(ranked) else 0.0
            leads = i == 0 and sim - runner_up >= self.embedding_margin
            if leads or sim >= self.embedding_sure:
                kept.append((node_id, sim))
        return kept

    # -- public -----------------------------------------------------------------------------------------
    def resolve(self, name: str, *, k: int = 5) -> list[LinkedEntity]:
        """Nodes that ``name`` names, best first (all exact matches, else fuzzy and embedding ones).

        Raises:
            NotFoundError: nothing matched; ``suggestions`` lists near names.
        """
        if not name.strip():
            raise NotFoundError("entity", name)
        hits = self._exact_hits(name)
        if hits:
            hits.sort(key=lambda h: (-h[2], h[0]))
            return [LinkedEntity(node_id, name, score, method) for node_id, method, score in hits]
        found: dict[str, LinkedEntity] = {}
        for node_id, score in self._fuzzy_hits(normalize(name), self.fuzzy_cutoff, k):
            found[node_id] = LinkedEntity(node_id, name, score, "fuzzy")
        for node_id, sim in self._embedding_hits([name], k)[0]:
            score = sim * EMBEDDING_WEIGHT
            if node_id not in found or found[node_id].score < score:
                found[node_id] = LinkedEntity(node_id, name, score, "embedding")
        if not found:
            raise NotFoundError("entity", name, self.suggest(name))
        return sorted(found.values(), key=lambda e: (-e.score, e.node_id))[:k]

    def named(self, text: str) -> list[str]:
        """The nodes ``text`` names whole: exactly, by an alias, or with case, accents and punctuation
        aside; never a fuzzy, embedding or partial match (empty when none)."""
        if not text.strip():
            return []
        return sorted(node_id for node_id, method, _ in self._exact_hits(text) if method != "partial")

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` node names loosely like ``name`` (for error messages)."""
        ids = [node_id for node_id, _ in self._fuzzy_hits(normalize(name), 0.4, n * 2)]
        if self.use_embeddings and len(ids) < n and name.strip():
            vector = self.encoder.encode([name])[0]
            ids += [node_id for node_id, sim in self.vector_index.search(vector, n) if sim >= 0.3]
        out: list[str] = []
        for node_id in ids:
            label = self._names.get(node_id, node_id)
            if label not in out:
                out.append(label)
        return out[:n]

    def link(self, question: str, *, k: int = 5, embeddings: bool | None = None) -> list[LinkedEntity]:
        """Entity mentions in ``question``, best first (at most ``k``; empty when none is found).

        ``embeddings=False`` skips the embedding fallback for this call (``None``: the linker's setting).
        """
        self._build()
        tokens = tokenize(question)
        taken = [False] * len(tokens)
        found: dict[str, LinkedEntity] = {}
        exact_matches: list[LinkedEntity] = []  # every exact mention, a node said twice ("saltmere") twice

        def keep(entity: LinkedEntity) -> None:
            old = found.get(entity.node_id)
            if old is None or entity.score > old.score:
                found[entity.node_id] = entity

        # Names said whole, the most content words first: "the Glass Orchard Tour" is the tour, not the
        # album "The Glass Orchard" (as many tokens, an article among them), then longest, leftmost.
        # A name said without its kind word ("flights from Drevon International") competes as one of them,
        # so it is not cut short by a shorter name inside it (the city "Drevon"); capitalised as a name.
        lower = not any(c.isupper() for c in question)

        def _key(start: int, end: int) -> str:
            """The span's words as a name: a plural last word in lower case is a name's in the singular
            when the graph has that name and not the plural, and it says the kind a which/what asks for
            ("Which *hatchbacks* won X?": the body style ``Hatchback``; not "Which wineries buy grapes?")."""
            words = [t for t, _, _ in tokens[start:end]]
            key = " ".join(words)
            last = tokens[end - 1]
            if (
                key not in self._normal
                and _is_plural(words[-1])
                and question[last[1]].islower()
                and in_kind_phrase(question, tokens[start][1])
            ):
                plain = " ".join([*words[:-1], _singular(words[-1])])
                if plain in self._normal:
                    return plain
            return key

        def said(key: str, start: int, end: int) -> bool:
            if key in self._normal:
                return True
            return key in self._bare and (
                lower or all(question[a].isupper() for _, a, _ in tokens[start:end])
            )

        named_spans = [
            (start, end, key)
            for start, end in self._spans(len(tokens), self._max_tokens)
            if not _all_stopwords(tokens[start:end]) and said(key := _key(start, end), start, end)
        ]
        named_spans.sort(key=lambda sek: -sum(t not in STOPWORDS for t, _, _ in tokens[sek[0] : sek[1]]))
        for start, end, key in named_spans:
            if any(taken[start:end]):
                continue
            s, e = tokens[start][1], tokens[end - 1][2]
            mention = question[s:e]
            if key not in self._normal:
                keep(LinkedEntity(self._bare[key], mention, METHOD_SCORES["partial"], "partial", s, e))
                taken[start:end] = [True] * (end - start)
                continue
            nodes = self._normal[key]
            exact = self._exact.get(mention, {}) if self._exact is not None else {}
            if not lower and mention.islower():
                # a common word said in lower case is a node's name only as that name, whatever its case
                # and word breaks ("nuclear": the fuel ``Nuclear``, "new york city": ``New_York_City``);
                # not a name with more to it ("children" is no genre "Children's")
                nodes = {
                    n: m
                    for n, m in nodes.items()
                    if n in exact
                    or m == "alias"  # a listed other name ("paracetamol"), said as it is
                    or humanize(self._names.get(n, n)).casefold() in (mention.casefold(), key)
                }
                if not nodes:
                    continue
            for node_id, method in nodes.items():
                if node_id in exact:
                    hit = LinkedEntity(node_id, mention, METHOD_SCORES[exact[node_id]], exact[node_id], s, e)
                else:
                    m = "alias" if method == "alias" else "normalized"
                    hit = LinkedEntity(node_id, mention, METHOD_SCORES["normalized"], m, s, e)
                exact_matches.append(hit)
                keep(hit)
            taken[start:end] = [True] * (end - start)

        self._misspelt_around_exact(question, tokens, taken, found, exact_matches, keep)

        # A name said without its "of ..." part, capitalised as a name (or in a question typed all in lower
        # case): "Which pictures are in the Royal Museum?" for "Royal Museum of Varesco", the one such name
        for start, end in self._spans(len(tokens), min(4, self._max_tokens)):
            if (
                end - start < 2
                or any(taken[start:end])
                or (end < len(tokens) and tokens[end][0] in ("of", "for"))
            ):
                continue  # (a name going on with "of ...", misspelt: "the Federal Court of Apeal")
            head = self._heads.get(" ".join(t for t, _, _ in tokens[start:end]))
            if head is None or not (lower or all(question[a].isupper() for _, a, _ in tokens[start:end])):
                continue
            s, e = tokens[start][1], tokens[end - 1][2]
            keep(LinkedEntity(head, question[s:e], METHOD_SCORES["partial"], "partial", s, e))
            taken[start:end] = [True] * (end - start)

        # A name of three words or more said without its first word, its content words capitalised (or in
        # a question typed all in lower case): "the Ministry of Defence", the one name ending so
        for start, end in self._spans(len(tokens), min(5, self._max_tokens)):
            if end - start < 2 or any(taken[start:end]):
                continue
            if start and (tokens[start - 1][0] in self._firsts or question[tokens[start - 1][1]].isupper()):
                # (a longer name, misspelt or unknown: "Castrele Rate-Fixing Affair", the fuzzy tier's)
                continue
            tail = self._tails.get(" ".join(t for t, _, _ in tokens[start:end]))
            if tail is None or not (
                lower or all(question[a].isupper() for t, a, _ in tokens[start:end] if t not in STOPWORDS)
            ):
                continue
            s, e = tokens[start][1], tokens[end - 1][2]
            if lower and tokens[end - 1][0] in self._kinds.get(tail, ()) and in_kind_phrase(question, s):
                # "which engineering college did X go to?", typed in lower case: the kind asked for, in
                # the label's word, not the one name ending so ("Ambleport Engineering College")
                continue
            keep(LinkedEntity(tail, question[s:e], METHOD_SCORES["partial"], "partial", s, e))
            taken[start:end] = [True] * (end - start)

        partial = [False] * len(tokens)
        for i, (word, s, e) in enumerate(tokens):
            # A capitalised word that ends a multi-word name: a surname or a short title.
            nodes_ending = self._partial.get(word)
            if taken[i] or not nodes_ending or not question[s].isupper():
                continue
            for node_id in nodes_ending:
                keep(LinkedEntity(node_id, question[s:e], METHOD_SCORES["partial"], "partial", s, e))
            partial[i] = True

        alone: set[int] = set()  # where a first word alone links a name
        for i, (word, s, e) in enumerate(tokens):
            # A capitalised word alone that starts names: the one name of them that the graph links most,
            # twice as much as any other ("Crownmere" for the trust, not its lab or its ship)
            if taken[i] or partial[i] or not question[s].isupper() or word not in self._firsts:
                continue
            if i + 1 < len(tokens) and question[tokens[i + 1][1]].isupper():
                continue  # (a longer name, misspelt or unknown: the fuzzy tier's)
            if self._fuzzy_hits(word, max(self.fuzzy_cutoff, 0.8), 1, whole_names=True):
                # (a whole name misspelt or said as its adjective, "the Talvessan flag": the fuzzy tier's)
                continue
            node = self._dominant(self._firsts[word])
            if node is not None:
                keep(LinkedEntity(node, question[s:e], METHOD_SCORES["partial"], "partial", s, e))
                partial[i] = True
                alone.add(s)

        # (a name's first word alone, "Crownmere's", is no exact match: a lower-case whole name beside it
        # still links, "cardiothoracic surgeons")
        named = any(ent.start not in alone for ent in found.values())
        # (in a question written with capitals whose names are all in lower case, "Which dishes have
        # both lamb and heritage carots?", a misspelt name of two words or more beside them still links;
        # not one word, which is as likely a common word: "river" is no "Rivet")
        names_lower = not lower and all(
            question[ent.start : ent.end].islower() for ent in found.values() if ent.start not in alone
        )
        # A misspelt multi-word name may end in a word that matched as a partial name ("Port Ena Rovers":
        # "Rovers"); a fuzzy match of the whole span replaces the partial one inside it.
        spans = [
            (start, end)
            for start, end in self._spans(len(tokens), min(4, self._max_tokens))
            if not any(taken[start:end]) and not all(partial[start:end]) and _content_span(tokens[start:end])
        ]
        for start, end in spans:
            if any(taken[start:end]) or all(partial[start:end]):
                continue
            s, e = tokens[start][1], tokens[end - 1][2]
            mention = question[s:e]
            key = " ".join(t for t, _, _ in tokens[start:end])
            # A fuzzy span next to exact matches must look like a name (capitalised or a number).
            if len(key) < 4 or (
                named
                and not (mention[:1].isupper() or mention[:1].isdigit())
                and not (names_lower and end - start >= 2)
            ):
                continue
            # a lower-case word is a name only as a whole name ("port ena"): as the last word of one
            # ("rail" of "Coastline Rail", "appeals" of "... (Appeal)") it is an ordinary word, as in
            # the partial tier above
            capitalised = mention[:1].isupper() or mention[:1].isdigit()
            hits = self._fuzzy_hits(key, max(self.fuzzy_cutoff, 0.8), 3, whole_names=not capitalised)
            if hits and any(partial[start:end]):
                inside = [nid for nid, ent in found.items() if ent.method == "partial" and s <= ent.start < e]
                for node_id in inside:
                    del found[node_id]
            for node_id, score in hits:
                keep(LinkedEntity(node_id, mention, score, "fuzzy", s, e))
            if hits:
                taken[start:end] = [True] * (end - start)
        taken = [t or p for t, p in zip(taken, partial, strict=True)]

        use_embeddings = self.use_embeddings if embeddings is None else embeddings
        if not found and use_embeddings and tokens:
            # Shortest spans first (single content words, then pairs...), at most MAX_EMBEDDED_SPANS.
            chosen = sorted(spans, key=lambda ab: (ab[1] - ab[0], ab[0]))[:MAX_EMBEDDED_SPANS]
            texts = [question] + [question[tokens[a][1] : tokens[b - 1][2]] for a, b in chosen]
            offsets = [(0, len(question))] + [(tokens[a][1], tokens[b - 1][2]) for a, b in chosen]
            candidates = [
                LinkedEntity(node_id, text, sim * EMBEDDING_WEIGHT, "embedding", s, e)
                for text, (s, e), hits in zip(texts, offsets, self._embedding_hits(texts, k), strict=True)
                for node_id, sim in hits
            ]
            # A name that matched nothing names something the graph lacks ("Who directed Blorgon Zeta?",
            # "the population of Paris" on a film graph): linked by embedding to some other, merely
            # similar entity, it would make a confidently wrong answer. Descriptions ("the English
            # director", "blood thinner") still link.
            candidates = [c for c in candidates if not _only_unknown_names(question, c, taken, tokens)]
            # A word that matched weakly inside a span (or question) that matched better is noise.
            for c in candidates:
                if not any(o.score > c.score and o.start <= c.start and c.end <= o.end for o in candidates):
                    keep(c)
        # A name said in full that the graph lacks is not one of its nodes that shares a word with it:
        # "Where was Rosalind Dremmond born?" (a Dremmond, not Rosalind), "Who runs Varnholt Signal
        # Works?" (not the city of Varnholt), "the Ormesley Retriever Society" (not Morvenne's)
        at_tokens = {
            node_id: {i for i, (_, s, t) in enumerate(tokens) if e.start <= s and t <= e.end}
            for node_id, e in found.items()
        }
        whole = {node_id for node_id, e in found.items() if e.method in ("id", "name", "alias", "normalized")}
        kept: dict[str, LinkedEntity] = {}
        for node_id, ent in found.items():
            run = _unexplained_name(
                question,
                tokens,
                ent,
                self._words.get(node_id, set()),
                # (up to another name linked whole beside it: "Is X Ravensell Y Ravensell's father?")
                {i for other in whole - {node_id} for i in at_tokens[other]} - at_tokens[node_id],
            )
            if run is None:
                if node_id not in kept or ent.score > kept[node_id].score:
                    kept[node_id] = ent
                continue
            # the whole run misspelt may be a name of the graph ("the Univeristy of Numa", not Numa)
            start, end = run
            key = " ".join(t for t, _, _ in tokens[start : end + 1])
            s, t = tokens[start][1], tokens[end][2]
            for other, score in self._fuzzy_hits(key, 0.85, 1, whole_names=True):
                if other not in kept or score > kept[other].score:
                    kept[other] = LinkedEntity(other, question[s:t], score, "fuzzy", s, t)
        found = kept
        best = sorted(found.values(), key=lambda x: (-x.score, x.start, x.node_id))[:k]
        return [
            replace(e, kind=True)
            if 0 <= e.start < e.end <= len(question) and names_kind(question, e.start, e.end)
            else e
            for e in best
        ]

    def _misspelt_around_exact(
        self,
        question: str,
        tokens: Sequence[tuple[str, int, int]],
        taken: list[bool],
        found: dict[str, LinkedEntity],
        exact: Sequence[LinkedEntity],
        keep: Callable[[LinkedEntity], None],
    ) -> None:
        """A misspelt name may hold a shorter name spelt right: "Luka Corran" (for Luca Corran) holds the
        city "Corran". A span of capitalised content words (any words, in a question typed all in lower
        case) around exact matches (``exact``, every one), whose whole fuzzily matches a longer name, links
        that name instead of the one inside it; a name also said elsewhere keeps that mention ("which
        saltmere clubs does saltmere shiping sponsor": the city, and the company)."""
        lower = not any(c.isupper() for c in question)
        for start, end in self._spans(len(tokens), min(4, self._max_tokens)):
            if end - start < 2 or all(taken[start:end]) or not any(taken[start:end]):
                continue
            words = tokens[start:end]
            if any(
                t in STOPWORDS or not (lower or question[a].isupper() or question[a].isdigit())
                for t, a, _ in words
            ):
                continue
            s, e = words[0][1], words[-1][2]
            within = [m for m in exact if s <= m.start and m.end <= e]
            if not within or any(m.start < e and s < m.end and m not in within for m in exact):
                continue  # the span must hold whole matches only
            inside = list(dict.fromkeys(m.node_id for m in within))
            key = " ".join(t for t, _, _ in words)
            hits = [
                h
                for h in self._fuzzy_hits(key, max(self.fuzzy_cutoff, 0.8), 3, whole_names=True)
                if h[0] not in inside
            ]
            if not hits:
                continue
            for node_id in inside:
                elsewhere = [m for m in exact if m.node_id == node_id and m not in within]
                if elsewhere:
                    found[node_id] = elsewhere[0]
                else:
                    found.pop(node_id, None)
            for node_id, score in hits:
                keep(LinkedEntity(node_id, question[s:e], score, "fuzzy", s, e))
            taken[start:end] = [True] * (end - start)

    @staticmethod
    def _spans(n: int, longest: int) -> Iterator[tuple[int, int]]:
        """Token spans ``[start, end)``, longest first, left to right."""
        for size in range(min(longest, n), 0, -1):
            for start in range(n - size + 1):
                yield start, start + size

    def __repr__(self) -> str:
        return f"EntityLinker(store={self.store!r}, index_path={self.index_path!s})"


def _difflib_matches(key: str, keys: Sequence[str], cutoff: float, limit: int) -> list[tuple[str, float]]:
    """Fuzzy matches without rapidfuzz: difflib's ratio (matching characters, not edits)."""
    import difflib

    scored = []
    for candidate in difflib.get_close_matches(key, keys, n=limit, cutoff=cutoff - 1e-6):
        scored.append((candidate, difflib.SequenceMatcher(None, key, candidate).ratio()))
    return scored


# Words that join a name's capitalised words ("Order of the Golden Hind", "Linden & Opal"), and words a
# question may put before a name that its node need not carry (titles, honorifics)
_NAME_JOINERS = frozenset("of the & de du la le von van der da di del upon y".split())
_TITLES = frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame lord lady king queen prince princess duke duchess "
    "emperor empress baron baroness count countess earl viscount marquess marquis knight "
    "saint st mount mt lake river cape isle "
    "judge justice chancellor senator governor mayor minister president chairman chair "
    "reverend rev bishop archbishop cardinal pope father mother sister brother abbot abbess "
    "captain capt colonel col major general admiral commander commodore lieutenant lt sergeant sgt "
    "coach chef maestro".split()
)
# Opening words of a question, capitalised as its first word, not as a name's
_OPENERS = frozenset(
    "which what who whom whose where when why how is are was were did does do has have had can could "
    "would will should name list tell give show find count in on at for from of to by with during after "
    "before since the a an".split()
)


def _unexplained_name(
    question: str,
    tokens: Sequence[tuple[str, int, int]],
    entity: LinkedEntity,
    known: set[str],
    others: set[int] = frozenset(),  # type: ignore[assignment]
) -> tuple[int, int] | None:
    """Whether ``entity``'s mention lies in a run of capitalised words (a name as the question says it,
    joined by "of", "of the", "&"...; up to a possessive or a role's initialism, "the MP for") that
    shares a word with the linked node's id, name or aliases (``known``) but has another that is none of
    them (nor a misspelling of one, nor a title such as "Sir", nor a company's "Ltd"): the question names
    something else, which the graph lacks ("Rosalind Dremmond" linked by its surname to another
    Dremmond). A run sharing no word is a description the embeddings linked ("the English director").
    The run's first and last token when so, else None."""
    inside = [i for i, (_, s, e) in enumerate(tokens) if entity.start <= s and e <= entity.end]
    if not inside:
        return None

    def surface(i: int) -> str:
        return question[tokens[i][1] : tokens[i][2]]

    def capital(i: int) -> bool:
        word = tokens[i][0]
        first = question[tokens[i][1]]
        return (first.isupper() or first.isdigit()) and not (i == 0 and word in _OPENERS) and i not in others

    def beside(i: int) -> bool:
        # a capitalised word next to the name that is part of it: not an initialism of a role ("the
        # *MP* for", "*MPs* born in", "X's *CEO*")
        whole = surface(i).removesuffix("s")
        return capital(i) and not (whole.isupper() and whole.isalpha() and len(whole) <= 4)

    def joiner(j: int) -> bool:
        # ("the" only after "of": "Order of the Golden Hind", not "X the Minister of Transport")
        word = tokens[j][0]
        return (
            word in _NAME_JOINERS
            and not capital(j)
            and (word != "the" or (j > 0 and tokens[j - 1][0] == "of"))
        )

    def joins(i: int, step: int) -> bool:
        # a joining word between two capitalised words ("Order *of the* Golden Hind")
        j = i
        while 0 <= j < len(tokens) and joiner(j):
            j += step
        return j != i and 0 <= j < len(tokens) and beside(j)

    def possessive(i: int) -> bool:  # a name ends at its possessive ("X Castle's East Range")
        return surface(i).endswith(("'s", "\u2019s", "'", "\u2019"))

    span = [i for i in inside if capital(i)]
    if not span:
        return None
    start, end = span[0], span[-1]
    while start > 0 and not possessive(start - 1) and (beside(start - 1) or joins(start - 1, -1)):
        start -= 1
    while end + 1 < len(tokens) and not possessive(end) and (beside(end + 1) or joins(end + 1, 1)):
        end += 1
    shared = unexplained = False
    for i in range(start, end + 1):
        word = tokens[i][0]
        if not capital(i) or word in _TITLES or word in _NAME_JOINERS or word in GENERIC_TAILS:
            continue
        if (
            word in known
            or word.removesuffix("s") in known
            or (len(word) >= 3 and any(_misspelt(word, k) for k in known))
        ):
            shared = True
        else:
            unexplained = True
    return (start, end) if shared and unexplained else None


MISSPELT_RATIO = 0.7
"""How alike (Indel similarity, difflib's ratio) a name's word must be to a node's word to read as that word
misspelt: "Fenwrite" for Fenwright is 0.82, "Vale" for Vail 0.75; another name is 0.5 or less
("Rosalind" for Dremmond)."""


def _misspelt(word: str, known: str) -> bool:
    """Whether ``word`` is ``known`` misspelt: at most one edit in a word of up to four letters, two in a
    longer one (OSA: a swap of two neighbouring letters is one edit), or spelt as it sounds
    (``MISSPELT_RATIO``)."""
    from rapidfuzz.distance import OSA, Indel

    limit = 1 if len(known) <= 4 else 2
    return (
        OSA.distance(word, known, score_cutoff=limit) <= limit
        or Indel.normalized_similarity(word, known) >= MISSPELT_RATIO
    )


def _only_unknown_names(
    question: str, entity: LinkedEntity, taken: Sequence[bool], tokens: Sequence[tuple[str, int, int]]
) -> bool:
    """``entity``'s mention is made only of capitalised words past the first that matched nothing."""
    inside = [i for i, (_, s, e) in enumerate(tokens) if entity.start <= s and e <= entity.end]
    return bool(inside) and all(
        i > 0 and question[tokens[i][1]].isupper() and not taken[i] and tokens[i][0] not in STOPWORDS
        for i in inside
    )


def _all_stopwords(tokens: Iterable[tuple[str, int, int]]) -> bool:
    return all(t in STOPWORDS for t, _, _ in tokens)


def _content_span(tokens: Sequence[tuple[str, int, int]]) -> bool:
    """A span that neither starts nor ends with a stop word (so also not all stop words)."""
    return tokens[0][0] not in STOPWORDS and tokens[-1][0] not in STOPWORDS

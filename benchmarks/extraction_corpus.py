"""The labelled extraction corpus (``benchmarks/extraction_data/``) and the triple scorer.

Layout, one folder per domain::

    extraction_data/<domain>/schema.json     entity types; relation types with domain, range, description,
                                             phrases (``symmetric: true`` where head and tail may come in
                                             either order)
    extraction_data/<domain>/documents.jsonl {"id", "text", "metadata": {"domain", "title"}} (kgr graph extract
                                             reads this shape)
    extraction_data/<domain>/gold.jsonl      one line per sentence: {"id", "doc_id", "domain", "sentence",
                                             "start", "end" (offsets in the document's text), "triples":
                                             [{"head", "head_type", "relation", "tail", "tail_type"}],
                                             "aliases": {entity: [other surface forms]}}

Sentences were written by hand; a sentence may have no triple (negations such as "does not inhibit", facts
outside the schema, a pronoun instead of the name). Scoring is per document: the predicted triples of a
document against the union of its sentences' gold triples, micro-averaged over documents.

Entity normalisation before matching: Unicode NFKC, lower case, every run of punctuation or spaces -> one
space, a leading article (the/a/an) dropped, then the gold's aliases of the domain map a surface form to
its canonical name. Relation names are compared upper-cased with spaces as underscores. A symmetric
relation matches in either direction. ``typed`` scoring also requires both entity types to match.

Only the standard library is imported: the test suite and the benchmark both load this file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "extraction_data"
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ARTICLE = re.compile(r"^(the|a|an) ")

Key = tuple[str, ...]


def normalise(name: str) -> str:
    """Case, punctuation, spacing and a leading article removed (``"The P-gp"`` -> ``"p gp"``)."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = _NON_WORD.sub(" ", text).strip()
    return _ARTICLE.sub("", text)


def relation_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip()).upper()


@dataclass(frozen=True)
class GoldTriple:
    head: str
    head_type: str
    relation: str
    tail: str
    tail_type: str


@dataclass
class Domain:
    """One domain of the corpus: its schema, documents and gold sentences."""

    name: str
    schema: dict[str, Any]
    documents: list[dict[str, Any]]
    sentences: list[dict[str, Any]]
    aliases: dict[str, str] = field(default_factory=dict)  # normalised surface form -> normalised canonical

    @property
    def symmetric(self) -> frozenset[str]:
        return frozenset(relation_key(r["name"]) for r in self.schema["relations"] if r.get("symmetric"))

    def canonical(self, name: str) -> str:
        norm = normalise(name)
        return self.aliases.get(norm, norm)

    def key(self, triple: Sequence[str], *, typed: bool = False) -> Key:
        """The comparison key of ``(head, head_type, relation, tail, tail_type)``."""
        head, head_type, relation, tail, tail_type = (str(x) for x in triple)
        rel = relation_key(relation)
        h, t = self.canonical(head), self.canonical(tail)
        ht, tt = head_type.strip().lower(), tail_type.strip().lower()
        if rel in self.symmetric and (t, tt) < (h, ht):
            h, ht, t, tt = t, tt, h, ht
        return (h, ht, rel, t, tt) if typed else (h, rel, t)

    def gold(self, *, typed: bool = False) -> dict[str, set[Key]]:
        """Gold keys per document id (every document present, possibly empty)."""
        out: dict[str, set[Key]] = {d["id"]: set() for d in self.documents}
        for sent in self.sentences:
            for t in sent["triples"]:
                row = (t["head"], t["head_type"], t["relation"], t["tail"], t["tail_type"])
                out[sent["doc_id"]].add(self.key(row, typed=typed))
        return out

    def schema_for_extractor(self, *, phrases: bool = False) -> dict[str, Any]:
        """The schema in the ``{"entities": [...], "relations": [...]}`` shape without benchmark-only keys;
        ``phrases`` (surface forms, a kgreason schema field the peers have no place for) only when asked."""
        keys = ("name", "domain", "range", "description", *(("phrases",) if phrases else ()))
        return {
            "entities": [
                {"name": e["name"], "description": e.get("description", "")} for e in self.schema["entities"]
            ],
            "relations": [{k: r[k] for k in keys if k in r} for r in self.schema["relations"]],
        }


def _jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
    return rows


def load_domain(folder: Path) -> Domain:
    schema = json.loads((folder / "schema.json").read_text(encoding="utf-8"))
    domain = Domain(
        name=folder.name,
        schema=schema,
        documents=_jsonl(folder / "documents.jsonl"),
        sentences=_jsonl(folder / "gold.jsonl"),
    )
    for sent in domain.sentences:
        for canonical, forms in sent.get("aliases", {}).items():
            for form in forms:
                domain.aliases[normalise(form)] = normalise(canonical)
    return domain


def load_corpus(root: Path = DATA, domains: Iterable[str] | None = None) -> list[Domain]:
    """Every domain folder under ``root`` (sorted), or only ``domains``."""
    wanted = set(domains) if domains is not None else None
    folders = sorted(p for p in root.iterdir() if (p / "schema.json").is_file())
    return [load_domain(p) for p in folders if wanted is None or p.name in wanted]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score(
    domain: Domain,
    predictions: Mapping[str, Iterable[Sequence[str]]],
    *,
    typed: bool = False,
    doc_ids: Iterable[str] | None = None,
) -> Score:
    """Micro counts over the documents (all of the domain's, or ``doc_ids``); duplicates count once."""
    gold = domain.gold(typed=typed)
    ids = list(doc_ids) if doc_ids is not None else list(gold)
    total = Score()
    for doc_id in ids:
        want = gold[doc_id]
        got = {domain.key(t, typed=typed) for t in predictions.get(doc_id, ())}
        total.add(Score(tp=len(got & want), fp=len(got - want), fn=len(want - got)))
    return total

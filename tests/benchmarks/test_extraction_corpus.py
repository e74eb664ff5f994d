"""The labelled extraction corpus (benchmarks/extraction_data) and the benchmark's triple scorer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("head", "head_type", "relation", "tail", "tail_type")


def _module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


corpus = _module(ROOT / "benchmarks" / "extraction_corpus.py", "extraction_corpus_under_test")
DOMAINS = corpus.load_corpus()


def test_size_and_domains() -> None:
    names = {d.name for d in DOMAINS}
    assert len(names) >= 3 and "drug_labels" in names
    sentences = sum(len(d.sentences) for d in DOMAINS)
    triples = sum(len(s["triples"]) for d in DOMAINS for s in d.sentences)
    assert sentences >= 150, sentences
    assert triples >= 150, triples
    for d in DOMAINS:
        negatives = [s for s in d.sentences if not s["triples"]]
        assert len(negatives) >= 5, f"{d.name}: too few sentences without a triple ({len(negatives)})"
        assert len(d.documents) >= 10, f"{d.name}: {len(d.documents)} documents"


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_sentences_are_the_documents(domain: object) -> None:
    """Each gold sentence sits at its offsets in its document, in order, and every document is covered."""
    docs = {doc["id"]: doc for doc in domain.documents}  # type: ignore[attr-defined]
    assert len(docs) == len(domain.documents), "duplicate document id"  # type: ignore[attr-defined]
    seen: dict[str, list[str]] = {}
    ids = set()
    for sent in domain.sentences:  # type: ignore[attr-defined]
        assert sent["id"] not in ids, f"duplicate sentence id {sent['id']}"
        ids.add(sent["id"])
        assert sent["domain"] == domain.name  # type: ignore[attr-defined]
        text = docs[sent["doc_id"]]["text"]
        assert text[sent["start"] : sent["end"]] == sent["sentence"], sent["id"]
        seen.setdefault(sent["doc_id"], []).append(sent["sentence"])
    for doc_id, doc in docs.items():
        assert " ".join(seen[doc_id]) == doc["text"], f"{doc_id}: sentences do not make up the text"
        assert doc["metadata"]["domain"] == domain.name  # type: ignore[attr-defined]


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_gold_triples_are_grounded_and_typed(domain: object) -> None:
    """Every gold entity occurs in its sentence (as written or as a listed alias); types and directions fit
    the schema; no triple is repeated within a sentence."""
    schema = domain.schema  # type: ignore[attr-defined]
    types = {e["name"] for e in schema["entities"]}
    relations = {r["name"]: r for r in schema["relations"]}
    assert all(r["domain"] in types and r["range"] in types for r in relations.values())
    for sent in domain.sentences:  # type: ignore[attr-defined]
        padded = f" {corpus.normalise(sent['sentence'])} "
        keys = set()
        for t in sent["triples"]:
            where = f"{sent['id']}: {t}"
            rel = relations.get(t["relation"])
            assert rel is not None, f"{where}: relation not in the schema"
            assert (t["head_type"], t["tail_type"]) == (rel["domain"], rel["range"]), f"{where}: types"
            for name in (t["head"], t["tail"]):
                forms = [name, *sent["aliases"].get(name, [])]
                assert any(f" {corpus.normalise(f)} " in padded for f in forms), f"{where}: {name!r} absent"
            assert t["head"] != t["tail"], where
            key = domain.key(  # type: ignore[attr-defined]
                (t["head"], t["head_type"], t["relation"], t["tail"], t["tail_type"])
            )
            assert key not in keys, f"{where}: repeated"
            keys.add(key)


def test_normalise() -> None:
    assert corpus.normalise("The P-gp") == "p gp"
    assert corpus.normalise("  St. John's   wort ") == "st john s wort"
    assert corpus.normalise("an Apple") == "apple"
    assert corpus.normalise("Patchwork Co.") == "patchwork co"
    assert corpus.relation_key("interacts with") == "INTERACTS_WITH"


def _tiny() -> object:
    schema = {
        "entities": [{"name": "Drug"}, {"name": "Protein"}],
        "relations": [
            {"name": "INHIBITS", "domain": "Drug", "range": "Protein"},
            {"name": "INTERACTS_WITH", "domain": "Drug", "range": "Drug", "symmetric": True},
        ],
    }
    gold = [
        ("A", "Drug", "INHIBITS", "CYP3A4", "Protein"),
        ("A", "Drug", "INTERACTS_WITH", "B", "Drug"),
        ("B", "Drug", "INHIBITS", "P-glycoprotein", "Protein"),
    ]
    sentences = [
        {
            "id": "d1-s1",
            "doc_id": "d1",
            "domain": "tiny",
            "sentence": "x",
            "start": 0,
            "end": 1,
            "triples": [dict(zip(FIELDS, g, strict=True)) for g in gold],
            "aliases": {"P-glycoprotein": ["P-gp"]},
        }
    ]
    domain = corpus.Domain(
        name="tiny", schema=schema, documents=[{"id": "d1"}, {"id": "d2"}], sentences=sentences
    )
    domain.aliases[corpus.normalise("P-gp")] = corpus.normalise("P-glycoprotein")
    return domain


def test_score_by_hand() -> None:
    """3 gold triples in d1, none in d2. Predicted: one exact (case/article differ), the symmetric one
    reversed, the alias form, one wrong relation, and a duplicate; one triple in d2.
    tp = 3 (all gold found), fp = wrong relation + d2's = 2, fn = 0 -> P = 3/5, R = 1, F1 = 0.75."""
    domain = _tiny()
    preds = {
        "d1": [
            ("the a", "Drug", "inhibits", "cyp3a4", "Protein"),
            ("A", "Drug", "INHIBITS", "CYP3A4", "Protein"),  # duplicate after normalisation
            ("B", "Drug", "interacts with", "A", "Drug"),  # symmetric: order does not matter
            ("B", "Drug", "INHIBITS", "P-gp", "Protein"),  # alias
            ("A", "Drug", "INTERACTS_WITH", "CYP3A4", "Protein"),  # not gold
        ],
        "d2": [("B", "Drug", "INHIBITS", "CYP3A4", "Protein")],
    }
    s = corpus.score(domain, preds)
    assert (s.tp, s.fp, s.fn) == (3, 2, 0)
    assert s.precision == pytest.approx(0.6) and s.recall == 1.0 and s.f1 == pytest.approx(0.75)


def test_score_typed_and_direction() -> None:
    """Typed scoring rejects a wrong type; an asymmetric relation reversed is wrong; a missing document's
    gold all counts as missed."""
    domain = _tiny()
    preds = {
        "d1": [
            ("A", "Drug", "INHIBITS", "CYP3A4", "Drug"),  # wrong tail type
            ("P-gp", "Protein", "INHIBITS", "B", "Drug"),  # reversed
        ]
    }
    untyped = corpus.score(domain, preds)
    assert (untyped.tp, untyped.fp, untyped.fn) == (1, 1, 2)
    typed = corpus.score(domain, preds, typed=True)
    assert (typed.tp, typed.fp, typed.fn) == (0, 2, 3)
    assert typed.f1 == 0.0
    empty = corpus.score(domain, {})
    assert (empty.tp, empty.fp, empty.fn) == (0, 0, 3) and empty.f1 == 0.0

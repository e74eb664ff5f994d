"""The text layer (documents, chunks, sources) is stored beside the facts but never walked as a fact: the
retrieve and explore strategies answer from the facts, and cite the sentences through ``Answer.sources``."""

from __future__ import annotations

from pathlib import Path

import pytest

import kgreason
from kgreason.documents.lexical import (
    CHUNK,
    DOCUMENT,
    HAS_CHUNK,
    LEXICAL_LABELS,
    LEXICAL_TYPES,
    MENTIONS,
    SETTINGS,
)
from kgreason.graph.loaders import SOURCE_LABEL

FAMILY = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"


def test_the_bookkeeping_names_are_the_text_layer_s() -> None:
    assert {DOCUMENT, CHUNK, SETTINGS, SOURCE_LABEL} == LEXICAL_LABELS
    assert {HAS_CHUNK, MENTIONS} == LEXICAL_TYPES


@pytest.mark.parametrize(("strategy", "options"), [("retrieve", {}), ("multihop", {"mode": "explore"})])
def test_answers_walk_facts_not_chunks(tmp_path: Path, strategy: str, options: dict[str, str]) -> None:
    doc = tmp_path / "notes.txt"
    doc.write_text("Bob knows Alice. Carol lives in Paris.\n")
    g = kgreason.open_graph("fam", home=tmp_path / "home")
    g.load(FAMILY)
    g.extract(doc, llm=None)
    assert g.stats()["nodes"] > 6  # the document and its chunks are in the graph
    engine = g.engine(strategy, llm=None, options=options)
    for question, expected in [("Who knows alice?", {"bob"}), ("Where does carol live?", {"paris"})]:
        answer = engine.ask(question)
        assert set(answer.answers) == expected
        walked = {e.type for p in answer.evidence for e in p.edges}
        labels = {lab for p in answer.evidence for n in p.nodes for lab in n.labels}
        assert walked and not walked & LEXICAL_TYPES and not labels & LEXICAL_LABELS, walked


def test_text_layer_labels_are_never_an_answer_type() -> None:
    from kgreason.fusion.forms import TypeMatcher

    types = TypeMatcher(lambda: ["Person", "Document", "Chunk", "Source"], None)
    assert types.labels_for("document") == set() and types.labels_for("chunk") == set()
    assert types.labels_for("person") == {"Person"}

"""Claims in an answer's text are checked against its evidence paths."""

from __future__ import annotations

from pathlib import Path

from kgreason.config import Settings
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.reasoning.entity_linking import EntityLinker
from kgreason.reasoning.verify import claims, unsupported_claims

FAMILY = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"


def test_claims_split_and_drop_markers() -> None:
    assert claims("alice [T1]; carol [T2]. Bob works at acme [T3]!") == [
        "alice",
        "carol",
        "Bob works at acme",
    ]


def test_unsupported_claims_are_flagged(settings: Settings) -> None:
    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    linker = EntityLinker(store, use_embeddings=False)
    [path] = [p for p in store.paths_between("alice", "paris", max_hops=2) if p.node_ids[1] == "acme"]
    assert unsupported_claims("paris [T1][T2]. Alice works at acme.", [path], linker) == []
    flagged = unsupported_claims("paris. Bob works at acme.", [path], linker)
    assert len(flagged) == 1 and "bob not in the evidence" in flagged[0]
    other = store.paths_between("carol", "paris", max_hops=1)
    disconnected = unsupported_claims("Alice lives in Paris with Carol", [path, *other], linker)
    assert disconnected and "no evidence path connects" in disconnected[0]


def test_engine_answers_pass_their_own_verification(settings: Settings) -> None:
    from kgreason.reasoning.engine import Engine

    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    answer = Engine(store, llm=None, settings=settings).ask("Where is the company alice works at located?")
    assert answer.text and answer.unsupported == ()

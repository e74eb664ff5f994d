"""G-Retriever mode of the gnn strategy: PCST subgraphs (memory and Neo4j), training, answers, the CLI.

The LM in the CPU tests is a tiny randomly initialised Llama (``tiny_llm``, the bundled MiniLM WordPiece
vocabulary, nothing downloaded) trained together with the GNN (``train_llm``): a frozen random LM cannot
learn to name anything, and the default LM (the bundled SmolLM2-135M, dequantised from its GGUF) takes
minutes to convert on this box; ``benchmarks/gnn_qa.py --model gretriever`` runs that one. The GPU test
trains a bigger random configuration on CUDA.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem, write_qa
from kgreason.types import Edge

FAMILY = Path(__file__).resolve().parents[3] / "examples" / "data" / "family.tsv"
ITEMS = [
    QAItem("Who is the parent of bob?", ("alice",), "bob"),
    QAItem("Who are alice's children?", ("bob", "carol"), "alice"),
    QAItem("Where does alice work?", ("acme",), "alice"),
    QAItem("Where does bob work?", ("acme",), "bob"),
    QAItem("Where does carol live?", ("paris",), "carol"),
    QAItem("Who is the parent of carol?", ("alice",), "carol"),
]
STAR = [
    ("alice", "works_at", "acme"), ("acme", "located_in", "paris"), ("paris", "capital_of", "france"),
    ("alice", "likes", "jazz"), ("alice", "likes", "chess"), ("alice", "owns", "bicycle"),
    ("alice", "visited", "rome"), ("alice", "visited", "oslo"), ("alice", "knows", "bob"),
    ("bob", "plays", "tennis"), ("bob", "works_at", "globex"), ("globex", "located_in", "berlin"),
    ("chess", "invented_in", "india"), ("jazz", "originated_in", "new_orleans"),
]  # fmt: skip


@pytest.fixture(scope="module")
def encoder() -> Any:
    from kgreason.embed import default_encoder

    return default_encoder()


def _connected(topic: str, nodes: list[str], edges: list[Edge]) -> bool:
    reach, frontier = {topic}, [topic]
    while frontier:
        here = frontier.pop()
        for e in edges:
            for a, b in ((e.source, e.target), (e.target, e.source)):
                if a == here and b not in reach:
                    reach.add(b)
                    frontier.append(b)
    return reach == set(nodes)


def _check_selection(store: Any, encoder: Any) -> dict[str, Any]:
    from kgreason.fusion.gnn.pcst import TextVectors, select_subgraph

    vectors = TextVectors(encoder)
    out = {}
    for question in ("Where does alice work?", "Which games does alice like?"):
        sel = select_subgraph(store, question, "alice", vectors)
        assert sel is not None
        nodes, edges = sel.node_ids(), list(sel.edges)
        assert nodes[0] == "alice" and _connected("alice", nodes, edges)
        assert len(nodes) < sel.neighbourhood_nodes and len(edges) < sel.neighbourhood_edges
        out[question] = (set(nodes), {(e.source, e.type, e.target) for e in edges})
    work, work_triples = out["Where does alice work?"]
    assert ("alice", "works_at", "acme") in work_triples and not work & {"jazz", "chess", "rome", "india"}
    games, game_triples = out["Which games does alice like?"]
    assert {("alice", "likes", "chess"), ("alice", "likes", "jazz")} <= game_triples
    assert not games & {"acme", "rome", "oslo", "india"}
    assert select_subgraph(store, "Who?", "nobody", vectors) is None
    return out


def test_pcst_subgraph_is_connected_rooted_and_question_relevant(settings: Settings, encoder: Any) -> None:
    from kgreason.fusion.gnn.pcst import edge_prizes, node_prizes

    store = MemoryStore("star", settings)
    store.upsert_edges([Edge(*t) for t in STAR])
    _check_selection(store, encoder)
    # PyG's prizes: top-k nodes get k..1 (never the root); tied edge values share theirs, each below the last
    import numpy as np

    assert node_prizes(np.array([0.9, 0.1, 0.5, 0.7]), 2, exclude=0).tolist() == [0, 0, 1, 2]
    e = edge_prizes(np.array([0.8, 0.8, 0.3, 0.5]), 2)
    assert e[0] == e[1] == 1.0 and 0 < e[3] < e[0] and e[2] == 0


def test_pcst_subgraph_from_neo4j(
    neo4j_store_factory: Callable[[str], Any], settings: Settings, encoder: Any
) -> None:
    store = neo4j_store_factory("gret_star")
    store.upsert_edges([Edge(*t) for t in STAR])
    memory = MemoryStore("star", settings)
    memory.upsert_edges([Edge(*t) for t in STAR])
    assert _check_selection(store, encoder) == _check_selection(memory, encoder)


def test_match_answers_names_subgraph_nodes_only() -> None:
    from kgreason.fusion.gnn.gretriever import match_answers
    from kgreason.fusion.gnn.pcst import Selection
    from kgreason.types import Node

    nodes = tuple(Node(n, properties={"name": n.title()}) for n in ("bob", "alice", "carol", "new_york"))
    sel = Selection("bob", nodes, (), 4, 0)
    assert match_answers("alice; Carol", sel) == ["alice", "carol"]
    assert match_answers("The parent of bob is Alice.", sel) == ["alice"]  # the topic is no answer
    assert match_answers("paris", sel) == [] and match_answers("", sel) == []


def test_train_then_ask_in_gretriever_mode(tmp_path: Path, settings: Settings, encoder: Any) -> None:
    from typer.testing import CliRunner

    from kgreason.cli.app import app
    from kgreason.fusion.gnn.gretriever import tiny_llm
    from kgreason.reasoning.engine import Engine

    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    store.flush()
    qa_file = tmp_path / "train.jsonl"
    write_qa(qa_file, ITEMS)
    llm = tiny_llm(tmp_path / "llm", hidden=32)
    opts = {"llm": llm, "train_llm": "true", "epochs": 30, "batch_size": 3, "lr": 0.01, "max_tokens": 6}
    runner = CliRunner()
    r = runner.invoke(
        app,
        ["train", "qa", "-g", "family", "--train", str(qa_file), "--model", "gretriever", "--json",
         *[x for k, v in opts.items() for x in ("-o", f"{k}={v}")]],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    meta = json.loads(r.stdout)
    assert meta["kind"] == "gretriever" and meta["metrics"]["train_questions"] == 6
    assert meta["metrics"]["train_answer_in_subgraph"] == 1.0 and meta["llm_dir"] == str(llm)
    assert Path(meta["path"]).name == "memory-family"

    engine = Engine(store, strategy="gnn", settings=settings, encoder=encoder)
    right = 0
    for item in ITEMS:
        answer = engine.ask(item.question, topic=item.topic_entity)
        assert answer.strategy == "gnn" and answer.evidence
        note = next(t for t in answer.trace if t["step"] == "gretriever")
        assert note["subgraph"]["edges"] == len(answer.evidence) > 0  # the subgraph's triples: the evidence
        cited = {i for c in answer.citations for i in c.edge_ids}
        assert cited <= {e.id for p in answer.evidence for e in p.edges}
        assert set(answer.answers) <= {n for p in answer.evidence for n in p.node_ids}
        if answer.answers:
            assert cited and all(any(a in p.node_ids for p in answer.evidence) for a in answer.answers)
        else:
            assert answer.abstained
        right += set(answer.answers) == set(item.answers)
    assert right >= 5, right  # trained on these six: the whole path learns them
    shown = runner.invoke(
        app, ["ask", ITEMS[2].question, "-g", "family", "--strategy", "gnn", "--llm", "none", "-v"]
    )
    assert shown.exit_code == 0, shown.output
    assert "works at" in shown.output.replace("works_at", "works at") and "gretriever" in shown.output
    with pytest.raises(ConfigError, match=r"no trained gnn model \(gnn-rag\)"):
        Engine(store, strategy="gnn", settings=settings, encoder=encoder, options={"mode": "gnn-rag"}).ask(
            ITEMS[0].question, topic="bob"
        )
    # with both models trained, GNN-RAG answers unless mode=gretriever asks for the other
    from kgreason.fusion.gnn.training import train_qa_model

    small = {"dim": 8, "hidden": 16, "layers": 1, "steps": 2, "epochs": 2, "lp_batch": 16}
    train_qa_model(store, ITEMS, None, settings=settings, options=small, encoder=encoder)
    for options, step in (({}, "gnn_score"), ({"mode": "gretriever"}, "gretriever")):
        engine = Engine(store, strategy="gnn", settings=settings, encoder=encoder, options=options)
        assert any(t["step"] == step for t in engine.ask(ITEMS[0].question, topic="bob").trace)
    bad = runner.invoke(
        app, ["train", "qa", "-g", "family", "--train", str(qa_file), "--model", "gretriever", "-o", "hops=9"]
    )
    assert isinstance(bad.exception, ConfigError) and "hops" in str(bad.exception)  # before any work


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU")
def test_gretriever_trains_on_cuda(tmp_path: Path, settings: Settings, encoder: Any) -> None:
    from kgreason.fusion.gnn.gretriever import tiny_llm, train_gretriever

    store = MemoryStore("family", settings)
    load_file(store, FAMILY)
    llm = tiny_llm(tmp_path / "llm", hidden=1024, layers=8, heads=16)
    meta = train_gretriever(
        store, ITEMS * 4, None, settings=settings, encoder=encoder, device="cuda",
        options={"llm": str(llm), "epochs": 3, "lr": 1e-3},
    )  # fmt: skip
    assert meta["device"] == "cuda" and meta["metrics"]["train_loss"] > 0

"""The gnn strategy end to end: joint training, checkpoint metadata, GNN-RAG answers, the CLI, the LLM.

A small synthetic world (about 700 edges) and a few hundred generated questions keep this fast; the
real-size numbers are in benchmarks/gnn_qa.py.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kgr_cli import run_kgr

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.fusion.recording import replay
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem, write_qa
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import make_qa
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge

SMALL = {"dim": 16, "hidden": 64, "layers": 1, "steps": 2, "epochs": 15, "patience": 3, "lp_batch": 256}


@pytest.fixture(scope="module")
def encoder() -> Any:
    from kgreason.embed import default_encoder

    return default_encoder()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MemoryStore, Settings]]:
    settings = Settings(home=tmp_path_factory.mktemp("gnn-home"))
    store = MemoryStore("world", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(150)])
    store.flush()
    yield store, settings


def _key(item: QAItem) -> tuple[str | None, tuple[str, ...]]:
    return item.topic_entity, tuple(item.relations or ())


@pytest.fixture(scope="module")
def trained(world: tuple[MemoryStore, Settings], encoder: Any) -> dict[str, Any]:
    from kgreason.fusion.gnn.training import train_qa_model

    store, settings = world
    train = make_qa(store, hops=[1, 2], n=300, seed=11)
    seen = {_key(i) for i in train}
    dev = [i for i in make_qa(store, hops=[2], n=40, seed=12) if _key(i) not in seen]
    test = [i for i in make_qa(store, hops=[2], n=40, seed=13) if _key(i) not in seen]
    meta = train_qa_model(store, train, dev, settings=settings, options=SMALL, encoder=encoder)
    return {"meta": meta, "test": test}


def _engine(store: MemoryStore, settings: Settings, encoder: Any, path: str, llm: Any = None) -> Engine:
    return Engine(
        store, strategy="gnn", llm=llm, settings=settings, encoder=encoder, options={"model_dir": path}
    )


def test_checkpoint_has_metadata(trained: dict[str, Any], world: tuple[MemoryStore, Settings]) -> None:
    from kgreason.fusion.gnn.graph_data import index_store

    store, settings = world
    meta = trained["meta"]
    path = Path(meta["path"])
    assert path == settings.models_dir / "gnn" / "qa" / "memory-world"
    saved = json.loads((path / "meta.json").read_text())
    assert saved["graph_hash"] == index_store(store).digest
    assert saved["config"]["dim"] == 16 and saved["config"]["encoder"] == "compgcn"
    assert 0.0 <= saved["metrics"]["dev_hits@1"] <= 1.0 and saved["metrics"]["epochs"] >= 1
    assert (path / "model.pt").is_file() and (path / "features.npy").is_file()


def test_answers_with_supporting_paths_from_the_topic(
    trained: dict[str, Any], world: tuple[MemoryStore, Settings], encoder: Any
) -> None:
    store, settings = world
    engine = _engine(store, settings, encoder, trained["meta"]["path"])
    summary, records = evaluate(engine, trained["test"])
    assert summary["hits@1"] >= 0.6, (
        summary
    )  # a tiny model trained for seconds; the benchmark has the real bar
    answered = [r.answer for r in records if r.answer is not None and r.answer.entities]
    assert answered
    for answer, item in zip(answered[:10], trained["test"], strict=False):
        assert answer.strategy == "gnn"
        for path in answer.evidence:
            assert path.nodes[0].id == item.topic_entity  # paths start at the topic
        edge_ids = {e.id for p in answer.evidence for e in p.edges}
        assert all(set(c.edge_ids) <= edge_ids for c in answer.citations)
        assert answer.entities[0] in {p.nodes[-1].id for p in answer.evidence}
        assert replay(store, answer.queries, answer.evidence).identical
    assert summary["faithfulness"] == 1.0


def test_model_refuses_a_changed_graph_and_a_missing_model(
    trained: dict[str, Any], world: tuple[MemoryStore, Settings], encoder: Any, settings: Settings
) -> None:
    store, _ = world
    other = MemoryStore("world", settings)  # same name, another KGR_HOME: one more edge
    other.upsert_edges([*store.iter_edges(), Edge("Ada Abbott", "works_at", "Abbott Labs")])
    with pytest.raises(ConfigError, match="another version"):
        _engine(other, settings, encoder, trained["meta"]["path"]).ask(
            "Where does X work?", topic="Ada Abbott"
        )
    with pytest.raises(ConfigError, match="no trained gnn model"):
        Engine(other, strategy="gnn", settings=settings, encoder=encoder).ask("Where?", topic="Ada Abbott")


@pytest.mark.slow
def test_bundled_llm_never_overrides_the_gnn_answers(
    trained: dict[str, Any], world: tuple[MemoryStore, Settings], encoder: Any
) -> None:
    from kgreason.llm import create_chat_model

    store, settings = world
    llm = create_chat_model("llamacpp", settings=settings)
    with_llm = _engine(store, settings, encoder, trained["meta"]["path"], llm=llm)
    without = _engine(store, settings, encoder, trained["meta"]["path"])
    for item in trained["test"][:4]:
        graph_only = without.ask(item.question, topic=item.topic_entity)
        answer = with_llm.ask(item.question, topic=item.topic_entity)
        # the model may narrow the GNN's asserted answers to one, never replace them
        assert set(answer.answers) <= set(graph_only.answers) and answer.answers
        assert answer.llm_calls <= 1
        if answer.llm_calls:
            step = next(t for t in answer.trace if t["step"] == "llm_choose_answer")
            assert step["chosen"] in step["options"] and len(answer.answers) == 1
        else:
            assert answer.answers == graph_only.answers
        assert answer.citations and not [u for u in answer.unsupported if "citation" in u]


def test_cli_train_qa_then_ask(
    tmp_path: Path,
    world: tuple[MemoryStore, Settings],
) -> None:
    store, _ = world
    env = {"KGR_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}

    def kgr(*args: str) -> subprocess.CompletedProcess[str]:
        # in this process: torch and MiniLM are imported once, not by every command
        return run_kgr(*args, env=env)

    tsv = tmp_path / "world.tsv"
    tsv.write_text(
        "".join(f"{e.source}\t{e.type}\t{e.target}\n" for e in store.iter_edges()), encoding="utf-8"
    )
    assert kgr("graph", "load", str(tsv), "-g", "world").returncode == 0
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    write_qa(train, make_qa(store, hops=[1, 2], n=60, seed=5))
    write_qa(dev, make_qa(store, hops=[2], n=5, seed=6))
    opts = [x for k, v in {**SMALL, "epochs": 2}.items() for x in ("-o", f"{k}={v}")]
    r = kgr(
        "train", "qa", "-g", "world", "--train", str(train), "--dev", str(dev), "--seed", "1", "--json", *opts
    )
    assert r.returncode == 0, r.stderr
    meta = json.loads(r.stdout)
    assert meta["kind"] == "qa" and meta["seed"] == 1 and meta["metrics"]["epochs"] <= 2
    item = json.loads(dev.read_text().splitlines()[0])
    r = kgr("ask", item["question"], "-g", "world", "--strategy", "gnn", "--llm", "none", "--topic",
            item["topic_entity"], "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["strategy"] == "gnn" and answer["entities"] and answer["evidence"]
    bad = kgr("train", "qa", "-g", "world", "--train", str(train), "--device", "tpu")
    assert bad.returncode == 2 and "unknown --device" in bad.stderr
    bad = kgr("train", "qa", "-g", "world", "--train", str(train), "-o", "epochs=many")
    assert bad.returncode == 2 and "epochs" in bad.stderr and "Traceback" not in bad.stderr
    missing = kgr("ask", "Who?", "-g", "nograph", "--strategy", "gnn", "--llm", "none")
    assert missing.returncode == 2


@pytest.mark.parametrize(("members", "link_features"), [(1, 0.0), (2, 0.5)])
def test_predicted_edges_for_domain_packs(
    world: tuple[MemoryStore, Settings], members: int, link_features: float
) -> None:
    """Train, save, reload and predict; an ensemble with link features round-trips the same way."""
    from kgreason.fusion.gnn.predict import predict_edges
    from kgreason.fusion.gnn.training import train_linkpred_model

    store, settings = world
    options = {
        "dim": 32,
        "epochs": 10,
        "eval_every": 5,
        "ensemble": members,
        "relation_prediction": 0.1,
        "link_features": link_features,
    }
    meta = train_linkpred_model(store, settings=settings, options=options)
    assert meta["config"]["ensemble"] == members and meta["config"]["link_features"] == link_features
    assert {"mrr", "hits@10"} <= set(meta["metrics"]["test"])
    person = next(e.source for e in store.iter_edges() if e.type == "works_at")
    known = {o.id for _, o in store.neighbors(person, direction="out", types=["works_at"])}
    edges = predict_edges(store, person, "works_at", settings=settings, k=3)
    assert len(edges) == 3
    assert all(e.basis == "predicted" and e.source == person and e.type == "works_at" for e in edges)
    assert not {e.target for e in edges} & known  # only links the graph does not have
    assert edges[0].score >= edges[1].score >= edges[2].score
    assert edges[0].probability is not None and 0 < edges[0].probability <= 1

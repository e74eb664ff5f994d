"""``kgr train linkpred`` and ``kgr train qa`` under torchrun: two real CPU processes (gloo,
DistributedDataParallel) give the same model and metrics as one process, and only rank 0 writes the
checkpoint and prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kgreason.config import Settings
from kgreason.fusion.gnn.datasets import load_dataset
from kgreason.fusion.gnn.distributed import SINGLE, DistContext, init_from_env
from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, train_linkpred
from kgreason.fusion.gnn.run_settings import make_config
from kgreason.fusion.gnn.training import train_linkpred_model
from kgreason.graph.loaders import load_file
from kgreason.graph.open import open_store

torch = pytest.importorskip("torch")

WORKER = Path(__file__).with_name("ddp_worker.py")
QA_WORKER = Path(__file__).with_name("ddp_qa_worker.py")
OPTIONS = ["dim=32", "epochs=6", "eval_every=1", "batch_size=128", "patience=100"]
TOLERANCE = 0.01
"""Metric difference allowed between one and two processes: about 4 of the ~400 ranked test queries.
The two runs differ only in the order floating-point gradients are summed (measured: identical metrics,
parameters within 1e-3 after 10 epochs)."""


def _nations_graph(home: Path) -> None:
    """All of Nations (train + valid + test) loaded as graph ``nations`` into the memory store at ``home``."""
    ds = load_dataset("nations")
    rows = np.concatenate([ds.train, ds.valid, ds.test]).tolist()
    tsv = home.parent / "nations.tsv"
    tsv.write_text(
        "".join(f"{ds.entities[h]}\t{ds.relations[r]}\t{ds.entities[t]}\n" for h, r, t in rows),
        encoding="utf-8",
    )
    load_file(open_store("nations", "memory", Settings.from_env({"KGR_HOME": str(home)})), tsv)


def test_two_processes_train_the_same_model_as_one(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    _nations_graph(home)
    env = {"KGR_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--standalone",
         str(WORKER), str(out), "nations", *OPTIONS],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    ranks = [torch.load(out / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]

    # DDP averaged the gradients: both ranks hold exactly the same parameters after training.
    for part, params in ranks[0]["params"].items():
        for name, value in params.items():
            assert torch.equal(value, ranks[1]["params"][part][name]), (part, name)

    # One process, same seed and global batch: the same model within float summation noise.
    config = make_config(LinkPredConfig, dict(o.split("=", 1) for o in OPTIONS))
    dataset = load_dataset("nations")
    single = train_linkpred(dataset, config, seed=0, dist=SINGLE)
    test = evaluate(single.model, dataset)
    assert test["mrr"] > 0.5  # it learned something worth comparing
    for key in ("mrr", "hits@1", "hits@3", "hits@10"):
        assert abs(ranks[0]["test"][key] - test[key]) <= TOLERANCE, key
        assert abs(ranks[0]["valid"][key] - single.best_valid[key]) <= TOLERANCE, key
    assert ranks[0]["valid"]["n"] == single.best_valid["n"]  # the sharded valid ranking covered every query
    for part, params in single.model.state_dict().items():
        for name, value in params.items():
            assert torch.allclose(value, ranks[0]["params"][part][name], atol=1e-2), (part, name)

    # The CLI: rank 0 alone printed and wrote the single checkpoint, with one process's metrics.
    assert (out / "rank1.stdout").read_text() == ""
    meta = json.loads((out / "rank0.stdout").read_text())
    written = sorted(p.parent.name for p in (home / "models").rglob("meta.json"))
    assert written == ["memory-nations"] and Path(meta["path"]).name == "memory-nations"
    settings = Settings.from_env({"KGR_HOME": str(tmp_path / "home1")})
    alone = train_linkpred_model(
        open_store("nations", "memory", Settings.from_env({"KGR_HOME": str(home)})),
        settings=settings, options=dict(o.split("=") for o in OPTIONS),
    )  # fmt: skip
    for key in ("mrr", "hits@1"):
        assert abs(meta["metrics"]["test"][key] - alone["metrics"]["test"][key]) <= TOLERANCE, key


QA_OPTIONS = ["dim=16", "hidden=64", "layers=1", "steps=2", "epochs=6", "patience=100", "lp_batch=255",
              "dropout=0.0"]  # fmt: skip
"""Small and fixed-length, with the frozen question encoder; no dropout, so the two runs draw the same
random numbers (the negatives of the link-prediction loss are drawn for the whole batch on every rank)
and differ only in the order floating-point gradients are summed. An odd ``lp_batch`` and 161 training
questions (a last batch of 33) give the ranks unequal shares."""


def test_two_processes_train_the_same_qa_model_as_one(tmp_path: Path) -> None:
    from kgreason.fusion.gnn.training import fit_qa_model
    from kgreason.qa_file import write_qa
    from kgreason.reasoning.qa_gen import make_qa
    from kgreason.testing.synthetic import world_triples
    from kgreason.types import Edge

    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    settings = Settings.from_env({"KGR_HOME": str(home)})
    store = open_store("world", "memory", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(150)])
    store.flush()
    train, dev = make_qa(store, hops=[1, 2], n=161, seed=11), make_qa(store, hops=[2], n=80, seed=12)
    write_qa(tmp_path / "train.jsonl", train)
    write_qa(tmp_path / "dev.jsonl", dev)
    env = {"KGR_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_NUM_THREADS": "1",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--standalone",
         str(QA_WORKER), str(out), "world", str(tmp_path / "train.jsonl"), str(tmp_path / "dev.jsonl"),
         *QA_OPTIONS],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    ranks = [torch.load(out / f"qa_rank{r}.pt", weights_only=True) for r in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]
    # DDP averaged the gradients: both ranks hold exactly the same parameters after training.
    assert ranks[0]["params"].keys() == ranks[1]["params"].keys()
    for name, value in ranks[0]["params"].items():
        assert torch.equal(value, ranks[1]["params"][name]), name

    # One process, same seed and global batches: the same training curve and model within float noise.
    options = dict(o.split("=", 1) for o in QA_OPTIONS)
    single = fit_qa_model(store, train, dev, options=options)
    assert single.meta["metrics"]["dev_hits@1"] > 0.3  # it learned something worth comparing
    two = ranks[0]["metrics"]
    assert two["dev_questions"] == single.meta["metrics"]["dev_questions"] == len(dev)
    assert abs(two["dev_hits@1"] - single.meta["metrics"]["dev_hits@1"]) <= 2 / len(dev)
    for a, b in zip(ranks[0]["history"], single.result.history, strict=True):
        assert a["qa_loss"] == pytest.approx(b["qa_loss"], rel=1e-3), a["epoch"]
        assert a["lp_loss"] == pytest.approx(b["lp_loss"], rel=1e-3), a["epoch"]
    for name, value in single.result.model.checkpoint_state().items():
        assert torch.allclose(value, ranks[0]["params"][name], atol=1e-2), name

    # The CLI: rank 0 alone printed and wrote the single checkpoint, with the same metrics.
    assert (out / "qa_rank1.stdout").read_text() == ""
    meta = json.loads((out / "qa_rank0.stdout").read_text())
    written = sorted(p.parent.name for p in (home / "models").rglob("meta.json"))
    assert written == ["memory-world"] and Path(meta["path"]).name == "memory-world"
    assert meta["metrics"]["dev_hits@1"] == two["dev_hits@1"]


def test_without_torchrun_nothing_is_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    ctx = init_from_env("cpu")
    assert ctx is SINGLE and not ctx.enabled and ctx.is_main
    assert ctx.shard([1, 2, 3]) == [1, 2, 3] and ctx.share(3, 3) == 1.0 and ctx.sum([2.0]) == [2.0]
    metrics = {"mrr": 0.5, "n": 4}
    assert ctx.mean_metrics(metrics) is metrics


def test_shares_weight_a_short_last_batch() -> None:
    """Rank 1 of 2 holds 2 of a 5-item batch: weight 2*2/5, so DDP's average is the batch mean."""
    ctx = DistContext(rank=1, world_size=2, backend="gloo")
    assert ctx.shard(list(range(5))) == [1, 3]
    assert ctx.share(2, 5) == pytest.approx(0.8) and DistContext(0, 2, 0, "gloo").share(
        3, 5
    ) == pytest.approx(1.2)


def test_torchrun_without_a_master_address_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from kgreason.errors import ConfigError

    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    with pytest.raises(ConfigError, match="MASTER_ADDR"):
        init_from_env("cpu")

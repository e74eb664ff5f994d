"""Link prediction: the bundled benchmark files, filtered ranking, every encoder x decoder, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kgreason.errors import InputError, NotFoundError
from kgreason.fusion.gnn.datasets import from_triples, load_dataset, split_triples
from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, known_answers, train_linkpred

pytest.importorskip("torch")


@pytest.mark.parametrize(
    ("name", "entities", "relations", "sizes"),
    [
        ("nations", 14, 55, (1592, 199, 201)),
        ("kinships", 104, 25, (8544, 1068, 1074)),
        ("umls", 135, 46, (5216, 652, 661)),
    ],
)
def test_benchmarks_read_from_the_pykeen_wheel(
    name: str, entities: int, relations: int, sizes: tuple[int, ...]
) -> None:
    ds = load_dataset(name)
    assert (ds.num_entities, ds.num_relations) == (entities, relations)
    assert (len(ds.train), len(ds.valid), len(ds.test)) == sizes
    assert "pykeen" not in sys.modules  # located, not imported


def test_directory_dataset_and_errors(tmp_path: Path) -> None:
    for split, rows in {"train": ["a\tr\tb", "b\tr\tc"], "valid": ["a\tr\tc"], "test": ["c\tr\ta"]}.items():
        (tmp_path / f"{split}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = load_dataset(str(tmp_path))
    assert ds.entities == ("a", "b", "c") and ds.relations == ("r",)
    (tmp_path / "test.txt").write_text("c\tr\ta\nbroken line\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dataset(str(tmp_path))
    assert err.value.line == 2
    with pytest.raises(NotFoundError):
        load_dataset("freebase")


def test_split_keeps_held_out_entities_known() -> None:
    triples = [(f"n{i}", "r", f"n{i + 1}") for i in range(200)]
    ds = split_triples("chain", triples, seed=1)
    trained = set(ds.train[:, [0, 2]].ravel().tolist())
    for part in (ds.valid, ds.test):
        assert set(part[:, [0, 2]].ravel().tolist()) <= trained
    assert len(ds.train) + len(ds.valid) + len(ds.test) == 200


def test_filtered_ranking_counts_known_answers_out() -> None:
    """A model that learned the training graph perfectly: filtering removes the other true tails."""
    # h0 -r-> t0..t3 (all true); one of them is the test triple: unfiltered it would rank below 3 others.
    train = [("h", "r", f"t{i}") for i in range(3)] + [("x", "s", "y")]
    ds = from_triples("toy", [train, [], [("h", "r", "t3")]])
    known = known_answers(ds)
    h, r = ds.entities.index("h"), ds.relations.index("r")
    assert {ds.entities[t] for t in known[(h, r)]} == {"t0", "t1", "t2", "t3"}
    config = LinkPredConfig(dim=8, epochs=60, eval_every=60, lr=0.5, reg=0.0)
    result = train_linkpred(from_triples("toy", [[*train, ("h", "r", "t3")], [], [("h", "r", "t3")]]), config)
    metrics = evaluate(result.model, ds, "test")
    assert metrics["n"] == 2  # both directions
    assert metrics["hits@3"] == 1.0


@pytest.mark.parametrize("encoder", ["none", "rgcn", "compgcn"])
@pytest.mark.parametrize("decoder", ["distmult", "complex", "rotate"])
def test_every_encoder_and_decoder_trains(encoder: str, decoder: str) -> None:
    ds = load_dataset("nations")
    config = LinkPredConfig(
        encoder=encoder, decoder=decoder, dim=16, layers=1, epochs=2, eval_every=1,
        optimizer="adam", lr=0.01, reg=0.0 if decoder == "rotate" else 0.01,
    )  # fmt: skip
    result = train_linkpred(ds, config, seed=0)
    metrics = evaluate(result.model, ds, "test")
    assert metrics["n"] == 2 * len(ds.test)
    assert 1 / ds.num_entities <= metrics["mrr"] <= 1.0
    assert metrics["hits@1"] <= metrics["hits@3"] <= metrics["hits@10"]
    assert result.history and all(np.isfinite(row["loss"]) for row in result.history)


def test_shallow_complex_learns_nations_quickly() -> None:
    """A short run of the default recipe clearly beats chance (1/14 entities: MRR ~0.23)."""
    ds = load_dataset("nations")
    result = train_linkpred(ds, LinkPredConfig(dim=100, reg=0.005, batch_size=128, epochs=15, eval_every=5))
    assert evaluate(result.model, ds, "test")["mrr"] > 0.6


def test_eval_linkpred_cli_prints_the_contract(tmp_path: Path) -> None:
    rows = [f"e{i}\tr{i % 3}\te{(i * 7 + 1) % 30}" for i in range(90)]
    for split, part in {"train": rows[:70], "valid": rows[70:80], "test": rows[80:]}.items():
        (tmp_path / f"{split}.txt").write_text("\n".join(part) + "\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", "eval", "linkpred", "--dataset", str(tmp_path), "--json",
         "-o", "epochs=3", "-o", "dim=8", "-o", "eval_every=1"],
        capture_output=True, text=True, env={"KGR_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"mrr", "hits@1", "hits@3", "hits@10"} <= set(out)
    assert out["ranked"] == 20 and out["epochs"] == 3
    bad = subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", "eval", "linkpred", "--dataset", "nope", "--json"],
        capture_output=True, text=True, env={"KGR_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert bad.returncode == 2 and "unknown dataset" in bad.stderr

"""Link prediction: the bundled benchmark files, filtered ranking, every encoder x decoder, the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from kgr_cli import run_kgr

from kgreason.errors import InputError, NotFoundError
from kgreason.fusion.gnn.datasets import from_triples, load_dataset, split_triples
from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, known_answers, train_linkpred


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


def test_relation_scores_match_triple_scores() -> None:
    """``score_relations`` is the same trilinear form as ``score``, for every relation at once."""
    import torch

    from kgreason.fusion.gnn.models import Decoder

    g = torch.Generator().manual_seed(0)
    h, t, rels = (
        torch.randn(5, 8, generator=g),
        torch.randn(5, 8, generator=g),
        torch.randn(7, 8, generator=g),
    )
    for kind in ("distmult", "complex"):
        dec = Decoder(kind)  # type: ignore[arg-type]
        expected = torch.stack([dec.score(h, rels[j].expand(5, -1), t) for j in range(7)], dim=1)
        assert torch.allclose(dec.score_relations(h, t, rels), expected, atol=1e-5)
    with pytest.raises(ValueError):
        LinkPredConfig(decoder="rotate", relation_prediction=0.5)


def test_ensemble_joins_members_trained_with_consecutive_seeds() -> None:
    """Each member equals the single model of its seed; the ensemble scores their mean log-probability."""
    import torch

    ds = load_dataset("nations")
    base = {
        "dim": 32,
        "reg": 0.005,
        "batch_size": 128,
        "epochs": 4,
        "eval_every": 2,
        "relation_prediction": 0.25,
    }
    joined = train_linkpred(ds, LinkPredConfig(**base, ensemble=3), seed=5)
    singles = [train_linkpred(ds, LinkPredConfig(**base), seed=s).model for s in (5, 6, 7)]
    assert {row["member"] for row in joined.history} == {0.0, 1.0, 2.0}
    heads, rels = torch.tensor([0, 3, 9]), torch.tensor([1, 60, 7])  # 60: a reciprocal relation
    with torch.no_grad():
        mean = sum(m.score_queries(heads, rels) for m in singles) / 3
        got = joined.model.score_queries(heads, rels)
    assert torch.allclose(got, mean, atol=1e-5)
    assert bool((got.exp().sum(-1) <= 1 + 1e-5).all())  # a geometric mean of distributions: mass <= 1
    assert joined.best_valid["mrr"] == pytest.approx(evaluate(joined.model, ds, "valid")["mrr"])


def test_link_features_score_the_relations_already_linking_head_and_candidate() -> None:
    """Hand-computed logits: reciprocal links count as their own types, the queried type never counts."""
    import torch

    from kgreason.fusion.gnn.models import LinkFeatures, reciprocal_edges

    # entities a=0, b=1, c=2 and d=3 (unlinked); relations p=0, q=1 (reciprocals p^-1=2, q^-1=3)
    train = torch.tensor([[0, 0, 1], [0, 1, 1], [2, 0, 0]])
    module = LinkFeatures(4, 4, *reciprocal_edges(train, 2))
    with torch.no_grad():
        module.weight.copy_(torch.arange(16.0).reshape(4, 4))
        module.bias.copy_(100 * torch.arange(16.0).reshape(4, 4))
    w, b = module.weight.detach(), module.bias.detach()
    got = module(torch.tensor([0, 0, 1, 3, 0]), torch.tensor([1, 0, 3, 0, 1])).detach()
    # (a, q, ?): a -p-> b counts, a -q-> b is the queried type; c -p-> a reads as a -p^-1-> c
    assert got[0].tolist() == [b[1, 0], b[1, 1] + w[1, 0], b[1, 2] + w[1, 2], b[1, 3]]
    # (a, p, ?): a -q-> b counts, a -p-> b does not; a -p^-1-> c is another type
    assert got[1].tolist() == [b[0, 0], b[0, 1] + w[0, 1], b[0, 2] + w[0, 2], b[0, 3]]
    # (b, q^-1, ?): b -p^-1-> a and b -q^-1-> a (queried) link b to a
    assert got[2].tolist() == [b[3, 0] + w[3, 2], b[3, 1], b[3, 2], b[3, 3]]
    assert got[3].tolist() == b[0].tolist()  # nothing links d: the prior alone
    assert got[4].tolist() == got[0].tolist()  # a head repeated in the batch
    assert module(torch.tensor([3]), torch.tensor([2]))[0].tolist() == b[2].tolist()  # no pair at all


def test_link_features_learn_a_rule_and_rank_every_held_out_spouse_first() -> None:
    """``married(x, y)`` always comes with ``lives_with(x, y)``; the latent model alone gets 0.7 Hits@1."""
    rng = np.random.default_rng(0)
    people = [f"p{i}" for i in range(60)]
    couples = [(people[2 * i], people[2 * i + 1]) for i in range(30)]
    train = [(x, "lives_with", y) for x, y in couples] + [(x, "married", y) for x, y in couples[:20]]
    train += [(people[i], "knows", people[j]) for i, j in rng.integers(0, 60, size=(120, 2)) if i != j]
    held = [(x, "married", y) for x, y in couples[20:]]
    ds = from_triples("couples", [train, held[:5], held[5:]])
    base = {"dim": 16, "epochs": 20, "eval_every": 5, "reg": 0.01, "batch_size": 64}
    latent = train_linkpred(ds, LinkPredConfig(**base), seed=0)
    joint = train_linkpred(ds, LinkPredConfig(**base, link_features=1.0), seed=0)
    assert joint.model.link_features is not None and latent.model.link_features is None
    assert evaluate(joint.model, ds, "test")["hits@1"] == 1.0
    assert evaluate(latent.model, ds, "test")["hits@1"] < 1.0
    rule = joint.model.link_features.weight.detach()
    married, lives_with = ds.relations.index("married"), ds.relations.index("lives_with")
    assert rule[married, lives_with] == rule[married].max()  # the learned rule, readable from the weights


def test_eval_linkpred_cli_prints_the_contract(tmp_path: Path) -> None:
    rows = [f"e{i}\tr{i % 3}\te{(i * 7 + 1) % 30}" for i in range(90)]
    for split, part in {"train": rows[:70], "valid": rows[70:80], "test": rows[80:]}.items():
        (tmp_path / f"{split}.txt").write_text("\n".join(part) + "\n", encoding="utf-8")
    env = {"KGR_HOME": str(tmp_path / "home")}  # the entry point in this process: torch is imported once
    r = run_kgr(
        "eval", "linkpred", "--dataset", str(tmp_path), "--json", "-o", "epochs=3", "-o", "dim=8",
        "-o", "eval_every=1", env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"mrr", "hits@1", "hits@3", "hits@10"} <= set(out)
    assert out["ranked"] == 20 and out["epochs"] == 3
    bad = run_kgr("eval", "linkpred", "--dataset", "nope", "--json", env=env)
    assert bad.returncode == 2 and "unknown dataset" in bad.stderr

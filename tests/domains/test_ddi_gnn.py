"""The ddi pack's link-prediction hook wired to the gnn module: a model trained on the ddi graph with
``train_linkpred_model`` proposes interactions, labelled ``predicted`` with a rank-percentile score.

Needs torch and torch-geometric (the default install's gnn extra).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from ddi_helpers import run_kgr

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.graph.memory import MemoryStore

REAL = DdiPack()
DRUGS = [
    "simvastatin", "clarithromycin", "warfarin", "amiodarone", "digoxin", "fluoxetine",
    "tramadol", "omeprazole", "rifampicin", "metformin", "lisinopril", "sertraline",
]  # fmt: skip


@pytest.mark.slow
def test_gnn_link_prediction_hook_end_to_end(settings: Settings, kgr_home: Path) -> None:
    from kgreason.fusion.gnn.training import train_linkpred_model
    from kgreason.reasoning.link_prediction import gnn_link_predictor

    store = MemoryStore("ddi", settings)
    REAL.load(store)
    predictor, why = gnn_link_predictor(settings, store)
    assert predictor is None and "kgr train linkpred --graph ddi" in why  # nothing trained yet
    device = "cuda" if torch.cuda.is_available() else "cpu"
    options = {"dim": 128, "epochs": 60, "eval_every": 10, "max_seconds": 120}
    meta = train_linkpred_model(store, settings=settings, options=options, device=device)
    assert meta["metrics"]["test"]["mrr"] > 0
    predictor, why = gnn_link_predictor(settings, store)
    assert predictor is not None and why == ""
    plain = DdiChecker(store).check(DRUGS)
    result = DdiChecker(store).check(DRUGS, predictor=predictor)
    predicted = [i for i in result.interactions if i.basis == "predicted"]
    established = [i for i in result.interactions if i.basis != "predicted"]
    assert [i.to_dict() for i in established] == [i.to_dict() for i in plain.interactions]
    known = {frozenset(i.drugs) for i in established}
    for i in predicted:
        assert i.score is not None and 0.95 <= i.score <= 1.0
        assert frozenset(i.drugs) not in known and set(i.drugs) <= set(DRUGS)
        assert i.sources[0]["id"] == "prediction" and "gnn linkpred" in i.sources[0]["model"]
    print(f"{len(predicted)} predicted pairs among {result.pairs}:", [(i.drugs, i.score) for i in predicted])
    # the same through the CLI
    env = {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    r = run_kgr("ddi", "check", *DRUGS, "--predicted", "--json", home=kgr_home, data=None, extra_env=env)
    assert r.returncode == 0, r.stderr
    cli = json.loads(r.stdout)
    assert [i["drugs"] for i in cli["interactions"] if i["basis"] == "predicted"] == [
        list(i.drugs) for i in predicted
    ]

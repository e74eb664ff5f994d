"""``question_encoder=lora``: LoRA adapters (peft) on the MiniLM question encoder, trained with the GNN on the
bundled family example. Only the adapters and the GNN side learn (the bundled weights stay as they are), a
checkpoint holds the adapters and gives back the same answers, and without peft the choice ends in the
one-line missing-extra error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem

pytest.importorskip("torch_geometric")
pytest.importorskip("transformers")
pytest.importorskip("peft")

import torch

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
TINY = {"dim": 16, "hidden": 64, "layers": 1, "steps": 2, "lp_batch": 16, "negatives": 4, "batch_size": 32}


@pytest.fixture(scope="module")
def lora(family: tuple[MemoryStore, Settings, list[QAItem]]) -> Any:
    """One joint model with LoRA adapters, trained once: its learning is checked, its checkpoint
    round-trips. A warm-up cut short (12 epochs), so there is something left for the adapters to learn."""
    from kgreason.fusion.gnn.training import fit_qa_model

    store, _, items = family
    options = {**TINY, "question_encoder": "lora", "epochs": 12, "patience": 20, "finetune_epochs": 4}
    return fit_qa_model(store, items, None, options=options, seed=0)


def test_lora_trains_only_the_adapters_and_the_gnn(lora: Any) -> None:
    from kgreason.fusion.gnn.question_encoder import QuestionEncoder

    result = lora.result
    history = result.history
    joint = [row for row in history if row["encoder_trained"]]
    warm = [row for row in history if not row["encoder_trained"]]
    assert result.finetune_epochs == len(joint) >= 2
    assert history[0]["train_hits@1"] < 0.5  # untrained: mostly wrong
    assert (
        joint[-1]["qa_loss"] < joint[0]["qa_loss"] < history[0]["qa_loss"]
    )  # the loss falls, in both phases
    # the adapters' epochs do better than the warm-up ever did, and their best state is the one kept
    best_warm = max(row["train_hits@1"] for row in warm)
    assert max(row["train_hits@1"] for row in joint) > best_warm
    assert lora.meta["metrics"]["train_hits@1"] >= 0.8  # floor on the training questions
    model = result.model
    # the last step's gradients: on the GNN side and the adapters, never on a base encoder weight
    graded = {n for n, p in model.named_parameters() if p.grad is not None}
    encoder_graded = {n for n in graded if n.startswith("question_encoder.")}
    assert encoder_graded and all(".lora_" in n for n in encoder_graded), sorted(encoder_graded)[:3]
    assert any(not n.startswith("question_encoder.") for n in graded)
    trainable = {n for n, p in model.question_encoder.bert.named_parameters() if p.requires_grad}
    assert trainable and all(".lora_A." in n or ".lora_B." in n for n in trainable)
    layers = len(model.question_encoder.bert.encoder.layer)
    targets = {
        f"encoder.layer.{i}.attention.self.{m}" for i in range(layers) for m in ("query", "key", "value")
    }
    assert {n.split(".lora_")[0] for n in trainable} == targets  # every attention projection
    # the adapters learned (B starts at zero) and the bundled weights did not change
    tuned = dict(model.question_encoder.bert.named_parameters())
    assert any(v.abs().sum() > 0 for n, v in tuned.items() if ".lora_B." in n)
    base = dict(QuestionEncoder().bert.named_parameters())
    assert len(base) == len(tuned) - 2 * len(targets)  # one lora_A and one lora_B per target
    for name, value in base.items():
        assert torch.equal(tuned[_wrapped(name)], value), name


def _wrapped(name: str) -> str:
    """A bundled parameter's name once peft has wrapped its layer (kept under ``base_layer``)."""
    module, _, leaf = name.rpartition(".")
    return f"{module}.base_layer.{leaf}" if module.endswith((".query", ".key", ".value")) else name


def test_lora_checkpoint_holds_the_adapters_and_gives_the_same_answers(
    family: tuple[MemoryStore, Settings, list[QAItem]], lora: Any
) -> None:
    from kgreason.fusion.gnn.inference import QARuntime
    from kgreason.fusion.gnn.training import node_names, save_qa_model

    store, settings, items = family
    meta = save_qa_model(store, lora, settings=settings)
    saved = Path(meta["path"])
    state = torch.load(saved / "model.pt")
    encoder_keys = [k for k in state if k.startswith("question_encoder.")]
    assert encoder_keys and all(".lora_" in k for k in encoder_keys)  # adapters only, not the encoder
    assert all(state[k].dtype == torch.float16 for k in encoder_keys)
    live = QARuntime(lora.index, node_names(store, lora.index), lora.result.model, lora.result.config, None)
    loaded = QARuntime.load(store, saved, None)
    assert loaded.config.question_encoder == "lora"
    for item in items:
        assert item.topic_entity is not None
        a, b = live.score(item.question, item.topic_entity), loaded.score(item.question, item.topic_entity)
        assert a is not None and b is not None
        assert [n for n, _, _ in a.ranked] == [n for n, _, _ in b.ranked]
        assert [round(s, 4) for _, s, _ in a.ranked] == [round(s, 4) for _, s, _ in b.ranked]


def test_without_peft_lora_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from kgreason.errors import MissingExtra
    from kgreason.fusion.gnn.question_encoder import QuestionEncoder

    monkeypatch.setitem(sys.modules, "peft", None)  # `import peft` raises ImportError
    with pytest.raises(MissingExtra) as info:
        QuestionEncoder().add_lora(8, 16)
    assert str(info.value) == "this command needs the gnn extra (peft is not installed)"
    assert info.value.hint == "pip install 'kgreason[gnn]'"


def test_train_qa_lora_without_peft_says_how_to_install_it(tmp_path: Path) -> None:
    runner = "import sys\nsys.modules['peft'] = None\nfrom kgreason.cli.app import main\nmain(sys.argv[1:])\n"
    env = {**os.environ, "KGR_HOME": str(tmp_path), "KGR_CONFIG": os.devnull}
    kgr = [sys.executable, "-c", runner]
    family = str(EXAMPLES / "data" / "family.tsv")
    r = subprocess.run(
        [*kgr, "graph", "load", family, "-g", "family"], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    qa = str(EXAMPLES / "qa" / "family_handwritten.jsonl")
    args = ["train", "qa", "-g", "family", "--train", qa, "--question-encoder", "lora"]
    r = subprocess.run([*kgr, *args], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines()[-2:] == [  # after any warning torch prints on import
        "error: this command needs the gnn extra (peft is not installed)",
        "hint: pip install 'kgreason[gnn]'",
    ], r.stderr

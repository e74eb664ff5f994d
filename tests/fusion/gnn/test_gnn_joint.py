"""The joint QA model on the bundled family example: the real MiniLM through transformers, trained with
the PyG GNN; the encoder learns only when fine-tuned; a checkpoint gives back the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.qa_file import QAItem

pytest.importorskip("torch_geometric")
pytest.importorskip("transformers")

import torch

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
TINY = {"dim": 16, "hidden": 64, "layers": 1, "steps": 2, "lp_batch": 16, "negatives": 4, "batch_size": 32}


def _fit(family: tuple[MemoryStore, Settings, list[QAItem]], **options: Any) -> Any:
    from kgreason.fusion.gnn.training import fit_qa_model

    store, _, items = family
    return fit_qa_model(store, items, None, options={**TINY, **options}, seed=0)


def _bert_params(fitted: Any) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in fitted.result.model.question_encoder.bert.named_parameters()}


@pytest.fixture(scope="module")
def bundled_params() -> dict[str, torch.Tensor]:
    """The bundled MiniLM's weights, loaded once for the tests that compare a trained encoder with them."""
    from kgreason.fusion.gnn.question_encoder import QuestionEncoder

    return {k: v.detach().clone() for k, v in QuestionEncoder().bert.named_parameters()}


@pytest.fixture(scope="module")
def finetuned(family: tuple[MemoryStore, Settings, list[QAItem]]) -> Any:
    """One fine-tuned joint model, trained once: its learning is checked, and its checkpoint round-trips."""
    return _fit(family, question_encoder="finetune", epochs=20, patience=20, finetune_epochs=3)


def test_finetune_changes_the_top_encoder_layers_and_learns(
    finetuned: Any, bundled_params: dict[str, torch.Tensor]
) -> None:
    fitted = finetuned
    history = fitted.result.history
    assert fitted.result.finetune_epochs >= 1 and any(row["encoder_trained"] for row in history)
    assert history[0]["train_hits@1"] < 0.5  # untrained: mostly wrong
    assert fitted.meta["metrics"]["train_hits@1"] >= 0.85  # floor on the training questions
    tuned, base = _bert_params(fitted), bundled_params
    layers = len(fitted.result.model.question_encoder.bert.encoder.layer)
    top_two = tuple(f"encoder.layer.{i}." for i in (layers - 2, layers - 1))  # finetune_layers=2
    changed = {k for k in base if not torch.equal(tuned[k], base[k])}
    assert changed and all(k.startswith(top_two) for k in changed), changed
    assert any(k.startswith(top_two[0]) for k in changed) and any(k.startswith(top_two[1]) for k in changed)


def test_frozen_leaves_the_encoder_as_bundled(
    family: tuple[MemoryStore, Settings, list[QAItem]], bundled_params: dict[str, torch.Tensor]
) -> None:
    fitted = _fit(family, question_encoder="frozen", epochs=25, patience=25)
    assert fitted.result.finetune_epochs == 0
    assert fitted.meta["metrics"]["train_hits@1"] >= 0.85
    tuned, base = _bert_params(fitted), bundled_params
    assert all(torch.equal(tuned[k], base[k]) for k in base)
    assert not any(k.startswith("question_encoder.") for k in fitted.result.model.checkpoint_state())


def test_without_text_the_model_cannot_tell_questions_apart(
    family: tuple[MemoryStore, Settings, list[QAItem]],
) -> None:
    fitted = _fit(family, question_encoder="none", epochs=25, patience=25)
    assert fitted.result.model.question_encoder is None
    # one relation distribution for every question from a topic: well below the text models' floor
    assert fitted.meta["metrics"]["train_hits@1"] < 0.85


def test_checkpoint_round_trip_gives_the_same_answers(
    family: tuple[MemoryStore, Settings, list[QAItem]], finetuned: Any
) -> None:
    from kgreason.fusion.gnn.inference import QARuntime
    from kgreason.fusion.gnn.training import node_names, save_qa_model

    store, settings, items = family
    fitted = finetuned
    meta = save_qa_model(store, fitted, settings=settings)
    saved = Path(meta["path"])
    assert any(k.startswith("question_encoder.bert.") for k in torch.load(saved / "model.pt"))
    live = QARuntime(
        fitted.index, node_names(store, fitted.index), fitted.result.model, fitted.result.config, None
    )
    loaded = QARuntime.load(store, saved, None)
    for item in items:
        assert item.topic_entity is not None
        a, b = live.score(item.question, item.topic_entity), loaded.score(item.question, item.topic_entity)
        assert a is not None and b is not None
        assert [n for n, _, _ in a.ranked] == [n for n, _, _ in b.ranked]
        assert [round(s, 4) for _, s, _ in a.ranked] == [round(s, 4) for _, s, _ in b.ranked]

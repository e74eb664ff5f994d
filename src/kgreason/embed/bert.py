"""A BERT encoder forward pass in plain numpy (float32), for inference only.

Reproduces Hugging Face's ``BertModel`` (absolute positions, post-layer-norm blocks, exact erf GELU)
closely enough that sentence embeddings match the torch reference to a cosine of 1 - 1e-6. Weights are
read from a ``model.safetensors`` file with safetensors' numpy API; each linear layer is stored transposed
(``in x out``, C-contiguous) and the query/key/value projections are fused into one matrix, so a layer is
four large matmuls over the whole batch plus two batched attention products.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kgreason.errors import ConfigError

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

# numpy has no erf. Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7) is within float32 rounding of
# GELU's output, so the exact-GELU activations match torch's.
_P = np.float32(0.3275911)
_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))
_INV_SQRT2 = np.float32(0.7071067811865476)
_BLOCK = 65_536
"""Elements per GELU block: the scratch arrays of a block stay in a core's L2 cache."""


def _gelu_block(flat: F32) -> None:
    """GELU of a 1-d block, in place (about 20 numpy passes, all within cache-sized scratch)."""
    z = np.abs(flat)
    z *= _INV_SQRT2
    t = z * _P
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * _A[0]
    for a in _A[1:]:
        poly += a
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    poly *= 0.5  # = Phi(-|x|), the Gaussian tail
    # Phi(x) = 0.5 + sign(x) * (0.5 - Phi(-|x|)); copysign is far cheaper than a masked subtract.
    np.subtract(0.5, poly, out=poly)
    np.copysign(poly, flat, out=poly)
    poly += 0.5
    flat *= poly


def gelu_(x: F32) -> F32:
    """Exact GELU, ``x * Phi(x)``, computed in place on a C-contiguous ``x`` (returned), block by block."""
    flat = x.reshape(-1)
    for i in range(0, flat.size, _BLOCK):
        _gelu_block(flat[i : i + _BLOCK])
    return x


def gelu(x: F32) -> F32:
    """Exact GELU, ``x * Phi(x)`` with ``Phi`` from erf, as in BERT's ``hidden_act="gelu"``."""
    return gelu_(np.array(x, dtype=np.float32, order="C", copy=True))


def layer_norm(x: F32, weight: F32, bias: F32, eps: float) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    out: F32 = (centred / np.sqrt(var + np.float32(eps)) * weight + bias).astype(np.float32, copy=False)
    return out


@dataclass(frozen=True)
class BertConfig:
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    layer_norm_eps: float
    max_position_embeddings: int
    hidden_act: str = "gelu"

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            cfg = cls(
                hidden_size=int(raw["hidden_size"]),
                num_hidden_layers=int(raw["num_hidden_layers"]),
                num_attention_heads=int(raw["num_attention_heads"]),
                intermediate_size=int(raw["intermediate_size"]),
                layer_norm_eps=float(raw.get("layer_norm_eps", 1e-12)),
                max_position_embeddings=int(raw.get("max_position_embeddings", 512)),
                hidden_act=str(raw.get("hidden_act", "gelu")),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"cannot read BERT config {path}: {exc}") from exc
        if cfg.hidden_act != "gelu":
            raise ConfigError(f"{path}: only hidden_act='gelu' is supported, not {cfg.hidden_act!r}")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise ConfigError(f"{path}: only absolute position embeddings are supported")
        return cfg


@dataclass(frozen=True)
class _Layer:
    qkv_w: F32  # hidden x 3*hidden
    qkv_b: F32
    out_w: F32
    out_b: F32
    ln1_w: F32
    ln1_b: F32
    up_w: F32
    up_b: F32
    down_w: F32
    down_b: F32
    ln2_w: F32
    ln2_b: F32


class BertEncoder:
    """BERT's embedding layer and encoder stack; ``forward`` returns the last hidden states."""

    def __init__(self, config: BertConfig, tensors: Mapping[str, npt.NDArray[np.generic]]) -> None:
        self.config = config
        pre = "bert." if "bert.embeddings.word_embeddings.weight" in tensors else ""

        def get(name: str) -> F32:
            key = pre + name
            if key not in tensors:
                raise ConfigError(f"model weights lack tensor {key!r}")
            return np.ascontiguousarray(tensors[key], dtype=np.float32)

        def linear_t(name: str) -> F32:
            return np.ascontiguousarray(get(f"{name}.weight").T)

        self.word = get("embeddings.word_embeddings.weight")
        self.position = get("embeddings.position_embeddings.weight")
        self.token_type = get("embeddings.token_type_embeddings.weight")
        self.emb_ln_w = get("embeddings.LayerNorm.weight")
        self.emb_ln_b = get("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(config.num_hidden_layers):
            p = f"encoder.layer.{i}."
            att = p + "attention."
            qkv_w = np.concatenate(
                [linear_t(att + "self.query"), linear_t(att + "self.key"), linear_t(att + "self.value")],
                axis=1,
            )
            qkv_b = np.concatenate(
                [get(att + "self.query.bias"), get(att + "self.key.bias"), get(att + "self.value.bias")]
            )
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(qkv_w),
                    qkv_b=qkv_b,
                    out_w=linear_t(att + "output.dense"),
                    out_b=get(att + "output.dense.bias"),
                    ln1_w=get(att + "output.LayerNorm.weight"),
                    ln1_b=get(att + "output.LayerNorm.bias"),
                    up_w=linear_t(p + "intermediate.dense"),
                    up_b=get(p + "intermediate.dense.bias"),
                    down_w=linear_t(p + "output.dense"),
                    down_b=get(p + "output.dense.bias"),
                    ln2_w=get(p + "output.LayerNorm.weight"),
                    ln2_b=get(p + "output.LayerNorm.bias"),
                )
            )

    @classmethod
    def from_dir(cls, model_dir: Path) -> BertEncoder:
        """Load ``config.json`` and ``model.safetensors`` from ``model_dir``."""
        from safetensors.numpy import load_file

        config = BertConfig.from_file(model_dir / "config.json")
        weights = model_dir / "model.safetensors"
        try:
            tensors = load_file(str(weights))
        except Exception as exc:
            raise ConfigError(f"cannot read model weights {weights}: {exc}") from exc
        return cls(config, tensors)

    def forward(self, input_ids: I64, attention_mask: I64) -> F32:
        """Last hidden states, ``batch x seq x hidden``, for padded ``input_ids`` (token type 0)."""
        cfg = self.config
        batch, seq = input_ids.shape
        if seq > cfg.max_position_embeddings:
            raise ValueError(f"sequence of {seq} tokens exceeds {cfg.max_position_embeddings} positions")
        hidden = cfg.hidden_size
        heads = cfg.num_attention_heads
        head_dim = hidden // heads
        x = self.word[input_ids] + self.position[:seq] + self.token_type[0]
        x = layer_norm(x, self.emb_ln_w, self.emb_ln_b, cfg.layer_norm_eps).reshape(batch * seq, hidden)
        # Additive mask, broadcast over heads and query positions: padded keys get no weight.
        bias = ((1.0 - attention_mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b  # (B*S) x 3H
            qkv = qkv.reshape(batch, seq, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)  # 3,B,h,S,d
            q, k, v = qkv[0] * scale, qkv[1], qkv[2]
            scores = q @ k.transpose(0, 1, 3, 2) + bias  # B,h,S,S
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * seq, hidden)
            x = layer_norm(ctx @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b, cfg.layer_norm_eps)
            up: F32 = x @ layer.up_w
            up += layer.up_b
            gelu_(up)
            x = layer_norm(up @ layer.down_w + layer.down_b + x, layer.ln2_w, layer.ln2_b, cfg.layer_norm_eps)
        states: F32 = x.reshape(batch, seq, hidden)
        return states

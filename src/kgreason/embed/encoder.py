"""Sentence encoders: the ``TextEncoder`` protocol and a torch-free all-MiniLM-L6-v2.

``BertSentenceEncoder`` does what sentence-transformers does for this model (tokenise with the model's
fast tokenizer, truncate to ``max_seq_length``, BERT forward, mean pooling over real tokens, L2
normalisation) with numpy alone. Texts are sorted by token count and batched so padding stays small; the
rows come back in input order. Batches run in parallel threads, each on a single BLAS thread (through
threadpoolctl): multi-threaded BLAS on these small matrices mostly spins. ``default_encoder()`` loads the
bundled model once per process, on first call.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from kgreason.embed.bert import BertEncoder
from kgreason.embed.model_files import DEFAULT_MODEL_NAME, bundled_model_dir, check_model_dir
from kgreason.errors import ConfigError

_TOKEN_BUDGET = 16_384
"""Most (sentences x padded length) per forward pass, bounding the attention matrices' memory."""
_PAD_SLACK = 1.25
"""A batch grows while its padded size stays within this factor of its real token count..."""
_SMALL_BATCH = 512
"""...or below this many padded tokens, where padding costs less than another forward pass."""
_PARALLEL_MIN_TOKENS = 512
"""Below this many tokens in all, one thread does the work (threads would cost more than they save)."""


def _available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _length_batches(lengths: npt.NDArray[np.int64], batch_size: int) -> list[npt.NDArray[np.intp]]:
    """Indices grouped into batches of similar token counts, longest first.

    Sorting alone is not enough: one long text would pad a whole batch of short ones to its length.
    """
    order = np.argsort(-lengths, kind="stable")
    batches: list[npt.NDArray[np.intp]] = []
    start = 0
    while start < len(order):
        longest = int(lengths[order[start]])
        limit = max(1, min(batch_size, _TOKEN_BUDGET // max(longest, 1)))
        end, real = start + 1, longest
        while end < len(order) and end - start < limit:
            padded = (end - start + 1) * longest
            real_next = real + int(lengths[order[end]])
            if padded > _SMALL_BATCH and padded > _PAD_SLACK * real_next:
                break
            real = real_next
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


@runtime_checkable
class TextEncoder(Protocol):
    """Maps texts to unit-length float32 vectors of ``dim`` components (one row per text)."""

    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]: ...


@functools.cache
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it BLAS keeps its default thread count
        return None
    return ThreadpoolController()


def _blas_threads(limit: int | None) -> Any:
    """A context that caps BLAS threads at ``limit`` (no-op for ``None`` or without threadpoolctl)."""
    import contextlib

    controller = _blas_controller() if limit is not None else None
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=limit, user_api="blas")


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return data if isinstance(data, dict) else {}


class BertSentenceEncoder:
    """A sentence-transformers BERT model (mean pooling, normalised) run in numpy.

    Args:
        model_dir: a directory with ``config.json``, ``model.safetensors`` and ``tokenizer.json`` (as a
            sentence-transformers model saves them); ``None`` means the bundled all-MiniLM-L6-v2.
        max_seq_length: tokens kept per text (``[CLS]``/``[SEP]`` included); by default the model's
            ``sentence_bert_config.json`` value (256 for MiniLM).
        threads: batches run in parallel on this many threads (default: the CPUs this process may use,
            at most 4).

    Loading reads the weights (~90 MB) and takes about a second; ``encoded`` counts texts encoded.
    """

    def __init__(
        self, model_dir: Path | None = None, *, max_seq_length: int | None = None, threads: int | None = None
    ) -> None:
        from tokenizers import Tokenizer

        self.model_dir = check_model_dir(model_dir) if model_dir is not None else bundled_model_dir()
        # The name keys persisted vector indexes: a user model is told apart by its weights file too.
        weights = self.model_dir / "model.safetensors"
        self.name = (
            DEFAULT_MODEL_NAME
            if model_dir is None
            else f"{self.model_dir.name}:{weights.stat().st_size}:{weights.stat().st_mtime_ns}"
        )
        self._bert = BertEncoder.from_dir(self.model_dir)
        self.dim: int = self._bert.config.hidden_size
        st_config = _read_json(self.model_dir / "sentence_bert_config.json")
        pooling = _read_json(self.model_dir / "1_Pooling" / "config.json")
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise ConfigError(f"{self.model_dir}: only mean pooling is supported")
        limit = max_seq_length or int(st_config.get("max_seq_length", 256))
        self.max_seq_length = min(limit, self._bert.config.max_position_embeddings)
        try:
            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        except Exception as exc:
            raise ConfigError(f"cannot read tokenizer {self.model_dir / 'tokenizer.json'}: {exc}") from exc
        # tokenizer.json may fix padding/truncation for another use; pad ourselves, truncate as
        # sentence-transformers does.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.threads = max(1, threads if threads is not None else min(4, _available_cpus()))
        self.encoded = 0

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """The lower-case words the tokenizer reads as one token (its whole-word pieces, letters only):
        a word outside it ("cstdn", "uw") reaches the model only as pieces, with no meaning of its own."""
        return frozenset(w for w in self._tokenizer.get_vocab() if w.isalpha() and w.islower())

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text, with special tokens, truncated to ``max_seq_length``."""
        return [enc.ids for enc in self._tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Unit-length embeddings, ``len(texts) x dim`` float32, in input order."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        lengths = np.fromiter((len(t) for t in ids), dtype=np.int64, count=len(ids))
        # Parallel over batches, each on one BLAS thread. Multi-threaded OpenBLAS spins while it waits for
        # its threads: on a busy 2-core machine a small product cost tens of times the CPU of one thread
        # (a question took seconds instead of a tenth of one), and even 1024-row products ran faster on
        # one thread. Without threadpoolctl the BLAS keeps its own threads and batches run one at a time.
        controlled = _blas_controller() is not None
        workers = self.threads if controlled and int(lengths.sum()) >= _PARALLEL_MIN_TOKENS else 1
        per_batch = max(1, min(batch_size, -(-len(texts) // workers)))
        batches = _length_batches(lengths, per_batch)

        def run(chunk: npt.NDArray[np.intp]) -> None:
            longest = int(lengths[chunk[0]])
            out[chunk] = self._encode_padded([ids[i] for i in chunk], lengths[chunk], longest)

        with self._lock, _blas_threads(1 if controlled else None):
            if workers > 1 and len(batches) > 1:
                with ThreadPoolExecutor(max_workers=min(workers, len(batches))) as pool:
                    list(pool.map(run, batches))  # numpy releases the GIL inside matmuls and ufuncs
            else:
                for chunk in batches:
                    run(chunk)
            self.encoded += len(texts)
        return out

    def _encode_padded(
        self, ids: list[list[int]], lengths: npt.NDArray[np.int64], width: int
    ) -> npt.NDArray[np.float32]:
        batch = len(ids)
        input_ids = np.zeros((batch, width), dtype=np.int64)
        for row, token_ids in enumerate(ids):
            input_ids[row, : len(token_ids)] = token_ids
        mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)
        hidden = self._bert.forward(input_ids, mask)
        maskf = mask.astype(np.float32)[:, :, None]
        summed = (hidden * maskf).sum(axis=1)
        counts = np.maximum(maskf.sum(axis=1), np.float32(1e-9))
        pooled = summed / counts
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        unit: npt.NDArray[np.float32] = (pooled / norms).astype(np.float32, copy=False)
        return unit

    def __repr__(self) -> str:
        return f"BertSentenceEncoder(model_dir={str(self.model_dir)!r}, dim={self.dim})"


@functools.cache
def default_encoder() -> TextEncoder:
    """The bundled all-MiniLM-L6-v2 encoder, loaded on first call and shared by the process."""
    return BertSentenceEncoder()


def load_encoder(model_dir: Path | str | None = None) -> TextEncoder:
    """An encoder for ``model_dir`` (a sentence-transformers BERT directory), or the default one."""
    if model_dir is None:
        return default_encoder()
    return BertSentenceEncoder(Path(model_dir).expanduser())

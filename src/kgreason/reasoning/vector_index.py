"""Nearest-neighbour search over node-text embeddings, and a numpy implementation persisted as ``.npz``.

``VectorIndex`` is the small protocol the engine searches through; a backend with a native vector index
(Neo4j) can provide its own. ``NumpyVectorIndex`` holds unit-length rows in memory and scores a query by
one matrix-vector product (cosine similarity). ``build_node_index`` embeds one text per node and, given a
file path, persists the matrix (float16) with the ids, a per-row text hash and a fingerprint of the whole
node-text set: re-opening an unchanged graph loads the file without encoding anything, and after a
change only rows whose text is new are encoded. Writes are atomic (temporary file, fsync, rename).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from kgreason.atomic import atomic_write
from kgreason.embed.encoder import TextEncoder
from kgreason.errors import GraphError

F32 = npt.NDArray[np.float32]
_FORMAT = 1


@runtime_checkable
class VectorIndex(Protocol):
    """Cosine nearest neighbours among stored ids."""

    def search(self, vector: F32, k: int) -> list[tuple[str, float]]:
        """The ``k`` ids most similar to ``vector`` with their cosine scores, best first."""
        ...


class NumpyVectorIndex:
    """An in-memory exact index over unit-length rows (ids aligned with ``matrix`` rows)."""

    def __init__(self, ids: Sequence[str], matrix: npt.NDArray[np.floating]) -> None:
        if matrix.ndim != 2 or matrix.shape[0] != len(ids):
            raise ValueError("matrix must have one row per id")
        self.ids: tuple[str, ...] = tuple(ids)
        self.matrix: F32 = np.ascontiguousarray(matrix, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, vector: F32) -> F32:
        """Cosine similarity of ``vector`` (unit length) with every row."""
        if vector.shape != (self.dim,):
            raise ValueError(f"query vector must have shape ({self.dim},), not {vector.shape}")
        return self.matrix @ vector.astype(np.float32, copy=False)

    def search(self, vector: F32, k: int) -> list[tuple[str, float]]:
        if k < 1 or not self.ids:
            return []
        sims = self.scores(vector)
        k = min(k, len(self.ids))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(self.ids) else np.arange(len(self.ids))
        # Ties broken by id so results do not depend on the partition's order.
        ranked = sorted(top.tolist(), key=lambda i: (-float(sims[i]), self.ids[i]))
        return [(self.ids[i], float(sims[i])) for i in ranked]


def _row_key(node_id: str, text: str) -> int:
    digest = hashlib.blake2b(f"{node_id}\x1f{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def fingerprint(entries: Sequence[tuple[str, str]], encoder_name: str, dim: int) -> str:
    """A digest of every (id, text) pair, in order, and the encoder that embeds them."""
    h = hashlib.sha256(f"{_FORMAT}\x1e{encoder_name}\x1e{dim}".encode())
    for node_id, text in entries:
        h.update(f"\x1e{node_id}\x1f{text}".encode())
    return h.hexdigest()


def encoder_name(encoder: TextEncoder) -> str:
    return str(getattr(encoder, "name", type(encoder).__name__))


def _load(path: Path) -> dict[str, npt.NDArray[np.generic]] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None  # unreadable or from an older format: rebuilt by the caller


def _save(path: Path, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
    with atomic_write(path) as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]


def build_node_index(
    entries: Iterable[tuple[str, str]],
    encoder: TextEncoder,
    *,
    path: Path | None = None,
    batch_size: int = 64,
) -> NumpyVectorIndex:
    """Embed ``(node id, text)`` pairs into an index, reusing and updating the file at ``path``.

    Args:
        entries: one text per node (e.g. its name and description); order is kept.
        encoder: the sentence encoder.
        path: where the index is persisted (``None``: memory only).
        batch_size: encoder batch size.

    Returns the index. An unchanged file (same fingerprint) is loaded without calling the encoder.
    """
    pairs = list(entries)
    name = encoder_name(encoder)
    digest = fingerprint(pairs, name, encoder.dim)
    cached = _load(path) if path is not None and path.is_file() else None
    ids = [node_id for node_id, _ in pairs]
    if cached is not None and str(cached.get("fingerprint", np.array(""))) == digest:
        return NumpyVectorIndex(ids, cached["matrix"].astype(np.float32))

    keys = [_row_key(node_id, text) for node_id, text in pairs]
    matrix = np.zeros((len(pairs), encoder.dim), dtype=np.float32)
    reusable: dict[int, int] = {}
    if cached is not None and str(cached.get("encoder", np.array(""))) == name:
        old = cached.get("matrix")
        old_keys = cached.get("keys")
        if old is not None and old_keys is not None and old.shape[1:] == (encoder.dim,):
            reusable = {int(k): i for i, k in enumerate(old_keys.tolist())}
    todo: list[int] = []
    for row, key in enumerate(keys):
        hit = reusable.get(key)
        if hit is not None and cached is not None:
            matrix[row] = cached["matrix"][hit]
        else:
            todo.append(row)
    if todo:
        vectors = encoder.encode([pairs[i][1] for i in todo], batch_size=batch_size)
        if vectors.shape != (len(todo), encoder.dim):
            raise GraphError(f"encoder returned shape {vectors.shape}, expected ({len(todo)}, {encoder.dim})")
        matrix[todo] = vectors
    if path is not None:
        _save(
            path,
            {
                "format": np.array(_FORMAT),
                "fingerprint": np.array(digest),
                "encoder": np.array(name),
                "ids": np.array(ids, dtype=str),
                "keys": np.array(keys, dtype=np.uint64),
                "matrix": matrix.astype(np.float16),
            },
        )
        # Score with what was saved, so a fresh build and a reload give identical results.
        matrix = matrix.astype(np.float16).astype(np.float32)
    return NumpyVectorIndex(ids, matrix)

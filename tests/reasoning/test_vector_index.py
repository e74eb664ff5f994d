"""The numpy vector index and its ``.npz`` persistence (with a tiny deterministic encoder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from kgreason.reasoning.vector_index import NumpyVectorIndex, VectorIndex, build_node_index


class LetterEncoder:
    """Bag-of-letters vectors (26-d, unit length): similar spellings give similar vectors."""

    dim = 26
    name = "letters"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 26), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text.lower():
                if "a" <= ch <= "z":
                    out[row, ord(ch) - 97] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def test_search_ranks_by_cosine_and_breaks_ties_by_id() -> None:
    matrix = np.array([[1, 0], [0, 1], [0.6, 0.8], [1, 0]], dtype=np.float32)
    index = NumpyVectorIndex(["d", "b", "c", "a"], matrix)
    assert isinstance(index, VectorIndex)
    query = np.array([1, 0], dtype=np.float32)
    assert index.search(query, 2) == [("a", 1.0), ("d", 1.0)]
    assert [i for i, _ in index.search(query, 10)] == ["a", "d", "c", "b"]
    assert index.search(query, 3)[2] == ("c", pytest.approx(0.6))
    assert index.search(query, 0) == []
    with pytest.raises(ValueError):
        index.search(np.ones(3, dtype=np.float32), 1)
    with pytest.raises(ValueError):
        NumpyVectorIndex(["x"], matrix)


def test_empty_index_finds_nothing(tmp_path: Path) -> None:
    index = build_node_index([], LetterEncoder(), path=tmp_path / "empty.vec.npz")
    assert len(index) == 0
    assert index.search(np.ones(26, dtype=np.float32) / np.sqrt(26), 3) == []


def test_persisted_index_is_reused_then_updated_incrementally(tmp_path: Path) -> None:
    path = tmp_path / "g.kgr.vec.npz"
    encoder = LetterEncoder()
    entries = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]
    built = build_node_index(entries, encoder, path=path)
    assert encoder.calls == [["Alice", "Bob", "Carol"]]
    stamp = path.stat().st_mtime_ns
    with np.load(path) as data:
        assert data["matrix"].dtype == np.float16
        assert list(data["ids"]) == ["alice", "bob", "carol"]

    again = build_node_index(entries, encoder, path=path)
    assert len(encoder.calls) == 1  # unchanged graph: loaded, nothing encoded
    assert path.stat().st_mtime_ns == stamp
    assert np.array_equal(again.matrix, built.matrix)
    query = encoder.encode(["Alise"])[0]
    assert again.search(query, 1)[0][0] == "alice"

    encoder.calls.clear()
    changed = [("alice", "Alice"), ("carol", "Caroline"), ("dave", "Dave")]
    updated = build_node_index(changed, encoder, path=path)
    assert encoder.calls == [["Caroline", "Dave"]]  # only new or changed texts
    assert updated.ids == ("alice", "carol", "dave")
    assert updated.search(encoder.encode(["Dave"])[0], 1)[0][0] == "dave"


def test_a_different_encoder_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "g.vec.npz"
    build_node_index([("a", "Alpha")], LetterEncoder(), path=path)
    other = LetterEncoder()
    other.name = "letters-v2"
    build_node_index([("a", "Alpha")], other, path=path)
    assert other.calls == [["Alpha"]]


def test_a_corrupt_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "g.vec.npz"
    path.write_bytes(b"not an npz file")
    encoder = LetterEncoder()
    index = build_node_index([("a", "Alpha")], encoder, path=path)
    assert encoder.calls == [["Alpha"]]
    assert index.ids == ("a",)
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file

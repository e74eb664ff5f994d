"""The contract every vector index must pass (cosine nearest neighbours over node texts), shipped so a
backend with its own index can run it.

Subclass ``VectorIndexContract`` in a test module and provide an ``index_builder`` fixture: a callable
``build(entries, encoder)`` that makes *the same* index hold exactly ``entries`` (``(node id, text)``
pairs, embedded with ``encoder``) and returns it, ready to ``search(vector, k)``. Calling it again with
other entries updates that index (re-embedding only what changed), as a rebuild after a graph change does.

    class TestMyIndex(VectorIndexContract):
        @pytest.fixture
        def index_builder(self, tmp_path):
            return lambda entries, encoder: MyIndex(tmp_path).build(entries, encoder)

The texts are keys of ``VECTORS``, embedded by ``TableEncoder`` (each text's vector, written out by
hand), so the expected rankings and scores below are exact and independent of any model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

F32 = npt.NDArray[np.float32]

VECTORS: dict[str, tuple[float, ...]] = {
    "north": (1.0, 0.0, 0.0, 0.0),
    "north again": (1.0, 0.0, 0.0, 0.0),  # the same direction: a tie with "north"
    "north-east": (0.8, 0.6, 0.0, 0.0),  # cosine 0.8 with north
    "east": (0.0, 1.0, 0.0, 0.0),
    "up": (0.0, 0.0, 1.0, 0.0),
    "up-ish": (0.0, 0.0, 0.6, 0.8),
    "south": (-1.0, 0.0, 0.0, 0.0),
}
ENTRIES: tuple[tuple[str, str], ...] = (
    ("n2", "north again"),
    ("n1", "north"),
    ("ne", "north-east"),
    ("e", "east"),
    ("u", "up"),
    ("uu", "up-ish"),
    ("s", "south"),
)
TOLERANCE = 2e-3
"""Scores equal within this: rows may be stored at reduced precision (float16 in the numpy index)."""

IndexBuilder = Callable[[Sequence[tuple[str, str]], Any], Any]


class TableEncoder:
    """A sentence encoder over a fixed table of unit vectors; counts the texts it is asked to embed."""

    def __init__(
        self, table: Mapping[str, tuple[float, ...]] | None = None, name: str = "contract-table"
    ) -> None:
        self.table = dict(VECTORS if table is None else table)
        self.dim = len(next(iter(self.table.values())))
        self.name = name
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> F32:
        self.encoded.extend(texts)
        rows = np.array([self.table[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        unit: F32 = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def vector(self, text: str) -> F32:
        row: F32 = self.encode([text])[0]
        return row


def _ids(hits: Sequence[tuple[str, float]]) -> list[str]:
    return [node_id for node_id, _ in hits]


class VectorIndexContract:
    """Tests every vector index must pass."""

    @pytest.fixture
    def encoder(self) -> TableEncoder:
        return TableEncoder()

    @pytest.fixture
    def index(self, index_builder: IndexBuilder, encoder: TableEncoder) -> Any:
        return index_builder(list(ENTRIES), encoder)

    def test_top_k_by_cosine_ties_broken_by_id(self, index: Any, encoder: TableEncoder) -> None:
        hits = index.search(encoder.vector("north"), 3)
        assert _ids(hits) == ["n1", "n2", "ne"]
        assert [s for _, s in hits] == pytest.approx([1.0, 1.0, 0.8], abs=TOLERANCE)
        up = index.search(encoder.vector("up"), 2)
        assert _ids(up) == ["u", "uu"]
        assert [s for _, s in up] == pytest.approx([1.0, 0.6], abs=TOLERANCE)

    def test_scores_are_plain_cosine(self, index: Any, encoder: TableEncoder) -> None:
        hits = dict(index.search(encoder.vector("south"), len(ENTRIES)))
        assert hits["s"] == pytest.approx(1.0, abs=TOLERANCE)
        assert hits["n1"] == pytest.approx(-1.0, abs=TOLERANCE)  # opposite, not (1 + cos) / 2
        assert hits["e"] == pytest.approx(0.0, abs=TOLERANCE)

    def test_k_bounds(self, index: Any, encoder: TableEncoder) -> None:
        query = encoder.vector("east")
        assert index.search(query, 0) == []
        everything = index.search(query, 100)
        assert sorted(_ids(everything)) == sorted(i for i, _ in ENTRIES)
        scores = [s for _, s in everything]
        assert scores == sorted(scores, reverse=True)
        assert _ids(everything)[0] == "e"

    def test_rebuilding_the_same_entries_embeds_nothing(
        self, index_builder: IndexBuilder, index: Any, encoder: TableEncoder
    ) -> None:
        query = encoder.vector("north-east")
        before = index.search(query, 4)
        encoder.encoded.clear()
        again = index_builder(list(ENTRIES), encoder)
        assert encoder.encoded == []  # idempotent: every row reused
        assert again.search(query, 4) == before

    def test_a_changed_text_is_reembedded_alone(
        self, index_builder: IndexBuilder, index: Any, encoder: TableEncoder
    ) -> None:
        encoder.encoded.clear()
        changed = [(i, "south" if i == "e" else t) for i, t in ENTRIES]
        updated = index_builder(changed, encoder)
        assert encoder.encoded == ["south"]
        assert _ids(updated.search(encoder.vector("south"), 2)) == ["e", "s"]
        assert "e" not in _ids(updated.search(encoder.vector("east"), 2)[:1])

    def test_deleted_entries_are_gone(
        self, index_builder: IndexBuilder, index: Any, encoder: TableEncoder
    ) -> None:
        kept = [(i, t) for i, t in ENTRIES if i not in ("n1", "ne")]
        updated = index_builder(kept, encoder)
        everything = _ids(updated.search(encoder.vector("north"), 100))
        assert sorted(everything) == sorted(i for i, _ in kept)
        assert everything[0] == "n2"

    def test_another_encoder_reembeds_everything(
        self, index_builder: IndexBuilder, index: Any, encoder: TableEncoder
    ) -> None:
        rotated = {text: (v[1], v[0], v[2], v[3]) for text, v in VECTORS.items()}  # north <-> east
        other = TableEncoder(rotated, name="contract-table-rotated")
        updated = index_builder(list(ENTRIES), other)
        assert sorted(other.encoded) == sorted(t for _, t in ENTRIES)
        assert _ids(updated.search(encoder.vector("east"), 2)) == ["n1", "n2"]

    def test_an_encoder_of_another_dimension_replaces_the_index(
        self, index_builder: IndexBuilder, index: Any
    ) -> None:
        flat = TableEncoder({text: v[:3] for text, v in VECTORS.items()})  # up-ish becomes up
        updated = index_builder(list(ENTRIES), flat)
        assert len(flat.encoded) == len(ENTRIES)
        assert _ids(updated.search(flat.vector("up"), 2)) == ["u", "uu"]
        with pytest.raises(ValueError, match="shape"):
            updated.search(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), 2)

    def test_query_of_the_wrong_dimension_is_an_error(self, index: Any) -> None:
        with pytest.raises(ValueError, match="shape"):
            index.search(np.ones(3, dtype=np.float32) / np.sqrt(3), 2)

    def test_an_empty_index_finds_nothing(self, index_builder: IndexBuilder, encoder: TableEncoder) -> None:
        empty = index_builder([], encoder)
        assert empty.search(encoder.vector("north"), 3) == []

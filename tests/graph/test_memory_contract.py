"""The shared graph-store contract, run against the memory store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path as FsPath

import pytest

from kgreason.config import Settings
from kgreason.errors import InputError
from kgreason.graph.loaders import export
from kgreason.graph.memory import MemoryStore
from kgreason.testing.graph_contract import GraphStoreContract, StoreFactory
from kgreason.types import Edge, Node


class TestMemoryStoreContract(GraphStoreContract):
    @pytest.fixture
    def store_factory(self, settings: Settings) -> StoreFactory:
        return lambda name: MemoryStore(name, settings)


# -- the store boundary: nothing an API caller passes can corrupt labels or the saved file (issue 20) ----
def _fresh(tmp_path: FsPath) -> MemoryStore:
    store = MemoryStore("g", directory=tmp_path)
    store.upsert_nodes([Node("keep", ("Person",), {"name": "Keep"})])
    store.flush()
    return store


@pytest.mark.parametrize("value", ["Admin", ["KG_other", "Admin"], 7])
def test_a_labels_property_is_refused_and_labels_stay_intact(tmp_path: FsPath, value: object) -> None:
    store = _fresh(tmp_path)
    with pytest.raises(InputError, match="'_labels' is reserved"):
        store.upsert_nodes([Node("x", ("Person",), {"_labels": value})])
    with pytest.raises(InputError, match="'_labels' is reserved"):
        store.upsert_nodes([Node("keep", ("Person",), {"_labels": value})])
    assert store.get_node("x") is None
    assert store.get_node("keep") == Node("keep", ("Person",), {"name": "Keep"})
    assert dict(store.schema().labels) == {"Person": 1}


@pytest.mark.parametrize(
    ("labels", "reason"),
    [
        ("Person", "sequence of strings"),
        (("KG_other",), "reserved"),
        ((3,), "non-empty string"),
        (("",), "non-empty"),
    ],
)
def test_bad_labels_are_refused(tmp_path: FsPath, labels: object, reason: str) -> None:
    store = _fresh(tmp_path)
    with pytest.raises(InputError, match=reason):
        store.upsert_nodes([Node("x", labels)])  # type: ignore[arg-type]
    assert store.get_node("x") is None and dict(store.schema().labels) == {"Person": 1}


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.upsert_nodes([Node("bad\ud800id")]),
        lambda s: s.upsert_nodes([Node("x", ("L\udc00",))]),
        lambda s: s.upsert_nodes([Node("x", ("Person",), {"name": "a\ud800b"})]),
        lambda s: s.upsert_nodes([Node("x", ("Person",), {"tags": ["ok", "\udfff"]})]),
        lambda s: s.upsert_edges([Edge("a", "r", "b"), Edge("a", "r\ud800", "b")]),
        lambda s: s.upsert_edges([Edge("a\ud800", "r", "b")]),
        lambda s: s.upsert_edges([Edge("a", "r", "b", {"w": "\ud800"})]),
    ],
)
def test_a_lone_surrogate_is_refused_at_upsert_and_export_still_works(
    tmp_path: FsPath, write: Callable[[MemoryStore], object]
) -> None:
    store = _fresh(tmp_path)
    with pytest.raises(InputError, match="lone surrogate"):
        write(store)
    store.close()
    assert store.stats().to_dict() == {"nodes": 1, "edges": 0}  # nothing of the batch was written
    out = tmp_path / "dump.jsonl"
    assert export(MemoryStore("g", directory=tmp_path), out, "jsonl") == 1
    out.read_text(encoding="utf-8")


def test_non_string_edge_ends_are_refused(tmp_path: FsPath) -> None:
    store = _fresh(tmp_path)
    with pytest.raises(InputError, match="must be a non-empty string"):
        store.upsert_edges([Edge(1, "r", "b")])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be a non-empty string"):
        store.upsert_edges([Edge("a", "", "b")])
    assert store.stats().edges == 0
    assert [e.id for e in store.iter_edges()] == []

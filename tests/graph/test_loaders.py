"""Loaders as a library: paths given as ``str`` or ``Path``, a bad row names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgreason.config import Settings
from kgreason.errors import InputError
from kgreason.graph.loaders import load_file, validate_file
from kgreason.graph.memory import MemoryStore

FAMILY = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"


def test_str_and_path_load_the_same_graph(settings: Settings) -> None:
    by_str, by_path = MemoryStore("a", settings), MemoryStore("b", settings)
    load_file(by_str, str(FAMILY))  # was an AttributeError ('str' object has no attribute 'suffix')
    load_file(by_path, FAMILY)
    assert by_str.stats().edges == by_path.stats().edges > 0
    assert validate_file(str(FAMILY)) == by_path.stats().edges


def test_bad_row_names_file_and_line(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("alice\tknows\tbob\nbroken row\n", encoding="utf-8")
    store = MemoryStore("bad", settings)
    with pytest.raises(InputError) as err:
        load_file(store, str(bad))
    assert err.value.path == str(bad) and err.value.line == 2
    assert not store.exists() or store.stats().edges == 0  # nothing half-written

"""Fixtures shared by the fusion tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kgreason


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str, str], kgreason.Graph]:
    """Load a small graph written in a test file: ``(name, nodes CSV text, triples TSV text)``."""

    def load(name: str, rows: str, triples: str) -> kgreason.Graph:
        home = tmp_path_factory.mktemp(name)
        (home / "nodes.csv").write_text(rows)
        (home / "edges.tsv").write_text(triples)
        g = kgreason.open_graph(name, home=home)
        g.load(home / "nodes.csv", home / "edges.tsv")
        return g

    return load

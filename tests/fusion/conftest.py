"""Fixtures shared by the fusion tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kgreason
from kgreason.config import Settings
from kgreason.graph.store import GraphStore


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


@pytest.fixture
def neo4j_graph(
    neo4j_store_factory: Callable[[str], GraphStore], settings: Settings, tmp_path: Path
) -> Callable[[str, str, str], kgreason.Graph]:
    """``small_graph`` on the session's Neo4j (each name starts empty and is dropped afterwards)."""

    def load(name: str, rows: str, triples: str) -> kgreason.Graph:
        (tmp_path / f"{name}_nodes.csv").write_text(rows)
        (tmp_path / f"{name}_edges.tsv").write_text(triples)
        g = kgreason.Graph(neo4j_store_factory(name), settings)
        g.load(tmp_path / f"{name}_nodes.csv", tmp_path / f"{name}_edges.tsv")
        return g

    return load


def check_answer(graph: kgreason.Graph, strategy: str, question: str, expected: object) -> None:
    """Ask ``question`` with ``retrieve`` or ``explore`` (no LLM) and check the value (a str: a count or
    yes/no) or the set of asserted answers."""
    if strategy == "explore":
        engine = graph.engine("multihop", llm=None, options={"mode": "explore"})
    else:
        engine = graph.engine("retrieve", llm=None)
    answer = engine.ask(question)
    if isinstance(expected, str):
        assert answer.value == expected, answer.trace
    else:
        assert set(answer.answers) == expected, answer.trace


@pytest.fixture
def answers() -> Callable[[kgreason.Graph, str, str, object], None]:
    """``check_answer`` for a test: ``answers(graph, strategy, question, expected)``."""
    return check_answer

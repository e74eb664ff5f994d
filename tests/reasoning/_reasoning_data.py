"""Paths and helpers shared by the reasoning tests (imported by name: tests are not a package)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.graph.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
MOVIES_TSV = ROOT / "examples" / "data" / "movies.tsv"
FAMILY_TSV = ROOT / "examples" / "data" / "family.tsv"
QA_DIR = ROOT / "examples" / "qa"


def load_graph(directory: Path, name: str, source: Path) -> MemoryStore:
    store = MemoryStore(name, directory=directory)
    load_file(store, source)
    return store


def reachable(store: GraphStore, topic: str, relations: Sequence[str]) -> set[str]:
    """Nodes reached from ``topic`` by ``relations`` (forwards), by set traversal over ``iter_edges``:
    an implementation independent of ``run_path_query``."""
    out: dict[tuple[str, str], set[str]] = {}
    for edge in store.iter_edges():
        out.setdefault((edge.source, edge.type), set()).add(edge.target)
    frontier = {topic}
    for rel in relations:
        frontier = set().union(*(out.get((node, rel), set()) for node in frontier))
    return frontier

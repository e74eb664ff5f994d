"""Shared test data for the notebook tests: the bundled family graph, with labels and awkward properties."""

from __future__ import annotations

from pathlib import Path

from kgreason.graph.loaders import load_file
from kgreason.graph.store import GraphStore
from kgreason.types import Node

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "examples" / "data" / "family.tsv"
QUESTION = "Where is the company alice works at located?"
HOSTILE = "</script><script>document.title='pwned'</script>&<b>x</b>"


def load_family(store: GraphStore) -> GraphStore:
    """``examples/data/family.tsv`` with labels (Person, Company, City, Country) and one hostile property.

    The labelled nodes go in first, so the triples' endpoints keep their one label.
    """
    labels = {
        "alice": "Person",
        "bob": "Person",
        "carol": "Person",
        "acme": "Company",
        "paris": "City",
        "france": "Country",
    }
    store.upsert_nodes(
        [
            Node(
                nid,
                (label,),
                {"name": nid.title(), "note": HOSTILE} if nid == "bob" else {"name": nid.title()},
            )
            for nid, label in labels.items()
        ]
    )
    load_file(store, FAMILY)
    return store

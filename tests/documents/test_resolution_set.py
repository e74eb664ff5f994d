"""The resolver on rows of the hand-written resolution set (benchmarks/extraction_data/entity_resolution):
variants of one entity end up together, hard negatives apart, with the pipeline's thresholds and the
bundled MiniLM encoder."""

from __future__ import annotations

import json
from pathlib import Path

from kgreason.documents.resolve import Mention, normalize_name, resolve_mentions
from kgreason.documents.sync import ResolveOptions
from kgreason.types import Node

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction_data" / "entity_resolution"
ROWS = (
    "simvastatin",  # brand names through the known node's aliases
    "lovastatin",
    "CYP3A4",  # CYP 3A4, CYP-3A4, cytochrome P450 3A4
    "CYP3A5",  # ... never with CYP3A4
    "P-glycoprotein",  # P-gp (alias) and Pgp (the alias without its hyphen)
    "Acme Corporation",  # Acme Corp., ACME CORP.
    "Acme Holdings",  # ... never with Acme Corporation
    "Kestrel Partners",  # Kestrel Partners L.L.P.
    "Ana Ruiz",  # Dr. Ana Ruiz, Ruiz, Ana, Ana Ruiz, MD
    "Luis Ruiz",  # same surname, another person
    "Lincoln (company)",  # same name as the city, another type
    "Lincoln (city)",
    "haemophilia A",  # hemophilia A
    "haemophilia B",  # one letter apart from haemophilia A
    "alpha-synuclein",  # α-synuclein
    "beta-synuclein",
    "factor VIII",
    "factor IX",
)


def _rows() -> tuple[list[dict[str, object]], list[Node]]:
    rows = [json.loads(line) for line in (DATA / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    picked = [r for r in rows if r["entity"] in ROWS]
    assert {r["entity"] for r in picked} == set(ROWS)
    known = [json.loads(line) for line in (DATA / "known.jsonl").read_text(encoding="utf-8").splitlines()]
    nodes = [Node(k["id"], (k["type"],), {"name": k["id"], "aliases": k["aliases"]}) for k in known]
    return picked, nodes


def test_rows_of_the_set_resolve_to_their_entities() -> None:
    picked, nodes = _rows()
    gold = {
        Mention(str(text), str(r["type"])): str(r["entity"])
        for r in picked
        for text, _kind in r["mentions"]  # type: ignore[attr-defined]
    }
    opts = ResolveOptions()
    got = resolve_mentions(gold, nodes, fuzzy=opts.fuzzy, embedding=opts.embedding)
    clusters: dict[str, set[str]] = {}
    for m, entity in gold.items():
        clusters.setdefault(got.entity_of(m), set()).add(entity)
    assert all(len(entities) == 1 for entities in clusters.values()), clusters  # nothing wrongly merged
    assert len(clusters) == len(ROWS)  # every entity's variants together


def test_normalisation_of_degrees_greek_letters_and_legal_forms() -> None:
    assert normalize_name("Ana Ruiz, MD") == normalize_name("Dr. Ana Ruiz") == "ana ruiz"
    assert normalize_name("α-synuclein") == "alpha synuclein"
    assert normalize_name("Smith MD") == "smith md"  # a one-word name keeps its last word
    got = resolve_mentions(
        [Mention(n, "Company") for n in ("Acme Corp.", "ACME Corporation", "Acme Holdings")]
    )
    assert got.entity_of(Mention("Acme Corp.", "Company")) == got.entity_of(
        Mention("ACME Corporation", "Company")
    )
    assert got.entity_of(Mention("Acme Holdings", "Company")) != got.entity_of(
        Mention("Acme Corp.", "Company")
    )

"""The pipeline end to end on real files, on the memory store and the real Neo4j: provenance, the lexical
graph, incremental runs, retraction, merges, and the invariant that any sequence of adds, edits and
deletes leaves the graph equal to a from-scratch extraction of the final corpus."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

from docs_fixtures import write_corpus

from kgreason.documents import (
    ExtractionSchema,
    ResolveOptions,
    RuleExtractor,
    evidence_of,
    extract_documents,
    list_merges,
    retract,
    undo_merge,
)
from kgreason.graph.store import GraphStore
from kgreason.testing.graph_contract import checksum
from kgreason.types import Edge, Node

StoreFactory = Callable[[str], GraphStore]
NO_EMBEDDING = ResolveOptions(embedding=None)


def run(store: GraphStore, root: Path, schema: ExtractionSchema):  # type: ignore[no-untyped-def]
    return extract_documents(store, [root], RuleExtractor(), schema=schema, resolve=NO_EMBEDDING)


def facts(store: GraphStore) -> dict[tuple[str, str, str], list[str]]:
    return {
        (e.source, e.type, e.target): list(e.properties["kgr_support"])
        for e in store.iter_edges()
        if "kgr_support" in e.properties
    }


def test_extract_keeps_provenance_and_the_lexical_graph(
    store_factory: StoreFactory, corpus: Path, schema: ExtractionSchema
) -> None:
    store = store_factory("docs_e2e")
    report = run(store, corpus, schema)
    assert (report.documents, report.documents_new, report.chunks_failed, report.llm_calls) == (5, 5, 0, 0)
    assert report.problems == []
    got = facts(store)
    assert set(got) == {
        ("Warfarin", "IS_METABOLISED_BY", "CYP2C9"),
        ("Fluconazole", "INHIBITS", "CYP2C9"),
        ("Fluconazole", "INHIBITS", "CYP3A4"),
        ("Amiodarone", "INHIBITS", "CYP2C9"),
        ("Clarithromycin", "INHIBITS", "CYP3A4"),
        ("Simvastatin", "IS_METABOLISED_BY", "CYP3A4"),
        ("Rifampicin", "INDUCES", "CYP3A4"),
        ("Fluconazole", "INHIBITS", "CYP2C19"),
        ("Carbamazepine", "INDUCES", "CYP3A4"),
    }
    assert len(got[("Fluconazole", "INHIBITS", "CYP2C9")]) == 2  # warfarin.md and label-2
    # the evidence points at the sentence in the document, by offsets
    [(edge, _)] = [
        (e, n) for e, n in store.neighbors("Warfarin", direction="out") if e.type == "IS_METABOLISED_BY"
    ]
    [ev] = evidence_of(edge)
    text = (corpus / "warfarin.md").read_text()
    assert text[ev["start"] : ev["end"]] == ev["sentence"] == "Warfarin is metabolised by CYP2C9."
    assert ev["doc"] == str(corpus / "warfarin.md") and ev["model"] == "rules" and ev["prompt"]
    # Document -HAS_CHUNK-> Chunk -MENTIONS-> entity
    doc = store.get_node(f"document:{corpus / 'warfarin.md'}")
    assert doc is not None and doc.labels == ("Document",)
    chunks = [n for e, n in store.neighbors(doc.id, direction="out") if e.type == "HAS_CHUNK"]
    mentioned = {
        n.id for c in chunks for e, n in store.neighbors(c.id, direction="out") if e.type == "MENTIONS"
    }
    assert mentioned == {"Warfarin", "CYP2C9", "Fluconazole", "CYP3A4", "Amiodarone"}
    # "cyp3a4" in the HTML page was merged into CYP3A4, and recorded
    cyp = store.get_node("CYP3A4")
    assert cyp is not None and cyp.labels == ("Enzyme",) and list(cyp.properties["aliases"]) == ["cyp3a4"]
    assert [(m["alias"], m["into"]) for m in list_merges(store)] == [("cyp3a4", "CYP3A4")]


def test_rerun_extracts_only_new_or_changed_chunks(
    store_factory: StoreFactory, corpus: Path, schema: ExtractionSchema
) -> None:
    store = store_factory("docs_incr")
    first = run(store, corpus, schema)
    again = run(store, corpus, schema)
    assert (again.chunks_to_extract, again.facts_added, again.facts_removed) == (0, 0, 0)
    assert again.chunks_cached == first.chunks
    # edit one paragraph: only its chunk is extracted again
    path = corpus / "warfarin.md"
    path.write_text(path.read_text().replace("Amiodarone inhibits CYP2C9.", "Amiodarone inhibits CYP2D6."))
    edited = run(store, corpus, schema)
    assert (edited.documents_changed, edited.chunks_to_extract) == (1, 1)
    assert (edited.facts_added, edited.facts_removed) == (1, 1)
    assert ("Amiodarone", "INHIBITS", "CYP2D6") in facts(store)
    assert ("Amiodarone", "INHIBITS", "CYP2C9") not in facts(store)
    # a deleted document takes away what it alone supported; shared facts stay with their other support
    path.unlink()
    deleted = run(store, corpus, schema)
    assert deleted.documents_removed == 1
    got = facts(store)
    assert ("Warfarin", "IS_METABOLISED_BY", "CYP2C9") not in got
    assert ("Fluconazole", "INHIBITS", "CYP3A4") not in got
    assert len(got[("Fluconazole", "INHIBITS", "CYP2C9")]) == 1  # label-2 still says it
    assert store.get_node("Warfarin") is None and store.get_node("Amiodarone") is None


def test_dry_run_writes_nothing(store_factory: StoreFactory, corpus: Path, schema: ExtractionSchema) -> None:
    store = store_factory("docs_dry")
    report = extract_documents(store, [corpus], RuleExtractor(), schema=schema, dry_run=True)
    assert (report.dry_run, report.chunks_to_extract, report.llm_calls) == (True, report.chunks, 0)
    assert store.stats().nodes == 0


def test_text_extends_a_loaded_graph_and_retraction_keeps_loaded_facts(
    store_factory: StoreFactory, tmp_path: Path, schema: ExtractionSchema
) -> None:
    store = store_factory("docs_base")
    store.upsert_nodes(
        [
            Node("warfarin", ("Drug",), {"name": "Warfarin", "aliases": ["Coumadin"]}),
            Node("cyp2c9", ("Enzyme",), {"name": "CYP2C9"}),
        ]
    )
    store.upsert_edges([Edge("warfarin", "IS_METABOLISED_BY", "cyp2c9", {"source": "loaded"})])
    store.flush()
    before = checksum(store)
    root = write_corpus(
        tmp_path / "labels",
        {"coumadin.txt": "Coumadin is metabolised by CYP 2C9. Fluconazole inhibits CYP2C9."},
    )
    run(store, root, schema)
    [(edge, _)] = store.neighbors("warfarin", direction="out")
    assert edge.properties["source"] == "loaded" and edge.properties["kgr_base"] is True
    # "Coumadin" is the loaded warfarin (an alias), "CYP 2C9" the loaded cyp2c9
    assert ("warfarin", "IS_METABOLISED_BY", "cyp2c9") in facts(store)
    assert ("Fluconazole", "INHIBITS", "cyp2c9") in facts(store)
    node = store.get_node("cyp2c9")
    assert node is not None and list(node.properties["aliases"]) == ["CYP 2C9"]
    removed, _ = retract(store, str(root / "coumadin.txt"), schema=schema, resolve=NO_EMBEDDING)
    assert removed == [f"document:{root / 'coumadin.txt'}"]
    assert checksum(store) == before  # everything text added is gone, everything loaded is back as it was


def test_a_wrong_merge_can_be_undone(
    store_factory: StoreFactory, tmp_path: Path, schema: ExtractionSchema
) -> None:
    store = store_factory("docs_undo")
    root = write_corpus(
        tmp_path / "c", {"a.txt": "Fluconazol inhibits CYP2C9.", "b.txt": "Fluconazole inhibits CYP3A4."}
    )
    extract_documents(store, [root], RuleExtractor(), schema=schema, resolve=ResolveOptions(embedding=None))
    [merge] = list_merges(store)
    assert (merge["alias"], merge["into"], merge["method"]) == ("Fluconazole", "Fluconazol", "fuzzy")
    undone, _ = undo_merge(store, merge["id"], resolve=NO_EMBEDDING)
    assert undone["id"] == merge["id"] and list_merges(store) == []
    assert set(facts(store)) == {("Fluconazol", "INHIBITS", "CYP2C9"), ("Fluconazole", "INHIBITS", "CYP3A4")}
    # the undo holds on later runs
    run(store, root, schema)
    assert list_merges(store) == []


POOL = {
    "a.txt": ["Fluconazole inhibits CYP2C9.", "Warfarin is metabolised by CYP2C9."],
    "b.md": ["fluconazole inhibits cyp2c9 and CYP3A4.", "Rifampicin induces CYP3A4."],
    "c.txt": ["Amiodarone inhibits CYP2C9.", "Simvastatin is metabolized by CYP3A4."],
    "d.html": ["Clarithromycin inhibits CYP3A4.", "Fluconazol inhibits CYP2C19."],
    "e.txt": ["Carbamazepine induces CYP3A4.", "Warfarin is metabolised by CYP2C9."],
}
EDITS = ["Ketoconazole inhibits CYP3A4.", "Phenytoin induces CYP2C9.", "Nothing to see here."]


def _write(root: Path, name: str, paragraphs: list[str]) -> None:
    if name.endswith(".html"):
        (root / name).write_text(
            "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
        )
    else:
        (root / name).write_text("\n\n".join(paragraphs) + "\n")


def test_any_sequence_of_changes_equals_a_fresh_extraction(
    store_factory: StoreFactory, tmp_path: Path, schema: ExtractionSchema
) -> None:
    for seed in range(3):
        rng = random.Random(seed)
        root = tmp_path / f"seq{seed}"
        root.mkdir()
        live = dict(POOL)
        for name in rng.sample(sorted(POOL), 3):
            _write(root, name, live[name])
        incremental = store_factory(f"docs_seq{seed}")
        run(incremental, root, schema)
        for _ in range(4):
            present = sorted(p.name for p in root.iterdir())
            op = rng.choice(["add", "edit", "delete"])
            if op == "add" and len(present) < len(POOL):
                name = rng.choice(sorted(set(POOL) - set(present)))
                _write(root, name, live[name])
            elif op == "edit" and present:
                name = rng.choice(present)
                live[name] = [live[name][0], rng.choice(EDITS)]
                _write(root, name, live[name])
            elif present:
                (root / rng.choice(present)).unlink()
            run(incremental, root, schema)
        fresh = store_factory(f"docs_fresh{seed}")
        run(fresh, root, schema)
        assert facts(incremental) == facts(fresh)
        assert checksum(incremental) == checksum(fresh)
        shutil.rmtree(root)


def test_retract_a_loaded_file_keeps_what_text_or_another_file_supports(
    store_factory: StoreFactory, tmp_path: Path, schema: ExtractionSchema
) -> None:
    from kgreason.graph.loaders import load_file

    store = store_factory("docs_loaded")
    (tmp_path / "a.tsv").write_text("Fluconazole\tINHIBITS\tCYP2C9\nKetoconazole\tINHIBITS\tCYP3A4\n")
    (tmp_path / "b.tsv").write_text("Ketoconazole\tINHIBITS\tCYP3A4\n")
    (tmp_path / "c.tsv").write_text("Phenytoin\tINDUCES\tCYP2C9\n")
    for name in ("a.tsv", "b.tsv", "c.tsv"):
        load_file(store, tmp_path / name, source=name)
    root = write_corpus(tmp_path / "docs", {"x.txt": "Fluconazole inhibits CYP2C9."})
    run(store, root, schema)
    removed, report = retract(store, "a.tsv", resolve=NO_EMBEDDING)
    assert removed == ["source:a.tsv"]
    edges = {(e.source, e.type, e.target) for e in store.iter_edges() if e.type in ("INHIBITS", "INDUCES")}
    # text still says the first; b.tsv still lists the second; c.tsv was never touched
    assert edges == {
        ("Fluconazole", "INHIBITS", "CYP2C9"),
        ("Ketoconazole", "INHIBITS", "CYP3A4"),
        ("Phenytoin", "INDUCES", "CYP2C9"),
    }
    removed, report = retract(store, "b.tsv", resolve=NO_EMBEDDING)
    assert report.facts_removed == 1 and store.get_node("Ketoconazole") is None
    # the text-supported fact now rests on the text alone: retracting the document removes it
    retract(store, str(root / "x.txt"), resolve=NO_EMBEDDING)
    assert {(e.source, e.type, e.target) for e in store.iter_edges()} == {("Phenytoin", "INDUCES", "CYP2C9")}


def test_python_api_extract(kgr_home: Path, corpus: Path, tmp_path: Path) -> None:
    from docs_fixtures import SCHEMA_YAML

    import kgreason

    (tmp_path / "schema.yaml").write_text(SCHEMA_YAML)
    g = kgreason.open_graph("api_docs")
    plan = g.extract(corpus, schema=tmp_path / "schema.yaml", llm=None, dry_run=True)
    assert plan.dry_run and plan.chunks_to_extract == plan.chunks > 0 and g.stats()["nodes"] == 0
    report = g.extract(corpus, schema=tmp_path / "schema.yaml", llm=None)
    assert report.facts_added == 9 and report.llm_calls == 0
    answer = g.engine(llm=None).ask("What inhibits CYP2C9?")
    assert {"Fluconazole", "Amiodarone"} <= set(answer.answers)
    assert {s.doc for s in answer.sources} >= {"label-2", str(corpus / "warfarin.md")}


def test_a_later_run_without_a_schema_reuses_the_stored_one(
    store_factory: StoreFactory, corpus: Path, schema: ExtractionSchema
) -> None:
    store = store_factory("docs_schema")
    first = run(store, corpus, schema)
    again = extract_documents(store, [corpus], RuleExtractor(), resolve=NO_EMBEDDING)
    assert (again.chunks_to_extract, again.chunks_cached) == (0, first.chunks)

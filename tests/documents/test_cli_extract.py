"""``kgr graph extract`` / ``retract`` / ``merges`` and ``kgr ask`` sources, through the real entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docs_fixtures import CORPUS, SCHEMA_YAML, write_corpus

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.testing.graph_contract import checksum


def kgr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        capture_output=True,
        text=True,
        env={"KGR_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


def test_extract_dry_run_report_ask_sources_retract_and_merges(tmp_path: Path) -> None:
    home, root = tmp_path / "home", write_corpus(tmp_path / "corpus", {**CORPUS, "bad.txt": b"\x00\x01"})
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA_YAML)
    base = ("-g", "labels", "--schema", str(schema), "--llm", "none")
    dry = kgr("graph", "extract", str(root), *base, "--dry-run", "--json", home=home)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    # warfarin.md: 2 paragraphs (headings join them), page.html: 2, two .jsonl records, notes.txt: 1
    assert (plan["dry_run"], plan["documents"], plan["chunks_to_extract"], plan["llm_calls"]) == (
        True,
        5,
        7,
        0,
    )
    bad = {"path": str(root / "bad.txt"), "line": None, "reason": "binary file (NUL bytes)"}
    assert plan["problems"] == [bad]
    assert not (home / "graphs" / "labels.kgr").exists()
    text = kgr("graph", "extract", str(root), *base, home=home)
    assert text.returncode == 0, text.stderr
    assert "5 documents (5 new, 0 changed, 0 removed), 7 chunks: 7 extracted, 0 cached" in text.stdout
    assert "facts: 9 added" in text.stdout and "1 merges" in text.stdout
    assert "skipped" in text.stderr and "bad.txt: binary file" in text.stderr
    again = json.loads(kgr("graph", "extract", str(root), *base, "--json", home=home).stdout)
    assert (again["chunks_to_extract"], again["chunks_cached"], again["facts_added"]) == (0, 7, 0)

    question = ("ask", "What inhibits CYP2C9?", "-g", "labels", "--llm", "none")
    answer = json.loads(kgr(*question, "--json", home=home).stdout)
    assert set(answer["answers"]) == {"Fluconazole", "Amiodarone"}
    cited = {(s["doc"], s["sentence"]) for s in answer["sources"]}
    assert (str(root / "warfarin.md"), "Amiodarone inhibits CYP2C9.") in cited
    assert ("label-2", "Fluconazole inhibits CYP2C9.") in cited
    for s in answer["sources"]:
        if s["doc"] == str(root / "warfarin.md"):
            assert (root / "warfarin.md").read_text()[s["start"] : s["end"]] == s["sentence"]
    shown = kgr(*question, home=home).stdout
    assert "source: label-2" in shown

    merges = json.loads(kgr("graph", "merges", "-g", "labels", "--json", home=home).stdout)
    assert [(m["alias"], m["into"]) for m in merges] == [("cyp3a4", "CYP3A4")]
    undo = kgr("graph", "merges", "-g", "labels", "--undo", merges[0]["id"], home=home)
    assert undo.returncode == 0 and "'cyp3a4' is no longer 'CYP3A4'" in undo.stdout
    assert json.loads(kgr("graph", "merges", "-g", "labels", "--json", home=home).stdout) == []

    gone = json.loads(kgr("graph", "retract", "label-2", "-g", "labels", "--json", home=home).stdout)
    assert gone["removed"] == ["document:label-2"] and gone["facts_removed"] == 0  # warfarin.md says it too
    missing = kgr("graph", "retract", "nope", "-g", "labels", home=home)
    assert missing.returncode != 0 and "nope" in missing.stderr


def test_loaded_file_as_source_and_a_bad_schema(tmp_path: Path) -> None:
    home = tmp_path / "home"
    triples = tmp_path / "ddi.tsv"
    triples.write_text("Fluconazole\tINHIBITS\tCYP2C9\n")
    r = kgr("graph", "load", str(triples), "-g", "g", "--as-source", home=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(kgr("graph", "retract", "ddi.tsv", "-g", "g", "--json", home=home).stdout)
    assert out["removed"] == ["source:ddi.tsv"] and out["facts_removed"] == 1
    assert json.loads(kgr("graph", "stats", "-g", "g", "--json", home=home).stdout) == {
        "nodes": 0,
        "edges": 0,
    }
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities: [Drug]\nrelations:\n  - {name: R, domain: Drug, range: Gene}\n")
    r = kgr("graph", "extract", str(triples), "-g", "g", "--schema", str(bad), "--llm", "none", home=home)
    assert r.returncode == 2 and f"{bad}: relation 'R': type 'Gene' is not an entity type" in r.stderr


@pytest.mark.slow
def test_kill_9_during_extract_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    files = {
        f"doc{i:03d}.txt": f"Drug{i} inhibits CYP{i % 7}A{i % 3}.\n\nDrug{i} is metabolised by E{i % 5}.\n"
        for i in range(300)  # 600 chunks: long enough that a kill right after the first save lands midway
    }
    write_corpus(root, files)
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA_YAML)
    args = ["graph", "extract", str(root), "--schema", str(schema), "--llm", "none", "--batch-size", "1"]
    killed_home, clean_home = tmp_path / "killed", tmp_path / "clean"
    env = {"KGR_HOME": str(killed_home), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-m", "kgreason.cli.app", *args, "-g", "g"], env=env)
    graph_file = killed_home / "graphs" / "g.kgr"
    deadline = time.monotonic() + 120
    while not graph_file.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # right after the first saved batch
    assert proc.wait() == -signal.SIGKILL  # it was killed midway, not finished
    partial = MemoryStore("g", Settings(home=killed_home))
    assert sum(1 for n in partial.iter_nodes() if "Chunk" in n.labels) < 600
    assert not any("Document" in n.labels for n in partial.iter_nodes())
    assert kgr(*args, "-g", "g", home=killed_home).returncode == 0
    assert kgr(*args, "-g", "g", home=clean_home).returncode == 0
    resumed = MemoryStore("g", Settings(home=killed_home))
    clean = MemoryStore("g", Settings(home=clean_home))
    assert checksum(resumed) == checksum(clean)
    assert clean.stats().edges > 600

"""`kgr graph ...` end to end on the memory store, through the real entry point."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from kgr_cli import run_kgr

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"


def kgr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the entry point, in this process (see kgr_cli)."""
    return run_kgr(*args, env={"KGR_HOME": str(home)})


def test_load_stats_schema_paths_export_drop(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = kgr("graph", "load", str(EXAMPLE), "--graph", "fam", "--json", home=home)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert (report["nodes"], report["edges"]) == (6, 10)
    again = json.loads(kgr("graph", "load", str(EXAMPLE), "-g", "fam", "--json", home=home).stdout)
    assert again["files"][0]["edges_created"] == 0 and again["edges"] == 10

    stats = json.loads(kgr("graph", "stats", "--graph", "fam", "--json", home=home).stdout)
    assert stats == {"nodes": 6, "edges": 10}
    schema = json.loads(kgr("graph", "schema", "-g", "fam", "--json", home=home).stdout)
    assert schema["relationship_types"]["parent_of"] == 2
    paths = json.loads(kgr("graph", "paths", "alice", "france", "-g", "fam", "--json", home=home).stdout)
    assert [n["id"] for n in paths[0]["nodes"]] == ["alice", "acme", "paris", "france"]

    out = tmp_path / "fam.tsv"
    assert kgr("graph", "export", "-g", "fam", "--format", "tsv", "-o", str(out), home=home).returncode == 0
    assert sorted(out.read_text().splitlines()) == sorted(EXAMPLE.read_text().splitlines())
    assert json.loads(kgr("graph", "list", "--json", home=home).stdout) == ["fam"]
    assert kgr("graph", "drop", "-g", "fam", "--yes", home=home).returncode == 0
    assert json.loads(kgr("graph", "list", "--json", home=home).stdout) == []


def test_errors_exit_2_with_file_line_or_suggestion(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tr\tb\nbroken line\n")
    r = kgr("graph", "load", str(bad), "-g", "g1", home=home)
    assert r.returncode == 2 and f"{bad}:2:" in r.stderr
    assert json.loads(kgr("graph", "list", "--json", home=home).stdout) == []
    kgr("graph", "load", str(EXAMPLE), "-g", "family", home=home)
    r = kgr("graph", "stats", "-g", "famly", home=home)
    assert r.returncode == 2 and "did you mean: family" in r.stderr
    r = kgr("graph", "query", "MATCH (n) RETURN n", "-g", "family", "--store", "memory", home=home)
    assert r.returncode == 2 and "does not run Cypher" in r.stderr
    r = kgr("graph", "stats", "-g", "bad name!", home=home)
    assert r.returncode == 2 and "invalid graph name" in r.stderr


@pytest.mark.parametrize("store", ["memroy"])
def test_unknown_store_suggests(tmp_path: Path, store: str) -> None:
    r = kgr("graph", "stats", "-g", "x", "--store", store, home=tmp_path)
    assert r.returncode == 2 and "memory" in r.stderr

"""`kgr ask --strategy multihop [--mode ...]` through the real entry point, on both stores."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kgreason.graph.neo4j_store import Neo4jStore

ROOT = Path(__file__).resolve().parents[3]
FAMILY = ROOT / "examples" / "data" / "family.tsv"


def kgr(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        capture_output=True,
        text=True,
        env={"KGR_HOME": str(home), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", **(env or {})},
    )


def test_explore_json_then_replay(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert kgr("graph", "load", str(FAMILY), "-g", "fam", home=home).returncode == 0
    question = "Where is the company that alice works at located?"
    args = ("ask", question, "-g", "fam", "--strategy", "multihop", "--mode", "explore", "--llm", "none")
    r = kgr(*args, "--topic", "alice", "--json", home=home)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["strategy"] == "multihop" and answer["entities"][0] == "paris"
    assert [t["step"] for t in answer["trace"]].count("hop") >= 2
    saved = tmp_path / "answer.json"
    saved.write_text(r.stdout)
    replayed = kgr("ask", "-g", "fam", "--replay", str(saved), "--json", home=home)
    assert replayed.returncode == 0 and json.loads(replayed.stdout)["identical"] is True


def test_mode_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kgr("graph", "load", str(FAMILY), "-g", "fam", home=home)
    r = kgr("ask", "Who?", "-g", "fam", "--llm", "none", "--mode", "cypher", home=home)
    assert r.returncode == 2 and "--strategy multihop" in r.stderr
    r = kgr(
        "ask", "Who?", "-g", "fam", "--llm", "none", "--strategy", "multihop", "--mode", "walk", home=home
    )
    assert r.returncode == 2 and "cypher, explore or auto" in r.stderr
    r = kgr(
        "ask", "Who?", "-g", "fam", "--llm", "none", "--strategy", "multihop", "--mode", "cypher", home=home
    )
    assert r.returncode == 2 and "Cypher" in r.stderr  # the memory store has no Cypher


def test_cypher_mode_on_neo4j(
    tmp_path: Path,
    neo4j_uri: str,
    neo4j_store_factory: Callable[[str], Neo4jStore],
    neo4j_auth: tuple[str, str] | None,
) -> None:
    neo4j_store_factory("mh_cli")  # owns the graph name: empty now, dropped afterwards
    home = tmp_path / "home"
    env = {"KGR_NEO4J_URI": neo4j_uri, **({"KGR_NEO4J_PASSWORD": neo4j_auth[1]} if neo4j_auth else {})}
    load = kgr("graph", "load", str(FAMILY), "-g", "mh_cli", "--store", "neo4j", home=home, env=env)
    assert load.returncode == 0, load.stderr
    base = ("-g", "mh_cli", "--store", "neo4j", "--strategy", "multihop", "--topic", "alice")
    # no model: cypher mode cannot run (exit 2, with the reason); explore mode can
    r = kgr(
        "ask",
        "How many children does alice have?",
        *base,
        "--mode",
        "cypher",
        "--llm",
        "none",
        home=home,
        env=env,
    )
    assert r.returncode == 2 and "LLM" in r.stderr
    question = "Where is the company that alice works at located?"
    r = kgr("ask", question, *base, "--mode", "auto", "--llm", "none", "--json", home=home, env=env)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["entities"][0] == "paris"
    assert next(t for t in answer["trace"] if t["step"] == "mode")["mode"] == "explore"


@pytest.mark.slow
def test_cypher_mode_with_the_bundled_model(
    tmp_path: Path,
    neo4j_uri: str,
    neo4j_store_factory: Callable[[str], Neo4jStore],
    neo4j_auth: tuple[str, str] | None,
) -> None:
    neo4j_store_factory("mh_cli2")
    home = tmp_path / "home"
    env = {"KGR_NEO4J_URI": neo4j_uri, **({"KGR_NEO4J_PASSWORD": neo4j_auth[1]} if neo4j_auth else {})}
    assert (
        kgr("graph", "load", str(FAMILY), "-g", "mh_cli2", "--store", "neo4j", home=home, env=env).returncode
        == 0
    )
    args = ("-g", "mh_cli2", "--store", "neo4j", "--strategy", "multihop", "--topic", "alice", "--json")
    # auto sends a ranking ("the most") to cypher; a plain count would stay with explore
    r = kgr("ask", "Who has the most children?", *args, "--mode", "auto", home=home, env=env)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert next(t for t in answer["trace"] if t["step"] == "mode")["mode"] == "cypher"
    cypher = [q for q in answer["queries"] if q["language"] == "cypher"]
    assert cypher and all(
        q["refused"] is None or q["refused"].split(":")[0] in ("invalid", "error") for q in cypher
    )
    assert any(q["refused"] is None and "`KG_mh_cli2`" in q["text"] for q in cypher)
    assert answer["llm_calls"] >= 1
    # the recorded Cypher replays (through the read-only guard) to the same rows and evidence
    saved = tmp_path / "answer.json"
    saved.write_text(r.stdout)
    replayed = kgr(
        "ask", "-g", "mh_cli2", "--store", "neo4j", "--replay", str(saved), "--json", home=home, env=env
    )
    assert replayed.returncode == 0, replayed.stderr
    report = json.loads(replayed.stdout)
    assert report["identical"] is True and report["queries"] == len(answer["queries"])

"""`kgr ask` (with --replay) and `kgr eval qa|make-qa` end to end through the real entry point."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kgr_cli import run_kgr

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "examples" / "data" / "family.tsv"


def kgr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the entry point, in this process (see kgr_cli)."""
    return run_kgr(*args, env={"KGR_HOME": str(home), "HF_HUB_OFFLINE": "1"})


def test_ask_json_then_replay(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert kgr("graph", "load", str(FAMILY), "-g", "fam", home=home).returncode == 0
    r = kgr("ask", "Who is the parent of Bob?", "-g", "fam", "--llm", "none", "--json", home=home)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["entities"][0] == "alice" and answer["strategy"] == "retrieve"
    assert answer["queries"] and answer["evidence"] and answer["citations"]
    saved = tmp_path / "answer.json"
    saved.write_text(r.stdout)
    replayed = kgr("ask", "-g", "fam", "--replay", str(saved), "--json", home=home)
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["identical"] is True
    # change the graph under the recorded answer: the replay now says so and exits 1
    extra = tmp_path / "extra.tsv"
    extra.write_text("dave\tparent_of\tbob\n")
    kgr("graph", "load", str(extra), "-g", "fam", home=home)
    changed = kgr("ask", "-g", "fam", "--replay", str(saved), home=home)
    assert changed.returncode == 1 and "CHANGED" in changed.stdout


def test_ask_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kgr("graph", "load", str(FAMILY), "-g", "fam", home=home)
    r = kgr("ask", "Who?", "-g", "fam", "--llm", "none", "--strategy", "retreive", home=home)
    assert r.returncode == 2 and "retrieve" in r.stderr  # suggestion for the typo
    r = kgr("ask", "Who?", "-g", "fam", "--llm", "none", "-o", "hopz=2", home=home)
    assert r.returncode == 2 and "hopz" in r.stderr


def test_make_qa_inverse_reads_edges_backwards(tmp_path: Path) -> None:
    """``--inverse 1`` walks every step against its edge, the same questions as ``Graph.make_qa``."""
    import kgreason

    home = tmp_path / "home"
    kgr("graph", "load", str(FAMILY), "-g", "fam", home=home)
    qa = tmp_path / "qa.jsonl"
    args = ("eval", "make-qa", "-g", "fam", "--hops", "1", "--n", "6", "--seed", "2", "--inverse", "1")
    r = kgr(*args, "-o", str(qa), home=home)
    assert r.returncode == 0, r.stderr
    items = [json.loads(line) for line in qa.read_text().splitlines()]
    assert items and all(i["directions"] == ["in"] for i in items)
    api = kgreason.open_graph("fam", home=home).make_qa(hops=[1], n=6, seed=2, inverse=1.0)
    assert [i.to_dict() for i in api] == items
    r = kgr("eval", "make-qa", "-g", "fam", "--inverse", "1.5", home=home)
    assert r.returncode == 2 and "--inverse" in r.stderr


def test_make_qa_and_eval_contract(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kgr("graph", "load", str(FAMILY), "-g", "fam", home=home)
    qa = tmp_path / "qa.jsonl"
    r = kgr(
        "eval", "make-qa", "-g", "fam", "--hops", "1-2", "--n", "8", "--seed", "3", "-o", str(qa), home=home
    )
    assert r.returncode == 0, r.stderr
    items = [json.loads(line) for line in qa.read_text().splitlines()]
    assert len(items) == 8 and all(i["answers"] and i["topic_entity"] for i in items)
    r = kgr(
        "eval",
        "qa",
        "-g",
        "fam",
        "--questions",
        str(qa),
        "--strategy",
        "retrieve",
        "--llm",
        "none",
        "--json",
        home=home,
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    for key in ("n", "hits@1", "hits@5", "f1", "latency_ms_p50", "llm_calls", "faithfulness"):
        assert key in summary
    assert summary["n"] == 8 and summary["llm_calls"] == 0
    assert summary["hits@5"] >= summary["hits@1"] > 0

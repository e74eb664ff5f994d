"""`kgr ddi check` end to end through the real entry point: exit codes, the JSON contract, the table."""

from __future__ import annotations

import json
from pathlib import Path

from ddi_helpers import run_kgr


def test_check_json_and_exit_codes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok = run_kgr("ddi", "check", "Zocor", "Biaxin", "coumadin", "--json", home=home)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert [d["id"] for d in data["drugs"]] == ["simvastatin", "clarithromycin", "warfarin"]
    assert data["unresolved"] == []
    top = data["interactions"][0]
    assert top["drugs"] == ["simvastatin", "clarithromycin"] and top["severity"] == "contraindicated"
    assert "loaded the ddi pack" in ok.stderr  # first use loads the graph
    # unknown names: exit 2 (bad input, as the exit-code contract says; "complete": false in JSON),
    # suggestions, and the known drugs are still
    # checked and printed; an unambiguous typo is corrected and marked
    bad = run_kgr("ddi", "check", "Zocor", "Biaxn", "simvastat", "qqqq", "--json", home=home)
    assert bad.returncode == 2
    data = json.loads(bad.stdout)
    assert data["unresolved"] == [
        {"input": "simvastat", "suggestions": ["simvastatin"], "reason": "unknown"},
        {"input": "qqqq", "suggestions": [], "reason": "unknown"},
    ]
    assert data["complete"] is False
    assert [(d["input"], d["id"], d["corrected"]) for d in data["drugs"]] == [
        ("Zocor", "simvastatin", False),
        ("Biaxn", "clarithromycin", True),
    ]
    assert data["interactions"][0]["severity"] == "contraindicated"
    assert "did you mean: simvastatin?" in bad.stderr and "loaded" not in bad.stderr


def test_check_table_usage_and_predicted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    table = run_kgr("ddi", "check", "digoxin", "clarithromycin", home=home)
    assert table.returncode == 0, table.stderr
    assert "clarithromycin -[INHIBITS]-> pgp <-[SUBSTRATE_OF]- digoxin" in table.stdout
    assert "major" in table.stdout
    one = run_kgr("ddi", "check", "digoxin", home=home)
    assert one.returncode == 2 and "at least two" in one.stderr
    pred = run_kgr("ddi", "check", "digoxin", "warfarin", "--predicted", "--json", home=home)
    assert pred.returncode == 2 and "no link predictor" in pred.stderr and "hint:" in pred.stderr


def test_unreachable_database_is_a_runtime_failure(tmp_path: Path) -> None:
    env = {"KGR_NEO4J_URI": "bolt://127.0.0.1:1"}
    r = run_kgr("ddi", "check", "Zocor", "Biaxin", "--store", "neo4j", "--json", home=tmp_path, extra_env=env)
    assert r.returncode == 1 and "cannot reach Neo4j" in r.stderr
    # under --json the failure is a JSON error object, never a partial result
    error = json.loads(r.stdout)["error"]
    assert error["type"] == "BackendUnavailable" and "interactions" not in r.stdout


def test_golden_command(tmp_path: Path) -> None:
    r = run_kgr("ddi", "golden", "--json", home=tmp_path / "home")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["recall"] == 1.0 and report["false_alarms"] == 0 and report["interaction_cases"] == 5

"""benchmarks/RESULTS.md is generated from the JSON records in benchmarks/records/ and must be up to date."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


summarize = _module("summarize")
records = _module("_records")


def test_results_md_is_the_generated_summary() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "summarize.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


BENCHMARKS = ["ddi", "gnn_qa", "guard_latency", "ingest", "linkpred", "llm", "multihop", "qa_quality"]
BENCHMARKS += ["retrieve"]


def test_every_benchmark_writes_a_record_not_markdown() -> None:
    for name in BENCHMARKS:
        text = (BENCH / f"{name}.py").read_text(encoding="utf-8")
        assert "write_record(" in text, f"{name}.py writes no record"
    for script in BENCH.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        appends = 'RESULTS.md").open' in text or "RESULTS.open(" in text
        assert not appends, f"{script.name} appends to RESULTS.md"


def test_a_record_round_trip_newest_per_variant_wins(tmp_path: Path) -> None:
    def write(when: str, variant: str | None, value: float) -> Path:
        path: Path = records.write_record(
            "demo",
            {"score": value, "nested": {"n": 3}},
            variant=variant,
            title="Demo" + (f" {variant}" if variant else ""),
            headline=[
                records.headline("score", value, ">= 0.5", value >= 0.5),
                records.headline("size", "3 nodes"),
            ],
            notes="A note.",
            load_at_start=1.5,
            command="demo.py --n 3",
            records_dir=tmp_path,
            now=datetime.fromisoformat(when).replace(tzinfo=UTC),
        )
        return path

    old = write("2026-01-01T10:00:00", None, 0.9)
    new = write("2026-01-02T10:00:00", None, 0.4)
    other = write("2026-01-01T09:00:00", "small", 0.7)
    assert new.name == "demo-20260102T100000Z.json" and other.name == "demo-small-20260101T090000Z.json"
    record = json.loads(new.read_text(encoding="utf-8"))
    assert record["machine"]["load_average"]["start"] == 1.5 and record["machine"]["cpus"]
    assert record["results"] == {"score": 0.4, "nested": {"n": 3}}

    text = summarize.render(summarize.read_records(tmp_path))
    assert "| [Demo](#demo) | 2026-01-02 10:00 UTC |" in text and "| 0/1 |" in text
    assert "| score | 0.4 | >= 0.5 | **no** |" in text and "| size | 3 nodes |  |  |" in text
    assert "| score | 0.9 |" not in text, "an older record of the same variant is not the current figure"
    assert "[Demo small](#demo-small)" in text and "| score | 0.7 | >= 0.5 | yes |" in text
    assert f"record [{new.name}](records/{new.name}); 1 earlier record." in text
    assert old.exists()  # history stays in the records

    out = tmp_path / "RESULTS.md"
    assert summarize.main(["--records", str(tmp_path), "--output", str(out)]) == 0
    assert summarize.main(["--records", str(tmp_path), "--output", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    assert summarize.main(["--records", str(tmp_path), "--output", str(out), "--check"]) == 1


def test_a_bad_record_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "demo-x.json").write_text('{"benchmark": "demo",\n "date": }', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"demo-x\.json:2: not valid JSON"):
        summarize.read_records(tmp_path)
    (tmp_path / "demo-x.json").write_text(
        json.dumps({"benchmark": "demo", "date": "yesterday", "machine": {}, "results": {}}), encoding="utf-8"
    )
    with pytest.raises(SystemExit, match=r"demo-x\.json: date 'yesterday'"):
        summarize.read_records(tmp_path)
    with pytest.raises(ValueError, match="met"):
        records.write_record(
            "demo", {}, headline=[{"metric": "m", "value": 1, "met": "yes"}], records_dir=tmp_path / "new"
        )
    assert not (tmp_path / "new").exists()  # nothing half-written

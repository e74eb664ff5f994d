"""Benchmark the ddi pack: a 10-drug medication list (45 pairs) on the memory store, and the golden set.

Loads the bundled ddi data into a fresh memory store (under a temporary ``KGR_HOME``), then measures,
in one process:

- the 10-drug check (name resolution, the one path query, every rule in both directions for 45 pairs,
  curated overrides, the ANSM comparison): best and median of ``--repeat`` runs on a warm checker
  (bar: <= 200 ms), plus the first (cold) check and the one-off costs (pack load, ANSM thesaurus build);
- the golden-set evaluation: recall (right ``via``, severity at least the minimum; bar >= 95%) and
  false alarms (moderate or above on a ``none`` pair; bar <= 5%).

Writes benchmarks/out/ddi.json and appends a section to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/ddi.py [--repeat 20] [--data DIR] [--no-results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.ddi.golden import evaluate
from kgreason.graph.memory import MemoryStore

ROOT = Path(__file__).resolve().parent
# A realistic polypharmacy list spanning CYP3A4/2C9/2D6, P-gp, QT, bleeding and serotonergic mechanisms,
# typed the way people type them (brand names, synonyms, case).
DRUGS = [
    "simvastatin", "Biaxin", "warfarin", "amiodarone", "digoxin",
    "fluoxetine", "tramadol", "omeprazole", "Aspirin", "rifampin",
]  # fmt: skip


def _load() -> float:
    return os.getloadavg()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled)")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    load_start = _load()
    home = Path(tempfile.mkdtemp(prefix="kgr-bench-ddi-"))
    os.environ["KGR_HOME"] = str(home)
    pack = DdiPack(args.data)
    store = MemoryStore("ddi", Settings.from_env())
    t = time.perf_counter()
    report = pack.load(store)
    load_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    ansm = pack.ansm()
    ansm_ms = (time.perf_counter() - t) * 1000

    checker = DdiChecker(store, ansm)
    t = time.perf_counter()
    first = checker.check(DRUGS)
    cold_ms = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        result = checker.check(DRUGS)
        times.append((time.perf_counter() - t) * 1000)
    assert result.to_dict()["interactions"] == first.to_dict()["interactions"]
    unresolved = [u.input for u in result.unresolved]

    t = time.perf_counter()
    golden = evaluate(DdiChecker(store), pack.golden_set())
    golden_ms = (time.perf_counter() - t) * 1000
    rules_only = evaluate(DdiChecker(store, use_curated=False), pack.golden_set())
    curated = {frozenset((c.drug_a, c.drug_b)) for c in pack.data.curated}
    uncurated = [c for c in pack.golden_set() if frozenset(c.entities) not in curated]
    by_rules = evaluate(DdiChecker(store), uncurated)  # pairs no curated row answers: the rules' own work
    load_end = _load()

    counts: dict[str, int] = {}
    for i in result.interactions:
        counts[i.severity] = counts.get(i.severity, 0) + 1
    out = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs",
        "load_average": [round(load_start, 2), round(load_end, 2)],
        "graph": {"nodes": report.nodes, "edges": report.edges, "drugs": len(pack.data.drugs)},
        "pack_load_ms": round(load_ms, 1),
        "ansm_build_ms": round(ansm_ms, 1),
        "check": {
            "drugs": DRUGS,
            "unresolved": unresolved,
            "pairs": result.pairs,
            "interactions": len(result.interactions),
            "by_severity": counts,
            "ansm_only": len(result.ansm_only),
            "cold_ms": round(cold_ms, 2),
            "best_ms": round(min(times), 2),
            "median_ms": round(statistics.median(times), 2),
            "repeat": args.repeat,
        },
        "golden": {k: v for k, v in golden.to_dict().items() if k not in ("misses", "alarms")},
        "golden_ms": round(golden_ms, 1),
        "golden_without_curated_row": {
            k: v for k, v in by_rules.to_dict().items() if k not in ("misses", "alarms")
        },
        "golden_rules_only": {k: v for k, v in rules_only.to_dict().items() if k not in ("misses", "alarms")},
        "golden_misses": golden.misses,
        "golden_alarms": golden.alarms,
    }
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "ddi.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    if not args.no_results:
        _append(out)
    return 0


def _append(out: dict[str, object]) -> None:
    check = out["check"]
    golden = out["golden"]
    rules = out["golden_rules_only"]
    uncur = out["golden_without_curated_row"]
    assert isinstance(check, dict) and isinstance(golden, dict) and isinstance(rules, dict)
    assert isinstance(uncur, dict)
    recall, alarms = golden["recall"], golden["false_alarm_rate"]
    lines = [
        "",
        f"## DDI pack (`benchmarks/ddi.py`) — {out['date']}",
        "",
        f"Machine: {out['machine']}, load average {out['load_average'][0]} at start / "  # type: ignore[index]
        f"{out['load_average'][1]} at end (shared machine). Graph: {out['graph']}. "  # type: ignore[index]
        f"One-off: pack load {out['pack_load_ms']} ms, ANSM thesaurus build {out['ansm_build_ms']} ms.",
        "",
        "| measure | value | bar | met |",
        "|---|---|---|---|",
        f"| 10-drug check ({check['pairs']} pairs), warm, median of {check['repeat']} | "
        f"{check['median_ms']} ms (best {check['best_ms']}, cold {check['cold_ms']}) | <= 200 ms | "
        f"{'yes' if check['median_ms'] <= 200 and check['pairs'] >= 45 else 'no'} |",
        f"| interactions found in the list | {check['interactions']} {check['by_severity']}, "
        f"ANSM-only {check['ansm_only']} | | |",
        f"| golden recall (right via, >= min severity) | {recall} ({golden['hits']}/"
        f"{golden['interaction_cases']}) | >= 0.95 | {'yes' if recall >= 0.95 else 'no'} |",
        f"| golden false alarms (>= moderate on none pairs) | {alarms} ({golden['false_alarms']}/"
        f"{golden['none_cases']}) | <= 0.05 | {'yes' if alarms <= 0.05 else 'no'} |",
        f"| golden recall on pairs without a curated row ({uncur['interaction_cases']} of "
        f"{golden['interaction_cases']}) | {uncur['recall']} ({uncur['hits']}/{uncur['interaction_cases']}); "
        f"false alarms {uncur['false_alarm_rate']} | (diagnostic) | |",
        f"| golden recall, mechanism rules alone (curated pairs ignored) | {rules['recall']} "
        f"({rules['hits']}/{rules['interaction_cases']}; detected {rules['detected_any']}); false alarms "
        f"{rules['false_alarm_rate']} | (diagnostic) | |",
    ]
    with (ROOT / "RESULTS.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())

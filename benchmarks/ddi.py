"""Benchmark the ddi pack: a 10-drug medication list (45 pairs) on the memory store, and the golden set.

Loads the bundled ddi data into a fresh memory store (under a temporary ``KGR_HOME``), then measures,
in one process:

- the 10-drug check (name resolution, the one path query, every rule in both directions for 45 pairs,
  curated overrides, the ANSM comparison): best and median of ``--repeat`` runs on a warm checker
  (bar: <= 200 ms), plus the first (cold) check and the one-off costs (pack load, ANSM thesaurus build);
- the golden-set evaluation: recall (right ``via``, severity at least the minimum; bar >= 95%) and
  false alarms (moderate or above on a ``none`` pair; bar <= 5%), on the whole set and on its two halves:
  pairs a curated row answers, and held-out pairs only the mechanism rules and paths answer (bar >= 90%);
- the whole-list scenarios (``golden_lists.tsv``): every expected alert raised, no spurious one;
- a 20-drug list: in-process (median of ``--repeat``; bar <= 100 ms) and as a whole command
  (``kgr ddi check ... --json`` in a fresh process, graph already loaded; median of 5; bar <= 1 s).

Writes benchmarks/out/ddi.json and a record under benchmarks/records/ (``benchmarks/summarize.py`` turns
the records into benchmarks/RESULTS.md).

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

from _records import headline, write_record

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.ddi.golden import evaluate, evaluate_scenarios, read_scenarios, split_golden
from kgreason.graph.memory import MemoryStore

ROOT = Path(__file__).resolve().parent
# A realistic polypharmacy list spanning CYP3A4/2C9/2D6, P-gp, QT, bleeding and serotonergic mechanisms,
# typed the way people type them (brand names, synonyms, case).
DRUGS = [
    "simvastatin", "Biaxin", "warfarin", "amiodarone", "digoxin",
    "fluoxetine", "tramadol", "omeprazole", "Aspirin", "rifampin",
]  # fmt: skip


# 20 drugs a multimorbid older patient may take: 190 pairs, several whole-list alerts.
DRUGS_20 = [
    *DRUGS[:2], "warfarin", "metoprolol", "digoxin", "omeprazole", "clopidogrel", "fluoxetine",
    "tramadol", "lisinopril", "furosemide", "ibuprofen", "metformin", "amlodipine", "levothyroxine",
    "gabapentin", "oxycodone", "quetiapine", "allopurinol", "prednisone",
]  # fmt: skip
DRUGS_20[1] = "amiodarone"


def _load() -> float:
    return os.getloadavg()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled)")
    parser.add_argument("--no-results", action="store_true", help="do not write a record")
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

    times20 = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        result20 = checker.check(DRUGS_20)
        times20.append((time.perf_counter() - t) * 1000)
    assert not result20.unresolved, result20.unresolved

    t = time.perf_counter()
    golden = evaluate(DdiChecker(store), pack.golden_set())
    golden_ms = (time.perf_counter() - t) * 1000
    rules_only = evaluate(DdiChecker(store, use_curated=False), pack.golden_set())
    curated = {frozenset((c.drug_a, c.drug_b)) for c in pack.data.curated}
    with_row, held_out = split_golden(pack.golden_set(), curated)
    on_curated = evaluate(DdiChecker(store), with_row)
    by_rules = evaluate(DdiChecker(store), held_out)  # pairs no curated row answers: the rules' own work
    scenarios = read_scenarios(pack.directory / "golden_lists.tsv", pack.data.drugs, pack.data.sources)
    lists = evaluate_scenarios(DdiChecker(store), scenarios)
    command = _command_times(home, args.data)
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
        "golden_with_curated_row": {
            k: v for k, v in on_curated.to_dict().items() if k not in ("misses", "alarms")
        },
        "held_out_misses": by_rules.misses,
        "held_out_alarms": by_rules.alarms,
        "scenarios": lists.to_dict(),
        "check_20": {
            "drugs": DRUGS_20,
            "pairs": result20.pairs,
            "interactions": len(result20.interactions),
            "alerts": [f"{a.id}:{a.severity}" for a in result20.alerts],
            "best_ms": round(min(times20), 2),
            "median_ms": round(statistics.median(times20), 2),
            "repeat": args.repeat,
        },
        "command_20": command,
        "golden_rules_only": {k: v for k, v in rules_only.to_dict().items() if k not in ("misses", "alarms")},
        "golden_misses": golden.misses,
        "golden_alarms": golden.alarms,
    }
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "ddi.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    if not args.no_results:
        _record(out, load_start)
    return 0


def _command_times(home: Path, data: Path | None, runs: int = 5) -> dict[str, object]:
    """Wall time of ``kgr ddi check <20 drugs> --json`` as a fresh process: the first run (loads the
    pack into the embedded store and builds the ANSM cache), then the median of ``runs`` more."""
    import subprocess
    import sys

    env = dict(os.environ, KGR_HOME=str(home / "cli"))
    if data is not None:
        env["KGR_DDI_DATA"] = str(data)
    cmd = [sys.executable, "-m", "kgreason.cli.app", "ddi", "check", *DRUGS_20, "--json"]
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        times.append((time.perf_counter() - t) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"kgr ddi check failed ({done.returncode}): {done.stderr[-500:]}")
    return {
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times[1:]), 1),
        "best_ms": round(min(times[1:]), 1),
        "runs": runs,
    }


def _record(out: dict[str, object], load_start: float) -> None:
    check = out["check"]
    golden = out["golden"]
    rules = out["golden_rules_only"]
    uncur = out["golden_without_curated_row"]
    cur = out["golden_with_curated_row"]
    lists = out["scenarios"]
    c20 = out["check_20"]
    cmd = out["command_20"]
    assert isinstance(check, dict) and isinstance(golden, dict) and isinstance(rules, dict)
    assert isinstance(uncur, dict) and isinstance(cur, dict) and isinstance(lists, dict)
    assert isinstance(c20, dict) and isinstance(cmd, dict)
    recall, alarms = golden["recall"], golden["false_alarm_rate"]
    all_raised = lists["expected_raised"] == lists["expected_alerts"] and not lists["spurious_alerts"]
    rows = [
        headline(
            f"10-drug check ({check['pairs']} pairs), warm, median of {check['repeat']}",
            f"{check['median_ms']} ms (best {check['best_ms']}, cold {check['cold_ms']})",
            "<= 200 ms",
            check["median_ms"] <= 200 and check["pairs"] >= 45,
        ),
        headline(
            "interactions found in the list",
            f"{check['interactions']} {check['by_severity']}, ANSM-only {check['ansm_only']}",
        ),
        headline(
            "golden recall (right via, >= min severity)",
            f"{recall} ({golden['hits']}/{golden['interaction_cases']})",
            ">= 0.95",
            recall >= 0.95,
        ),
        headline(
            "golden false alarms (>= moderate on none pairs)",
            f"{alarms} ({golden['false_alarms']}/{golden['none_cases']})",
            "<= 0.05",
            alarms <= 0.05,
        ),
        headline(
            f"golden, held-out half: pairs without a curated row, rules and paths only "
            f"({uncur['interaction_cases']} of {golden['interaction_cases']})",
            f"recall {uncur['recall']} ({uncur['hits']}/{uncur['interaction_cases']}); false alarms "
            f"{uncur['false_alarm_rate']} ({uncur['false_alarms']}/{uncur['none_cases']})",
            ">= 0.90",
            uncur["recall"] >= 0.90,
        ),
        headline(
            f"golden, curated half: pairs with a curated row ({cur['interaction_cases']})",
            f"recall {cur['recall']} ({cur['hits']}/{cur['interaction_cases']}); no none pairs",
        ),
        headline(
            f"whole-list scenarios ({lists['scenarios']})",
            f"{lists['expected_raised']}/{lists['expected_alerts']} expected alerts raised, "
            f"{lists['spurious_alerts']} spurious",
            "all, none",
            all_raised,
        ),
        headline(
            f"20-drug check ({c20['pairs']} pairs, {len(c20['alerts'])} alerts), in-process, median of "
            f"{c20['repeat']}",
            f"{c20['median_ms']} ms (best {c20['best_ms']})",
            "<= 100 ms",
            c20["median_ms"] <= 100,
        ),
        headline(
            f"20-drug `kgr ddi check --json`, fresh process, graph loaded, median of {cmd['runs']}",
            f"{cmd['median_ms']} ms (best {cmd['best_ms']}; first run with pack load {cmd['first_ms']} ms)",
            "<= 1000 ms",
            cmd["median_ms"] <= 1000,
        ),
        headline(
            "golden recall, mechanism rules alone (curated pairs ignored; diagnostic)",
            f"{rules['recall']} ({rules['hits']}/{rules['interaction_cases']}; detected "
            f"{rules['detected_any']}); false alarms {rules['false_alarm_rate']}",
        ),
    ]
    notes = (
        f"Graph: {out['graph']}. One-off: pack load {out['pack_load_ms']} ms, ANSM thesaurus build "
        f"{out['ansm_build_ms']} ms."
    )
    write_record("ddi", out, title="DDI pack", headline=rows, notes=notes, load_at_start=load_start)


if __name__ == "__main__":
    raise SystemExit(main())

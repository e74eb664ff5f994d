"""Latency of the read-only Cypher guard on a 2-hop read, against the raw driver, side by side in one process.

    .venv/bin/python benchmarks/guard_latency.py                        # starts a local Neo4j (full JIT)
    .venv/bin/python benchmarks/guard_latency.py --uri bolt://127.0.0.1:7687 --calls 500

A small random graph (``--nodes`` nodes, ``--edges`` edges, one graph label) is loaded through
``Neo4jStore``; then one 2-hop read with a parameter (a different start node each call) runs ``--calls``
times, interleaved, in four ways:

- raw: ``session.execute_read`` with the same query and parameters, rows turned into dicts;
- guarded: ``run_guarded`` (static check, the server's EXPLAIN verdict remembered per driver, READ
  transaction with timeout and row cap, rows turned into plain Python), as ``Neo4jStore.run_cypher`` uses;
- store: ``Neo4jStore.run_cypher``, the guarded path plus the store's own wrapping (client deadline);
- guarded, first sight: the same with the EXPLAIN verdict forgotten before each call (a new query text).

The static check is timed alone too, remembered and on a text never seen before.

Reports the medians (and p90), the ratio guarded / raw (bar: <= 1.3) and the static check alone. Writes
``benchmarks/out/guard_latency.json``, a record under ``benchmarks/records/`` and prints one line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _records import headline, load_average, write_record  # noqa: E402

from kgreason.config import Settings  # noqa: E402
from kgreason.types import Edge  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "guard_latency.json"
GRAPH = "bench_guard"
QUERY = (
    f"MATCH (a:KG_{GRAPH} {{id: $id}})-->(b:KG_{GRAPH})-->(c:KG_{GRAPH}) "
    "RETURN a.id AS a, b.id AS b, c.id AS c LIMIT 100"
)
BAR = 1.3


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=None, help="a running Neo4j (default: start a local one)")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    load_start = load_average()

    import neo4j

    from kgreason.graph import cypher_guard, cypher_static
    from kgreason.graph.cypher_guard import GuardPolicy, check_static, run_guarded
    from kgreason.graph.neo4j_local import LocalNeo4j, free_port
    from kgreason.graph.neo4j_store import Neo4jStore

    local: LocalNeo4j | None = None
    tmp = tempfile.TemporaryDirectory(prefix="kgr-guard-bench-")
    uri = args.uri
    if uri is None:
        local = LocalNeo4j(Settings(home=Path(tmp.name)), port=free_port())
        uri = local.start(wait_s=300, attached=True, jit="full")
    store = Neo4jStore(GRAPH, Settings(home=Path(tmp.name)), uri=uri)
    try:
        store.drop()
        rng = random.Random(0)
        ids = [f"n{i}" for i in range(args.nodes)]
        edges = {(rng.choice(ids), rng.choice(ids)) for _ in range(args.edges)}
        store.upsert_edges([Edge(s, "links", t) for s, t in edges])
        store.flush()
        driver = store.driver()
        policy = GuardPolicy(graph=GRAPH, max_rows=1000, timeout_s=30.0)

        def raw(start: str) -> list[dict[str, Any]]:
            def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
                return [dict(r) for r in tx.run(QUERY, {"id": start})]

            with driver.session(database=store.database) as session:
                return session.execute_read(work)

        def guarded(start: str) -> list[dict[str, Any]]:
            return list(run_guarded(driver, store.database, QUERY, {"id": start}, policy).rows)

        def through_store(start: str) -> list[dict[str, Any]]:
            return list(store.run_cypher(QUERY, {"id": start}, limit=1000).rows)

        def first_sight(start: str) -> list[dict[str, Any]]:
            cypher_guard._verdicts = cypher_guard._Verdicts()  # forget: as for a query never seen before
            return guarded(start)

        for start in ids[:50]:  # warm up the JIT, the plan cache and the connection pool
            assert raw(start) == guarded(start)
            first_sight(start)
        times: dict[str, list[float]] = {"raw": [], "guarded": [], "store": [], "first_sight": []}
        runs = {"raw": raw, "guarded": guarded, "store": through_store, "first_sight": first_sight}
        rows = 0
        for _ in range(args.calls):
            start = ids[rng.randrange(len(ids))]
            order = list(runs)
            rng.shuffle(order)  # interleaved in random order: drift on a shared machine hits all three
            for name in order:
                t0 = time.perf_counter()
                out = runs[name](start)
                times[name].append(time.perf_counter() - t0)
                rows += len(out) if name == "raw" else 0
        static, static_new = [], []
        for _ in range(2000):
            t0 = time.perf_counter()
            check_static(QUERY, policy, {"id": "n1"})
            static.append(time.perf_counter() - t0)
            cypher_static._passed.clear()  # a text never seen: the full lexer and rule pass
            t0 = time.perf_counter()
            check_static(QUERY, policy, {"id": "n1"})
            static_new.append(time.perf_counter() - t0)
    finally:
        store.drop()
        store.close()
        if local is not None:
            local.stop()
        tmp.cleanup()

    stats = {name: _ms(samples) for name, samples in times.items()}
    ratio = stats["guarded"]["median_ms"] / stats["raw"]["median_ms"]
    first = stats["first_sight"]["median_ms"] / stats["raw"]["median_ms"]
    via_store = stats["store"]["median_ms"] / stats["raw"]["median_ms"]
    report = {
        "benchmark": "guard_latency",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}",
        "neo4j": "local (started here, full JIT)" if args.uri is None else "given --uri",
        "query": QUERY,
        "graph": {"nodes": args.nodes, "edges": len(edges)},
        "calls": args.calls,
        "mean_rows": round(rows / max(args.calls, 1), 1),
        "latency": stats,
        "static_check_ms": _ms(static),
        "static_check_first_sight_ms": _ms(static_new),
        "ratio_guarded_over_raw": round(ratio, 3),
        "ratio_first_sight_over_raw": round(first, 3),
        "ratio_store_run_cypher_over_raw": round(via_store, 3),
        "bar": BAR,
        "met": ratio <= BAR,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lat = {name: f"{v['median_ms']} ms (p90 {v['p90_ms']})" for name, v in stats.items()}
    write_record(
        "guard_latency",
        report,
        title="Cypher guard latency",
        headline=[
            headline(f"2-hop read x{args.calls}, raw driver, median", lat["raw"]),
            headline("`run_guarded`, median", lat["guarded"]),
            headline("`run_guarded` / raw", f"x{ratio:.2f}", f"<= x{BAR}", ratio <= BAR),
            headline("`Neo4jStore.run_cypher` / raw", f"x{via_store:.2f} ({lat['store']})"),
            headline("a query text seen for the first time / raw", f"x{first:.2f} ({lat['first_sight']})"),
            headline(
                "static check alone, remembered / first sight",
                f"{report['static_check_ms']['median_ms']} / {report['static_check_first_sight_ms']['median_ms']} ms",
            ),
        ],
        notes=f"Neo4j: {report['neo4j']}; graph {report['graph']['nodes']} nodes, {report['graph']['edges']} edges.",
        load_at_start=load_start,
    )
    print(
        f"guard latency, 2-hop read x{args.calls}: raw {stats['raw']['median_ms']} ms, guarded "
        f"{stats['guarded']['median_ms']} ms (x{ratio:.2f}, bar x{BAR}: {'met' if ratio <= BAR else 'NOT met'}), "
        f"Neo4jStore.run_cypher {stats['store']['median_ms']} ms (x{via_store:.2f}), "
        f"first sight {stats['first_sight']['median_ms']} ms (x{first:.2f}), static check "
        f"{report['static_check_ms']['median_ms']} ms ({report['static_check_first_sight_ms']['median_ms']} ms "
        f"first sight) -> {args.out.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()

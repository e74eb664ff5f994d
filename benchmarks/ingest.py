"""Ingest speed of both graph stores on a skewed (Zipf) graph, side by side in one process.

    .venv/bin/python benchmarks/ingest.py                      # 1M edges, ~200k nodes, 20 types
    .venv/bin/python benchmarks/ingest.py --edges 100000 --nodes 20000 --uri bolt://127.0.0.1:7687

Measures, in one run:

- the memory store: edges/s through ``upsert_edges`` (batches) + ``flush``, and RAM per edge at full size
  (RSS growth while loading, plus the node-id strings the store keeps; the input list is not counted);
- the Neo4j store: edges/s through batched ``upsert_edges`` with the uniqueness constraint in place, on a
  local Neo4j started under a temporary KGR_HOME (or ``--uri``);
- our batched loader vs one transaction per row (``MERGE`` per edge) on the same sample, as a ratio;
- the read-only guard's added latency: median of (guarded query) - median of (the same query, unguarded),
  and the median EXPLAIN round trip on its own.

Writes ``benchmarks/out/ingest.json`` and a record under ``benchmarks/records/``. Bars:
Neo4j >= 50,000 edges/s; memory >= 200,000 edges/s and <= 1 KB RAM per edge at 1M edges.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _records import headline, write_record  # noqa: E402

from kgreason.config import Neo4jSettings, Settings  # noqa: E402
from kgreason.types import Edge  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "ingest.json"  # --out overrides


def rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def zipf_edges(n_edges: int, n_nodes: int, n_types: int, *, exponent: float, seed: int) -> list[Edge]:
    """``n_edges`` distinct edges; both ends drawn from a Zipf(``exponent``) law over ``n_nodes`` nodes,
    relation types from a milder Zipf law, so a few hubs carry a large share of the edges."""
    rng = random.Random(seed)
    ids = [f"Q{i}" for i in range(n_nodes)]
    rng.shuffle(ids)  # hub ids are not the smallest ids
    node_cw = list(itertools.accumulate(1.0 / (r**exponent) for r in range(1, n_nodes + 1)))
    type_cw = list(itertools.accumulate(1.0 / (r**0.8) for r in range(1, n_types + 1)))
    types = [f"rel_{i:02d}" for i in range(n_types)]
    seen: set[tuple[int, int, int]] = set()
    edges: list[Edge] = []
    total_n, total_t = node_cw[-1], type_cw[-1]
    while len(edges) < n_edges:
        s = bisect.bisect_left(node_cw, rng.random() * total_n)
        t = bisect.bisect_left(node_cw, rng.random() * total_n)
        r = bisect.bisect_left(type_cw, rng.random() * total_t)
        key = (s, r, t)
        if s == t or key in seen:
            continue
        seen.add(key)
        edges.append(Edge(ids[s], types[r], ids[t]))
    return edges


def batches(edges: list[Edge], size: int) -> Iterator[list[Edge]]:
    for start in range(0, len(edges), size):
        yield edges[start : start + size]


def degree_summary(edges: list[Edge]) -> dict[str, Any]:
    degree: dict[str, int] = {}
    for e in edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    ranked = sorted(degree.values(), reverse=True)
    top = max(1, len(ranked) // 100)
    return {
        "nodes": len(ranked),
        "max_degree": ranked[0],
        "median_degree": statistics.median(ranked),
        "top1pct_edge_share": round(sum(ranked[:top]) / (2 * len(edges)), 3),
    }


def bench_memory(edges: list[Edge], batch: int, home: Path) -> dict[str, Any]:
    from kgreason.graph.memory import MemoryStore

    store = MemoryStore("bench_ingest", Settings(home=home))
    store.drop()
    gc.collect()
    rss0 = rss_bytes()
    started = time.perf_counter()
    for chunk in batches(edges, batch):
        store.upsert_edges(chunk)
    loaded = time.perf_counter() - started
    gc.collect()
    rss1 = rss_bytes()
    store.flush()
    total = time.perf_counter() - started
    stats = store.stats()
    # the store keeps the node-id strings, which the input list here already owns (not in the RSS delta)
    id_bytes = sum(sys.getsizeof(n) for n in store.nx_graph._node)
    ram = rss1 - rss0 + id_bytes
    result = {
        "edges": stats.edges,
        "nodes": stats.nodes,
        "seconds_upsert": round(loaded, 2),
        "seconds_with_flush": round(total, 2),
        "edges_per_s": round(stats.edges / loaded),
        "edges_per_s_with_flush": round(stats.edges / total),
        "rss_delta_mb": round((rss1 - rss0) / 2**20, 1),
        "node_id_strings_mb": round(id_bytes / 2**20, 1),
        "ram_bytes_per_edge": round(ram / stats.edges),
        "file_mb": round(store.path.stat().st_size / 2**20, 1),
    }
    store.drop()
    del store
    gc.collect()
    return result


def bench_neo4j(edges: list[Edge], batch: int, uri: str, sample: int, save: Any) -> dict[str, Any]:
    """Per-row comparison and guard latency first (quick), then the full load; ``save`` after each."""
    import neo4j

    from kgreason.graph.neo4j_store import Neo4jStore

    settings = Settings(home=Path(tempfile.gettempdir()), neo4j=Neo4jSettings(uri=uri, batch_size=batch))
    result: dict[str, Any] = {"batch_size": batch}

    # our loader vs one transaction per row on the same sample. Each first loads other rows into its
    # graph (JIT, constraint and plan caches warm: a schema change such as creating the constraint
    # flushes Neo4j's plan cache), then the sample is timed as new edges.
    rows, warm = edges[:sample], edges[sample : 2 * sample]
    batched = Neo4jStore("bench_batched", settings, uri=uri)
    batched.drop()
    batched.upsert_edges(warm)
    t0 = time.perf_counter()
    for chunk in batches(rows, batch):
        batched.upsert_edges(chunk)
    batched_s = time.perf_counter() - t0
    batched.drop()
    batched.close()

    per_row = Neo4jStore("bench_per_row", settings, uri=uri)
    per_row.drop()
    per_row._ensure_graph()
    kg = per_row.graph_label
    driver = per_row.driver()
    per_row_s = 0.0
    with driver.session(database=per_row.database) as session:
        for timed in (False, True):
            t0 = time.perf_counter()
            for e in rows if timed else warm:
                query = (
                    f"MERGE (s:`{kg}` {{id: $s}}) ON CREATE SET s:Entity "
                    f"MERGE (t:`{kg}` {{id: $t}}) ON CREATE SET t:Entity "
                    f"MERGE (s)-[r:`{e.type}`]->(t) ON CREATE SET r.id = $id"
                )

                def work(tx: neo4j.ManagedTransaction, q: str = query, e: Edge = e) -> None:
                    tx.run(q, s=e.source, t=e.target, id=e.id).consume()

                session.execute_write(work)
            per_row_s = time.perf_counter() - t0
    assert per_row.stats().edges == len(rows) + len(warm)
    per_row.drop()
    per_row.close()
    result["per_row"] = {
        "rows": len(rows),
        "batched_edges_per_s": round(len(rows) / batched_s),
        "per_row_edges_per_s": round(len(rows) / per_row_s),
        "ratio": round(per_row_s / batched_s, 1),
    }
    print(f"  per-row: {json.dumps(result['per_row'])}", flush=True)
    guard_store = Neo4jStore("bench_guard", settings, uri=uri)
    result["guard"] = bench_guard(guard_store)
    guard_store.close()
    print(f"  guard: {json.dumps(result['guard'])}", flush=True)
    save(result)

    store = Neo4jStore("bench_ingest", settings, uri=uri)
    store.drop()
    started = time.perf_counter()
    progress_at = started
    done = 0
    for chunk in batches(edges, batch):
        store.upsert_edges(chunk)
        done += len(chunk)
        if time.perf_counter() - progress_at > 30:
            progress_at = time.perf_counter()
            rate = done / (progress_at - started)
            print(f"  neo4j: {done:,} edges, {rate:,.0f} edges/s", flush=True)
    seconds = time.perf_counter() - started
    stats = store.stats()
    result.update({"edges": stats.edges, "nodes": stats.nodes, "seconds": round(seconds, 2)})
    result["edges_per_s"] = round(stats.edges / seconds)
    result["per_row"]["full_load_vs_per_row"] = round(
        result["edges_per_s"] / max(1, result["per_row"]["per_row_edges_per_s"]), 1
    )
    save(result)
    t0 = time.perf_counter()
    store.drop()
    result["drop_s"] = round(time.perf_counter() - t0, 1)
    store.close()
    return result


def bench_guard(store: Any, runs: int = 200) -> dict[str, Any]:
    """Added latency of the read-only guard on a small read."""
    from kgreason.graph.neo4j_values import quote_name

    store.upsert_edges([Edge("a", "r", "b"), Edge("b", "r", "c")])
    query = f"MATCH (n:{quote_name(store.graph_label)})-[r]->(m) RETURN n.id, type(r), m.id LIMIT 10"
    driver = store.driver()

    def plain_run() -> None:
        with driver.session(database=store.database) as session:
            session.execute_read(lambda tx: list(tx.run(query)))

    def explain_only() -> None:
        with driver.session(database=store.database) as session:
            session.execute_read(lambda tx: tx.run("EXPLAIN " + query).consume())

    timings: dict[str, list[float]] = {"plain": [], "guarded": [], "explain": []}
    for _ in range(20):  # warm the plan caches
        plain_run()
        store.run_cypher(query)
    for _ in range(runs):
        for name, fn in (("plain", plain_run), ("guarded", lambda: store.run_cypher(query))):
            t0 = time.perf_counter()
            fn()
            timings[name].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        explain_only()
        timings["explain"].append((time.perf_counter() - t0) * 1000)
    store.drop()
    med = {k: statistics.median(v) for k, v in timings.items()}
    return {
        "runs": runs,
        "plain_median_ms": round(med["plain"], 2),
        "guarded_median_ms": round(med["guarded"], 2),
        "added_median_ms": round(med["guarded"] - med["plain"], 2),
        "explain_round_trip_median_ms": round(med["explain"], 2),
    }


def write_json(report: dict[str, Any]) -> None:
    """Saved after every phase, so a later failure keeps what was measured."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_avg_1m": round(load[0], 2),
    }


def record_results(report: dict[str, Any], variant: str | None) -> None:
    mem, neo = report.get("memory"), report.get("neo4j")
    rows = []
    if mem:
        rows += [
            headline("memory store ingest (upsert)", f"{mem['edges_per_s']:,} edges/s", ">= 200,000",
                     mem["edges_per_s"] >= 200_000),
            headline("memory store ingest + flush", f"{mem['edges_per_s_with_flush']:,} edges/s"),
            headline("memory store RAM", f"{mem['ram_bytes_per_edge']:,} B/edge", "<= 1,024",
                     mem["ram_bytes_per_edge"] <= 1024),
        ]  # fmt: skip
    if neo:
        pr, guard = neo["per_row"], neo["guard"]
        rows += [
            headline(f"Neo4j ingest, {neo.get('edges', 0):,} edges (batches of {neo['batch_size']:,}, "
                     "constraint on)", f"{neo.get('edges_per_s', 0):,} edges/s", ">= 50,000",
                     neo.get("edges_per_s", 0) >= 50_000),
            headline(f"Neo4j batched vs one transaction per row ({pr['rows']:,} rows, warm)",
                     f"{pr['ratio']}x ({pr['batched_edges_per_s']:,} vs {pr['per_row_edges_per_s']:,} edges/s)"),
            headline("Neo4j full-load rate vs per-row rate", f"{pr.get('full_load_vs_per_row', '-')}x"),
            headline(f"Cypher guard added latency (median of {guard['runs']})",
                     f"{guard['added_median_ms']} ms (EXPLAIN round trip {guard['explain_round_trip_median_ms']} ms)"),
        ]  # fmt: skip
    g = report["graph"]
    notes = (
        f"Graph: {g['edges']:,} edges, {g['nodes']:,} nodes, {g['types']} types, Zipf s={g['exponent']} "
        f"(max degree {g['degrees']['max_degree']:,}, top 1% of nodes hold "
        f"{g['degrees']['top1pct_edge_share']:.0%} of edge ends)."
    )
    write_record(
        "ingest",
        report,
        variant=variant,
        title="Graph ingest",
        headline=rows,
        notes=notes,
        load_at_start=report["machine"]["load_avg_1m"],
    )


def main(argv: list[str] | None = None) -> int:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--types", type=int, default=20)
    ap.add_argument("--exponent", type=float, default=1.0, help="Zipf exponent of the degree law")
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=2_000, help="rows for the per-row comparison")
    ap.add_argument("--uri", help="an existing Neo4j (default: start a local one under a temp KGR_HOME)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument(
        "--no-record", action="store_true", help="do not write a record under benchmarks/records/"
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=OUT, help="where the JSON goes")
    args = ap.parse_args(argv)
    OUT = args.out

    report: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}
    t0 = time.perf_counter()
    edges = zipf_edges(args.edges, args.nodes, args.types, exponent=args.exponent, seed=args.seed)
    report["graph"] = {
        "edges": len(edges),
        "types": args.types,
        "exponent": args.exponent,
        "nodes": degree_summary(edges)["nodes"],
        "degrees": degree_summary(edges),
        "generate_s": round(time.perf_counter() - t0, 1),
    }
    print(f"graph: {json.dumps(report['graph'])}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kgr-bench-") as tmp:
        home = Path(tmp)
        if not args.skip_memory:
            report["memory"] = bench_memory(edges, args.batch, home)
            print(f"memory: {json.dumps(report['memory'])}", flush=True)
            write_json(report)
        if not args.skip_neo4j:
            local = None
            uri = args.uri
            if uri is None:
                from kgreason.graph.neo4j_local import LocalNeo4j, free_port

                local = LocalNeo4j(Settings(home=home), port=free_port())
                t1 = time.perf_counter()
                uri = local.start(attached=True, wait_s=300)
                report["neo4j_start_s"] = round(time.perf_counter() - t1, 1)

            def save(partial: dict[str, Any]) -> None:
                report["neo4j"] = partial
                write_json(report)

            try:
                report["neo4j"] = bench_neo4j(edges, args.batch, uri, args.sample, save)
                print(f"neo4j: {json.dumps(report['neo4j'])}", flush=True)
            finally:
                if local is not None:
                    local.stop()
    report["load_avg_end"] = round(os.getloadavg()[0], 2)
    write_json(report)
    if not args.no_record:
        parts = [f"{args.edges}-edges"] if args.edges != 1_000_000 else []
        parts += ["memory"] if args.skip_neo4j else ["neo4j"] if args.skip_memory else []
        record_results(report, "-".join(parts) or None)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

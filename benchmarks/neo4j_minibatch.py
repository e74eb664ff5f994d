"""Link-prediction training from Neo4j with per-batch neighbour sampling, on generated graphs of growing size.

    .venv/bin/python benchmarks/neo4j_minibatch.py                       # 100k and 1M edges
    .venv/bin/python benchmarks/neo4j_minibatch.py --edges 30000,100000 --seed-nodes 64 --seed-cap 8 --neighbors 5,3
    # load once into a kept server (left running), then train on the loaded graphs as often as needed
    .venv/bin/python benchmarks/neo4j_minibatch.py --home /tmp/mb --load-only --batch-size 5000
    .venv/bin/python benchmarks/neo4j_minibatch.py --home /tmp/mb --reuse --steps 30

For each size: a Zipf graph (``ingest.zipf_edges``: exponent 0.5, one node per 5 edges, 20 relation
types) is loaded into a local Neo4j (started once under a temporary KGR_HOME, or ``--uri``) through
``upsert_edges`` and the load is timed; then a fresh Python process trains ``--steps`` mini-batches with
``fusion.gnn.neo4j_sampling.train_linkpred_sampled`` (R-GCN encoder, DistMult, dim 32, Adagrad; by
default 256 seed source nodes per batch, up to 16 seed edges each, neighbours 10 then 5, as
``kgr train linkpred --store neo4j``; ``--seed-nodes``, ``--seed-cap``, ``--neighbors``), and reports its peak RSS
(``ru_maxrss`` of that process at the end of training: imports, the node-id list, the model and every
batch), the RSS after imports, sampled edges/s (edge rows Neo4j returned / seconds spent in the sampling
queries) and training steps/s. Held-out evaluation is off here (the tests check quality).

Bar (issue 17): peak RSS at the largest size within 20 % of the smallest. The model's entity table grows
with the node count (nodes x dim floats, with its gradient and optimiser state); the edge index is never
held, so the rest should not grow with the edge count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _records import headline, load_average, write_record  # noqa: E402

from kgreason.config import Neo4jSettings, Settings  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "neo4j_minibatch.json"


def _rss_now_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child(args: argparse.Namespace) -> int:
    """Train in this process and print one JSON line (run in a fresh process per size)."""
    from kgreason.fusion.gnn.linkpred import LinkPredConfig
    from kgreason.fusion.gnn.neo4j_sampling import train_linkpred_sampled
    from kgreason.fusion.gnn.run_settings import make_config, set_threads
    from kgreason.graph.neo4j_store import Neo4jStore

    set_threads(1)
    import torch_geometric.nn  # noqa: F401  (imported before the baseline reading)

    settings = Settings(home=Path(args.home), neo4j=Neo4jSettings(uri=args.uri, query_timeout_s=600))
    store = Neo4jStore(args.graph, settings, uri=args.uri)
    base_kb = _rss_now_kb()
    config = make_config(
        LinkPredConfig,
        {"encoder": "rgcn", "decoder": "distmult", "dim": 32, "layers": 1, "optimizer": "adagrad",
         "lr": 0.05, "reg": 0.0, "epochs": 1, "max_seconds": 1e9},
    )  # fmt: skip
    at_end: dict[str, int] = {}

    def progress(epoch: int, row: dict[str, float]) -> None:
        at_end["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t0 = time.perf_counter()
    result = train_linkpred_sampled(
        store, config, num_neighbors=[int(k) for k in args.neighbors.split(",")], seed_nodes=args.seed_nodes,
        seed_cap=args.seed_cap, eval_edges=0, max_steps=args.steps, progress=progress,
    )  # fmt: skip
    total = time.perf_counter() - t0
    store.close()
    print(
        json.dumps(
            {
                "entities": len(result.dataset.entities),
                "relations": len(result.dataset.relations),
                "steps": result.steps,
                "edges_fetched": result.edges_fetched,
                "max_edges_per_batch": result.max_edges_per_batch,
                "sampling_s": round(result.sampling_seconds, 2),
                "train_s": round(result.seconds, 2),
                "total_s": round(total, 2),
                "sampled_edges_per_s": round(result.edges_fetched / max(result.sampling_seconds, 1e-9)),
                "steps_per_s": round(result.steps / max(result.seconds, 1e-9), 2),
                "rss_after_imports_mb": round(base_kb / 1024, 1),
                "peak_rss_mb": round(at_end.get("peak_kb", 0) / 1024, 1),
                "entity_table_mb": round(len(result.dataset.entities) * 32 * 4 / 2**20, 1),
            }
        )
    )
    return 0


def load(
    uri: str, home: Path, graph: str, n_edges: int, seed: int, *, batch_size: int, reuse: bool
) -> dict[str, Any]:
    """Load the generated graph (timed), or with ``reuse`` take the graph already there when it holds
    ``n_edges`` edges, with the timings written when it was loaded (``<home>/minibatch-loads.json``)."""
    from ingest import zipf_edges

    from kgreason.graph.neo4j_store import Neo4jStore

    settings = Settings(home=home, neo4j=Neo4jSettings(uri=uri, batch_size=batch_size, query_timeout_s=600))
    loads_path = home / "minibatch-loads.json"
    loads = json.loads(loads_path.read_text()) if loads_path.exists() else {}
    if reuse and graph in loads:
        store = Neo4jStore(graph, settings, uri=uri)
        edges_now = store.stats().edges if store.exists() else 0
        store.close()
        if edges_now == loads[graph]["edges"]:
            return {**loads[graph], "reused": True}
    t0 = time.perf_counter()
    edges = zipf_edges(n_edges, n_edges // 5, 20, exponent=0.5, seed=seed)
    generated = time.perf_counter() - t0
    store = Neo4jStore(graph, settings, uri=uri)
    store.drop()
    t1 = time.perf_counter()
    for start in range(0, len(edges), 10_000):
        store.upsert_edges(edges[start : start + 10_000])
        done = start + 10_000
        print(f"  {graph}: {done:,} edges in {time.perf_counter() - t1:.0f} s", file=sys.stderr, flush=True)
    store.flush()
    loaded = time.perf_counter() - t1
    stats = store.stats()
    store.close()
    row = {
        "edges": stats.edges,
        "nodes": stats.nodes,
        "generate_s": round(generated, 1),
        "load_s": round(loaded, 1),
        "load_edges_per_s": round(stats.edges / max(loaded, 1e-9)),
        "batch_size": batch_size,
        "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    loads[graph] = row
    loads_path.write_text(json.dumps(loads, indent=2))
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", default="100000,1000000", help="comma-separated graph sizes")
    ap.add_argument("--steps", type=int, default=60, help="training mini-batches per size")
    ap.add_argument("--uri", help="an existing Neo4j (default: start a local one under a temp KGR_HOME)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--variant", help="record variant name (e.g. the sizes covered)")
    ap.add_argument("--seed-nodes", type=int, default=256, help="seed source nodes per batch")
    ap.add_argument("--seed-cap", type=int, default=16, help="seed edges per source node")
    ap.add_argument("--neighbors", default="10,5", help="edges sampled per node at each hop")
    ap.add_argument("--batch-size", type=int, default=1_000, help="edges per write transaction when loading")
    ap.add_argument(
        "--home",
        help="KGR_HOME for the local Neo4j, kept (and the server left running) so a later run can --reuse "
        "its graphs (default: a temporary one, stopped at the end)",
    )
    ap.add_argument("--reuse", action="store_true", help="keep a graph already loaded with the same size")
    ap.add_argument("--load-only", action="store_true", help="load the graphs, train nothing, record nothing")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--graph", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    if args.home is None:
        with tempfile.TemporaryDirectory(prefix="kgr-mb-") as tmp:
            return run(args, Path(tmp), keep=False)
    Path(args.home).mkdir(parents=True, exist_ok=True)
    return run(args, Path(args.home).resolve(), keep=True)


def run(args: argparse.Namespace, home: Path, *, keep: bool) -> int:
    load0 = load_average()
    sizes = [int(s) for s in args.edges.split(",")]
    runs: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "sizes": runs,
        "steps": args.steps,
        "seed_nodes": args.seed_nodes,
        "seed_cap": args.seed_cap,
        "neighbors": args.neighbors,
    }
    local = None
    uri = args.uri
    if uri is None:
        from kgreason.graph.neo4j_local import LocalNeo4j, free_port

        local = LocalNeo4j(Settings(home=home), port=free_port())
        uri = local.start(attached=not keep, wait_s=300, jit="full" if keep else "quick")
    try:
        for n in sizes:
            graph = f"minibatch_{n}"
            loaded = load(uri, home, graph, n, args.seed, batch_size=args.batch_size, reuse=args.reuse)
            row: dict[str, Any] = {"requested_edges": n, "graph": loaded}
            print(f"{n:,} edges loaded: {json.dumps(row['graph'])}", flush=True)
            if args.load_only:
                continue
            cmd = [sys.executable, __file__, "--child", "--graph", graph, "--home", str(home),
                   "--uri", uri, "--steps", str(args.steps), "--seed-nodes", str(args.seed_nodes),
                   "--seed-cap", str(args.seed_cap), "--neighbors", args.neighbors]  # fmt: skip
            done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=os.environ.copy())
            if done.returncode != 0:
                raise SystemExit(f"training on {n:,} edges failed:\n{done.stderr[-4000:]}")
            row["train"] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{n:,} edges trained: {json.dumps(row['train'])}", flush=True)
            runs.append(row)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            OUT.write_text(json.dumps(report, indent=2))
    finally:
        if local is not None and not keep:
            local.stop()
    if args.load_only:
        return 0
    small, big = runs[0], runs[-1]
    ratio = big["train"]["peak_rss_mb"] / max(small["train"]["peak_rss_mb"], 1e-9)
    report["peak_rss_ratio"] = round(ratio, 3)
    OUT.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    if args.no_record:
        return 0
    heads = [
        headline(
            f"peak RSS, {big['graph']['edges']:,} vs {small['graph']['edges']:,} edges",
            f"{big['train']['peak_rss_mb']:.0f} vs {small['train']['peak_rss_mb']:.0f} MB ({ratio:.2f}x)",
            "<= 1.20x",
            ratio <= 1.20,
        )
    ]
    for r in runs:
        t, g = r["train"], r["graph"]
        heads.append(
            headline(
                f"{g['edges']:,} edges: sampled edges/s (steps/s)",
                f"{t['sampled_edges_per_s']:,} ({t['steps_per_s']})",
            )
        )
        heads.append(
            headline(f"{g['edges']:,} edges: Neo4j load", f"{g['load_s']} s ({g['load_edges_per_s']:,}/s)")
        )
    write_record(
        "neo4j_minibatch",
        report,
        variant=args.variant,
        title="Neo4j mini-batch training (neighbour sampling)",
        headline=heads,
        notes=(
            f"{args.steps} mini-batches per size ({args.seed_nodes} seed source nodes, up to {args.seed_cap} "
            f"seed edges each, neighbours per hop {args.neighbors}; R-GCN dim 32, DistMult, Adagrad), each "
            "size in a fresh process; "
            "peak RSS = ru_maxrss at the end of training. Graphs: Zipf (exponent 0.5), one node per 5 edges, 20 types. "
            "Loads: `Neo4jStore.upsert_edges`, 10,000 edges a call, one write transaction per `batch_size` edges; "
            "a graph a `--reuse` run found loaded carries the timing of the run that loaded it (`loaded_at`)."
        ),
        load_at_start=load0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the gnn strategy: train on generated QA over a ~10k-edge graph, then Hits@1 on held-out sets.

Builds the synthetic world graph (``kgreason.testing.synthetic``) in the memory store, generates a
training set (1-3 hops), a dev set (2-3 hops) and 2-hop / 3-hop test sets with ``make_qa`` (different
seeds; test and dev questions whose (topic, relation path) occurs in training are removed), trains the
joint model exactly as ``kgr train qa`` does (wall-clock time includes embedding nodes and questions),
and evaluates ``--strategy gnn --llm none`` with the topic entity given. Bars: Hits@1 >= 0.97 (2-hop),
>= 0.95 (3-hop), trained in <= 5 minutes on 2 CPU cores. Writes benchmarks/out/gnn_qa.json and a
record under benchmarks/records/ (with the load average: the box may be shared).

    .venv/bin/python benchmarks/gnn_qa.py [--train 1500] [--n 200] [--threads 1] [-o key=value ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _records import headline, write_record

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import QAItem, make_qa
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge

ROOT = Path(__file__).resolve().parent


def _key(item: QAItem) -> tuple[str | None, tuple[str, ...]]:
    return item.topic_entity, tuple(item.relations or ())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="graph size (about 5 edges per person)")
    parser.add_argument("--train", type=int, default=1500, help="training questions")
    parser.add_argument("--n", type=int, default=200, help="test questions per hop count")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("-o", "--option", action="append", default=[], help="QA model option KEY=VALUE")
    args = parser.parse_args()
    options: dict[str, Any] = {}
    for item in args.option:
        key, _, raw = item.partition("=")
        options[key] = json.loads(raw)

    home = Path(tempfile.mkdtemp(prefix="kgr-bench-"))
    os.environ["KGR_HOME"] = str(home)
    settings = Settings.from_env()
    store = MemoryStore("world", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(args.people)])
    store.flush()
    stats = store.stats()
    print(f"graph: {stats.nodes} nodes, {stats.edges} edges", file=sys.stderr)

    from kgreason.embed import default_encoder
    from kgreason.fusion.gnn.training import train_qa_model

    encoder = default_encoder()
    train = make_qa(store, hops=[1, 2, 3], n=args.train, seed=11)
    seen = {_key(i) for i in train}
    dev = [i for i in make_qa(store, hops=[2, 3], n=200, seed=12) if _key(i) not in seen]
    tests = {
        h: [i for i in make_qa(store, hops=[h], n=args.n, seed=100 + h) if _key(i) not in seen]
        for h in (2, 3)
    }
    load_before = os.getloadavg()
    started = time.perf_counter()
    meta = train_qa_model(
        store, train, dev, settings=settings, options=options, encoder=encoder,
        device=args.device, threads=args.threads,
        progress=lambda e, r: print({k: round(v, 4) for k, v in r.items()}, file=sys.stderr),
    )  # fmt: skip
    train_wall = time.perf_counter() - started
    load_after = os.getloadavg()
    engine = Engine(store, strategy="gnn", settings=settings, encoder=encoder)
    rows = []
    for hops, items in tests.items():
        summary, _ = evaluate(engine, items)
        rows.append({"hops": hops, **summary})
        print(
            f"hops={hops} n={summary['n']} hits@1={summary['hits@1']:.3f} f1={summary['f1']:.3f}",
            file=sys.stderr,
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "graph": stats.to_dict(),
        "train_questions": len(train),
        "dev_questions": len(dev),
        "train_wall_s": round(train_wall, 1),
        "load_avg_before": load_before,
        "load_avg_after": load_after,
        "meta": {k: meta[k] for k in ("config", "metrics", "graph_hash")},
        "rows": rows,
    }
    print(json.dumps(result, indent=2, default=str))
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "gnn_qa.json").write_text(json.dumps(result, indent=2, default=str))
    m = meta["metrics"]
    bars = {2: 0.97, 3: 0.95}
    rows_h = [
        headline(
            f"Hits@1, {r['hops']}-hop (n={r['n']}; Hits@5 {r['hits@5']:.3f}, F1 {r['f1']:.3f}, "
            f"p50 {r['latency_ms_p50']:.1f} ms, faithfulness {r['faithfulness']:.3f})",
            round(r["hits@1"], 3),
            f">= {bars[r['hops']]}" if r["hops"] in bars else None,
            r["hits@1"] >= bars[r["hops"]] if r["hops"] in bars else None,
        )
        for r in rows
    ]
    rows_h.append(
        headline(
            f"training wall time ({args.threads} torch thread(s), device {args.device})",
            f"{train_wall:.0f} s",
            "<= 300 s",
            train_wall <= 300,
        )
    )
    notes = (
        f"Synthetic world graph, memory store: {stats.nodes} nodes, {stats.edges} edges. Trained on {len(train)} "
        f"generated questions (1-3 hops), early stopping on {len(dev)} dev questions; test sets exclude training "
        f"(topic, relation path) pairs; topic entity given; `--llm none`. Training wall time {train_wall:.0f} s "
        f"(embedding {m['prepare_seconds']} s + {m['epochs']} epochs {m['train_seconds']} s; "
        f"{m['edges_x_layers_per_second']:.0f} edges x layers / s)."
    )
    write_record(
        "gnn_qa",
        result,
        title="gnn strategy (QA)",
        headline=rows_h,
        notes=notes,
        load_at_start=round(load_before[0], 2),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

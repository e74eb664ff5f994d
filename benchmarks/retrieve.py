"""Benchmark the retrieve strategy: Hits@1 with the bundled model and without an LLM, latency, evidence size.

Builds the synthetic world graph (about 10k edges, ``kgreason.testing.synthetic``) in the memory store,
generates 1-hop and 2-hop question sets with ``make_qa``, and evaluates, side by side in one run:

- ``--llm none``: ranked answers only (latency bar: p50 <= 50 ms per question on a 10k-edge graph);
- the bundled default model (llama.cpp, SmolLM2-135M): one constrained call per question
  (bars: Hits@1 >= 0.80 on 1-hop and >= 0.60 on 2-hop; evidence <= 1,000 tokens).

The relation-path embedding cache is warmed by a first pass that is not timed; the timed pass is what
the table reports (a cold first question also pays for model loading). Writes benchmarks/out/retrieve.json
and a record under benchmarks/records/.

    .venv/bin/python benchmarks/retrieve.py [--n 100] [--no-llm]
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

from _records import headline, load_average, write_record

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import make_qa
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge

ROOT = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="questions per hop count")
    parser.add_argument("--people", type=int, default=2150, help="graph size (about 5 edges per person)")
    parser.add_argument("--no-llm", action="store_true", help="skip the bundled-model runs")
    args = parser.parse_args()
    load_start = load_average()

    home = Path(tempfile.mkdtemp(prefix="kgr-bench-"))
    os.environ["KGR_HOME"] = str(home)
    settings = Settings.from_env()
    store = MemoryStore("world", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(args.people)])
    store.flush()
    stats = store.stats()
    print(f"graph: {stats.nodes} nodes, {stats.edges} edges", file=sys.stderr)

    from kgreason.embed import default_encoder

    encoder = default_encoder()
    sets = {h: make_qa(store, hops=[h], n=args.n, seed=h) for h in (1, 2)}
    rows = []
    llms: list[str] = ["none"] if args.no_llm else ["none", "llamacpp"]
    for llm_name in llms:
        chat = None
        if llm_name != "none":
            from kgreason.llm import create_chat_model

            chat = create_chat_model(llm_name, settings=settings)
        engine = Engine(store, llm=chat, settings=settings, encoder=encoder)
        for hops, items in sets.items():
            if llm_name == "none":
                evaluate(engine, items)  # warm the relation-path embedding cache; not reported
            started = time.perf_counter()
            summary, _ = evaluate(engine, items)
            summary["wall_s"] = round(time.perf_counter() - started, 2)
            row = {"llm": llm_name, "hops": hops, **summary}
            rows.append(row)
            print(
                f"llm={llm_name:9} hops={hops} n={row['n']} hits@1={row['hits@1']:.3f} hits@5={row['hits@5']:.3f} "
                f"f1={row['f1']:.3f} p50={row['latency_ms_p50']:.1f}ms p95={row['latency_ms_p95']:.1f}ms "
                f"llm_calls={row['llm_calls']:.2f} evidence_tokens_max={row.get('evidence_tokens_max', 0):.0f}",
                file=sys.stderr,
            )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "graph": stats.to_dict(),
        "rows": rows,
    }
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "retrieve.json").write_text(json.dumps(result, indent=2))
    bars = {("llamacpp", 1): 0.80, ("llamacpp", 2): 0.60}
    table = []
    for r in rows:
        bar = bars.get((r["llm"], r["hops"]))
        table.append(
            headline(
                f"Hits@1, {r['hops']}-hop, LLM {r['llm']} (Hits@5 {r['hits@5']:.3f}, F1 {r['f1']:.3f}, "
                f"{r['llm_calls']:.2f} LLM calls/q, faithfulness {r['faithfulness']:.3f})",
                round(r["hits@1"], 3),
                None if bar is None else f">= {bar}",
                None if bar is None else r["hits@1"] >= bar,
            )
        )
        latency = f"{r['latency_ms_p50']:.1f} ms (p95 {r['latency_ms_p95']:.1f})"
        if r["llm"] == "none":
            table.append(headline(f"p50 latency, {r['hops']}-hop, LLM none", latency, "<= 50 ms",
                                  r["latency_ms_p50"] <= 50))  # fmt: skip
        else:
            tokens = r.get("evidence_tokens_max", 0)
            table.append(headline(f"p50 latency, {r['hops']}-hop, LLM {r['llm']}", latency))
            table.append(headline(f"evidence tokens (max), {r['hops']}-hop, LLM {r['llm']}", tokens,
                                  "<= 1000", tokens <= 1000))  # fmt: skip
    notes = (
        f"Synthetic world graph, memory store: {stats.nodes} nodes, {stats.edges} edges; "
        f"{args.n} generated questions per hop count (`make_qa`, seeds 1 and 2); topic entity given."
    )
    write_record(
        "retrieve",
        result,
        variant="no-llm" if args.no_llm else None,
        title="retrieve strategy (generated questions)",
        headline=table,
        notes=notes,
        load_at_start=load_start,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark link prediction on Nations, Kinships and UMLS (files from the pykeen wheel), filtered ranking.

For each data set: train with the preset (shallow ComplEx, reciprocal relations, 1vsAll cross-entropy, N3,
Adagrad, early stopping on valid MRR; on Nations also the relation-prediction loss and a 5-member
ensemble, each member with its own early stopping; everywhere the observed link-feature model joined to the
KGE score), then rank the test split in both directions (filtered, ties counted half). With ``--ablation``,
also the preset without link features; with ``--encoders``, R-GCN and CompGCN encoders under a ComplEx
decoder. Bars: filtered
MRR >= 0.84 (Nations), >= 0.83 (Kinships), >= 0.94 (UMLS), each trained in <= 3 minutes on 2 CPU cores.
Records training time, the load average (the box may be shared) and, for GNN encoders, training
throughput in edges x layers per second. Writes benchmarks/out/linkpred.json, appends to RESULTS.md.

    .venv/bin/python benchmarks/linkpred.py [--datasets nations,kinships,umls] [--ablation] [--encoders]
        [--seeds 0] [--threads 1] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kgreason.fusion.gnn.linkpred import evaluate_dataset

ROOT = Path(__file__).resolve().parent
BARS = {"nations": 0.84, "kinships": 0.83, "umls": 0.94}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="nations,kinships,umls")
    parser.add_argument("--encoders", action="store_true", help="also R-GCN and CompGCN encoders")
    parser.add_argument(
        "--ablation", action="store_true", help="also the preset without the link-feature model"
    )
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    variants: list[tuple[str, dict[str, Any]]] = [("shallow ComplEx-N3", {})]
    if args.ablation:
        variants.append(("shallow ComplEx-N3", {"link_features": 0.0}))
    if args.encoders:
        gnn = {"dim": 200, "optimizer": "adam", "lr": 0.003, "reg": 0.0, "layers": 1, "max_seconds": 170,
               "relation_prediction": 0.0, "ensemble": 1, "link_features": 0.0}  # fmt: skip
        variants += [
            ("R-GCN + ComplEx", {**gnn, "encoder": "rgcn"}),
            ("CompGCN + ComplEx", {**gnn, "encoder": "compgcn"}),
        ]
    rows = []
    for name in args.datasets.split(","):
        for base, options in variants:
            for seed in (int(s) for s in args.seeds.split(",")):
                load_before = os.getloadavg()[0]
                out = evaluate_dataset(name, options, device=args.device, seed=seed, threads=args.threads)
                load_after = os.getloadavg()[0]
                cfg = out["config"]
                extras = [f"rel. pred. {cfg['relation_prediction']:g}"] if cfg["relation_prediction"] else []
                extras += [f"{cfg['ensemble']} members"] if cfg["ensemble"] > 1 else []
                extras += [f"link features {cfg['link_features']:g}"] if cfg["link_features"] else []
                label = base + (f" ({', '.join(extras)})" if extras else "")
                layers = cfg["layers"] if cfg["encoder"] != "none" else 0
                steps = out["epochs"] * -(-2 * out["train"] // cfg["batch_size"])
                throughput = 2 * out["train"] * layers * steps / out["train_seconds"] if layers else None
                row = {"variant": label, "seed": seed, "load_before": load_before, "load_after": load_after,
                       "edges_x_layers_per_s": throughput, **out}  # fmt: skip
                rows.append(row)
                print(
                    f"{name:9} {label:20} seed={seed} mrr={out['mrr']:.4f} h@1={out['hits@1']:.4f} "
                    f"h@10={out['hits@10']:.4f} train={out['train_seconds']:.1f}s epochs={out['epochs']} "
                    f"load={load_before:.1f}->{load_after:.1f}",
                    file=sys.stderr,
                )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine, "rows": rows}
    print(json.dumps(result, indent=2, default=str))
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "linkpred.json").write_text(json.dumps(result, indent=2, default=str))
    lines = [
        f"\n### link prediction — {result['date']} — {machine}, device {args.device}, {args.threads} torch thread(s)\n",
        "Filtered ranking, both directions, test split; files from the pykeen 1.11.1 wheel; preset per data set "
        "(`kgr eval linkpred --dataset NAME`). Training time includes the valid-MRR checks (early stopping).\n",
        "| data set | model | seed | MRR | Hits@1 | Hits@3 | Hits@10 | bar | train s | epochs | edges x layers/s | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bar = BARS.get(r["dataset"])
        verdict = "" if bar is None else (f">= {bar} met" if r["mrr"] >= bar else f">= {bar} MISSED")
        tp = f"{r['edges_x_layers_per_s']:.0f}" if r["edges_x_layers_per_s"] else "-"
        lines.append(
            f"| {r['dataset']} | {r['variant']} | {r['seed']} | {r['mrr']:.4f} | {r['hits@1']:.4f} | "
            f"{r['hits@3']:.4f} | {r['hits@10']:.4f} | {verdict} | {r['train_seconds']:.1f} | {r['epochs']} | {tp} | "
            f"{r['load_before']:.1f} -> {r['load_after']:.1f} |"
        )
    with (ROOT / "RESULTS.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

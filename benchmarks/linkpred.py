"""Benchmark link prediction on Nations, Kinships and UMLS (files from the pykeen wheel), filtered ranking.

For each data set: train with the preset (shallow ComplEx, reciprocal relations, 1vsAll cross-entropy, N3,
Adagrad, early stopping on valid MRR; on Nations also the relation-prediction loss and a 5-member
ensemble, each member with its own early stopping; everywhere the observed link-feature model joined to the
KGE score), then rank the test split in both directions (filtered, ties counted half). With ``--ablation``,
also the preset without link features; with ``--encoders``, R-GCN and CompGCN encoders under a ComplEx
decoder. Bars: filtered
MRR >= 0.84 (Nations), >= 0.83 (Kinships), >= 0.94 (UMLS), each trained in <= 3 minutes on 2 CPU cores.
Records training time, the load average (the box may be shared) and, for GNN encoders, training
throughput in edges x layers per second. Writes benchmarks/out/linkpred.json and one record per data set under benchmarks/records/.

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

from _records import headline, write_record

from kgreason.fusion.gnn.linkpred import evaluate_dataset

ROOT = Path(__file__).resolve().parent
BARS = {"nations": 0.84, "kinships": 0.83, "umls": 0.94}
DATASET_NAMES = {"nations": "Nations", "kinships": "Kinships", "umls": "UMLS"}


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
    notes = (
        f"Filtered ranking, both directions, test split; files from the pykeen 1.11.1 wheel; preset per data set "
        f"(`kgr eval linkpred --dataset NAME`); device {args.device}, {args.threads} torch thread(s). Training "
        "time includes the valid-MRR checks (early stopping)."
    )
    for name in args.datasets.split(","):
        mine = [r for r in rows if r["dataset"] == name]
        if not mine:
            continue
        bar = BARS.get(name)
        table = []
        for r in mine:
            tp = f", {r['edges_x_layers_per_s']:.0f} edges x layers/s" if r["edges_x_layers_per_s"] else ""
            table.append(
                headline(
                    f"filtered MRR, {r['variant']}, seed {r['seed']} (Hits@1 {r['hits@1']:.4f}, Hits@3 "
                    f"{r['hits@3']:.4f}, Hits@10 {r['hits@10']:.4f})",
                    round(r["mrr"], 4),
                    None if bar is None else f">= {bar}",
                    None if bar is None else r["mrr"] >= bar,
                )
            )
            table.append(
                headline(
                    f"training time, {r['variant']}, seed {r['seed']} ({r['epochs']} epochs{tp}; load "
                    f"{r['load_before']:.1f} -> {r['load_after']:.1f})",
                    f"{r['train_seconds']:.1f} s",
                    "<= 180 s",
                    r["train_seconds"] <= 180,
                )
            )
        write_record(
            "linkpred",
            {**result, "rows": mine},
            variant=name,
            title=f"Link prediction, {DATASET_NAMES.get(name, name)}",
            headline=table,
            notes=notes,
            load_at_start=round(mine[0]["load_before"], 2),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

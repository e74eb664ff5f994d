"""Benchmark link-prediction training on 1 vs N processes (torchrun, DistributedDataParallel) on Nations.

Each process count is one ``python -m torch.distributed.run --nproc_per_node=K --standalone`` launch of this
script in worker mode: every rank trains the same configuration (same seed, same global batch; each rank
takes its share of every batch, gradients averaged by DDP, valid ranking sharded and all-reduced) and rank
0 ranks the test split (filtered, both directions). Reported per process count: test MRR / Hits@1/3/10,
training seconds (inside the worker, excluding start-up), the launch's wall seconds (start-up included),
and whether every rank ended with the same parameters. Bar: the N-process metrics equal the 1-process
ones within 0.01 (the runs differ only in the order floating-point gradients are summed).

    .venv/bin/python benchmarks/ddp.py [--procs 1,2] [--device cpu] [-o KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
OPTIONS = {
    "dim": 400,
    "epochs": 60,
    "eval_every": 5,
    "batch_size": 128,
    "patience": 100,
    "reg": 0.0025,
    "relation_prediction": 0.25,
}
"""Shallow ComplEx-N3 with relation prediction, a fixed number of epochs (no early stop) so that every
process count does the same work; the full Nations preset adds an ensemble and link features."""
TOLERANCE = 0.01


def worker(out: Path, device: str, options: dict[str, Any]) -> None:
    """One rank: train, rank the test split, write ``out`` (rank 0) and a parameter digest per rank."""
    import torch

    from kgreason.fusion.gnn.datasets import load_dataset
    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, train_linkpred
    from kgreason.fusion.gnn.run_settings import make_config, set_threads

    set_threads(1)
    dist = init_from_env(device)
    dataset = load_dataset("nations")
    config = make_config(LinkPredConfig, options)
    result = train_linkpred(dataset, config, device=device, seed=0)
    state = result.model.state_dict()
    flat = torch.cat([p.detach().double().flatten().cpu() for part in state.values() for p in part.values()])
    digests = dist.sum([float(dist.rank == r) * float(flat.abs().sum()) for r in range(dist.world_size)])
    test = evaluate(result.model, dataset, "test")
    if dist.is_main:
        row = {
            "procs": dist.world_size,
            "test": test,
            "valid": result.best_valid,
            "epochs": result.epochs_run,
            "train_seconds": round(result.seconds, 2),
            "ranks_identical": len(set(digests)) == 1,
            "param_abs_sum": digests[0],
        }
        out.write_text(json.dumps(row, indent=2))


def launch(procs: int, device: str, options: dict[str, Any], out: Path) -> dict[str, Any]:
    """Run this script's worker under torchrun with ``procs`` processes; its row plus the wall time."""
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={procs}", "--standalone",
           __file__, "--worker", str(out), "--device", device,
           *(a for k, v in options.items() for a in ("-o", f"{k}={v}"))]  # fmt: skip
    started = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, env={"OMP_NUM_THREADS": "1", **_env()})
    wall = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{procs} process(es) failed:\n{run.stderr[-3000:]}")
    row: dict[str, Any] = json.loads(out.read_text())
    row["wall_seconds"] = round(wall, 2)
    return row


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", default="1,2", help="comma-separated process counts")
    parser.add_argument("--device", default="cpu", help="cpu (gloo) or cuda (NCCL, one GPU per process)")
    parser.add_argument("-o", "--option", action="append", default=[], help="LinkPredConfig KEY=VALUE")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    options: dict[str, Any] = {**OPTIONS, **dict(o.split("=", 1) for o in args.option)}
    if args.worker is not None:
        worker(args.worker, args.device, options)
        return 0

    from _records import headline, load_average, write_record

    load0 = load_average()
    (ROOT / "out").mkdir(exist_ok=True)
    rows = []
    for procs in (int(p) for p in args.procs.split(",")):
        row = launch(procs, args.device, options, ROOT / "out" / f"ddp-{procs}.json")
        rows.append(row)
        t = row["test"]
        print(
            f"{procs} proc: mrr={t['mrr']:.4f} h@1={t['hits@1']:.4f} h@10={t['hits@10']:.4f} "
            f"train={row['train_seconds']:.1f}s wall={row['wall_seconds']:.1f}s epochs={row['epochs']} "
            f"ranks identical={row['ranks_identical']}",
            file=sys.stderr,
        )
    base = rows[0]
    table = []
    for row in rows:
        t = row["test"]
        diff = max(abs(t[k] - base["test"][k]) for k in ("mrr", "hits@1", "hits@3", "hits@10"))
        label = f"{row['procs']} process{'es' if row['procs'] > 1 else ''}"
        table.append(
            headline(
                f"test MRR, {label} (Hits@1 {t['hits@1']:.4f}, Hits@10 {t['hits@10']:.4f}; largest metric "
                f"difference from {base['procs']} process: {diff:.4f})",
                round(t["mrr"], 4),
                f"within {TOLERANCE} of {base['procs']} process" if row is not base else None,
                diff <= TOLERANCE if row is not base else None,
            )
        )
        table.append(
            headline(
                f"training / launch wall time, {label} ({row['epochs']} epochs; ranks hold identical "
                f"parameters: {row['ranks_identical']})",
                f"{row['train_seconds']:.1f} s / {row['wall_seconds']:.1f} s",
            )
        )
    notes = (
        f"Nations (pykeen wheel), filtered ranking of the test split in both directions; options {options}; "
        f"device {args.device} ({'gloo' if args.device == 'cpu' else 'NCCL'}), 1 torch thread per process; "
        "each count launched with `python -m torch.distributed.run --standalone`. Training time is measured "
        "inside the worker (valid checks included, start-up excluded); wall time is the whole launch. "
        "Every rank runs the whole encoder (for shallow ComplEx, the embedding tables) and scores only its "
        "share of each batch; the gradients are all-reduced every step. The machine's cores are shared with "
        "other work (load average at start and end in the record), so the times compare the two runs on "
        "that machine, not the scaling of the method."
    )
    write_record(
        "ddp",
        {"options": options, "device": args.device, "rows": rows},
        variant=f"nations-{args.device}",
        title="Distributed training (torchrun, DDP): link prediction on Nations",
        headline=table,
        notes=notes,
        load_at_start=load0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark training on 1 vs N processes (torchrun, DistributedDataParallel): link prediction on Nations
and the gnn strategy's QA model (``kgr train qa``) on a generated world.

Each process count is one ``python -m torch.distributed.run --nproc_per_node=K --standalone`` launch of this
script in worker mode: every rank trains the same configuration (same seed, same global batch; each rank
takes its share of every batch, gradients averaged by DDP, valid ranking sharded and all-reduced) and rank
0 ranks the test split (filtered, both directions). Reported per process count: test MRR / Hits@1/3/10,
training seconds (inside the worker, excluding start-up), the launch's wall seconds (start-up included),
and whether every rank ended with the same parameters. Bar: the N-process metrics equal the 1-process
ones within 0.01 (the runs differ only in the order floating-point gradients are summed).

QA (``--tasks qa``): the same launches train the QA model through ``fit_qa_model`` (frozen MiniLM question
encoder, the default ``QAConfig`` with ``QA_OPTIONS``) on a generated world of 150 people
(``world_triples``), 400 generated 1- and 2-hop training questions and 150 2-hop dev questions less those
also asked in training (133 left), a fixed
number of epochs; reported: dev Hits@1 after each epoch and of the kept (best) state (rank 0; counted over
the ranks' shares), training seconds, whether the ranks hold identical parameters. Dropout draws its masks per
process share, so the bar is noise-sized: the N-process dev Hits@1 within 0.03 of one process's.

    .venv/bin/python benchmarks/ddp.py [--procs 1,2] [--device cpu] [--tasks linkpred,qa] [-o KEY=VALUE ...]
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
QA_OPTIONS: dict[str, Any] = {"epochs": 12, "patience": 100}
"""The QA model's defaults (dim 64, CompGCN, 2 layers, dropout 0.1, frozen question encoder), 12 epochs
(no early stop)."""
QA_TOLERANCE = 0.03


def qa_data(home: Path) -> tuple[Any, list[Any], list[Any]]:
    """The generated world in a memory store under ``home`` and its train and dev questions (the same in
    every process: fixed seeds)."""
    from kgreason.config import Settings
    from kgreason.graph.memory import MemoryStore
    from kgreason.reasoning.qa_gen import make_qa
    from kgreason.testing.synthetic import world_triples
    from kgreason.types import Edge

    store = MemoryStore("world", Settings(home=home))
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(150)])
    store.flush()
    train = make_qa(store, hops=[1, 2], n=400, seed=11)
    seen = {(i.topic_entity, tuple(i.relations or ())) for i in train}
    dev = [
        i
        for i in make_qa(store, hops=[2], n=150, seed=12)
        if (i.topic_entity, tuple(i.relations or ())) not in seen
    ]
    return store, train, dev


def qa_worker(out: Path, device: str, options: dict[str, Any]) -> None:
    """One rank of the QA run: train, write ``out`` (rank 0) with a parameter digest per rank."""
    import tempfile

    import torch

    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.run_settings import set_threads
    from kgreason.fusion.gnn.training import fit_qa_model

    set_threads(1)
    dist = init_from_env(device)
    with tempfile.TemporaryDirectory(prefix="kgr-ddp-qa-") as tmp:
        store, train, dev = qa_data(Path(tmp))
        fitted = fit_qa_model(store, train, dev, options=options, device=device)
    state = fitted.result.model.checkpoint_state()
    flat = torch.cat([p.detach().double().flatten().cpu() for p in state.values()])
    digests = dist.sum([float(dist.rank == r) * float(flat.abs().sum()) for r in range(dist.world_size)])
    if dist.is_main:
        metrics = fitted.meta["metrics"]
        row = {
            "procs": dist.world_size,
            "dev_hits@1": metrics["dev_hits@1"],
            "dev_hits@1_by_epoch": [round(h["dev_hits@1"], 4) for h in fitted.result.history],
            "train_questions": metrics["train_questions"],
            "dev_questions": metrics["dev_questions"],
            "epochs": metrics["epochs"],
            "train_seconds": metrics["train_seconds"],
            "ranks_identical": len(set(digests)) == 1,
            "param_abs_sum": digests[0],
        }
        out.write_text(json.dumps(row, indent=2))


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


def launch(
    procs: int, device: str, options: dict[str, Any], out: Path, task: str = "linkpred"
) -> dict[str, Any]:
    """Run this script's worker under torchrun with ``procs`` processes; its row plus the wall time."""
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={procs}", "--standalone",
           __file__, "--worker", str(out), "--device", device, "--tasks", task,
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
    parser.add_argument("--tasks", default="linkpred,qa", help="linkpred, qa or both (comma-separated)")
    parser.add_argument("-o", "--option", action="append", default=[], help="LinkPredConfig KEY=VALUE")
    parser.add_argument("--qa-option", action="append", default=[], help="QAConfig KEY=VALUE")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    if not tasks or set(tasks) - {"linkpred", "qa"}:
        parser.error(f"--tasks: linkpred and/or qa, not {args.tasks!r}")
    given = dict(o.split("=", 1) for o in args.option)
    options: dict[str, Any] = {**OPTIONS, **given}
    qa_options: dict[str, Any] = {**QA_OPTIONS, **dict(o.split("=", 1) for o in args.qa_option)}
    if args.worker is not None:
        if tasks == ["qa"]:
            qa_worker(args.worker, args.device, given)  # launch() passes every QA option as -o
        else:
            worker(args.worker, args.device, options)
        return 0

    from _records import headline, load_average, write_record

    load0 = load_average()
    (ROOT / "out").mkdir(exist_ok=True)
    procs_list = [int(p) for p in args.procs.split(",")]
    rows: list[dict[str, Any]] = []
    qa_rows: list[dict[str, Any]] = []
    table = []
    if "linkpred" in tasks:
        for procs in procs_list:
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
        for row in rows:
            t = row["test"]
            diff = max(abs(t[k] - base["test"][k]) for k in ("mrr", "hits@1", "hits@3", "hits@10"))
            label = f"{row['procs']} process{'es' if row['procs'] > 1 else ''}"
            table.append(
                headline(
                    f"linkpred: test MRR, {label} (Hits@1 {t['hits@1']:.4f}, Hits@10 {t['hits@10']:.4f}; "
                    f"largest metric difference from {base['procs']} process: {diff:.4f})",
                    round(t["mrr"], 4),
                    f"within {TOLERANCE} of {base['procs']} process" if row is not base else None,
                    diff <= TOLERANCE if row is not base else None,
                )
            )
            table.append(
                headline(
                    f"linkpred: training / launch wall time, {label} ({row['epochs']} epochs; ranks hold "
                    f"identical parameters: {row['ranks_identical']})",
                    f"{row['train_seconds']:.1f} s / {row['wall_seconds']:.1f} s",
                )
            )
    if "qa" in tasks:
        for procs in procs_list:
            row = launch(procs, args.device, qa_options, ROOT / "out" / f"ddp-qa-{procs}.json", task="qa")
            qa_rows.append(row)
            print(
                f"qa {procs} proc: dev hits@1={row['dev_hits@1']:.4f} by epoch {row['dev_hits@1_by_epoch']} "
                f"train={row['train_seconds']:.1f}s wall={row['wall_seconds']:.1f}s "
                f"ranks identical={row['ranks_identical']}",
                file=sys.stderr,
            )
        base = qa_rows[0]
        for row in qa_rows:
            diff = abs(row["dev_hits@1"] - base["dev_hits@1"])
            label = f"{row['procs']} process{'es' if row['procs'] > 1 else ''}"
            table.append(
                headline(
                    f"qa: dev Hits@1, {label} ({row['dev_questions']} dev questions; difference from "
                    f"{base['procs']} process: {diff:.4f})",
                    round(row["dev_hits@1"], 4),
                    f"within {QA_TOLERANCE} of {base['procs']} process" if row is not base else None,
                    diff <= QA_TOLERANCE if row is not base else None,
                )
            )
            table.append(
                headline(
                    f"qa: training / launch wall time, {label} ({row['epochs']} epochs; ranks hold "
                    f"identical parameters: {row['ranks_identical']})",
                    f"{row['train_seconds']:.1f} s / {row['wall_seconds']:.1f} s",
                )
            )
    notes = (
        f"Device {args.device} ({'gloo' if args.device == 'cpu' else 'NCCL'}), 1 torch thread per process; "
        "each count launched with `python -m torch.distributed.run --standalone`. Training time is measured "
        "inside the worker (valid/dev checks included, start-up excluded); wall time is the whole launch. "
        "The machine's cores are shared with other work (load average at start and end in the record), so "
        "the times compare the runs on that machine, not the scaling of the method."
    )
    if rows:
        notes += (
            f" Linkpred: Nations (pykeen wheel), filtered ranking of the test split in both directions; "
            f"options {options}. Every rank runs the whole encoder (for shallow ComplEx, the embedding "
            "tables) and scores only its share of each batch; the gradients are all-reduced every step."
        )
    if qa_rows:
        notes += (
            f" QA: `fit_qa_model` on a generated world (150 people, `world_triples`), {qa_rows[0]['train_questions']} "
            f"training and {qa_rows[0]['dev_questions']} dev questions, options {qa_options} over the QAConfig "
            "defaults. Every rank runs the graph encoder over the whole graph and scores its share of each batch "
            "of questions and link-prediction edges; dropout masks are drawn per share, so the runs agree within "
            "noise, not exactly."
        )
    write_record(
        "ddp",
        {
            "options": options,
            "qa_options": qa_options,
            "device": args.device,
            "rows": rows,
            "qa_rows": qa_rows,
        },
        variant=f"nations-{args.device}",
        title="Distributed training (torchrun, DDP): link prediction on Nations, QA on a generated world",
        headline=table,
        notes=notes,
        load_at_start=load0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

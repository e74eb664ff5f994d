"""Run by tests/fusion/gnn/test_ddp.py under ``torchrun --nproc_per_node=2``: one rank of a distributed
``kgr train qa``.

Each rank (1) trains the QA model through ``fit_qa_model`` on graph GRAPH of the memory store in
``KGR_HOME`` and saves its parameters and metrics to ``<out>/qa_rank<R>.pt``, then (2) runs
``kgr train qa`` in-process on the same files, its stdout going to ``<out>/qa_rank<R>.stdout``.

Usage: ddp_qa_worker.py OUT GRAPH TRAIN.jsonl DEV.jsonl KEY=VALUE...
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


def main() -> None:
    import torch

    from kgreason.cli.app import main as kgr
    from kgreason.config import Settings
    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.training import fit_qa_model
    from kgreason.graph.open import open_store
    from kgreason.qa_file import read_qa

    out, graph, train, dev = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    options = sys.argv[5:]
    torch.set_num_threads(1)
    dist = init_from_env("cpu")
    store = open_store(graph, "memory", Settings.from_env())
    fitted = fit_qa_model(
        store, read_qa(Path(train)), read_qa(Path(dev)), options=dict(o.split("=", 1) for o in options)
    )
    state = {
        "world": dist.world_size,
        "metrics": fitted.meta["metrics"],
        "history": fitted.result.history,
        "params": fitted.result.model.checkpoint_state(),
    }
    torch.save(state, out / f"qa_rank{dist.rank}.pt")
    args = ["train", "qa", "-g", graph, "--train", train, "--dev", dev, "--json"]
    args += [a for o in options for a in ("-o", o)]
    with (out / f"qa_rank{dist.rank}.stdout").open("w") as fh, contextlib.redirect_stdout(fh):
        kgr(args)


if __name__ == "__main__":
    main()

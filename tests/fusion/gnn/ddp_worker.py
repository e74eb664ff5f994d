"""Run by tests/fusion/gnn/test_ddp.py under ``torchrun --nproc_per_node=2``: one rank of a distributed run.

Each rank (1) trains link prediction on Nations through ``train_linkpred`` and saves its own parameters
and metrics to ``<out>/rank<R>.pt``, then (2) runs ``kgr train linkpred`` in-process on the graph in
``KGR_HOME``, its stdout going to ``<out>/rank<R>.stdout``.

Usage: ddp_worker.py OUT GRAPH KEY=VALUE...
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


def main() -> None:
    import torch

    from kgreason.cli.app import main as kgr
    from kgreason.fusion.gnn.datasets import load_dataset
    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, train_linkpred
    from kgreason.fusion.gnn.run_settings import make_config

    out, graph, options = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    torch.set_num_threads(1)
    dist = init_from_env("cpu")
    dataset = load_dataset("nations")
    config = make_config(LinkPredConfig, dict(o.split("=", 1) for o in options))
    result = train_linkpred(dataset, config, seed=0)
    state = {"world": dist.world_size, "valid": result.best_valid, "test": evaluate(result.model, dataset)}
    state["params"] = result.model.state_dict()
    torch.save(state, out / f"rank{dist.rank}.pt")
    args = ["train", "linkpred", "-g", graph, "--json"] + [a for o in options for a in ("-o", o)]
    with (out / f"rank{dist.rank}.stdout").open("w") as fh, contextlib.redirect_stdout(fh):
        kgr(args)


if __name__ == "__main__":
    main()

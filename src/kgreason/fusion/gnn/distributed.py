"""Training on more than one process: ``torch.distributed`` set up from the ``torchrun`` environment.

Under ``torchrun --nproc_per_node=N -m kgreason.cli.app train linkpred ...`` every process runs the same
command. ``init_from_env`` joins the process group torchrun describes (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR``/``MASTER_PORT``; gloo on CPU, NCCL on CUDA) and returns a ``DistContext``;
training then wraps its model in ``DistributedDataParallel`` (``wrap``), gives each rank its share of
every global batch (``shard``, ``share``: the gradient DDP averages is the gradient of the whole batch, as
one process would compute it) and all-reduces its metrics (``mean_metrics``, ``any``), so every rank takes
the same early-stopping decision. Only rank 0 writes checkpoints and prints.

Without torchrun (no ``WORLD_SIZE`` above 1) the context is ``SINGLE``: one rank, every method a no-op,
and training runs exactly as before. The process group is per-process state (torch keeps it globally), so
the context established by ``init_from_env`` is also what ``current`` returns.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kgreason.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class DistContext:
    """This process's place in a distributed run: ``rank`` of ``world_size`` (one machine's
    ``local_rank``), the collective ``backend`` (``None``: not distributed) and the device collectives
    use (``cpu`` for gloo, ``cuda:<local_rank>`` for NCCL)."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    backend: str | None = None
    device: str = "cpu"

    @property
    def enabled(self) -> bool:
        """True when more than one process trains together."""
        return self.world_size > 1 and self.backend is not None

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that prints and writes checkpoints."""
        return self.rank == 0

    def shard(self, items: Sequence[T] | Any) -> Any:
        """This rank's part of ``items`` (every ``world_size``-th, from ``rank``); all of it when single."""
        return items[self.rank :: self.world_size] if self.enabled else items

    def share(self, local: int, total: int) -> float:
        """Weight of a loss averaged over this rank's ``local`` items of a ``total``-item global batch.

        DDP averages gradients over the ranks, so ``loss * local * world_size / total`` makes that
        average the gradient of the mean loss over the whole batch. 1.0 when single.
        """
        if not self.enabled:
            return 1.0
        return local * self.world_size / max(total, 1)

    def wrap(self, module: Any, *, sync_buffers: bool = True) -> Any:
        """``module`` in ``DistributedDataParallel`` (gradients averaged across ranks); itself when single.

        ``sync_buffers=False``: buffers are not sent from rank 0 before every forward (for buffers that
        never change, e.g. frozen features; ``forward_sync_buffers`` where torch has it, else
        ``broadcast_buffers``)."""
        if not self.enabled:
            return module
        import inspect

        from torch.nn.parallel import DistributedDataParallel

        options: dict[str, Any] = {}
        if not sync_buffers:
            known = inspect.signature(DistributedDataParallel.__init__).parameters
            options["forward_sync_buffers" if "forward_sync_buffers" in known else "broadcast_buffers"] = (
                False
            )
        if self.device.startswith("cuda"):
            return DistributedDataParallel(module, device_ids=[self.local_rank], **options)
        return DistributedDataParallel(module, **options)

    def sum(self, values: Sequence[float]) -> list[float]:
        """Each value summed over the ranks (every rank gets the same sums)."""
        if not self.enabled:
            return [float(v) for v in values]
        import torch
        import torch.distributed as dist

        tensor = torch.tensor([float(v) for v in values], dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return [float(v) for v in tensor.cpu().tolist()]

    def any(self, flag: bool) -> bool:
        """True on every rank when ``flag`` is true on any (e.g. one rank ran out of time)."""
        return self.sum([1.0 if flag else 0.0])[0] > 0 if self.enabled else flag

    def mean_metrics(self, metrics: dict[str, float]) -> dict[str, float]:
        """Means over the ranks' items: each rank's means weighted by its ``n``; ``n`` becomes the total."""
        if not self.enabled:
            return metrics
        keys = [k for k in metrics if k != "n"]
        n = float(metrics.get("n", 0))
        sums = self.sum([n, *(float(metrics[k]) * n for k in keys)])
        total = sums[0]
        out: dict[str, float] = {
            k: (s / total if total else 0.0) for k, s in zip(keys, sums[1:], strict=True)
        }
        out["n"] = int(total)
        return out

    def barrier(self) -> None:
        """Wait for every rank (nothing when single)."""
        if self.enabled:
            import torch.distributed as dist

            dist.barrier()


SINGLE = DistContext()
"""One process: what every run without torchrun gets."""

_current = SINGLE


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name}={raw!r} is not an integer") from None


def init_from_env(device: str = "cpu") -> DistContext:
    """Join the process group torchrun set up for this process; ``SINGLE`` without torchrun.

    ``WORLD_SIZE`` above 1 means a distributed run: the process group is initialised from the
    environment (``env://``) with gloo for ``device="cpu"`` or NCCL for ``device="cuda"`` (each process on
    GPU ``LOCAL_RANK``). Calling it again returns the same context; the group is destroyed at exit.
    """
    global _current
    world = _env_int("WORLD_SIZE", 1)
    if world <= 1:
        return SINGLE
    if _current.enabled:
        return _current
    rank = _env_int("RANK", 0)
    local_rank = _env_int("LOCAL_RANK", 0)
    for name in ("MASTER_ADDR", "MASTER_PORT"):
        if not os.environ.get(name):
            raise ConfigError(
                f"WORLD_SIZE={world} but {name} is not set",
                hint="start distributed training with torchrun, e.g. torchrun --nproc_per_node=2 ...",
            )
    import torch
    import torch.distributed as dist

    if device.startswith("cuda"):
        torch.cuda.set_device(local_rank)
        backend, where = "nccl", f"cuda:{local_rank}"
    else:
        backend, where = "gloo", "cpu"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend, rank=rank, world_size=world)
        atexit.register(shutdown)
    _current = DistContext(rank, world, local_rank, backend, where)
    return _current


def current() -> DistContext:
    """The context ``init_from_env`` established in this process (``SINGLE`` if none)."""
    return _current


def shutdown() -> None:
    """Leave the process group (if this process joined one); the context goes back to ``SINGLE``."""
    global _current
    if _current.enabled:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()
    _current = SINGLE


def refuse_distributed(command: str) -> None:
    """Raise a ``ConfigError`` when this process was started by torchrun for a ``command`` that trains on
    one process only (every rank would train the same model on its own)."""
    if _env_int("WORLD_SIZE", 1) > 1:
        raise ConfigError(
            f"{command} does not train on several processes yet",
            hint="run it without torchrun (kgr train linkpred and kgr train qa --model gnn-rag run under it)",
        )

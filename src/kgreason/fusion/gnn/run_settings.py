"""How a GNN training run is set up: its model options checked into a config, and torch's thread count.

Both ``training`` (what ``kgr train`` runs) and ``linkpred.evaluate_dataset`` (benchmarks) need these, so
they live apart from either.
"""

from __future__ import annotations

from typing import Any


def make_config(cls: Any, options: dict[str, Any] | None) -> Any:
    """``cls(**options)``; an unknown key or a bad value is a ``ConfigError`` naming the known keys."""
    from pydantic import ValidationError

    from kgreason.errors import ConfigError

    try:
        return cls(**(options or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f"bad model option(s): {problems}", hint="known: " + ", ".join(cls.model_fields)
        ) from None


def set_threads(threads: int | None) -> None:
    """Use ``threads`` torch threads. On a shared box, one thread per process avoids OpenMP spin-waits
    that made small-matrix training many times slower than single-threaded."""
    import torch

    if threads:
        torch.set_num_threads(threads)

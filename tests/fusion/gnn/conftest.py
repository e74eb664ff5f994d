"""One torch thread for the gnn tests: on a shared 2-core box, OpenMP spin-waits made small-matrix
training 10-60x slower with two threads (measured), and the CLI commands default to one thread too."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> None:
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)

"""Checkpoints of trained gnn models under ``KGR_HOME/models/gnn/<kind>/<backend>-<graph>/``.

A checkpoint is a directory: ``model.pt`` (the state dict), ``features.npy`` (the frozen node text
features the model was trained with, so inference does not re-embed the graph) and ``meta.json``: the
graph name and backend, the graph hash it was trained on, the config, the metrics, the relation
vocabulary, sizes and the creation time. Loading checks the hash against the live graph: a model is never
used on a graph it was not trained on.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kgreason.atomic import atomic_write
from kgreason.config import Settings, private_dir
from kgreason.errors import ConfigError, NotFoundError


def checkpoint_dir(settings: Settings, kind: str, backend: str, graph: str) -> Path:
    """Where the ``kind`` (``qa`` or ``linkpred``) model of a graph lives."""
    return settings.models_dir / "gnn" / kind / f"{backend}-{graph}"


@dataclass
class Checkpoint:
    """A loaded checkpoint: metadata, state dict and frozen features."""

    path: Path
    meta: dict[str, Any]
    state: dict[str, Any]
    features: npt.NDArray[np.float32] | None


def save_checkpoint(
    path: Path,
    *,
    state: dict[str, Any],
    meta: dict[str, Any],
    features: npt.NDArray[np.float32] | None = None,
) -> Path:
    """Write ``model.pt``, ``features.npy`` and ``meta.json`` into ``path`` (created if missing).

    In a distributed run (``distributed.init_from_env``) only rank 0 writes; the other ranks hold the
    same model and write nothing.
    """
    import torch

    from kgreason.fusion.gnn.distributed import current

    if not current().is_main:
        return path
    private_dir(path)  # 0700, like everything kgreason creates under KGR_HOME
    torch.save(state, path / "model.pt")
    if features is not None:
        np.save(path / "features.npy", features)
    full = {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **meta}
    with atomic_write(path / "meta.json", "w") as fh:
        fh.write(json.dumps(full, indent=2, sort_keys=True, default=str))
    return path


def load_checkpoint(path: Path, *, expect_hash: str | None = None) -> Checkpoint:
    """Read a checkpoint; with ``expect_hash``, refuse one trained on another version of the graph."""
    import torch

    meta_file = path / "meta.json"
    if not meta_file.is_file():
        raise NotFoundError("trained model", str(path), [])
    meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
    if expect_hash is not None and meta.get("graph_hash") != expect_hash:
        raise ConfigError(
            f"the model in {path} was trained on another version of graph {meta.get('graph')!r} "
            f"(hash {meta.get('graph_hash')}, now {expect_hash})",
            hint="retrain it with `kgr train qa`",
        )
    state = torch.load(path / "model.pt", map_location="cpu", weights_only=True)
    feats = path / "features.npy"
    features = np.load(feats).astype(np.float32) if feats.is_file() else None
    return Checkpoint(path, meta, state, features)

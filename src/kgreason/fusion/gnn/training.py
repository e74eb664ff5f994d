"""What ``kgr train`` runs: train a graph's QA or link-prediction model and write its checkpoint.

Both read the graph through ``index_store`` (streamed from any store), embed node texts with MiniLM,
train (``train_qa`` / ``train_linkpred``), and save the model with its metadata (graph hash, config,
metrics) under ``KGR_HOME/models/gnn/``. A QA checkpoint holds the question encoder's weights only when
they were fine-tuned (its trained layers, fp16); otherwise the bundled MiniLM stands for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kgreason.config import Settings
from kgreason.fusion.gnn.checkpoint import checkpoint_dir, save_checkpoint
from kgreason.fusion.gnn.graph_data import GraphIndex, index_store, text_features
from kgreason.fusion.gnn.run_settings import make_config, set_threads
from kgreason.graph.store import GraphStore
from kgreason.qa_file import QAItem

Progress = Callable[[int, dict[str, float]], None]
QA_FORMAT = 2
"""Version of the QA checkpoint layout (2: transformers question encoder, subgraph reasoning layers)."""


def node_names(store: GraphStore, index: GraphIndex) -> list[str]:
    """Display names of the indexed nodes (``name`` property, else the id)."""
    nodes = store.get_nodes(index.node_ids)
    return [nodes[n].name if n in nodes else n for n in index.node_ids]


@dataclass
class FittedQA:
    """A trained QA model before it is saved: the training result, the checkpoint metadata, the graph
    index and the node text features it was trained with."""

    result: Any
    meta: dict[str, Any]
    index: GraphIndex
    features: Any


def fit_qa_model(
    store: GraphStore,
    train_items: Sequence[QAItem],
    dev_items: Sequence[QAItem] | None,
    *,
    options: dict[str, Any] | None = None,
    encoder: Any = None,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
    progress: Progress | None = None,
) -> FittedQA:
    """Train the gnn strategy's model for ``store``'s graph (``train_qa_model`` also saves it)."""
    from kgreason.fusion.gnn.qa_model import QAConfig
    from kgreason.fusion.gnn.qa_train import encode_items, train_qa

    set_threads(threads)
    config = make_config(QAConfig, options)
    if encoder is None:
        from kgreason.embed import default_encoder

        encoder = default_encoder()
    started = time.perf_counter()
    index = index_store(store)
    names = node_names(store, index)
    features = text_features(index, encoder)
    train = encode_items(train_items, index, names)
    dev = encode_items(dev_items, index, names) if dev_items else None
    prepared = time.perf_counter() - started
    result = train_qa(index, features, train, dev, config, device=device, seed=seed, progress=progress)
    meta = {
        "kind": "qa",
        "format": QA_FORMAT,
        "graph": store.graph,
        "backend": store.backend,
        "graph_hash": index.digest,
        "nodes": index.num_nodes,
        "edges": index.num_edges,
        "relations": index.relations,
        "config": config.model_dump(),
        "metrics": {
            **{f"dev_{k}" if dev is not None else f"train_{k}": v for k, v in result.best_dev.items()},
            "epochs": result.epochs_run,
            "finetune_epochs": result.finetune_epochs,
            "train_questions": len(train),
            "dev_questions": len(dev) if dev is not None else 0,
            "dropped_questions": train.dropped + (dev.dropped if dev is not None else 0),
            "prepare_seconds": round(prepared, 2),
            "train_seconds": round(result.seconds, 2),
            "edges_x_layers_per_second": round(
                2
                * index.num_edges
                * max(1, config.layers)
                * result.epochs_run
                * max(1, -(-len(train) // config.batch_size))
                / max(result.seconds, 1e-9),
                1,
            ),
        },
        "seed": seed,
        "device": device,
    }
    return FittedQA(result, meta, index, features)


def train_qa_model(
    store: GraphStore,
    train_items: Sequence[QAItem],
    dev_items: Sequence[QAItem] | None,
    *,
    settings: Settings,
    options: dict[str, Any] | None = None,
    encoder: Any = None,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train the gnn strategy's model for ``store``'s graph and save it; returns the checkpoint metadata."""
    fitted = fit_qa_model(
        store, train_items, dev_items, options=options, encoder=encoder, device=device, seed=seed,
        threads=threads, progress=progress,
    )  # fmt: skip
    return save_qa_model(store, fitted, settings=settings)


def save_qa_model(store: GraphStore, fitted: FittedQA, *, settings: Settings) -> dict[str, Any]:
    """Write ``fitted`` to the graph's QA checkpoint directory; returns its metadata with ``path``."""
    path = checkpoint_dir(settings, "qa", store.backend, store.graph)
    state = fitted.result.model.checkpoint_state()
    save_checkpoint(path, state=state, meta=fitted.meta, features=fitted.features)
    return {**fitted.meta, "path": str(path)}


def train_linkpred_model(
    store: GraphStore,
    *,
    settings: Settings,
    options: dict[str, Any] | None = None,
    encoder: Any = None,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train a link-prediction model on a seeded 90/5/5 split of the graph; save it; return its metadata."""
    import numpy as np
    import torch

    from kgreason.fusion.gnn.datasets import split_triples
    from kgreason.fusion.gnn.linkpred import LinkPredConfig, evaluate, known_answers, train_linkpred

    set_threads(threads)
    config = make_config(LinkPredConfig, options)
    index = index_store(store)
    names = index.node_ids
    triples = [(names[h], index.relations[r], names[t]) for h, r, t in index.triples().tolist()]
    dataset = split_triples(store.graph, triples, seed=seed)
    text = None
    features = None
    if config.text_features:
        if encoder is None:
            from kgreason.embed import default_encoder

            encoder = default_encoder()
        by_id = dict(zip(index.node_ids, index.texts, strict=True))
        features = np.asarray(encoder.encode([by_id[e] for e in dataset.entities]), dtype=np.float32)
        text = torch.as_tensor(features)
    result = train_linkpred(dataset, config, device=device, seed=seed, text=text, progress=progress)
    test = evaluate(result.model, dataset, "test", known=known_answers(dataset))
    meta = {
        "kind": "linkpred",
        "graph": store.graph,
        "backend": store.backend,
        "graph_hash": index.digest,
        "entities": list(dataset.entities),
        "relations": list(dataset.relations),
        "config": config.model_dump(),
        "metrics": {
            "valid": result.best_valid,
            "test": test,
            "epochs": result.epochs_run,
            "train_seconds": round(result.seconds, 2),
        },
        "seed": seed,
        "device": device,
    }
    path = checkpoint_dir(settings, "linkpred", store.backend, store.graph)
    state: dict[str, Any] = {
        k: {n: p.cpu() for n, p in v.items()} for k, v in result.model.state_dict().items()
    }
    state["train_triples"] = torch.as_tensor(dataset.train)  # the encoder's message-passing graph
    save_checkpoint(path, state=state, meta=meta, features=features)
    meta["path"] = str(path)
    return meta

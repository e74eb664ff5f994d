"""Inference for the gnn strategy: a loaded QA model, its graph tensors, scoring and path choice.

``QARuntime.load`` reads the graph (checking the checkpoint's graph hash), rebuilds the model from its
config and state (the bundled MiniLM question encoder, with the checkpoint's fine-tuned layers when it has
them), and computes the node vectors once. ``score`` runs one question from one topic entity;
``best_path`` picks, among candidate supporting paths, the one the model's per-step relation
distributions make most likely (shortest first on ties).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from kgreason.errors import ConfigError
from kgreason.fusion.gnn.checkpoint import load_checkpoint
from kgreason.fusion.gnn.graph_data import GraphIndex, index_store
from kgreason.fusion.gnn.qa_model import QAConfig
from kgreason.fusion.gnn.qa_train import mask_topic
from kgreason.graph.store import GraphStore
from kgreason.types import Path


@dataclass(frozen=True)
class Scored:
    """One question's scores: ``ranked`` is (node id, logit, path mass), best first, topic excluded."""

    ranked: list[tuple[str, float, float]]
    probs: Any
    max_mass: float
    reached: int
    top_relations: list[list[str]]


class QARuntime:
    """A trained QA model bound to a graph."""

    def __init__(
        self, index: GraphIndex, names: list[str], model: Any, config: QAConfig, encoder: Any
    ) -> None:
        import torch

        from kgreason.fusion.gnn.models import reciprocal_edges

        self.index = index
        self.names = names
        self.model = model
        self.config = config
        self.encoder = encoder
        self.steps = config.steps
        self.answer_threshold = config.answer_threshold
        triples = torch.as_tensor(index.triples(), dtype=torch.long)
        self.edge_index, self.edge_type = reciprocal_edges(triples, index.num_relations)
        with torch.no_grad():
            self.ent, self.rel = model.node_vectors(self.edge_index, self.edge_type)

    @classmethod
    def load(cls, store: GraphStore, path: FsPath, encoder: Any) -> QARuntime:
        import torch

        from kgreason.fusion.gnn.qa_model import QAModel
        from kgreason.fusion.gnn.training import QA_FORMAT, node_names

        index = index_store(store)
        ckpt = load_checkpoint(path, expect_hash=index.digest)
        if ckpt.meta.get("format") != QA_FORMAT:
            raise ConfigError(
                f"the model in {path} was trained by an older kgreason (another model layout)",
                hint="retrain it with `kgr train qa`",
            )
        config = QAConfig(**ckpt.meta["config"])
        text = torch.as_tensor(ckpt.features) if ckpt.features is not None else None
        model = QAModel(index.num_nodes, index.num_relations, config, text=text)
        model.load_checkpoint_state(ckpt.state)
        model.train(False)
        return cls(index, node_names(store, index), model, config, encoder)

    def type_names(self) -> list[str]:
        rels = self.index.relations
        return [*rels, *(f"{r} (reverse)" for r in rels)]

    def score(self, question: str, topic: str) -> Scored | None:
        """Scores of the neighbourhood nodes the model reaches from ``topic``; ``None`` if unknown."""
        import numpy as np
        import torch

        t = self.index.index.get(topic)
        if t is None:
            return None
        text = mask_topic(question, self.names[t])
        with torch.no_grad():
            topics = torch.tensor([t])
            if self.model.question_encoder is not None:
                ids, mask = self.model.question_encoder.tokenize([text])
            else:
                ids, mask = torch.zeros(1, 1, dtype=torch.long), torch.ones(1, 1, dtype=torch.long)
            tokens = self.model.tokens(ids, mask)
            out = self.model.score(tokens, mask, topics, self.ent, self.rel, self.edge_index, self.edge_type)
        probs, hops = out["probs"], out["hops"]
        m, lg = out["mass"][0].numpy(), out["logits"][0].numpy()
        reached = np.flatnonzero(m > 1e-4)
        reached = reached[reached != t]
        order = reached[np.argsort(-lg[reached], kind="stable")]
        ranked = [(self.index.node_ids[i], float(lg[i]), float(m[i])) for i in order]
        names = self.type_names()
        top = [[names[int(j)] for j in torch.topk(probs[0, k], 2).indices] for k in range(probs.size(1))]
        hop_p = hops[0].numpy()
        top.append([f"{k + 1} hop(s): {hop_p[k]:.2f}" for k in np.argsort(-hop_p)[:2]])
        return Scored(
            ranked, (probs[0].numpy(), hop_p), float(m[order].max()) if len(order) else 0.0, len(order), top
        )

    def path_probability(self, path: Path, probs: Any, topic: str) -> float:
        """P(hop count = len(path)) times the product of the path's edge-type probabilities per step."""
        step_probs, hop_probs = probs
        num_r = self.index.num_relations
        m = len(path.edges)
        if m == 0 or m > len(hop_probs):
            return 0.0
        p = float(hop_probs[m - 1])
        here = topic
        for k, edge in enumerate(path.edges):
            r = self.index.rel_index.get(edge.type)
            if r is None:
                return 0.0
            forward = edge.source == here
            p *= float(step_probs[k][r if forward else r + num_r])
            here = edge.target if forward else edge.source
        return p

    def best_path(self, paths: Sequence[Path], probs: Any, topic: str) -> Path | None:
        """The most likely supporting path (shortest, then first, on ties)."""
        if not paths:
            return None
        scored = [(-self.path_probability(p, probs, topic), len(p), i) for i, p in enumerate(paths)]
        return paths[min(scored)[2]]

"""Predicted edges for domain packs: score missing ``(node, relation, ?)`` links with a trained model.

``predict_edges`` loads the graph's link-prediction checkpoint (``kgr train linkpred``), ranks every
entity as the tail of ``(node, relation)`` (or as the head, with ``direction="in"``), drops the links the
graph already has, and returns the best as ``kgreason.types.PredictedEdge`` values: clearly labelled
``basis="predicted"``, with the model's score and its softmax probability over all candidates. They are
hypotheses to show next to curated facts, never facts.
"""

from __future__ import annotations

from typing import Literal

from kgreason.config import Settings
from kgreason.errors import NotFoundError, suggest
from kgreason.fusion.gnn.checkpoint import checkpoint_dir, load_checkpoint
from kgreason.graph.store import GraphStore
from kgreason.types import PredictedEdge


def predict_edges(
    store: GraphStore,
    node: str,
    relation: str,
    *,
    settings: Settings,
    direction: Literal["out", "in"] = "out",
    k: int = 10,
) -> list[PredictedEdge]:
    """The ``k`` most likely new ``node -[relation]-> ?`` (or ``? -[relation]-> node``) edges."""
    import torch

    from kgreason.fusion.gnn.datasets import KGDataset
    from kgreason.fusion.gnn.linkpred import LinkPredModel

    path = checkpoint_dir(settings, "linkpred", store.backend, store.graph)
    ckpt = load_checkpoint(path)
    entities: list[str] = list(ckpt.meta["entities"])
    relations: list[str] = list(ckpt.meta["relations"])
    if node not in entities:
        raise NotFoundError("entity", node, suggest(node, entities))
    if relation not in relations:
        raise NotFoundError("relation", relation, suggest(relation, relations))
    train = ckpt.state["train_triples"].numpy()
    empty = train[:0]
    dataset = KGDataset(store.graph, tuple(entities), tuple(relations), train, empty, empty)
    model = LinkPredModel.from_checkpoint(ckpt, dataset)
    h = entities.index(node)
    r = relations.index(relation) + (0 if direction == "out" else len(relations))
    with torch.no_grad():
        scores = model.score_queries(torch.tensor([h]), torch.tensor([r]))[0]
    probs = scores.softmax(-1)
    existing = {other.id for edge, other in store.neighbors(node, direction=direction, types=[relation])}
    existing.add(node)
    order = torch.argsort(scores, descending=True).tolist()
    out: list[PredictedEdge] = []
    for i in order:
        other = entities[i]
        if other in existing:
            continue
        src, dst = (node, other) if direction == "out" else (other, node)
        out.append(PredictedEdge(src, relation, dst, float(scores[i]), float(probs[i]), model=str(path)))
        if len(out) >= k:
            break
    return out

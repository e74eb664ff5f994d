"""Link prediction for the library: the gnn module's trained model as a domain pack's link-prediction hook.

``gnn_link_predictor(config, store)`` gives the hook for one graph (or why there is none);
``gnn_hook(config)`` gives a hook for any graph, which says why when asked for predictions it cannot make.
``kgr ddi check --predicted`` and ``kgr packs run ddi`` wire ``gnn_hook`` into the ddi pack.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.graph.store import GraphStore
from kgreason.types import PredictedEdge

if TYPE_CHECKING:
    from kgreason.domains.pack import LinkPredictor


def gnn_link_predictor(
    config: Settings,
    target: GraphStore,
    *,
    relation: str = "INTERACTS_WITH",
    label: str = "Drug",
    top: float = 0.05,
) -> tuple[LinkPredictor | None, str]:
    """The gnn module's link-prediction model trained on ``target``'s graph as a pack's hook, and, when
    there is none, why (``(None, reason)``).

    A pair ``(a, b)`` of ``label`` nodes is predicted when ``b`` ranks in the top ``top`` fraction of all
    ``label`` nodes as the tail of ``(a, relation, ?)``, or ``a`` as the tail of ``(b, relation, ?)``; its
    score is that rank percentile (1.0 = ranked first).
    """
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("torch_geometric") is None:
        return None, "link prediction needs torch and torch-geometric (pip install 'kgreason[gnn]')"
    from kgreason.fusion.gnn.checkpoint import checkpoint_dir

    path = checkpoint_dir(config, "linkpred", target.backend, target.graph)
    if not (path / "meta.json").is_file():
        return (
            None,
            f"no link-prediction model is trained for this graph: kgr train linkpred --graph {target.graph}",
        )

    def predict(store: GraphStore, ids: Sequence[str]) -> list[PredictedEdge]:
        import torch

        from kgreason.fusion.gnn.checkpoint import load_checkpoint
        from kgreason.fusion.gnn.datasets import split_triples
        from kgreason.fusion.gnn.graph_data import index_store
        from kgreason.fusion.gnn.linkpred import LinkPredModel

        index = index_store(store)
        ckpt = load_checkpoint(path, expect_hash=index.digest)
        names = index.node_ids
        triples = [(names[h], index.relations[r], names[t]) for h, r, t in index.triples().tolist()]
        dataset = split_triples(store.graph, triples, seed=int(ckpt.meta.get("seed", 0)))
        if list(dataset.entities) != list(ckpt.meta["entities"]) or relation not in dataset.relations:
            raise ConfigError(
                "the trained link-prediction model does not match this graph",
                hint=f"retrain it: kgr train linkpred --graph {store.graph}",
            )
        model = LinkPredModel.from_checkpoint(ckpt, dataset)
        position = {e: i for i, e in enumerate(dataset.entities)}
        drug_ids = [n for n, lab in zip(names, index.labels, strict=True) if lab == label and n in position]
        drugs = torch.tensor([position[n] for n in drug_ids])
        asked = [d for d in ids if d in position]
        column_of = dataset.relations.index(relation)
        with torch.no_grad():
            heads = torch.tensor([position[d] for d in asked])
            scores = model.score_queries(heads, torch.full_like(heads, column_of))[:, drugs]
        column = {int(e): j for j, e in enumerate(drugs.tolist())}
        pct: dict[tuple[str, str], float] = {}
        for i, a in enumerate(asked):
            row = scores[i]
            for b in asked:
                if b != a and position[b] in column:
                    pct[(a, b)] = float((row < row[column[position[b]]]).float().mean())
        model_name = f"gnn linkpred ({ckpt.meta['config'].get('decoder', '?')})"
        out = []
        for (a, b), p in pct.items():
            best = max(p, pct.get((b, a), 0.0))
            if a < b and best >= 1.0 - top:
                out.append(PredictedEdge(a, relation, b, round(best, 4), model=model_name))
        return sorted(out, key=lambda e: -e.score)

    return predict, ""


def gnn_hook(
    config: Settings, *, relation: str = "INTERACTS_WITH", label: str = "Drug", top: float = 0.05
) -> LinkPredictor:
    """A link-prediction hook for any graph: the gnn model trained on the graph it is asked about; a
    ``ConfigError`` naming what is missing (the extra, the training run) when there is none."""

    def predict(store: GraphStore, ids: Sequence[str]) -> Sequence[PredictedEdge]:
        predictor, why = gnn_link_predictor(config, store, relation=relation, label=label, top=top)
        if predictor is None:
            raise ConfigError(f"no link predictor is available for graph {store.graph!r}", hint=why)
        return predictor(store, ids)

    return predict

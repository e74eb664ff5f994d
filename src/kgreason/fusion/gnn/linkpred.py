"""Link prediction: train an encoder + decoder on a ``KGDataset`` and rank with the filtered protocol.

Training follows the recipe that works best on small graphs (Lacroix et al., 2018; Ruffinelli et al.,
2020): every triple also trains its reciprocal ``(t, r + R, h)``, so one direction of scoring covers
both; each ``(h, r)`` query scores all entities at once (1vsAll) under a cross-entropy with label
smoothing, plus an N3 penalty on the factors; Adagrad or Adam; the valid MRR is checked every few epochs
and the best state is kept (early stopping). GNN encoders pass messages over the *training* edges only.

Evaluation is the standard filtered ranking in both directions: for a test triple, the true tail is
ranked among all entities for ``(h, r, ?)`` and the true head for ``(t, r^-1, ?)``, after removing every
other entity that forms a known triple (train, valid or test). Ties count half (the "realistic" rank), so
a model that scores everything equal gets no credit. Reported: MRR and Hits@1/3/10.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kgreason.fusion.gnn.datasets import KGDataset
from kgreason.fusion.gnn.distributed import DistContext, current


class LinkPredConfig(BaseModel):
    """Hyper-parameters of a link-prediction run (unknown keys are an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    encoder: Literal["none", "rgcn", "compgcn"] = "none"
    decoder: Literal["distmult", "complex", "rotate"] = "complex"
    dim: int = Field(400, ge=4, description="Entity vector size (complex/rotate: twice the rank).")
    layers: int = Field(1, ge=0, le=4)
    epochs: int = Field(200, ge=1)
    batch_size: int = Field(256, ge=1)
    lr: float = Field(0.1, gt=0)
    optimizer: Literal["adagrad", "adam"] = "adagrad"
    reg: float = Field(0.01, ge=0, description="N3 weight.")
    label_smoothing: float = Field(0.0, ge=0, lt=1)
    ensemble: int = Field(
        1, ge=1, le=16, description="Members trained with consecutive seeds; their log-softmax is averaged."
    )
    relation_prediction: float = Field(
        0.0,
        ge=0,
        description=(
            "Weight of the auxiliary loss that predicts the relation of each training triple from its "
            "two ends (Chen et al., 2021); DistMult and ComplEx decoders."
        ),
    )
    link_features: float = Field(
        0.0,
        ge=0,
        description=(
            "Weight of the observed link-feature model (Toutanova & Chen, 2015) in the joint score: "
            "log-linear length-1 rules over the relations that already link head and candidate; 0 = off."
        ),
    )
    link_features_reg: float = Field(0.001, ge=0, description="L2 weight of the link-feature model.")
    dropout: float = Field(0.0, ge=0, lt=1)
    text_features: bool = Field(False, description="Add projected MiniLM vectors of entity names.")
    eval_every: int = Field(5, ge=1)
    patience: int = Field(6, ge=1, description="Evaluations without valid-MRR gain before stopping.")
    max_seconds: float = Field(
        170.0, gt=0, description="Training stops after this long (the best state is kept)."
    )

    @model_validator(mode="after")
    def _bilinear_for_relation_prediction(self) -> LinkPredConfig:
        if self.relation_prediction > 0 and self.decoder == "rotate":
            raise ValueError("relation_prediction needs the distmult or complex decoder, not rotate")
        return self


PRESETS: dict[str, dict[str, Any]] = {
    "nations": {
        "dim": 2000,
        "reg": 0.0025,
        "lr": 0.1,
        "batch_size": 128,
        "epochs": 200,
        "eval_every": 1,
        "patience": 15,
        "relation_prediction": 0.25,
        "ensemble": 5,
        "link_features": 1.5,
        "link_features_reg": 0.001,
    },
    "kinships": {
        "dim": 400,
        "reg": 0.01,
        "lr": 0.1,
        "batch_size": 256,
        "epochs": 200,
        "link_features": 0.5,
        "link_features_reg": 1e-5,
    },
    "umls": {
        "dim": 400,
        "reg": 0.01,
        "lr": 0.1,
        "batch_size": 256,
        "epochs": 200,
        "link_features": 0.2,
        "link_features_reg": 1e-4,
    },
}
"""Per-benchmark starting points, chosen on the valid split."""


@dataclass
class TrainResult:
    """A trained model with its history and the valid metrics of the kept state."""

    model: Any
    config: LinkPredConfig
    best_valid: dict[str, float]
    epochs_run: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


class LinkPredModel:
    """``config.ensemble`` encoder + decoder pairs over the training graph, optionally with link features.

    ``score_queries`` returns log-probabilities over all entities: one member's log-softmax, or the mean
    of the members' log-softmax for an ensemble (members differ only in their seed). With
    ``config.link_features = a > 0`` the observed link-feature model (``LinkFeatures``) joins as a product
    of experts: ``mean + a * its log-softmax``, renormalised.
    """

    def __init__(
        self, dataset: KGDataset, config: LinkPredConfig, *, device: str = "cpu", text: Any = None
    ) -> None:
        import torch

        from kgreason.fusion.gnn.models import Decoder, GraphEncoder, LinkFeatures, reciprocal_edges

        self.config = config
        self.device = torch.device(device)
        self.num_relations = dataset.num_relations
        train = torch.as_tensor(dataset.train, dtype=torch.long)
        edge_index, edge_type = reciprocal_edges(train, dataset.num_relations)
        self.edge_index = edge_index.to(self.device)
        self.edge_type = edge_type.to(self.device)
        self.encoders = torch.nn.ModuleList(
            GraphEncoder(
                dataset.num_entities,
                2 * dataset.num_relations,
                config.dim,
                kind=config.encoder,
                layers=config.layers,
                text_features=text,
                dropout=config.dropout,
            )
            for _ in range(config.ensemble)
        ).to(self.device)
        self.decoder = Decoder(config.decoder).to(self.device)  # parameter-free: shared by the members
        self.link_features: LinkFeatures | None = None
        if config.link_features > 0:
            self.link_features = LinkFeatures(
                dataset.num_entities, 2 * dataset.num_relations, self.edge_index, self.edge_type
            ).to(self.device)

    @classmethod
    def from_checkpoint(cls, ckpt: Any, dataset: KGDataset) -> LinkPredModel:
        """The model saved in ``ckpt`` (by ``kgr train linkpred``) over ``dataset``, in eval mode."""
        import torch

        text = torch.as_tensor(ckpt.features) if ckpt.features is not None else None
        model = cls(dataset, LinkPredConfig(**ckpt.meta["config"]), text=text)
        model.load_state_dict(ckpt.state)
        model.train(False)
        return model

    @property
    def encoder(self) -> Any:
        """The first member's encoder (the only one unless ``config.ensemble > 1``)."""
        return self.encoders[0]

    def parameters(self) -> Any:
        """The members' parameters (the link-feature model is fitted on its own: ``fit_link_features``)."""
        return list(self.encoders.parameters()) + list(self.decoder.parameters())

    def member_vectors(self, member: int) -> tuple[Any, Any]:
        """``(entity vectors, relation vectors)`` of one member: its encoder run once."""
        return self.encoders[member](self.edge_index, self.edge_type)  # type: ignore[no-any-return]

    def vectors(self) -> list[tuple[Any, Any]]:
        """Every member's vectors; pass them to ``score_queries`` to score many batches."""
        return [self.member_vectors(m) for m in range(len(self.encoders))]

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any]
        if len(self.encoders) == 1:  # the single-model layout of earlier checkpoints
            state = {"encoder": self.encoders[0].state_dict(), "decoder": self.decoder.state_dict()}
        else:
            state = {"encoders": self.encoders.state_dict(), "decoder": self.decoder.state_dict()}
        if self.link_features is not None:
            state["link_features"] = self.link_features.state_dict()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "encoders" in state:
            self.encoders.load_state_dict(state["encoders"])
        else:
            self.encoders[0].load_state_dict(state["encoder"])
        self.decoder.load_state_dict(state["decoder"])
        if self.link_features is not None:
            self.link_features.load_state_dict(state["link_features"])

    def train(self, mode: bool = True) -> None:
        self.encoders.train(mode)
        self.decoder.train(mode)
        if self.link_features is not None:
            self.link_features.train(mode)

    def score_queries(self, heads: Any, rels: Any, vectors: list[tuple[Any, Any]] | None = None) -> Any:
        """``[B, N]`` log-probabilities of every entity as the answer of ``(h, r, ?)``.

        ``r`` may be a reciprocal index ``>= R``; ``vectors`` (from ``vectors()``) saves re-encoding.
        """
        vectors = vectors if vectors is not None else self.vectors()
        total = None
        for ent, rel in vectors:
            logp = self.decoder.score_all(ent[heads], rel[rels], ent).log_softmax(-1)
            total = logp if total is None else total + logp
        assert total is not None
        total = total / len(vectors)
        if self.link_features is None:
            return total
        joint = total + self.config.link_features * self.link_features(heads, rels).log_softmax(-1)
        return joint.log_softmax(-1)


def _queries(triples: np.ndarray[Any, Any], num_relations: int) -> np.ndarray[Any, Any]:
    """``[2n, 3]`` (query head, query relation, answer): each triple forwards and reciprocal."""
    h, r, t = triples[:, 0], triples[:, 1], triples[:, 2]
    return np.concatenate([np.stack([h, r, t], 1), np.stack([t, r + num_relations, h], 1)])


def known_answers(dataset: KGDataset) -> dict[tuple[int, int], set[int]]:
    """``(h, r) -> {t}`` over all splits, reciprocals included: what filtered ranking removes."""
    known: dict[tuple[int, int], set[int]] = defaultdict(set)
    for split in (dataset.train, dataset.valid, dataset.test):
        for h, r, t in _queries(split, dataset.num_relations).tolist():
            known[(h, r)].add(t)
    return known


def evaluate(
    model: LinkPredModel,
    dataset: KGDataset,
    split: str = "test",
    *,
    known: dict[tuple[int, int], set[int]] | None = None,
    batch_size: int = 512,
    dist: DistContext | None = None,
) -> dict[str, float]:
    """Filtered MRR and Hits@1/3/10 over both directions of ``split``.

    With a distributed ``dist``, each rank ranks its share of the queries and the metrics are
    all-reduced (every rank must call this); without it, every query is ranked here.
    """
    import torch

    known = known if known is not None else known_answers(dataset)
    queries = _queries(dataset.split(split), dataset.num_relations)
    if dist is not None:
        queries = dist.shard(queries)
    ranks: list[float] = []
    model.train(False)
    with torch.no_grad():
        vectors = model.vectors()
        for start in range(0, len(queries), batch_size):
            chunk = queries[start : start + batch_size]
            q = torch.as_tensor(chunk, device=model.device)
            scores = model.score_queries(q[:, 0], q[:, 1], vectors).float().cpu().numpy()
            for row, (h, r, t) in zip(scores, chunk.tolist(), strict=True):
                target = row[t]
                others = [x for x in known[(h, r)] if x != t]
                row[others] = -np.inf
                higher = float((row > target).sum())
                equal = float((row == target).sum()) - 1.0
                ranks.append(1.0 + higher + equal / 2.0)
    arr = np.asarray(ranks)
    if arr.size == 0:
        metrics: dict[str, float] = {"mrr": 0.0, "hits@1": 0.0, "hits@3": 0.0, "hits@10": 0.0, "n": 0}
    else:
        metrics = {
            "mrr": float((1.0 / arr).mean()),
            "hits@1": float((arr <= 1).mean()),
            "hits@3": float((arr <= 3).mean()),
            "hits@10": float((arr <= 10).mean()),
            "n": int(arr.size),
        }
    return dist.mean_metrics(metrics) if dist is not None else metrics


def train_linkpred(
    dataset: KGDataset,
    config: LinkPredConfig,
    *,
    device: str = "cpu",
    seed: int = 0,
    text: Any = None,
    progress: Callable[[int, dict[str, float]], None] | None = None,
    dist: DistContext | None = None,
) -> TrainResult:
    """Train on ``dataset.train`` with early stopping on ``dataset.valid`` (filtered MRR).

    With ``config.ensemble = K > 1``, K members are trained one after another with seeds ``seed`` ..
    ``seed + K - 1`` (each with its own early stopping and an equal share of the time left), then joined;
    ``best_valid`` is the joined model's valid metrics and ``history`` rows carry a ``member`` index.
    With ``config.link_features > 0`` the link-feature model is fitted first (``fit_link_features``).

    Args:
        dataset: the splits.
        config: hyper-parameters.
        device: ``cpu`` or ``cuda``.
        seed: seeds torch and numpy.
        text: optional ``[N, F]`` tensor of frozen entity text features.
        progress: called after every epoch with the epoch number (counted across an ensemble's
            members) and the latest metrics.
        dist: the distributed run this process is part of (default: the one ``distributed.init_from_env``
            joined, if any): the model is wrapped in DistributedDataParallel, each rank trains on its share
            of every global batch of ``config.batch_size`` queries and ranks its share of the valid queries.
    """
    dist = dist if dist is not None else current()
    if config.ensemble == 1 and config.link_features == 0:
        return _train_member(
            dataset, config, device=device, seed=seed, text=text, progress=progress, dist=dist
        )
    started = time.perf_counter()
    single = config.model_copy(update={"ensemble": 1, "link_features": 0.0})
    joined = LinkPredModel(dataset, config, device=device, text=text)
    if joined.link_features is not None:
        fit_link_features(joined.link_features, dataset, config.link_features_reg, seed=seed)
    history: list[dict[str, float]] = []
    epochs = 0
    for member in range(config.ensemble):
        left = config.max_seconds - (time.perf_counter() - started)
        budget = single.model_copy(update={"max_seconds": max(left / (config.ensemble - member), 1e-3)})
        done = epochs  # progress counts epochs across the members

        def member_progress(epoch: int, row: dict[str, float], done: int = done) -> None:
            if progress is not None:
                progress(done + epoch, row)

        result = _train_member(
            dataset, budget, device=device, seed=seed + member, text=text, progress=member_progress,
            dist=dist,
        )  # fmt: skip
        joined.encoders[member].load_state_dict(result.model.encoder.state_dict())
        history.extend({**row, "member": float(member)} for row in result.history)
        epochs += result.epochs_run
    joined.train(False)
    best = evaluate(joined, dataset, "valid")
    return TrainResult(joined, config, best, epochs, time.perf_counter() - started, history)


def fit_link_features(
    module: Any, dataset: KGDataset, reg: float, *, seed: int = 0, steps: int = 300, lr: float = 0.05
) -> float:
    """Fit a ``LinkFeatures`` model on the training queries (both directions); return the final loss.

    Cross-entropy over all entities (1vsAll) plus ``reg`` times the squared L2 norm, minimised with Adam
    for ``steps`` steps. The problem is convex (a multinomial logistic regression), so it needs no early
    stopping. Each step takes every training query, or a random batch of them when the ``[batch, N]``
    logits would pass ~16M values.
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    device = module.bias.device
    queries = torch.as_tensor(_queries(dataset.train, dataset.num_relations), device=device)
    batch = max(256, min(len(queries), (1 << 24) // max(dataset.num_entities, 1)))
    optim = torch.optim.Adam(module.parameters(), lr=lr)
    loss = torch.zeros(())
    module.train(True)
    for _ in range(steps):
        if batch < len(queries):
            q = queries[torch.randperm(len(queries), generator=generator)[:batch].to(device)]
        else:
            q = queries
        logits = module(q[:, 0], q[:, 1])
        loss = torch.nn.functional.cross_entropy(logits, q[:, 2]) + reg * module.penalty()
        optim.zero_grad()
        loss.backward()
        optim.step()
    module.train(False)
    return float(loss.detach())


def _train_member(
    dataset: KGDataset,
    config: LinkPredConfig,
    *,
    device: str,
    seed: int,
    text: Any,
    progress: Callable[[int, dict[str, float]], None] | None,
    dist: DistContext,
) -> TrainResult:
    """One model (``config.ensemble == 1``): the training loop with early stopping."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = LinkPredModel(dataset, config, device=device, text=text)
    params = model.parameters()
    if config.optimizer == "adagrad":
        optim: torch.optim.Optimizer = torch.optim.Adagrad(params, lr=config.lr)
    else:
        optim = torch.optim.Adam(params, lr=config.lr)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
    step = dist.wrap(_batch_loss(model, config, loss_fn))  # DDP averages the ranks' gradients
    queries = _queries(dataset.train, dataset.num_relations)
    known = known_answers(dataset)
    best: dict[str, float] = {"mrr": -1.0}
    best_state: dict[str, Any] | None = None
    history: list[dict[str, float]] = []
    stale = 0
    started = time.perf_counter()
    epoch = 0
    for epoch in range(1, config.epochs + 1):
        model.train(True)
        order = rng.permutation(len(queries))
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            chosen = order[start : start + config.batch_size]
            mine = dist.shard(chosen)  # the global batch is the same for any number of ranks
            batch = torch.as_tensor(queries[mine], device=model.device)
            loss = step(batch)
            optim.zero_grad()
            (loss * dist.share(len(mine), len(chosen))).backward()
            optim.step()
            total += float(loss.detach()) * len(batch)
        (total,) = dist.sum([total])
        row: dict[str, float] = {"epoch": float(epoch), "loss": total / len(order)}
        elapsed = time.perf_counter() - started
        out_of_time = dist.any(elapsed > config.max_seconds)  # every rank stops at the same epoch
        if epoch % config.eval_every == 0 or epoch == config.epochs or out_of_time:
            metrics = evaluate(model, dataset, "valid", known=known, dist=dist)
            row.update({f"valid_{k}": v for k, v in metrics.items()})
            if metrics["mrr"] > best["mrr"]:
                best, stale = metrics, 0
                best_state = {
                    k: {n: p.detach().clone() for n, p in v.items()} for k, v in model.state_dict().items()
                }
            else:
                stale += 1
        row["seconds"] = time.perf_counter() - started
        history.append(row)
        if progress is not None:
            progress(epoch, row)
        if stale >= config.patience or out_of_time:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.train(False)
    return TrainResult(model, config, best, epoch, time.perf_counter() - started, history)


def _batch_loss(model: LinkPredModel, config: LinkPredConfig, loss_fn: Any) -> Any:
    """A ``torch.nn.Module`` whose forward is the training loss of one batch of ``[B, 3]`` queries for
    ``model``'s first member (a module, so that DistributedDataParallel can wrap it): 1vsAll
    cross-entropy, plus the relation-prediction loss and the N3 penalty when configured, each a mean
    over the batch. An empty batch (a rank's share of a short last batch) gives a zero that still
    reaches every parameter, as DDP expects."""
    import torch

    class BatchLoss(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model.encoders[0]
            self.decoder = model.decoder

        def forward(self, batch: torch.Tensor) -> torch.Tensor:
            ent: torch.Tensor
            rel: torch.Tensor
            ent, rel = self.encoder(model.edge_index, model.edge_type)
            if len(batch) == 0:
                return (ent.sum() + rel.sum()) * 0.0
            h, r, t = ent[batch[:, 0]], rel[batch[:, 1]], ent[batch[:, 2]]
            loss: torch.Tensor = loss_fn(self.decoder.score_all(h, r, ent), batch[:, 2])
            if config.relation_prediction > 0:
                rel_scores = self.decoder.score_relations(h, t, rel)
                loss = loss + config.relation_prediction * loss_fn(rel_scores, batch[:, 1])
            if config.reg > 0:
                loss = loss + config.reg * self.decoder.regulariser(h, r, t)
            return loss

    return BatchLoss()


def evaluate_dataset(
    name_or_dir: str,
    options: dict[str, Any] | None = None,
    *,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
) -> dict[str, Any]:
    """Train on a benchmark (preset + ``options``) and return the filtered test metrics with timings."""
    from kgreason.fusion.gnn.datasets import load_dataset
    from kgreason.fusion.gnn.run_settings import make_config, set_threads

    set_threads(threads)
    dataset = load_dataset(name_or_dir)
    config = make_config(LinkPredConfig, {**PRESETS.get(dataset.name, {}), **(options or {})})
    result = train_linkpred(dataset, config, device=device, seed=seed)
    test = evaluate(result.model, dataset, "test")
    return {
        **dataset.summary(),
        **{k: v for k, v in test.items() if k != "n"},
        "ranked": test["n"],
        "valid_mrr": result.best_valid.get("mrr"),
        "epochs": result.epochs_run,
        "train_seconds": round(result.seconds, 2),
        "config": config.model_dump(),
        "seed": seed,
        "device": device,
    }

"""Joint training of the gnn strategy's QA model, early stopping on a dev set, and its checkpoint state.

``train_qa`` builds the model over the graph (``index_store``; node names embedded beforehand with the
frozen MiniLM) and optimises the contrastive QA loss plus the link-prediction loss with Adam. Questions
(topic entity's name masked, so the model learns the relations asked for, not the names) are tokenised
once; while the question encoder is frozen its token states are computed once and reused. With
``question_encoder=finetune`` a frozen warm-up runs first (to its own early stop), then the encoder's top
``finetune_layers`` layers train together with the GNN (their own learning rate, ``encoder_lr``) for up
to ``finetune_epochs``; ``question_encoder=lora`` is the same with the encoder's LoRA adapters (every
layer's attention projections, ``lora_r``, at ``lora_lr``) trained instead of its top layers, the base
weights frozen. After each epoch it measures Hits@1 on the dev questions and keeps the best state
of either phase; it stops after ``patience`` epochs without gain or after ``max_seconds``.

Under torchrun (``distributed.init_from_env``) every rank builds the same model, draws the same question
order and link-prediction triples, and trains on its share of each global batch (``DistContext.shard``)
inside ``DistributedDataParallel``; each share's losses are weighted (``DistContext.share``) so the
averaged gradient is the whole batch's. Dev Hits@1 is counted over the ranks' shares of the dev questions
and summed, so every rank takes the same early-stopping decision; rank 0 writes the checkpoint.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kgreason.errors import InputError
from kgreason.fusion.gnn.distributed import DistContext, current
from kgreason.fusion.gnn.graph_data import GraphIndex
from kgreason.fusion.gnn.qa_model import QAConfig
from kgreason.qa_file import QAItem

JOINT = ("finetune", "lora")
"""``question_encoder`` modes that train the encoder with the GNN (after the frozen warm-up)."""


def mask_topic(question: str, topic_name: str) -> str:
    """The question with the topic entity's name replaced by ``X`` (case-insensitive)."""
    if not topic_name:
        return question
    return re.sub(re.escape(topic_name), "X", question, flags=re.IGNORECASE)


@dataclass
class EncodedQA:
    """Masked question texts, topics and answers as node indexes (items without a usable topic dropped).

    ``input_ids``/``attention_mask`` are the tokenised texts; ``tokens`` caches the frozen encoder's
    token states (``prepare`` fills both); ``lower`` the states below the top ``lower_top`` layers, once
    those train (``prepare_lower``).
    """

    texts: list[str]
    topics: npt.NDArray[np.int64]
    answers: list[list[int]]
    dropped: int = 0
    input_ids: Any = None
    attention_mask: Any = None
    tokens: Any = None
    lower: Any = None
    lower_top: int = 0

    def __len__(self) -> int:
        return len(self.texts)


def encode_items(items: Sequence[QAItem], index: GraphIndex, names: Sequence[str]) -> EncodedQA:
    """Mask each question's topic name and map topics/answers to node indexes."""
    texts, topics, answers = [], [], []
    dropped = 0
    for item in items:
        topic = index.index.get(item.topic_entity or "")
        gold = [index.index[a] for a in item.answers if a in index.index]
        if topic is None or not gold:
            dropped += 1
            continue
        texts.append(mask_topic(item.question, names[topic]))
        topics.append(topic)
        answers.append(gold)
    if not texts:
        raise InputError("no question has a topic_entity and an answer in the graph")
    return EncodedQA(texts, np.asarray(topics, dtype=np.int64), answers, dropped)


def prepare(model: Any, data: EncodedQA, *, batch_size: int = 256) -> None:
    """Tokenise ``data`` once and cache the (frozen) encoder's token states."""
    import torch

    encoder = model.question_encoder
    if encoder is None:
        data.input_ids = torch.zeros(len(data), 1, dtype=torch.long)
        data.attention_mask = torch.ones(len(data), 1, dtype=torch.long)
        return
    data.input_ids, data.attention_mask = encoder.tokenize(data.texts)
    device = next(model.parameters()).device
    states = []
    encoder.train(False)
    with torch.no_grad():
        for start in range(0, len(data), batch_size):
            ids = data.input_ids[start : start + batch_size].to(device)
            mask = data.attention_mask[start : start + batch_size].to(device)
            states.append(encoder(ids, mask).cpu())
    data.tokens = torch.cat(states)


def prepare_lower(model: Any, data: EncodedQA, top: int, *, batch_size: int = 256) -> None:
    """Cache the states below the encoder's top ``top`` layers (when some layers stay frozen)."""
    import torch

    encoder = model.question_encoder
    if encoder is None or top >= encoder.num_layers:
        return
    device = next(model.parameters()).device
    states = []
    for start in range(0, len(data), batch_size):
        ids = data.input_ids[start : start + batch_size].to(device)
        mask = data.attention_mask[start : start + batch_size].to(device)
        states.append(encoder.lower(ids, mask, top).cpu())
    data.lower, data.lower_top = torch.cat(states), top


def question_batch(model: Any, data: EncodedQA, sel: Any, device: Any) -> tuple[Any, Any]:
    """(token states, attention mask) of questions ``sel``, trimmed to their longest question: from the
    cache while the encoder is frozen, through the encoder (with gradients) once it trains."""
    import torch

    sel = torch.as_tensor(sel, dtype=torch.long)
    mask = data.attention_mask[sel]
    length = max(1, int(mask.sum(1).max()))
    mask = mask[:, :length].to(device)
    encoder = model.question_encoder
    if encoder is not None and encoder.trainable:
        if data.lower is not None:
            tokens: Any = encoder.upper(data.lower[sel, :length].to(device), mask, data.lower_top)
            return tokens, mask
        return model.tokens(data.input_ids[sel, :length].to(device), mask), mask
    if data.tokens is None:
        return model.tokens(data.input_ids[sel, :length].to(device), mask), mask
    return data.tokens[sel, :length].to(device), mask


@dataclass
class QATrainResult:
    model: Any
    config: QAConfig
    best_dev: dict[str, float]
    epochs_run: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    finetune_epochs: int = 0


def hits_at_1(
    model: Any,
    data: EncodedQA,
    edge_index: Any,
    edge_type: Any,
    *,
    batch_size: int = 128,
    dist: DistContext | None = None,
) -> float:
    """Share of questions whose top-scored node is a gold answer (with a distributed ``dist``: each rank
    scores its share of the questions and the hits are summed over the ranks)."""
    import torch

    dist = dist if dist is not None else current()
    model.train(False)
    hits = 0
    mine: list[int] = dist.shard(list(range(len(data))))
    with torch.no_grad():
        # on the model's device (the graph tensors are there): a CUDA run scored CPU tensors before
        ent, rel = model.node_vectors(edge_index, edge_type)
        for start in range(0, len(mine), batch_size):
            sel = mine[start : start + batch_size]
            tokens, mask = question_batch(model, data, sel, edge_index.device)
            t = torch.as_tensor(data.topics[sel], device=edge_index.device)
            out = model.score(tokens, mask, t, ent, rel, edge_index, edge_type)
            top = out["logits"].argmax(-1).tolist()
            hits += sum(p in data.answers[q] for q, p in zip(sel, top, strict=True))
    total_hits, total = dist.sum([hits, len(mine)])
    return total_hits / max(1.0, total)


def _batch_loss(model: Any, train: EncodedQA, num_nodes: int, config: QAConfig, dist: DistContext) -> Any:
    """A ``torch.nn.Module`` (so DistributedDataParallel can wrap it) whose forward gives the QA loss of
    questions ``sel`` and the link-prediction loss of this rank's share of the global ``triples`` (each a
    mean over its items; ``None`` where there is none), and a zero term. The negative tails are drawn for
    the whole global batch on every rank (the same draw: same seed), then shared out with the triples, so
    the random stream stays that of one process. Distributed, the zero term touches every trainable
    parameter, so a rank whose share is empty, or a part the configuration leaves unused, still joins
    DDP's reduction."""
    import torch

    from kgreason.fusion.gnn.qa_model import answer_mask, contrastive_loss, link_loss

    class BatchLoss(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, sel: Any, triples: Any, edge_index: Any, edge_type: Any) -> tuple[Any, Any, Any]:
            device = edge_index.device
            qa = lp = touch = None
            if dist.enabled:
                trained = [p.sum() for p in self.model.parameters() if p.requires_grad]
                touch = torch.stack(trained).sum() * 0.0
            tokens, mask = question_batch(self.model, train, sel, device) if len(sel) else (None, None)
            ent, rel = self.model.node_vectors(edge_index, edge_type)
            if len(sel):
                t = torch.as_tensor(train.topics[sel], device=device)
                out = self.model.score(tokens, mask, t, ent, rel, edge_index, edge_type)
                gold = answer_mask([train.answers[i] for i in sel], num_nodes, device)
                qa = contrastive_loss(out["logits"], gold)
            if triples is not None and len(triples):
                fake = torch.randint(0, ent.size(0), (len(triples), config.negatives), device=device)
                mine = torch.as_tensor(dist.shard(range(len(triples))), dtype=torch.long, device=device)
                if len(mine):
                    lp = link_loss(self.model, ent, rel, triples[mine], config.negatives, fake[mine])
            return qa, lp, touch

    return BatchLoss()


def train_qa(
    index: GraphIndex,
    features: npt.NDArray[np.float32] | None,
    train: EncodedQA,
    dev: EncodedQA | None,
    config: QAConfig,
    *,
    device: str = "cpu",
    seed: int = 0,
    progress: Callable[[int, dict[str, float]], None] | None = None,
    dist: DistContext | None = None,
) -> QATrainResult:
    """Optimise QA + link-prediction losses together; keep the state with the best dev Hits@1.

    ``dist``: the distributed run this process is part of (default: the one ``distributed.init_from_env``
    joined, if any); each rank trains on its share of every global batch of ``config.batch_size``
    questions (and ``config.lp_batch`` link-prediction triples) and scores its share of the dev questions.
    """
    import torch

    from kgreason.fusion.gnn.models import reciprocal_edges
    from kgreason.fusion.gnn.qa_model import QAModel

    dist = dist if dist is not None else current()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dev_ = torch.device(device)
    triples = torch.as_tensor(index.triples(), dtype=torch.long)
    edge_index, edge_type = (x.to(dev_) for x in reciprocal_edges(triples, index.num_relations))
    text = torch.as_tensor(features) if features is not None else None
    model = QAModel(index.num_nodes, index.num_relations, config, text=text).to(dev_)
    for data in (train, dev):
        if data is not None:
            prepare(model, data)
    graph_params = [p for n, p in model.named_parameters() if not n.startswith("question_encoder.")]
    optim = torch.optim.Adam(graph_params, lr=config.lr)
    lp_triples = triples.to(dev_)
    batch_loss = _batch_loss(model, train, index.num_nodes, config, dist)
    # DDP averages the ranks' gradients; the node text features (a buffer) never change: not broadcast
    step = dist.wrap(batch_loss, sync_buffers=False)
    best: dict[str, float] = {"hits@1": -1.0}
    best_state: dict[str, Any] | None = None
    history: list[dict[str, float]] = []
    stale, epoch, tuned_epochs = 0, 0, 0
    phase = "frozen"
    started = time.perf_counter()
    while True:
        epoch += 1
        model.train(True)
        order = rng.permutation(len(train))
        qa_total = lp_total = 0.0
        for start in range(0, len(order), config.batch_size):
            chosen = order[start : start + config.batch_size]
            sel = dist.shard(chosen)  # the global batch is the same for any number of ranks
            picked = None
            if config.lp_weight > 0 and len(lp_triples):
                pick = rng.integers(0, len(lp_triples), config.lp_batch)  # the same draw on every rank
                picked = lp_triples[torch.as_tensor(pick, device=dev_)]
            qa, lp, touch = step(sel, picked, edge_index, edge_type)
            loss = touch if touch is not None else torch.zeros((), device=dev_)
            if qa is not None:
                loss = loss + qa * dist.share(len(sel), len(chosen))
                qa_total += float(qa.detach()) * len(sel)
            if lp is not None:
                n_lp = len(dist.shard(range(config.lp_batch)))
                loss = loss + config.lp_weight * lp * dist.share(n_lp, config.lp_batch)
                lp_total += float(lp.detach()) * len(chosen) * n_lp / config.lp_batch
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
        tuned_epochs += phase == "joint"
        qa_total, lp_total = dist.sum([qa_total, lp_total])
        row: dict[str, float] = {
            "epoch": float(epoch),
            "qa_loss": qa_total / len(order),
            "lp_loss": lp_total / len(order),
            "encoder_trained": float(phase == "joint"),
        }
        score = hits_at_1(model, dev if dev is not None else train, edge_index, edge_type, dist=dist)
        row["dev_hits@1" if dev is not None else "train_hits@1"] = score
        # ties go to the later state once the encoder trains: the joint model unless it is worse on dev
        if score > best["hits@1"] or (phase == "joint" and score == best["hits@1"]):
            best, stale = {"hits@1": score}, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        row["seconds"] = time.perf_counter() - started
        history.append(row)
        if progress is not None:
            progress(epoch, row)
        out_of_time = dist.any(row["seconds"] > config.max_seconds)  # every rank stops at the same epoch
        done = stale >= config.patience or score >= 1.0 or out_of_time
        if phase == "frozen" and (done or epoch >= config.epochs):
            if config.question_encoder not in JOINT or out_of_time or score >= 1.0:
                break
            # the warm-up is over: from its best state, train the encoder (its top layers or its LoRA
            # adapters) with the rest
            if best_state is not None:
                model.load_state_dict(best_state)
            encoder = model.question_encoder
            assert encoder is not None  # question_encoder=finetune/lora builds one
            if config.question_encoder == "lora":
                encoder.train_adapter()  # adapters in every layer: nothing below them to cache
                encoder_lr = config.lora_lr
            else:
                encoder.set_trainable(config.finetune_layers)
                for data in (train, dev):
                    if data is not None:
                        prepare_lower(model, data, config.finetune_layers)
                encoder_lr = config.encoder_lr
            tuned = [p for p in encoder.parameters() if p.requires_grad]
            optim.add_param_group({"params": tuned, "lr": encoder_lr})  # GNN's Adam state kept
            step = dist.wrap(batch_loss, sync_buffers=False)  # DDP again, over the new parameters
            phase, stale = "joint", 0
        elif phase == "joint" and (done or tuned_epochs >= config.finetune_epochs):
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    if model.question_encoder is not None and model.question_encoder.trainable:
        model.question_encoder.round_trainable()  # what the checkpoint keeps (fp16): same answers after
    model.train(False)
    return QATrainResult(
        model, config, best, epoch, time.perf_counter() - started, history, finetune_epochs=tuned_epochs
    )

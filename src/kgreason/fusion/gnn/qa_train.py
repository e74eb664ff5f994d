"""Joint training of the gnn strategy's QA model, early stopping on a dev set, and its checkpoint state.

``train_qa`` builds the model over the graph (``index_store``; node names embedded beforehand with the
frozen MiniLM) and optimises the contrastive QA loss plus the link-prediction loss with Adam. Questions
(topic entity's name masked, so the model learns the relations asked for, not the names) are tokenised
once; while the question encoder is frozen its token states are computed once and reused. With
``question_encoder=finetune`` a frozen warm-up runs first (to its own early stop), then the encoder's top
``finetune_layers`` layers train together with the GNN (their own learning rate, ``encoder_lr``) for up
to ``finetune_epochs``. After each epoch it measures Hits@1 on the dev questions and keeps the best state
of either phase; it stops after ``patience`` epochs without gain or after ``max_seconds``.
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
from kgreason.fusion.gnn.graph_data import GraphIndex
from kgreason.fusion.gnn.qa_model import QAConfig
from kgreason.qa_file import QAItem


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
    model: Any, data: EncodedQA, edge_index: Any, edge_type: Any, *, batch_size: int = 128
) -> float:
    """Share of questions whose top-scored node is a gold answer."""
    import torch

    model.train(False)
    hits = 0
    with torch.no_grad():
        # on the model's device (the graph tensors are there): a CUDA run scored CPU tensors before
        ent, rel = model.node_vectors(edge_index, edge_type)
        for start in range(0, len(data), batch_size):
            sel = list(range(start, min(start + batch_size, len(data))))
            tokens, mask = question_batch(model, data, sel, edge_index.device)
            t = torch.as_tensor(data.topics[sel], device=edge_index.device)
            out = model.score(tokens, mask, t, ent, rel, edge_index, edge_type)
            top = out["logits"].argmax(-1).tolist()
            hits += sum(p in data.answers[start + i] for i, p in enumerate(top))
    return hits / max(1, len(data))


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
) -> QATrainResult:
    """Optimise QA + link-prediction losses together; keep the state with the best dev Hits@1."""
    import torch

    from kgreason.fusion.gnn.models import reciprocal_edges
    from kgreason.fusion.gnn.qa_model import QAModel, answer_mask, contrastive_loss, link_loss

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
            sel = order[start : start + config.batch_size]
            tokens, mask = question_batch(model, train, sel, dev_)
            t = torch.as_tensor(train.topics[sel], device=dev_)
            out = model(tokens, mask, t, edge_index, edge_type)
            qa = contrastive_loss(
                out["logits"], answer_mask([train.answers[i] for i in sel], index.num_nodes, dev_)
            )
            loss = qa
            if config.lp_weight > 0 and len(lp_triples):
                pick = torch.as_tensor(rng.integers(0, len(lp_triples), config.lp_batch), device=dev_)
                lp = link_loss(model, out["ent"], out["rel"], lp_triples[pick], config.negatives)
                loss = loss + config.lp_weight * lp
                lp_total += float(lp.detach()) * len(sel)
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
            qa_total += float(qa.detach()) * len(sel)
        tuned_epochs += phase == "finetune"
        row: dict[str, float] = {
            "epoch": float(epoch),
            "qa_loss": qa_total / len(order),
            "lp_loss": lp_total / len(order),
            "encoder_trained": float(phase == "finetune"),
        }
        score = hits_at_1(model, dev if dev is not None else train, edge_index, edge_type)
        row["dev_hits@1" if dev is not None else "train_hits@1"] = score
        # ties go to the later state once the encoder trains: the joint model unless it is worse on dev
        if score > best["hits@1"] or (phase == "finetune" and score == best["hits@1"]):
            best, stale = {"hits@1": score}, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        row["seconds"] = time.perf_counter() - started
        history.append(row)
        if progress is not None:
            progress(epoch, row)
        out_of_time = row["seconds"] > config.max_seconds
        done = stale >= config.patience or score >= 1.0 or out_of_time
        if phase == "frozen" and (done or epoch >= config.epochs):
            if config.question_encoder != "finetune" or out_of_time or score >= 1.0:
                break
            # the warm-up is over: from its best state, train the encoder's top layers with the rest
            if best_state is not None:
                model.load_state_dict(best_state)
            encoder = model.question_encoder
            assert encoder is not None  # question_encoder=finetune builds one
            encoder.set_trainable(config.finetune_layers)
            for data in (train, dev):
                if data is not None:
                    prepare_lower(model, data, config.finetune_layers)
            tuned = [p for p in encoder.parameters() if p.requires_grad]
            optim.add_param_group({"params": tuned, "lr": config.encoder_lr})  # GNN's Adam state kept
            phase, stale = "finetune", 0
        elif phase == "finetune" and (done or tuned_epochs >= config.finetune_epochs):
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    if model.question_encoder is not None and model.question_encoder.trainable:
        model.question_encoder.round_trainable()  # what the checkpoint keeps (fp16): same answers after
    model.train(False)
    return QATrainResult(
        model, config, best, epoch, time.perf_counter() - started, history, finetune_epochs=tuned_epochs
    )

"""Joint training of the gnn strategy's QA model, early stopping on a dev set, and its checkpoint.

``train_qa`` reads the graph (``index_store``), embeds node names and questions with the frozen MiniLM
encoder (the topic entity's name masked in the question, so the model learns the relations asked for,
not the names), and optimises the contrastive QA loss plus the link-prediction loss together with Adam.
After each epoch it measures Hits@1 on the dev questions and keeps the best state; it stops after
``patience`` epochs without gain or after ``max_seconds``. ``save``/``load`` write and read the
checkpoint with its metadata (graph hash, config, metrics).
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
    """Questions as vectors, topics and answers as node indexes (items without a usable topic dropped)."""

    vectors: npt.NDArray[np.float32]
    topics: npt.NDArray[np.int64]
    answers: list[list[int]]
    dropped: int = 0


def encode_items(items: Sequence[QAItem], index: GraphIndex, names: Sequence[str], encoder: Any) -> EncodedQA:
    """Embed questions (topic masked) and map topics/answers to node indexes."""
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
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    return EncodedQA(vectors, np.asarray(topics, dtype=np.int64), answers, dropped)


@dataclass
class QATrainResult:
    model: Any
    config: QAConfig
    best_dev: dict[str, float]
    epochs_run: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def hits_at_1(
    model: Any, data: EncodedQA, edge_index: Any, edge_type: Any, *, batch_size: int = 128
) -> float:
    """Share of questions whose top-scored node is a gold answer."""
    import torch

    model.train(False)
    hits = 0
    with torch.no_grad():
        for start in range(0, len(data.topics), batch_size):
            # on the model's device (the graph tensors are there): a CUDA run scored CPU tensors before
            q = torch.as_tensor(data.vectors[start : start + batch_size], device=edge_index.device)
            t = torch.as_tensor(data.topics[start : start + batch_size], device=edge_index.device)
            out = model(q, t, edge_index, edge_type)
            top = out["logits"].argmax(-1).tolist()
            hits += sum(p in data.answers[start + i] for i, p in enumerate(top))
    return hits / max(1, len(data.topics))


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
    optim = torch.optim.Adam(model.parameters(), lr=config.lr)
    lp_triples = triples.to(dev_)
    best: dict[str, float] = {"hits@1": -1.0}
    best_state: dict[str, Any] | None = None
    history: list[dict[str, float]] = []
    stale, epoch = 0, 0
    started = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        model.train(True)
        order = rng.permutation(len(train.topics))
        qa_total = lp_total = 0.0
        for start in range(0, len(order), config.batch_size):
            sel = order[start : start + config.batch_size]
            q = torch.as_tensor(train.vectors[sel], device=dev_)
            t = torch.as_tensor(train.topics[sel], device=dev_)
            out = model(q, t, edge_index, edge_type)
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
        row: dict[str, float] = {
            "epoch": float(epoch),
            "qa_loss": qa_total / len(order),
            "lp_loss": lp_total / len(order),
        }
        score = hits_at_1(model, dev if dev is not None else train, edge_index, edge_type)
        row["dev_hits@1" if dev is not None else "train_hits@1"] = score
        if score > best["hits@1"]:
            best, stale = {"hits@1": score}, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        row["seconds"] = time.perf_counter() - started
        history.append(row)
        if progress is not None:
            progress(epoch, row)
        if stale >= config.patience or row["seconds"] > config.max_seconds or score >= 1.0:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.train(False)
    return QATrainResult(model, config, best, epoch, time.perf_counter() - started, history)

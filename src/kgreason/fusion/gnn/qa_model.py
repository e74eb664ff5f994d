"""The joint model of the gnn strategy: a relational GNN over the graph and a question encoder.

Node vectors come from ``GraphEncoder`` (learned embeddings + projected MiniLM name vectors, then R-GCN
or CompGCN layers). A question is its frozen MiniLM vector (topic name masked) concatenated with the topic
entity's GNN vector, through a trainable projection: the question is *conditioned on the topic entity*.

Scoring is question-conditioned message passing from the topic entity (as in NSM/TransferNet): at step
``k`` the projected question (and the previous step's choice) gives a distribution over the ``2R`` edge
types (each relation and its reciprocal), and the topic's one-hot mass flows along every edge weighted by
its type's probability; a hop-count head weights the masses after 1..``steps`` steps. The mass that
reaches a node is its path score; it is zero outside the topic's ``steps``-hop neighbourhood, so only
neighbourhood nodes are candidates. The final logit adds a
bilinear match between the question and each node's GNN vector. Training sums two losses: a contrastive
loss over nodes with the gold answers as positives, and a link-prediction loss (DistMult on the GNN
vectors, sampled negative tails) that keeps the node vectors faithful to the graph.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import Tensor, nn

from kgreason.fusion.gnn.models import Decoder, GraphEncoder


class QAConfig(BaseModel):
    """Hyper-parameters of the joint QA model (unknown keys are an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    encoder: Literal["none", "rgcn", "compgcn"] = "compgcn"
    dim: int = Field(64, ge=4, description="Node and relation vector size.")
    layers: int = Field(2, ge=0, le=4)
    hidden: int = Field(256, ge=8, description="Projected question size.")
    steps: int = Field(3, ge=1, le=5, description="Message-passing steps from the topic (max hops).")
    epochs: int = Field(40, ge=1)
    batch_size: int = Field(64, ge=1)
    lr: float = Field(3e-3, gt=0)
    lp_weight: float = Field(0.5, ge=0, description="Weight of the link-prediction loss.")
    lp_batch: int = Field(1024, ge=1, description="Edges per step for the link-prediction loss.")
    negatives: int = Field(16, ge=1, description="Sampled negative tails per edge.")
    dropout: float = Field(0.1, ge=0, lt=1)
    patience: int = Field(4, ge=1, description="Epochs without dev Hits@1 gain before stopping.")
    max_seconds: float = Field(280.0, gt=0, description="Training stops after this long (best state kept).")
    answer_threshold: float = Field(0.5, gt=0, le=1, description="Path mass an answer-set member needs.")
    match_weight: float = Field(
        0.1, ge=0, description="Weight of the topic-conditioned question/node-vector match in the logit."
    )


class QAModel(nn.Module):
    """GNN encoder + topic-conditioned question projection + relation-following scorer."""

    def __init__(
        self,
        num_nodes: int,
        num_relations: int,
        config: QAConfig,
        *,
        text: Tensor | None,
        question_dim: int = 384,
    ) -> None:
        super().__init__()
        self.config = config
        self.num_types = 2 * num_relations  # relations and their reciprocals
        self.encoder = GraphEncoder(
            num_nodes,
            2 * num_relations,
            config.dim,
            kind=config.encoder,
            layers=config.layers,
            text_features=text,
            dropout=config.dropout,
        )
        self.decoder = Decoder("distmult")
        self.question = nn.Sequential(
            nn.Linear(question_dim, config.hidden), nn.GELU(), nn.Dropout(config.dropout)
        )
        self.conditioned = nn.Linear(config.hidden + config.dim, config.hidden)
        num_types = self.num_types
        self.step_heads = nn.ModuleList(
            nn.Linear(config.hidden + num_types, num_types) for _ in range(config.steps)
        )
        self.hop_head = nn.Linear(config.hidden, config.steps)
        self.match = nn.Linear(config.hidden, config.dim, bias=False)
        self.path_weight = nn.Parameter(torch.tensor(2.0))

    def node_vectors(self, edge_index: Tensor, edge_type: Tensor) -> tuple[Tensor, Tensor]:
        out: tuple[Tensor, Tensor] = self.encoder(edge_index, edge_type)
        return out

    def step_probabilities(
        self, questions: Tensor, topics: Tensor, ent: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """(``[B, steps, 2R]`` edge-type distributions, ``[B, steps]`` hop-count distribution, ``[B, hidden]``
        question vectors conditioned on the topic entity, for the match term).

        Each step's distribution also sees the previous step's, so the model learns which relation
        follows which (e.g. ``headquartered_in`` after ``works_at``). The relation choices see the question
        only: given the topic's own (learned) vector they memorised answers per topic instead.
        """
        hq = self.question(questions)
        prev = hq.new_zeros(hq.size(0), self.num_types)
        probs = []
        for head in self.step_heads:
            prev = head(torch.cat([hq, prev], dim=-1)).softmax(-1)
            probs.append(prev)
        conditioned = torch.tanh(self.conditioned(torch.cat([hq, ent[topics]], dim=-1)))
        return torch.stack(probs, dim=1), self.hop_head(hq).softmax(-1), conditioned

    def propagate(
        self,
        topics: Tensor,
        probs: Tensor,
        hops: Tensor,
        edge_index: Tensor,
        edge_type: Tensor,
        num_nodes: int,
    ) -> Tensor:
        """``[B, N]`` path mass: the hop-count-weighted mass after 1..steps steps from each topic."""
        src, dst = edge_index[0], edge_index[1]
        x = torch.zeros(topics.size(0), num_nodes, device=topics.device)
        x[torch.arange(topics.size(0), device=topics.device), topics] = 1.0
        total = torch.zeros_like(x)
        for k in range(probs.size(1)):
            messages = x[:, src] * probs[:, k][:, edge_type]
            x = torch.zeros_like(x).index_add_(1, dst, messages).clamp(max=1.0)
            total = total + hops[:, k : k + 1] * x
        return total

    def combine(self, mass: Tensor, hq: Tensor, ent: Tensor) -> Tensor:
        """Logits: log path mass (zero mass: out of reach) plus the weighted question/node match."""
        logits = self.path_weight.abs() * torch.log(mass + 1e-6)
        if self.config.match_weight > 0:
            logits = logits + self.config.match_weight * (self.match(hq) @ ent.t()) / ent.size(1) ** 0.5
        return logits

    def forward(
        self, questions: Tensor, topics: Tensor, edge_index: Tensor, edge_type: Tensor
    ) -> dict[str, Tensor]:
        ent, rel = self.node_vectors(edge_index, edge_type)
        probs, hops, hq = self.step_probabilities(questions, topics, ent)
        mass = self.propagate(topics, probs, hops, edge_index, edge_type, ent.size(0))
        logits = self.combine(mass, hq, ent)
        return {"logits": logits, "mass": mass, "probs": probs, "hops": hops, "ent": ent, "rel": rel}


def contrastive_loss(logits: Tensor, answers: Tensor) -> Tensor:
    """Multi-positive InfoNCE over nodes: ``-log`` of the softmax mass on the gold answers."""
    positive = logits.masked_fill(~answers, float("-inf")).logsumexp(-1)
    return (logits.logsumexp(-1) - positive).mean()


def link_loss(model: QAModel, ent: Tensor, rel: Tensor, triples: Tensor, negatives: int) -> Tensor:
    """DistMult with sampled negative tails: softplus on positives and negatives."""
    h, r, t = triples[:, 0], triples[:, 1], triples[:, 2]
    pos = model.decoder.score(ent[h], rel[r], ent[t])
    fake = torch.randint(0, ent.size(0), (triples.size(0), negatives), device=triples.device)
    q = model.decoder._query(ent[h], rel[r])
    neg = (q.unsqueeze(1) * ent[fake]).sum(-1)
    return nn.functional.softplus(-pos).mean() + nn.functional.softplus(neg).mean()


def answer_mask(answer_lists: list[list[int]], num_nodes: int, device: Any) -> Tensor:
    mask = torch.zeros(len(answer_lists), num_nodes, dtype=torch.bool, device=device)
    for i, answers in enumerate(answer_lists):
        mask[i, answers] = True
    return mask

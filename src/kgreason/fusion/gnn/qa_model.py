"""The joint model of the gnn strategy: a question encoder and a relational GNN trained together.

Questions are read by the bundled MiniLM through ``transformers`` (``QuestionEncoder``; the topic
entity's name masked): ``question_encoder`` is ``frozen`` (its token states computed once), ``finetune``
(its top ``finetune_layers`` layers trained with the rest, after a frozen warm-up), ``lora`` (rank
``lora_r`` LoRA adapters on every layer's attention projections, through ``peft``, trained with the rest
after the same warm-up; the base weights stay frozen) or ``none`` (no text: the baseline that shows what
the words add). Node vectors come from ``GraphEncoder`` (learned embeddings
+ projected MiniLM name vectors, then PyG R-GCN or CompGCN layers over the whole graph).

The two sides interact both ways:

- graph-aware question pooling: the question vector is the mean of its token states joined with an
  attention pooling whose query is the topic entity's GNN vector (which words matter depends on what the
  topic is), then projected; it is also conditioned on the topic's GNN vector for the match terms;
- question-aware message passing: (1) from the topic entity, at step ``k`` the question gives a
  distribution over the ``2R`` edge types (each relation and its reciprocal), the topic's one-hot mass
  flows along every edge weighted by its type's probability and a hop-count head weights the masses after
  1..``steps`` steps (as in NSM/TransferNet); the mass that reaches a node is its path score, zero outside
  the topic's ``steps``-hop neighbourhood, so only neighbourhood nodes are candidates; (2) on the
  question-conditioned subgraph (the topic and the ``subgraph_nodes`` nodes with the most path mass, with
  the edges among them) ``reason_layers`` CompGCN layers pass messages gated per edge type by the
  question, from node states that carry the question context and the path mass; their output scores the
  subgraph's nodes against the question (QA-GNN style).

The logit adds the log path mass, a bilinear question/node match and the subgraph score. Training sums a
contrastive loss over nodes (gold answers positive) and a link-prediction loss (DistMult on the GNN
vectors, sampled negative tails) that keeps the node vectors faithful to the graph.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import Tensor, nn

from kgreason.fusion.gnn.models import CompGCNConv, Decoder, GraphEncoder


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
    question_encoder: Literal["frozen", "finetune", "lora", "none"] = Field(
        "frozen",
        description="MiniLM question encoder: frozen, fine-tuned with the GNN, LoRA adapters trained with "
        "the GNN (peft), or none (no text).",
    )
    finetune_layers: int = Field(2, ge=1, le=6, description="Top MiniLM layers trained (finetune).")
    encoder_lr: float = Field(3e-5, gt=0, description="Learning rate of the fine-tuned encoder layers.")
    finetune_epochs: int = Field(
        10, ge=1, description="Epochs with the encoder trained, after the frozen warm-up (finetune, lora)."
    )
    lora_r: int = Field(8, ge=1, le=256, description="Rank of the LoRA adapters (lora).")
    lora_alpha: int = Field(16, ge=1, description="LoRA scale numerator: updates scaled by alpha/r.")
    lora_lr: float = Field(1e-3, gt=0, description="Learning rate of the LoRA adapters (lora).")
    reason_layers: int = Field(
        1, ge=0, le=3, description="Question-gated CompGCN layers over each question's subgraph."
    )
    subgraph_nodes: int = Field(32, ge=2, description="Nodes (most path mass) in a question's subgraph.")


class QAModel(nn.Module):
    """Question encoder + GNN encoder + question-conditioned path scorer and subgraph reasoner."""

    def __init__(
        self,
        num_nodes: int,
        num_relations: int,
        config: QAConfig,
        *,
        text: Tensor | None,
        question_encoder: Any = None,
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
        if config.question_encoder != "none" and question_encoder is None:
            from kgreason.fusion.gnn.question_encoder import QuestionEncoder

            question_encoder = QuestionEncoder()
        if config.question_encoder == "lora" and not question_encoder.adapter:
            # added now, frozen and the identity until trained: a checkpoint's adapters load into them
            question_encoder.add_lora(config.lora_r, config.lora_alpha)
        self.question_encoder = question_encoder if config.question_encoder != "none" else None
        token_dim = self.question_encoder.dim if self.question_encoder is not None else 384
        self.token_dim = token_dim
        self.pool_query = nn.Linear(config.dim, token_dim)
        self.question = nn.Sequential(
            nn.Linear(2 * token_dim, config.hidden), nn.GELU(), nn.Dropout(config.dropout)
        )
        self.conditioned = nn.Linear(config.hidden + config.dim, config.hidden)
        num_types = self.num_types
        self.step_heads = nn.ModuleList(
            nn.Linear(config.hidden + num_types, num_types) for _ in range(config.steps)
        )
        self.hop_head = nn.Linear(config.hidden, config.steps)
        self.match = nn.Linear(config.hidden, config.dim, bias=False)
        self.path_weight = nn.Parameter(torch.tensor(2.0))
        # question-conditioned subgraph reasoning
        self.gate = nn.Linear(config.hidden, num_types)
        self.context = nn.Linear(config.hidden, config.dim)
        self.mass_proj = nn.Linear(1, config.dim)
        self.topic_flag = nn.Parameter(torch.zeros(config.dim))
        self.reason = nn.ModuleList(
            CompGCNConv(config.dim, num_types, dropout=config.dropout) for _ in range(config.reason_layers)
        )
        self.reason_match = nn.Linear(config.hidden, config.dim, bias=False)
        self.reason_weight = nn.Parameter(torch.tensor(1.0))

    # -- the question side -----------------------------------------------------------------------------
    def tokens(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """``[B, L, token_dim]`` token states (with gradients only when the encoder is trainable)."""
        if self.question_encoder is None:
            return torch.zeros(*input_ids.shape, self.token_dim, device=input_ids.device)
        if self.question_encoder.trainable:
            out: Tensor = self.question_encoder(input_ids, attention_mask)
            return out
        with torch.no_grad():
            frozen: Tensor = self.question_encoder(input_ids, attention_mask)
        return frozen

    def pool(self, tokens: Tensor, mask: Tensor, topics: Tensor, ent: Tensor) -> Tensor:
        """``[B, hidden]``: mean of the tokens joined with their attention pooling queried by the topic."""
        if self.question_encoder is None:
            pooled = tokens.new_zeros(tokens.size(0), 2 * self.token_dim)
            return self.question(pooled)  # type: ignore[no-any-return]
        m = mask.unsqueeze(-1).to(tokens.dtype)
        mean = nn.functional.normalize((tokens * m).sum(1) / m.sum(1).clamp(min=1.0), dim=-1)
        query = self.pool_query(ent[topics])
        att = (tokens @ query.unsqueeze(-1)).squeeze(-1) / self.token_dim**0.5
        att = att.masked_fill(mask == 0, float("-inf")).softmax(-1)
        attended = nn.functional.normalize((att.unsqueeze(-1) * tokens).sum(1), dim=-1)
        return self.question(torch.cat([mean, attended], dim=-1))  # type: ignore[no-any-return]

    # -- the graph side --------------------------------------------------------------------------------
    def node_vectors(self, edge_index: Tensor, edge_type: Tensor) -> tuple[Tensor, Tensor]:
        out: tuple[Tensor, Tensor] = self.encoder(edge_index, edge_type)
        return out

    def step_probabilities(self, hq: Tensor, topics: Tensor, ent: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """(``[B, steps, 2R]`` edge-type distributions, ``[B, steps]`` hop-count distribution, ``[B, hidden]``
        question vectors conditioned on the topic entity, for the match terms).

        Each step's distribution also sees the previous step's, so the model learns which relation
        follows which (e.g. ``headquartered_in`` after ``works_at``). The relation choices see the question
        only: given the topic's own (learned) vector they memorised answers per topic instead.
        """
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

    def subgraph_scores(
        self,
        hq: Tensor,
        mass: Tensor,
        topics: Tensor,
        ent: Tensor,
        rel: Tensor,
        edge_index: Tensor,
        edge_type: Tensor,
    ) -> Tensor:
        """``[B, N]`` scores from question-gated CompGCN layers over each question's subgraph (0 outside).

        The subgraph of question ``b`` is its topic and the ``subgraph_nodes`` nodes with the most path
        mass, with the graph's edges among them; all questions' subgraphs form one disjoint batch graph.
        """
        batch, num_nodes = mass.shape
        if not len(self.reason):
            return mass.new_zeros(batch, num_nodes)
        rows = torch.arange(batch, device=mass.device)
        top_mass, top = mass.detach().topk(min(self.config.subgraph_nodes, num_nodes), dim=1)
        chosen = torch.zeros(batch, num_nodes, dtype=torch.bool, device=mass.device)
        chosen.scatter_(1, top, top_mass > 1e-6)
        chosen[rows, topics] = True
        members = chosen.nonzero()  # [S, 2]: (question, node), in question order
        local = torch.full((batch, num_nodes), -1, dtype=torch.long, device=mass.device)
        local[members[:, 0], members[:, 1]] = torch.arange(members.size(0), device=mass.device)
        anywhere = chosen.any(0)
        src, dst = edge_index[0], edge_index[1]
        near = (anywhere[src] & anywhere[dst]).nonzero().squeeze(-1)  # edges any subgraph may hold
        inside = chosen[:, src[near]] & chosen[:, dst[near]]  # [B, E']
        q_of_edge, at = inside.nonzero(as_tuple=True)
        e = near[at]
        sub_index = torch.stack([local[q_of_edge, src[e]], local[q_of_edge, dst[e]]])
        sub_type = edge_type[e]
        gate = torch.sigmoid(self.gate(hq))[q_of_edge, sub_type]
        q, n = members[:, 0], members[:, 1]
        log_mass = (torch.log(mass[q, n] + 1e-6) / 13.8155).unsqueeze(-1)  # ln(1e6): in [-1, 0]
        is_topic = (n == topics[q]).unsqueeze(-1).to(ent.dtype)
        x = ent[n] + self.context(hq)[q] + self.mass_proj(log_mass) + is_topic * self.topic_flag
        r = rel
        for layer in self.reason:
            h, r = layer(x, r, sub_index, sub_type, gate)
            x = x + h
        score = (self.reason_match(hq)[q] * x).sum(-1) / x.size(1) ** 0.5
        out = mass.new_zeros(batch, num_nodes)
        out[q, n] = score
        return out

    def combine(self, mass: Tensor, hq: Tensor, ent: Tensor) -> Tensor:
        """Logits: log path mass (zero mass: out of reach) plus the weighted question/node match."""
        logits = self.path_weight.abs() * torch.log(mass + 1e-6)
        if self.config.match_weight > 0:
            logits = logits + self.config.match_weight * (self.match(hq) @ ent.t()) / ent.size(1) ** 0.5
        return logits

    def score(
        self,
        tokens: Tensor,
        mask: Tensor,
        topics: Tensor,
        ent: Tensor,
        rel: Tensor,
        edge_index: Tensor,
        edge_type: Tensor,
    ) -> dict[str, Tensor]:
        """Scores of every node for each question, given the node and relation vectors."""
        hq = self.pool(tokens, mask, topics, ent)
        probs, hops, conditioned = self.step_probabilities(hq, topics, ent)
        mass = self.propagate(topics, probs, hops, edge_index, edge_type, ent.size(0))
        logits = self.combine(mass, conditioned, ent)
        if len(self.reason):
            sub = self.subgraph_scores(conditioned, mass, topics, ent, rel, edge_index, edge_type)
            logits = logits + self.reason_weight * sub
        return {"logits": logits, "mass": mass, "probs": probs, "hops": hops}

    def forward(
        self, tokens: Tensor, mask: Tensor, topics: Tensor, edge_index: Tensor, edge_type: Tensor
    ) -> dict[str, Tensor]:
        ent, rel = self.node_vectors(edge_index, edge_type)
        out = self.score(tokens, mask, topics, ent, rel, edge_index, edge_type)
        return {**out, "ent": ent, "rel": rel}

    def checkpoint_state(self) -> dict[str, Tensor]:
        """The state dict a checkpoint stores: the question encoder only where trained (its fine-tuned
        layers or LoRA adapters, fp16)."""
        state = {k: v.detach().cpu() for k, v in self.state_dict().items() if not k.startswith(_BERT)}
        if self.question_encoder is not None and self.question_encoder.trainable:
            state.update({_BERT + k: v for k, v in self.question_encoder.trainable_state().items()})
        return state

    def load_checkpoint_state(self, state: dict[str, Tensor]) -> None:
        """Load ``checkpoint_state`` output: the bundled encoder weights stand for what it left out."""
        own = {k: v for k, v in state.items() if not k.startswith(_BERT)}
        self.load_state_dict(own, strict=False)
        missing = set(self.state_dict()) - set(own)
        missing = {k for k in missing if not k.startswith(_BERT)}
        if missing:
            raise KeyError(f"checkpoint lacks {sorted(missing)[:3]}")
        tuned = {k[len(_BERT) :]: v for k, v in state.items() if k.startswith(_BERT)}
        if tuned and self.question_encoder is not None:
            self.question_encoder.load_trainable_state(tuned)


_BERT = "question_encoder.bert."


def contrastive_loss(logits: Tensor, answers: Tensor) -> Tensor:
    """Multi-positive InfoNCE over nodes: ``-log`` of the softmax mass on the gold answers."""
    positive = logits.masked_fill(~answers, float("-inf")).logsumexp(-1)
    return (logits.logsumexp(-1) - positive).mean()


def link_loss(
    model: QAModel, ent: Tensor, rel: Tensor, triples: Tensor, negatives: int, fake: Tensor | None = None
) -> Tensor:
    """DistMult with sampled negative tails: softplus on positives and negatives (``fake``: the
    ``[len(triples), negatives]`` negative tails, drawn here when not given)."""
    h, r, t = triples[:, 0], triples[:, 1], triples[:, 2]
    pos = model.decoder.score(ent[h], rel[r], ent[t])
    if fake is None:
        fake = torch.randint(0, ent.size(0), (triples.size(0), negatives), device=triples.device)
    q = model.decoder._query(ent[h], rel[r])
    neg = (q.unsqueeze(1) * ent[fake]).sum(-1)
    return nn.functional.softplus(-pos).mean() + nn.functional.softplus(neg).mean()


def answer_mask(answer_lists: list[list[int]], num_nodes: int, device: Any) -> Tensor:
    mask = torch.zeros(len(answer_lists), num_nodes, dtype=torch.bool, device=device)
    for i, answers in enumerate(answer_lists):
        mask[i, answers] = True
    return mask

"""Torch modules of the gnn strategy: relation-aware encoders (R-GCN, CompGCN, none) and KGE decoders.

An encoder maps the graph (``edge_index``, ``edge_type`` over ``2R`` relation types: every relation and
its reciprocal) to one vector per entity, starting from learned embeddings plus, optionally, a linear
projection of frozen text features (MiniLM vectors of the entity names). ``none`` returns the starting
vectors (a shallow KGE model). Decoders score ``(head, relation, tail)``:

- ``distmult``: ``<h, r, t>``;
- ``complex``: ``Re(<h, r, conj(t)>)`` with the vectors split into real and imaginary halves;
- ``rotate``: ``-||h o r - t||`` with ``r`` a rotation (one phase per complex dimension).

``score_all`` scores one ``(h, r)`` query against every entity at once (1-N scoring), which is what
makes training with a cross-entropy over all entities cheap on small graphs. Only imported by code that
has already checked torch and PyTorch Geometric are installed.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing, RGCNConv

EncoderName = Literal["none", "rgcn", "compgcn"]
DecoderName = Literal["distmult", "complex", "rotate"]


class CompGCNConv(MessagePassing):  # type: ignore[misc]
    """One CompGCN layer (Vashishth et al., 2020) as a PyG ``MessagePassing``: messages
    ``W_dir · phi(x_u, z_r)``, mean-aggregated.

    ``phi`` is element-wise multiplication (``mult``) or subtraction (``sub``); original and reciprocal
    edges have their own weight; a self-loop term keeps each node's own vector; relation vectors are
    transformed by their own weight for the next layer. An optional ``edge_weight`` (``[E]``) scales each
    message before aggregation: the QA model's question-conditioned reasoning layer gates edges with it.
    """

    def __init__(
        self, dim: int, num_relations: int, *, composition: str = "mult", dropout: float = 0.1
    ) -> None:
        super().__init__(aggr="mean")
        self.num_relations = num_relations
        self.composition = composition
        self.w_in = nn.Linear(dim, dim, bias=False)
        self.w_out = nn.Linear(dim, dim, bias=False)
        self.w_loop = nn.Linear(dim, dim, bias=False)
        self.w_rel = nn.Linear(dim, dim, bias=False)
        self.loop_rel = nn.Parameter(torch.randn(1, dim) / math.sqrt(dim))
        self.norm = nn.LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def _phi(self, x: Tensor, z: Tensor) -> Tensor:
        return x * z if self.composition == "mult" else x - z

    def forward(
        self,
        x: Tensor,
        rel: Tensor,
        edge_index: Tensor,
        edge_type: Tensor,
        edge_weight: Tensor | None = None,
    ) -> tuple[Tensor, Tensor]:
        agg = self.propagate(edge_index, x=x, rel=rel, edge_type=edge_type, edge_weight=edge_weight)
        out = self.norm(agg + self.w_loop(self._phi(x, self.loop_rel)))
        return self.dropout(torch.tanh(out)), self.w_rel(rel)

    def message(self, x_j: Tensor, rel: Tensor, edge_type: Tensor, edge_weight: Tensor | None) -> Tensor:
        composed = self._phi(x_j, rel[edge_type])
        inverse = (edge_type >= self.num_relations // 2).unsqueeze(-1)
        messages = torch.where(inverse, self.w_in(composed), self.w_out(composed))
        return messages if edge_weight is None else messages * edge_weight.unsqueeze(-1)


class GraphEncoder(nn.Module):
    """Entity vectors from learned embeddings (+ projected text features) through 0..L GNN layers.

    Args:
        num_entities: nodes in the graph.
        num_relations: relation types *including* reciprocals (``2R``).
        dim: vector size of entities and relations.
        kind: ``none`` (shallow), ``rgcn`` (PyG ``RGCNConv`` with basis decomposition) or ``compgcn``
            (``CompGCNConv``, a PyG ``MessagePassing`` layer).
        layers: GNN layers (ignored for ``none``).
        text_features: optional ``[num_entities, F]`` frozen features, projected and added.
    """

    def __init__(
        self,
        num_entities: int,
        num_relations: int,
        dim: int,
        *,
        kind: EncoderName = "none",
        layers: int = 1,
        text_features: Tensor | None = None,
        dropout: float = 0.1,
        num_bases: int = 8,
        init_scale: float = 1e-3,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.entity = nn.Embedding(num_entities, dim)
        self.relation = nn.Embedding(num_relations, dim)
        scale = init_scale if kind == "none" else 1.0 / math.sqrt(dim)
        nn.init.normal_(self.entity.weight, std=scale)
        nn.init.normal_(self.relation.weight, std=scale)
        if kind == "none":
            nn.init.normal_(self.relation.weight, mean=0.0, std=scale)
        self.text: Tensor | None
        if text_features is not None:
            self.register_buffer("text", text_features.float(), persistent=False)
            self.text_proj: nn.Module | None = nn.Linear(text_features.size(1), dim, bias=False)
            nn.init.normal_(self.text_proj.weight, std=scale / math.sqrt(text_features.size(1)))
        else:
            self.text = None
            self.text_proj = None
        self.layers = nn.ModuleList()
        if kind == "rgcn":
            for _ in range(layers):
                self.layers.append(RGCNConv(dim, dim, num_relations, num_bases=min(num_bases, num_relations)))
        elif kind == "compgcn":
            for _ in range(layers):
                self.layers.append(CompGCNConv(dim, num_relations, dropout=dropout))
        self.dropout = nn.Dropout(dropout)

    def initial(self) -> Tensor:
        x = self.entity.weight
        if self.text is not None and self.text_proj is not None:
            x = x + self.text_proj(self.text)
        return x

    def forward(
        self, edge_index: Tensor | None = None, edge_type: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """(entity vectors ``[N, dim]``, relation vectors ``[2R, dim]``)."""
        x = self.initial()
        rel = self.relation.weight
        if self.kind == "none" or edge_index is None or edge_type is None:
            return x, rel
        if self.kind == "rgcn":
            for i, conv in enumerate(self.layers):
                h = conv(x, edge_index, edge_type)
                x = x + self.dropout(torch.tanh(h) if i < len(self.layers) - 1 else h)
            return x, rel
        for layer in self.layers:
            h, rel = layer(x, rel, edge_index, edge_type)
            x = x + h
        return x, rel


class Decoder(nn.Module):
    """Scores (head, relation, tail); ``score_all`` ranks every entity as the tail of ``(h, r)``."""

    def __init__(self, kind: DecoderName, *, margin: float = 6.0) -> None:
        super().__init__()
        self.kind = kind
        self.margin = margin

    def _query(self, h: Tensor, r: Tensor) -> Tensor:
        if self.kind == "distmult":
            return h * r
        a, b = h.chunk(2, dim=-1)
        if self.kind == "complex":
            c, d = r.chunk(2, dim=-1)
            return torch.cat([a * c - b * d, a * d + b * c], dim=-1)
        phase = r.chunk(2, dim=-1)[0] * math.pi  # rotate: first half of r holds the phases
        cos, sin = torch.cos(phase), torch.sin(phase)
        return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)

    def score_all(self, h: Tensor, r: Tensor, entities: Tensor) -> Tensor:
        """``[B, N]`` scores of every entity as the tail of each ``(h, r)`` query."""
        q = self._query(h, r)
        if self.kind != "rotate":
            return q @ entities.t()
        qa, qb = q.chunk(2, dim=-1)
        ea, eb = entities.chunk(2, dim=-1)
        out = []
        for start in range(0, q.size(0), 64):  # chunked: [64, N, d/2] at a time
            da = qa[start : start + 64, None, :] - ea[None]
            db = qb[start : start + 64, None, :] - eb[None]
            out.append(self.margin - torch.sqrt(da * da + db * db + 1e-9).sum(-1))
        return torch.cat(out, dim=0)

    def score_relations(self, h: Tensor, t: Tensor, relations: Tensor) -> Tensor:
        """``[B, R]`` scores of every relation for each ``(h, ?, t)`` pair (DistMult and ComplEx).

        Both scores are linear in the relation vector, so this is one matrix product: for ComplEx,
        ``Re(<h, r, conj(t)>) = <(a*e + b*f, a*f - b*e), r>`` with ``h = a + ib`` and ``t = e + if``.
        """
        if self.kind == "distmult":
            return (h * t) @ relations.t()
        if self.kind != "complex":
            raise ValueError(f"relation scoring needs a bilinear decoder, not {self.kind}")
        a, b = h.chunk(2, dim=-1)
        e, f = t.chunk(2, dim=-1)
        return torch.cat([a * e + b * f, a * f - b * e], dim=-1) @ relations.t()

    def score(self, h: Tensor, r: Tensor, t: Tensor) -> Tensor:
        """``[B]`` scores of matched triples."""
        q = self._query(h, r)
        if self.kind != "rotate":
            return (q * t).sum(-1)
        qa, qb = q.chunk(2, dim=-1)
        ta, tb = t.chunk(2, dim=-1)
        return self.margin - torch.sqrt((qa - ta) ** 2 + (qb - tb) ** 2 + 1e-9).sum(-1)

    def regulariser(self, h: Tensor, r: Tensor, t: Tensor) -> Tensor:
        """N3 (Lacroix et al., 2018): cubed moduli of the factors; for DistMult, cubed absolute values."""
        if self.kind == "distmult":
            return (h.abs() ** 3 + r.abs() ** 3 + t.abs() ** 3).sum() / h.size(0)
        total = h.new_zeros(())
        for v in (h, r, t):
            a, b = v.chunk(2, dim=-1)
            total = total + torch.sqrt(a * a + b * b + 1e-12).pow(3).sum()
        return total / h.size(0)


class LinkFeatures(nn.Module):
    """Observed link features (Toutanova & Chen, 2015): what already links the head to each candidate.

    For a query ``(h, q, ?)`` the logit of candidate ``c`` is ``b[q, c] + sum_f w[q, f]``, summed over the
    relation types ``f != q`` of the training edges ``h -f-> c`` (reciprocal types included, so an edge
    ``c -f-> h`` counts as ``f + R``). It is a log-linear model of length-1 rules ("h and c are already
    linked by f, so q holds too") plus a per-relation prior over answers; it complements the latent
    factors of a KGE decoder, which the joint score (a product of the two) exploits. The queried type
    itself is never a feature, so a training triple cannot predict itself.

    Args:
        num_entities: nodes in the graph.
        num_relations: relation types *including* reciprocals (``2R``).
        edge_index: ``[2, E]`` training edges, reciprocals included (``reciprocal_edges``).
        edge_type: ``[E]`` their types.
    """

    def __init__(self, num_entities: int, num_relations: int, edge_index: Tensor, edge_type: Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(num_relations, num_relations))
        self.bias = nn.Parameter(torch.zeros(num_relations, num_entities))
        # the linked (source, target) pairs, sorted by source, and the types linking each pair
        key = edge_index[0] * num_entities + edge_index[1]
        pairs, pair_of_edge = torch.unique(key, sorted=True, return_inverse=True)
        ptr = torch.zeros(num_entities + 1, dtype=torch.long, device=key.device)
        ptr[1:] = torch.bincount(pairs // num_entities, minlength=num_entities).cumsum(0)
        pair_ptr = torch.zeros(len(pairs) + 1, dtype=torch.long, device=key.device)
        pair_ptr[1:] = torch.bincount(pair_of_edge, minlength=len(pairs)).cumsum(0)
        self.ptr: Tensor
        self.target: Tensor
        self.pair_ptr: Tensor
        self.pair_type: Tensor
        self.off_diagonal: Tensor
        self.register_buffer("ptr", ptr, persistent=False)  # pairs of source s: ptr[s] .. ptr[s + 1]
        self.register_buffer("target", pairs % num_entities, persistent=False)
        self.register_buffer("pair_ptr", pair_ptr, persistent=False)  # types of pair p: pair_ptr[p] ..
        order = torch.argsort(pair_of_edge, stable=True)
        self.register_buffer("pair_type", edge_type[order], persistent=False)
        off = 1.0 - torch.eye(num_relations, device=key.device)  # the queried type is never a feature
        self.register_buffer("off_diagonal", off, persistent=False)

    def forward(self, heads: Tensor, rels: Tensor) -> Tensor:
        """``[B, N]`` logits of every entity as the answer of each ``(h, q)`` query.

        Touches only the pairs linked to the batch's distinct heads and the edges of those pairs.
        """
        logits = self.bias[rels]
        unique_heads, head_of_query = torch.unique(heads, return_inverse=True)
        start, end = self.ptr[unique_heads], self.ptr[unique_heads + 1]
        _, pair = _ranges(start, end)  # the pairs of the distinct heads, once each
        if pair.numel() == 0:
            return logits.clone()
        owner, edge = _ranges(self.pair_ptr[pair], self.pair_ptr[pair + 1])
        # scores[i, q]: the sum of w[q, f] over the types f linking pair[i], f != q
        rows = (self.weight * self.off_diagonal).t()[self.pair_type[edge]]
        scores = rows.new_zeros(len(pair), rows.size(1)).index_add(0, owner, rows)
        length = end - start
        first = torch.cumsum(length, 0) - length  # where each distinct head's pairs start in `pair`
        query, at = _ranges(first[head_of_query], (first + length)[head_of_query])
        values = scores[at, rels[query]]
        return logits.index_put((query, self.target[pair[at]]), values, accumulate=True)

    def penalty(self) -> Tensor:
        """Squared L2 norm of the parameters."""
        return self.weight.pow(2).sum() + self.bias.pow(2).sum()


def _ranges(start: Tensor, end: Tensor) -> tuple[Tensor, Tensor]:
    """The positions ``start[i] .. end[i] - 1`` of every range, concatenated, with the range ``i`` of each."""
    length = end - start
    owner = torch.repeat_interleave(torch.arange(len(start), device=start.device), length)
    first = torch.cumsum(length, 0) - length  # where each range starts in the concatenation
    offset = torch.arange(owner.numel(), device=start.device)
    return owner, torch.repeat_interleave(start - first, length) + offset


def reciprocal_edges(triples: Tensor, num_relations: int) -> tuple[Tensor, Tensor]:
    """``edge_index`` ``[2, 2n]``, ``edge_type`` ``[2n]``: each triple and its reciprocal (``r + R``)."""
    h, r, t = triples[:, 0], triples[:, 1], triples[:, 2]
    edge_index = torch.stack([torch.cat([h, t]), torch.cat([t, h])])
    edge_type = torch.cat([r, r + num_relations])
    return edge_index, edge_type

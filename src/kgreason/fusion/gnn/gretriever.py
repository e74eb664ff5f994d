"""G-Retriever mode: PyG's ``GRetriever`` (a GNN soft prompt for a ``transformers`` LLM) over our graphs.

For a question and its topic entity, ``retrieve`` takes the topic's ``hops``-hop subgraph from the store
(bounded by ``max_nodes``), embeds node texts and relation names with MiniLM (node features and edge
attributes), and textualises the triples as extra context. ``GRetrieverQA`` wraps PyG's ``LLM`` and
``GRetriever`` (a GAT encoder whose pooled output is projected into the LLM's embedding space as a soft
prompt); ``train`` fine-tunes it on QA items (answer names as labels) and ``answer`` generates.

The LLM is any causal LM directory ``transformers`` can load: a user-supplied model on a GPU machine, or
the tiny randomly initialised one ``tiny_llm`` writes (its tokenizer is the bundled MiniLM WordPiece
vocabulary), which lets the whole path run and be tested on a CPU without downloading weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgreason.graph.store import GraphStore
from kgreason.llm.options import require
from kgreason.qa_file import QAItem


def tiny_llm(path: Path, *, hidden: int = 64, layers: int = 2, heads: int = 4, seed: int = 0) -> Path:
    """Write a randomly initialised Llama-architecture causal LM (and tokenizer) to ``path``."""
    require("transformers", "gnn")
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from kgreason.embed.model_files import bundled_model_dir

    tok = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_file=str(bundled_model_dir() / "tokenizer.json"),
        bos_token="[CLS]",
        eos_token="[SEP]",
        pad_token="[PAD]",
        unk_token="[UNK]",
    )
    tok.save_pretrained(path)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=1024,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(path)
    return path


@dataclass
class Retrieved:
    """One question's subgraph as PyG inputs plus its triples as text."""

    x: Any
    edge_index: Any
    edge_attr: Any
    context: str
    node_ids: list[str]


def retrieve(store: GraphStore, topic: str, encoder: Any, *, hops: int = 2, max_nodes: int = 64) -> Retrieved:
    """The topic's neighbourhood subgraph, embedded (MiniLM) and textualised."""
    import numpy as np
    import torch

    from kgreason.graph.node_text import node_text

    sub = store.subgraph([topic], hops=hops, max_nodes=max_nodes)
    nodes = list(sub.nodes)
    index = {n.id: i for i, n in enumerate(nodes)}
    edges = [e for e in sub.edges if e.source in index and e.target in index]
    x = torch.as_tensor(np.asarray(encoder.encode([node_text(n) for n in nodes]), dtype=np.float32))
    rel_names = sorted({e.type for e in edges})
    rel_vec = (
        np.asarray(encoder.encode([r.replace("_", " ") for r in rel_names]), dtype=np.float32)
        if rel_names
        else None
    )
    if edges and rel_vec is not None:
        edge_index = torch.tensor([[index[e.source] for e in edges], [index[e.target] for e in edges]])
        edge_attr = torch.as_tensor(rel_vec[[rel_names.index(e.type) for e in edges]])
    else:
        edge_index = torch.zeros((2, 0), dtype=torch.long)
        edge_attr = torch.zeros((0, x.size(1)))
    context = "\n".join(f"{e.source} {e.type.replace('_', ' ')} {e.target}" for e in edges)
    return Retrieved(x, edge_index, edge_attr, context, [n.id for n in nodes])


class GRetrieverQA:
    """PyG ``GRetriever`` over a graph store: GAT soft prompt + a ``transformers`` causal LM."""

    def __init__(
        self,
        store: GraphStore,
        llm_dir: Path,
        encoder: Any,
        *,
        hops: int = 2,
        max_nodes: int = 64,
        gnn_hidden: int = 64,
    ) -> None:
        require("transformers", "gnn")
        import torch
        from torch_geometric.llm.models import LLM, GRetriever
        from torch_geometric.nn.models import GAT

        self.store = store
        self.encoder = encoder
        self.hops = hops
        self.max_nodes = max_nodes
        # num_params given, so PyG picks a CPU or single-GPU placement itself (no accelerate needed).
        llm = LLM(model_name=str(llm_dir), dtype=torch.float32, num_params=0.001)
        gnn = GAT(in_channels=384, hidden_channels=gnn_hidden, out_channels=gnn_hidden, num_layers=2, heads=2)
        self.model = GRetriever(llm=llm, gnn=gnn)

    def _batch(self, items: Sequence[QAItem]) -> tuple[Any, Any, Any, Any, list[str], list[str]]:
        import torch

        xs, eis, eas, batch, contexts = [], [], [], [], []
        offset = 0
        for i, item in enumerate(items):
            r = retrieve(
                self.store, item.topic_entity or "", self.encoder, hops=self.hops, max_nodes=self.max_nodes
            )
            xs.append(r.x)
            eis.append(r.edge_index + offset)
            eas.append(r.edge_attr)
            batch.append(torch.full((r.x.size(0),), i, dtype=torch.long))
            contexts.append(r.context)
            offset += r.x.size(0)
        labels = [", ".join(item.answers) for item in items]
        return torch.cat(xs), torch.cat(eis, 1), torch.cat(eas), torch.cat(batch), contexts, labels

    def train(
        self, items: Sequence[QAItem], *, epochs: int = 1, batch_size: int = 4, lr: float = 1e-3
    ) -> list[float]:
        """Fine-tune on QA items (answers joined as the label); returns the loss of each step."""
        import torch

        params = [p for p in self.model.parameters() if p.requires_grad]
        optim = torch.optim.AdamW(params, lr=lr)
        losses: list[float] = []
        self.model.train()
        for _ in range(epochs):
            for start in range(0, len(items), batch_size):
                chunk = items[start : start + batch_size]
                x, ei, ea, batch, contexts, labels = self._batch(chunk)
                loss = self.model([i.question for i in chunk], x, ei, batch, labels, edge_attr=ea,
                                  additional_text_context=contexts)  # fmt: skip
                optim.zero_grad()
                loss.backward()
                optim.step()
                losses.append(float(loss.detach()))
        return losses

    def answer(self, items: Sequence[QAItem], *, max_tokens: int = 16) -> list[str]:
        """Generated answers for the items' questions (from their topic entities' subgraphs)."""
        import torch

        x, ei, ea, batch, contexts, _ = self._batch(items)
        self.model.eval()
        with torch.no_grad():
            out: list[str] = self.model.inference(
                [i.question for i in items],
                x,
                ei,
                batch,
                edge_attr=ea,
                additional_text_context=contexts,
                max_out_tokens=max_tokens,
            )
        return out

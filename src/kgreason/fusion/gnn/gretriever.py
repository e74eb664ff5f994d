"""G-Retriever mode of the gnn strategy: PCST subgraph -> GNN soft prompt -> frozen causal LM.

G-Retriever (He et al., 2024) answers from a question-conditioned subgraph: ``pcst.select_subgraph``
picks a connected subgraph of the topic entity's neighbourhood (prize-collecting Steiner tree over MiniLM
similarities); a GAT over it (node features: MiniLM vectors of the node texts; edge features: of the
relation names) is mean-pooled and projected into the LM's embedding space as a soft prompt token, put
before the textualised subgraph and the question. The LM stays frozen; the GNN and the projection learn
from QA items (the answer names as the target text). This is PyG's ``GRetriever`` and ``LLM``
(``torch_geometric.llm``) around a ``transformers`` causal LM.

The LM is any causal-LM directory ``transformers`` loads (``llm`` option), or by default the bundled
SmolLM2-135M-Instruct GGUF of the llama.cpp backend, dequantised by transformers (``gguf`` package) once
and kept as a model directory under ``KGR_HOME/models/gretriever-lm/`` (offline: nothing is fetched).
``tiny_llm`` writes a tiny randomly initialised one for fast tests.

``train_gretriever`` trains and saves the checkpoint (kind ``gretriever``: the GNN and projection
weights, the config, the LM directory and the graph hash); ``GRetrieverRuntime`` loads it and answers:
the generated text is matched to the names of the subgraph's nodes (nothing matched: no answer).
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.fusion.gnn.pcst import Selection, TextVectors, relation_text, select_subgraph
from kgreason.graph.store import GraphStore
from kgreason.llm.options import require
from kgreason.qa_file import QAItem

KIND = "gretriever"
FORMAT = 1
"""Version of the G-Retriever checkpoint layout."""
SYSTEM_PROMPT = "Answer with the names of the entities from the graph facts that answer the question."
TRAINED_PREFIXES = ("gnn.", "projector.")
"""The parameters that train and are saved; the LM is frozen and loaded from its directory (with
``train_llm`` its weights are saved too, under ``llm_generator.``)."""


class GRetrieverConfig(BaseModel):
    """G-Retriever options (``kgr train qa --model gretriever -o KEY=VALUE``)."""

    model_config = ConfigDict(extra="forbid")

    llm: str | None = Field(
        None,
        description="Causal LM: a transformers model directory or a .gguf file (default: the bundled "
        "SmolLM2-135M GGUF).",
    )
    hops: int = Field(2, ge=1, le=4, description="Neighbourhood of the topic that PCST chooses from.")
    max_nodes: int = Field(200, ge=2, description="At most this many neighbourhood nodes.")
    topk: int = Field(3, ge=0, description="Nodes given prizes (most similar to the question).")
    topk_e: int = Field(3, ge=0, description="Relation similarity values given edge prizes.")
    cost_e: float = Field(0.5, gt=0, description="Cost of an edge in the Steiner tree.")
    gnn_hidden: int = Field(64, ge=4, description="GAT hidden and output size.")
    gnn_layers: int = Field(2, ge=1, description="GAT layers.")
    heads: int = Field(2, ge=1, description="GAT attention heads.")
    context: bool = Field(True, description="Also give the LM the subgraph's triples as text.")
    train_llm: bool = Field(
        False, description="Train the LM's weights too (tiny test LMs; G-Retriever keeps the LM frozen)."
    )
    epochs: int = Field(2, ge=1, description="Passes over the training questions.")
    batch_size: int = Field(4, ge=1, description="Questions per step.")
    lr: float = Field(1e-3, gt=0, description="AdamW learning rate of the GNN and projection.")
    max_tokens: int = Field(16, ge=1, description="Tokens generated per answer.")


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


def lm_directory(llm: str | None, settings: Settings) -> Path:
    """The causal-LM directory for ``llm``: a model directory as given; a ``.gguf`` file (default: the
    bundled SmolLM2-135M) dequantised once into ``KGR_HOME/models/gretriever-lm/<name>/``."""
    from kgreason.llm.models import resolve

    if llm is not None and Path(llm).expanduser().is_dir():
        path = Path(llm).expanduser()
        if not (path / "config.json").is_file():
            raise ConfigError(f"{path} is not a transformers model directory (no config.json)")
        return path
    gguf = resolve(llm, settings.models_dir)
    target = settings.models_dir / "gretriever-lm" / gguf.stem
    if (target / "config.json").is_file():
        return target
    return _convert_gguf(gguf, target)


def _convert_gguf(gguf: Path, target: Path) -> Path:
    """Dequantise ``gguf`` with transformers and save it as a model directory (written whole, then moved)."""
    import shutil
    import tempfile

    require("gguf", "gnn")
    require("accelerate", "gnn")  # transformers needs it to read GGUF files
    torch = require("torch", "gnn")
    transformers = require("transformers", "gnn")
    from kgreason.config import private_dir

    kwargs: dict[str, Any] = {"gguf_file": gguf.name, "local_files_only": True}
    with _quiet():
        tok = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), dtype=torch.float32, **kwargs
        )
    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # the weights are plain tensors once dequantised
    plain = type(model)(config)
    plain.load_state_dict(model.state_dict())
    private_dir(target.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with _quiet():
            plain.to(torch.bfloat16).save_pretrained(tmp)
            tok.save_pretrained(tmp)
        if target.exists():  # another process converted it meanwhile
            shutil.rmtree(tmp)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """PyG and transformers print set-up lines and warnings; keep stdout clean for ``--json``."""
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def context_text(selection: Selection) -> str:
    """The subgraph's triples, one per line, by node name: what the LM reads beside the soft prompt."""
    names = {n.id: n.name for n in selection.nodes}
    lines = [
        f"{names.get(e.source, e.source)} {relation_text(e.type)} {names.get(e.target, e.target)}"
        for e in selection.edges
    ]
    return "\n".join(lines) or names.get(selection.topic, selection.topic)


END_RE = re.compile(r"\[\s*/\s*s\s*\]")
"""PyG's end-of-answer text for LMs without a chat template (``[/s]``): generation is cut there."""
SPLIT_RE = re.compile(r"[;,|\n]|\band\b")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def match_answers(text: str, selection: Selection) -> list[str]:
    """Node ids of the subgraph whose names the generated ``text`` names, in the order it names them:
    each part of the text (split at ``;`` ``,`` ``|`` and "and") matched exactly (case and punctuation
    aside), else the node name that ends last in it (the longest on ties). The topic is not an answer."""
    by_name: dict[str, str] = {}
    for n in selection.nodes:
        if n.id != selection.topic:
            by_name.setdefault(_norm(n.name), n.id)
            by_name.setdefault(_norm(n.id), n.id)
    found: list[str] = []
    for part in SPLIT_RE.split(text):
        p = _norm(part)
        if not p:
            continue
        hit = by_name.get(p)
        if hit is None:  # a sentence: the name it ends with ("The parent of bob is alice.")
            ends = [
                (m.end(), len(name), name)
                for name in by_name
                if name and (m := _last(re.finditer(rf"\b{re.escape(name)}\b", p))) is not None
            ]
            hit = by_name[max(ends)[2]] if ends else None
        if hit is not None and hit not in found:
            found.append(hit)
    return found


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    last = None
    for last in matches:  # noqa: B007 (the last one is wanted)
        pass
    return last


def answer_label(item: QAItem, names: dict[str, str]) -> str:
    """The target text of a training item: its answers' names joined with ``; ``."""
    return "; ".join(names.get(a, a) for a in item.answers)


class GRetrieverQA:
    """PyG ``GRetriever``: a GAT soft prompt for a frozen ``transformers`` causal LM."""

    def __init__(self, config: GRetrieverConfig, llm_dir: Path, *, device: str = "cpu") -> None:
        transformers = require("transformers", "gnn")
        import torch
        from torch_geometric.llm.models import LLM, GRetriever
        from torch_geometric.nn.models import GAT

        self.config = config
        self.llm_dir = llm_dir
        # PyG places the LM on the GPUs when num_params (billions) fits their memory; a huge value
        # keeps it on the CPU.
        dtype = torch.bfloat16 if device == "cuda" else torch.float32
        with _quiet():
            try:
                tok_probe = transformers.AutoTokenizer.from_pretrained(str(llm_dir))
            except Exception as exc:
                raise ConfigError(f"transformers could not load the LM in {llm_dir}: {exc}") from exc
            prompt = SYSTEM_PROMPT if getattr(tok_probe, "chat_template", None) else None
            llm = LLM(
                model_name=str(llm_dir),
                dtype=dtype,
                num_params=0.001 if device == "cuda" else 1e9,
                sys_prompt=prompt,
            )
        for p in llm.parameters():
            p.requires_grad_(config.train_llm)  # frozen by default: only the GNN and projection train
        gnn = GAT(
            in_channels=384,
            hidden_channels=config.gnn_hidden,
            out_channels=config.gnn_hidden,
            num_layers=config.gnn_layers,
            heads=config.heads,
            edge_dim=384,
        )
        self.model = GRetriever(llm=llm, gnn=gnn)
        self.device = llm.device

    def _saved(self) -> tuple[str, ...]:
        return (*TRAINED_PREFIXES, "llm_generator.") if self.config.train_llm else TRAINED_PREFIXES

    def trained_state(self) -> dict[str, Any]:
        """A copy of the trained weights (a copy: training goes on after the best epoch is kept)."""
        saved = self._saved()
        return {
            k: v.detach().cpu().clone() for k, v in self.model.state_dict().items() if k.startswith(saved)
        }

    def load_trained_state(self, state: dict[str, Any]) -> None:
        missing, _ = self.model.load_state_dict(state, strict=False)
        lost = [k for k in missing if k.startswith(self._saved())]
        if lost:
            raise ConfigError(f"the G-Retriever checkpoint lacks {len(lost)} weights (e.g. {lost[0]})")

    def inputs(self, selections: Sequence[Selection], vectors: TextVectors) -> tuple[Any, ...]:
        """PyG inputs for a batch of subgraphs: x, edge_index, edge_attr, batch, texts."""
        import torch

        from kgreason.graph.node_text import node_text

        xs, eis, eas, batch, texts = [], [], [], [], []
        offset = 0
        for i, sel in enumerate(selections):
            index = {n.id: j for j, n in enumerate(sel.nodes)}
            xs.append(torch.as_tensor(vectors([node_text(n) for n in sel.nodes])))
            if sel.edges:
                eis.append(
                    torch.tensor([[index[e.source] for e in sel.edges], [index[e.target] for e in sel.edges]])
                    + offset
                )
                eas.append(torch.as_tensor(vectors([relation_text(e.type) for e in sel.edges])))
            batch.append(torch.full((len(sel.nodes),), i, dtype=torch.long))
            texts.append(context_text(sel))
            offset += len(sel.nodes)
        edge_index = torch.cat(eis, 1) if eis else torch.zeros((2, 0), dtype=torch.long)
        edge_attr = torch.cat(eas) if eas else torch.zeros((0, 384))
        x = torch.cat(xs).to(torch.float32)
        return x, edge_index, edge_attr.to(torch.float32), torch.cat(batch), texts

    def loss(
        self, questions: list[str], selections: Sequence[Selection], labels: list[str], vectors: Any
    ) -> Any:
        x, ei, ea, batch, texts = self.inputs(selections, vectors)
        with _quiet():
            return self.model(
                questions, x, ei, batch, labels, edge_attr=ea,
                additional_text_context=texts if self.config.context else None,
            )  # fmt: skip

    def generate(self, questions: list[str], selections: Sequence[Selection], vectors: Any) -> list[str]:
        import torch

        x, ei, ea, batch, texts = self.inputs(selections, vectors)
        self.model.eval()
        with torch.no_grad(), _quiet():
            out: list[str] = self.model.inference(
                questions, x, ei, batch, edge_attr=ea,
                additional_text_context=texts if self.config.context else None,
                max_out_tokens=self.config.max_tokens,
            )  # fmt: skip
        return [END_RE.split(s, maxsplit=1)[0].strip() for s in out]


Progress = Callable[[int, dict[str, float]], None]


@dataclass
class Prepared:
    """Training items with their PCST subgraphs and target texts."""

    questions: list[str]
    selections: list[Selection]
    labels: list[str]
    covered: int
    dropped: int


def prepare(
    store: GraphStore, items: Sequence[QAItem], config: GRetrieverConfig, vectors: TextVectors
) -> Prepared:
    """Each item's PCST subgraph (items without a topic in the graph are dropped) and answer names."""
    wanted = sorted({a for i in items for a in i.answers})
    found = store.get_nodes(wanted) if wanted else {}
    names = {a: found[a].name if a in found else a for a in wanted}
    out = Prepared([], [], [], 0, 0)
    for item in items:
        sel = None
        if item.topic_entity:
            sel = select_subgraph(
                store, item.question, item.topic_entity, vectors, hops=config.hops,
                max_nodes=config.max_nodes, topk=config.topk, topk_e=config.topk_e, cost_e=config.cost_e,
            )  # fmt: skip
        if sel is None:
            out.dropped += 1
            continue
        out.questions.append(item.question)
        out.selections.append(sel)
        out.labels.append(answer_label(item, names))
        out.covered += any(a in set(sel.node_ids()) for a in item.answers)
    return out


def graph_digest(store: GraphStore) -> str:
    """The graph hash checkpoints record (the same digest as the GNN-RAG model's)."""
    from kgreason.fusion.gnn.graph_data import graph_hash

    return graph_hash(e.id for e in store.iter_edges())


def train_gretriever(
    store: GraphStore,
    train_items: Sequence[QAItem],
    dev_items: Sequence[QAItem] | None,
    *,
    settings: Settings,
    options: dict[str, Any] | None = None,
    encoder: Any = None,
    device: str = "cpu",
    seed: int = 0,
    threads: int | None = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train the G-Retriever model for ``store``'s graph and save it; returns the checkpoint metadata.

    Keeps the weights of the epoch with the lowest dev loss (train loss without ``dev_items``).
    """
    import random

    import torch

    from kgreason.fusion.gnn.checkpoint import checkpoint_dir, save_checkpoint
    from kgreason.fusion.gnn.run_settings import make_config, set_threads

    config: GRetrieverConfig = make_config(GRetrieverConfig, options)
    set_threads(threads)
    if encoder is None:
        from kgreason.embed import default_encoder

        encoder = default_encoder()
    started = time.perf_counter()
    llm_dir = lm_directory(config.llm, settings)
    vectors = TextVectors(encoder)
    train = prepare(store, train_items, config, vectors)
    if not train.questions:
        raise ConfigError(
            "no training question has a topic entity in the graph",
            hint="give each question a topic_entity that is a node id of the graph",
        )
    dev = prepare(store, dev_items, config, vectors) if dev_items else None
    torch.manual_seed(seed)
    qa = GRetrieverQA(config, llm_dir, device=device)
    prepared = time.perf_counter() - started
    params = [p for p in qa.model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=config.lr)
    rng = random.Random(seed)
    order = list(range(len(train.questions)))
    best: tuple[float, dict[str, Any], int] | None = None
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        rng.shuffle(order)
        qa.model.train()
        losses = []
        for start in range(0, len(order), config.batch_size):
            idx = order[start : start + config.batch_size]
            loss = qa.loss(
                [train.questions[i] for i in idx], [train.selections[i] for i in idx],
                [train.labels[i] for i in idx], vectors,
            )  # fmt: skip
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(float(loss.detach()))
        row = {"train_loss": sum(losses) / len(losses)}
        if dev is not None and dev.questions:
            row["dev_loss"] = _mean_loss(qa, dev, vectors, config.batch_size)
        history.append(row)
        score = row.get("dev_loss", row["train_loss"])
        if best is None or score < best[0]:
            best = (score, qa.trained_state(), epoch)
        if progress is not None:
            progress(epoch, row)
    seconds = time.perf_counter() - t0
    assert best is not None
    meta = {
        "kind": KIND,
        "format": FORMAT,
        "graph": store.graph,
        "backend": store.backend,
        "graph_hash": graph_digest(store),
        "llm_dir": str(llm_dir),
        "config": config.model_dump(),
        "metrics": {
            **{k: round(v, 4) for k, v in history[best[2] - 1].items()},
            "best_epoch": best[2],
            "epochs": config.epochs,
            "train_questions": len(train.questions),
            "dev_questions": len(dev.questions) if dev is not None else 0,
            "dropped_questions": train.dropped + (dev.dropped if dev is not None else 0),
            "train_answer_in_subgraph": round(train.covered / len(train.questions), 4),
            "prepare_seconds": round(prepared, 2),
            "train_seconds": round(seconds, 2),
        },
        "seed": seed,
        "device": device,
    }
    path = checkpoint_dir(settings, KIND, store.backend, store.graph)
    save_checkpoint(path, state=best[1], meta=meta)
    return {**meta, "path": str(path)}


def _mean_loss(qa: GRetrieverQA, data: Prepared, vectors: TextVectors, batch_size: int) -> float:
    import torch

    qa.model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(data.questions), batch_size):
            sl = slice(start, start + batch_size)
            loss = qa.loss(data.questions[sl], data.selections[sl], data.labels[sl], vectors)
            k = len(data.questions[sl])
            total += float(loss) * k
            n += k
    return total / max(n, 1)


@dataclass(frozen=True)
class Generated:
    """One answered question: its PCST subgraph, the LM's text and the node ids that text names."""

    selection: Selection
    text: str
    answers: list[str]


class GRetrieverRuntime:
    """A trained G-Retriever checkpoint bound to a graph."""

    def __init__(self, qa: GRetrieverQA, vectors: TextVectors) -> None:
        self.qa = qa
        self.config = qa.config
        self.vectors = vectors

    @classmethod
    def load(cls, store: GraphStore, path: Path, encoder: Any) -> GRetrieverRuntime:
        from kgreason.fusion.gnn.checkpoint import load_checkpoint

        ckpt = load_checkpoint(path, expect_hash=graph_digest(store))
        if ckpt.meta.get("kind") != KIND or ckpt.meta.get("format") != FORMAT:
            raise ConfigError(
                f"{path} is not a G-Retriever checkpoint of this kgreason version",
                hint="retrain it with `kgr train qa --model gretriever`",
            )
        llm_dir = Path(ckpt.meta["llm_dir"])
        if not (llm_dir / "config.json").is_file():
            raise ConfigError(
                f"the LM the G-Retriever model was trained with is gone: {llm_dir}",
                hint="retrain it with `kgr train qa --model gretriever`",
            )
        config = GRetrieverConfig(**ckpt.meta["config"])
        import torch

        cuda = ckpt.meta.get("device") == "cuda" and torch.cuda.is_available()
        qa = GRetrieverQA(config, llm_dir, device="cuda" if cuda else "cpu")
        qa.load_trained_state(ckpt.state)
        qa.model.eval()
        return cls(qa, TextVectors(encoder))

    def select(self, store: Any, question: str, topic: str) -> Selection | None:
        c = self.config
        return select_subgraph(
            store, question, topic, self.vectors, hops=c.hops, max_nodes=c.max_nodes, topk=c.topk,
            topk_e=c.topk_e, cost_e=c.cost_e,
        )  # fmt: skip

    def answer(self, store: Any, question: str, topic: str) -> Generated | None:
        """The PCST subgraph, the generated text and the subgraph nodes it names; ``None``: unknown topic."""
        sel = self.select(store, question, topic)
        if sel is None:
            return None
        text = self.qa.generate([question], [sel], self.vectors)[0]
        return Generated(sel, text, match_answers(text, sel))

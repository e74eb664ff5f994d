"""LangChain adapters: a retriever over graph evidence and a tool that answers with citations.

``KgRetriever`` is a LangChain ``BaseRetriever``: it runs the engine's strategy on the query and returns
one ``Document`` per evidence path, best first. ``page_content`` is the path written out
(``alice -[works_at]-> acme -[located_in]-> paris``); ``metadata`` carries what makes it checkable and
replayable: node and edge ids, the path itself, its triples, its score, the citation markers the answer
gave it, every query the strategy executed (with parameters and result digest), the strategy, the graph
and the store. ``KgAnswerTool`` is a ``BaseTool`` (input: ``question`` and optional ``topic``) whose
content is the answer text with its cited facts, and whose artifact is the full ``Answer`` as a dict.

Both wrap an ``Engine`` (build one with ``kgreason.open_graph(...).engine(...)``, or use
``Graph.retriever()`` / ``Graph.tool()``). Needs the ``langchain`` extra (``langchain-core``).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import kgreason
    >>> from kgreason.integrations.langchain import KgRetriever
    >>> home = Path(tempfile.mkdtemp())
    >>> data = home / "family.tsv"
    >>> _ = data.write_text("alice\\tworks_at\\tacme\\nacme\\tlocated_in\\tparis\\n", encoding="utf-8")
    >>> g = kgreason.open_graph("family", home=home)
    >>> _ = g.load(data)
    >>> retriever = KgRetriever(engine=g.engine(llm=None), k=2)
    >>> docs = retriever.invoke("Where is the company alice works at located?")
    >>> docs[0].page_content
    'alice -[works_at]-> acme -[located_in]-> paris'
    >>> docs[0].metadata["node_ids"], docs[0].metadata["strategy"]
    (['alice', 'acme', 'paris'], 'retrieve')
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from kgreason.llm.options import require

require("langchain_core", "langchain")

from langchain_core.callbacks import CallbackManagerForRetrieverRun, CallbackManagerForToolRun  # noqa: E402
from langchain_core.documents import Document  # noqa: E402
from langchain_core.retrievers import BaseRetriever  # noqa: E402
from langchain_core.tools import BaseTool  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field, model_validator  # noqa: E402

from kgreason.reasoning.engine import Engine  # noqa: E402
from kgreason.types import Answer, Edge, Path  # noqa: E402

__all__ = ["KgAnswerInput", "KgAnswerTool", "KgRetriever", "answer_documents", "format_answer", "path_text"]


def path_text(path: Path) -> str:
    """A path written out with arrows that show each edge's direction.

    Example:
        >>> from kgreason.types import Edge, Node, Path
        >>> p = Path((Node("bob"), Node("alice"), Node("acme")),
        ...          (Edge("bob", "knows", "alice"), Edge("alice", "works_at", "acme")))
        >>> path_text(p)
        'bob -[knows]-> alice -[works_at]-> acme'
        >>> path_text(Path((Node("acme"), Node("alice")), (Edge("alice", "works_at", "acme"),)))
        'acme <-[works_at]- alice'
    """
    return path.text(_node_text)


def _node_text(node: Any) -> str:
    name = str(node.name)
    return node.id if name == node.id else f"{name} ({node.id})"


def _edge_text(edge: Edge) -> str:
    return f"{edge.source} -[{edge.type}]-> {edge.target}"


def _ranked(answer: Answer) -> list[Path]:
    """Evidence paths, best first: paths whose every edge the answer cites, then by the rank of the entity
    they end at (answer entities first), then as the strategy listed them."""
    rank = {e: i for i, e in enumerate(answer.entities)}
    cited = {i for c in answer.citations for i in c.edge_ids}
    last = len(rank)

    def key(i: int) -> tuple[bool, int, int]:
        path = answer.evidence[i]
        fully_cited = bool(path.edges) and all(e.id in cited for e in path.edges)
        return (not fully_cited, rank.get(path.nodes[-1].id, last), i)

    return [answer.evidence[i] for i in sorted(range(len(answer.evidence)), key=key)]


def answer_documents(answer: Answer, *, graph: str, store: str, k: int | None = None) -> list[Document]:
    """One ``Document`` per evidence path of ``answer`` (at most ``k``), best first.

    Args:
        answer: what the engine returned.
        graph: the graph's name (recorded in the metadata).
        store: the store backend's name (recorded in the metadata).
        k: the most documents to return (all when ``None``).
    """
    queries = [q.to_dict() for q in answer.queries]
    answer_set = set(answer.answers)
    docs = []
    for rank, path in enumerate(_ranked(answer)[:k] if k is not None else _ranked(answer)):
        edge_ids = list(path.edge_ids)
        end = path.nodes[-1].id
        score = answer.scores.get(f"entity:{end}")
        key = "\x1f".join(edge_ids) or path.nodes[0].id
        metadata: dict[str, Any] = {
            "graph": graph,
            "store": store,
            "strategy": answer.strategy,
            "question": answer.question,
            "rank": rank,
            "score": float(score) if score is not None else None,
            "node_ids": list(path.node_ids),
            "edge_ids": edge_ids,
            "triples": [[e.source, e.type, e.target] for e in path.edges],
            "path": path.to_dict(),
            "end": end,
            "is_answer": end in answer_set,
            "citations": [c.marker for c in answer.citations if set(c.edge_ids) & set(edge_ids)],
            "queries": queries,
        }
        doc_id = "kgr:" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
        docs.append(Document(page_content=path_text(path), metadata=metadata, id=doc_id))
    return docs


def format_answer(answer: Answer) -> str:
    """The answer text, its answer entities and the facts its citations name, as plain text.

    Example:
        >>> from kgreason.types import Answer, Citation, Edge, Node, Path
        >>> e = Edge("acme", "located_in", "paris")
        >>> a = Answer("Where is acme?", "paris [T1]", ("paris", "france"), answers=("paris",),
        ...            evidence=(Path((Node("acme"), Node("paris")), (e,)),),
        ...            citations=(Citation("[T1]", (e.id,)),), strategy="retrieve")
        >>> print(format_answer(a))
        paris [T1]
        answer entities: paris
        other candidates: france
        [T1] acme -[located_in]-> paris
    """
    edges = {e.id: e for p in answer.evidence for e in p.edges}
    chosen = list(answer.answers)
    others = [e for e in answer.entities if e not in chosen][:5]
    lines = [answer.text or ", ".join(chosen) or "(no answer found in the graph)"]
    if chosen:
        lines.append("answer entities: " + ", ".join(chosen))
    if others:
        lines.append("other candidates: " + ", ".join(others))
    for c in answer.citations:
        facts = "; ".join(_edge_text(edges[i]) for i in c.edge_ids if i in edges)
        lines.append(f"{c.marker} {facts}")
    lines += [f"unsupported: {u}" for u in answer.unsupported]
    return "\n".join(lines)


def _engine_from_names(data: Any, default_llm: str | None) -> Any:
    """Build ``engine`` from ``graph``/``store``/``strategy``/``llm``/``options`` when none is given.

    Settings (``KGR_HOME``, ``KGR_NEO4J_*``, ``KGR_LLM``) come from the environment, as for ``kgr``.
    """
    if not isinstance(data, dict) or data.get("engine") is not None or data.get("graph") is None:
        return data
    from kgreason.config import Settings
    from kgreason.graph.open import existing_store
    from kgreason.reasoning.engine_factory import make_engine

    settings = Settings.from_env()
    store = data.setdefault("store", "memory")
    strategy = data.setdefault("strategy", "retrieve")
    llm = data.setdefault("llm", settings.llm if default_llm == "default" else default_llm)
    target = existing_store(data["graph"], store, settings)
    data["engine"] = make_engine(
        target, strategy=strategy, llm=llm, options=data.get("options"), settings=settings
    )
    return data


class KgRetriever(BaseRetriever):
    """Graph evidence as LangChain ``Document``s: one per reasoning path, best first.

    Args:
        engine: the engine whose strategy gathers the evidence (an LLM is called only if the strategy
            needs one; build the engine with ``llm=None`` to keep retrieval model-free where it can be).
        k: the most documents per query (also accepted per call: ``invoke(query, k=2)``).
        topic: start every query from this node id instead of linking entities in the query.
        graph: instead of ``engine``: the name of an existing graph; the engine is then built from
            ``store`` (``memory``), ``strategy`` (``retrieve``), ``llm`` (none) and ``options``, with
            settings from the environment (``KGR_HOME``, ``KGR_NEO4J_URI``, ...).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Engine
    k: int = Field(default=4, ge=1)
    topic: str | None = None
    graph: str | None = None
    store: str | None = None
    strategy: str | None = None
    llm: str | None = None
    options: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _build_engine(cls, data: Any) -> Any:
        return _engine_from_names(data, default_llm=None)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        topic: str | None = None,
    ) -> list[Document]:
        answer = self.engine.ask(query, topic=topic if topic is not None else self.topic)
        store = self.engine.store
        return answer_documents(answer, graph=store.graph, store=store.backend, k=k or self.k)


class KgAnswerInput(BaseModel):
    """The tool's arguments."""

    question: str = Field(description="A question about entities in the knowledge graph.")
    topic: str | None = Field(
        default=None, description="Optional node id of the entity the question is about."
    )


class KgAnswerTool(BaseTool):
    """Answer a question from the knowledge graph, with the facts that support it.

    The tool's content is ``format_answer(answer)``; with ``response_format="content_and_artifact"``
    (the default) its artifact is ``answer.to_dict()`` (evidence, queries, trace), so an agent reads
    the short text and a program can check the evidence.

    Args:
        engine: the engine that answers.
        graph: instead of ``engine``: the name of an existing graph; the engine is then built from
            ``store`` (``memory``), ``strategy`` (``retrieve``), ``llm`` (``KGR_LLM``, i.e. the bundled
            ``llamacpp`` model unless set; ``"none"`` for none) and ``options``, with settings from the
            environment.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str = "knowledge_graph_answer"
    description: str = (
        "Answer a factual question from the knowledge graph. Returns the answer, the answer entities, "
        "and the cited graph facts ([T1] head -[relation]-> tail) that support it."
    )
    args_schema: type[BaseModel] = KgAnswerInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    engine: Engine
    graph: str | None = None
    store: str | None = None
    strategy: str | None = None
    llm: str | None = None
    options: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _build_engine(cls, data: Any) -> Any:
        return _engine_from_names(data, default_llm="default")

    def _run(
        self,
        question: str,
        topic: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        answer = self.engine.ask(question, topic=topic)
        return format_answer(answer), answer.to_dict()

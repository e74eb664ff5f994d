"""The Python API for notebooks and scripts: open a named graph, load it, look at it, ask it questions.

``open_graph`` returns a ``Graph`` handle bound to one named graph on one store (the embedded ``memory``
store by default, or ``neo4j``). The handle loads files, reports stats and the schema, runs Cypher
through the read-only guard, and builds ``Engine`` objects (``Graph.engine``) and LangChain adapters
(``Graph.retriever``, ``Graph.tool``). ``make_engine`` and ``chat_model`` (defined in
``kgreason.reasoning.engine_factory``, re-exported here) are the one place where an engine and its LLM are
built from names; the ``kgr`` CLI and the LangChain adapters call them too.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import kgreason
    >>> home = Path(tempfile.mkdtemp())
    >>> data = home / "family.tsv"
    >>> _ = data.write_text("alice\\tworks_at\\tacme\\nacme\\tlocated_in\\tparis\\n", encoding="utf-8")
    >>> g = kgreason.open_graph("family", home=home)
    >>> [r.edges_created for r in g.load(data)]
    [2]
    >>> g.stats()
    {'nodes': 3, 'edges': 2}
    >>> answer = g.engine(llm=None).ask("Where is the company alice works at located?")
    >>> answer.entities[0]
    'paris'
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from kgreason.config import Settings
from kgreason.errors import ConfigError, MissingExtra, NotFoundError
from kgreason.graph.open import DEFAULT_BACKEND, open_store
from kgreason.graph.store import GraphSchema, GraphStore
from kgreason.reasoning.engine_factory import chat_model as chat_model
from kgreason.reasoning.engine_factory import make_engine as make_engine

if TYPE_CHECKING:
    from kgreason.documents import ExtractionSchema, ExtractReport
    from kgreason.graph.cypher_guard import QueryResult
    from kgreason.graph.loaders import LoadReport
    from kgreason.integrations.langchain import KgAnswerTool, KgRetriever
    from kgreason.llm.base import ChatModel
    from kgreason.qa_file import QAItem
    from kgreason.reasoning.engine import Engine
    from kgreason.types import Edge, Node, Path


def open_graph(
    name: str,
    store: str = DEFAULT_BACKEND,
    *,
    home: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Graph:
    """Open the named graph ``name`` on ``store`` (no I/O until first use; the graph may not exist yet).

    Settings come from the environment (``KGR_HOME``, ``KGR_NEO4J_URI``, ...) unless given; the keyword
    arguments override single fields of them.

    Args:
        name: graph name (letters, digits, ``_``; starts with a letter).
        store: ``memory`` (embedded, saved under ``$KGR_HOME/graphs``), ``neo4j``, or a plugin backend.
        home: use this directory as ``KGR_HOME``.
        settings: explicit settings (default: ``Settings.from_env()``).
        uri: Neo4j URI (``bolt://``, ``neo4j://`` or ``neo4j+s://`` for clusters and Aura).
        user: Neo4j user.
        password: Neo4j password (never printed; prefer ``KGR_NEO4J_PASSWORD``).
        database: Neo4j database name.

    Returns:
        A ``Graph`` handle.

    Raises:
        ConfigError: invalid graph name.
        NotFoundError: unknown store backend.
    """
    base = settings or Settings.from_env()
    if home is not None:
        base = dataclasses.replace(base, home=FsPath(home).expanduser())
    neo: dict[str, Any] = {
        k: v for k, v in (("uri", uri), ("user", user), ("password", password), ("database", database)) if v
    }
    if neo:
        base = dataclasses.replace(base, neo4j=dataclasses.replace(base.neo4j, **neo))
    return Graph(open_store(name, store, base), base)


class Graph:
    """A named graph on one store: load, inspect, query, and build engines over it.

    Build one with ``kgreason.open_graph``. The underlying ``GraphStore`` is ``Graph.store``.

    Args:
        store: the graph's store object.
        settings: the settings it was opened with.
    """

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @property
    def name(self) -> str:
        """The graph's name."""
        return self.store.graph

    @property
    def backend(self) -> str:
        """The store backend's name (``memory``, ``neo4j``, ...)."""
        return self.store.backend

    def __repr__(self) -> str:
        return f"Graph({self.name!r}, store={self.backend!r})"

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def exists(self) -> bool:
        """Whether the graph holds anything yet."""
        return self.store.exists()

    def load(
        self, *paths: str | os.PathLike[str], fmt: str | None = None, batch_size: int = 10_000
    ) -> list[LoadReport]:
        """Load data files (every file is validated before anything is written; re-loading is safe).

        Args:
            *paths: ``.tsv`` triples, ``.csv`` nodes/edges, ``.jsonl`` nodes and edges.
            fmt: ``tsv``, ``csv`` or ``jsonl`` (default: from each extension).
            batch_size: records per write batch (one transaction on Neo4j).

        Returns:
            One ``LoadReport`` per file (records, nodes and edges created, seconds).

        Raises:
            InputError: a malformed row (file and line named); nothing was written.
        """
        from kgreason.graph.loaders import load_file, validate_file

        files = [FsPath(p) for p in paths]
        check_writable = getattr(self.store, "check_writable", None)  # memory store: before any parsing
        if check_writable is not None:
            check_writable()
        for f in files:
            validate_file(f, fmt)
        return [load_file(self.store, f, fmt=fmt, batch_size=batch_size, validated=True) for f in files]

    def extract(
        self,
        *paths: str | os.PathLike[str],
        schema: str | os.PathLike[str] | ExtractionSchema | None = None,
        llm: str | ChatModel | None = "llamacpp",
        model: str | None = None,
        dry_run: bool = False,
    ) -> ExtractReport:
        """Extract facts from documents into this graph, incrementally (``kgr graph extract``).

        Args:
            *paths: ``.txt``, ``.md``, ``.html``, ``.pdf``, ``.jsonl`` files and folders (recursive).
            schema: a schema file (YAML/JSON) or ``ExtractionSchema``; default: the graph's own.
            llm: a backend name, a ``ChatModel``, or ``None``/``"none"`` for the rule-based extractor.
            model: model name or path for the backend.
            dry_run: report what would be extracted and its LLM calls; write nothing.

        Returns:
            The ``ExtractReport`` (documents, chunks, LLM calls, kept/dropped triples, merges, facts).
        """
        from kgreason.documents import ExtractionSchema as Schema
        from kgreason.documents import LLMExtractor, RuleExtractor, extract_documents, load_schema
        from kgreason.documents.extract import Extractor

        chat = chat_model(llm, model=model, settings=self.settings, cache=True)
        extractor: Extractor = RuleExtractor() if chat is None else LLMExtractor(chat)
        if schema is not None and not isinstance(schema, Schema):
            schema = load_schema(schema)
        return extract_documents(self.store, list(paths), extractor, schema=schema, dry_run=dry_run)

    def stats(self) -> dict[str, int]:
        """Node and edge counts, as ``{"nodes": int, "edges": int}``."""
        return self.store.stats().to_dict()

    def schema(self) -> GraphSchema:
        """Labels, relationship types and ``(:A)-[:R]->(:B)`` patterns with counts (``.to_dict()``)."""
        return self.store.schema()

    def node(self, node_id: str) -> Node:
        """The node ``node_id``.

        Raises:
            NotFoundError: no such node.
        """
        found = self.store.get_node(node_id)
        if found is None:
            raise NotFoundError("node", node_id)
        return found

    def neighbors(self, node_id: str, *, limit: int = 50) -> list[tuple[Edge, Node]]:
        """Edges at ``node_id`` (both directions) with the node at their other end."""
        self.node(node_id)
        return self.store.neighbors(node_id, limit=limit)

    def paths(self, source: str, target: str, *, max_hops: int = 3, limit: int = 10) -> list[Path]:
        """Paths between two nodes (edges followed in either direction), shortest first."""
        for n in (source, target):
            self.node(n)
        return self.store.paths_between(source, target, max_hops=max_hops, limit=limit)

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int = 1000,
        allow_write: bool = False,
    ) -> QueryResult:
        """Run Cypher through the read-only guard (stores that run Cypher: ``neo4j``).

        Args:
            cypher: the query; match on ``:KG_<name>`` to stay in this graph.
            params: query parameters.
            limit: row cap.
            allow_write: lift the guard (only for your own queries).

        Returns:
            A ``QueryResult`` (``columns``, ``rows``, ``truncated``, and ``record`` to replay it).

        Raises:
            ConfigError: the store does not run Cypher.
            QueryRefused: the guard refused the query (the reason is in the message).
        """
        if not self.store.capabilities.cypher:
            raise ConfigError(
                f"the {self.backend} store does not run Cypher", hint="open it with store='neo4j'"
            )
        run = getattr(self.store, "run_cypher")  # noqa: B009 - only stores with the cypher capability have it
        result: QueryResult = run(cypher, dict(params or {}), read_only=not allow_write, limit=limit)
        return result

    def engine(
        self,
        strategy: str = "retrieve",
        *,
        llm: str | ChatModel | None = "default",
        model: str | None = None,
        options: Mapping[str, Any] | None = None,
        cache: bool = False,
        llm_options: Mapping[str, Any] | None = None,
    ) -> Engine:
        """An ``Engine`` answering questions over this graph.

        Args:
            strategy: ``retrieve``, ``multihop``, ``gnn`` (when installed) or a plugin strategy.
            llm: a backend name; ``"default"`` is ``KGR_LLM`` (the bundled ``llamacpp`` model unless set);
                ``None`` or ``"none"`` for ranked answers without a model; or a chat model object.
            model: model name or path for the backend.
            options: the strategy's options (see docs/strategies.md); a misspelt key is an error.
            cache: cache LLM replies on disk.
            llm_options: backend options (e.g. ``{"base_url": "http://host:8000/v1"}`` for ``openai``).
        """
        name = self.settings.llm if llm == "default" else llm
        return make_engine(
            self.store,
            strategy=strategy,
            llm=name,
            model=model,
            options=options,
            settings=self.settings,
            cache=cache,
            llm_options=llm_options,
        )

    def make_qa(
        self, *, hops: Sequence[int] = (1, 2), n: int = 100, seed: int = 0, inverse: float = 0.0
    ) -> list[QAItem]:
        """Templated questions with complete gold answer sets, generated from this graph.

        The same as ``kgr eval make-qa``: ``n`` questions shared among the hop counts in ``hops``;
        ``inverse`` is the probability that a step reads its edge backwards ("Which films did X direct?"
        over ``film -directed_by-> person``), 0 by default. Use them to train the ``gnn`` strategy
        (``train_qa``; ``inverse=0.5`` teaches it questions that read relations backwards) or to evaluate
        (``Engine.eval``).
        """
        from kgreason.reasoning.qa_gen import make_qa

        return make_qa(self.store, hops=hops, n=n, seed=seed, inverse=inverse)

    def train_qa(
        self,
        train: Sequence[QAItem] | str | os.PathLike[str],
        dev: Sequence[QAItem] | str | os.PathLike[str] | None = None,
        *,
        options: Mapping[str, Any] | None = None,
        seed: int = 0,
        device: str = "cpu",
    ) -> dict[str, Any]:
        """Train the ``gnn`` strategy's model for this graph (``kgr train qa``; needs the ``gnn`` extra).

        Args:
            train: training questions (``QAItem`` objects, e.g. from ``make_qa``, or a QA JSONL file).
            dev: questions for early stopping.
            options: model options (``epochs``, ... as ``kgr train qa --option``); a misspelt key is an error.
            seed: random seed.
            device: ``cpu`` or ``cuda``.

        Returns:
            The saved model's metadata (``path``, ``metrics``, ...); ``engine("gnn")`` uses the model.

        Raises:
            MissingExtra: torch or torch_geometric is not installed (``pip install 'kgreason[gnn]'``).
        """
        import importlib.util

        for module in ("torch", "torch_geometric"):
            if importlib.util.find_spec(module) is None:
                raise MissingExtra("gnn", module)
        from kgreason.fusion.gnn.training import train_qa_model
        from kgreason.qa_file import read_qa

        def items(q: Sequence[QAItem] | str | os.PathLike[str]) -> list[QAItem]:
            return read_qa(FsPath(q)) if isinstance(q, str | os.PathLike) else list(q)

        return train_qa_model(
            self.store,
            items(train),
            None if dev is None else items(dev),
            settings=self.settings,
            options=dict(options or {}),
            device=device,
            seed=seed,
        )

    def retriever(
        self,
        *,
        k: int = 4,
        strategy: str = "retrieve",
        llm: str | ChatModel | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> KgRetriever:
        """A LangChain retriever over this graph (needs the ``langchain`` extra).

        Args:
            k: evidence paths (documents) returned per query.
            strategy: the strategy that gathers the evidence.
            llm: the model the strategy may use while gathering (none by default).
            options: the strategy's options.
        """
        from kgreason.integrations.langchain import KgRetriever

        return KgRetriever(engine=self.engine(strategy, llm=llm, options=options), k=k)

    def tool(
        self,
        *,
        strategy: str = "retrieve",
        llm: str | ChatModel | None = "default",
        options: Mapping[str, Any] | None = None,
    ) -> KgAnswerTool:
        """A LangChain tool that answers questions over this graph with citations (``langchain`` extra)."""
        from kgreason.integrations.langchain import KgAnswerTool

        return KgAnswerTool(engine=self.engine(strategy, llm=llm, options=options))

    def drop(self) -> None:
        """Delete this graph and everything in it."""
        self.store.drop()

    def close(self) -> None:
        """Release the store's connections (saves nothing: loads are already durable)."""
        self.store.close()


def graphs(store: str = DEFAULT_BACKEND, *, home: str | os.PathLike[str] | None = None) -> Sequence[str]:
    """Names of the graphs on ``store``."""
    settings = Settings.from_env()
    if home is not None:
        settings = dataclasses.replace(settings, home=FsPath(home).expanduser())
    return open_store("kgr", store, settings).list_graphs()

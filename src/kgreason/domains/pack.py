"""The ``DomainPack`` plugin API: what a domain pack declares and how its graph is loaded into a store.

A domain pack bundles everything kgreason needs to reason in one domain: its graph schema (labels and
relationship types), a data loader that writes the pack's graph into any ``GraphStore`` under a named
graph (idempotently), mechanism rules (graph-path patterns with a meaning), Cypher templates for the
Neo4j store, prompts and entity hints for ``kgr ask --pack``, answer checks, an optional CLI sub-app, a
golden test set, and an optional link-prediction hook. Packs are found through the ``kgreason.domains``
entry-point group (see ``kgreason.domains.discovery``); a third-party distribution declares::

    [project.entry-points."kgreason.domains"]
    mypack = "mypack:MyPack"

where ``MyPack`` subclasses ``DomainPack`` (or is a zero-argument factory returning one). Then
``kgr packs list`` shows it, ``kgr packs load mypack [--store neo4j]`` writes its graph, ``kgr ask --pack
mypack "..."`` answers over that graph with the pack's system prompt, entity hints and answer checks, and
``kgr packs run mypack -- ARGS`` runs its CLI sub-app (the typer app ``cli_app()`` returns).
 ``examples/example_pack`` is a complete example.
"""

from __future__ import annotations

import hashlib
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from kgreason.graph.store import GraphStore
from kgreason.types import Answer, Edge, Node, PredictedEdge

if TYPE_CHECKING:
    import typer

PACK_INFO_LABEL = "DomainPackInfo"
"""Label of the one marker node a loaded pack leaves in its graph (version and data digest)."""

_BATCH = 5000


@dataclass(frozen=True)
class PackSchema:
    """The labels and relationship types a pack's graph uses, each with a one-line meaning."""

    labels: Mapping[str, str]
    relationship_types: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"labels": dict(self.labels), "relationship_types": dict(self.relationship_types)}


@dataclass(frozen=True)
class MechanismRule:
    """A two-edge graph path ``(a)-[:first]->(m)<-[:second]-(b)`` that means something in the domain.

    ``a`` and ``b`` are the two entities checked together; ``m`` is the shared middle node (an enzyme, a
    transporter, an effect, ...) and must carry ``middle_label``. ``pattern`` is the path as Cypher text,
    for people and for the Neo4j Cypher templates.
    """

    name: str
    first: str
    second: str
    middle_label: str
    description: str

    @property
    def pattern(self) -> str:
        return f"(a)-[:{self.first}]->(m:{self.middle_label})<-[:{self.second}]-(b)"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "pattern": self.pattern, "description": self.description}


@dataclass(frozen=True)
class GoldenCase:
    """One case of a pack's golden test set.

    ``expected`` is pack-defined (the ddi pack: ``interaction`` or ``none``); ``via`` lists node ids at
    least one of which must appear in the reported result; ``min_level`` the lowest acceptable level.
    """

    entities: tuple[str, ...]
    expected: str
    via: tuple[str, ...] = ()
    min_level: str = ""
    source: tuple[str, ...] = ()
    note: str = ""
    line: int = 0


LinkPredictor = Callable[[GraphStore, Sequence[str]], Sequence[PredictedEdge]]
"""The link-prediction hook: ``predict(store, entity_ids)`` returns scored edges among those entities
(``kgreason.types.PredictedEdge``, one type for every predictor)."""


@dataclass(frozen=True)
class PackLoadReport:
    """What ``DomainPack.load`` did with a pack's data (a file load gives a ``graph.loaders.LoadReport``)."""

    pack: str
    version: str
    graph: str
    store: str
    nodes_created: int
    edges_created: int
    nodes: int
    edges: int
    seconds: float
    skipped: bool = False
    """True when the graph already held this exact pack data (nothing written)."""
    reloaded: bool = False
    """True when an older copy of the pack's data was dropped and loaded afresh."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PackData:
    """The graph a pack loads: its nodes and edges."""

    nodes: Sequence[Node]
    edges: Sequence[Edge]


class DomainPack(ABC):
    """Base class of every domain pack. Subclasses set the class attributes and implement ``schema`` and
    ``graph_data``; everything else has a working default.

    Attributes:
        name: the stable registry name (``ddi``).
        version: the pack's version; part of the data digest.
        description: one line for ``kgr packs list``.
        default_graph: the named graph the pack loads into unless told otherwise.
        link_predictor: the link-prediction hook (``None`` when no predictor is wired in).
    """

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    default_graph: ClassVar[str] = ""

    def __init__(self, *, link_predictor: LinkPredictor | None = None) -> None:
        self.link_predictor = link_predictor

    # -- what a pack must provide ----------------------------------------------------------------------
    @abstractmethod
    def schema(self) -> PackSchema:
        """Labels and relationship types of the pack's graph."""

    @abstractmethod
    def graph_data(self) -> PackData:
        """The nodes and edges of the pack's graph (the data loader; validated, with sources)."""

    # -- optional parts --------------------------------------------------------------------------------
    def rules(self) -> Sequence[MechanismRule]:
        """Mechanism rules as graph paths."""
        return ()

    def cypher_templates(self) -> Mapping[str, str]:
        """Named, parameterised read-only Cypher queries; ``{graph_label}`` is the graph's label."""
        return {}

    def prompts(self) -> Mapping[str, str]:
        """Prompts the engine uses with this pack.

        ``system`` comes first in every model request of ``kgr ask --pack``, before the strategy's own
        system turn (``kgreason.llm.with_system_prompt``).
        """
        return {}

    def entity_hints(self, question: str) -> list[str]:
        """Node ids the pack recognises in ``question`` (its own names, brands, synonyms), best first."""
        return []

    def answer_checks(self, answer: Answer, store: GraphStore) -> list[str]:
        """Domain checks of an answer; each returned line is a warning shown with the answer."""
        return []

    def cli_app(self) -> typer.Typer | None:
        """The pack's own typer app (``kgr packs run NAME -- ARGS``), or ``None``.

        Import it inside the method, so listing packs stays cheap. The host runs it with this pack object
        as the click context's ``obj`` (``ctx.find_object(type(self))``), wired with what the host adds.
        """
        return None

    def golden_set(self) -> Sequence[GoldenCase]:
        """The pack's golden test set."""
        return ()

    def data_problems(self) -> list[str]:
        """Problems found while validating the pack's data (``file:line: reason``); empty when clean."""
        return []

    # -- loading ---------------------------------------------------------------------------------------
    def graph_name(self) -> str:
        return self.default_graph or self.name

    def data_digest(self) -> str:
        """A digest of the pack's data and version: a graph holding it needs no reload."""
        data = self.graph_data()
        h = hashlib.sha256(f"{self.name}\x1f{self.version}".encode())
        for n in sorted(data.nodes, key=lambda n: n.id):
            h.update(json.dumps([n.id, list(n.labels), dict(n.properties)], sort_keys=True).encode())
        for e in sorted(data.edges, key=lambda e: e.id):
            h.update(json.dumps([e.id, dict(e.properties)], sort_keys=True).encode())
        return h.hexdigest()[:32]

    def info_node_id(self) -> str:
        return f"domain_pack:{self.name}"

    def loaded_digest(self, store: GraphStore) -> str | None:
        """The data digest recorded in ``store`` by an earlier ``load`` (``None``: not loaded)."""
        if not store.exists():
            return None
        node = store.get_node(self.info_node_id())
        digest = node.properties.get("digest") if node is not None else None
        return str(digest) if digest is not None else None

    def is_loaded(self, store: GraphStore) -> bool:
        return self.loaded_digest(store) == self.data_digest()

    def load(self, store: GraphStore, *, force: bool = False) -> PackLoadReport:
        """Write the pack's graph into ``store``; safe to repeat.

        A graph already holding this exact data (same digest) is left alone. A graph holding an older
        version of the pack's data is dropped first, so removed facts do not linger; ``force`` reloads
        regardless.
        """
        started = time.perf_counter()
        digest = self.data_digest()
        previous = self.loaded_digest(store)
        if previous == digest and not force:
            stats = store.stats()
            return PackLoadReport(
                self.name,
                self.version,
                store.graph,
                store.backend,
                0,
                0,
                stats.nodes,
                stats.edges,
                time.perf_counter() - started,
                skipped=True,
            )
        reloaded = previous is not None
        if reloaded:
            store.drop()
        data = self.graph_data()
        nodes_created = edges_created = 0
        nodes = list(data.nodes)
        edges = list(data.edges)
        for i in range(0, len(nodes), _BATCH):
            nodes_created += store.upsert_nodes(nodes[i : i + _BATCH]).nodes_created
        for i in range(0, len(edges), _BATCH):
            edges_created += store.upsert_edges(edges[i : i + _BATCH]).edges_created
        # The marker goes last: a load interrupted before it is completed by the next call.
        marker = Node(
            self.info_node_id(),
            (PACK_INFO_LABEL,),
            {"pack": self.name, "version": self.version, "digest": digest},
        )
        nodes_created += store.upsert_nodes([marker]).nodes_created
        store.flush()
        stats = store.stats()
        return PackLoadReport(
            self.name,
            self.version,
            store.graph,
            store.backend,
            nodes_created,
            edges_created,
            stats.nodes,
            stats.edges,
            time.perf_counter() - started,
            reloaded=reloaded,
        )

    def ensure_loaded(self, store: GraphStore) -> PackLoadReport | None:
        """Load the pack into ``store`` unless it already holds this data; the report when it loaded."""
        if self.is_loaded(store):
            return None
        return self.load(store)

    def info(self) -> dict[str, Any]:
        """Everything ``kgr packs info`` shows."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "default_graph": self.graph_name(),
            "schema": self.schema().to_dict(),
            "rules": [r.to_dict() for r in self.rules()],
            "cypher_templates": dict(self.cypher_templates()),
            "prompts": dict(self.prompts()),
            "cli": f"kgr packs run {self.name}" if self.cli_app() is not None else None,
            "golden_cases": len(self.golden_set()),
            "link_predictor": self.link_predictor is not None,
            "data_problems": self.data_problems(),
        }

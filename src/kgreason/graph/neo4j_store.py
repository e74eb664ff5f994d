"""The Neo4j store: named graphs on one Neo4j database, over Bolt with the official driver.

Neo4j Community has a single user database, so a named graph is a label: every node of graph NAME carries
``KG_NAME`` besides its own labels, and its id in the ``id`` property, unique per graph through the
constraint ``kgr_graph_NAME`` (created before any write; ``list_graphs`` reads the constraints). Graphs
never share nodes, so they never share relationships either. Writes are batched ``UNWIND ... MERGE``
queries, one managed transaction per batch of ``settings.neo4j.batch_size`` rows (the driver retries
transient failures, which is safe because MERGE is idempotent). Reads return exactly what the
``GraphStore`` protocol promises, in the same order as the memory store.

User Cypher goes through ``run_cypher``, which applies the read-only guard (``cypher_guard``) unless
``read_only=False``. A guarded query sees the whole database, not only this graph: scope it with
``self.graph_label``; the guard refuses queries that name another graph's label.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kgreason.config import Settings, check_graph_name
from kgreason.errors import BackendUnavailable, GraphError, InputError
from kgreason.graph.cypher_guard import GuardPolicy, QueryResult, run_guarded
from kgreason.graph.neo4j_queries import GraphQueries
from kgreason.graph.neo4j_values import (
    CONSTRAINT_PREFIX,
    check_id,
    check_label,
    record_edge,
    to_node,
    to_path,
)
from kgreason.graph.path_query import Direction, PathQuery, path_sort_key
from kgreason.graph.properties import check_properties
from kgreason.graph.store import Capabilities, GraphSchema, GraphStats, Pattern, WriteSummary
from kgreason.types import DEFAULT_LABEL, Edge, Node, Path, Subgraph

if TYPE_CHECKING:
    import neo4j

_PAGE = 5000


class Neo4jStore:
    """A named graph in a Neo4j database.

    Args:
        graph: the graph name (letters, digits, ``_``).
        settings: URI, credentials, database, batch size and query timeout; defaults to the environment.
        uri: overrides the settings' URI (else the local instance from ``kgr neo4j start``).
        auth: ``(user, password)``; else the settings' user and password (from the environment).
        database: overrides the settings' database.
        driver_config: extra keyword arguments for ``neo4j.GraphDatabase.driver`` (pool size,
            ``max_transaction_retry_time``, ...).
    """

    backend = "neo4j"
    capabilities = Capabilities(cypher=True, vector_index=True, transactions=True, persistent=True)

    def __init__(
        self,
        graph: str,
        settings: Settings | None = None,
        *,
        uri: str | None = None,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        driver_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.graph = check_graph_name(graph)
        self._settings = settings or Settings.from_env()
        neo = self._settings.neo4j
        self._uri = uri
        if auth is None and neo.password:
            auth = (neo.user, neo.password)
        self._auth = auth
        self.database = database or neo.database
        self.batch_size = max(1, neo.batch_size)
        self.timeout_s = neo.query_timeout_s
        self._q = GraphQueries(self.graph)
        self._driver_config = dict(driver_config or {})
        self._driver: neo4j.Driver | None = None

    @property
    def graph_label(self) -> str:
        """The label every node of this graph carries (``KG_NAME``)."""
        return self._q.label

    @property
    def uri(self) -> str:
        if self._uri is None:
            from kgreason.graph.neo4j_local import resolve_uri

            self._uri = resolve_uri(self._settings)
        return self._uri

    def __repr__(self) -> str:
        from kgreason.config import redact_uri

        uri = None if self._uri is None else redact_uri(self._uri)
        return f"Neo4jStore(graph={self.graph!r}, uri={uri!r}, database={self.database!r})"

    # -- connection -------------------------------------------------------------------------------------
    def driver(self) -> neo4j.Driver:
        """The driver, created and checked on first use."""
        if self._driver is None:
            import neo4j

            uri = self.uri
            try:
                # Notifications (deprecations, cartesian-product hints) would be logged as warnings on every
                # query; nothing here surfaces them, so the server is asked not to send them.
                config = {"notifications_min_severity": "OFF", **self._driver_config}
                drv = neo4j.GraphDatabase.driver(uri, auth=self._auth, **config)
                drv.verify_connectivity()
            except Exception as exc:
                raise _unavailable(uri, exc) from exc
            self._driver = drv
        return self._driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, query: str, **params: Any) -> list[Any]:
        """Run one read query in a managed READ transaction; return its records."""

        def work(tx: neo4j.ManagedTransaction) -> list[Any]:
            return list(tx.run(query, params))

        with self._errors(), self.driver().session(database=self.database) as session:
            return session.execute_read(work)

    def _auto(self, query: str, **params: Any) -> list[Any]:
        """Run a schema or housekeeping query in an auto-commit transaction."""
        with self._errors(), self.driver().session(database=self.database) as session:
            return list(session.run(query, params))

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        from neo4j import exceptions as neo_exc

        try:
            yield
        except (neo_exc.ServiceUnavailable, neo_exc.SessionExpired, neo_exc.AuthError) as exc:
            raise _unavailable(self._uri or "?", exc) from exc
        except neo_exc.Neo4jError as exc:
            raise GraphError(f"Neo4j refused the operation: {exc.message or exc} ({exc.code})") from exc
        except neo_exc.DriverError as exc:
            raise GraphError(f"Neo4j driver error: {exc}") from exc

    # -- writes -----------------------------------------------------------------------------------------
    def _ensure_graph(self) -> None:
        # Every write call re-asserts the constraint (a no-op when present): another process may have
        # dropped the graph since, and MERGE without the unique index would be both slow and racy.
        self._auto(self._q.create_constraint())

    def upsert_nodes(self, nodes: Sequence[Node]) -> WriteSummary:
        """Create or update nodes by id; labels are added, given properties overwrite.

        Rows are checked first (a bad value writes nothing). Each batch of ``batch_size`` rows is one
        transaction, so a call of at most ``batch_size`` nodes is atomic.
        """
        rows: list[tuple[tuple[str, ...], list[Any]]] = []
        for n in nodes:
            check_id(n.id, "node id")
            labels = tuple(sorted(set(n.labels))) or (DEFAULT_LABEL,)
            for label in labels:
                check_label(label)
            rows.append((labels, [n.id, check_properties(n.properties, what=f"node {n.id!r}")]))
        self._ensure_graph()
        total = WriteSummary()
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            groups: dict[tuple[str, ...], list[list[Any]]] = {}
            for labels, row in chunk:
                groups.setdefault(labels, []).append(row)
            work = [(self._q.merge_nodes(labels), {"rows": group}) for labels, group in groups.items()]
            created, _ = self._write(work)
            n_props = sum(len(row[1]) for _, row in chunk)
            total = total + WriteSummary(nodes_created=created, properties_set=n_props)
        return total

    def upsert_edges(self, edges: Sequence[Edge]) -> WriteSummary:
        """Create or update edges by (source, type, target); missing endpoints get the default label.

        Rows are checked first (a bad value writes nothing). Each batch of ``batch_size`` rows is one
        transaction (endpoints first, then one query per relationship type), so a call of at most
        ``batch_size`` edges is atomic.
        """
        rows: list[tuple[str, list[Any]]] = []
        for e in edges:
            check_id(e.source, "edge source")
            check_id(e.target, "edge target")
            check_id(e.type, "edge type")
            props = check_properties(e.properties, what=f"edge {e.source}-{e.type}->{e.target}")
            rows.append((e.type, [e.source, e.target, e.id, props]))
        self._ensure_graph()
        total = WriteSummary()
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            groups: dict[str, list[list[Any]]] = {}
            ends: set[str] = set()
            for type_, row in chunk:
                groups.setdefault(type_, []).append(row)
                ends.add(row[0])
                ends.add(row[1])
            nodes_created, edges_created = self._write_unit(self._edge_batch(sorted(ends), groups))
            n_props = sum(len(row[3]) for _, row in chunk)
            total = total + WriteSummary(nodes_created, edges_created, n_props)
        return total

    def _edge_batch(
        self, ends: list[str], groups: dict[str, list[list[Any]]]
    ) -> Callable[[neo4j.ManagedTransaction], tuple[int, int]]:
        """The transaction function of one edge batch: MERGE the ends, then each type's relationships."""

        def unit(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            result = tx.run(self._q.merge_endpoints(), ids=ends)
            element = {record[0]: record[1] for record in result}
            nodes = result.consume().counters.nodes_created
            rels = 0
            for type_, group in groups.items():
                with_props = any(row[3] for row in group)
                rows = [[element[row[0]], element[row[1]], row[2], row[3]] for row in group]
                counters = (
                    tx.run(self._q.merge_edges(type_, with_props=with_props), rows=rows).consume().counters
                )
                nodes += counters.nodes_created
                rels += counters.relationships_created
            return nodes, rels

        return unit

    def _write(self, work: list[tuple[str, dict[str, Any]]]) -> tuple[int, int]:
        """Run ``(query, params)`` pairs in ONE managed write transaction; return (nodes, rels) created."""

        def unit(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            nodes = rels = 0
            for query, params in work:
                counters = tx.run(query, params).consume().counters
                nodes += counters.nodes_created
                rels += counters.relationships_created
            return nodes, rels

        return self._write_unit(unit)

    def _write_unit(self, unit: Callable[[neo4j.ManagedTransaction], tuple[int, int]]) -> tuple[int, int]:
        """Run ``unit`` as ONE managed write transaction (retried on transient errors); its result."""
        from neo4j import exceptions as neo_exc

        try:
            with self._errors(), self.driver().session(database=self.database) as session:
                return session.execute_write(unit)
        except GraphError as exc:
            cause = exc.__cause__
            if isinstance(cause, neo_exc.ClientError) and (cause.code or "").startswith(
                "Neo.ClientError.Statement"
            ):
                raise InputError(f"Neo4j rejected the batch (nothing written): {cause.message}") from cause
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # the driver could not encode a value
            raise InputError(f"cannot send the batch to Neo4j (nothing written): {exc}") from exc

    def flush(self) -> None:
        """Nothing to do: every batch is committed when its call returns."""

    def drop(self) -> None:
        """Delete this graph's relationships, then its nodes, then its constraint.

        Deletes go in transactions of ``batch_size`` rows each, so neither a dense hub nor a large graph
        ever needs one huge or long transaction (which the server's transaction timeout would kill).
        """
        for query in (self._q.delete_relationships(), self._q.delete_nodes()):
            while self._write_returning(query, batch=self.batch_size) > 0:
                pass
        self._auto(self._q.drop_constraint())

    def _write_returning(self, query: str, **params: Any) -> int:
        def unit(tx: neo4j.ManagedTransaction) -> int:
            return int(tx.run(query, params).single(strict=True)["deleted"])

        with self._errors(), self.driver().session(database=self.database) as session:
            return session.execute_write(unit)

    # -- reads ------------------------------------------------------------------------------------------
    def list_graphs(self) -> list[str]:
        records = self._auto("SHOW CONSTRAINTS YIELD name RETURN name")
        names = (str(r["name"]) for r in records)
        return sorted(n[len(CONSTRAINT_PREFIX) :] for n in names if n.startswith(CONSTRAINT_PREFIX))

    def exists(self) -> bool:
        return self.graph in self.list_graphs()

    def stats(self) -> GraphStats:
        [nodes] = self._read(self._q.count_nodes())
        [edges] = self._read(self._q.count_edges())
        return GraphStats(nodes=int(nodes["c"]), edges=int(edges["c"]))

    def get_node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id]).get(node_id)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        ids = list(dict.fromkeys(node_ids))
        found: dict[str, Node] = {}
        for start in range(0, len(ids), _PAGE):
            for record in self._read(self._q.get_nodes(), ids=ids[start : start + _PAGE]):
                node = to_node(record["n"])
                found[node.id] = node
        return {i: found[i] for i in ids if i in found}

    def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = "both",
        types: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[Edge, Node]]:
        """Edges at ``node_id`` with the node at their other end, sorted by (edge type, other id, edge id)."""
        if direction not in ("out", "in", "both"):
            raise InputError(f"direction must be out, in or both, not {direction!r}")
        query = self._q.neighbors(direction, types is not None)
        params: dict[str, Any] = {"id": node_id, "types": list(types or ())}
        if limit is not None:
            query += " LIMIT $limit"
            params["limit"] = max(0, limit)
        return [(record_edge(r), to_node(r["m"])) for r in self._read(query, **params)]

    def subgraph(self, seeds: Sequence[str], *, hops: int = 1, max_nodes: int = 1000) -> Subgraph:
        """Breadth first from the seeds (each level in id order), then every edge among the nodes."""
        present = self.get_nodes(seeds)
        order = [s for s in dict.fromkeys(seeds) if s in present][: max(0, max_nodes)]
        seen, frontier = set(order), list(order)
        for _ in range(hops):
            room = max_nodes - len(order)
            if room <= 0 or not frontier:
                break
            records = self._read(self._q.frontier(), ids=frontier, seen=sorted(seen), room=room)
            frontier = [str(r["mid"]) for r in records]
            seen.update(frontier)
            order.extend(frontier)
        nodes = self.get_nodes(order)
        edges: list[Edge] = []
        for start in range(0, len(order), _PAGE):
            page = order[start : start + _PAGE]
            edges.extend(record_edge(r) for r in self._read(self._q.edges_among(), ids=page, all=order))
        edges.sort(key=lambda e: e.id)
        return Subgraph(nodes=tuple(nodes[i] for i in order), edges=tuple(edges))

    def paths_between(self, source: str, target: str, *, max_hops: int = 3, limit: int = 10) -> list[Path]:
        """Shortest first, then by ``path_sort_key``; one query per length, stopping at ``limit``."""
        found: list[Path] = []
        for hops in range(1, max_hops + 1):
            if len(found) >= limit:
                break
            records = self._read(
                self._q.paths_of_length(hops), source=source, target=target, limit=limit - len(found)
            )
            found.extend(sorted((to_path(r["p"]) for r in records), key=path_sort_key))
        return found[:limit]

    def run_path_query(self, query: PathQuery) -> list[Path]:
        """Compiled to one Cypher query (see ``GraphQueries.path_query``)."""
        text, params = self._q.path_query(query)
        paths = [to_path(r["p"]) for r in self._read(text, **params)]
        return sorted(paths, key=path_sort_key)

    def schema(self) -> GraphSchema:
        labels: dict[str, int] = {}
        node_props: dict[str, set[str]] = {}
        for r in self._read(self._q.schema_nodes(), kg=self.graph_label):
            for label in r["ls"]:
                labels[label] = labels.get(label, 0) + int(r["c"])
                node_props.setdefault(label, set()).update(r["ks"])
        types: dict[str, int] = {}
        rel_props: dict[str, set[str]] = {}
        patterns: dict[tuple[str, str, str], int] = {}
        for r in self._read(self._q.schema_edges(), kg=self.graph_label):
            t, c = str(r["t"]), int(r["c"])
            types[t] = types.get(t, 0) + c
            rel_props.setdefault(t, set()).update(r["ks"])
            for a in r["la"]:
                for b in r["lb"]:
                    patterns[(a, t, b)] = patterns.get((a, t, b), 0) + c
        return GraphSchema(
            labels=dict(sorted(labels.items())),
            relationship_types=dict(sorted(types.items())),
            node_properties={k: tuple(sorted(v)) for k, v in sorted(node_props.items())},
            relationship_properties={k: tuple(sorted(v)) for k, v in sorted(rel_props.items())},
            patterns=tuple(Pattern(a, t, b, c) for (a, t, b), c in sorted(patterns.items())),
        )

    def iter_nodes(self) -> Iterator[Node]:
        """Every node in id order, fetched in pages (each page its own short transaction)."""
        after: str | None = None
        while True:
            records = self._read(self._q.node_page(after is None), after=after, batch=_PAGE)
            for r in records:
                yield to_node(r["n"])
            if len(records) < _PAGE:
                return
            after = str(records[-1]["n"]["id"])

    def iter_edges(self) -> Iterator[Edge]:
        """Every edge ordered by (source, target, type), fetched a page of source nodes at a time."""
        after: str | None = None
        while True:
            records = self._read(self._q.edge_page(after is None), after=after, batch=_PAGE)
            sources: set[str] = set()
            for r in records:
                sources.add(str(r["s"]))
                if r["r"] is not None:
                    yield record_edge(r)
            if len(sources) < _PAGE:
                return
            after = max(sources)

    # -- Cypher -----------------------------------------------------------------------------------------
    def run_cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        limit: int | None = 1000,
        timeout_s: float | None = None,
    ) -> QueryResult:
        """Run Cypher: through the read-only guard unless ``read_only=False`` (CLI ``--allow-write``).

        A guarded query sees the whole database; one naming another graph's ``KG_`` label is refused.

        Raises:
            QueryRefused: the guard refused the query.
            InputError: the server rejected the query text.
            GraphError: the query timed out or failed.
        """
        policy = GuardPolicy(
            max_rows=limit,
            timeout_s=timeout_s or self.timeout_s,
            allow_write=not read_only,
            graph=self.graph,
        )
        with self._errors():
            return run_guarded(self.driver(), self.database, query, params, policy, store=self.backend)


def _unavailable(uri: str, exc: BaseException) -> BackendUnavailable:
    from kgreason.config import redact_text

    return BackendUnavailable(
        redact_text(f"cannot reach Neo4j at {uri}: {type(exc).__name__}: {exc}"),
        hint="start the local instance with `kgr neo4j start`, or set KGR_NEO4J_URI (and KGR_NEO4J_PASSWORD)",
    )

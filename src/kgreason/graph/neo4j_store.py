"""The Neo4j store: named graphs on one Neo4j database, over Bolt with the official driver.

Neo4j Community has a single user database, so a named graph is a label: every node of graph NAME carries
``KG_NAME`` besides its own labels, and its id in the ``id`` property, unique per graph through the
constraint ``kgr_graph_NAME`` (created before any write; ``list_graphs`` reads the constraints). Graphs
never share nodes, so they never share relationships either. Writes are batched ``UNWIND ... MERGE``
queries, one managed transaction per batch of ``settings.neo4j.batch_size`` rows (the driver retries
transient failures, which is safe because MERGE is idempotent). Rows are checked against ``limits``
first. A file load runs inside ``atomic_load``: the batches report what they created, and if a later
batch fails, exactly that is deleted again, so the load completes or leaves the graph as it was. Reads
return exactly what the ``GraphStore`` protocol promises, in the same order as the memory store.

User Cypher goes through ``run_cypher``, which applies the read-only guard (``cypher_guard``) unless
``read_only=False``. A guarded query sees the whole database, not only this graph: scope it with
``self.graph_label``; the guard refuses queries that name another graph's label. It is bounded on the
client too: a deadline (server timeout + ``DEADLINE_GRACE_S``) after which the caller gets
``QueryTimedOut`` whatever the server is doing, and a byte budget on the converted result
(``MAX_RESULT_BYTES``, ``MAX_VALUE_BYTES``). Errors say which problem it is: ``QueryTimedOut``,
``AuthenticationFailed`` (wrong credentials) or ``BackendUnavailable`` (cannot reach the server).
``close()`` ends the store: queries still queued are cancelled, callers waiting on a running one get
``StoreClosed`` at once, and any later use raises ``StoreClosed``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from kgreason.config import Settings, split_uri_credentials
from kgreason.errors import BackendUnavailable, GraphError, InputError
from kgreason.graph.cypher_guard import GuardPolicy, QueryResult, run_guarded
from kgreason.graph.limits import (
    checked_properties,
    id_problem,
    key_problem,
    labels_problem,
    name_problem,
)
from kgreason.graph.names import validate_graph_name
from kgreason.graph.neo4j_queries import GraphQueries
from kgreason.graph.neo4j_values import (
    CONSTRAINT_PREFIX,
    record_edge,
    result_budget,
    to_node,
    to_path,
)
from kgreason.graph.path_query import Direction, PathQuery, path_sort_key
from kgreason.graph.store import Capabilities, GraphSchema, GraphStats, Pattern, WriteSummary
from kgreason.types import DEFAULT_LABEL, Edge, Node, Path, Subgraph, edge_id

if TYPE_CHECKING:
    import neo4j

_PAGE = 5000
MAX_RESULT_BYTES = 16 * 1024 * 1024
"""A guarded query stops reading (``ResultTooLarge``) once its converted rows pass this many bytes."""
MAX_VALUE_BYTES = 4 * 1024 * 1024
"""... or once one value (a cell of a row) is larger than this."""
DEADLINE_GRACE_S = 5.0
"""A guarded query's client deadline is its server timeout plus this: the server normally stops it
first; the client deadline covers what the server's timeout does not stop (a parser or a regex that
never checks for termination, a server that stopped answering)."""
_CONSTRAINT_TRIES = 8


@dataclass
class _Written:
    """What one write transaction created (element ids only while a load tracks them)."""

    nodes: int = 0
    relationships: int = 0
    node_eids: list[str] = field(default_factory=list)
    node_ids: list[str] = field(default_factory=list)
    relationship_triples: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class _Load:
    """Element ids of what an ``atomic_load`` created in its committed batches."""

    nodes: list[str] = field(default_factory=list)
    """Element ids of the nodes the load created."""
    node_ids: set[str] = field(default_factory=set)
    """Their ids."""
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    """(source id, type, target id) of the relationships it created between nodes that existed before;
    the others end on a node it created and go with it."""


if TYPE_CHECKING:
    _Unit = Callable[[neo4j.ManagedTransaction], _Written]


class _Ambiguous(Exception):
    """A tracked edge batch cannot tell from its counters which relationships it created."""


class QueryTimedOut(GraphError):
    """A query ran past its timeout: stopped on the server, or abandoned by the client at its deadline."""


class AuthenticationFailed(GraphError):
    """Neo4j answered but refused the user name or password (not the same as being unreachable)."""


class StoreClosed(GraphError):
    """The store was closed (``close()``): its queries were stopped and it takes no new ones."""


def _racing_schema_error(exc: BaseException | None) -> bool:
    """True for the errors two clients creating the same constraint at once can get (worth a retry)."""
    from neo4j import exceptions as neo_exc

    if isinstance(exc, neo_exc.TransientError):  # DeadlockDetected, LockClient.* and friends
        return True
    code = getattr(exc, "code", None) or ""
    return isinstance(exc, neo_exc.ClientError) and code.startswith("Neo.ClientError.Schema.")


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
        self.graph = validate_graph_name(graph)
        self._settings = settings or Settings.from_env()
        neo = self._settings.neo4j
        # Credentials written into the URI go to ``auth`` (the driver refuses them there and would echo
        # the password in its error, also with --debug).
        uri, uri_user, uri_password = split_uri_credentials(uri)
        self._uri = uri
        if auth is None and uri_password is not None:
            auth = (uri_user or neo.user, uri_password)
        if auth is None and neo.password:
            auth = (neo.user, neo.password)
        self._auth = auth
        self.database = database or neo.database
        self.batch_size = max(1, neo.batch_size)
        self.timeout_s = neo.query_timeout_s
        self._q = GraphQueries(self.graph)
        self._driver_config = dict(driver_config or {})
        self._driver: neo4j.Driver | None = None
        self._load: _Load | None = None  # what the atomic load in progress created (``atomic_load``)
        self._closed = False
        # run_cypher calls in the worker pool, each with the flag that tells its worker to give up
        self._inflight: dict[concurrent.futures.Future[QueryResult], threading.Event] = {}
        self._inflight_lock = threading.Lock()

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
        """The driver, created and checked on first use.

        Raises:
            StoreClosed: ``close()`` was called.
        """
        if self._closed:
            raise self._closed_error()
        if self._driver is None:
            import neo4j

            uri = self.uri
            try:
                # Notifications (deprecations, cartesian-product hints) would be logged as warnings on every
                # query; nothing here surfaces them, so the server is asked not to send them.
                # Bounded waits: connecting (TCP + handshake) and getting a pooled connection never
                # hang for minutes when the server is down or stuck; callers may override them.
                config = {
                    "notifications_min_severity": "OFF",
                    "connection_timeout": 15.0,
                    "connection_acquisition_timeout": 30.0,
                    **self._driver_config,
                }
                drv = neo4j.GraphDatabase.driver(uri, auth=self._auth, **config)
                drv.verify_connectivity()
            except Exception as exc:
                raise _connection_error(uri, exc, self._auth) from exc
            self._driver = drv
        return self._driver

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    def close(self) -> None:
        """Close the connections and end the store (idempotent).

        Guarded queries still queued are cancelled; a caller waiting on one that is running gets
        ``StoreClosed`` at once (the worker's late result is dropped); any later use raises ``StoreClosed``.
        """
        self._closed = True
        with self._inflight_lock:
            pending = list(self._inflight.items())
            self._inflight.clear()
        for future, abandoned in pending:
            abandoned.set()  # the driver's retries of it stop at their next attempt
            if not future.cancel():  # already running: wake its caller now, drop the late result
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    future.set_exception(self._closed_error("while the query ran"))
        driver, self._driver = self._driver, None
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.close()

    def _closed_error(self, when: str = "") -> StoreClosed:
        return StoreClosed(
            f"the Neo4j store of graph {self.graph!r} was closed" + (f" {when}" if when else ""),
            hint="open the graph again (kgreason.open_graph or a new Neo4jStore)",
        )

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
            raise _connection_error(self._uri or "?", exc, self._auth) from exc
        except neo_exc.Neo4jError as exc:
            if "TimedOut" in (exc.code or ""):
                raise QueryTimedOut(
                    f"Neo4j stopped the transaction at its timeout ({exc.code})",
                    hint="narrow the query (labels, LIMIT)",
                ) from exc
            raise GraphError(f"Neo4j refused the operation: {exc.message or exc} ({exc.code})") from exc
        except neo_exc.DriverError as exc:
            raise GraphError(f"Neo4j driver error: {exc}") from exc

    # -- writes -----------------------------------------------------------------------------------------
    def _ensure_graph(self) -> None:
        # Every write call re-asserts the constraint (a no-op when present): another process may have
        # dropped the graph since, and MERGE without the unique index would be both slow and racy.
        # Two clients creating it at once can deadlock or see each other's half-made index: the
        # statement is idempotent (IF NOT EXISTS), so those errors are retried with a jittered backoff.
        delay = 0.05
        for attempt in range(_CONSTRAINT_TRIES):
            try:
                self._auto(self._q.create_constraint())
                return
            except GraphError as exc:
                if attempt == _CONSTRAINT_TRIES - 1 or not _racing_schema_error(exc.__cause__):
                    raise
            time.sleep(delay * (1 + random.random()))
            delay *= 2

    @contextlib.contextmanager
    def atomic_load(self) -> Iterator[None]:
        """Make the writes inside this block one load that either completes or is taken back.

        While the block runs, every write returns the element ids of the nodes and relationships it
        created (not of those it merged into: nothing that existed before is listed). If the block
        raises, those relationships and nodes are deleted (and the graph's constraint when the load had
        created the graph), and the error says what was removed; properties the load set on nodes or
        relationships that already existed are not restored. Nested blocks join the outer one.
        """
        if self._load is not None:
            yield
            return
        existed = self.graph in self.list_graphs()
        load = self._load = _Load()
        try:
            yield
        except Exception as exc:
            self._load = None
            raise self._undo_load(load, existed, exc) from exc
        except BaseException:  # Ctrl-C: take the load back, then let the interrupt through
            self._load = None
            with contextlib.suppress(Exception):
                self._undo_load(load, existed, None)
            raise
        self._load = None

    def _undo_load(self, load: _Load, existed: bool, exc: BaseException | None) -> Exception:
        """Delete what ``load`` created; return the error to raise in place of ``exc``."""
        reason = (exc.reason if isinstance(exc, InputError) else getattr(exc, "message", None)) or str(exc)
        rels = nodes = 0
        try:
            work: list[tuple[str, dict[str, Any]]] = []
            for start in range(0, len(load.relationships), self.batch_size):
                triples = [list(t) for t in load.relationships[start : start + self.batch_size]]
                work.append((self._q.undo_relationships(), {"rows": triples}))
            for start in range(0, len(load.nodes), self.batch_size):
                work.append((self._q.undo_nodes(), {"eids": load.nodes[start : start + self.batch_size]}))
            for query, params in work:
                deleted = self._write_counting(query, params)
                nodes += deleted.nodes_deleted
                rels += deleted.relationships_deleted
            if not existed and self.stats().nodes == 0:
                self._auto(self._q.drop_constraint())
        except Exception as undo_exc:
            return GraphError(
                f"{reason}; the load stopped, and taking back what it had written failed too "
                f"({undo_exc}): nodes and relationships it created are still in graph {self.graph!r}",
                hint="re-run the load to complete it, or `kgr graph drop` the graph",
            )
        if nodes == rels == 0:
            undone = "nothing was written"
        else:
            undone = (
                f"the load was taken back: removed the {nodes} nodes and {rels} relationships it had "
                "created" + ("" if existed else ", and the graph")
            )
        message = f"{reason} ({undone})"
        if isinstance(exc, InputError):
            return InputError(message, path=exc.path, line=exc.line, hint=exc.hint)
        return GraphError(message, hint=getattr(exc, "hint", None))

    def _node_rows(self, nodes: Sequence[Node]) -> list[tuple[tuple[str, ...], list[Any]]]:
        """``(labels, [id, props])`` per node, checked against ``limits`` (a bad node raises InputError)."""
        rows: list[tuple[tuple[str, ...], list[Any]]] = []
        for n in nodes:
            labels = tuple(sorted(set(n.labels))) or (DEFAULT_LABEL,)
            problem = id_problem(n.id) or labels_problem(labels)
            if problem is not None:
                raise InputError(problem)
            rows.append((labels, [n.id, checked_properties(n.properties, what=f"node {n.id!r}")]))
        return rows

    def _edge_rows(self, edges: Sequence[Edge]) -> list[tuple[str, list[Any]]]:
        """``(type, [source, target, edge id, props])`` per edge, checked against ``limits``."""
        rows: list[tuple[str, list[Any]]] = []
        for e in edges:
            problem = (
                id_problem(e.source, "edge source")
                or id_problem(e.target, "edge target")
                or name_problem(e.type, "relationship type")
            )
            if problem is not None:
                raise InputError(problem)
            props = checked_properties(e.properties, what=f"edge {e.source}-{e.type}->{e.target}")
            rows.append((e.type, [e.source, e.target, e.id, props]))
        return rows

    def _nodes_unit(self, chunk: Sequence[tuple[tuple[str, ...], list[Any]]]) -> _Unit:
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for labels, row in chunk:
            groups.setdefault(labels, []).append(row)
        tracked = self._load is not None
        work = [(self._q.merge_nodes(labels, tracked=tracked), group) for labels, group in groups.items()]

        def unit(tx: neo4j.ManagedTransaction) -> _Written:
            written = _Written()
            for query, group in work:
                result = tx.run(query, rows=group)
                if tracked:
                    for record in result:
                        written.node_eids.append(record[0])
                        written.node_ids.append(record[1])
                written.nodes += result.consume().counters.nodes_created
            return written

        return unit

    def upsert_nodes(self, nodes: Sequence[Node]) -> WriteSummary:
        """Create or update nodes by id; labels are added, given properties overwrite.

        Rows are checked first (a bad value writes nothing). Each batch of ``batch_size`` rows is one
        transaction, so a call of at most ``batch_size`` nodes is atomic (inside ``atomic_load``, any call).
        """
        rows = self._node_rows(nodes)
        self._ensure_graph()
        total = WriteSummary()
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            written = self._write_unit(self._nodes_unit(chunk), committed=start)
            n_props = sum(len(row[1]) for _, row in chunk)
            total = total + WriteSummary(nodes_created=written.nodes, properties_set=n_props)
        return total

    def upsert_edges(self, edges: Sequence[Edge]) -> WriteSummary:
        """Create or update edges by (source, type, target); missing endpoints get the default label.

        Rows are checked first (a bad value writes nothing). Each batch of ``batch_size`` rows is one
        transaction (endpoints first, then one query per relationship type), so a call of at most
        ``batch_size`` edges is atomic (inside ``atomic_load``, any call).
        """
        rows = self._edge_rows(edges)
        self._ensure_graph()
        total = WriteSummary()
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size]
            written = self._write_unit(
                self._edges_unit(chunk),
                committed=start,
                retry=functools.partial(self._edges_unit, chunk, precise=True),
            )
            n_props = sum(len(row[3]) for _, row in chunk)
            total = total + WriteSummary(written.nodes, written.relationships, n_props)
        return total

    def _edges_unit(self, chunk: Sequence[tuple[str, list[Any]]], *, precise: bool = False) -> _Unit:
        """The transaction function of one edge batch: MERGE the ends, then each type's relationships.

        ``precise`` (inside a load): find the relationships the batch creates between nodes that existed
        before the load with a read; otherwise from the write's counters when those tell (none or all
        created), raising ``_Ambiguous`` (the transaction rolls back, nothing written) when they do not.
        """
        groups: dict[str, list[list[Any]]] = {}
        ends: set[str] = set()
        for type_, row in chunk:
            groups.setdefault(type_, []).append(row)
            ends.add(row[0])
            ends.add(row[1])
        ids = sorted(ends)
        tracked = self._load is not None
        # nodes earlier batches of this load created (read only here; grown after each commit)
        created_before: set[str] = self._load.node_ids if self._load is not None else set()

        def unit(tx: neo4j.ManagedTransaction) -> _Written:
            written = _Written()
            result = tx.run(self._q.merge_endpoints(tracked=tracked), ids=ids)
            element: dict[str, str] = {}
            new: set[str] = set()
            for record in result:
                element[record[0]] = record[1]
                if tracked and record[2]:
                    written.node_eids.append(record[1])
                    written.node_ids.append(record[0])
                    new.add(record[0])
            written.nodes = result.consume().counters.nodes_created
            for type_, group in groups.items():
                with_props = any(row[3] for row in group)
                query = self._q.merge_edges(type_, with_props=with_props)
                # A relationship with an end this load created goes when the load's nodes are deleted
                # (DETACH DELETE). Only those between two nodes that existed before the load need
                # listing for the undo (a first load into a new graph has almost none).
                mine: list[list[Any]] = group
                old: list[list[Any]] = []
                if tracked:
                    mine, old = [], []
                    for row in group:
                        ends_ours = any(end in new or end in created_before for end in row[:2])
                        (mine if ends_ours else old).append(row)
                for part, listed in ((mine, False), (old, True)):
                    if not part:
                        continue
                    rows = [[element[row[0]], element[row[1]], row[2], row[3]] for row in part]
                    there: set[str] = set()
                    if listed and precise:
                        there = {r[0] for r in tx.run(self._q.existing_edges(type_), rows=rows)}
                    counters = tx.run(query, rows=rows).consume().counters
                    written.nodes += counters.nodes_created
                    written.relationships += counters.relationships_created
                    if not listed:
                        continue
                    created = counters.relationships_created
                    if precise:
                        fresh = [row for row in part if row[2] not in there]
                    elif created in (0, len(part)):  # none or all of them created: the counters tell
                        fresh = part if created else []
                    else:
                        raise _Ambiguous
                    written.relationship_triples.extend((row[0], type_, row[1]) for row in fresh)
            return written

        return unit

    def probe_write(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> bool:
        """Whether the server accepts writing ``nodes`` then ``edges``: written in one transaction that is
        always rolled back (nothing stays). The loaders use it to find the row a failed batch tripped on."""
        from neo4j import exceptions as neo_exc

        units = []
        with contextlib.suppress(InputError):
            if nodes:
                units.append(self._nodes_unit(self._node_rows(nodes)))
            if edges:
                units.append(self._edges_unit(self._edge_rows(edges)))
        if len(units) != bool(nodes) + bool(edges):
            return False
        try:
            with self.driver().session(database=self.database) as session:
                tx = session.begin_transaction()
                try:
                    for unit in units:
                        unit(tx)  # type: ignore[arg-type]
                finally:
                    tx.rollback()
        except _Ambiguous:  # raised after the writes went through: the server accepted them
            return True
        except neo_exc.ClientError:
            return False
        except (ValueError, TypeError, OverflowError):
            return False
        return True

    def _write_unit(
        self, unit: _Unit, *, committed: int = 0, retry: Callable[[], _Unit] | None = None
    ) -> _Written:
        """Run ``unit`` as ONE managed write transaction (retried on transient errors); its result.

        ``committed``: how many rows of the same call earlier batches already committed (for the message).
        """
        from neo4j import exceptions as neo_exc

        earlier = (
            ""
            if committed == 0 or self._load is not None
            else f"; the {committed} rows of earlier batches of this call stay written"
        )
        try:
            with self._errors(), self.driver().session(database=self.database) as session:
                try:
                    written = session.execute_write(unit)
                except _Ambiguous:  # rolled back; again, with a read that tells which relationships are new
                    assert retry is not None
                    written = session.execute_write(retry())
        except GraphError as exc:
            cause = exc.__cause__
            if isinstance(cause, neo_exc.ClientError) and (cause.code or "").startswith(
                ("Neo.ClientError.Statement", "Neo.ClientError.Schema.ConstraintValidationFailed")
            ):
                raise InputError(
                    f"Neo4j rejected the batch ({cause.message}); the batch was rolled back{earlier}"
                ) from cause
            if isinstance(cause, neo_exc.DatabaseError) and (cause.code or "").startswith(
                "Neo.DatabaseError.Statement"
            ):
                raise InputError(
                    f"Neo4j could not store the batch ({cause.message}); the batch was rolled back{earlier}"
                ) from cause
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # the driver could not encode a value
            raise InputError(
                f"cannot send the batch to Neo4j ({exc}); nothing of it was written{earlier}"
            ) from exc
        if self._load is not None:  # committed: the load now owns what the batch created
            self._load.nodes.extend(written.node_eids)
            self._load.node_ids.update(written.node_ids)
            self._load.relationships.extend(written.relationship_triples)
        return written

    def flush(self) -> None:
        """Nothing to do: every batch is committed when its call returns."""

    def drop(self) -> None:
        """Delete every node carrying this graph's label (with its relationships), then its constraint.

        Deletes go in transactions of ``batch_size`` rows each, so neither a dense hub nor a large graph
        ever needs one huge or long transaction (which the server's transaction timeout would kill).
        """
        for query in (self._q.delete_relationships(), self._q.delete_nodes()):
            while self._write_returning(query, batch=self.batch_size) > 0:
                pass
        self._auto(self._q.drop_constraint())

    def delete_edges(self, keys: Sequence[tuple[str, str, str]]) -> int:
        """Delete the edges ``(source, type, target)`` that exist; return how many were deleted.

        Each batch of ``batch_size`` edges is one transaction."""
        rows = [[s, edge_id(s, t, o)] for s, t, o in keys]
        return self._delete_in_batches(self._q.delete_edges_by_id(), "rows", rows)

    def delete_nodes(self, node_ids: Sequence[str]) -> int:
        """Delete the nodes that exist, with every edge at them; return how many nodes were deleted."""
        ids = list(dict.fromkeys(node_ids))
        return self._delete_in_batches(self._q.delete_nodes_by_id(), "ids", ids)

    def remove_properties(
        self,
        keys: Sequence[str],
        *,
        nodes: Sequence[str] = (),
        edges: Sequence[tuple[str, str, str]] = (),
    ) -> int:
        """Remove the properties ``keys`` from the given nodes and edges; return how many nodes and edges
        lost at least one."""
        names = tuple(dict.fromkeys(keys))
        for key in names:
            problem = key_problem(key)
            if problem is not None:
                raise InputError(problem)
        if not names:
            return 0
        removed = self._delete_in_batches(self._q.remove_node_properties(names), "ids", list(nodes))
        rows = [[s, edge_id(s, t, o)] for s, t, o in edges]
        return removed + self._delete_in_batches(self._q.remove_edge_properties(names), "rows", rows)

    def _delete_in_batches(self, query: str, name: str, items: Sequence[Any]) -> int:
        if not items:
            return 0
        total = 0
        for start in range(0, len(items), self.batch_size):
            total += self._write_returning(query, **{name: list(items[start : start + self.batch_size])})
        return total

    def _write_counting(self, query: str, params: dict[str, Any]) -> neo4j.SummaryCounters:
        """Run ``query`` in one managed write transaction; its counters."""

        def unit(tx: neo4j.ManagedTransaction) -> neo4j.SummaryCounters:
            return tx.run(query, params).consume().counters

        with self._errors(), self.driver().session(database=self.database) as session:
            return session.execute_write(unit)

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
            QueryTimedOut: the query ran past its timeout (on the server, or at the client's deadline).
            StoreClosed: the store was closed (before or while the query ran).
            GraphError: the query failed.
        """
        policy = GuardPolicy(
            max_rows=limit,
            timeout_s=timeout_s or self.timeout_s,
            allow_write=not read_only,
            graph=self.graph,
        )
        driver = self.driver()
        # The driver has no read deadline of its own, and the server's transaction timeout does not stop
        # everything (a query stuck in the parser, a regex that never checks for termination). So the
        # query runs in a worker thread and the caller waits at most timeout + grace; past that the
        # driver is closed (its sockets with it) and the caller gets a timeout, not a hang. The driver's
        # retries of the abandoned work are bounded by the same deadline.
        deadline = (policy.timeout_s or self.timeout_s) + DEADLINE_GRACE_S
        abandoned = threading.Event()

        def work() -> QueryResult:
            with self._errors(), result_budget(MAX_RESULT_BYTES, MAX_VALUE_BYTES):
                return run_guarded(
                    driver,
                    self.database,
                    query,
                    params,
                    policy,
                    store=self.backend,
                    retry_s=deadline,
                    abandoned=abandoned.is_set,
                )

        future = _WORKERS.submit(work)
        with self._inflight_lock:
            if self._closed:  # closed between driver() and here
                future.cancel()
                abandoned.set()
                raise self._closed_error()
            self._inflight[future] = abandoned
        error: BaseException | None = None
        try:
            return future.result(deadline)
        except concurrent.futures.TimeoutError as exc:
            if future.done():  # the query itself raised it: not our deadline
                error = exc
            else:
                abandoned.set()
        except concurrent.futures.CancelledError:
            raise self._closed_error("before the query ran") from None
        except StoreClosed:
            raise
        except BaseException as exc:
            error = exc
        finally:
            with self._inflight_lock:
                self._inflight.pop(future, None)
        if error is not None:
            raise _as_timeout(error)
        if self._driver is driver:
            self._driver = None
        with contextlib.suppress(Exception):
            driver.close()
        raise QueryTimedOut(
            f"no answer from Neo4j within {deadline:g}s (timeout {deadline - DEADLINE_GRACE_S:g}s + "
            f"{DEADLINE_GRACE_S:g}s grace): kgreason stopped waiting and closed the connection; "
            "the server may still be working on the query",
            hint="simplify the query (long regexes, huge literals or deep nesting); "
            "the server's own timeout does not stop every kind of work",
        )


_T = TypeVar("_T")


class _Workers:
    """Worker threads for guarded queries, started on demand (up to ``max_workers``) and kept: a thread per
    query was measurably slower (``benchmarks/guard_latency.py``). They are daemon threads, unlike a
    ``ThreadPoolExecutor``'s: a query abandoned at its deadline (or by ``close()``) may keep its worker
    until the server drops the closed connection, and the interpreter must not wait for that at exit."""

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers
        self._jobs: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]]]
        self._jobs = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)  # released by a worker each time it finishes a job
        self._lock = threading.Lock()
        self._threads = 0

    def submit(self, fn: Callable[[], _T]) -> concurrent.futures.Future[_T]:
        """Queue ``fn``; an idle worker takes it, else a new one when there are fewer than the maximum."""
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        self._jobs.put((future, fn))
        if not self._idle.acquire(timeout=0):
            with self._lock:
                if self._threads < self.max_workers:
                    self._threads += 1
                    name = f"kgr-cypher-{self._threads}"
                    threading.Thread(target=self._loop, name=name, daemon=True).start()
        return future

    def _loop(self) -> None:
        while True:
            future, fn = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    result = fn()
                except BaseException as exc:  # handed to the caller's thread
                    with contextlib.suppress(concurrent.futures.InvalidStateError):
                        future.set_exception(exc)
                else:
                    with contextlib.suppress(concurrent.futures.InvalidStateError):
                        future.set_result(result)  # not when close() already answered the caller
            del future, fn
            self._idle.release()


_WORKERS = _Workers(max_workers=8)


def _as_timeout(exc: BaseException) -> BaseException:
    """The guard reports a server-side timeout as a ``GraphError``; give it the ``QueryTimedOut`` type."""
    from neo4j import exceptions as neo_exc

    cause = exc.__cause__
    if type(exc) is GraphError and isinstance(cause, neo_exc.Neo4jError) and "TimedOut" in (cause.code or ""):
        timed_out = QueryTimedOut(exc.message, hint=exc.hint)
        timed_out.__cause__ = cause
        return timed_out
    return exc


def _connection_error(
    uri: str, exc: BaseException, auth: tuple[str, str] | None
) -> BackendUnavailable | AuthenticationFailed:
    """Unreachable and refused credentials are different problems with different fixes."""
    from neo4j import exceptions as neo_exc

    from kgreason.config import redact_uri

    if isinstance(exc, neo_exc.AuthError):
        user = auth[0] if auth else None
        who = f"user {user!r}" if user else "no credentials"
        return AuthenticationFailed(
            f"Neo4j at {redact_uri(uri)} refused the login ({who}): authentication failed",
            hint="check KGR_NEO4J_USER and KGR_NEO4J_PASSWORD (too many failed logins lock the user "
            "out for a while)",
        )
    return _unavailable(uri, exc)


def _unavailable(uri: str, exc: BaseException) -> BackendUnavailable:
    from kgreason.config import redact_text

    return BackendUnavailable(
        redact_text(f"cannot reach Neo4j at {uri}: {type(exc).__name__}: {exc}"),
        hint="start the local instance with `kgr neo4j start`, or set KGR_NEO4J_URI (and KGR_NEO4J_PASSWORD)",
    )

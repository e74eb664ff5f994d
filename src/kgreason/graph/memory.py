"""The embedded default store: a networkx ``MultiDiGraph`` per named graph, persisted under ``KGR_HOME``.

Each named graph lives in ``KGR_HOME/graphs/NAME.kgr`` (a pickle of the graph, mode 0600). Writes change
the in-memory graph; ``flush()`` saves it atomically (temporary file, fsync, rename), so a crash while
saving never corrupts the previous copy. Edges are keyed by their type, so ``(source, type, target)`` is
unique and re-loading a file changes nothing. Node attributes hold the properties plus ``_labels`` (a
property of that name is refused, so labels and properties never mix); edge ids are derived, not stored.

Concurrent writers (two ``kgr graph load`` into one graph) never lose each other's data: the first write
takes an exclusive ``flock`` on ``NAME.kgr.lock`` and holds it until ``flush()`` has saved. On taking it,
the store re-reads the file if it changed on disk since it was read (inode, mtime, size), so each batch is
applied to the newest copy; writes are idempotent upserts, so the result holds both loads. Readers take
no lock (saves are atomic renames). Temporary files of killed saves are deleted on a writer's first lock.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path as FsPath
from typing import Any

import networkx as nx

from kgreason.atomic import atomic_write, temp_glob
from kgreason.config import Settings, private_dir
from kgreason.errors import GraphError, InputError
from kgreason.graph.bulk import gc_paused
from kgreason.graph.limits import (
    checked_properties,
    id_problem,
    key_problem,
    labels_problem,
    name_problem,
)
from kgreason.graph.names import validate_graph_name
from kgreason.graph.path_query import Direction, PathQuery, Step, path_sort_key
from kgreason.graph.store import Capabilities, GraphSchema, GraphStats, Pattern, WriteSummary
from kgreason.graph.write_lock import WriteLock, held_if_free
from kgreason.types import DEFAULT_LABEL, Edge, Node, Path, Subgraph

_LABELS = "_labels"
# Edges without properties share one empty attribute dict. An empty dict is not tracked by the cyclic
# garbage collector, and neither are the adjacency dicts that then hold only strings and untracked dicts,
# so a large graph adds almost nothing to every collection (faster bulk loads, less memory).
# It is never mutated: an edge that gets properties gets its own dict.
_NO_PROPERTIES: dict[str, Any] = {}
_SUFFIX = ".kgr"
_LOCK_SUFFIX = ".lock"
_FORMAT = 1
# A temporary file younger than this may belong to a save still running (in a kgreason that took no
# lock); older ones whose graph lock is free are left-overs of a killed save.
STALE_TEMP_S = 60.0
# (inode, mtime_ns, size) of a graph file: changes with every save (a save renames a new file in).
_Signature = tuple[int, int, int]


def _signature(path: FsPath) -> _Signature | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _check_node(n: Node) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """What the store keeps of ``n``, or ``InputError``: nothing may corrupt the labels or the file."""
    labels: Any = n.labels
    if isinstance(labels, str) or not isinstance(labels, tuple | list | set | frozenset):
        # A bare string would become one label per character.
        raise InputError(f"node {n.id!r}: labels must be a sequence of strings, got {labels!r}")
    problem = id_problem(n.id) or labels_problem(labels)
    if problem is not None:
        raise InputError(f"node {n.id!r}: {problem}")
    return n.id, tuple(labels), checked_properties(n.properties, what=f"node {n.id!r}")


def _text_ok(value: object) -> bool:
    # The ingest hot path: an ASCII string needs no further look (no surrogates, nothing to encode).
    return type(value) is str and value != "" and value.isascii()


def _check_edge_ends(edge: Edge) -> None:
    """Refuse ends and types that would crash sorting, saving or export (non-strings, lone surrogates)."""
    problem = (
        id_problem(edge.source, "edge source")
        or id_problem(edge.target, "edge target")
        or name_problem(edge.type, "relationship type")
    )
    if problem is not None:
        raise InputError(f"edge {edge.source!r}-{edge.type!r}->{edge.target!r}: {problem}")


class MemoryStore:
    """A named graph held in memory and saved to ``KGR_HOME/graphs``.

    Args:
        graph: the graph name.
        settings: where ``KGR_HOME`` is; defaults to the environment.
        directory: override the directory graphs are saved in.
        lock_timeout_s: how long a write waits for another process's write to this graph to be saved.
    """

    backend = "memory"
    capabilities = Capabilities(cypher=False, vector_index=False, transactions=True, persistent=True)

    def __init__(
        self,
        graph: str,
        settings: Settings | None = None,
        *,
        directory: FsPath | None = None,
        lock_timeout_s: float = 600.0,
    ) -> None:
        self.graph = validate_graph_name(graph)
        self._dir = directory or (settings or Settings.from_env()).graphs_dir
        self._g: nx.MultiDiGraph | None = None
        self._dirty = False
        self._schema: GraphSchema | None = None
        self._read_sig: _Signature | None = None  # of the file self._g was read from (None: no file)
        self._lock = WriteLock(self.lock_path, what=f"graph {self.graph!r}", timeout_s=lock_timeout_s)

    # -- persistence ------------------------------------------------------------------------------------
    @property
    def path(self) -> FsPath:
        return self._dir / f"{self.graph}{_SUFFIX}"

    @property
    def lock_path(self) -> FsPath:
        """The file whose ``flock`` a writer holds from its first write to its save."""
        return self._dir / f"{self.graph}{_SUFFIX}{_LOCK_SUFFIX}"

    @property
    def nx_graph(self) -> nx.MultiDiGraph:
        """The underlying networkx graph (loaded on first use). Treat as read-only."""
        if self._g is None:
            self._g, self._read_sig = self._read()
        return self._g

    def _read(self) -> tuple[nx.MultiDiGraph, _Signature | None]:
        try:
            with self.path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                data = pickle.load(fh)
        except FileNotFoundError:
            return nx.MultiDiGraph(), None
        except Exception as exc:
            raise GraphError(f"cannot read graph file {self.path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise GraphError(f"{self.path} is not a kgreason graph file (format {_FORMAT})")
        graph = data["graph"]
        assert isinstance(graph, nx.MultiDiGraph)
        return graph, (st.st_ino, st.st_mtime_ns, st.st_size)

    # -- the write lock ---------------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Raise ``GraphError`` now if this graph could not be saved (``kgr graph load`` runs it before
        parsing anything). Creates the graphs directory (0700) and the lock file (0600) if missing."""
        try:
            private_dir(self._dir)
            os.close(os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600))
            probe = self._dir / f".{self.graph}{_SUFFIX}.{os.getpid()}.probe"
            probe.touch(mode=0o600)
            probe.unlink()
        except OSError as exc:
            raise GraphError(
                f"cannot write graph {self.graph!r} under {self._dir}: {exc.strerror or exc}",
                hint="set KGR_HOME to a writable directory (`kgr doctor` checks it)",
            ) from exc

    def _begin_write(self) -> None:
        """Take the write lock (once) and make sure the in-memory graph is the newest saved copy."""
        if self._lock.held:
            return
        self._acquire()
        if self._g is None or _signature(self.path) != self._read_sig:
            # Another process saved since this copy was read (or nothing was read yet): apply the batch
            # to the saved copy, so both writes survive. No unsaved change is dropped here: unsaved
            # changes only exist while the lock is held.
            self._g, self._read_sig = self._read()
            self._schema = None

    def _acquire(self) -> None:
        self.check_writable()
        self._lock.acquire()
        self.clean_stale_temp_files()

    def _release(self) -> None:
        self._lock.release()

    def clean_stale_temp_files(self, older_than_s: float = STALE_TEMP_S) -> list[FsPath]:
        """Delete the temporary files of saves killed midway, in this store's directory; return them.

        A temporary file is stale when it is older than ``older_than_s`` and its graph's write lock is
        free (a running save holds it). Runs whenever a store object takes the write lock.
        """
        removed: list[FsPath] = []
        if not self._dir.is_dir():
            return removed
        now = time.time()
        for tmp in self._dir.glob(temp_glob(f"*{_SUFFIX}")):
            name = tmp.name[1:].split(".", 1)[0]
            try:
                if now - tmp.stat().st_mtime < older_than_s:
                    continue
            except FileNotFoundError:
                continue
            free: contextlib.AbstractContextManager[bool]
            if name == self.graph and self._lock.held:
                free = contextlib.nullcontext(True)
            else:  # a running save holds its graph's lock
                free = held_if_free(self._dir / f"{name}{_SUFFIX}{_LOCK_SUFFIX}")
            with free as is_free:
                if is_free:
                    tmp.unlink(missing_ok=True)
                    removed.append(tmp)
        return removed

    def flush(self) -> None:
        """Save the graph if it changed, then release the write lock.

        If the save fails the lock stays held (the unsaved changes are still here and ``flush()`` can
        be retried); ``close()`` or the end of the process releases it.
        """
        if not self._dirty or self._g is None:
            self._release()
            return
        if not self._lock.held:  # pragma: no cover - changes are only made under the lock
            raise GraphError(f"graph {self.graph!r}: unsaved changes without the write lock")
        try:
            with atomic_write(self.path) as fh:
                pickle.dump({"format": _FORMAT, "graph": self._g}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise GraphError(
                f"cannot save graph {self.graph!r} to {self.path}: {exc.strerror or exc}",
                hint="check free space and that KGR_HOME is writable",
            ) from exc
        self._read_sig = _signature(self.path)
        self._dirty = False
        self._release()

    def drop(self) -> None:
        self._acquire()
        try:
            self.path.unlink(missing_ok=True)
        finally:
            self._g = nx.MultiDiGraph()
            self._read_sig = None
            self._dirty = False
            self._schema = None
            self._release()

    def list_graphs(self) -> list[str]:
        if not self._dir.exists():
            return []
        return sorted(p.name[: -len(_SUFFIX)] for p in self._dir.glob(f"*{_SUFFIX}") if p.is_file())

    def exists(self) -> bool:
        return self.path.exists() or (self._g is not None and self._g.number_of_nodes() > 0)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._release()

    # -- writes -----------------------------------------------------------------------------------------
    def upsert_nodes(self, nodes: Sequence[Node]) -> WriteSummary:
        checked = [_check_node(n) for n in nodes]
        self._begin_write()
        g = self.nx_graph
        created = props = 0
        with gc_paused():
            for node_id, labels, properties in checked:
                attrs = g._node.get(node_id)  # direct dict access: this is the ingest hot path
                if attrs is None:
                    g.add_node(
                        node_id, **{_LABELS: tuple(sorted(set(labels) or {DEFAULT_LABEL})), **properties}
                    )
                    created += 1
                else:
                    old = attrs[_LABELS]
                    if not set(labels) <= set(old):
                        attrs[_LABELS] = tuple(sorted(set(old) | set(labels)))
                    attrs.update(properties)
                props += len(properties)
        self._touch()
        return WriteSummary(nodes_created=created, properties_set=props)

    def upsert_edges(self, edges: Sequence[Edge]) -> WriteSummary:
        with gc_paused():
            # Validate the whole batch first so a bad edge leaves nothing half-written.
            checked = {}
            for e in edges:
                if not (_text_ok(e.source) and _text_ok(e.type) and _text_ok(e.target)):
                    _check_edge_ends(e)
                if e.properties:
                    what = f"edge {e.source}-{e.type}->{e.target}"
                    checked[id(e)] = checked_properties(e.properties, what=what)
            self._begin_write()
            summary = self._insert_edges(edges, checked or None)
        self._touch()
        return summary

    def _insert_edges(self, edges: Sequence[Edge], checked: dict[int, dict[str, Any]] | None) -> WriteSummary:
        """Insert ``edges``; ``checked`` maps ``id(edge)`` to its validated properties (None: none has)."""
        g = self.nx_graph
        nodes, succ, pred = g._node, g._succ, g._pred
        intern = sys.intern  # one string object per id/type: adjacency dicts share them
        default = (DEFAULT_LABEL,)
        created_nodes = created_edges = props = 0
        properties: dict[str, Any] | None = None
        # The ingest hot path: fill networkx's own dicts directly (what add_edge does, minus its overhead).
        for edge in edges:
            source, type_, target = intern(edge.source), intern(edge.type), intern(edge.target)
            if source not in nodes:
                nodes[source] = {_LABELS: default}
                succ[source] = {}
                pred[source] = {}
                created_nodes += 1
            if target not in nodes:
                nodes[target] = {_LABELS: default}
                succ[target] = {}
                pred[target] = {}
                created_nodes += 1
            out = succ[source]
            keydict = out.get(target)
            if keydict is None:
                keydict = out[target] = pred[target][source] = {}
            if checked is not None:
                properties = checked.get(id(edge))
            if type_ not in keydict:
                keydict[type_] = dict(properties) if properties else _NO_PROPERTIES
                created_edges += 1
            elif properties:
                data = keydict[type_]
                if data:
                    data.update(properties)
                else:  # never mutate the shared empty dict
                    keydict[type_] = dict(properties)
            if properties:
                props += len(properties)
        if hasattr(nx, "_clear_cache"):
            nx._clear_cache(g)
        return WriteSummary(nodes_created=created_nodes, edges_created=created_edges, properties_set=props)

    def delete_edges(self, keys: Sequence[tuple[str, str, str]]) -> int:
        """Delete the edges ``(source, type, target)`` that exist; return how many were deleted."""
        self._begin_write()
        g = self.nx_graph
        deleted = 0
        for source, type_, target in keys:
            if g.has_edge(source, target, key=type_):
                g.remove_edge(source, target, key=type_)
                deleted += 1
        self._touch()
        return deleted

    def delete_nodes(self, node_ids: Sequence[str]) -> int:
        """Delete the nodes that exist, with every edge at them; return how many nodes were deleted."""
        self._begin_write()
        g = self.nx_graph
        deleted = 0
        for node_id in dict.fromkeys(node_ids):
            if node_id in g:
                g.remove_node(node_id)
                deleted += 1
        self._touch()
        return deleted

    def remove_properties(
        self,
        keys: Sequence[str],
        *,
        nodes: Sequence[str] = (),
        edges: Sequence[tuple[str, str, str]] = (),
    ) -> int:
        """Remove the properties ``keys`` from the given nodes and edges; return how many nodes and edges
        lost at least one."""
        for key in keys:
            problem = key_problem(key)
            if problem is not None:
                raise InputError(problem)
        self._begin_write()
        g = self.nx_graph
        removed = 0
        for node_id in nodes:
            attrs = g._node.get(node_id)
            if attrs is not None and any(k in attrs for k in keys):
                for key in keys:
                    attrs.pop(key, None)
                removed += 1
        for source, type_, target in edges:
            if not g.has_edge(source, target, key=type_):
                continue
            data = g._succ[source][target][type_]
            if data and any(k in data for k in keys):
                data = g._succ[source][target][type_] = {k: v for k, v in data.items() if k not in keys}
                removed += 1
        self._touch()
        return removed

    def _touch(self) -> None:
        self._dirty = True
        self._schema = None

    # -- reads ------------------------------------------------------------------------------------------
    def stats(self) -> GraphStats:
        g = self.nx_graph
        return GraphStats(nodes=g.number_of_nodes(), edges=g.number_of_edges())

    def _node(self, node_id: str) -> Node:
        attrs = self.nx_graph._node[node_id]
        return Node(node_id, attrs[_LABELS], {k: v for k, v in attrs.items() if k != _LABELS})

    def get_node(self, node_id: str) -> Node | None:
        return self._node(node_id) if node_id in self.nx_graph._node else None

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, Node]:
        known = self.nx_graph._node
        return {i: self._node(i) for i in node_ids if i in known}

    def _incident(
        self, node_id: str, direction: Direction, types: Sequence[str] | None
    ) -> Iterator[tuple[Edge, str]]:
        """Edges at ``node_id`` (each once) with the id of the node at the other end."""
        g = self.nx_graph
        wanted = set(types) if types is not None else None
        if direction in ("out", "both"):
            for other, keydict in g._succ[node_id].items():
                for type_, data in keydict.items():
                    if wanted is None or type_ in wanted:
                        yield Edge(node_id, type_, other, dict(data)), other
        if direction in ("in", "both"):
            for other, keydict in g._pred[node_id].items():
                if direction == "both" and other == node_id:
                    continue  # a self-loop was already yielded as an out-edge
                for type_, data in keydict.items():
                    if wanted is None or type_ in wanted:
                        yield Edge(other, type_, node_id, dict(data)), other

    def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = "both",
        types: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[Edge, Node]]:
        if node_id not in self.nx_graph._node:
            return []
        found = sorted(
            self._incident(node_id, direction, types), key=lambda eo: (eo[0].type, eo[1], eo[0].id)
        )
        if limit is not None:
            found = found[:limit]
        return [(edge, self._node(other)) for edge, other in found]

    def subgraph(self, seeds: Sequence[str], *, hops: int = 1, max_nodes: int = 1000) -> Subgraph:
        g = self.nx_graph
        order: list[str] = []
        seen: set[str] = set()
        for s in seeds:
            if s in g._node and s not in seen and len(order) < max_nodes:
                seen.add(s)
                order.append(s)
        frontier = list(order)
        for _ in range(hops):
            if len(order) >= max_nodes or not frontier:
                break
            level: set[str] = set()
            for u in frontier:
                level.update(v for v in g._succ[u] if v not in seen)
                level.update(v for v in g._pred[u] if v not in seen)
            new = sorted(level)[: max_nodes - len(order)]
            seen.update(new)
            order.extend(new)
            frontier = new
        edges = [
            Edge(u, type_, v, dict(data))
            for u in order
            for v, keydict in g._succ[u].items()
            if v in seen
            for type_, data in keydict.items()
        ]
        edges.sort(key=lambda e: e.id)
        return Subgraph(nodes=tuple(self._node(n) for n in order), edges=tuple(edges))

    def _distances_to(self, target: str, max_hops: int) -> dict[str, int]:
        g = self.nx_graph
        dist = {target: 0}
        queue = deque([target])
        while queue:
            u = queue.popleft()
            if dist[u] >= max_hops:
                continue
            for v in (*g._succ[u], *g._pred[u]):
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
        return dist

    def paths_between(self, source: str, target: str, *, max_hops: int = 3, limit: int = 10) -> list[Path]:
        g = self.nx_graph
        if source not in g._node or target not in g._node or max_hops < 1:
            return []
        dist = self._distances_to(target, max_hops)
        if source not in dist:
            return []
        found: list[tuple[list[str], list[Edge]]] = []

        def walk(node_ids: list[str], edges: list[Edge]) -> None:
            here = node_ids[-1]
            left = max_hops - len(edges)
            for edge, other in self._incident(here, "both", None):
                if other in node_ids or dist.get(other, max_hops + 1) > left - 1:
                    continue
                if other == target:
                    found.append(([*node_ids, other], [*edges, edge]))
                else:
                    walk([*node_ids, other], [*edges, edge])

        walk([source], [])
        paths = [self._path(ids, edges) for ids, edges in found]
        paths.sort(key=lambda p: (len(p), path_sort_key(p)))
        return paths[:limit]

    def _path(self, node_ids: Sequence[str], edges: Sequence[Edge]) -> Path:
        return Path(nodes=tuple(self._node(i) for i in node_ids), edges=tuple(edges))

    def _step_ok(self, node_id: str, step: Step) -> bool:
        attrs = self.nx_graph._node[node_id]
        if step.labels and not set(step.labels) <= set(attrs[_LABELS]):
            return False
        return all(k in attrs and attrs[k] == v for k, v in step.where.items())

    def run_path_query(self, query: PathQuery) -> list[Path]:
        g = self.nx_graph
        partial: list[tuple[list[str], list[Edge]]] = [
            ([s], []) for s in dict.fromkeys(query.start) if s in g._node
        ]
        for step in query.steps:
            types = [step.relation] if step.relation is not None else None
            nxt: list[tuple[list[str], list[Edge]]] = []
            for ids, edges in partial:
                used = {e.id for e in edges}
                for edge, other in self._incident(ids[-1], step.direction, types):
                    if edge.id not in used and self._step_ok(other, step):
                        nxt.append(([*ids, other], [*edges, edge]))
            partial = nxt
        paths = [self._path(ids, edges) for ids, edges in partial]
        paths.sort(key=path_sort_key)
        return paths[: query.limit]

    def schema(self) -> GraphSchema:
        if self._schema is not None:
            return self._schema
        g = self.nx_graph
        labels: Counter[str] = Counter()
        node_props: dict[str, set[str]] = {}
        for attrs in g._node.values():
            keys = [k for k in attrs if k != _LABELS]
            for label in attrs[_LABELS]:
                labels[label] += 1
                node_props.setdefault(label, set()).update(keys)
        types: Counter[str] = Counter()
        rel_props: dict[str, set[str]] = {}
        patterns: Counter[tuple[str, str, str]] = Counter()
        for u, v, type_, data in g.edges(keys=True, data=True):
            types[type_] += 1
            rel_props.setdefault(type_, set()).update(data)
            for a in g._node[u][_LABELS]:
                for b in g._node[v][_LABELS]:
                    patterns[(a, type_, b)] += 1
        self._schema = GraphSchema(
            labels=dict(sorted(labels.items())),
            relationship_types=dict(sorted(types.items())),
            node_properties={k: tuple(sorted(v)) for k, v in sorted(node_props.items())},
            relationship_properties={k: tuple(sorted(v)) for k, v in sorted(rel_props.items())},
            patterns=tuple(Pattern(a, t, b, c) for (a, t, b), c in sorted(patterns.items())),
        )
        return self._schema

    def iter_nodes(self) -> Iterator[Node]:
        for node_id in sorted(self.nx_graph._node):
            yield self._node(node_id)

    def iter_edges(self) -> Iterator[Edge]:
        g = self.nx_graph
        for u in sorted(g._succ):
            for v, keydict in sorted(g._succ[u].items()):
                for type_, data in sorted(keydict.items()):
                    yield Edge(u, type_, v, dict(data))

    def __repr__(self) -> str:
        return f"MemoryStore(graph={self.graph!r}, path={str(self.path)!r})"

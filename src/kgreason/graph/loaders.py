"""Loaders for triples TSV, node/edge CSV and JSONL files into any ``GraphStore``.

Every load makes two passes over the file. The first parses and validates every record, including what
no store can hold (``limits``: reserved labels and property names, ids over Neo4j's index limit, 64-bit
integers, lone surrogates, control characters in names), so a malformed row raises ``InputError`` naming
the file, line and reason before anything is written, on every store alike. The second writes in batches
through ``upsert_nodes``/``upsert_edges`` (each batch atomic on the store; every write is a merge, so
re-running a load after a crash completes it and changes nothing already there). On a store with
``atomic_load`` (Neo4j) the whole file is one load: if the server refuses a batch anyway, what the load
had written is taken back, and the row it refused is found by bisection (``probe_write``).

Formats (chosen by extension, or ``fmt``):

- ``.tsv`` / ``.txt``: ``head<TAB>relation<TAB>tail`` per line; node id = the string as written.
- ``.csv``: a header row. Node files have an ``id`` column (and optionally ``labels``, ``;``-separated);
  edge files have ``source``, ``type`` and ``target`` columns. Other columns are properties; a header
  ``name:int`` / ``:float`` / ``:bool`` / ``:list`` (``;``-separated strings) types the column; empty cells
  are skipped.
- ``.jsonl``: one object per line, a node ``{"id", "labels"?, "properties"?}`` or an edge
  ``{"source", "type", "target", "properties"?}``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgreason.atomic import atomic_write
from kgreason.errors import InputError
from kgreason.graph.bulk import gc_paused
from kgreason.graph.limits import check_record
from kgreason.graph.properties import check_properties
from kgreason.graph.store import GraphStore, WriteSummary
from kgreason.types import Edge, Node

Record = Node | Edge
ProgressFn = Callable[[int], None]

FORMATS = ("tsv", "csv", "jsonl")
SOURCE_LABEL = "Source"
"""Label of the node that records what a file loaded with ``source=`` holds (``source_node_id``)."""


def source_node_id(source: str) -> str:
    """Id of the ``Source`` node of a file loaded with ``source=source``."""
    return f"source:{source}"


_EXT = {".tsv": "tsv", ".txt": "tsv", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class LoadReport:
    """What loading one file did (a domain pack's load reports a ``domains.PackLoadReport``)."""

    file: str
    records: int
    nodes_created: int
    edges_created: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "records": self.records,
            "nodes_created": self.nodes_created,
            "edges_created": self.edges_created,
            "seconds": round(self.seconds, 3),
        }


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
        return fmt
    found = _EXT.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"cannot tell the format of {path.name}", path=str(path), hint="pass --format tsv|csv|jsonl"
        )
    return found


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    # Decode line by line (not in chunks) so a bad byte is reported on its own line.
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"not valid UTF-8 ({exc.reason} at column {exc.start + 1})",
                        path=str(path),
                        line=number,
                    ) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc


# Column names of a header row (``head<TAB>relation<TAB>tail`` and its usual synonyms), lower-cased.
_HEADER = (
    {"head", "subject", "source", "src", "from", "h", "s"},
    {"relation", "predicate", "type", "rel", "relationship", "edge", "r", "p"},
    {"tail", "object", "target", "dst", "to", "t", "o"},
)


def read_triples(path: Path) -> Iterator[tuple[int, Edge]]:
    """``(line, edge)`` from a ``head<TAB>relation<TAB>tail`` file; blank lines are skipped.

    A first line that is a header row (``head<TAB>relation<TAB>tail``, ``subject<TAB>predicate<TAB>object``,
    ...) is refused rather than loaded as a triple: the file holds triples only.
    """
    first = True
    for number, line in _lines(path):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        parts = text.split("\t")
        if len(parts) != 3:
            raise InputError(
                f"expected 3 tab-separated fields (head, relation, tail), found {len(parts)}",
                path=str(path),
                line=number,
            )
        head, rel, tail = (p.strip() for p in parts)
        if first and all(
            cell.lower().lstrip("#").strip() in names
            for cell, names in zip((head, rel, tail), _HEADER, strict=True)
        ):
            raise InputError(
                f"this looks like a header row ({head}, {rel}, {tail}), not a triple",
                path=str(path),
                line=number,
                hint="a .tsv file holds head<TAB>relation<TAB>tail triples only: delete the header line",
            )
        first = False
        if not head or not rel or not tail:
            raise InputError("empty head, relation or tail", path=str(path), line=number)
        edge = Edge(head, rel, tail)
        check_record(edge, path=str(path), line=number)
        yield number, edge


def _typed(value: str, kind: str, where: tuple[str, int], column: str) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return lowered in ("true", "1", "yes")
        if kind == "list":
            return [v for v in value.split(";") if v]
    except ValueError as exc:
        raise InputError(
            f"column {column!r}: {value!r} is not a valid {kind}", path=where[0], line=where[1]
        ) from exc
    return value


def read_csv(path: Path) -> Iterator[tuple[int, Record]]:
    """``(line, record)``: nodes (``id`` column) or edges (``source``/``type``/``target`` columns) from a
    CSV file."""
    rows = _lines(path)
    try:
        header_line = next(rows)
    except StopIteration:
        return
    header = next(csv.reader([header_line[1]]))
    columns: list[tuple[str, str]] = []
    for raw in header:
        name, _, kind = raw.strip().partition(":")
        kind = kind.lower() or "string"
        if kind not in ("string", "int", "float", "bool", "list"):
            raise InputError(f"column {raw!r}: unknown type {kind!r}", path=str(path), line=1)
        columns.append((name, kind))
    names = [c[0] for c in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(
            f"column {repeated[0]!r} appears more than once in the header", path=str(path), line=1
        )
    is_edges = {"source", "type", "target"} <= set(names)
    if not is_edges and "id" not in names:
        raise InputError(
            "a CSV needs an 'id' column (nodes) or 'source', 'type' and 'target' columns (edges)",
            path=str(path),
            line=1,
        )
    for number, line in rows:
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line]))
        except csv.Error as exc:
            raise InputError(f"bad CSV: {exc}", path=str(path), line=number) from exc
        if len(cells) != len(columns):
            raise InputError(
                f"expected {len(columns)} fields as in the header, found {len(cells)}",
                path=str(path),
                line=number,
            )
        props: dict[str, Any] = {}
        fixed: dict[str, str] = {}
        for (name, kind), cell in zip(columns, cells, strict=True):
            if name in ("id", "labels", "source", "type", "target"):
                fixed[name] = cell.strip()
            elif cell != "":
                props[name] = _typed(cell, kind, (str(path), number), name)
        yield number, _record(fixed, props, is_edges, str(path), number)


def _record(fixed: dict[str, Any], props: dict[str, Any], is_edge: bool, path: str, line: int) -> Record:
    record = _make_record(fixed, props, is_edge, path, line)
    # What both stores can hold (limits.py): checked here so the validation pass refuses it before any write.
    check_record(record, path=path, line=line)
    return record


def _make_record(fixed: dict[str, Any], props: dict[str, Any], is_edge: bool, path: str, line: int) -> Record:
    try:
        if is_edge:
            source, type_, target = fixed.get("source"), fixed.get("type"), fixed.get("target")
            if not (isinstance(source, str) and isinstance(type_, str) and isinstance(target, str)):
                raise InputError("'source', 'type' and 'target' must be strings")
            if not source or not type_ or not target:
                raise InputError("empty source, type or target")
            return Edge(source, type_, target, check_properties(props, what="edge"))
        node_id = fixed.get("id")
        if not isinstance(node_id, str) or not node_id:
            raise InputError("'id' must be a non-empty string")
        labels = fixed.get("labels") or []
        if isinstance(labels, str):
            labels = [s.strip() for s in labels.split(";") if s.strip()]
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            raise InputError("'labels' must be a list of non-empty strings")
        return Node(node_id, tuple(sorted(set(labels))) or ("Entity",), check_properties(props, what="node"))
    except InputError as exc:
        raise InputError(exc.reason, path=path, line=line) from None


def read_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed value)`` for each non-blank line of a JSON-lines file.

    Raises ``InputError`` naming the file and line for bad UTF-8 or bad JSON.
    """
    for number, line in _lines(path):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON: {exc.msg} (column {exc.colno})", path=str(path), line=number
            ) from exc
        yield number, value


def read_jsonl(path: Path) -> Iterator[tuple[int, Record]]:
    """``(line, record)``: nodes and edges from a JSON-lines file (one object per line)."""
    for number, obj in read_json_lines(path):
        if not isinstance(obj, dict):
            raise InputError("each line must be a JSON object", path=str(path), line=number)
        props = obj.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError("'properties' must be an object", path=str(path), line=number)
        is_edge = "source" in obj or "target" in obj or "type" in obj
        if not is_edge and "id" not in obj:
            raise InputError(
                "an object needs 'id' (a node) or 'source', 'type' and 'target' (an edge)",
                path=str(path),
                line=number,
            )
        yield number, _record(obj, props, is_edge, str(path), number)


def read_records(path: str | os.PathLike[str], fmt: str | None = None) -> Iterator[Record]:
    """Parse ``path`` lazily; raises ``InputError`` at the first bad record."""
    return (record for _, record in read_numbered(path, fmt))


def read_numbered(path: str | os.PathLike[str], fmt: str | None = None) -> Iterator[tuple[int, Record]]:
    """``(line number, record)`` for each record of ``path``, lazily; ``InputError`` at the first bad one."""
    path = Path(path)
    kind = detect_format(path, fmt)
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    if kind == "tsv":
        return read_triples(path)
    if kind == "csv":
        return read_csv(path)
    return read_jsonl(path)


def validate_file(path: str | os.PathLike[str], fmt: str | None = None) -> int:
    """Parse the whole file and return the record count; raises ``InputError`` on the first bad row."""
    return sum(1 for _ in read_records(path, fmt))


def load_file(
    store: GraphStore,
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    batch_size: int = 10_000,
    progress: ProgressFn | None = None,
    validated: bool = False,
    source: str | None = None,
) -> LoadReport:
    """Validate ``path`` fully, then write it into ``store`` in batches and flush.

    Args:
        store: the target graph.
        path: the data file.
        fmt: ``tsv``, ``csv`` or ``jsonl``; by default from the extension.
        batch_size: records per write batch (one transaction on Neo4j).
        progress: called with the number of records written after each batch.
        validated: skip the validation pass (the caller already ran ``validate_file``).
        source: record the file as source ``source``: a ``Source`` node lists the nodes and edges it
            holds, so ``kgr graph retract`` can later take back what this file alone supported.
    """
    started = time.perf_counter()
    path = Path(path)
    if not validated:
        validate_file(path, fmt)
    total = WriteSummary()
    count = 0
    nodes: list[Node] = []
    edges: list[Edge] = []
    node_lines: list[int] = []
    edge_lines: list[int] = []

    def write() -> None:
        nonlocal total
        try:
            # Nodes first, so edges find their endpoints with the given labels.
            if nodes:
                total += store.upsert_nodes(nodes)
            if edges:
                total += store.upsert_edges(edges)
        except InputError as exc:  # the store refused a batch that passed validation
            if exc.path is not None:
                raise
            line = _refused_line(store, nodes, edges, node_lines, edge_lines)
            where = f"line {line}" if line is not None else f"one of lines {_span(node_lines, edge_lines)}"
            raise InputError(
                exc.reason if line is not None else f"{exc.reason} (the refused row is on {where})",
                path=str(path),
                line=line,
                hint=exc.hint,
            ) from exc
        if progress is not None:
            progress(len(nodes) + len(edges))
        nodes.clear()
        edges.clear()
        node_lines.clear()
        edge_lines.clear()

    # On Neo4j the whole file is one load that completes or is taken back (``Neo4jStore.atomic_load``).
    atomic: Callable[[], contextlib.AbstractContextManager[None]] | None = getattr(store, "atomic_load", None)
    listed_nodes: dict[str, None] = {}
    listed_edges: dict[str, None] = {}
    with gc_paused(), atomic() if atomic is not None else contextlib.nullcontext():
        for line, record in read_numbered(path, fmt):
            if isinstance(record, Node):
                nodes.append(record)
                node_lines.append(line)
                if source is not None:
                    listed_nodes[record.id] = None
            else:
                edges.append(record)
                edge_lines.append(line)
                if source is not None:
                    listed_edges[json.dumps([record.source, record.type, record.target])] = None
                    listed_nodes[record.source] = listed_nodes[record.target] = None
            count += 1
            if len(nodes) + len(edges) >= batch_size:
                write()
        write()
        if source is not None:
            props = {"path": str(path), "kgr_nodes": list(listed_nodes), "kgr_edges": list(listed_edges)}
            store.upsert_nodes([Node(source_node_id(source), (SOURCE_LABEL,), props)])
        store.flush()
    return LoadReport(
        str(path), count, total.nodes_created, total.edges_created, time.perf_counter() - started
    )


def _span(node_lines: list[int], edge_lines: list[int]) -> str:
    lines = node_lines + edge_lines
    return f"{min(lines)}-{max(lines)}" if lines else "?"


def _refused_line(
    store: GraphStore,
    nodes: list[Node],
    edges: list[Edge],
    node_lines: list[int],
    edge_lines: list[int],
) -> int | None:
    """The line of the first row the store refuses, by bisection with writes it rolls back (stores that
    offer ``probe_write``); None when it cannot tell."""
    probe = getattr(store, "probe_write", None)
    if probe is None:
        return None
    rows: list[Record] = [*nodes, *edges]
    lines = [*node_lines, *edge_lines]

    def accepts(k: int) -> bool:  # nodes are always written before edges, as in the load
        prefix = rows[:k]
        return bool(
            probe([r for r in prefix if isinstance(r, Node)], [r for r in prefix if isinstance(r, Edge)])
        )

    if accepts(len(rows)):
        return None  # refused as a batch but not on a second try: no single row to blame
    lo, hi = 0, len(rows)  # accepts(lo) holds (the empty prefix), accepts(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if accepts(mid):
            lo = mid
        else:
            hi = mid
    return lines[hi - 1]


def export(store: GraphStore, out: Path | None, fmt: str = "jsonl") -> int:
    """Write ``store`` to ``out`` (stdout when ``None``) as ``jsonl`` (nodes then edges) or ``tsv``
    triples; returns the number of records written. The file is written atomically."""
    import sys

    if fmt not in ("jsonl", "tsv"):
        raise InputError(f"cannot export as {fmt!r}", hint="use jsonl or tsv")

    def lines() -> Iterator[str]:
        if fmt == "jsonl":
            for node in store.iter_nodes():
                yield json.dumps(
                    {"id": node.id, "labels": list(node.labels), "properties": dict(node.properties)},
                    ensure_ascii=False,
                )
        for edge in store.iter_edges():
            if fmt == "tsv":
                yield f"{edge.source}\t{edge.type}\t{edge.target}"
            else:
                yield json.dumps(
                    {
                        "source": edge.source,
                        "type": edge.type,
                        "target": edge.target,
                        "properties": dict(edge.properties),
                    },
                    ensure_ascii=False,
                )

    count = 0
    if out is None:
        for line in lines():
            sys.stdout.write(line + "\n")
            count += 1
        return count
    with atomic_write(out, "w") as fh:
        for line in lines():
            fh.write(line + "\n")
            count += 1
    return count

"""Turn what kgreason returns into one drawable graph: the ``GraphView`` and the ``view()`` builder.

``view()`` accepts a ``Subgraph``, an ``Answer`` (its evidence, with the reasoning paths highlighted and
the answer entities ringed), a ``Path`` or a list of paths, a Cypher ``QueryResult`` (nodes, relationships
and paths found anywhere in its rows), a ``GraphSchema`` (labels as nodes, patterns as edges) or a store
(a neighbourhood of some seed nodes). The result renders itself in Jupyter (``_repr_html_``) and can be
written to a standalone HTML file. The layout is computed here (``layout.py``: no two node names
overlap), colours come from ``colors.py`` (a label has the same colour in every view), and the browser
draws it (``static/kgview.js``), stretched to the width of the output.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path as FsPath
from typing import Any

from kgreason.errors import InputError
from kgreason.graph.store import GraphSchema, GraphStore
from kgreason.notebook.colors import PALETTE as PALETTE
from kgreason.notebook.colors import LabelColors
from kgreason.notebook.colors import label_colors as shared_colors
from kgreason.notebook.layout import layout
from kgreason.types import DEFAULT_LABEL, Answer, Edge, Node, Path, Subgraph

MAX_NODES = 1500
"""More nodes than this make an unreadable picture and a slow layout: ``view`` keeps the first ones."""

MAX_HEIGHT = 1600
"""The tallest a drawing grows (pixels) to give a big graph's names room; beyond it names may be left out."""

STAGE_PAD = 12
"""Pixels the page keeps free around the drawing (its padding and border)."""


@dataclass(frozen=True)
class PathSpec:
    """A path listed under the view; ``highlight`` paths are drawn in the accent colour from the start."""

    title: str
    node_ids: tuple[str, ...]
    edge_ids: tuple[str, ...]
    highlight: bool = False


@dataclass
class GraphView:
    """A graph ready to draw: nodes, edges, listed paths and what to emphasise.

    Build one with ``view()``. In a notebook it shows itself; ``to_html()`` is a standalone page and
    ``save(path)`` writes it (the same as ``export_html``).
    """

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    paths: list[PathSpec] = field(default_factory=list)
    answers: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    title: str = ""
    height: int = 480
    truncated: bool = False
    colors: LabelColors = field(default_factory=lambda: shared_colors, repr=False)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _edge_ids: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        nodes, edges, self.nodes, self.edges = self.nodes, self.edges, [], []
        self._merge_nodes(nodes)
        self._merge_edges(edges)

    def add_node(self, node: Node) -> None:
        """Add a node, or merge labels and properties into the one with the same id."""
        self._merge_nodes([node])

    def add_edge(self, edge: Edge) -> None:
        """Add an edge (once per id); missing end nodes are added with the default label."""
        self._merge_edges([edge])

    def _merge_nodes(self, nodes: Iterable[Node]) -> None:
        index = self._index
        for node in nodes:
            i = index.get(node.id)
            if i is None:
                if len(self.nodes) >= MAX_NODES:
                    self.truncated = True
                    continue
                index[node.id] = len(self.nodes)
                self.nodes.append(node)
                continue
            old = self.nodes[i]
            labels = tuple(sorted(set(old.labels) | set(node.labels)))
            if len(labels) > 1:  # the placeholder label gives way to a real one
                labels = tuple(x for x in labels if x != DEFAULT_LABEL) or labels
            self.nodes[i] = Node(old.id, labels, {**dict(old.properties), **dict(node.properties)})

    def _merge_edges(self, edges: Iterable[Edge]) -> None:
        for edge in edges:
            if edge.id in self._edge_ids:
                continue
            for end in (edge.source, edge.target):
                if end not in self._index:
                    self._merge_nodes([Node(end)])
            if edge.source not in self._index or edge.target not in self._index:
                continue  # an end fell over MAX_NODES
            self._edge_ids.add(edge.id)
            self.edges.append(edge)

    def add_path(self, path: Path, *, highlight: bool = False, title: str | None = None) -> None:
        """Add a path's nodes and edges and list it (highlighted or not)."""
        self._merge_nodes(path.nodes)
        self._merge_edges(path.edges)
        self.paths.append(PathSpec(title or path_text(path), path.node_ids, path.edge_ids, highlight))

    def add_subgraph(self, sub: Subgraph) -> None:
        """Add every node and edge of a subgraph."""
        self._merge_nodes(sub.nodes)
        self._merge_edges(sub.edges)

    def label_colors(self) -> dict[str, str]:
        """Colour of each node label in the view, in order of first appearance.

        A label's colour is the same in every view (``kgreason.notebook.colors``): it does not depend on
        which other labels the view holds.
        """
        colors: dict[str, str] = {}
        for n in self.nodes:
            key = group_of(n)
            if key not in colors:
                colors[key] = self.colors(key)
        return colors

    def to_data(self) -> dict[str, Any]:
        """The JSON the browser side draws (see ``static/kgview.js`` for the format).

        Every node has its position (``x``, ``y``), disc radius ``r`` and ``box`` (pixels it takes left,
        right, up and down of its centre, its name included) from ``layout.layout``: no two boxes overlap.
        ``height`` is at least the view's height, more when the graph needs it (up to ``MAX_HEIGHT``).
        """
        colors = self.label_colors()
        lit_nodes = {nid for p in self.paths if p.highlight for nid in p.node_ids}
        lit_edges = {eid for p in self.paths if p.highlight for eid in p.edge_ids}
        title = self.title
        if self.truncated:
            title = f"{title} (first {MAX_NODES} nodes)".strip()
        index = {n.id: i for i, n in enumerate(self.nodes)}
        degree = [0] * len(self.nodes)
        pairs = []
        for e in self.edges:
            i, j = index[e.source], index[e.target]
            degree[i] += 1
            degree[j] += 1
            pairs.append((i, j))
        names = [short(n.name) for n in self.nodes]
        bold = [n.id in self.answers or n.id in self.topics for n in self.nodes]
        radii = [7 + min(7.0, round(math.sqrt(d) * 1.5, 1)) for d in degree]
        lay = layout(radii, names, pairs, bold=bold)
        height = max(self.height, min(MAX_HEIGHT, math.ceil(lay.height) + 2 * STAGE_PAD))
        return {
            "title": title,
            "height": height,
            "nodes": [
                {
                    "id": n.id,
                    "label": names[i],
                    "labels": list(n.labels),
                    "color": colors[group_of(n)],
                    "props": jsonable(n.properties),
                    "answer": n.id in self.answers,
                    "topic": n.id in self.topics,
                    "on_path": n.id in lit_nodes,
                    "x": round(lay.x[i], 2),
                    "y": round(lay.y[i], 2),
                    "r": radii[i],
                    "box": [round(v, 2) for v in _box(lay.boxes[i])],
                }
                for i, n in enumerate(self.nodes)
            ],
            "edges": [
                {
                    "id": e.id,
                    "source": e.source,
                    "target": e.target,
                    "type": e.type,
                    "props": jsonable(e.properties),
                    "on_path": e.id in lit_edges,
                }
                for e in self.edges
            ],
            "paths": [
                {
                    "title": p.title,
                    "nodes": list(p.node_ids),
                    "edges": list(p.edge_ids),
                    "highlight": p.highlight,
                }
                for p in self.paths
            ],
            "legend": [{"label": k, "color": v} for k, v in colors.items()],
        }

    def to_html(self) -> str:
        """A standalone HTML page (scripts inlined: it opens offline)."""
        from kgreason.notebook.render import document

        return document(self.to_data(), title=self.title or "kgreason graph")

    def _page(self) -> tuple[str, int]:
        from kgreason.notebook.render import document

        data = self.to_data()
        return document(data, title=self.title or "kgreason graph"), int(data["height"])

    def save(self, path: Any) -> Any:
        """Write ``to_html()`` to ``path``; returns the path."""
        return export_html(self, path)

    def _repr_html_(self) -> str:
        from kgreason.notebook.render import iframe

        page, height = self._page()
        return iframe(page, height)

    def __repr__(self) -> str:
        return f"GraphView({len(self.nodes)} nodes, {len(self.edges)} edges, {len(self.paths)} paths)"


def _box(box: Any) -> tuple[float, float, float, float]:
    return (box.left, box.right, box.up, box.down)


def group_of(node: Node) -> str:
    """The label a node is coloured by: its first label other than the default one."""
    own = [label for label in node.labels if label != DEFAULT_LABEL]
    return own[0] if own else DEFAULT_LABEL


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def jsonable(value: Any) -> Any:
    """Properties as JSON values (tuples to lists, unknown objects to their string)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def path_text(path: Path) -> str:
    """``a -[r]-> b <-[s]- c``: a path as one line (``Path.text``)."""
    return path.text()


def view(
    obj: Any,
    *,
    title: str | None = None,
    height: int = 480,
    store: GraphStore | None = None,
    hops: int = 0,
    seeds: Sequence[str] | None = None,
    max_nodes: int = 200,
    highlight: bool | None = None,
) -> GraphView:
    """An interactive view of ``obj``.

    Args:
        obj: a ``Subgraph``, ``Answer``, ``Path``, list of paths, Cypher ``QueryResult`` (or its rows),
            ``GraphSchema`` or ``GraphStore``.
        title: shown above the drawing.
        height: drawing height in pixels (at least: a graph whose names need more room gets more).
        store: with ``hops`` > 0, add the neighbourhood (within ``hops``) of the nodes from this store.
        hops: how far to extend around the nodes (needs ``store``; for a store object: around ``seeds``).
        seeds: for a store: the node ids to start from (default: its first nodes).
        max_nodes: cap on nodes pulled from a store.
        highlight: for a path or a list of paths, whether they start highlighted (default: a single
            path is, a list is not: click one under the drawing to highlight it).

    Returns:
        A ``GraphView``; in a notebook it draws itself, ``export_html(view, path)`` saves it.

    Raises:
        InputError: ``obj`` is of a kind that cannot be drawn.

    Example:
        >>> from kgreason.types import Edge, Node, Subgraph
        >>> v = view(Subgraph((Node("a"), Node("b")), (Edge("a", "knows", "b"),)), title="demo")
        >>> v
        GraphView(2 nodes, 1 edges, 0 paths)
    """
    v = GraphView(title=title or "", height=height)
    if isinstance(obj, GraphView):
        return obj
    if isinstance(obj, Answer):
        _add_answer(v, obj)
        v.title = title or obj.question
    elif isinstance(obj, Subgraph):
        v.add_subgraph(obj)
    elif isinstance(obj, Path):
        v.add_path(obj, highlight=highlight is not False)
    elif isinstance(obj, GraphSchema):
        _add_schema(v, obj)
        v.title = title or "schema"
    elif isinstance(obj, GraphStore):
        start = list(seeds) if seeds else [n.id for n in islice(obj.iter_nodes(), 5)]
        v.add_subgraph(obj.subgraph(start, hops=max(hops, 1), max_nodes=max_nodes))
        v.topics.update(start)
        v.title = title or f"graph {obj.graph!r}"
        return v
    elif hasattr(obj, "columns") and hasattr(obj, "rows"):
        _add_rows(v, obj.rows)
    elif isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
        if all(isinstance(p, Path) for p in obj):
            for p in obj:
                v.add_path(p, highlight=bool(highlight))
        elif all(isinstance(r, Mapping) for r in obj):
            _add_rows(v, obj)
        else:
            raise InputError("view() takes a list of Path objects or of result rows (dicts)")
    else:
        raise InputError(
            f"cannot draw a {type(obj).__name__}",
            hint="pass a Subgraph, Answer, Path, list of paths, QueryResult, GraphSchema or store",
        )
    if store is not None and hops > 0 and v.nodes:
        v.add_subgraph(store.subgraph([n.id for n in v.nodes], hops=hops, max_nodes=max_nodes))
    return v


def asserted_answers(answer: Answer) -> tuple[str, ...]:
    """The entities the answer asserts (``Answer.answers``)."""
    return answer.answers


def reasoning_paths(answer: Answer) -> list[int]:
    """Indices of the evidence paths that carry the answer (the ones to highlight).

    The paths that end at an asserted answer entity and whose every edge the text cites; without
    citations, those ending at an asserted answer along the same relations as the best-ranked such path;
    failing both, the paths touching an answer entity, else all of them.
    """
    evidence = answer.evidence
    asserted = set(asserted_answers(answer))
    ending = [i for i, p in enumerate(evidence) if p.nodes[-1].id in asserted]
    cited = {eid for c in answer.citations for eid in c.edge_ids}
    if cited:
        fully = [i for i in ending if set(evidence[i].edge_ids) <= cited]
        if fully:
            return fully
    if ending:
        pattern = [e.type for e in evidence[ending[0]].edges]
        return [i for i in ending if [e.type for e in evidence[i].edges] == pattern]
    touching = [i for i, p in enumerate(evidence) if asserted & set(p.node_ids)]
    return touching or list(range(len(evidence)))


def _add_answer(v: GraphView, answer: Answer) -> None:
    """Evidence paths, the reasoning paths highlighted, the asserted answers ringed."""
    lit = set(reasoning_paths(answer))
    for i, p in enumerate(answer.evidence):
        v.add_path(p, highlight=i in lit)
        v.topics.add(p.nodes[0].id)
    present = {n.id for n in v.nodes}
    v.answers = {a for a in asserted_answers(answer) if a in present}
    v.topics -= v.answers


def _add_schema(v: GraphView, schema: GraphSchema) -> None:
    for label, count in schema.labels.items():
        props = {"count": count, "properties": list(schema.node_properties.get(label, ()))}
        v.add_node(Node(label, (label,), props))
    for p in schema.patterns:
        v.add_edge(Edge(p.source, p.type, p.target, {"count": p.count}))


def _add_rows(v: GraphView, rows: Iterable[Mapping[str, Any]]) -> None:
    """Collect nodes, relationships and paths from Cypher result rows (as ``plain()`` made them)."""
    for row in rows:
        for value in row.values():
            _collect(v, value)


def _is_node(value: Any) -> bool:
    return isinstance(value, Mapping) and "id" in value and "labels" in value and "type" not in value


def _is_rel(value: Any) -> bool:
    return isinstance(value, Mapping) and {"type", "source", "target"} <= set(value)


def _node(value: Mapping[str, Any]) -> Node:
    labels = tuple(value.get("labels") or ()) or (DEFAULT_LABEL,)
    return Node(str(value["id"]), labels, dict(value.get("properties") or {}))


def _edge(value: Mapping[str, Any]) -> Edge:
    return Edge(
        str(value["source"]), str(value["type"]), str(value["target"]), dict(value.get("properties") or {})
    )


def _collect(v: GraphView, value: Any) -> None:
    if _is_node(value):
        v.add_node(_node(value))
    elif _is_rel(value):
        v.add_edge(_edge(value))
    elif isinstance(value, list) and len(value) >= 3 and len(value) % 2 == 1 and _is_path(value):
        nodes = tuple(_node(x) for x in value[0::2])
        edges = tuple(_edge(x) for x in value[1::2])
        v.add_path(Path(nodes, edges), highlight=False)
    elif isinstance(value, list):
        for item in value:
            _collect(v, item)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect(v, item)


def _is_path(value: list[Any]) -> bool:
    return all(_is_node(x) for x in value[0::2]) and all(_is_rel(x) for x in value[1::2])


_make_view = view  # export_html's first parameter is called ``view`` and hides the function


def export_html(view: GraphView | Any, path: str | os.PathLike[str]) -> FsPath:
    """Write a standalone HTML file of ``view`` (a ``GraphView`` or anything ``view()`` accepts).

    The file needs no network: the script and styles are inside it.

    Args:
        view: what to draw.
        path: the file to write (parent directories are created).

    Returns:
        The path written.
    """
    from kgreason.atomic import atomic_write

    v = view if isinstance(view, GraphView) else _make_view(view)
    out = FsPath(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, "w") as fh:
        fh.write(v.to_html())
    os.chmod(out, 0o666 & ~_umask())  # a page to share: the usual file mode, not the temp file's 0600
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""Query results and graph pieces as pandas DataFrames (pandas is imported only here, when called).

``to_dataframe`` takes a Cypher ``QueryResult`` (one column per returned column), a list of result rows, a
list of paths (one row per path), an ``Answer`` (one row per evidence path: does it end at an asserted
answer, is it a highlighted reasoning path), a ``Subgraph`` (one row per
edge), or a ``GraphSchema`` (one row per pattern). ``query`` runs Cypher through the read-only guard and
returns the frame directly.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from kgreason.errors import ConfigError, InputError
from kgreason.graph.store import GraphSchema, GraphStore
from kgreason.types import Answer, Node, Path, Subgraph

DataFrame = Any
"""A ``pandas.DataFrame`` (typed loosely so type-checking does not need pandas' stubs)."""


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")  # no stubs needed for type-checking
    except ImportError:
        raise ConfigError(
            "pandas is not installed", hint="pip install 'kgreason[notebook]' (or bash scripts/install.sh)"
        ) from None


def _path_rows(
    paths: Sequence[Path], answers: set[str] | None = None, reasoning: set[int] | None = None
) -> list[dict[str, Any]]:
    from kgreason.notebook.view import path_text

    rows = []
    for i, p in enumerate(paths):
        row: dict[str, Any] = {
            "hops": len(p),
            "start": p.nodes[0].id,
            "end": p.nodes[-1].id,
            "path": path_text(p),
            "relations": [e.type for e in p.edges],
            "node_ids": list(p.node_ids),
            "edge_ids": list(p.edge_ids),
        }
        if answers is not None:
            row["reaches_answer"] = p.nodes[-1].id in answers
        if reasoning is not None:
            row["reasoning_path"] = i in reasoning
        rows.append(row)
    return rows


def nodes_frame(nodes: Sequence[Node]) -> DataFrame:
    """One row per node: ``id``, ``labels`` and one column per property."""
    pd = _pandas()
    return pd.DataFrame([{"id": n.id, "labels": list(n.labels), **dict(n.properties)} for n in nodes])


def to_dataframe(obj: Any) -> DataFrame:
    """A DataFrame of a query result or of graph pieces (see the module docstring for the shapes).

    Example:
        >>> from kgreason.types import Edge, Node, Subgraph
        >>> to_dataframe(Subgraph((Node("a"), Node("b")), (Edge("a", "knows", "b"),)))[["source", "type"]]
          source   type
        0      a  knows
    """
    pd = _pandas()
    if hasattr(obj, "columns") and hasattr(obj, "rows") and not isinstance(obj, pd.DataFrame):
        columns = list(obj.columns)
        return pd.DataFrame([[row.get(c) for c in columns] for row in obj.rows], columns=columns)
    if isinstance(obj, Answer):
        from kgreason.notebook.view import asserted_answers, reasoning_paths

        return pd.DataFrame(_path_rows(obj.evidence, set(asserted_answers(obj)), set(reasoning_paths(obj))))
    if isinstance(obj, Subgraph):
        return pd.DataFrame(
            [
                {"source": e.source, "type": e.type, "target": e.target, "id": e.id, **dict(e.properties)}
                for e in obj.edges
            ],
            columns=None if obj.edges else ["source", "type", "target", "id"],
        )
    if isinstance(obj, GraphSchema):
        return pd.DataFrame(
            [
                {"source": p.source, "type": p.type, "target": p.target, "count": p.count}
                for p in obj.patterns
            ],
            columns=["source", "type", "target", "count"],
        )
    if isinstance(obj, Path):
        return pd.DataFrame(_path_rows([obj]))
    if isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
        if all(isinstance(p, Path) for p in obj):
            return pd.DataFrame(_path_rows(list(obj)))
        if all(isinstance(r, Mapping) for r in obj):
            return pd.DataFrame([dict(r) for r in obj])
        if all(isinstance(n, Node) for n in obj):
            return nodes_frame(list(obj))
    raise InputError(
        f"cannot make a DataFrame of a {type(obj).__name__}",
        hint="pass a QueryResult, rows (dicts), paths, nodes, an Answer, a Subgraph or a GraphSchema",
    )


def query(
    store: GraphStore, cypher: str, params: Mapping[str, Any] | None = None, *, limit: int = 1000
) -> DataFrame:
    """Run read-only Cypher on a store that speaks it (Neo4j) and return the rows as a DataFrame.

    Raises:
        ConfigError: the store does not run Cypher (the memory store: use ``store.run_path_query`` or
            ``store.paths_between`` and pass the paths to ``to_dataframe``).
        QueryRefused: the read-only guard refused the query.
    """
    if not store.capabilities.cypher:
        raise ConfigError(
            f"the {store.backend} store does not run Cypher",
            hint="use a neo4j store, or store.paths_between / run_path_query with to_dataframe",
        )
    run = getattr(store, "run_cypher")  # noqa: B009 - only stores with the cypher capability have it
    return to_dataframe(run(cypher, dict(params or {}), read_only=True, limit=limit))

"""``kgr graph``: load, inspect, query, export and drop named graphs on any store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from kgreason.cli.common import (
    complete_graph,
    complete_store,
    note,
    parse_key_values,
    print_json,
    progress,
    settings,
    spinner,
)
from kgreason.errors import ConfigError, InputError, NotFoundError
from kgreason.graph.open import existing_store, open_store
from kgreason.graph.store import GraphStore

app = typer.Typer(no_args_is_help=True)

GraphOpt = typer.Option(
    ...,
    "--graph",
    "-g",
    help="Graph name (letters, digits, '_'; default: `kgr config set graph`).",
    autocompletion=complete_graph,
)
StoreOpt = typer.Option(
    "memory",
    "--store",
    "-s",
    help="Backend: memory (embedded default) or neo4j.",
    autocompletion=complete_store,
)
JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")


def _open(graph: str, store: str) -> GraphStore:
    return open_store(graph, store, settings())


def _advance(progress: Any, task: Any) -> Callable[[int], None]:
    return lambda k: progress.advance(task, k)


@app.command()
def load(
    files: list[Path] = typer.Argument(..., help="Data files: .tsv triples, .csv nodes/edges, .jsonl."),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    fmt: str | None = typer.Option(None, "--format", help="tsv, csv or jsonl (default: from the extension)."),
    batch_size: int = typer.Option(10_000, "--batch-size", min=1, help="Records per write transaction."),
    as_source: bool = typer.Option(
        False,
        "--as-source",
        help="Record each file as a source (named after the file) for `kgr graph retract`.",
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Load files into a graph. Every file is validated before anything is written; re-running is safe."""
    from kgreason.graph.loaders import load_file, validate_file

    target = _open(graph, store)
    check_writable = getattr(target, "check_writable", None)  # the memory store: an unwritable KGR_HOME
    if check_writable is not None:
        check_writable()  # fails now, not after parsing every file
    with spinner(f"validating {len(files)} file(s)", enabled=not as_json):
        counts = [validate_file(f, fmt) for f in files]  # all files first: a bad one stops before any write
    reports = []
    with progress(enabled=not as_json) as bar:
        for f, n in zip(files, counts, strict=True):
            task = bar.add_task(f"loading {f.name}", total=n)
            reports.append(
                load_file(
                    target,
                    f,
                    fmt=fmt,
                    batch_size=batch_size,
                    progress=_advance(bar, task),
                    validated=True,
                    source=f.name if as_source else None,
                )
            )
    stats = target.stats()
    target.close()
    if as_json:
        print_json(
            {"graph": graph, "store": store, "files": [r.to_dict() for r in reports], **stats.to_dict()}
        )
        return
    for r in reports:
        rate = r.records / r.seconds if r.seconds > 0 else 0.0
        typer.echo(
            f"{r.file}: {r.records} records, {r.nodes_created} nodes and {r.edges_created} edges created "
            f"in {r.seconds:.2f}s ({rate:,.0f} records/s)"
        )
    typer.echo(f"graph {graph!r} on {store}: {stats.nodes} nodes, {stats.edges} edges")


@app.command()
def stats(graph: str = GraphOpt, store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Node and edge counts."""
    s = existing_store(graph, store, settings())
    result = s.stats()
    s.close()
    if as_json:
        print_json(result.to_dict())
    else:
        typer.echo(f"{result.nodes} nodes, {result.edges} edges")


@app.command()
def schema(graph: str = GraphOpt, store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Labels, relationship types, property keys and (:A)-[:R]->(:B) patterns with counts."""
    s = existing_store(graph, store, settings())
    result = s.schema()
    s.close()
    if as_json:
        print_json(result.to_dict())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"graph {graph!r}: patterns")
    for col in ("source", "relationship", "target", "count"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for p in result.patterns:
        table.add_row(p.source, p.type, p.target, str(p.count))
    console = Console()
    console.print(table)
    labels = ", ".join(
        f"{k} ({v}: {', '.join(result.node_properties.get(k, ())) or '-'})" for k, v in result.labels.items()
    )
    console.print(f"labels: {labels}")


@app.command()
def words(
    file: Path | None = typer.Argument(
        None,
        help="relation<TAB>how people say it, one per line, read head to tail ('registered_by  bred by').",
    ),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    clear: bool = typer.Option(
        False, "--clear", help="Forget the saved wording: read relations by their names."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Say how people call the graph's relations, when their names are jargon; without FILE, show it.

    retrieve and multihop then read each relation given by its phrase ("bred by" for registered_by);
    queries and cited facts keep the stored names. Checked against the graph's relations before saving.
    """
    from kgreason.atomic import atomic_write
    from kgreason.fusion import wording

    home = settings()
    s = existing_store(graph, store, home)
    relations = s.schema().relationship_types
    s.close()
    path = wording.saved_path(home, s.backend, graph)
    if clear:
        if file is not None:
            raise ConfigError("give a FILE or --clear, not both")
        path.unlink(missing_ok=True)
        note(f"graph {graph!r} on {store}: relations are read by their names")
        current = wording.NONE
    elif file is not None:
        current = wording.read(file, relations)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, mode="w") as fh:
            fh.write("".join(line + "\n" for line in current.lines()))
        note(f"saved how people say {len(current.phrases)} relations of graph {graph!r} to {path}")
    else:
        current = wording.for_graph(s, relations, settings=home)
    if as_json:
        print_json({"graph": graph, "store": store, "words": current.phrases})
    elif current:
        for line in current.lines():
            typer.echo(line)
    elif not clear:
        typer.echo(f"graph {graph!r} on {store}: no wording saved; relations are read by their names")


@app.command()
def query(
    cypher: str = typer.Argument(..., help="A Cypher query (read-only unless --allow-write)."),
    graph: str = GraphOpt,
    store: str = typer.Option(
        "neo4j", "--store", "-s", help="Backend that runs Cypher (neo4j).", autocompletion=complete_store
    ),
    param: list[str] = typer.Option([], "--param", "-p", help="Query parameter NAME=JSON (repeatable)."),
    limit: int = typer.Option(1000, "--limit", min=1, help="Row cap."),
    allow_write: bool = typer.Option(
        False, "--allow-write", help="Lift the read-only guard (your own queries)."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Run a Cypher query through the read-only guard; a refused query exits 2 with the reason."""
    s = _open(graph, store)
    if not s.capabilities.cypher:
        raise ConfigError(f"the {store} store does not run Cypher", hint="use --store neo4j")
    params = parse_key_values(param, "--param")
    run = getattr(s, "run_cypher")  # noqa: B009 - only stores with the cypher capability have it
    result = run(cypher, params, read_only=not allow_write, limit=limit)
    s.close()
    if as_json:
        print_json(
            {"columns": list(result.columns), "rows": list(result.rows), "truncated": result.truncated}
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for col in result.columns:
        table.add_column(str(col))
    for row in result.rows:
        table.add_row(*(json.dumps(row.get(c), ensure_ascii=False, default=str) for c in result.columns))
    Console().print(table)
    if result.truncated:
        note(f"(truncated at {limit} rows)")


@app.command()
def neighbors(
    node: str = typer.Argument(..., help="Node id."),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    direction: str = typer.Option("both", "--direction", help="out, in or both."),
    limit: int = typer.Option(50, "--limit", min=1),
    as_json: bool = JsonOpt,
) -> None:
    """Edges at a node, with the node at the other end."""
    s = existing_store(graph, store, settings())
    if direction not in ("out", "in", "both"):
        raise InputError(f"bad --direction {direction!r}", hint="use out, in or both")
    if s.get_node(node) is None:
        raise NotFoundError("node", node)
    found = s.neighbors(node, direction=direction, limit=limit)  # type: ignore[arg-type]
    s.close()
    if as_json:
        print_json([{"edge": e.to_dict(), "node": n.to_dict()} for e, n in found])
        return
    for e, _ in found:
        typer.echo(f"{e.source} -[{e.type}]-> {e.target}")


@app.command()
def paths(
    source: str = typer.Argument(..., help="Start node id."),
    target: str = typer.Argument(..., help="End node id."),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    max_hops: int = typer.Option(3, "--max-hops", min=1, max=6),
    limit: int = typer.Option(10, "--limit", min=1),
    as_json: bool = JsonOpt,
) -> None:
    """Paths between two nodes (edges followed in either direction), shortest first."""
    s = existing_store(graph, store, settings())
    for n in (source, target):
        if s.get_node(n) is None:
            raise NotFoundError("node", n)
    found = s.paths_between(source, target, max_hops=max_hops, limit=limit)
    s.close()
    if as_json:
        print_json([p.to_dict() for p in found])
        return
    for p in found:
        typer.echo(p.text())


@app.command()
def export(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    fmt: str = typer.Option(
        "jsonl", "--format", help="jsonl (nodes and edges with properties) or tsv triples."
    ),
) -> None:
    """Write a graph out as JSONL or TSV triples (re-loadable with `kgr graph load`)."""
    from kgreason.graph.loaders import export as write

    s = existing_store(graph, store, settings())
    n = write(s, out, fmt)
    s.close()
    if out is not None:
        note(f"wrote {n} records to {out}")


@app.command("list")
def list_graphs(store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Names of the graphs on a store."""
    names = open_store("kgr", store, settings()).list_graphs()
    if as_json:
        print_json(names)
    else:
        for name in names:
            typer.echo(name)


@app.command()
def drop(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a graph and everything in it."""
    s = existing_store(graph, store, settings())
    if not yes and not typer.confirm(f"drop graph {graph!r} on {store}?"):
        raise typer.Abort()
    with spinner(f"dropping graph {graph!r} on {store}"):
        s.drop()
    from kgreason.fusion import wording

    # a graph loaded again under this name is another graph: its relations are read by their names
    wording.saved_path(settings(), s.backend, graph).unlink(missing_ok=True)
    typer.echo(f"dropped {graph!r} on {store}")


# documents to facts: extract, retract, merges (in extract_cmd)
from kgreason.cli import extract_cmd  # noqa: E402 - registered after this group's own commands

extract_cmd.register(app)

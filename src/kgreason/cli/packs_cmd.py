"""``kgr packs``: list the installed domain packs, show one, load one's graph into a store."""

from __future__ import annotations

import typer

from kgreason.cli.common import print_json, settings
from kgreason.graph.open import open_store

app = typer.Typer(no_args_is_help=True)

JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")


@app.command("list")
def list_packs(as_json: bool = JsonOpt) -> None:
    """Domain packs in the `kgreason.domains` entry-point group (listed without importing them)."""
    from kgreason.domains import available_packs

    packs = available_packs()
    rows = [{"name": p.name, "target": p.target, "builtin": p.builtin} for p in packs.values()]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        origin = "built-in" if r["builtin"] else "installed"
        typer.echo(f"{r['name']}\t{r['target']}\t{origin}")


@app.command()
def info(name: str = typer.Argument(..., help="Pack name."), as_json: bool = JsonOpt) -> None:
    """A pack's version, schema, mechanism rules, Cypher templates, prompts and golden-set size."""
    from kgreason.domains import get_pack

    data = get_pack(name).info()
    if as_json:
        print_json(data)
        return
    typer.echo(f"{data['name']} {data['version']}: {data['description']}")
    typer.echo(f"default graph: {data['default_graph']}")
    typer.echo("labels: " + ", ".join(data["schema"]["labels"]))
    typer.echo("relationship types: " + ", ".join(data["schema"]["relationship_types"]))
    for rule in data["rules"]:
        typer.echo(f"rule {rule['name']}: {rule['pattern']}")
    typer.echo(f"cypher templates: {', '.join(data['cypher_templates']) or '-'}")
    typer.echo(f"golden cases: {data['golden_cases']}; cli: {data['cli'] or '-'}")
    typer.echo(f"link predictor: {'yes' if data['link_predictor'] else 'none'}")
    for problem in data["data_problems"]:
        typer.echo(f"data problem: {problem}", err=True)


@app.command()
def load(
    name: str = typer.Argument(..., help="Pack name."),
    store: str = typer.Option("memory", "--store", "-s", help="Backend: memory (embedded default) or neo4j."),
    graph: str | None = typer.Option(None, "--graph", "-g", help="Graph name (default: the pack's)."),
    force: bool = typer.Option(False, "--force", help="Drop and reload even if the data is unchanged."),
    as_json: bool = JsonOpt,
) -> None:
    """Load a pack's graph into a store (idempotent: unchanged data is not written again)."""
    from kgreason.domains import get_pack

    pack = get_pack(name)
    target = open_store(graph or pack.graph_name(), store, settings())
    report = pack.load(target, force=force)
    target.close()
    if as_json:
        print_json(report.to_dict())
        return
    if report.skipped:
        typer.echo(f"pack {name} {report.version} already loaded in graph {report.graph!r} on {store}")
    else:
        typer.echo(
            f"pack {name} {report.version}: {report.nodes_created} nodes and {report.edges_created} edges "
            f"created in {report.seconds:.2f}s"
        )
    typer.echo(f"graph {report.graph!r} on {store}: {report.nodes} nodes, {report.edges} edges")

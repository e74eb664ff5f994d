"""``kgr packs``: list the installed domain packs, show one, load one's graph into a store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kgreason.cli.common import complete_store, note, print_json, settings, spinner
from kgreason.errors import ConfigError, PluginError
from kgreason.graph.open import open_store

if TYPE_CHECKING:
    from kgreason.domains import DomainPack
    from kgreason.graph.store import GraphStore

app = typer.Typer(no_args_is_help=True)

JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")
DATA_ENV = "KGR_DDI_DATA"
"""Points the built-in ddi pack at another data directory (tests, reviewing a data change)."""


def pack_named(name: str) -> DomainPack:
    """The pack registered as ``name``; the ddi pack reads ``$KGR_DDI_DATA`` when it is set."""
    from kgreason.domains import get_pack

    pack = get_pack(name)
    override = os.environ.get(DATA_ENV)
    if override and name == "ddi":
        from kgreason.domains.ddi import DdiPack

        if isinstance(pack, DdiPack):
            return DdiPack(Path(override), link_predictor=pack.link_predictor)
    return pack


def hosted_pack(name: str) -> DomainPack:
    """The pack as its own CLI gets it (the click context's ``obj``): ``pack_named``, and for the ddi pack
    without a hook of its own, the gnn module's link-prediction model as its link predictor."""
    pack = pack_named(name)
    if name == "ddi" and pack.link_predictor is None:
        from kgreason.domains.ddi import DdiPack
        from kgreason.reasoning.link_prediction import gnn_hook

        if isinstance(pack, DdiPack):
            return DdiPack(pack.directory, link_predictor=gnn_hook(settings()))
    return pack


def host_ddi(ctx: typer.Context) -> None:
    """``kgr ddi``: runs the ddi pack's own app with the hosted pack as the context's ``obj``."""
    ctx.obj = hosted_pack("ddi")


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
    data = pack_named(name).info()
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
    store: str = typer.Option(
        "memory",
        "--store",
        "-s",
        help="Backend: memory (embedded default) or neo4j.",
        autocompletion=complete_store,
    ),
    graph: str | None = typer.Option(None, "--graph", "-g", help="Graph name (default: the pack's)."),
    force: bool = typer.Option(False, "--force", help="Drop and reload even if the data is unchanged."),
    as_json: bool = JsonOpt,
) -> None:
    """Load a pack's graph into a store (idempotent: unchanged data is not written again)."""
    pack = pack_named(name)
    target = open_store(graph or pack.graph_name(), store, settings())
    with spinner(f"loading pack {name} into {store}", enabled=not as_json):
        report = pack.load(target, force=force)
    target.close()
    for problem in pack.data_problems():  # rows with problems were left out of the graph
        typer.echo(f"warning: {problem}", err=True)
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


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context, name: str = typer.Argument(..., help="Pack name.")) -> None:
    """Run a pack's own CLI sub-app: `kgr packs run NAME -- ARGS...` (the ddi pack's is also `kgr ddi`)."""
    pack = hosted_pack(name)
    try:
        sub = pack.cli_app()
        command = typer.main.get_command(sub) if sub is not None else None
    except Exception as exc:  # a broken plugin is reported when used
        raise PluginError(f"pack {name!r}: its CLI sub-app failed to load: {exc}") from exc
    if command is None:
        raise ConfigError(f"pack {name!r} has no CLI sub-app")
    rc = command.main(args=list(ctx.args), prog_name=f"kgr packs run {name}", standalone_mode=False, obj=pack)
    if isinstance(rc, int) and rc != 0:
        raise typer.Exit(rc)


# -- what `kgr ask --pack NAME` uses (the asking itself: kgreason.reasoning.pack_asking) --------------
def open_pack_graph(name: str, store: str, graph: str | None) -> tuple[DomainPack, GraphStore]:
    """The pack and its graph on ``store`` (the pack's default graph unless ``graph``), loaded if needed."""
    pack = pack_named(name)
    graph_name = graph or pack.graph_name()
    target = open_store(graph_name, store, settings())
    with spinner(f"checking pack {name} in graph {graph_name!r}"):
        report = pack.ensure_loaded(target)
    if report is not None:
        note(
            f"loaded pack {name} into graph {graph_name!r} on {store} ({report.nodes} nodes, "
            f"{report.edges} edges)"
        )
    return pack, target

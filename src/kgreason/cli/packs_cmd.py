"""``kgr packs``: list the installed domain packs, show one, load one's graph into a store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from kgreason.cli.common import complete_store, note, print_json, settings, spinner
from kgreason.errors import ConfigError, PluginError
from kgreason.graph.open import open_store

if TYPE_CHECKING:
    from kgreason.domains import DomainPack
    from kgreason.graph.store import GraphStore
    from kgreason.llm import ChatModel
    from kgreason.types import Answer

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
    import importlib

    pack = pack_named(name)
    target = pack.cli_app()
    if target is None:
        raise ConfigError(f"pack {name!r} has no CLI sub-app")
    module_name, _, attr = target.partition(":")
    try:
        sub: Any = importlib.import_module(module_name)
        for part in attr.split(".") if attr else ():
            sub = getattr(sub, part)
        command = typer.main.get_command(sub)
    except Exception as exc:  # a broken plugin is reported when used
        raise PluginError(f"pack {name!r}: CLI sub-app {target} failed to load: {exc}") from exc
    rc = command.main(args=list(ctx.args), prog_name=f"kgr packs run {name}", standalone_mode=False)
    if isinstance(rc, int) and rc != 0:
        raise typer.Exit(rc)


# -- what `kgr ask --pack NAME` uses -------------------------------------------------------------------
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


def pack_llm(pack: DomainPack, llm: ChatModel | None) -> ChatModel | None:
    """``llm`` answering with the pack's system prompt (unchanged when there is no model or prompt)."""
    from kgreason.llm.system_prompt import with_system_prompt

    return with_system_prompt(llm, pack.prompts().get("system")) if llm is not None else None


def pack_topic(pack: DomainPack, question: str, target: GraphStore) -> str | None:
    """The first entity the pack recognises in ``question`` that is in the graph (its entity hints)."""
    for node_id in pack.entity_hints(question):
        if target.get_node(node_id) is not None:
            return node_id
    return None


def checked_answer(pack: DomainPack, answer: Answer, target: GraphStore) -> Answer:
    """``answer`` with the pack's answer checks recorded in its trace (step ``pack_checks``)."""
    import dataclasses

    notes = pack.answer_checks(answer, target)
    step = {"step": "pack_checks", "pack": pack.name, "version": pack.version, "notes": notes}
    for line in notes:
        typer.echo(f"{pack.name}: {line}", err=True)
    return dataclasses.replace(answer, trace=(*answer.trace, step))

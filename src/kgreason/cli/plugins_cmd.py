"""``kgr plugins``: every extension point and the names registered in it, without importing any plugin.

Names come from installed distributions' entry points (``kgreason.registry``): kgreason's own are the
built-ins, any other distribution's are plugins. Nothing is imported, so a broken plugin shows up here and
fails only when it is used.
"""

from __future__ import annotations

import typer

from kgreason.cli.common import print_json

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_plugins(
    group: str | None = typer.Option(
        None, "--group", help="Only this extension point (e.g. strategies or kgreason.strategies)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {group: [{name, target, builtin}]}."),
) -> None:
    """List every registry group (extension point) and its names, built-in or from entry points."""
    from kgreason import registry
    from kgreason.errors import NotFoundError, suggest

    groups = list(registry.GROUPS)
    if group is not None:
        wanted = group if group.startswith("kgreason.") else f"kgreason.{group}"
        if wanted not in groups:
            raise NotFoundError("plugin group", group, suggest(group, [g.split(".", 1)[1] for g in groups]))
        groups = [wanted]
    found = {g: list(registry.available(g).values()) for g in groups}
    if as_json:
        print_json(
            {
                g: [{"name": p.name, "target": p.target, "builtin": p.builtin} for p in infos]
                for g, infos in found.items()
            }
        )
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for col in ("group", "name", "target", "from"):
        table.add_column(col, overflow="fold")
    for g, infos in found.items():
        short = g.removeprefix("kgreason.")  # the entry-point group is kgreason.<this>
        if not infos:
            table.add_row(short, "[dim](none)[/dim]", "", "")
        for i, p in enumerate(infos):
            origin = "built-in" if p.builtin else "entry point"
            table.add_row(short if i == 0 else "", escape(p.name), escape(p.target), origin)
    Console().print(table)

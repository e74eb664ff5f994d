"""The geo pack's own CLI sub-app, run as ``kgr packs run geo -- capital france``."""

from __future__ import annotations

import typer

from kgr_example_pack import GeoPack

app = typer.Typer(no_args_is_help=True, help="Geography pack commands.")


@app.command()
def capital(country: str = typer.Argument(..., help="Country id, e.g. france.")) -> None:
    """Print the capital of COUNTRY from the pack's data."""
    data = GeoPack().graph_data()
    found = [e.source for e in data.edges if e.type == "CAPITAL_OF" and e.target == country.lower()]
    if not found:
        typer.echo(f"unknown country {country!r}", err=True)
        raise typer.Exit(2)
    typer.echo(found[0])


@app.command()
def borders(country: str = typer.Argument(..., help="Country id.")) -> None:
    """Print the countries bordering COUNTRY."""
    data = GeoPack().graph_data()
    c = country.lower()
    for e in data.edges:
        if e.type == "BORDERS" and c in (e.source, e.target):
            typer.echo(e.target if e.source == c else e.source)

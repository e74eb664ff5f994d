"""``kgr neo4j``: start, stop and inspect the local Neo4j (embedded 5.26 DBMS + Bolt, see neo4j-server/).

``kgr neo4j start`` runs it detached under ``KGR_HOME/neo4j`` and prints the Bolt URI; other ``kgr`` commands
find it there when ``KGR_NEO4J_URI`` is not set.
"""

from __future__ import annotations

from typing import Any

import typer

from kgreason.cli.common import print_json, settings, spinner
from kgreason.config import redact_text, redact_uri

app = typer.Typer(
    no_args_is_help=True,
    help="Start, stop and inspect the local Neo4j instance (under KGR_HOME/neo4j).",
)


def _public(st: dict[str, Any]) -> dict[str, Any]:
    """The status with any credentials in its text masked (it is printed)."""
    return {k: redact_text(v) if isinstance(v, str) else v for k, v in st.items()}


def _print_status(st: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None)
    for key in ("running", "uri", "pid", "port", "home", "log", "started_at", "start_s", "jit"):
        value = st.get(key)
        table.add_row(key, "" if value is None else redact_text(str(value)))
    Console().print(table)


@app.command()
def start(
    port: int | None = typer.Option(
        None, "--port", help="Bolt port (default 7687 if free, else any free one)."
    ),
    wait: float = typer.Option(120.0, "--wait", help="Seconds to wait for Bolt to accept connections."),
    jit: str = typer.Option("full", "--jit", help="JVM JIT: full (peak speed) or quick (faster start)."),
    json_out: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Start the local Neo4j (detached; fetches the jars on first use) and print its Bolt URI."""
    from kgreason.errors import ConfigError
    from kgreason.graph.neo4j_local import LocalNeo4j

    if jit not in ("full", "quick"):
        raise ConfigError(f"unknown --jit {jit!r}", hint="use full or quick")
    local = LocalNeo4j(settings(), port=port)
    with spinner("starting Neo4j (JVM start, then waiting for Bolt)", enabled=not json_out):
        uri = local.start(wait_s=wait, jit="quick" if jit == "quick" else "full")
    if json_out:
        print_json(_public(local.status()))
    else:
        typer.echo(redact_uri(uri))


@app.command()
def stop(
    json_out: bool = typer.Option(False, "--json", help="Print {stopped: bool} as JSON."),
) -> None:
    """Stop the local Neo4j."""
    from kgreason.graph.neo4j_local import LocalNeo4j

    with spinner("stopping Neo4j (it checkpoints the store first)", enabled=not json_out):
        stopped = LocalNeo4j(settings()).stop()
    if json_out:
        print_json({"stopped": stopped})
    else:
        typer.echo("stopped" if stopped else "not running")


@app.command()
def status(
    json_out: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Show whether the local Neo4j runs, its URI, pid, home and log."""
    from kgreason.graph.neo4j_local import LocalNeo4j

    st = LocalNeo4j(settings()).status()
    if json_out:
        print_json(_public(st))
    else:
        _print_status(st)

"""``kgr config``: defaults for ``--graph``, ``--store``, ``--llm`` and ``--model``, kept in a TOML file.

The file is ``$KGR_CONFIG``, else ``$XDG_CONFIG_HOME/kgreason/config.toml`` (``~/.config/kgreason/``);
it is written atomically and readable by its owner only. A value in the environment (``KGR_GRAPH``,
``KGR_STORE``, ``KGR_LLM``, ``KGR_MODEL``) wins over the file; a flag on the command line wins over both.
"""

from __future__ import annotations

import typer

from kgreason.cli.common import complete_graph, print_json
from kgreason.config import (
    CONFIG_KEYS,
    check_config_key,
    check_config_value,
    config_path,
    config_values,
    read_config_file,
    write_config_file,
)
from kgreason.errors import NotFoundError, suggest

app = typer.Typer(no_args_is_help=True)

JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")


def _complete_key(incomplete: str) -> list[str]:
    return [k for k in CONFIG_KEYS if k.startswith(incomplete)]


def _complete_value(ctx: typer.Context, incomplete: str) -> list[str]:
    key = ctx.params.get("key")
    if key == "graph":
        return complete_graph(ctx, incomplete)
    if key in ("store", "llm"):
        from kgreason import registry

        group = "kgreason.graph_backends" if key == "store" else "kgreason.llm_backends"
        names = [*registry.available(group), *(["none"] if key == "llm" else [])]
        return [n for n in names if n.startswith(incomplete)]
    return []


def _check_backend(key: str, value: str) -> None:
    """A store or LLM backend must be registered (``none`` is a valid LLM: no model)."""
    if key not in ("store", "llm") or (key == "llm" and value == "none"):
        return
    from kgreason import registry

    group = "kgreason.graph_backends" if key == "store" else "kgreason.llm_backends"
    known = list(registry.available(group))
    if value not in known:
        kind = "store" if key == "store" else "LLM backend"
        raise NotFoundError(kind, value, suggest(value, known) or known)


KeyArg = typer.Argument(..., help="graph, store, llm or model.", autocompletion=_complete_key)


@app.command("set")
def set_value(
    key: str = KeyArg,
    value: str = typer.Argument(..., help="The value.", autocompletion=_complete_value),
    as_json: bool = JsonOpt,
) -> None:
    """Set a default, e.g. `kgr config set graph family` (then `--graph` can be left out)."""
    check_config_value(key, value)
    _check_backend(key, value)
    path = config_path()
    values = read_config_file(path)
    values[key] = value
    write_config_file(path, values)
    if as_json:
        print_json({"key": key, "value": value, "file": str(path)})
    else:
        typer.echo(f"{key} = {value}  ({path})")


@app.command("get")
def get_value(key: str = KeyArg, as_json: bool = JsonOpt) -> None:
    """Print the value in effect for a key (environment, then config file, then built-in default); exit 1
    when it has none (like `git config`)."""
    check_config_key(key)
    value, source = config_values()[key]
    if as_json:
        print_json({"key": key, "value": value, "source": source})
        return
    if value is None:
        typer.echo(f"{key} is not set", err=True)
        raise typer.Exit(1)
    typer.echo(value)


@app.command("unset")
def unset_value(key: str = KeyArg, as_json: bool = JsonOpt) -> None:
    """Remove a key from the config file (the environment or built-in default then applies)."""
    check_config_key(key)
    path = config_path()
    values = read_config_file(path)
    removed = values.pop(key, None) is not None
    if removed:
        write_config_file(path, values)
    if as_json:
        print_json({"key": key, "removed": removed, "file": str(path)})
    else:
        typer.echo(f"unset {key}" if removed else f"{key} was not set in {path}")


@app.command("list")
def list_values(as_json: bool = JsonOpt) -> None:
    """Every key with the value in effect and where it comes from (env, file or default)."""
    path = config_path()
    values = config_values()
    if as_json:
        print_json(
            {
                "file": str(path),
                "values": {k: {"value": v, "source": src} for k, (v, src) in values.items()},
            }
        )
        return
    typer.echo(f"# {path}{'' if path.is_file() else ' (not written yet)'}")
    for key, (value, source) in values.items():
        where = f"from {CONFIG_KEYS[key].env}" if source == "env" else source
        typer.echo(f"{key} = {'' if value is None else value}  ({where})")

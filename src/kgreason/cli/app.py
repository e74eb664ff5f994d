"""The ``kgr`` typer application: registers the command groups and maps errors to exit codes.

Exit codes: 0 success, 1 runtime failure (e.g. a database that cannot be reached), 2 bad usage, bad input,
a refused query or a missing optional extra (``pip install 'kgreason[gnn]'``). A ``KgrError`` is printed
as one line (plus a hint); under ``--json`` it is also printed on stdout as
``{"error": {"type", "message", "hint"}}``; ``--debug`` shows the traceback.

Defaults: a command run without ``--graph``, ``--store``, ``--llm`` or ``--model`` takes the value from
the environment (``KGR_GRAPH``, ...) or the config file (``kgr config``), applied as click's
``default_map`` in the root callback (``common.config_default_map``).
"""

from __future__ import annotations

import sys

import typer

from kgreason.cli import (
    ask_cmd,
    config_cmd,
    doctor_cmd,
    eval_cmd,
    graph_cmd,
    llm_cmd,
    neo4j_cmd,
    packs_cmd,
    plugins_cmd,
    train_cmd,
)
from kgreason.cli.common import config_default_map, error_json, state
from kgreason.domains.ddi.cli import app as ddi_app
from kgreason.errors import ConfigError, KgrError, missing_extra

EXAMPLES = (
    "Examples:\n\n"
    "$ kgr graph load examples/data/family.tsv --graph family\n\n"
    "$ kgr graph stats --graph family --json\n\n"
    '$ kgr ask "Where is the company alice works at located?" --graph family\n\n'
    "$ kgr neo4j start && kgr graph load examples/data/family.tsv --graph family --store neo4j\n\n"
    "$ kgr eval qa --graph family --questions examples/qa/family_handwritten.jsonl --llm none --json\n\n"
    "$ kgr config set graph family   (then --graph can be left out)\n\n"
    "$ kgr doctor   (what is installed and reachable)\n\n"
    "$ kgr --install-completion   (tab completion for your shell)"
)
GETTING_STARTED = """kgreason: knowledge-graph + LLM reasoning, offline by default.

Get started:
  kgr graph load examples/data/family.tsv --graph family    load triples into the embedded store
  kgr graph stats --graph family                            node and edge counts
  kgr graph schema --graph family                           labels, relations, patterns
  kgr ask "Where is the company alice works at located?" --graph family
  kgr config set graph family                               default graph for every command
  kgr doctor                                                what is installed and reachable
  kgr plugins list                                          strategies, stores, LLM backends, packs

Every command has --help; `kgr --help` lists them all. Notebooks: examples/*.ipynb."""

app = typer.Typer(
    name="kgr",
    help="kgreason: knowledge-graph + LLM reasoning. Start with `kgr graph load FILE --graph NAME`.",
    epilog=EXAMPLES,
    no_args_is_help=False,  # `kgr` alone prints GETTING_STARTED and exits 0
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(graph_cmd.app, name="graph", help="Load, inspect, query, export and drop named graphs.")
app.add_typer(neo4j_cmd.app, name="neo4j", help="Start, stop and inspect the local Neo4j instance.")
app.add_typer(llm_cmd.app, name="llm", help="Language models: info, chat, bundled model install.")
app.command("ask")(ask_cmd.ask)
app.add_typer(
    eval_cmd.app, name="eval", help="Evaluate strategies on QA sets; generate QA sets from a graph."
)
app.add_typer(
    train_cmd.app,
    name="train",
    help="Train the gnn strategy's models (QA, link prediction); fit the path ranker.",
)
app.command("doctor")(doctor_cmd.doctor)
app.add_typer(plugins_cmd.app, name="plugins", help="Extension points and the plugins registered in them.")
app.add_typer(packs_cmd.app, name="packs", help="Domain packs: list, show, load into a store.")
# The ddi pack's own app (DdiPack.cli_app()), run with the pack as the context's obj.
app.add_typer(
    ddi_app,
    name="ddi",
    callback=packs_cmd.host_ddi,
    help="Drug-drug interactions: check a medication list (ddi pack).",
)
app.add_typer(
    config_cmd.app, name="config", help="Defaults for --graph, --store, --llm and --model (config file)."
)
NO_GRAPH = ConfigError("no graph given", hint="use --graph NAME, or set a default: kgr config set graph NAME")


def _version(value: bool) -> None:
    if value:
        from kgreason import __version__

        typer.echo(f"kgr (kgreason) {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bars, spinners or notes on stderr (errors still show)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    state.debug = debug
    state.quiet = quiet
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(GETTING_STARTED)
        return
    # The configured defaults; `--help` shows them as each option's default.
    if ctx.invoked_subcommand not in ("config", "doctor"):  # these two report a broken config file
        from kgreason.cli.common import settings

        ctx.default_map = config_default_map(ctx.command, settings()) or None


def _wants_json(argv: list[str]) -> bool:
    # Anywhere, also after `--`: `kgr packs run ddi -- check ... --json` hands it to the pack's sub-app.
    return "--json" in argv


def _fail(exc: KgrError, as_json: bool) -> None:
    print(f"error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"hint: {exc.hint}", file=sys.stderr)
    if as_json:
        error_json(exc)
    sys.exit(exc.exit_code)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(args)
    try:
        # With standalone_mode=False click returns the code of a typer.Exit instead of raising it.
        rc = app(args=args, standalone_mode=False, prog_name="kgr")
        if isinstance(rc, int) and rc != 0:
            sys.exit(rc)
    except KgrError as exc:
        if state.debug:
            raise
        _fail(missing_extra(exc) or exc, as_json)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        if as_json:
            error_json(None, kind="Aborted", message="aborted")
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code
        if state.debug:
            raise
        extra = missing_extra(exc)  # an optional dependency imported deep down: name the extra
        if extra is not None:
            _fail(extra, as_json)
        # Duck-typed: typer may ship its own copy of click, whose exception classes are not click's.
        message, code = getattr(exc, "format_message", None), getattr(exc, "exit_code", None)
        if callable(message) and isinstance(code, int):
            if (
                getattr(getattr(exc, "param", None), "name", None) == "graph"
                and "Missing" in type(exc).__name__
            ):
                _fail(NO_GRAPH, as_json)
            text = message()
            if text:  # empty when a group was called bare and its help is already on screen
                print(f"error: {text}", file=sys.stderr)
                command = getattr(getattr(exc, "ctx", None), "command_path", None)
                hint = f"see `{command} --help`" if command else None
                if hint:
                    print(f"hint: {hint}", file=sys.stderr)
                if as_json:
                    error_json(None, kind=type(exc).__name__, message=text, hint=hint)
            sys.exit(code)
        if type(exc).__name__ == "Exit" and isinstance(code, int):
            sys.exit(code)
        raise


if __name__ == "__main__":
    main()

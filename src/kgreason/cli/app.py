"""The ``kgr`` typer application: registers the command groups and maps errors to exit codes.

Exit codes: 0 success, 1 runtime failure, 2 bad usage / bad input / refused query. A ``KgrError`` is
printed as one line (plus a hint); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys

import typer

from kgreason.cli import (
    ask_cmd,
    ddi_cmd,
    doctor_cmd,
    eval_cmd,
    graph_cmd,
    llm_cmd,
    neo4j_cmd,
    packs_cmd,
    plugins_cmd,
    train_cmd,
)
from kgreason.cli.common import state
from kgreason.errors import KgrError

EXAMPLES = (
    "Examples:\n\n"
    "$ kgr graph load examples/data/family.tsv --graph family\n\n"
    "$ kgr graph stats --graph family --json\n\n"
    '$ kgr ask "Where is the company alice works at located?" --graph family\n\n'
    "$ kgr neo4j start && kgr graph load examples/data/family.tsv --graph family --store neo4j\n\n"
    "$ kgr eval qa --graph family --questions examples/qa/family_handwritten.jsonl --llm none --json\n\n"
    "$ kgr doctor   (what is installed and reachable)\n\n"
    "$ kgr --install-completion   (tab completion for your shell)"
)
GETTING_STARTED = """kgreason: knowledge-graph + LLM reasoning, offline by default.

Get started:
  kgr graph load examples/data/family.tsv --graph family    load triples into the embedded store
  kgr graph stats --graph family                            node and edge counts
  kgr graph schema --graph family                           labels, relations, patterns
  kgr ask "Where is the company alice works at located?" --graph family
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
)
app.add_typer(graph_cmd.app, name="graph", help="Load, inspect, query, export and drop named graphs.")
app.add_typer(neo4j_cmd.app, name="neo4j", help="Start, stop and inspect the local Neo4j instance.")
app.add_typer(llm_cmd.app, name="llm", help="Language models: info, chat, bundled model install.")
app.command("ask")(ask_cmd.ask)
app.add_typer(
    eval_cmd.app, name="eval", help="Evaluate strategies on QA sets; generate QA sets from a graph."
)
app.add_typer(train_cmd.app, name="train", help="Train the gnn strategy's models (QA, link prediction).")
app.command("doctor")(doctor_cmd.doctor)
app.add_typer(plugins_cmd.app, name="plugins", help="Extension points and the plugins registered in them.")
app.add_typer(packs_cmd.app, name="packs", help="Domain packs: list, show, load into a store.")
app.add_typer(ddi_cmd.app, name="ddi", help="Drug-drug interactions: check a medication list (ddi pack).")


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    state.debug = debug
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(GETTING_STARTED)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    try:
        # With standalone_mode=False click returns the code of a typer.Exit instead of raising it.
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc != 0:
            sys.exit(rc)
    except KgrError as exc:
        if state.debug:
            raise
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code
        # Duck-typed: typer may ship its own copy of click, whose exception classes are not click's.
        message, code = getattr(exc, "format_message", None), getattr(exc, "exit_code", None)
        if callable(message) and isinstance(code, int) and not state.debug:
            text = message()
            if text:  # empty when a group was called bare and its help is already on screen
                print(f"error: {text}", file=sys.stderr)
                command = getattr(getattr(exc, "ctx", None), "command_path", None)
                if command:
                    print(f"hint: see `{command} --help`", file=sys.stderr)
            sys.exit(code)
        if type(exc).__name__ == "Exit" and isinstance(code, int):
            sys.exit(code)
        raise


if __name__ == "__main__":
    main()

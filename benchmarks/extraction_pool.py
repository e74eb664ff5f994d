"""Pool the chunked runs of ``benchmarks/extraction.py`` into one comparison over every document that ran.

On two cores the three systems take about 25 minutes per 6 documents, so the corpus runs in chunks
(``--skip-docs K --docs-per-domain N``), each writing its own record. This script reads those records for one
model and adds up their per-domain micro counts (true positives, false positives, false negatives; untyped
and typed), LLM calls, tokens and wall time per system, then writes one record (``extraction_pool``) with
pooled precision, recall and F1 per system, overall and per domain, and the issue's bar over the pool:
kgreason's F1 at least the best peer's, at no more LLM calls.

Which records count: those of ``extraction`` whose runs include all three LLM systems (``kgreason``,
``langchain``, ``neo4j-graphrag``) with ``--model``, none skipped, with the same settings
(``--max-tokens``, ``--parallel``, ``--kgreason-json-mode``). Of records covering the same documents the
newest is taken; a record whose documents overlap a newer one's is left out (and said so), so no document
counts twice. Nothing is re-run and no LLM is loaded.

Usage::

    .venv/bin/python benchmarks/extraction_pool.py [--model qwen2.5-coder-1.5b] [--max-tokens 1024] \\
        [--parallel 4] [--kgreason-json-mode grammar] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from _records import RECORDS, headline, load_average, write_record
from extraction_corpus import Score, load_corpus

SYSTEMS = ("kgreason", "langchain", "neo4j-graphrag")
PEERS = SYSTEMS[1:]
SUMS = ("llm_calls", "prompt_tokens", "completion_tokens", "http_errors", "wall_s")
KG_SUMS = ("chunks", "failed_chunks", "extract_s", "chat_model_s")


def doc_range(record: dict[str, Any], sizes: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The documents a record covered: per domain, [first, end) indices into the domain's documents."""
    settings = record["results"]["settings"]
    skip = int(settings.get("skip_docs") or 0)
    n = settings.get("docs_per_domain")
    out = {}
    for name in record["results"]["corpus"]["domains"]:
        end = sizes[name] if n is None else min(sizes[name], skip + int(n))
        out[name] = (min(skip, sizes[name]), end)
    return out


def _overlaps(a: dict[str, tuple[int, int]], b: dict[str, tuple[int, int]]) -> bool:
    return any(max(a[d][0], b[d][0]) < min(a[d][1], b[d][1]) for d in a.keys() & b.keys())


def select(
    records: list[dict[str, Any]], args: Any, sizes: dict[str, int]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The records to pool (oldest first) and a line per record left out, with why."""
    left_out: list[str] = []
    fitting = []
    for rec in records:
        res = rec["results"]
        runs = {r["system"]: r for r in res.get("runs", []) if r.get("model") == args.model}
        st = res.get("settings", {})
        if set(SYSTEMS) - {s for s, r in runs.items() if "skipped" not in r}:
            continue  # another model, or not all three systems: not part of this comparison
        want = (args.max_tokens, args.parallel, args.kgreason_json_mode)
        got = (st.get("max_tokens"), st.get("parallel"), st.get("kgreason_json_mode", "grammar"))
        if got != want:
            left_out.append(f"{rec['_file']}: settings {got} differ from {want}")
            continue
        fitting.append(rec)
    chosen: list[dict[str, Any]] = []
    for rec in sorted(fitting, key=lambda r: r["date"], reverse=True):  # newest first wins
        mine = doc_range(rec, sizes)
        clash = next((c for c in chosen if _overlaps(mine, doc_range(c, sizes))), None)
        if clash is not None:
            left_out.append(f"{rec['_file']}: its documents overlap the newer {clash['_file']}")
            continue
        chosen.append(rec)
    return sorted(chosen, key=lambda r: r["date"]), left_out


def pool(chosen: list[dict[str, Any]], domains: list[str]) -> dict[str, Any]:
    """Per system: the summed counts (untyped, typed; per domain and overall) and the summed costs."""
    systems: dict[str, Any] = {}
    for system in SYSTEMS:
        counts = {label: {d: Score() for d in domains} for label in ("untyped", "typed")}
        sums: dict[str, float] = dict.fromkeys(SUMS + (KG_SUMS if system == "kgreason" else ()), 0)
        errors = 0
        for rec in chosen:
            run = next(r for r in rec["results"]["runs"] if r["system"] == system and r.get("model"))
            for label in counts:
                for d in domains:
                    c = run["scores"][label].get(d)
                    if c is not None:
                        counts[label][d].add(Score(tp=c["tp"], fp=c["fp"], fn=c["fn"]))
            for key in sums:
                sums[key] += run.get(key) or 0
            errors += len(run.get("errors") or {})
        scores: dict[str, Any] = {}
        for label, per in counts.items():
            total = Score()
            for s in per.values():
                total.add(s)
            scores[label] = {**{d: s.to_dict() for d, s in per.items()}, "overall": total.to_dict()}
        entry: dict[str, Any] = {
            "system": system,
            "scores": scores,
            **{k: round(v, 2) if isinstance(v, float) else v for k, v in sums.items()},
            "errors": errors,
        }
        if system == "kgreason" and sums["extract_s"]:
            outside = max(0.0, sums["extract_s"] - sums["chat_model_s"]) / sums["extract_s"]
            entry["outside_chat_model_share"] = round(outside, 4)
        systems[system] = entry
    return systems


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--kgreason-json-mode", default="grammar", choices=["grammar", "json_schema"])
    ap.add_argument("--records-dir", type=Path, default=RECORDS)
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    load0 = load_average()
    corpus = load_corpus()
    sizes = {d.name: len(d.documents) for d in corpus}
    records = []
    for path in sorted(args.records_dir.glob("extraction-*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if rec.get("benchmark") == "extraction":
            records.append({**rec, "_file": path.name})
    chosen, left_out = select(records, args, sizes)
    if not chosen:
        sys.exit(f"no extraction record with all of {', '.join(SYSTEMS)} for {args.model} and these settings")
    domains = sorted(sizes)
    covered = {d: 0 for d in domains}
    sentences = 0
    for rec in chosen:
        for d, (first, end) in doc_range(rec, sizes).items():
            covered[d] += end - first
        sentences += int(rec["results"]["corpus"]["sentences"])
    systems = pool(chosen, domains)
    results = {
        "model": args.model,
        "settings": {
            "max_tokens": args.max_tokens,
            "parallel": args.parallel,
            "kgreason_json_mode": args.kgreason_json_mode,
        },
        "coverage": {
            "documents": sum(covered.values()),
            "of": sum(sizes.values()),
            "sentences": sentences,
            "per_domain": {d: {"documents": covered[d], "of": sizes[d]} for d in domains},
        },
        "records": [
            {"file": r["_file"], "command": r.get("command"), "commit": r.get("commit")} for r in chosen
        ],
        "left_out": left_out,
        "systems": systems,
    }
    _print(results)
    if not args.no_record:
        _record(results, load0)
    return results


def _f1(entry: dict[str, Any], where: str = "overall", label: str = "untyped") -> float:
    return float(entry["scores"][label][where]["f1"])


def _rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    cov = results["coverage"]
    systems = results["systems"]
    rows = [
        headline(
            "documents pooled",
            f"{cov['documents']} of {cov['of']} ({cov['sentences']} sentences, {len(results['records'])} records)",
        )
    ]
    for system, entry in systems.items():
        o = entry["scores"]["untyped"]["overall"]
        rows.append(
            headline(
                f"F1 {system} / {results['model']}",
                f"{o['f1']:.3f} (P {o['precision']:.3f}, R {o['recall']:.3f}; {entry['llm_calls']} calls, "
                f"{entry['wall_s']:.0f} s)",
            )
        )
    ours = systems["kgreason"]
    if "outside_chat_model_share" in ours:
        share = ours["outside_chat_model_share"]
        rows.append(
            headline(
                "kgreason time outside the LLM",
                f"{share:.1%} of {ours['extract_s']:.0f} s (ChatModel {ours['chat_model_s']:.0f} s)",
                "<= 10% of the extract's wall time",
                share <= 0.10,
            )
        )
    best = max((systems[p] for p in PEERS), key=lambda e: (_f1(e), -e["llm_calls"]))
    rows.append(
        headline(
            f"kgreason vs best peer, pooled, {results['model']}",
            f"F1 {_f1(ours):.3f} vs {_f1(best):.3f} ({best['system']}); calls {ours['llm_calls']} vs "
            f"{best['llm_calls']}",
            "F1 >= best peer's, calls <= its calls",
            _f1(ours) >= _f1(best) and ours["llm_calls"] <= best["llm_calls"],
        )
    )
    return rows


def _notes(results: dict[str, Any]) -> str:
    cov = results["coverage"]
    domains = list(cov["per_domain"])
    per = ", ".join(f"{d} {v['documents']}/{v['of']}" for d, v in cov["per_domain"].items())
    lines = [
        f"Pooled micro counts of {len(results['records'])} chunk records ({per} documents); untyped "
        "(head, relation, tail) unless typed is said. Cells: F1 (P / R).",
        "",
        "| system | " + " | ".join(domains) + " | overall | typed F1 | calls | completion tokens | wall s |",
        "|---|" + "---|" * (len(domains) + 5),
    ]
    for system, e in results["systems"].items():
        sc = e["scores"]["untyped"]
        cells = " | ".join(
            f"{sc[d]['f1']:.3f} ({sc[d]['precision']:.3f} / {sc[d]['recall']:.3f})"
            for d in [*domains, "overall"]
        )
        lines.append(
            f"| {system} | {cells} | {_f1(e, label='typed'):.3f} | {e['llm_calls']} | "
            f"{e['completion_tokens']} | {e['wall_s']:.0f} |"
        )
    if results["left_out"]:  # the names and why are in the record's results ("left_out")
        lines[0] += (
            f" {len(results['left_out'])} record(s) of this model left out (other settings or overlap)."
        )
    return "\n".join(lines)


def _print(results: dict[str, Any]) -> None:
    for row in _rows(results):
        met = "" if row["met"] is None else ("  [met]" if row["met"] else "  [NOT met]")
        print(f"{row['metric']}: {row['value']}{met}")
    print(_notes(results))
    for r in results["records"]:
        print(f"pooled: {r['file']} ({r['command']})")
    for line in results["left_out"]:
        print(f"left out: {line}")


def _record(results: dict[str, Any], load0: float) -> None:
    write_record(
        "extraction_pool",
        results,
        variant=re.sub(r"[^a-z0-9-]+", "_", results["model"].split("/")[-1].lower()),
        title="Document extraction: triple F1 pooled over the chunked runs",
        headline=_rows(results),
        notes=_notes(results),
        load_at_start=load0,
    )


if __name__ == "__main__":
    main()
    sys.exit(0)

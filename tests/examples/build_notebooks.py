"""Source of the example notebooks in ``examples/``: run this file to (re)write them, without outputs.

Keeping the cells here, as Python, makes them reviewable and lets ``test_notebooks.py`` check that the
committed ``.ipynb`` files are exactly what this file writes. Cells carry tags (``metadata.tags``) that the
tests use to find the outputs they check.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def md(text: str) -> tuple[str, str, str]:
    return ("markdown", text.strip("\n"), "")


def code(text: str, tag: str = "") -> tuple[str, str, str]:
    return ("code", text.strip("\n"), tag)


EXPLORE = [
    md(
        """
# Explore a knowledge graph

Open a graph with `kgreason.open_graph`, load the bundled movies data (`data/movies_nodes.csv` gives each
node a label, `data/movies.tsv` holds the triples) into the embedded store, look at its size and schema,
draw a neighbourhood, and turn query results into pandas DataFrames. Everything runs offline in a few
seconds. With a Neo4j (`kgr neo4j start`, or `KGR_NEO4J_URI`) the last cell runs the same exploration in
Cypher.

The views are interactive: scroll to zoom, drag the background to pan, drag a node to move it, hover for
properties; each label has its own colour, the same in every view.
"""
    ),
    code(
        """
from pathlib import Path

import kgreason
from kgreason.notebook import export_html, to_dataframe, view

g = kgreason.open_graph("movies")  # the embedded store, kept under KGR_HOME (default ~/.kgreason)
FILES = [Path("data/movies_nodes.csv"), Path("data/movies.tsv")]  # labelled nodes first, then triples
for f, report in zip(FILES, g.load(*FILES), strict=True):  # all validated first; reloading is safe
    print(f"{f.name}: {report.records} records")
""",
        "load",
    ),
    md("## Size and schema"),
    code("g.stats()", "stats"),
    code(
        """
schema = g.schema()
schema  # labels, relationship types and (:A)-[:R]->(:B) patterns, drawn as a graph too
""",
        "schema",
    ),
    code('to_dataframe(schema).sort_values("count", ascending=False).head(5)', "patterns"),
    md("## A neighbourhood, drawn"),
    code(
        """
nolan = view(g.store, seeds=["Christopher Nolan"], hops=1, title="Christopher Nolan, one hop out")
nolan
""",
        "view",
    ),
    md("## Query results as DataFrames"),
    code(
        """
paths = g.paths("Christopher Nolan", "Jonathan Nolan", max_hops=2)
to_dataframe(paths)[["hops", "path"]]
""",
        "paths",
    ),
    code(
        """
rows = [{"relation": e.type, "other": n.id, "label": n.labels[0]} for e, n in g.neighbors("Inception")]
to_dataframe(rows).sort_values(["relation", "other"]).reset_index(drop=True)
""",
        "neighbors",
    ),
    code(
        """
import tempfile

page = export_html(nolan, Path(tempfile.gettempdir()) / "kgreason-nolan.html")  # opens offline
print(page.name, page.stat().st_size > 10_000)
""",
        "export",
    ),
    md(
        """
## The same on Neo4j

With a Neo4j, Cypher results come back as DataFrames (through the read-only guard) and can be drawn.
"""
    ),
    code(
        """
from kgreason.errors import BackendUnavailable

try:
    with kgreason.open_graph("movies", store="neo4j") as neo:  # KGR_NEO4J_URI, or `kgr neo4j start`'s
        neo.load(*FILES)
        films = neo.query(
            "MATCH (m:KG_movies:Movie)-[:directed_by]->(:Person {id: $name}) "
            "RETURN m.id AS movie ORDER BY movie",
            {"name": "Christopher Nolan"},
        )
        display(to_dataframe(films))
        nolan_paths = neo.query("MATCH p = (:KG_movies {id: 'Inception'})-[:directed_by]->()-->() RETURN p")
        display(view(nolan_paths, title="Inception -> its director -> ..."))
except BackendUnavailable:
    print("no Neo4j: start one with `kgr neo4j start` or set KGR_NEO4J_URI")
""",
        "neo4j",
    ),
]

COMPARE = [
    md(
        """
# Compare strategies on one question

The same question, the same graph, each reasoning strategy that is installed: what each answers, the
evidence it shows, the queries it ran and how long it took. Strategies run here without a language model
(`llm=None`: ranked answers from the graph), so the comparison is fast and repeatable; pass `llm="llamacpp"`
to `g.engine` to have the bundled model choose and phrase the answer.

- `retrieve`: link the question to an entity, rank the relation paths from it, cite the best triples.
- `multihop`: explore the graph hop by hop, choosing relations at each step (Cypher on Neo4j).
- `gnn` (needs the `gnn` extra, torch): a graph neural network trained on questions about this graph;
  here it is trained first, on templated questions generated from the graph itself.
"""
    ),
    code(
        """
import importlib.util
import warnings

import pandas as pd

import kgreason
from kgreason.notebook import to_dataframe, view

g = kgreason.open_graph("movies")
g.load("data/movies_nodes.csv", "data/movies.tsv")

strategies = ["retrieve", "multihop"]
if all(importlib.util.find_spec(m) for m in ("torch", "torch_geometric")):  # the gnn extra
    strategies.append("gnn")
strategies
""",
        "strategies",
    ),
    code(
        """
if "gnn" in strategies:  # the gnn strategy learns from questions: a few seconds on a CPU for this graph
    warnings.filterwarnings("ignore", category=FutureWarning)  # torch's deprecation notices
    warnings.filterwarnings("ignore", message="IProgress not found")  # no widgets needed here
    training = g.make_qa(hops=[1, 2], n=250, seed=1)  # templated questions with their gold answers
    meta = g.train_qa(training, options={"epochs": 15})  # the same as `kgr train qa`
    print(f"gnn: trained on {meta['metrics']['train_questions']} generated questions")
""",
        "train_gnn",
    ),
    code(
        """
question, gold = "Where was the director of Alien born?", {"South Shields"}
answers = {s: g.engine(s, llm=None).ask(question) for s in strategies}
table = pd.DataFrame(
    [
        {
            "strategy": s,
            "answer": a.entities[0] if a.entities else None,
            "correct": bool(a.entities) and a.entities[0] in gold,
            "evidence paths": len(a.evidence),
            "queries": len(a.queries),
            "ms": round(a.timings_ms.get("total", 0.0)),
        }
        for s, a in answers.items()
    ]
).set_index("strategy")
table
""",
        "table",
    ),
    md("Each answer draws its evidence; the path that carries the answer is highlighted."),
    code('answers["retrieve"]', "retrieve_answer"),
    code(
        """
for s, a in answers.items():
    display(view(a, title=f"{s}: {a.entities[0] if a.entities else '(none)'}", height=320))
""",
        "views",
    ),
    code(
        """
evidence = pd.concat([to_dataframe(a).assign(strategy=s) for s, a in answers.items()])
evidence[evidence["reasoning_path"]][["strategy", "path"]].reset_index(drop=True)
""",
        "evidence",
    ),
    md("## On the whole hand-written question set"),
    code(
        """
scores = {}
for s in strategies:
    summary = g.engine(s, llm=None).eval("qa/movies_handwritten.jsonl")  # the same as `kgr eval qa`
    scores[s] = {k: summary[k] for k in ("n", "hits@1", "hits@5", "f1", "latency_ms_p50")}
pd.DataFrame(scores).T
""",
        "eval",
    ),
]

DDI = [
    md(
        """
# Drug–drug interactions on a medication list

The `ddi` domain pack checks every pair of a medication list against a small curated pharmacology graph
(drugs, the enzymes and transporters they inhibit, induce or depend on, and their pharmacodynamic
effects). Each interaction comes with its severity, mechanism, the graph paths that support it, what to do
about it, and its sources. The same check is `kgr ddi check DRUG DRUG ... --json` on the command line.

*For software demonstration only: not medical advice; the pack covers a limited set of drugs.*
"""
    ),
    code(
        """
import pandas as pd

import kgreason
from kgreason.domains import get_pack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.notebook import to_dataframe, view

pack = get_pack("ddi")  # the bundled pack and its data
g = kgreason.open_graph(pack.graph_name())
loaded = pack.ensure_loaded(g.store)  # loads once; None when the graph already holds this data
checker = DdiChecker(g.store, pack.ansm(g.settings.cache_dir))  # also compares with the ANSM thesaurus
g.stats()
""",
        "load",
    ),
    code(
        """
medications = ["warfarin", "aspirin", "simvastatin", "clarithromycin", "omeprazole"]
result = checker.check(medications)
[(d.input, d.id) for d in result.drugs]
""",
        "resolved",
    ),
    md("Most severe first; `basis` says whether a curated entry or a mechanism rule found it."),
    code(
        """
table = pd.DataFrame(
    [
        {
            "pair": " + ".join(i.drugs),
            "severity": i.severity,
            "basis": i.basis,
            "via": ", ".join(i.via),
            "paths": len(i.evidence),
            "management": i.management,
        }
        for i in result.interactions
    ]
)
table[["pair", "severity", "basis", "via", "paths"]]
""",
        "interactions",
    ),
    code(
        """
top = result.interactions[0]
print(f"{' + '.join(top.drugs)}: {top.severity}")
print(top.mechanism)
print("management:", top.management)
""",
        "top",
    ),
    md(
        "The mechanism paths behind the most severe interaction, and behind the whole list (colours: labels)."
    ),
    code(
        """
view([h.path for h in top.evidence], highlight=True, title=" + ".join(top.drugs), height=320)
""",
        "top_view",
    ),
    code(
        """
evidence = [h.path for i in result.interactions for h in i.evidence]
view(evidence, title=f"{len(result.interactions)} interactions among {len(medications)} drugs")
""",
        "all_view",
    ),
    code(
        """
to_dataframe([h.path for h in top.evidence])[["path"]]
""",
        "top_paths",
    ),
    md("A misspelt or unknown name is reported with suggestions; the names that resolve are still checked."),
    code(
        """
typo = checker.check(["warfarin", "asprin", "foobarzol"])
[(u.input, list(u.suggestions)[:3]) for u in typo.unresolved]
""",
        "unresolved",
    ),
]


def build(cells: list[tuple[str, str, str]]) -> Any:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, source, tag) in enumerate(cells):
        cell = (
            nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        )
        cell["id"] = f"c{i:02d}" + (f"-{tag}" if tag else "")
        if tag:
            cell.metadata["tags"] = [tag]
        nb.cells.append(cell)
    return nb


NOTEBOOKS = {
    "explore_graph.ipynb": EXPLORE,
    "compare_strategies.ipynb": COMPARE,
    "ddi_medications.ipynb": DDI,
}


def render(name: str) -> str:
    """The exact text of ``examples/NAME``."""
    import nbformat

    return str(nbformat.writes(build(NOTEBOOKS[name]))) + "\n"


def main() -> int:
    for name in NOTEBOOKS:
        (EXAMPLES / name).write_text(render(name), encoding="utf-8")
        print(f"wrote examples/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

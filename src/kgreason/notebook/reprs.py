"""Rich notebook displays: ``Answer``, ``Subgraph``, ``GraphSchema`` and query results as HTML.

``Answer._repr_html_`` and ``Subgraph._repr_html_`` (in ``kgreason.types``) import this module only when
a notebook asks for the HTML, so ``import kgreason`` stays light. Types defined in other layers
(``GraphSchema``, ``QueryResult``, ``Path``) get their HTML through IPython's display formatters, which
``register_formatters()`` installs when ``kgreason.notebook`` is imported inside IPython. All text from the
graph is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from kgreason.graph.store import GraphSchema
from kgreason.types import Answer, Path, Subgraph

_CSS = (
    "<style>.kgr-card{font:13px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    ".kgr-card table{border-collapse:collapse;margin:4px 0}"
    ".kgr-card td,.kgr-card th{border:1px solid #e0e0e0;padding:2px 8px;text-align:left;vertical-align:top}"
    ".kgr-card .kgr-ans{font-size:15px;font-weight:600;margin:4px 0}"
    ".kgr-card .kgr-ent{display:inline-block;background:#fdecea;color:#a61b1b;border-radius:10px;"
    "padding:0 8px;margin:0 4px 2px 0}.kgr-card .kgr-muted{color:#5f6368}</style>"
)


def esc(value: Any) -> str:
    """``value`` as HTML-escaped text."""
    return html.escape(str(value), quote=True)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table of escaped cells."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def answer_html(answer: Answer, *, graph: bool = True) -> str:
    """The answer, its entities, the evidence drawn with the reasoning paths highlighted, citations,
    problems found by verification, and the queries that produced the evidence."""
    from kgreason.notebook.view import asserted_answers, path_text, view

    parts = [_CSS, '<div class="kgr-card">', f'<div class="kgr-muted">Q: {esc(answer.question)}</div>']
    parts.append(f'<div class="kgr-ans">{esc(answer.text or "(no answer text)")}</div>')
    asserted = asserted_answers(answer)
    if asserted:
        chips = "".join(f'<span class="kgr-ent">{esc(e)}</span>' for e in asserted[:20])
        parts.append(f"<div>answers: {chips}</div>")
    others = answer.entities[len(asserted) :]
    if others:
        parts.append(f'<div class="kgr-muted">other candidates: {esc(", ".join(others[:10]))}</div>')
    if graph and answer.evidence:
        parts.append(view(answer)._repr_html_())
    if answer.evidence:
        rows = [(i, path_text(p)) for i, p in enumerate(answer.evidence[:25], start=1)]
        parts.append(f"<details><summary>evidence ({len(answer.evidence)} paths)</summary>")
        parts.append(table(("#", "path"), rows) + "</details>")
    if answer.citations:
        parts.append(
            table(("citation", "edges"), [(c.marker, ", ".join(c.edge_ids)) for c in answer.citations])
        )
    for u in answer.unsupported:
        parts.append(f'<div style="color:#b06000">unsupported: {esc(u)}</div>')
    if answer.queries:
        queries = [
            (q.language, q.text, dict(q.params), q.rows, f"{q.elapsed_ms:.1f}") for q in answer.queries[:50]
        ]
        parts.append(f"<details><summary>queries ({len(answer.queries)})</summary>")
        parts.append(table(("language", "query", "params", "rows", "ms"), queries) + "</details>")
    total = answer.timings_ms.get("total", 0.0)
    parts.append(
        f'<div class="kgr-muted">strategy {esc(answer.strategy or "?")}, {answer.llm_calls} LLM call(s), '
        f"{answer.prompt_tokens}+{answer.completion_tokens} tokens, {total:.0f} ms</div></div>"
    )
    return "".join(parts)


def subgraph_html(sub: Subgraph) -> str:
    """A drawn subgraph."""
    from kgreason.notebook.view import view

    return view(sub, title=f"{len(sub.nodes)} nodes, {len(sub.edges)} edges")._repr_html_()


def path_html(path: Path) -> str:
    """A drawn path, highlighted."""
    from kgreason.notebook.view import path_text, view

    return view(path, title=path_text(path), height=260)._repr_html_()


def schema_html(schema: GraphSchema) -> str:
    """Label and relationship counts, the patterns table and the schema drawn as a graph."""
    from kgreason.notebook.view import view

    labels = [(k, v, ", ".join(schema.node_properties.get(k, ()))) for k, v in schema.labels.items()]
    rels = [
        (k, v, ", ".join(schema.relationship_properties.get(k, ())))
        for k, v in schema.relationship_types.items()
    ]
    patterns = [(p.source, p.type, p.target, p.count) for p in schema.patterns]
    return (
        f'{_CSS}<div class="kgr-card">'
        '<div style="display:flex;gap:24px;flex-wrap:wrap">'
        f"<div>{table(('label', 'nodes', 'properties'), labels)}"
        f"</div><div>{table(('relationship', 'edges', 'properties'), rels)}</div>"
        f"<div>{table(('source', 'relationship', 'target', 'count'), patterns)}</div></div>"
        f"{view(schema, height=320)._repr_html_()}</div>"
    )


def query_result_html(result: Any) -> str:
    """A Cypher ``QueryResult``: its rows as a table (via pandas), with the truncation flag."""
    from kgreason.notebook.tables import to_dataframe

    frame = to_dataframe(result)
    note = " (truncated)" if getattr(result, "truncated", False) else ""
    return (
        f'{_CSS}<div class="kgr-card">{frame.to_html(max_rows=50)}'
        f'<div class="kgr-muted">{len(frame)} rows{note}</div></div>'
    )


def register_formatters() -> bool:
    """Teach a running IPython to show schemas, paths and query results as HTML.

    Returns:
        Whether an IPython shell was found (outside IPython this does nothing).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from kgreason.graph.cypher_guard import QueryResult

    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(GraphSchema, schema_html)
    formatter.for_type(Path, path_html)
    formatter.for_type(QueryResult, query_result_html)
    return True

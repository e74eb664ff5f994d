"""Jupyter helpers: interactive graph views, rich displays of answers and schemas, DataFrames of results.

Quick use in a notebook::

    from kgreason.notebook import view, to_dataframe, export_html
    view(store.subgraph(["alice"], hops=2))      # drag, zoom, hover; a colour per label, in every view
    answer                                       # an Answer draws itself, reasoning paths highlighted
    to_dataframe(store.run_cypher("MATCH (n) RETURN n.id AS id LIMIT 5"))
    export_html(view(answer), "answer.html")     # a standalone page that opens offline

The layout is computed in Python (no two node names overlap; a graph that would need a drawing
taller than ``view.MAX_HEIGHT`` has names left out until you zoom in) and drawn in the browser by a
small bundled script (``static/kgview.js``) across the full width of the output; nothing is fetched
from the network. ``colors.label_colors.pin("Drug", "#1f77b4")`` fixes a label's colour. pandas is
needed only for ``to_dataframe``/``query`` (the ``notebook`` extra).
Importing this module inside IPython also registers HTML displays for ``GraphSchema``, ``Path`` and
Cypher ``QueryResult`` objects.
"""

from __future__ import annotations

import sys

from kgreason.notebook.reprs import answer_html, register_formatters, schema_html
from kgreason.notebook.tables import nodes_frame, query, to_dataframe
from kgreason.notebook.view import GraphView, PathSpec, export_html, path_text, view

__all__ = [
    "GraphView",
    "PathSpec",
    "answer_html",
    "export_html",
    "nodes_frame",
    "path_text",
    "query",
    "register_formatters",
    "schema_html",
    "to_dataframe",
    "view",
]

if "IPython" in sys.modules:  # only inside a running IPython; never import it just for this
    register_formatters()

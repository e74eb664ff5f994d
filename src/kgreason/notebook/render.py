"""HTML for graph views: a standalone page with the bundled script inlined, and its notebook frame.

The page carries the graph as JSON in a ``<script type="application/json">`` element (escaped so that no
property value can close the element or inject markup) and the bundled ``kgview.js``/``kgview.css`` from
``static/``, so it opens offline. In a notebook the same page goes into an ``<iframe srcdoc>``: JupyterLab,
the classic notebook and VS Code all run it the same way, isolated from the notebook's own styles.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


@cache
def asset(name: str) -> str:
    """The text of a bundled file in ``kgreason/notebook/static``."""
    return (files("kgreason.notebook") / "static" / name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` become ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def fragment(data: dict[str, Any], element_id: str = "kgv") -> str:
    """The view's markup: a root element and its data (the script is added by ``document``)."""
    return (
        f'<div class="kgv" data-kgview="{element_id}-data"></div>\n'
        f'<script type="application/json" id="{element_id}-data">{script_json(data)}</script>'
    )


def document(data: dict[str, Any], *, title: str = "kgreason graph") -> str:
    """A complete HTML page that draws ``data`` with the bundled script, offline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>\nhtml,body{{margin:0;padding:0;background:#fff}}body{{padding:4px}}\n{asset('kgview.css')}"
        "</style>\n</head>\n<body>\n"
        f"{fragment(data)}\n<script>\n{asset('kgview.js')}</script>\n</body>\n</html>\n"
    )


def iframe(page: str, height: int) -> str:
    """``page`` in an ``<iframe srcdoc>`` tall enough for the drawing, its legend and path list."""
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" '
        f'style="width:100%;height:{height + 160}px;border:0" '
        'title="kgreason graph view"></iframe>'
    )

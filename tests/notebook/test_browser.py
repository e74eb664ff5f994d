"""A real browser draws exported views: headless Chromium opens the HTML offline and the graph is there.

Checks the DOM after the first drawing (every node listed as drawn, inside the canvas, the highlighted
path; the boxes the names were written in, as the browser measured them: no two overlap on a 200-node
graph; small views spread over the whole width) and a screenshot (not blank: node colours and the path
colour are on screen in real numbers of pixels).
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

import pytest
from _browser import count_pixels, dump_dom, read_png, screenshot
from _notebook_data import HOSTILE, QUESTION, load_family

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.notebook import export_html, view
from kgreason.notebook.view import PALETTE, short
from kgreason.reasoning.engine import Engine


def hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


@pytest.fixture
def store(settings: Settings) -> MemoryStore:
    return load_family(MemoryStore("family", settings))  # type: ignore[return-value]


def drawn_nodes(dom: str) -> dict[str, tuple[float, float, str]]:
    out = {}
    for li in re.findall(r'<li class="kgv-node"[^>]*>', dom):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', li))
        out[attrs["data-id"]] = (float(attrs["data-x"]), float(attrs["data-y"]), attrs["data-color"])
    return out


def test_chromium_draws_an_answer_view(store: MemoryStore, settings: Settings, tmp_path: Path) -> None:
    answer = Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice")
    page = export_html(view(answer, height=560), tmp_path / "answer.html")

    dom = dump_dom(page, tmp_path / "profile")
    assert 'data-status="drawn"' in dom, dom[-3000:]
    nodes = drawn_nodes(dom)
    assert set(nodes) == {n.id for p in answer.evidence for n in p.nodes}
    assert re.search(r'data-drawn-edges="(\d+)"', dom).group(1) == str(  # type: ignore[union-attr]
        len({e.id for p in answer.evidence for e in p.edges})
    )
    assert 'data-highlighted-edges="2"' in dom  # works_at and located_in: the cited path
    for nid, (x, y, _) in nodes.items():  # laid out inside the 1000-px-wide, 560-px-high stage
        assert 0 <= x <= 1000 and 0 <= y <= 560, (nid, x, y)
    spread = {(round(x), round(y)) for x, y, _ in nodes.values()}
    assert len(spread) == len(nodes)  # no two nodes on the same spot
    assert 'class="kgv-path kgv-on"' in dom and "located_in" in dom

    png = screenshot(page, tmp_path / "answer.png", tmp_path / "profile")
    width, height, rows = read_png(png)
    assert (width, height) == (1000, 760)
    non_white = sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] != b"\xff\xff\xff")
    assert non_white > 5000, f"screenshot nearly blank: {non_white} non-white pixels"
    assert count_pixels(rows, (0xD6, 0x27, 0x28)) > 300  # the highlighted reasoning path
    person = nodes["alice"][2]
    assert count_pixels(rows, hex_rgb(person)) > 200  # node discs in the Person colour


def test_chromium_draws_a_subgraph_and_survives_hostile_properties(
    store: MemoryStore, tmp_path: Path
) -> None:
    page = export_html(view(store.subgraph(["alice"], hops=3), title="family"), tmp_path / "family.html")
    dom = dump_dom(page, tmp_path / "profile")
    assert 'data-status="drawn"' in dom
    nodes = drawn_nodes(dom)
    assert set(nodes) == {"alice", "bob", "carol", "acme", "paris", "france"}
    assert len({c for _, _, c in nodes.values()}) == 4  # Person, Company, City, Country
    assert {c for _, _, c in nodes.values()} <= set(PALETTE)
    assert "<title>family</title>" in dom and "pwned" not in dom.split("<body")[0]  # title untouched
    assert 'data-status="error"' not in dom

    _, _, rows = read_png(screenshot(page, tmp_path / "family.png", tmp_path / "profile"))
    for color in {c for _, _, c in nodes.values()}:
        assert count_pixels(rows, hex_rgb(color)) > 100, color


# Drives the real view with DOM events after it drew, then writes what happened into <body data-result>.
INTERACT = """
<script>
window.addEventListener("load", function () {  // after the view booted (on DOMContentLoaded)
  var root = document.querySelector("[data-kgview]"), v = root.kgview, c = v.canvas;
  var rect = c.getBoundingClientRect(), out = {};
  function at(n) { return {x: rect.left + n.x * v.sx + v.tx, y: rect.top + n.y * v.sy + v.ty}; }
  function fire(type, p, extra) {
    var init = {clientX: p.x, clientY: p.y, bubbles: true, cancelable: true, pointerId: 1, buttons: 1};
    for (var k in extra || {}) init[k] = extra[k];
    c.dispatchEvent(type === "wheel" ? new WheelEvent(type, init) : new PointerEvent(type, init));
  }
  var bob = v.index["bob"];
  fire("pointermove", at(bob), {buttons: 0});
  out.tip_visible = v.tip.style.display === "block";
  out.tip_text = v.tip.textContent;
  var s0 = v.sx;
  fire("wheel", {x: rect.left + rect.width / 2, y: rect.top + rect.height / 2}, {deltaY: -400});
  out.zoomed_in = v.sx > s0 * 1.5;
  var x0 = bob.x, y0 = bob.y, p = at(bob);
  fire("pointerdown", p);
  fire("pointermove", {x: p.x + 80, y: p.y + 40});
  fire("pointerup", {x: p.x + 80, y: p.y + 40});
  out.dragged = Math.round((bob.x - x0) * v.sx) === 80 && Math.round((bob.y - y0) * v.sy) === 40;
  var tx = v.tx, empty = {x: rect.left + 3, y: rect.top + 3};
  fire("pointerdown", empty);
  fire("pointermove", {x: empty.x + 50, y: empty.y});
  fire("pointerup", {x: empty.x + 50, y: empty.y});
  out.panned = Math.round(v.tx - tx) === 50;
  var items = root.querySelectorAll(".kgv-path");
  if (items.length) { items[items.length - 1].click(); out.selected = v.focus; }
  document.body.setAttribute("data-result", JSON.stringify(out));
});
</script>
"""


def test_zoom_pan_drag_hover_and_path_selection_work_in_chromium(
    store: MemoryStore, settings: Settings, tmp_path: Path
) -> None:
    answer = Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice")
    page = view(answer).to_html().replace("</body>", INTERACT + "</body>")
    target = tmp_path / "interact.html"
    target.write_text(page, encoding="utf-8")
    dom = dump_dom(target, tmp_path / "profile")
    m = re.search(r"data-result=\"([^\"]*)\"", dom)
    assert m, dom[-2000:]
    result = json.loads(html.unescape(m.group(1)))
    assert result["tip_visible"] and "bob" in result["tip_text"] and "Person" in result["tip_text"]
    assert HOSTILE in result["tip_text"]  # shown as text, exactly, not run as markup
    assert result["zoomed_in"] and result["dragged"] and result["panned"]
    assert result["selected"] == len(answer.evidence) - 1


def test_repr_html_draws_when_a_notebook_frontend_inserts_it(
    store: MemoryStore, settings: Settings, tmp_path: Path
) -> None:
    # JupyterLab and the classic notebook put a text/html output into the page with innerHTML; the
    # view lives in an <iframe srcdoc> so it runs the same way in both (and in VS Code).
    answer = Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice")
    host = (
        "<!DOCTYPE html><html><body style='margin:0;background:#fff'><div id='out'></div><script>"
        f"document.getElementById('out').innerHTML = {json.dumps(answer._repr_html_())};"
        "</script></body></html>"
    )
    target = tmp_path / "frontend.html"
    target.write_text(host, encoding="utf-8")
    given = re.search(r"height:(\d+)px", answer._repr_html_()).group(1)  # type: ignore[union-attr]
    dom = dump_dom(target, tmp_path / "profile")
    fitted = re.search(r'<iframe[^>]*style="[^"]*height: ?(\d+)px', dom)
    assert fitted and fitted.group(1) != given  # the frame grew or shrank to its content
    _, _, rows = read_png(screenshot(target, tmp_path / "frontend.png", tmp_path / "profile"))
    assert count_pixels(rows, (0xD6, 0x27, 0x28)) > 300  # the highlighted path, drawn inside the frame
    person = view(answer).label_colors()["Person"]
    assert count_pixels(rows, hex_rgb(person)) > 200


def test_node_ids_that_are_javascript_builtins_draw(tmp_path: Path) -> None:
    from kgreason.types import Edge, Node, Subgraph

    ids = ["__proto__", "constructor", "toString", "hasOwnProperty", "plain"]
    nodes = tuple(Node(i, ("Thing",)) for i in ids)
    edges = tuple(Edge(a, "next", b) for a, b in itertools.pairwise(ids))
    dom = dump_dom(export_html(view(Subgraph(nodes, edges)), tmp_path / "odd.html"), tmp_path / "profile")
    assert 'data-status="drawn"' in dom and 'data-drawn-edges="4"' in dom
    assert set(drawn_nodes(dom)) == set(ids)


def drawn_boxes(dom: str) -> dict[str, tuple[float, float, float, tuple[float, ...] | None]]:
    """Per drawn node: centre x, y, disc radius and the box its name was written in (None: left out)."""
    out = {}
    for li in re.findall(r'<li class="kgv-node"[^>]*>', dom):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', li))
        box = (
            tuple(float(v) for v in attrs["data-label-box"].split(",")) if "data-label-box" in attrs else None
        )
        out[html.unescape(attrs["data-id"])] = (
            float(attrs["data-x"]),
            float(attrs["data-y"]),
            float(attrs["data-r"]),
            box,
        )
    return out


@pytest.mark.parametrize("graph", ["movies 200", "ddi whole"])
def test_chromium_writes_names_without_overlaps(graph: str, settings: Settings, tmp_path: Path) -> None:
    """200 nodes: every name is written, none over another name or a disc (boxes measured by the browser).

    The whole ddi graph (410 nodes, long names) needs a taller drawing than a view gets: the names that
    have no room are left out, and still none overlaps.
    """
    from kgreason.domains.ddi import DdiPack
    from kgreason.graph.loaders import load_file
    from kgreason.notebook.layout import text_width

    store = MemoryStore("g", settings)
    if graph == "movies 200":
        for f in ("movies_nodes.csv", "movies.tsv"):
            load_file(store, Path(__file__).resolve().parents[2] / "examples" / "data" / f)
        sub = store.subgraph(["Christopher Nolan"], hops=6, max_nodes=200)
    else:
        DdiPack().ensure_loaded(store)
        sub = store.subgraph([n.id for n in store.iter_nodes()][:5], hops=3, max_nodes=1500)
    v = view(sub, title=graph)
    dom = dump_dom(export_html(v, tmp_path / "big.html"), tmp_path / "profile")
    assert 'data-status="drawn"' in dom
    drawn = drawn_boxes(dom)
    assert len(drawn) == len(v.nodes) and len(drawn) >= 200
    written = int(re.search(r'data-drawn-labels="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    if graph == "movies 200":
        assert written == 200  # every name written at the first drawing
    else:
        assert 100 < written < len(drawn)  # the answers, topics and hubs first; the rest on zooming in
    names = {n.id: n for n in v.nodes}
    boxes = {nid: box for nid, (_, _, _, box) in drawn.items() if box is not None}
    assert len(boxes) == written
    for nid, (x0, _, x1, _) in boxes.items():  # the browser's measured width is within the estimate
        bold = nid in v.answers or nid in v.topics
        assert x1 - x0 <= text_width(short(names[nid].name), bold=bold) + 0.5, nid
    for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2):
        assert not (ba[0] < bb[2] and bb[0] < ba[2] and ba[1] < bb[3] and bb[1] < ba[3]), (a, b)
    if graph == "movies 200":
        for a, box in boxes.items():  # nor over another node's disc
            for b, (x, y, r, _) in drawn.items():
                if a != b:
                    assert not (box[0] < x + r and x - r < box[2] and box[1] < y + r and y - r < box[3]), (
                        a,
                        b,
                    )


@pytest.mark.parametrize("kind", ["edge", "path", "answer", "star"])
def test_small_views_use_the_full_width(
    kind: str, store: MemoryStore, settings: Settings, tmp_path: Path
) -> None:
    from kgreason.types import Edge, Node, Subgraph

    if kind == "edge":
        v = view(Subgraph((Node("a"), Node("b")), (Edge("a", "knows", "b"),)))
    elif kind == "path":
        v = view(store.paths_between("alice", "france", max_hops=3)[0])
    elif kind == "answer":
        v = view(Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice"))
    else:
        v = view(store.subgraph(["alice"], hops=1))
    dom = dump_dom(export_html(v, tmp_path / f"{kind}.html"), tmp_path / "profile")
    width = float(re.search(r'data-stage="(\d+)x\d+"', dom).group(1))  # type: ignore[union-attr]
    assert width > 900  # the stage is as wide as the 1000-px window, less the page's padding
    drawn = drawn_boxes(dom)
    left = min(x - r for x, _, r, _ in drawn.values())
    right = max(box[2] if box else x + r for x, _, r, box in drawn.values())
    assert (right - left) / width > 0.9, (kind, left, right, width)  # was a fifth for small views

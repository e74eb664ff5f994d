"""A real browser draws exported views: headless Chromium opens the HTML offline and the graph is there.

Checks the DOM after the layout ran (every node listed as drawn, inside the canvas, the highlighted path)
and a screenshot (not blank: node colours and the path colour are on screen in real numbers of pixels).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _browser import count_pixels, dump_dom, read_png, screenshot
from _notebook_data import QUESTION, load_family

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.notebook import export_html, view
from kgreason.notebook.view import PALETTE
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

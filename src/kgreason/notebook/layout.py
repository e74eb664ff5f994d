"""Where each node of a graph view goes: a force-directed layout with label boxes that never overlap.

The layout runs in Python (numpy), so the page only draws it: the same data gives the same picture, and
the guarantee can be checked on the page's data. Each node is one box in pixels: its disc and its name
written to its right, the name's width estimated from its characters (an upper bound for the 11 px
sans-serif the page uses). Boxes are placed so that no two of them overlap, within a drawing
``width`` pixels wide that grows downwards as far as the graph needs.

Steps: a Fruchterman-Reingold spring layout (numpy, deterministic start), turned so that its long axis
is horizontal, each axis moved part of the way towards evenly spaced ranks (a spring layout crowds the
middle), scaled so the boxes take about half of the area; pairs of overlapping boxes pushed apart along
their shallower axis for a few rounds; then, top to bottom, any box still overlapping one already placed
moved to the nearest free spot (rows near it first; below everything placed a row is empty, so this
always ends).

The page may stretch the layout to fill its frame (each axis by its own factor). Stretching by factors
of one or more moves box centres apart and never together, so the boxes still do not overlap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FONT_PX = 11
"""Height of the node names' font, in pixels (the page draws them at this size)."""

LABEL_GAP = 3
"""Pixels between a node's disc and its name."""

LABEL_HEIGHT = 14
"""Height of a name's box: the font plus room for descenders."""

MARGIN = 3
"""Free pixels kept around every box."""

WIDTH = 900
"""Width of the layout in pixels: views in JupyterLab, the classic notebook and VS Code are about as
wide or wider, and the page stretches the layout to the width it gets."""

# Advance widths as a fraction of the font size, rounded up from Arial/Helvetica/DejaVu Sans (the
# widest of the usual sans-serif fonts for each class), so the estimate is an upper bound.
_NARROW = set("iIjl.,:;'!|ft()[]{}` ")
_WIDE = set("MWmw@%")


def char_width(ch: str) -> float:
    """Upper bound of one character's width, in units of the font size."""
    if ch in _NARROW:
        return 0.42
    if ch in _WIDE:
        return 1.0
    if ch.isascii():
        return 0.8 if ch.isupper() else 0.64
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.05
    if unicodedata.combining(ch):
        return 0.0
    return 0.9


def text_width(text: str, font_px: float = FONT_PX, *, bold: bool = False) -> float:
    """Upper bound of the width of ``text`` in pixels, written in a sans-serif font of ``font_px``."""
    width = sum(char_width(c) for c in text) * font_px
    return width * (1.1 if bold else 1.0)


@dataclass(frozen=True)
class Box:
    """A node's box relative to its centre: ``left``/``right``/``up``/``down`` are distances in pixels."""

    left: float
    right: float
    up: float
    down: float


def node_box(radius: float, label: str, *, bold: bool = False) -> Box:
    """The box of a node drawn as a disc of ``radius`` with ``label`` written to its right."""
    half_height = max(radius, LABEL_HEIGHT / 2) + MARGIN
    right = radius + (LABEL_GAP + text_width(label, bold=bold) if label else 0.0) + MARGIN
    return Box(radius + MARGIN, right, half_height, half_height)


@dataclass(frozen=True)
class Layout:
    """Node centres in pixels (``x`` in ``[0, width]``, ``y`` in ``[0, height]``) and their boxes."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    boxes: tuple[Box, ...]
    width: float
    height: float


def spring(n: int, edges: Sequence[tuple[int, int]], *, iterations: int | None = None) -> np.ndarray:
    """Fruchterman-Reingold positions of ``n`` nodes in about the unit square (deterministic)."""
    if n == 0:
        return np.zeros((0, 2))
    i = np.arange(n)
    # Sunflower spiral start: no random state, and no two nodes on the same spot.
    pos = np.stack([np.sqrt(i + 0.5) * np.cos(i * 2.399963), np.sqrt(i + 0.5) * np.sin(i * 2.399963)], 1)
    pos /= max(1.0, float(np.abs(pos).max()))
    if n == 1:
        return pos
    pairs = np.array([(a, z) for a, z in edges if a != z], dtype=int).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    k = 1.0 / math.sqrt(n)
    steps = iterations or (60 if n <= 300 else 30)
    temp = 0.1
    x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
    for _ in range(steps):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        f = np.float32(k * k) / np.maximum(dx * dx + dy * dy, np.float32(1e-6))  # repulsion k^2/d, over d
        np.fill_diagonal(f, 0.0)
        mx = (f * dx).sum(1) - x * 0.05  # a little gravity keeps separate components close
        my = (f * dy).sum(1) - y * 0.05
        ex, ey = x[src] - x[dst], y[src] - y[dst]  # attraction d^2/k along each edge
        pull = np.sqrt(ex * ex + ey * ey) / k
        np.add.at(mx, src, -ex * pull)
        np.add.at(my, src, -ey * pull)
        np.add.at(mx, dst, ex * pull)
        np.add.at(my, dst, ey * pull)
        length = np.maximum(np.sqrt(mx * mx + my * my), 1e-9)
        cap = np.minimum(length, temp) / length
        x += mx * cap
        y += my * cap
        temp = max(temp * 0.95, 0.002)
    return np.stack([x, y], 1).astype(float)


def _orient(pos: np.ndarray) -> np.ndarray:
    """Turn so the long axis is horizontal, then stretch each axis to ``[0, 1]``."""
    if len(pos) < 2:
        return np.zeros_like(pos)
    centred = pos - pos.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    turned = centred @ vt.T
    span = np.maximum(turned.max(0) - turned.min(0), 1e-9)
    turned = (turned - turned.min(0)) / span
    if span[1] / span[0] < 1e-6:  # all on one line
        turned[:, 1] = 0.5
    return np.asarray(turned)


EVEN = 0.7
"""How far positions move towards an even spread (0: as the springs left them, 1: their ranks)."""


def _even(pos: np.ndarray, share: float) -> np.ndarray:
    """Spread crowded positions: each axis moves ``share`` of the way to its evenly spaced ranks.

    A spring layout packs hubs and their neighbours in the middle and leaves the edges empty; the
    boxes then collide there. Ranks keep every node's order along each axis and space them evenly.
    """
    if len(pos) < 3:
        return pos
    ranks = np.argsort(np.argsort(pos, axis=0, kind="stable"), axis=0, kind="stable") / (len(pos) - 1)
    return np.asarray((1 - share) * pos + share * ranks)


def _overlaps(x: np.ndarray, y: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j) whose boxes overlap, with the overlap along x and along y.

    A sweep down the drawing: only boxes whose vertical extents meet are compared, so a tall drawing of
    many nodes costs about as many comparisons as it has boxes.
    """
    n = len(x)
    top, bottom = y - b[:, 2], y + b[:, 3]
    order = np.argsort(top, kind="stable")
    ends = np.searchsorted(top[order], bottom[order], side="left")  # boxes starting above my bottom
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    first = np.repeat(np.arange(n), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    i, j = order[first], order[first + 1 + offset]
    cx, cy = x + (b[:, 1] - b[:, 0]) / 2, y + (b[:, 3] - b[:, 2]) / 2
    hw, hh = (b[:, 0] + b[:, 1]) / 2, (b[:, 2] + b[:, 3]) / 2
    ox = hw[i] + hw[j] - np.abs(cx[i] - cx[j])
    oy = hh[i] + hh[j] - np.abs(cy[i] - cy[j])
    hit = (ox > 0) & (oy > 0)
    return i[hit], j[hit], np.stack([ox[hit], oy[hit]], 1)


def _push_apart(x: np.ndarray, y: np.ndarray, b: np.ndarray, width: float, rounds: int) -> None:
    """Move overlapping pairs apart along the axis where they overlap least (in place)."""
    lo, hi = b[:, 0], width - b[:, 1]
    for _ in range(rounds):
        i, j, o = _overlaps(x, y, b)
        if len(i) == 0:
            return
        dx, dy = np.zeros(len(x)), np.zeros(len(x))
        along_x = o[:, 0] <= o[:, 1]
        cxi, cxj = x[i] + (b[i, 1] - b[i, 0]) / 2, x[j] + (b[j, 1] - b[j, 0]) / 2
        cyi, cyj = y[i] + (b[i, 3] - b[i, 2]) / 2, y[j] + (b[j, 3] - b[j, 2]) / 2
        sx = np.where(cxi < cxj, -1.0, np.where(cxi > cxj, 1.0, np.where(i < j, -1.0, 1.0)))
        sy = np.where(cyi < cyj, -1.0, np.where(cyi > cyj, 1.0, np.where(i < j, -1.0, 1.0)))
        step = (np.where(along_x, o[:, 0], o[:, 1]) + 0.5) / 2
        np.add.at(dx, i, np.where(along_x, sx * step, 0))
        np.add.at(dx, j, np.where(along_x, -sx * step, 0))
        np.add.at(dy, i, np.where(along_x, 0, sy * step))
        np.add.at(dy, j, np.where(along_x, 0, -sy * step))
        x += dx
        y += dy
        np.clip(x, lo, np.maximum(lo, hi), out=x)
        y -= min(0.0, float((y - b[:, 2]).min()))


def _settle(x: np.ndarray, y: np.ndarray, b: np.ndarray, width: float) -> None:
    """Move every box that still overlaps one placed before it to the nearest free spot (in place).

    Boxes are placed top to bottom. A box that overlaps one already placed tries heights near its own,
    nearest first, a batch of them at a time; in each row the centres the placed boxes forbid are
    marked on a one-pixel grid of the drawing's width, so the nearest free centre of every row of the
    batch comes out at once. Below everything placed a row is empty: the search always ends.
    """
    order = np.argsort(y, kind="stable")
    placed = np.zeros(len(x), dtype=bool)
    step = 3.0
    for k in order:
        p = np.nonzero(placed)[0]
        placed[k] = True
        hit = (
            (x[k] - b[k, 0] < x[p] + b[p, 1])
            & (x[p] - b[p, 0] < x[k] + b[k, 1])
            & (y[k] - b[k, 2] < y[p] + b[p, 3])
            & (y[p] - b[p, 2] < y[k] + b[k, 3])
        )
        if not hit.any():
            continue
        left, right = x[p] - b[p, 0] - b[k, 1], x[p] + b[p, 1] + b[k, 0]  # centres in between clash
        first, batch, reach = 0, 8, 120.0
        while True:  # a few rows and columns near the box first, then more and wider
            lo = math.ceil(max(b[k, 0], x[k] - reach))
            cols = np.arange(lo, max(lo, math.floor(min(width - b[k, 1], x[k] + reach))) + 1, dtype=float)
            t = np.arange(first, first + batch)
            dys = (t + 1) // 2 * step * np.where(t % 2 == 1, 1.0, -1.0)
            cy = y[k] + dys
            near = np.nonzero((y[p] - b[p, 2] < cy.max() + b[k, 3]) & (y[p] + b[p, 3] > cy.min() - b[k, 2]))[
                0
            ]
            q = p[near]
            rows, which = np.nonzero(
                (y[q][None, :] - b[q, 2][None, :] < cy[:, None] + b[k, 3])
                & (y[q][None, :] + b[q, 3][None, :] > cy[:, None] - b[k, 2])
            )
            which = near[which]
            # integer centres c with left < c < right: from floor(left) + 1 up to ceil(right) - 1
            start = np.clip(np.floor(left[which]) + 1 - lo, 0, len(cols)).astype(int)
            stop = np.clip(np.ceil(right[which]) - lo, 0, len(cols)).astype(int)
            keep = start < stop
            marks = np.zeros((batch, len(cols) + 1))
            np.add.at(marks, (rows[keep], start[keep]), 1.0)
            np.add.at(marks, (rows[keep], stop[keep]), -1.0)
            blocked = np.cumsum(marks[:, :-1], axis=1) > 0.5
            blocked[cy - b[k, 2] < 0] = True  # above the top of the drawing
            dist = np.hypot(cols[None, :] - x[k], dys[:, None])
            dist[blocked] = np.inf
            best = int(np.argmin(dist))
            if np.isfinite(dist.flat[best]):
                row, col = divmod(best, len(cols))
                x[k], y[k] = cols[col], cy[row]
                break
            first += batch
            batch, reach = min(batch * 2, 64), reach * 2


def layout(
    radii: Sequence[float],
    labels: Sequence[str],
    edges: Sequence[tuple[int, int]],
    *,
    bold: Sequence[bool] | None = None,
    width: float = WIDTH,
    aspect: float = 2.0,
    density: float = 0.45,
) -> Layout:
    """Lay out nodes (discs of ``radii`` named ``labels``) joined by ``edges`` (index pairs).

    Args:
        radii: each node's disc radius in pixels.
        labels: each node's name, written under its disc.
        edges: pairs of node indices.
        bold: which names are written in bold (wider).
        width: the drawing's width in pixels; its height is what the graph needs.
        aspect: the shape aimed at (width / height) for graphs small enough to have the choice.
        density: the share of the area the boxes take before they are pushed apart.

    Returns:
        A ``Layout`` whose boxes do not overlap.
    """
    n = len(radii)
    if n == 0:
        return Layout((), (), (), 0.0, 0.0)
    heavy = bold or [False] * n
    boxes = [node_box(r, s, bold=h) for r, s, h in zip(radii, labels, heavy, strict=True)]
    b = np.array([[bx.left, bx.right, bx.up, bx.down] for bx in boxes])
    area = float(((b[:, 0] + b[:, 1]) * (b[:, 2] + b[:, 3])).sum()) / density
    widest = float((b[:, 0] + b[:, 1]).max())
    w = min(max(math.sqrt(area * aspect), widest), max(width, widest))
    h = max(area / w, float((b[:, 2] + b[:, 3]).max()))
    pos = _even(_orient(spring(n, edges)), EVEN)
    x = b[:, 0] + pos[:, 0] * max(0.0, w - widest)
    y = b[:, 2] + pos[:, 1] * max(0.0, h - float((b[:, 2] + b[:, 3]).max()))
    _push_apart(x, y, b, w, rounds=30 if n <= 300 else 10)
    _settle(x, y, b, w)
    x -= float((x - b[:, 0]).min())
    y -= float((y - b[:, 2]).min())
    return Layout(
        tuple(float(v) for v in x),
        tuple(float(v) for v in y),
        tuple(boxes),
        float((x + b[:, 1]).max()),
        float((y + b[:, 3]).max()),
    )


def overlapping(lay: Layout) -> list[tuple[int, int]]:
    """Index pairs of nodes whose boxes overlap (empty for every layout ``layout`` returns)."""
    b = np.array([[bx.left, bx.right, bx.up, bx.down] for bx in lay.boxes]).reshape(-1, 4)
    i, j, _ = _overlaps(np.array(lay.x), np.array(lay.y), b)
    return list(zip(i.tolist(), j.tolist(), strict=True))

"""Where each node of a graph view goes: a force-directed layout with label boxes that never overlap.

The layout runs in Python (numpy), so the page only draws it: the same data gives the same picture, and
the guarantee can be checked on the page's data. Each node is one box in pixels: its disc and its name
written under it, the name's width estimated from its characters (an upper bound for the 11 px
sans-serif the page uses). Boxes are placed so that no two of them overlap, within a drawing
``width`` pixels wide that grows downwards as far as the graph needs.

Steps: a Fruchterman-Reingold spring layout (numpy, deterministic start), turned so that its long axis
is horizontal and stretched to the drawing's shape; scaled so the boxes take about half of the area;
pairs of overlapping boxes pushed apart along their shallower axis; any box still overlapping then
moved to the nearest free spot (a search that always ends, since the drawing may grow downwards).

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
    adj = np.zeros((n, n))
    for a, b in edges:
        if a != b:
            adj[a, b] = adj[b, a] = 1.0
    k = 1.0 / math.sqrt(n)
    steps = iterations or (60 if n <= 300 else 40)
    temp = 0.1
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    for _ in range(steps):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist2 = np.maximum(dx * dx + dy * dy, 1e-6)
        # repulsion k^2/d and attraction d^2/k along the unit vector: both as a factor on (dx, dy)
        f = k * k / dist2 - adj * np.sqrt(dist2) / k
        np.fill_diagonal(f, 0.0)
        mx = (f * dx).sum(1) - x * 0.05  # a little gravity keeps separate components close
        my = (f * dy).sum(1) - y * 0.05
        length = np.maximum(np.sqrt(mx * mx + my * my), 1e-9)
        cap = np.minimum(length, temp) / length
        x += mx * cap
        y += my * cap
        temp = max(temp * 0.95, 0.002)
    pos = np.stack([x, y], 1)
    return pos


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


def _overlaps(x: np.ndarray, y: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) whose boxes overlap, with the overlap along x and along y."""
    cx, cy = x + (b[:, 1] - b[:, 0]) / 2, y + (b[:, 3] - b[:, 2]) / 2
    hw, hh = (b[:, 0] + b[:, 1]) / 2, (b[:, 2] + b[:, 3]) / 2
    ox = hw[:, None] + hw[None, :] - np.abs(cx[:, None] - cx[None, :])
    oy = hh[:, None] + hh[None, :] - np.abs(cy[:, None] - cy[None, :])
    hit = np.triu((ox > 0) & (oy > 0), 1)
    i, j = np.nonzero(hit)
    return i, j, np.stack([ox[i, j], oy[i, j]], 1)


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


def _nearest_free_x(x0: float, lo: float, hi: float, starts: np.ndarray, ends: np.ndarray) -> float | None:
    """The point of ``[lo, hi]`` nearest ``x0`` outside every open interval ``(starts[i], ends[i])``."""
    if not len(starts):
        return min(hi, max(lo, x0))
    order = np.argsort(starts)
    merged: list[list[float]] = []
    for a, z in zip(starts[order].tolist(), ends[order].tolist(), strict=True):
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], z)
        else:
            merged.append([a, z])
    candidates = [min(hi, max(lo, x0))] + [v for a, z in merged for v in (a, z) if lo <= v <= hi]
    best = None
    for c in sorted(candidates, key=lambda v: abs(v - x0)):
        if not any(a < c < z for a, z in merged):
            best = c
            break
    return best


def _settle(x: np.ndarray, y: np.ndarray, b: np.ndarray, width: float) -> None:
    """Move every box that still overlaps one placed before it to the nearest free spot (in place).

    Boxes are placed top to bottom. A box that overlaps one already placed tries heights near its own
    (nearest first); at each height the free stretches of the row are exact intervals, so the nearest
    free spot of that row is found at once. Below everything placed there is always room: it ends.
    """
    order = np.argsort(y, kind="stable")
    placed = np.zeros(len(x), dtype=bool)
    step = 3.0
    for k in order:
        lo, hi = b[k, 0], max(b[k, 0], width - b[k, 1])
        x0, y0 = x[k], y[k]
        best: tuple[float, float, float] | None = None
        for t in range(100_000):
            dy = (t + 1) // 2 * step * (1 if t % 2 else -1)
            if best is not None and (abs(dy) >= best[0] or t >= 24):
                break  # nothing nearer can come; or near enough, and looking further costs time
            cy = y0 + dy
            if cy - b[k, 2] < 0:
                continue
            p = np.nonzero(placed & (y - b[:, 2] < cy + b[k, 3]) & (y + b[:, 3] > cy - b[k, 2]))[0]
            cx = _nearest_free_x(x0, lo, hi, x[p] - b[p, 0] - b[k, 1], x[p] + b[p, 1] + b[k, 0])
            if cx is not None:
                dist = math.hypot(cx - x0, dy)
                if best is None or dist < best[0]:
                    best = (dist, cx, cy)
        assert best is not None
        x[k], y[k] = best[1], best[2]
        placed[k] = True


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
    pos = _orient(spring(n, edges))
    x = b[:, 0] + pos[:, 0] * max(0.0, w - widest)
    y = b[:, 2] + pos[:, 1] * max(0.0, h - float((b[:, 2] + b[:, 3]).max()))
    _push_apart(x, y, b, w, rounds=60)
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

"""One colour per node label, the same in every view: chosen from the label's name, not from the view.

A label's colour is a slot of ``PALETTE`` picked by a hash of its name (blake2b, so it is the same in
every process and on every machine). Two labels whose hashes pick the same slot would look alike, so
the first of them to be drawn in this Python process keeps its slot and the other one takes the next
free slot in an order that also comes from its own hash. A label keeps the colour it was given for
the rest of the process, whatever view it appears in, whatever other labels are there and in whatever
order they come. Only when ``PALETTE`` is used up (more labels than colours) do two labels share one.
Nodes without a label of their own (``Entity``) are grey.

Colours can be pinned: ``label_colors.pin("Drug", "#1f77b4")``.
"""

from __future__ import annotations

import hashlib
import re
import threading

from kgreason.errors import InputError
from kgreason.types import DEFAULT_LABEL

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#e15759",
    "#1f77b4",
    "#8cd17d",
    "#b6992d",
    "#499894",
    "#d37295",
    "#86bcb6",
    "#f1ce63",
    "#a0cbe8",
    "#ffbe7d",
    "#d4a6c8",
    "#6b4c9a",
)
"""The colours labels are given (Tableau's 10 and 10 more that are told apart from them)."""

UNLABELLED = "#a0a4a8"
"""The colour of nodes that carry only the default label."""

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def preference(label: str) -> list[int]:
    """The palette slots ``label`` takes, best first: every slot once, in an order from its name alone."""
    digest = hashlib.blake2b(label.encode("utf-8"), digest_size=8).digest()
    first = int.from_bytes(digest[:4], "big") % len(PALETTE)
    stride = 1 + int.from_bytes(digest[4:], "big") % (len(PALETTE) - 1)
    while _gcd(stride, len(PALETTE)) != 1:  # a stride prime to the size visits every slot
        stride = stride % (len(PALETTE) - 1) + 1
    return [(first + k * stride) % len(PALETTE) for k in range(len(PALETTE))]


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


class LabelColors:
    """Label → colour, assigned once per label (see the module docstring); safe to share between threads."""

    def __init__(self) -> None:
        self._colors: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str) -> str:
        """The colour of ``label`` (assigned now if it has none yet)."""
        if label == DEFAULT_LABEL:
            return UNLABELLED
        with self._lock:
            found = self._colors.get(label)
            if found is None:
                taken = set(self._colors.values())
                slots = preference(label)
                free = [s for s in slots if PALETTE[s] not in taken]
                found = PALETTE[(free or slots)[0]]
                self._colors[label] = found
            return found

    def pin(self, label: str, color: str) -> None:
        """Give ``label`` the colour ``color`` (``#rrggbb``) from now on.

        Raises:
            InputError: ``color`` is not a ``#rrggbb`` colour.
        """
        if not _HEX.fullmatch(color):
            raise InputError(f"not a #rrggbb colour: {color!r}")
        with self._lock:
            self._colors[label] = color.lower()

    def assigned(self) -> dict[str, str]:
        """The labels given a colour so far in this process, with their colours."""
        with self._lock:
            return dict(self._colors)


label_colors = LabelColors()
"""The colours every view of this Python process uses."""

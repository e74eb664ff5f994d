"""Declare entry points for a test, the way an installed distribution does, without installing anything.

``declare_entry_points`` writes a minimal ``<name>-<version>.dist-info`` (``METADATA`` and
``entry_points.txt``) into a directory; put that directory on ``sys.path`` (``monkeypatch.syspath_prepend``)
or on ``PYTHONPATH`` of a subprocess and ``kgreason.registry`` finds the names, as it finds a real plugin::

    site = declare_entry_points(tmp_path, {"kgreason.strategies": {"mine": "my_pkg:MyStrategy"}})
    monkeypatch.syspath_prepend(str(site))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path


def declare_entry_points(
    directory: Path,
    groups: Mapping[str, Mapping[str, str]],
    *,
    distribution: str = "kgr-test-plugins",
    version: str = "0.0",
) -> Path:
    """Write a dist-info declaring ``groups`` (``{group: {name: "module:attribute"}}``) under ``directory``.

    Returns ``directory`` (the folder to put on the path). Raises ``ValueError`` on a name or target that
    an ``entry_points.txt`` cannot hold.
    """
    lines: list[str] = []
    for group, names in groups.items():
        lines.append(f"[{group}]")
        for name, target in names.items():
            if not re.fullmatch(r"[\w.-]+", name) or not re.fullmatch(r"[\w.]+(:[\w.]+)?", target):
                raise ValueError(f"entry point {name!r} = {target!r}: not a 'module:attribute' entry point")
            lines.append(f"{name} = {target}")
        lines.append("")
    info = directory / f"{re.sub(r'[-.]+', '_', distribution)}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return directory

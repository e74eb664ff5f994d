"""A name -> factory registry per extension point, read from entry points only.

Each extension point is an entry-point group (``kgreason.graph_backends``, ``kgreason.llm_backends``,
``kgreason.strategies``, ``kgreason.domains``). kgreason declares its own built-ins in its
``pyproject.toml`` exactly as a third-party distribution declares a plugin; a built-in is simply an entry
point that the ``kgreason`` distribution provides. Names are listed without importing anything; a plugin is
imported only when asked for, and a broken one is reported then (``PluginError``), not at start-up.

The entry points exist once the package is installed (``pip install -e .`` for a source checkout); a
checkout that was never installed has none, and ``load`` says so.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points
from typing import Any

from kgreason.errors import NotFoundError, PluginError, suggest

GROUPS = ("kgreason.graph_backends", "kgreason.llm_backends", "kgreason.strategies", "kgreason.domains")
DISTRIBUTION = "kgreason"
"""The distribution whose entry points are the built-ins."""


@dataclass(frozen=True)
class PluginInfo:
    group: str
    name: str
    target: str
    builtin: bool


@cache
def _builtin_entry_points() -> frozenset[tuple[str, str, str]]:
    """(group, name, target) of every entry point the installed kgreason declares (read once)."""
    try:
        eps = distribution(DISTRIBUTION).entry_points
    except PackageNotFoundError:
        return frozenset()
    return frozenset((ep.group, ep.name, ep.value) for ep in eps)


def _is_builtin(ep: EntryPoint) -> bool:
    return (ep.group, ep.name, ep.value) in _builtin_entry_points()


def available(group: str) -> dict[str, PluginInfo]:
    """Every name in ``group``, without importing any plugin.

    When two distributions declare the same name, kgreason's own entry point wins (a plugin cannot
    silently replace a built-in); between third parties the first one found on ``sys.path`` wins.
    """
    found: dict[str, PluginInfo] = {}
    for ep in entry_points(group=group):
        info = PluginInfo(group, ep.name, ep.value, _is_builtin(ep))
        if ep.name not in found or (info.builtin and not found[ep.name].builtin):
            found[ep.name] = info
    return dict(sorted(found.items()))


def load(group: str, name: str) -> Any:
    """Import and return the object registered as ``name`` in ``group``."""
    known = available(group)
    info = known.get(name)
    if info is None:
        short = group.rsplit(".", 1)[-1]  # strategies -> strategy, graph_backends -> graph backend
        kind = ("strategy" if short == "strategies" else short.removesuffix("s")).replace("_", " ")
        error = NotFoundError(kind, name, suggest(name, list(known)))
        if error.hint is None and known:  # nothing close: name them all
            error.hint = f"known: {', '.join(sorted(known))}"
        if not any(p.builtin for g in GROUPS for p in available(g).values()):
            error.hint = (
                "kgreason's entry points are missing: install the package (pip install -e . in a source "
                "checkout)"
            )
        raise error
    module_name, _, attr = info.target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
    except Exception as exc:  # a broken plugin is reported when used
        raise PluginError(f"plugin {name!r} ({info.target}) failed to load: {exc}") from exc
    return obj

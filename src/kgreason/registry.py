"""A name -> factory registry per extension point, backed by entry points.

Each extension point is an entry-point group (``kgreason.graph_backends``, ``kgreason.llm_backends``,
``kgreason.strategies``, ``kgreason.domains``). Names are listed without importing anything; a plugin is
imported only when asked for, and a broken one is reported then (``PluginError``), not at start-up.
Built-in names are also known without installation metadata, so a source checkout works.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from kgreason.errors import NotFoundError, PluginError, suggest

GROUPS = ("kgreason.graph_backends", "kgreason.llm_backends", "kgreason.strategies", "kgreason.domains")

# Built-ins, as "module:attribute", so they resolve even when the package is not installed.
_BUILTINS: dict[str, dict[str, str]] = {
    "kgreason.graph_backends": {
        "memory": "kgreason.graph.memory:MemoryStore",
        "neo4j": "kgreason.graph.neo4j_store:Neo4jStore",
    },
    "kgreason.llm_backends": {},
    "kgreason.strategies": {
        "retrieve": "kgreason.fusion.retrieve:RetrieveStrategy",
        "gnn": "kgreason.fusion.gnn:GnnStrategy",
        "multihop": "kgreason.fusion.multihop:MultihopStrategy",
    },
    "kgreason.domains": {
        "ddi": "kgreason.domains.ddi:DdiPack",
    },
}


def register_builtin(group: str, name: str, target: str) -> None:
    """Declare a built-in ``name`` in ``group`` as ``"module:attribute"`` (loaded lazily)."""
    _BUILTINS.setdefault(group, {})[name] = target


@dataclass(frozen=True)
class PluginInfo:
    group: str
    name: str
    target: str
    builtin: bool


def available(group: str) -> dict[str, PluginInfo]:
    """Every name in ``group``, without importing any plugin."""
    found: dict[str, PluginInfo] = {
        name: PluginInfo(group, name, target, True) for name, target in _BUILTINS.get(group, {}).items()
    }
    for ep in entry_points(group=group):
        if ep.name not in found or found[ep.name].target != ep.value:
            found.setdefault(ep.name, PluginInfo(group, ep.name, ep.value, False))
    return dict(sorted(found.items()))


def load(group: str, name: str) -> Any:
    """Import and return the object registered as ``name`` in ``group``."""
    known = available(group)
    info = known.get(name)
    if info is None:
        short = group.rsplit(".", 1)[-1]  # strategies -> strategy, graph_backends -> graph backend
        kind = ("strategy" if short == "strategies" else short.removesuffix("s")).replace("_", " ")
        raise NotFoundError(kind, name, suggest(name, list(known)))
    module_name, _, attr = info.target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
    except Exception as exc:  # a broken plugin is reported when used
        raise PluginError(f"plugin {name!r} ({info.target}) failed to load: {exc}") from exc
    return obj

"""Shared CLI plumbing: global state, settings, config defaults, progress, completion and JSON printing."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kgreason.config import Settings
from kgreason.errors import InputError, KgrError, MissingExtra


@dataclass
class _State:
    debug: bool = False
    quiet: bool = False


state = _State()


def settings() -> Settings:
    """Settings from the environment and the config file (environment first), read at the edge."""
    return Settings.from_config()


def print_json(data: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def error_json(
    exc: KgrError | None, *, kind: str | None = None, message: str = "", hint: str | None = None
) -> None:
    """Print ``{"error": {"type", "message", "hint"}}`` on stdout: how a failure reads under ``--json``."""
    if exc is not None:
        kind, message, hint = type(exc).__name__, exc.message, exc.hint
    print_json({"error": {"type": kind, "message": message, "hint": hint}})


def note(message: str) -> None:
    """A side remark for people (``wrote 20 questions to ...``) on stderr; silenced by ``kgr --quiet``."""
    if not state.quiet:
        print(message, file=sys.stderr)


def parse_key_values(items: list[str], flag: str) -> dict[str, Any]:
    """``KEY=VALUE`` pairs from a repeatable option; a value is JSON when it parses, else a string."""
    out: dict[str, Any] = {}
    for item in items:
        key, eq, raw = item.partition("=")
        if not eq or not key:
            raise InputError(
                f"bad {flag} {item!r}", hint=f"use KEY=VALUE, e.g. {flag} hops=2 or {flag} name='\"x\"'"
            )
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def require_extra(extra: str, *modules: str) -> None:
    """Fail now, with the install command, when a module of the optional ``extra`` is not installed."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtra(extra, module)


def progress(enabled: bool = True) -> Any:
    """A rich progress display on stderr (bar, n/total, time left); inert when stderr is not a terminal
    or under ``kgr --quiet``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),
        disable=not enabled or state.quiet or not sys.stderr.isatty(),
    )


@contextlib.contextmanager
def spinner(text: str, enabled: bool = True) -> Iterator[None]:
    """A spinner with ``text`` on stderr while a slow step runs (Neo4j start, a drop); inert when stderr is
    not a terminal, under ``--json`` (pass ``enabled=False``) or under ``kgr --quiet``."""
    if not enabled or state.quiet or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield


# -- defaults from the config file and the environment ---------------------------------------------------
def config_default_map(command: Any, config: Settings) -> dict[str, Any]:
    """Click ``default_map`` for ``command``'s tree: the configured graph, store, llm and model.

    Only keys set in the environment or the config file are applied, and only to options that mean the
    same thing as the key: a required ``--graph`` (not a pack's graph, which has its own default), and a
    ``--store``/``--llm``/``--model`` whose built-in default is the key's (so ``graph query``'s
    ``--store neo4j``, the store that runs Cypher, stays).
    """
    from kgreason.config import CONFIG_KEYS

    values = {k: getattr(config, k) for k in config.configured}
    if not values:
        return {}

    def walk(cmd: Any) -> dict[str, Any]:
        subs = getattr(cmd, "commands", None)
        if subs is not None:
            return {name: m for name, sub in subs.items() if (m := walk(sub))}
        out: dict[str, Any] = {}
        for param in getattr(cmd, "params", ()):
            key = param.name
            if key not in values:
                continue
            if key == "graph":
                if param.required:
                    out[key] = values[key]
            elif param.default in (None, CONFIG_KEYS[key].default):
                out[key] = values[key]
        return out

    return walk(command)


# -- shell completion ------------------------------------------------------------------------------------
def complete_graph(ctx: Any, incomplete: str) -> list[str]:
    """Graph names on the command's store (``--store`` when given first, else the configured one)."""
    try:
        from kgreason.graph.open import open_store

        config = settings()
        store = (ctx.params.get("store") if ctx is not None else None) or config.store
        names = open_store("kgr", store, config).list_graphs()
    except Exception:  # completion must never fail loudly (a stopped Neo4j, a bad config file)
        return []
    return [n for n in names if n.startswith(incomplete)]


def complete_strategy(incomplete: str) -> list[str]:
    """Registered strategy names (built-in and plugins), without importing any of them."""
    from kgreason import registry

    return [n for n in registry.available("kgreason.strategies") if n.startswith(incomplete)]


def complete_store(incomplete: str) -> list[str]:
    """Registered graph-store backend names."""
    from kgreason import registry

    return [n for n in registry.available("kgreason.graph_backends") if n.startswith(incomplete)]

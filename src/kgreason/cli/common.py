"""Shared CLI plumbing: global state, settings, store options and JSON printing."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from kgreason.config import Settings
from kgreason.errors import InputError


@dataclass
class _State:
    debug: bool = False


state = _State()


def settings() -> Settings:
    """Settings from the environment, read at the edge."""
    return Settings.from_env()


def print_json(data: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


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


def progress(enabled: bool = True) -> Any:
    """A rich progress display on stderr (bar, n/total, time left); inert when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),
        disable=not enabled or not sys.stderr.isatty(),
    )

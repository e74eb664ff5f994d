"""Shared CLI plumbing: global state, settings, store options and JSON printing."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from kgreason.config import Settings


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

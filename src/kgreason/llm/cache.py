"""On-disk response cache: one JSON file per request, keyed by a sha256 of the canonical request.

The key covers the backend, the model, the messages, the JSON schema and every sampling parameter, so
any change to one of them is a miss. Entries are written atomically (temporary file + ``os.replace``)
so concurrent writers never leave a half-written file. Only validated results are stored.

Layout: ``<Settings.cache_dir>/llm/<key[:2]>/<key>.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgreason.config import private_dir

if TYPE_CHECKING:
    from kgreason.config import Settings
    from kgreason.llm.requests import ChatRequest

CACHE_FORMAT = 1


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(
    backend: str, model: str, request: ChatRequest, variant: Mapping[str, Any] | None = None
) -> str:
    """sha256 hex digest of everything that determines a reply.

    ``variant`` holds backend options that change the reply text (e.g. llama.cpp's JSON whitespace).
    """
    payload: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "backend": backend,
        "model": model,
        "request": request.to_dict(),
    }
    if variant:
        payload["variant"] = dict(variant)
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


class ResponseCache:
    """A directory of cached replies.

    Args:
        root: the cache directory (created on first write).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def for_settings(cls, settings: Settings) -> ResponseCache:
        """The cache under ``settings.cache_dir / "llm"``."""
        return cls(settings.cache_dir / "llm")

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored entry, or ``None`` on a miss (an unreadable entry counts as a miss)."""
        try:
            with self.path(key).open(encoding="utf-8") as fh:
                entry = json.load(fh)
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` atomically."""
        target = self.path(key)
        private_dir(target.parent)  # 0700, like everything kgreason creates under KGR_HOME
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(canonical_json(entry))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def __len__(self) -> int:
        if not self.root.is_dir():
            return 0
        return sum(1 for _ in self.root.glob("*/*.json"))

    def clear(self) -> int:
        """Delete every entry; return how many were removed."""
        n = 0
        if self.root.is_dir():
            for p in self.root.glob("*/*.json"):
                p.unlink(missing_ok=True)
                n += 1
        return n

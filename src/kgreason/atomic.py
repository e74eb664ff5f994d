"""Atomic file writes: the old file stays intact until the new one is complete and on disk.

Every file kgreason saves (graphs, exports, QA sets, vector indexes, caches) goes through
``atomic_write``: write a temporary file in the same directory, flush and fsync it, rename it over the
target, then fsync the directory, so a crash at any point leaves either the old or the new file.
The file is readable by its owner only (0600) and any directory created for it is 0700.

Temporary files are named ``.NAME.RANDOM.tmp`` next to the target (``temp_glob`` matches them), so a
store can find the ones a killed process left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from kgreason.config import private_dir

TEMP_SUFFIX = ".tmp"


def temp_glob(name: str) -> str:
    """Glob pattern of the temporary files ``atomic_write`` makes for a target named ``name``."""
    return f".{name}.*{TEMP_SUFFIX}"


@overload
def atomic_write(path: Path, mode: Literal["wb"] = "wb") -> contextlib.AbstractContextManager[IO[bytes]]: ...
@overload
def atomic_write(path: Path, mode: Literal["w"]) -> contextlib.AbstractContextManager[IO[str]]: ...


def atomic_write(path: Path, mode: str = "wb") -> contextlib.AbstractContextManager[Any]:
    """Context manager yielding a file to write ``path`` through (``mode`` ``"wb"`` or ``"w"`` UTF-8)."""
    return _atomic(path, mode)


@contextlib.contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO[Any]]:
    if mode not in ("w", "wb"):
        raise ValueError("mode must be 'w' or 'wb'")
    private_dir(path.parent)
    # mkstemp creates the file 0600, and os.replace keeps that mode.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        fh: IO[Any] = os.fdopen(fd, "w", encoding="utf-8") if mode == "w" else os.fdopen(fd, "wb")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)

"""An exclusive write lock on a file that several processes rewrite: ``flock`` on a sibling ``.lock`` file.

The memory store holds one per graph from its first write until its save, so two writers (two ``kgr graph
load`` at once) take turns instead of overwriting each other. The lock is advisory (only kgreason honours
it) and dies with its file descriptor, so a killed writer never leaves a graph locked. The lock file is
never deleted: a process waiting on a deleted lock file and one locking its replacement would both win.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kgreason.errors import GraphError

# Lock files this process holds, with the thread that took each: a second lock on the same file in the
# same thread would wait for itself forever, so it is refused at once instead.
_HELD: dict[str, int] = {}
_GUARD = threading.Lock()


def _forget(key: str, thread: int) -> None:
    with _GUARD:
        if _HELD.get(key) == thread:
            del _HELD[key]


class WriteLock:
    """An exclusive lock on ``path`` (created 0600 if missing), taken by ``acquire`` and given back by
    ``release``.

    Args:
        path: the lock file.
        what: what it protects, for messages (``graph 'movies'``).
        timeout_s: how long ``acquire`` waits for another holder before raising ``GraphError``.
    """

    def __init__(self, path: Path, *, what: str, timeout_s: float = 600.0) -> None:
        self.path = path
        self.what = what
        self.timeout_s = timeout_s
        self._fh: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> None:
        """Take the lock (a no-op if held), waiting up to ``timeout_s`` for another process.

        Raises:
            GraphError: another process held it for ``timeout_s``, or another lock object of this thread
                holds it (waiting would never end).
        """
        if self._fh is not None:
            return
        key = str(self.path.resolve())
        me = threading.get_ident()
        with _GUARD:
            if _HELD.get(key) == me:
                raise GraphError(
                    f"{self.what} has unsaved writes in another store object of this thread",
                    hint="flush() or close() that store before writing through this one",
                )
        fh = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "rb+")
        deadline = time.monotonic() + self.timeout_s
        delay = 0.01
        try:
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise GraphError(
                            f"{self.what} is being written by another process "
                            f"(waited {self.timeout_s:g}s for {self.path})",
                            hint="wait for the other load to finish, then retry",
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.2)
        except BaseException:
            fh.close()
            raise
        with _GUARD:
            _HELD[key] = me
        self._fh = fh
        weakref.finalize(self, _forget, key, me)  # a lock dropped without release() frees its entry

    def release(self) -> None:
        """Give the lock back (a no-op if not held)."""
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        _forget(str(self.path.resolve()), threading.get_ident())
        fh.close()  # closing the descriptor releases the flock


@contextlib.contextmanager
def held_if_free(path: Path) -> Iterator[bool]:
    """Hold the lock on ``path`` for the block if nobody holds it; yields whether it does.

    A missing lock file counts as free (and is not created).
    """
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        yield True
        return
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True

"""Run ``kgr`` in the test process, through the console entry point (``kgreason.cli.app.main``).

A ``kgr`` subprocess pays an interpreter start and its imports again (the CLI, and for some commands
torch and MiniLM: tens of seconds on a busy 2-core box); tests about a command's behaviour, not about the
process, run it here instead and get back what the subprocess would have given: the exit code, stdout and
stderr (an exception that escapes ``main`` is printed as a traceback with exit code 1, as the interpreter
does). Tests about the process itself keep a subprocess: the installed ``kgr`` script and shell
completion, what a fresh interpreter imports, plugins found on another ``PYTHONPATH``, hidden extras.

``env`` is the environment the subprocess would have been given, applied over the test's: every
``KGR_*`` variable it does not name is removed for the call (``KGR_CONFIG`` too when it names ``HOME`` or
``XDG_CONFIG_HOME``, so the config file is found under that home, as it would be), the rest are set, and
everything is restored afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path


@contextlib.contextmanager
def _environment(env: Mapping[str, str], cwd: Path | None) -> Iterator[None]:
    saved, here = dict(os.environ), Path.cwd()
    own_config = any(k in env for k in ("HOME", "XDG_CONFIG_HOME"))
    for name in list(os.environ):
        if name.startswith("KGR_") and (name != "KGR_CONFIG" or own_config):
            del os.environ[name]
    if own_config:
        os.environ.pop("XDG_CONFIG_HOME", None)
    os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(saved)


def _call_main(args: tuple[str, ...]) -> int:
    from kgreason.cli.app import main
    from kgreason.cli.common import state

    state.debug = state.quiet = False  # the root callback sets them; a usage error can come first
    try:
        main(list(args))
        return 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        state.debug = state.quiet = False


def run_kgr(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` in this process; what ``subprocess.run([... "kgr", *args], capture_output=True,
    text=True, env=env)`` would return."""
    out, err = io.StringIO(), io.StringIO()
    with _environment(env or {}, cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _call_main(args)
    return subprocess.CompletedProcess(["kgr", *args], code, out.getvalue(), err.getvalue())


def run_kgr_on_terminal(args: list[str], env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """``kgr ARGS`` in this process with stderr on a pseudo-terminal (so spinners and progress bars
    draw) and stdout discarded; return (exit code, what was drawn on the terminal)."""
    import pty

    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read while the command writes: a full pty buffer would block it
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    terminal = open(follower, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (closed below)
    try:
        with (
            _environment(env or {}, None),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(terminal),
        ):
            code = _call_main(tuple(args))
        terminal.flush()
    finally:
        terminal.close()
        os.close(follower)
    reader.join(timeout=30)
    os.close(leader)
    return code, b"".join(chunks).decode("utf-8", "replace")

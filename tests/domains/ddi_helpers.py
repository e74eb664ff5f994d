"""Helpers shared by the domain-pack tests (a module, not a conftest, so it imports unambiguously)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ddi"
ROOT = Path(__file__).resolve().parents[2]


def run_kgr(
    *args: str, home: Path, data: Path | None = FIXTURES, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the real entry point (exit codes included), with an isolated KGR_HOME."""
    env = {"KGR_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HF_HUB_OFFLINE": "1"}
    if data is not None:
        env["KGR_DDI_DATA"] = str(data)
    for key in ("KGR_NEO4J_USER", "KGR_NEO4J_PASSWORD"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )

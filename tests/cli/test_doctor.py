"""`kgr doctor`: reports what is really installed and reachable, and never prints a secret."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from kgr_cli import run_kgr

SECRETS = {
    "KGR_NEO4J_PASSWORD": "pw-s3cr3t-1",
    "OPENAI_API_KEY": "sk-s3cr3t-2",
    "KGR_OPENAI_API_KEY": "sk-s3cr3t-3",
}


def doctor(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"KGR_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", "doctor", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=120,
    )


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}


def test_doctor_json_reports_the_real_environment(tmp_path: Path) -> None:
    r = doctor(tmp_path / "home", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True
    checks = by_name(report)
    assert checks["python"]["level"] == "ok" and platform.python_version() in checks["python"]["detail"]
    assert checks["KGR_HOME"]["detail"].startswith(str(tmp_path / "home"))

    java = shutil.which("java")
    if java:
        first = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        assert checks["java"]["detail"] == first
    else:
        assert checks["java"]["level"] == "warn" and "Java 17" in checks["java"]["hint"]
    assert (checks["maven"]["level"] == "ok") == (shutil.which("mvn") is not None)

    from kgreason.llm import models

    smol = models.status(models.get("smollm2-135m"), tmp_path / "home" / "models")
    assert (checks["smollm2-135m"]["level"] == "ok") == smol["ready"]

    torch_installed = True
    try:
        metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_installed = False
    assert (checks["torch"]["level"] == "ok") == torch_installed
    assert checks["notebook"]["level"] == "ok"  # this test run has the notebook extra
    assert "pandas" in checks["notebook"]["detail"]
    assert checks["local neo4j"]["detail"] == "not running"  # nothing started under this fresh KGR_HOME
    assert {c["section"] for c in report["checks"]} >= {"python", "neo4j", "models", "gpu", "extras"}


def test_doctor_never_prints_secrets_and_hides_uri_credentials(tmp_path: Path) -> None:
    uri = "bolt://alice:uri-s3cr3t-4@127.0.0.1:1"
    for args in (("--json",), ()):
        r = doctor(tmp_path / "home", *args, KGR_NEO4J_URI=uri, **SECRETS)
        assert r.returncode == 0, r.stderr
        for secret in [*SECRETS.values(), "uri-s3cr3t-4", "alice:"]:
            assert secret not in r.stdout and secret not in r.stderr
    checks = by_name(json.loads(doctor(tmp_path / "home", "--json", KGR_NEO4J_URI=uri, **SECRETS).stdout))
    assert checks["KGR_NEO4J_URI"]["detail"] == "bolt://127.0.0.1:1 (not reachable)"
    assert checks["KGR_NEO4J_URI"]["level"] == "warn"
    for var in SECRETS:
        assert checks[var]["detail"] == "set (value hidden)"


def test_doctor_human_output_has_hints(tmp_path: Path) -> None:
    r = doctor(tmp_path / "home", KGR_NEO4J_URI="bolt://127.0.0.1:1")
    assert r.returncode == 0, r.stderr
    assert "python" in r.stdout and "KGR_NEO4J_URI" in r.stdout
    assert "hint: start it with `kgr neo4j start`" in r.stdout


@pytest.mark.neo4j
def test_doctor_reaches_a_running_neo4j(tmp_path: Path, neo4j_uri: str) -> None:
    checks = by_name(json.loads(doctor(tmp_path / "home", "--json", KGR_NEO4J_URI=neo4j_uri).stdout))
    assert checks["KGR_NEO4J_URI"]["level"] == "ok"
    assert checks["KGR_NEO4J_URI"]["detail"].endswith("(port open)")


def test_extras_come_from_pyproject_when_kgreason_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from kgreason.cli import doctor_cmd

    def missing(name: str) -> Any:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(doctor_cmd.metadata, "distribution", missing)
    found = doctor_cmd.extras()
    assert any(r.startswith("pandas") for r in found["notebook"])
    assert any(r.startswith("xllamacpp") for r in found["llm"])


def test_doctor_deep_asks_torch_for_cuda(tmp_path: Path) -> None:
    # through the entry point in this process (see kgr_cli): torch is imported once, not again by a child
    home = tmp_path / "home"
    r = run_kgr("doctor", "--json", "--deep", env={"KGR_HOME": str(home), "HOME": str(home)})
    checks = by_name(json.loads(r.stdout))
    import torch

    assert checks["torch.cuda"]["detail"].startswith(f"cuda available: {torch.cuda.is_available()}")

"""``kgr doctor``: what is installed and reachable (Python, Java, Maven, Neo4j, models, GPU, extras).

Every check is cheap and imports nothing heavy: packages are looked up through their metadata, torch is
imported only with ``--deep``. Secrets are never printed: for passwords and API keys only "set" or "not
set" is shown, and a Neo4j URI is shown without any user:password part. Each check has a level:
``ok``, ``warn`` (an optional part is missing: the hint says how to add it) or ``error`` (kgreason
cannot work: the command exits 1).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from kgreason.cli.common import print_json, settings
from kgreason.config import Settings

SECRET_ENV = ("KGR_NEO4J_PASSWORD", "NEO4J_AUTH_PASSWORD", "KGR_OPENAI_API_KEY", "OPENAI_API_KEY")
"""Environment variables whose values are never shown, only whether they are set."""


@dataclass
class Check:
    """One line of the report."""

    section: str
    name: str
    level: str  # ok | warn | error | info
    detail: str
    hint: str = ""


def _run(cmd: list[str], timeout: float = 20.0) -> tuple[int, str]:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def public_uri(uri: str) -> str:
    """``uri`` with any password masked (what may be printed); see ``kgreason.config.redact_uri``."""
    from kgreason.config import redact_uri

    return redact_uri(uri) if urlsplit(uri).scheme else "(unparsable URI)"


def port_open(uri: str, timeout: float = 2.0) -> bool:
    """Whether a TCP connection to the URI's host and port opens (no authentication attempted)."""
    parts = urlsplit(uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 7687), timeout=timeout):
            return True
    except (OSError, ValueError):  # ValueError: a port that is not a number
        return False


def check_python() -> list[Check]:
    import kgreason

    ok = sys.version_info >= (3, 11)
    return [
        Check(
            "python",
            "python",
            "ok" if ok else "error",
            f"{platform.python_version()} ({sys.executable})",
            "" if ok else "kgreason needs Python 3.11+",
        ),
        Check(
            "python",
            "kgreason",
            "ok",
            f"{_version('kgreason') or 'source checkout'} ({Path(kgreason.__file__).parent})",
        ),
    ]


def home_problem(home: Path) -> str | None:
    """Why kgreason could not write under ``home``, or None; found by really writing (as root,
    ``os.access`` says yes to everything), without leaving anything behind."""
    import tempfile

    probe = home
    while not probe.exists():
        if probe.parent == probe:
            return "no existing parent directory"
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    try:
        if probe == home:
            fd, name = tempfile.mkstemp(prefix=".kgr-doctor-", dir=home)
            os.close(fd)
            os.unlink(name)
        else:  # KGR_HOME is created on first use: check its nearest existing parent takes a directory
            os.rmdir(tempfile.mkdtemp(prefix=".kgr-doctor-", dir=probe))
    except OSError as exc:
        return f"cannot write in {probe}: {exc.strerror or exc}"
    return None


def check_home(s: Settings) -> list[Check]:
    home = s.home
    problem = home_problem(home)
    graphs = sorted(p.stem for p in s.graphs_dir.glob("*.kgr")) if s.graphs_dir.is_dir() else []
    detail = f"{home} ({'exists' if home.exists() else 'not created yet'}; {len(graphs)} memory graph(s))"
    return [
        Check(
            "config",
            "KGR_HOME",
            "ok" if problem is None else "error",
            detail if problem is None else f"{home}: {problem}",
            "" if problem is None else "set KGR_HOME to a writable directory",
        )
    ]


def check_java() -> list[Check]:
    from kgreason.graph.neo4j_local import _JAVA_HINT, _MVN_HINT

    out: list[Check] = []
    java = shutil.which("java")
    if java is None:
        out.append(Check("neo4j", "java", "warn", "not found", _JAVA_HINT))
    else:
        _, text = _run([java, "-version"])
        m = re.search(r'version "(\d+)(?:\.(\d+))?', text)
        major = int(m.group(1)) if m else 0
        if major == 1 and m and m.group(2):  # "1.8" style
            major = int(m.group(2))
        first = text.splitlines()[0] if text else "?"
        ok = major >= 17
        out.append(Check("neo4j", "java", "ok" if ok else "warn", first, "" if ok else _JAVA_HINT))
    mvn = shutil.which("mvn")
    if mvn is None:
        out.append(Check("neo4j", "maven", "warn", "not found", _MVN_HINT))
    else:
        _, text = _run([mvn, "-v", "-B"])
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # some Maven builds colour even in batch mode
        out.append(Check("neo4j", "maven", "ok", text.splitlines()[0] if text else mvn))
    return out


def check_neo4j(s: Settings) -> list[Check]:
    from kgreason.errors import KgrError
    from kgreason.graph.neo4j_local import LocalNeo4j, find_server_dir

    out: list[Check] = []
    try:
        server = find_server_dir()
        lib = server / "lib"
        jars = sorted(lib.glob("neo4j-5*.jar"))
        if any(lib.glob(".complete-*")) and jars:
            out.append(Check("neo4j", "neo4j jars", "ok", f"{jars[0].name} in {lib}"))
        else:
            hint = f"run `bash {server / 'fetch.sh'}` (or `kgr neo4j start`, which fetches them)"
            out.append(Check("neo4j", "neo4j jars", "warn", "not fetched", hint))
    except KgrError as exc:
        out.append(Check("neo4j", "neo4j jars", "warn", exc.message, exc.hint or ""))
    status = LocalNeo4j(s).status()
    if status["running"]:
        out.append(
            Check(
                "neo4j",
                "local neo4j",
                "ok",
                f"running at {public_uri(str(status['uri']))} (pid {status['pid']})",
            )
        )
    else:
        out.append(Check("neo4j", "local neo4j", "info", "not running", "start it with `kgr neo4j start`"))
    if s.neo4j.uri:
        shown = public_uri(s.neo4j.uri)
        up = port_open(s.neo4j.uri)
        out.append(
            Check(
                "neo4j",
                "KGR_NEO4J_URI",
                "ok" if up else "warn",
                f"{shown} ({'port open' if up else 'not reachable'})",
                "" if up else "check the server is up and the URI is right",
            )
        )
    for var in SECRET_ENV:
        if os.environ.get(var):
            out.append(Check("config", var, "info", "set (value hidden)"))
    return out


def check_models(s: Settings) -> list[Check]:
    from kgreason.embed.model_files import INSTALL_HINT, bundled_model_dir
    from kgreason.errors import KgrError
    from kgreason.llm import models

    out: list[Check] = []
    for model in models.CATALOGUE.values():
        st = models.status(model, s.models_dir)
        if st["ready"]:
            out.append(Check("models", model.name, "ok", f"ready: {st['path']}"))
        else:
            level = "warn" if st["default"] else "info"
            hint = f"kgr llm models install {model.name}"
            out.append(Check("models", model.name, level, f"not ready (parts {st['parts_installed']})", hint))
    try:
        out.append(Check("models", "MiniLM encoder", "ok", str(bundled_model_dir())))
    except KgrError as exc:
        out.append(Check("models", "MiniLM encoder", "warn", exc.message, INSTALL_HINT))
    llama = _version("xllamacpp")
    out.append(
        Check(
            "models",
            "llama.cpp runtime",
            "ok" if llama else "warn",
            f"xllamacpp {llama}" if llama else "xllamacpp not installed",
            "" if llama else "pip install 'kgreason[llm]'",
        )
    )
    return out


def check_gpu(deep: bool) -> list[Check]:
    out: list[Check] = []
    torch_v, pyg_v = _version("torch"), _version("torch-geometric") or _version("torch_geometric")
    out.append(
        Check(
            "gpu",
            "torch",
            "ok" if torch_v else "info",
            f"torch {torch_v}" if torch_v else "not installed",
            "" if torch_v else "pip install 'kgreason[gnn]' for the gnn strategy",
        )
    )
    out.append(Check("gpu", "torch_geometric", "ok" if pyg_v else "info", pyg_v or "not installed"))
    smi = shutil.which("nvidia-smi")
    if smi:
        rc, text = _run([smi, "-L"], timeout=10)
        gpus = [line for line in text.splitlines() if line.startswith("GPU")]
        out.append(
            Check("gpu", "nvidia", "ok" if rc == 0 and gpus else "info", "; ".join(gpus) or text[:200])
        )
    else:
        out.append(Check("gpu", "nvidia", "info", "no nvidia-smi: CPU only"))
    if deep and torch_v:
        try:
            import torch

            cuda = bool(torch.cuda.is_available())
            detail = f"cuda available: {cuda}" + (f" ({torch.cuda.get_device_name(0)})" if cuda else "")
            out.append(Check("gpu", "torch.cuda", "ok" if cuda else "info", detail))
        except Exception as exc:  # a broken torch install is a finding, not a crash
            out.append(Check("gpu", "torch.cuda", "warn", f"import failed: {exc}"))
    return out


def extras() -> dict[str, list[str]]:
    """The optional-dependency groups kgreason declares: from its installed metadata, or from the
    checkout's ``pyproject.toml`` when it runs from source without being installed."""
    found: dict[str, list[str]] = {}
    try:
        requires = metadata.distribution("kgreason").requires or []
    except metadata.PackageNotFoundError:
        return _extras_from_pyproject()
    for req in requires:
        m = re.search(r"""extra\s*==\s*["']([^"']+)["']""", req)
        if m:
            found.setdefault(m.group(1), []).append(req.split(";")[0].strip())
    return found


def _extras_from_pyproject() -> dict[str, list[str]]:
    import tomllib

    import kgreason

    pyproject = Path(kgreason.__file__).resolve().parents[2] / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    groups = data.get("project", {}).get("optional-dependencies", {})
    return {str(k): [str(r) for r in v] for k, v in groups.items()}


def _requirement_met(req: str) -> tuple[bool, str]:
    name = re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0]
    installed = _version(name)
    if installed is None:
        return False, f"{name} missing"
    try:
        from packaging.requirements import Requirement

        ok = Requirement(req).specifier.contains(installed, prereleases=True)
    except Exception:  # packaging absent or an odd requirement: presence is what we can tell
        ok = True
    return ok, f"{name} {installed}" + ("" if ok else f" (wants {req})")


def check_extras() -> list[Check]:
    out: list[Check] = []
    for extra, reqs in sorted(extras().items()):
        if extra == "all":
            continue
        results = [_requirement_met(r) for r in reqs if not r.startswith("kgreason")]
        missing = [text for ok, text in results if not ok]
        level = "ok" if not missing else "info"
        detail = ", ".join(text for _, text in results) if not missing else "; ".join(missing)
        hint = "" if not missing else f"pip install 'kgreason[{extra}]'"
        out.append(Check("extras", extra, level, detail, hint))
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    out.append(
        Check(
            "extras",
            "chromium",
            "ok" if browser else "info",
            browser or "not found (only the browser test needs it)",
            "" if browser else "apt-get install chromium",
        )
    )
    return out


def check_config_file() -> list[Check]:
    """The config file (``kgr config``): where it is and the defaults in effect, or what is wrong with it."""
    from kgreason.config import config_path, config_values
    from kgreason.errors import ConfigError

    path = config_path()
    try:
        values = config_values()
    except ConfigError as exc:
        return [Check("config", "config file", "error", exc.message, exc.hint or "")]
    shown = ", ".join(f"{k}={v} ({src})" for k, (v, src) in values.items() if src != "default")
    where = str(path) if path.is_file() else f"{path} (not written yet)"
    return [Check("config", "config file", "ok", f"{where}; {shown or 'built-in defaults'}")]


def collect(s: Settings, *, deep: bool = False) -> list[Check]:
    """Every check, in report order."""
    checks = check_python() + check_home(s) + check_config_file() + check_java() + check_neo4j(s)
    checks += check_models(s)
    return checks + check_gpu(deep) + check_extras()


def doctor(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    deep: bool = typer.Option(False, "--deep", help="Also import torch to ask for CUDA (slower)."),
) -> None:
    """Report what is installed and reachable: Python, Java, Maven, Neo4j, models, GPU, extras."""
    from kgreason.errors import ConfigError

    try:
        config = settings()
    except ConfigError:  # a broken config file: reported by check_config_file, the rest still runs
        config = Settings.from_env()
    checks = collect(config, deep=deep)
    failed = any(c.level == "error" for c in checks)
    if as_json:
        print_json({"ok": not failed, "checks": as_dicts(checks)})
    else:
        _print(checks)
    if failed:
        raise typer.Exit(1)


_MARK = {
    "ok": "[green]ok[/green]",
    "warn": "[yellow]!![/yellow]",
    "error": "[red]xx[/red]",
    "info": "[dim]--[/dim]",
}


def _print(checks: list[Check]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("", "section", "check", "detail"):
        table.add_column(col)
    for c in checks:
        detail = escape(c.detail) + (f"\n[dim]hint: {escape(c.hint)}[/dim]" if c.hint else "")
        table.add_row(_MARK.get(c.level, c.level), c.section, escape(c.name), detail)
    Console().print(table)


def as_dicts(checks: list[Check]) -> list[dict[str, Any]]:
    """The checks as plain dicts (the ``--json`` form)."""
    return [asdict(c) for c in checks]

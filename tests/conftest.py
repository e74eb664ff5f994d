"""Shared fixtures: an isolated KGR_HOME per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgreason.config import Settings


@pytest.fixture
def kgr_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "kgr-home"
    monkeypatch.setenv("KGR_HOME", str(home))
    yield home


@pytest.fixture
def settings(kgr_home: Path) -> Settings:
    return Settings.from_env()

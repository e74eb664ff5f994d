"""Fixtures for the domain-pack tests: the fixture ddi data, a loaded memory store, a `kgr` runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.graph.memory import MemoryStore

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ddi"


@pytest.fixture
def fixture_pack() -> DdiPack:
    return DdiPack(FIXTURES)


@pytest.fixture
def fixture_store(fixture_pack: DdiPack, settings: Settings) -> Iterator[MemoryStore]:
    store = MemoryStore("ddi_fixture", settings)
    fixture_pack.load(store)
    yield store
    store.close()


@pytest.fixture
def fixture_checker(fixture_pack: DdiPack, fixture_store: MemoryStore) -> DdiChecker:
    return DdiChecker(fixture_store, fixture_pack.ansm())

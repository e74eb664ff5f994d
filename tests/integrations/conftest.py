"""Run the async tests of LangChain's standard suites with pytest-asyncio.

LangChain's own packages set ``asyncio_mode = "auto"`` for the whole test run; this project keeps
pytest-asyncio in strict mode and marks only the standard suites' coroutine tests, here, before pytest
turns them into items (pytest's own collector runs last, so the mark is seen).
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest


def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> None:
    module = getattr(obj, "__module__", "") or ""
    if (
        isinstance(collector, pytest.Class)
        and name.startswith("test_")
        and module.startswith("langchain_tests.")
        and inspect.iscoroutinefunction(obj)
        and not any(m.name == "asyncio" for m in getattr(obj, "pytestmark", []))
    ):
        pytest.mark.asyncio(obj)

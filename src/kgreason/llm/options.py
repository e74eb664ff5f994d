"""Backend option models: nested, ``extra="forbid"`` so a misspelt option is an error, not a default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from kgreason.errors import ConfigError

OptionsT = TypeVar("OptionsT", bound="BackendOptions")


class BackendOptions(BaseModel):
    """Base of every backend's options."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_options(cls: type[OptionsT], backend: str, options: Mapping[str, Any] | None) -> OptionsT:
    """Validate ``options`` for ``backend``; a bad or unknown key raises ``ConfigError``."""
    try:
        return cls.model_validate(dict(options or {}))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(options)'}: {err['msg']}" for err in exc.errors()
        )
        known = ", ".join(sorted(cls.model_fields))
        raise ConfigError(f"bad {backend} option(s): {problems}", hint=f"known options: {known}") from None


def require(module: str, extra: str) -> Any:
    """Import ``module`` or raise ``ConfigError`` naming the extra/package that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"{module} is not installed ({exc})", hint=f"pip install 'kgreason[{extra}]'"
        ) from exc

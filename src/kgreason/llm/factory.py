"""Build a chat model by backend name (``--llm NAME``) through the plugin registry.

Every backend class (built-in or plugin) provides ``from_options(settings=, model=, cache=, meter=,
options=)``; options are validated by the backend's own ``extra="forbid"`` model. ``BaseChatModel``
subclasses inherit it and declare only their ``Options`` model (and ``model_needed`` when ``--model`` is
required).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from kgreason import registry
from kgreason.config import Settings
from kgreason.errors import PluginError
from kgreason.llm.base import BaseChatModel
from kgreason.llm.cache import ResponseCache
from kgreason.llm.usage import UsageMeter

GROUP = "kgreason.llm_backends"
DEFAULT_BACKEND = "llamacpp"


def backend_names() -> list[str]:
    """Every registered backend name (built-ins and installed plugins), without importing any."""
    return list(registry.available(GROUP))


def create_chat_model(
    name: str | None = None,
    *,
    settings: Settings | None = None,
    model: str | None = None,
    cache: bool = False,
    meter: UsageMeter | None = None,
    options: Mapping[str, Any] | None = None,
) -> BaseChatModel:
    """Construct the backend ``name`` (default: ``settings.llm``, i.e. ``llamacpp``).

    Args:
        name: backend name: ``llamacpp``, ``openai``, ``vllm``, ``transformers``, ``langchain`` or a plugin.
        settings: where models and the cache live; read from the environment when omitted.
        model: model name or path, as the backend understands it.
        cache: use the on-disk response cache under ``settings.cache_dir / "llm"`` (on for
            evaluation, off for interactive use).
        meter: a shared ``UsageMeter`` (a new one when omitted).
        options: backend options; unknown keys raise ``ConfigError``.

    Raises:
        NotFoundError: unknown backend name.
        PluginError: the backend failed to import or has no ``from_options``.
        ConfigError: bad options.
    """
    settings = settings if settings is not None else Settings.from_env()
    backend = name or settings.llm or DEFAULT_BACKEND
    cls = registry.load(GROUP, backend)
    factory = getattr(cls, "from_options", None)
    if factory is None:
        raise PluginError(f"LLM backend {backend!r} has no from_options() constructor")
    response_cache = ResponseCache.for_settings(settings) if cache else None
    built = factory(
        settings=settings, model=model, cache=response_cache, meter=meter, options=dict(options or {})
    )
    return cast(BaseChatModel, built)

"""Finding domain packs: the ``kgreason.domains`` entry-point group, listed without importing any pack.

``available_packs`` names every pack (built-in and installed distributions) without importing them;
``get_pack`` imports one when asked and checks that it really is a ``DomainPack``, so a broken
third-party pack is reported (``PluginError``) when it is used, never at start-up.
"""

from __future__ import annotations

from kgreason import registry
from kgreason.domains.pack import DomainPack
from kgreason.errors import NotFoundError, PluginError

GROUP = "kgreason.domains"


def available_packs() -> dict[str, registry.PluginInfo]:
    """Every pack name with where it comes from, without importing any pack."""
    return registry.available(GROUP)


def get_pack(name: str) -> DomainPack:
    """The pack registered as ``name``, instantiated.

    Raises:
        NotFoundError: no pack has that name (with close names as suggestions).
        PluginError: the pack fails to import, or does not provide a ``DomainPack``.
    """
    try:
        obj = registry.load(GROUP, name)
    except NotFoundError as exc:
        raise NotFoundError("domain pack", name, exc.suggestions) from None
    if isinstance(obj, DomainPack):
        return obj
    if callable(obj):
        try:
            pack = obj()
        except Exception as exc:
            raise PluginError(f"domain pack {name!r} failed to initialise: {exc}") from exc
        if isinstance(pack, DomainPack):
            return pack
        obj = pack
    raise PluginError(
        f"domain pack {name!r} provides {type(obj).__name__}, not a kgreason.domains.DomainPack"
    )

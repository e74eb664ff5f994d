"""Domain packs: the ``DomainPack`` plugin API (entry-point group ``kgreason.domains``) and built-in packs.

A pack declares its graph schema, loads its data into any store, and brings mechanism rules, Cypher
templates, prompts, answer checks, an optional CLI sub-app and a golden test set. The built-in ``ddi``
pack checks drug–drug interactions (``kgreason.domains.ddi``); ``check_pack`` is the contract every pack,
built-in or third-party, is tested against.
"""

from kgreason.domains.contract import check_pack
from kgreason.domains.discovery import available_packs, get_pack
from kgreason.domains.pack import (
    DomainPack,
    GoldenCase,
    LinkPredictor,
    MechanismRule,
    PackData,
    PackLoadReport,
    PackSchema,
)
from kgreason.types import PredictedEdge

__all__ = [
    "DomainPack",
    "GoldenCase",
    "LinkPredictor",
    "MechanismRule",
    "PackData",
    "PackLoadReport",
    "PackSchema",
    "PredictedEdge",
    "available_packs",
    "check_pack",
    "get_pack",
]

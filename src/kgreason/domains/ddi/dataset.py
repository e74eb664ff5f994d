"""The ddi pack's data files, read and cross-checked: drugs, targets, effects, PK and PD facts, curated
pairs, the golden set, and the sources every fact names.

The format is the one in the pack's data directory (``kgreason/domains/ddi/data/*.tsv``): UTF-8 TSV with a
header, ``|``-separated lists, ``#`` comments. ``load_dataset`` validates every row; structural problems
(an unknown drug, target or effect id, a bad strength, an unknown source id) are collected as
``file:line: reason`` strings in ``DdiData.problems`` (or raised as ``InputError`` with ``strict=True``),
and the offending row is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kgreason.domains.pack import GoldenCase
from kgreason.domains.tsv import Row, read_tsv

SEVERITIES = ("minor", "moderate", "major", "contraindicated")
"""Interaction severities, lowest first."""
RANK = {s: i for i, s in enumerate(SEVERITIES)}
PK_RELATIONS = ("INHIBITS", "INDUCES", "SUBSTRATE_OF", "ACTIVATED_BY")
MODULATOR_STRENGTHS = ("strong", "moderate", "weak")
SUBSTRATE_SENSITIVITIES = ("sensitive", "moderate", "minor")
PD_LEVELS = ("known", "possible")
TARGET_KINDS = ("enzyme", "transporter")
LIST_POTENCIES = ("strong", "moderate", "weak")
"""Potency of a drug's contribution to a whole-list effect (``list_effects.tsv``), weights 3/2/1."""
LIST_ALERT_KINDS = ("shared", "combination")
FILES = (
    "sources", "targets", "effects", "drugs", "pk", "pd", "curated", "golden", "list_effects", "list_alerts",
)  # fmt: skip


def data_dir() -> Path:
    """The directory of the pack's bundled data files."""
    return Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    citation: str


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Effect:
    id: str
    name: str
    pair_severity: str
    mechanism: str
    management: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Drug:
    id: str
    name: str
    brands: tuple[str, ...]
    synonyms: tuple[str, ...]
    drug_class: str
    narrow_ti: bool


@dataclass(frozen=True)
class PkFact:
    drug: str
    relation: str
    target: str
    strength: str
    source: tuple[str, ...]
    note: str = ""
    time_dependent: bool = False
    """Time-dependent (mechanism-based) inhibition: it builds over days and outlasts the drug."""


@dataclass(frozen=True)
class PdFact:
    drug: str
    effect: str
    level: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class CuratedPair:
    drug_a: str
    drug_b: str
    severity: str
    mechanism: str
    via: tuple[str, ...]
    management: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class ListEffect:
    """A drug's contribution to a whole-list effect (``list_effects.tsv``): effects that matter only
    when several drugs add up (diuretic volume depletion in the triple whammy), or a finer potency
    than ``pd.tsv``'s level (CredibleMeds known risk of torsades)."""

    drug: str
    effect: str
    potency: str
    source: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class ListAlertDef:
    """One whole-list alert (``list_alerts.tsv``).

    ``shared``: at least ``min_drugs`` drugs carry ``effect`` and their potency score reaches
    ``min_score``; graded ``severity``, one level up (never above major) from ``escalate_score``.
    ``combination``: a named combination (the triple whammy): each of ``roles`` (effect ids) is carried
    by a different drug of the list; graded ``severity``.
    """

    id: str
    kind: str
    effect: str
    roles: tuple[str, ...]
    min_drugs: int
    min_score: int
    severity: str
    escalate_score: int | None
    name: str
    mechanism: str
    management: str
    source: tuple[str, ...]


@dataclass
class DdiData:
    """Everything in the data directory, validated."""

    directory: Path
    sources: dict[str, Source] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    effects: dict[str, Effect] = field(default_factory=dict)
    drugs: dict[str, Drug] = field(default_factory=dict)
    pk: list[PkFact] = field(default_factory=list)
    pd: list[PdFact] = field(default_factory=list)
    curated: list[CuratedPair] = field(default_factory=list)
    golden: list[GoldenCase] = field(default_factory=list)
    list_effects: list[ListEffect] = field(default_factory=list)
    list_alerts: list[ListAlertDef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Checker:
    def __init__(self, data: DdiData, strict: bool) -> None:
        self.data = data
        self.strict = strict

    def problem(self, row: Row, reason: str) -> None:
        if self.strict:
            raise row.error(reason)
        self.data.problems.append(f"{row.path}:{row.line}: {reason}")

    def one_of(self, row: Row, column: str, allowed: tuple[str, ...]) -> str | None:
        value = row.get(column).lower()
        if value not in allowed:
            self.problem(row, f"{column} {row.get(column)!r} is not one of {list(allowed)}")
            return None
        return value

    def known(self, row: Row, column: str, table: dict[str, object], what: str) -> str | None:
        value = row.get(column)
        if value not in table:
            self.problem(row, f"unknown {what} id {value!r} in {column!r}")
            return None
        return value

    def sources(self, row: Row, column: str = "source") -> tuple[str, ...]:
        ids = row.items(column)
        if not ids:
            self.problem(row, f"no {column!r}: every fact names its source")
        for s in ids:
            if s not in self.data.sources:
                self.problem(row, f"unknown source id {s!r}")
        return ids


def load_dataset(directory: Path | None = None, *, strict: bool = False) -> DdiData:
    """Read and cross-check the data files in ``directory`` (default: the bundled ones).

    Raises:
        InputError: a file is missing or unreadable, a header lacks a column, or (``strict``) any row
            is invalid.
    """
    root = directory or data_dir()
    data = DdiData(root)
    c = _Checker(data, strict)
    for row in read_tsv(root / "sources.tsv", ("id", "title")):
        data.sources[row.required("id")] = Source(row.get("id"), row.get("title"), row.get("citation"))
    for row in read_tsv(root / "targets.tsv", ("id", "name", "kind")):
        kind = c.one_of(row, "kind", TARGET_KINDS)
        if kind is not None:
            tid = row.required("id")
            data.targets[tid] = Target(tid, row.get("name") or tid, kind, row.items("aliases"))
    for row in read_tsv(root / "effects.tsv", ("id", "name", "pair_severity", "mechanism", "management")):
        sev = c.one_of(row, "pair_severity", SEVERITIES)
        if sev is not None:
            eid = row.required("id")
            data.effects[eid] = Effect(
                eid,
                row.get("name") or eid,
                sev,
                row.get("mechanism"),
                row.get("management"),
                row.items("source"),
            )
    for row in read_tsv(root / "drugs.tsv", ("id", "name")):
        did = row.required("id")
        if did in data.drugs:
            c.problem(row, f"duplicate drug id {did!r}")
            continue
        if did in data.targets or did in data.effects:
            c.problem(row, f"drug id {did!r} is also a target or effect id")
            continue
        data.drugs[did] = Drug(
            did,
            row.get("name") or did,
            row.items("brands"),
            row.items("synonyms"),
            row.get("drug_class"),
            row.get("narrow_ti").lower() in ("yes", "true", "1"),
        )
    _read_facts(data, c)
    _read_list(data, c)
    _read_golden(data, c)
    return data


def _int(c: _Checker, row: Row, column: str, default: int | None) -> int | None:
    text = row.get(column)
    if not text:
        return default
    if not text.isdigit():
        c.problem(row, f"{column} {text!r} is not a whole number")
        return default
    return int(text)


def _read_list(data: DdiData, c: _Checker) -> None:
    """The whole-list files (optional: a data directory without them has no whole-list alerts)."""
    root = data.directory
    if (root / "list_effects.tsv").exists():
        for row in read_tsv(root / "list_effects.tsv", ("drug", "effect", "potency", "source")):
            drug = c.known(row, "drug", data.drugs, "drug")  # type: ignore[arg-type]
            effect = c.known(row, "effect", data.effects, "effect")  # type: ignore[arg-type]
            potency = c.one_of(row, "potency", LIST_POTENCIES)
            sources = c.sources(row)
            if drug and effect and potency:
                data.list_effects.append(ListEffect(drug, effect, potency, sources, row.get("note")))
    if not (root / "list_alerts.tsv").exists():
        return
    columns = ("id", "kind", "effect", "severity", "name", "mechanism", "management", "source")
    for row in read_tsv(root / "list_alerts.tsv", columns):
        kind = c.one_of(row, "kind", LIST_ALERT_KINDS)
        effect = c.known(row, "effect", data.effects, "effect")  # type: ignore[arg-type]
        sev = c.one_of(row, "severity", SEVERITIES)
        roles = row.items("roles")
        for r in roles:
            if r not in data.effects:
                c.problem(row, f"unknown role effect id {r!r}")
        if kind == "combination" and len(roles) < 2:
            c.problem(row, "a combination needs two or more 'roles'")
            continue
        sources = c.sources(row)
        min_drugs = _int(c, row, "min_drugs", len(roles) if kind == "combination" else 3)
        min_score = _int(c, row, "min_score", 0)
        if kind and effect and sev and min_drugs is not None and min_score is not None:
            data.list_alerts.append(
                ListAlertDef(
                    row.required("id"),
                    kind,
                    effect,
                    roles,
                    min_drugs,
                    min_score,
                    sev,
                    _int(c, row, "escalate_score", None),
                    row.get("name") or effect,
                    row.get("mechanism"),
                    row.get("management"),
                    sources,
                )
            )


def _read_facts(data: DdiData, c: _Checker) -> None:
    root = data.directory
    for row in read_tsv(root / "pk.tsv", ("drug", "relation", "target", "strength", "source")):
        relation = c.one_of(row, "relation", tuple(r.lower() for r in PK_RELATIONS))
        drug = c.known(row, "drug", data.drugs, "drug")  # type: ignore[arg-type]
        target = c.known(row, "target", data.targets, "target")  # type: ignore[arg-type]
        substrate = relation in ("substrate_of", "activated_by")
        allowed = SUBSTRATE_SENSITIVITIES if substrate else MODULATOR_STRENGTHS
        strength = c.one_of(row, "strength", allowed) if relation else None
        sources = c.sources(row)
        inhibition = row.get("inhibition").lower()
        if inhibition not in ("", "time_dependent"):
            c.problem(row, f"inhibition {inhibition!r} is not 'time_dependent' or empty")
        if relation and drug and target and strength:
            tdi = inhibition == "time_dependent" and relation == "inhibits"
            data.pk.append(PkFact(drug, relation.upper(), target, strength, sources, row.get("note"), tdi))
    for row in read_tsv(root / "pd.tsv", ("drug", "effect", "level", "source")):
        drug = c.known(row, "drug", data.drugs, "drug")  # type: ignore[arg-type]
        effect = c.known(row, "effect", data.effects, "effect")  # type: ignore[arg-type]
        level = c.one_of(row, "level", PD_LEVELS)
        sources = c.sources(row)
        if drug and effect and level:
            data.pd.append(PdFact(drug, effect, level, sources))
    vias = {**data.targets, **data.effects}
    columns = ("drug_a", "drug_b", "severity", "mechanism", "via", "management", "source")
    for row in read_tsv(root / "curated.tsv", columns):
        a = c.known(row, "drug_a", data.drugs, "drug")  # type: ignore[arg-type]
        b = c.known(row, "drug_b", data.drugs, "drug")  # type: ignore[arg-type]
        sev = c.one_of(row, "severity", SEVERITIES)
        for v in row.items("via"):
            if v not in vias:
                c.problem(row, f"unknown via id {v!r} (not a target or effect)")
        sources = c.sources(row)
        if a and b and sev:
            data.curated.append(
                CuratedPair(a, b, sev, row.get("mechanism"), row.items("via"), row.get("management"), sources)
            )


def _read_golden(data: DdiData, c: _Checker) -> None:
    path = data.directory / "golden.tsv"
    if not path.exists():
        return
    for row in read_tsv(path, ("drug_a", "drug_b", "expected")):
        a = c.known(row, "drug_a", data.drugs, "drug")  # type: ignore[arg-type]
        b = c.known(row, "drug_b", data.drugs, "drug")  # type: ignore[arg-type]
        expected = c.one_of(row, "expected", ("interaction", "none"))
        min_sev = row.get("min_severity").lower()
        if min_sev and min_sev not in SEVERITIES:
            c.problem(row, f"min_severity {min_sev!r} is not one of {list(SEVERITIES)}")
            continue
        if expected == "interaction" and not row.items("via"):
            c.problem(row, "an expected interaction needs its 'via' ids")
        if a and b and expected:
            data.golden.append(
                GoldenCase(
                    (a, b),
                    expected,
                    row.items("via"),
                    min_sev,
                    row.items("source"),
                    row.get("note"),
                    row.line,
                )
            )

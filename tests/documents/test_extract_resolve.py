"""Validation and grounding of extracted triples, the rule extractor, and entity resolution."""

from __future__ import annotations

import pytest

from kgreason.documents import (
    ExtractionSchema,
    Mention,
    RawTriple,
    RuleExtractor,
    extract_text,
    normalize_name,
    resolve_mentions,
    schema_from_dict,
    validate,
)
from kgreason.documents.extract import find_mention, output_schema
from kgreason.errors import InputError
from kgreason.types import Node

TEXT = "Fluconazole inhibits CYP2C9. Warfarin is metabolised by CYP2C9 in the liver."


def test_validate_fixes_direction_and_types_and_drops_with_reasons(schema: ExtractionSchema) -> None:
    raw = [
        RawTriple("Fluconazole", "Drug", "INHIBITS", "CYP2C9", "Enzyme"),  # fine
        RawTriple("CYP2C9", "Enzyme", "is metabolised by", "Warfarin", "Drug"),  # reversed
        RawTriple("Warfarin", "Thing", "IS_METABOLISED_BY", "CYP2C9", ""),  # types from the relation
        RawTriple("Fluconazole", "Enzyme", "INHIBITS", "CYP2C9", "Enzyme"),  # wrong types
        RawTriple("Fluconazole", "Drug", "TREATS", "CYP2C9", "Enzyme"),  # unknown relation
        RawTriple("Ketoconazole", "Drug", "INHIBITS", "CYP2C9", "Enzyme"),  # not in the text
        RawTriple("Fluconazole", "Drug", "INHIBITS", "CYP3A4", "Enzyme"),  # not in the text
        RawTriple("fluconazole", "Drug", "INHIBITS", "FLUCONAZOLE", "Enzyme"),  # self loop
    ]
    kept, dropped = validate(raw, TEXT, schema)
    assert [(k.head, k.relation, k.tail, k.fixed) for k in kept] == [
        ("Fluconazole", "INHIBITS", "CYP2C9", None),
        ("Warfarin", "IS_METABOLISED_BY", "CYP2C9", "swapped head and tail"),
    ]
    # the third is the second again once fixed: kept once
    assert [d.reason for d in dropped] == [
        "wrong types",
        "unknown relation",
        "head not in text",
        "tail not in text",
        "self loop",
    ]
    second = kept[1]
    assert second.sentence == "Warfarin is metabolised by CYP2C9 in the liver."
    assert TEXT[second.start : second.end] == second.sentence


def test_grounding_ignores_case_punctuation_and_accents_but_not_partial_words() -> None:
    text = "Co-trimoxazole and the CYP 2C9 enzyme; Héparine."
    assert find_mention("co trimoxazole", text) == (0, 14)
    assert find_mention("cyp 2c9", text) == (23, 30)
    assert find_mention("heparine", text) == (39, 47)
    assert find_mention("CYP2", text) is None
    assert find_mention("trimox", text) is None


def test_rule_extractor_reads_plain_statements(schema: ExtractionSchema) -> None:
    text = (
        "Fluconazole strongly inhibits CYP2C9 and CYP3A4. The drug Amiodarone inhibits CYP1A2, which "
        "matters. Simvastatin is metabolized by CYP3A4. Nothing here."
    )
    kept, dropped = extract_text(text, schema, RuleExtractor())
    assert dropped == []
    assert [(k.head, k.relation, k.tail) for k in kept] == [
        ("Fluconazole", "INHIBITS", "CYP2C9"),
        ("Fluconazole", "INHIBITS", "CYP3A4"),
        ("Amiodarone", "INHIBITS", "CYP1A2"),
        ("Simvastatin", "IS_METABOLISED_BY", "CYP3A4"),
    ]
    assert all(text[k.start : k.end] == k.sentence for k in kept)
    assert RuleExtractor.calls == 0


def test_rule_extractor_prefers_known_names(schema: ExtractionSchema) -> None:
    text = "Oral Fluconazole tablets inhibit nothing; Oral Fluconazole inhibits CYP2C9."
    kept, _ = extract_text(text, schema, RuleExtractor({"Oral Fluconazole": "Drug"}))
    assert [(k.head, k.tail) for k in kept] == [("Oral Fluconazole", "CYP2C9")]


def test_schema_errors_name_the_problem() -> None:
    gene = {"name": "R", "domain": "Drug", "range": "Gene"}
    with pytest.raises(InputError, match="type 'Gene' is not an entity type"):
        schema_from_dict({"entities": ["Drug"], "relations": [gene]})
    coloured = {"name": "R", "domain": "Drug", "range": "Drug", "colour": 1}
    with pytest.raises(InputError, match=r"relations\.0\.colour"):
        schema_from_dict({"entities": ["Drug"], "relations": [coloured]})


def test_output_schema_enumerates_types_and_relations(schema: ExtractionSchema) -> None:
    item = output_schema(schema)["properties"]["triples"]["items"]["properties"]
    assert item["relation"]["enum"] == ["INHIBITS", "INDUCES", "IS_METABOLISED_BY"]
    assert item["head_type"]["enum"] == ["Drug", "Enzyme"]


def test_normalize_name() -> None:
    assert normalize_name("Dr. John  Smith's") == "john smith"
    assert normalize_name("Acétaminophen") == "acetaminophen"
    assert normalize_name("The Beatles") == "beatles"


def test_resolution_tiers_within_types_only() -> None:
    graph = [
        Node("warfarin", ("Drug",), {"name": "Warfarin", "aliases": ["Coumadin", "Jantoven"]}),
        Node("cyp2c9", ("Enzyme",), {"name": "CYP2C9"}),
    ]
    mentions = [
        Mention(n, t)
        for n, t in [
            ("WARFARIN", "Drug"),
            ("coumadin", "Drug"),
            ("CYP 2C9", "Enzyme"),
            ("CYP2C19", "Enzyme"),  # numbers differ: never fuzzy-merged with CYP2C9
            ("acetyl salicylic acid", "Drug"),
            ("ASA", "Drug"),
            ("Smith, John", "Person"),
            ("Dr. John Smith", "Person"),
            ("fluconazol", "Drug"),
            ("Fluconazole", "Drug"),
            ("Warfarin", "Enzyme"),  # another type: never merged with the drug
        ]
    ]
    r = resolve_mentions(mentions, graph, embedding=None)
    of = {(m.name, m.type): r.entity_of(m) for m in mentions}
    assert of[("WARFARIN", "Drug")] == of[("coumadin", "Drug")] == "warfarin"
    assert of[("CYP 2C9", "Enzyme")] == "cyp2c9"
    assert of[("CYP2C19", "Enzyme")] == "CYP2C19"
    assert of[("ASA", "Drug")] == of[("acetyl salicylic acid", "Drug")]
    assert of[("Smith, John", "Person")] == of[("Dr. John Smith", "Person")]
    assert of[("fluconazol", "Drug")] == of[("Fluconazole", "Drug")]
    assert of[("Warfarin", "Enzyme")] not in ("warfarin", of[("WARFARIN", "Drug")])
    methods = {(m.alias, m.method) for m in r.merges}
    assert {("coumadin", "alias"), ("ASA", "abbreviation"), ("WARFARIN", "normalized")} <= methods
    assert any(m.method == "fuzzy" for m in r.merges)
    # the result does not depend on the order mentions arrive in
    again = resolve_mentions(list(reversed(mentions)), graph, embedding=None)
    assert {m: again.entity_of(m) for m in mentions} == {m: r.entity_of(m) for m in mentions}


def test_forbidden_merge_is_not_made() -> None:
    graph = [Node("warfarin", ("Drug",), {"name": "Warfarin", "aliases": ["Coumadin"]})]
    r = resolve_mentions(
        [Mention("Coumadin", "Drug")], graph, embedding=None, forbid=[("Drug", "Coumadin", "warfarin")]
    )
    assert r.entity_of(Mention("Coumadin", "Drug")) == "Coumadin" and r.merges == []


def test_embedding_tier_uses_the_bundled_encoder() -> None:
    graph = [Node("heart attack", ("Condition",), {"name": "heart attack"})]
    r = resolve_mentions([Mention("heart attacks", "Condition")], graph, fuzzy=None, embedding=0.8)
    [merge] = r.merges
    assert merge.method == "embedding" and merge.into == "heart attack" and merge.score >= 0.8


def test_codes_with_numbers_in_another_order_are_never_merged() -> None:
    names = [Mention(n, "Enzyme") for n in ("CYP3A4", "CYP4A3", "CYP2A0", "CYP0A2")]
    r = resolve_mentions(names, embedding=0.5, fuzzy=0.5)
    assert r.merges == [] and len({r.entity_of(m) for m in names}) == 4

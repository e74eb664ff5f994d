"""The bundled SmolLM2-135M must return schema-valid JSON for varied structured requests: 100%."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from kgreason.llm import ChatRequest, choose
from kgreason.llm.llamacpp import LlamaCppChatModel

COLOURS = {"type": "string", "enum": ["red", "green", "blue"]}
SEVERITY = {"type": "string", "enum": ["contraindicated", "avoid", "caution", "minor"]}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
        "additionalProperties": False,
    }


# (prompt, schema): objects with enums, numbers, arrays, nesting, required fields, bare enums.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("Pick a colour for the sky.", _obj({"colour": COLOURS})),
    ("What colour is grass?", COLOURS),
    ("Rate this interaction: warfarin and aspirin.", _obj({"severity": SEVERITY})),
    ("Is Paris in France? Answer yes or no.", {"type": "string", "enum": ["yes", "no"]}),
    ("Is the sun cold?", _obj({"answer": {"type": "boolean"}})),
    ("How many legs does a spider have?", _obj({"legs": {"type": "integer", "minimum": 0, "maximum": 100}})),
    ("Give the boiling point of water in Celsius.", _obj({"celsius": {"type": "number"}})),
    ("Name a city.", _obj({"city": {"type": "string", "minLength": 1, "maxLength": 40}})),
    (
        "List three fruits.",
        _obj(
            {
                "fruits": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 20},
                    "minItems": 3,
                    "maxItems": 3,
                }
            }
        ),
    ),
    (
        "List two primes.",
        _obj({"primes": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}}),
    ),
    (
        "Describe a person with name and age.",
        _obj(
            {
                "name": {"type": "string", "maxLength": 30},
                "age": {"type": "integer", "minimum": 0, "maximum": 120},
            }
        ),
    ),
    (
        "Give a drug and its class.",
        _obj(
            {
                "drug": {"type": "string", "maxLength": 30},
                "class": {"type": "string", "enum": ["statin", "nsaid", "other"]},
            }
        ),
    ),
    (
        "Make a point with x and y coordinates.",
        _obj({"point": _obj({"x": {"type": "number"}, "y": {"type": "number"}})}),
    ),
    (
        "Describe an edge between two nodes.",
        _obj(
            {
                "source": {"type": "string", "maxLength": 20},
                "relation": {"type": "string", "enum": ["treats", "causes", "interacts_with"]},
                "target": {"type": "string", "maxLength": 20},
            }
        ),
    ),
    (
        "Give a triple about Marie Curie.",
        _obj(
            {
                "head": {"type": "string", "maxLength": 30},
                "relation": {"type": "string", "maxLength": 20},
                "tail": {"type": "string", "maxLength": 30},
            }
        ),
    ),
    (
        "Answer with an optional confidence.",
        _obj(
            {
                "answer": {"type": "string", "maxLength": 20},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            },
            ["answer"],
        ),
    ),
    ("Pick a weekday.", {"type": "string", "enum": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]}),
    ("What is 2 + 3?", _obj({"result": {"type": "integer"}})),
    ("What is 7 times 6?", {"type": "integer"}),
    ("Give pi to two decimals.", {"type": "number"}),
    ("Is water wet?", {"type": "boolean"}),
    (
        "List two colours.",
        {"type": "array", "items": COLOURS, "minItems": 2, "maxItems": 2},
    ),
    (
        "Give a status object.",
        _obj(
            {
                "status": {"type": "string", "enum": ["ok", "error"]},
                "code": {"type": "integer", "minimum": 100, "maximum": 599},
            }
        ),
    ),
    (
        "Classify the question 'who directed Jaws?' by hop count.",
        _obj({"hops": {"type": "integer", "enum": [1, 2, 3]}}),
    ),
    (
        "Extract the entities from: 'Aspirin inhibits COX-1.'",
        _obj({"entities": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 4}}),
    ),
    (
        "Return a nested config with a name and a list of tags.",
        _obj(
            {
                "config": _obj(
                    {
                        "name": {"type": "string", "maxLength": 20},
                        "tags": {
                            "type": "array",
                            "items": {"type": "string", "maxLength": 10},
                            "maxItems": 3,
                        },
                    }
                )
            }
        ),
    ),
    (
        "Describe a movie.",
        _obj(
            {
                "title": {"type": "string", "maxLength": 30},
                "year": {"type": "integer", "minimum": 1900, "maximum": 2030},
                "genre": {"type": "string", "enum": ["drama", "comedy", "horror", "sci-fi"]},
            }
        ),
    ),
    ("Choose the relation meaning 'kid'.", {"type": "string", "enum": ["children", "nationality", "spouse"]}),
    (
        "Choose the relation meaning 'nation'.",
        {"type": "string", "enum": ["children", "nationality", "spouse"]},
    ),
    (
        "Give a list of two objects with id and score.",
        {
            "type": "array",
            "items": _obj({"id": {"type": "integer"}, "score": {"type": "number"}}),
            "minItems": 2,
            "maxItems": 2,
        },
    ),
    ("Give a temperature in Kelvin (non-negative).", _obj({"kelvin": {"type": "number", "minimum": 0}})),
    (
        "Answer: is a whale a fish? Include a short reason.",
        _obj({"is_fish": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 60}}),
    ),
    (
        "Plan a path of relations.",
        _obj(
            {
                "path": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["born_in", "capital_of", "located_in"]},
                    "minItems": 1,
                    "maxItems": 3,
                }
            }
        ),
    ),
    (
        "Give a yes/no/unknown answer: do cats fly?",
        _obj({"answer": {"type": "string", "enum": ["yes", "no", "unknown"]}}),
    ),
    (
        "Score three options.",
        _obj({"a": {"type": "number"}, "b": {"type": "number"}, "c": {"type": "number"}}),
    ),
    ("Pick a number between 1 and 10.", _obj({"n": {"type": "integer", "minimum": 1, "maximum": 10}})),
    (
        "Give a short answer with citations.",
        _obj(
            {
                "answer": {"type": "string", "maxLength": 50},
                "citations": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["[T1]", "[T2]", "[T3]"]},
                    "maxItems": 3,
                },
            }
        ),
    ),
    (
        "Pick a drug-interaction mechanism.",
        {
            "type": "string",
            "enum": ["CYP3A4 inhibition", "CYP2D6 inhibition", "QT prolongation", "additive bleeding risk"],
        },
    ),
    (
        "Describe a gene.",
        _obj(
            {
                "symbol": {"type": "string", "maxLength": 10},
                "chromosome": {"type": "integer", "minimum": 1, "maximum": 23},
            }
        ),
    ),
    (
        "Return an empty tag list.",
        _obj({"tags": {"type": "array", "items": {"type": "string"}, "maxItems": 0}}),
    ),
    (
        "Give a range with low and high.",
        _obj(
            {
                "range": _obj({"low": {"type": "integer"}, "high": {"type": "integer"}}),
                "unit": {"type": "string", "enum": ["mg", "g"]},
            }
        ),
    ),
    (
        "Which is heavier: a kilo of feathers or a kilo of iron?",
        {"type": "string", "enum": ["feathers", "iron", "same"]},
    ),
    (
        "Return a matrix of two rows of two integers.",
        _obj(
            {
                "rows": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                    "minItems": 2,
                    "maxItems": 2,
                }
            }
        ),
    ),
    ("Say hello as JSON.", _obj({"greeting": {"type": "string", "maxLength": 30}})),
    (
        "Give an answer entity and whether it is supported by evidence.",
        _obj({"entity": {"type": "string", "maxLength": 30}, "supported": {"type": "boolean"}}),
    ),
    ("Pick the odd one out.", {"type": "string", "enum": ["apple", "banana", "carrot"]}),
    (
        "Give coordinates as a list of two numbers.",
        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    ),
    (
        "Make a record with a nullable note.",
        _obj({"id": {"type": "integer"}, "note": {"type": ["string", "null"], "maxLength": 20}}),
    ),
    ("Count the vowels in 'graph'.", _obj({"vowels": {"type": "integer", "minimum": 0, "maximum": 5}})),
    (
        "Give two synonyms for 'offspring'.",
        _obj(
            {
                "synonyms": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 15},
                    "minItems": 2,
                    "maxItems": 2,
                }
            }
        ),
    ),
    (
        "Return a decision with an action and a target relation.",
        _obj(
            {
                "action": {"type": "string", "enum": ["expand", "answer", "backtrack"]},
                "relation": {"type": "string", "enum": ["children", "parents", "spouse"]},
            }
        ),
    ),
    ("Which planet is largest?", {"type": "string", "enum": ["Mercury", "Earth", "Jupiter"]}),
    (
        "Describe a sample with an id pattern like S-123.",
        _obj({"id": {"type": "string", "pattern": "^S-[0-9]{3}$"}}),
    ),
]


def test_case_count() -> None:
    assert len(CASES) >= 50


def test_every_structured_reply_is_schema_valid(smol: LlamaCppChatModel) -> None:
    requests = [
        ChatRequest.create(prompt, json_schema=schema, max_tokens=64, seed=7) for prompt, schema in CASES
    ]
    before = smol.meter.snapshot()
    results = smol.chat_many(requests)
    used = smol.meter.snapshot() - before
    invalid = []
    for (prompt, schema), result in zip(CASES, results, strict=True):
        try:
            jsonschema.validate(result.data, schema)
        except jsonschema.ValidationError as exc:
            invalid.append((prompt, result.text, exc.message))
    assert not invalid, invalid
    assert len(results) == len(CASES)
    # Grammar-constrained decoding: first replies should already be valid (repairs are counted).
    assert used.calls == len(CASES) + used.repairs
    assert used.failures == 0


@pytest.mark.parametrize(
    ("question", "options"),
    [
        (
            "Which relation means 'kid'? Question: who are the kids of Ann?",
            ["children", "nationality", "spouse"],
        ),
        ("Which relation answers 'where was Bob born'?", ["place_of_birth", "employer", "children"]),
        (
            "Pick the severity for a contraindicated pair.",
            ["contre-indication", "précaution d'emploi", "à prendre en compte"],
        ),
        ("Which label is a drug?", ["Drug", "Gene", "Disease", "Pathway"]),
        ("Pick a relation.", ["P31", "P279", "P17"]),
    ],
)
def test_choose_returns_one_of_the_options(
    smol: LlamaCppChatModel, question: str, options: list[str]
) -> None:
    assert choose(smol, question, options) in options


def test_single_chat_reports_tokens_and_latency(smol: LlamaCppChatModel) -> None:
    result = smol.chat("Pick a colour.", json_schema=COLOURS, max_tokens=16)
    assert result.data in COLOURS["enum"]
    assert result.text.strip().strip('"') == result.data
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    assert result.latency_ms > 0
    assert result.backend == "llamacpp" and result.model == "smollm2-135m"


def test_compact_json_saves_tokens(smol: LlamaCppChatModel) -> None:
    schema = CASES[10][1]  # name + age
    compact = smol.chat("Describe a person with name and age.", json_schema=schema, max_tokens=48)
    assert "\n" not in compact.text and '": ' in compact.text
    loose = LlamaCppChatModel(options=smol.options.model_copy(update={"compact_json": False}))
    free = loose.chat("Describe a person with name and age.", json_schema=schema, max_tokens=48)
    assert free.completion_tokens > compact.completion_tokens


def test_plain_text_and_stop(smol: LlamaCppChatModel) -> None:
    result = smol.chat("Count from 1 to 10 separated by commas.", max_tokens=24, stop=["5"])
    assert result.data is None
    assert "5" not in result.text
    assert result.completion_tokens <= 24

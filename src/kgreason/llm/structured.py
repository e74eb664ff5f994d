"""JSON-schema handling shared by every backend: check a schema, parse and validate a reply, build the repair.

Backends with constrained decoding (llama.cpp grammars, vLLM structured outputs, OpenAI ``json_schema``)
should always produce valid JSON; the others are asked for JSON in the prompt. Either way a reply is
parsed and validated here, and an invalid one gets exactly one repair turn that quotes the error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from kgreason.errors import ConfigError

_FENCE_RE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class InvalidOutput(Exception):
    """A reply that is not JSON or does not match the schema (internal; becomes ``LLMError``)."""


def check_schema(schema: Mapping[str, Any]) -> None:
    """Raise ``ConfigError`` when ``schema`` is not a valid JSON Schema."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"invalid JSON schema: {exc.message}") from exc


def parse_json(text: str) -> Any:
    """Parse a model reply as JSON, tolerating code fences and text around one JSON value."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    fence = _FENCE_RE.search(stripped)
    if fence:
        try:
            return json.loads(fence.group(1).strip())
        except json.JSONDecodeError:
            pass
    # Prose around one object or array ("Sure! {...}"); a bare string inside cut-off JSON must not pass.
    decoder = json.JSONDecoder()
    for i, ch in enumerate(stripped):
        if ch in "{[":
            try:
                value, _ = decoder.raw_decode(stripped, i)
                return value
            except json.JSONDecodeError:
                continue
    raise InvalidOutput(f"reply is not JSON: {stripped[:80]!r}")


def validate(data: Any, schema: Mapping[str, Any]) -> None:
    """Raise ``InvalidOutput`` with the most relevant error when ``data`` does not match ``schema``."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(dict(schema))
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)
        raise InvalidOutput(f"{'at ' + where + ': ' if where else ''}{error.message}")


def parse_and_validate(text: str, schema: Mapping[str, Any]) -> Any:
    """Parse ``text`` and validate it against ``schema``; return the value or raise ``InvalidOutput``."""
    data = parse_json(text)
    validate(data, schema)
    return data


def schema_instruction(schema: Mapping[str, Any]) -> str:
    """A system-prompt line asking for JSON only, for backends that cannot constrain decoding."""
    return (
        "Reply with a single JSON value that matches this JSON Schema, and nothing else "
        f"(no prose, no code fences):\n{json.dumps(schema, separators=(',', ':'))}"
    )


def repair_prompt(error: str) -> str:
    """The user turn of the single repair attempt."""
    return (
        f"Your reply was not valid: {error}. Reply again with only the corrected JSON value "
        "that matches the schema."
    )

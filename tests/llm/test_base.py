"""The shared loop in ``BaseChatModel``: parsing, validation, the single repair, errors and metering.

A scripted backend stands in for a model here because the point is the loop's own logic (what happens
on the second invalid reply); the real model is exercised in the other test modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from kgreason.errors import ConfigError, LLMError
from kgreason.llm import (
    BaseChatModel,
    ChatRequest,
    Completion,
    Message,
    ResponseCache,
    UsageMeter,
    choose,
    enum_schema,
)
from kgreason.llm.structured import InvalidOutput, parse_json, validate


class Scripted(BaseChatModel):
    """Replies from a list, in order; records what it was asked."""

    backend = "scripted"

    def __init__(self, replies: Sequence[str]) -> None:
        super().__init__()
        self.replies = list(replies)
        self.seen: list[ChatRequest] = []

    @property
    def model_id(self) -> str:
        return "script"

    def _complete(self, request: ChatRequest) -> Completion:
        self.seen.append(request)
        return Completion(self.replies.pop(0), prompt_tokens=10, completion_tokens=3, latency_ms=1.0)


SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_valid_reply_is_parsed() -> None:
    m = Scripted(['{"n": 3}'])
    r = m.chat("x", json_schema=SCHEMA)
    assert r.data == {"n": 3} and not r.repaired
    assert m.meter.calls == 1 and m.meter.prompt_tokens == 10 and m.meter.completion_tokens == 3


def test_invalid_reply_gets_one_repair_quoting_the_error() -> None:
    m = Scripted(['{"n": "three"}', '{"n": 3}'])
    r = m.chat("x", json_schema=SCHEMA)
    assert r.data == {"n": 3} and r.repaired
    assert r.prompt_tokens == 20 and r.completion_tokens == 6
    repair = m.seen[1].messages
    assert repair[-2] == Message("assistant", '{"n": "three"}')
    assert "not of type 'integer'" in repair[-1].content
    assert m.meter.snapshot().repairs == 1 and m.meter.calls == 2


def test_cut_off_reply_is_asked_again_with_a_repetition_penalty() -> None:
    class CutOff(Scripted):
        def _complete(self, request: ChatRequest) -> Completion:
            c = super()._complete(request)
            return Completion(c.text, 10, 3, finish_reason="length" if c.text.endswith("0") else "stop")

    m = CutOff(['{"n": 0.00000000', '{"n": 1}'])
    r = m.chat("x", json_schema=SCHEMA)
    assert r.repaired and r.data == {"n": 1}
    assert m.seen[1].messages == m.seen[0].messages  # the looping text is not quoted back
    assert m.seen[0].repeat_penalty is None and m.seen[1].repeat_penalty == 1.15


def test_still_invalid_after_repair_raises_llm_error() -> None:
    m = Scripted(["not json", '{"m": 1}'])
    with pytest.raises(LLMError, match="after one repair attempt"):
        m.chat("x", json_schema=SCHEMA)
    assert m.meter.snapshot().failures == 1
    assert len(m.seen) == 2


def test_chat_many_keeps_order_and_repairs_only_the_bad_ones() -> None:
    m = Scripted(['{"n": 1}', "oops", '{"n": 3}', '{"n": 2}'])
    reqs = [ChatRequest.create(f"q{i}", json_schema=SCHEMA) for i in range(3)]
    out = m.chat_many(reqs)
    assert [r.data["n"] for r in out] == [1, 2, 3]
    assert [r.repaired for r in out] == [False, True, False]


def test_parse_json_tolerates_fences_and_prose() -> None:
    assert parse_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json('Sure! {"a": [1, 2]} hope that helps') == {"a": [1, 2]}
    assert parse_json('"red"') == "red"
    with pytest.raises(InvalidOutput):  # a key inside cut-off JSON is not an answer
        parse_json('{"kelvin": 0.0000000')
    with pytest.raises(InvalidOutput):
        parse_json("no json here")


def test_validate_names_the_path() -> None:
    with pytest.raises(InvalidOutput, match="at a/0"):
        validate(
            {"a": ["x"]},
            {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer"}}}},
        )


def test_bad_schema_and_bad_parameters_are_config_errors() -> None:
    m = Scripted([])
    with pytest.raises(ConfigError, match="invalid JSON schema"):
        m.chat("x", json_schema={"type": "strin"})
    with pytest.raises(ConfigError):
        m.chat("x", max_tokens=0)
    with pytest.raises(ConfigError):
        m.chat([{"role": "robot", "content": "x"}])


def test_choose_uses_a_bare_enum_and_skips_single_option() -> None:
    m = Scripted(['"b"'])
    assert choose(m, "pick", ["a", "b", "a"]) == "b"
    assert m.seen[0].json_schema == enum_schema(["a", "b"]) == {"type": "string", "enum": ["a", "b"]}
    assert choose(m, "pick", ["only"]) == "only"
    assert len(m.seen) == 1
    with pytest.raises(ConfigError):
        choose(m, "pick", [])


def test_usage_meter_difference() -> None:
    meter = UsageMeter()
    meter.record_call(5, 2, 1.5)
    before = meter.snapshot()
    meter.record_call(7, 3, 2.0)
    meter.record_cache_hit()
    used = meter.snapshot() - before
    assert (used.calls, used.prompt_tokens, used.completion_tokens, used.cache_hits) == (1, 7, 3, 1)
    assert used.total_tokens == 10


def test_valid_replies_of_a_failing_batch_are_still_cached(tmp_path: Path) -> None:
    m = Scripted(['{"n": 1}', "bad", "still bad"])
    m.cache = ResponseCache(tmp_path)
    reqs = [ChatRequest.create(f"q{i}", json_schema=SCHEMA) for i in range(2)]
    with pytest.raises(LLMError):
        m.chat_many(reqs)
    assert len(m.cache) == 1
    assert m.chat_many(reqs[:1])[0].cached

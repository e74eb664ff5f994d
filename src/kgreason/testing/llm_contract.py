"""The contract every ``ChatModel`` must pass, shipped so backend authors can run it on theirs.

Subclass ``ChatModelContract`` in a test module and provide a ``model_factory`` fixture: a callable that
takes a ``ResponseCache`` (or ``None``) and returns a new model, with a new ``UsageMeter``, that reads and
fills that cache. The suite makes only short requests (at most 24 generated tokens each), so it runs in
seconds on a small local model.

    class TestMyBackend(ChatModelContract):
        @pytest.fixture
        def model_factory(self):
            return lambda cache: MyChatModel("my-model", cache=cache)

What it checks: a model names its backend and model; ``chat`` returns text and counts its tokens; with a
JSON schema the reply's ``data`` is valid against it, and a reply that cannot be made valid raises
``LLMError`` (never invalid data); ``chat_many`` answers in request order; the meter counts calls and
tokens; a cache hit makes no backend call; bad requests fail before reaching the backend; ``close`` may
be called twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from kgreason.errors import ConfigError, LLMError
from kgreason.llm.base import ChatModel
from kgreason.llm.cache import ResponseCache
from kgreason.llm.requests import ChatRequest, ChatResult

ModelFactory = Callable[[ResponseCache | None], ChatModel]

MAX_TOKENS = 24
COLOUR = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
    "required": ["colour"],
    "additionalProperties": False,
}
LONG_WORD = {
    "type": "object",
    "properties": {"word": {"type": "string", "minLength": 40}},
    "required": ["word"],
    "additionalProperties": False,
}
"""Cannot fit in the 2 tokens the test allows: the reply is cut off, so it must end in ``LLMError``."""


def tag_schema(tag: str) -> dict[str, object]:
    """An object schema whose only valid value is ``{"tag": tag}``."""
    return {
        "type": "object",
        "properties": {"tag": {"type": "string", "enum": [tag]}},
        "required": ["tag"],
        "additionalProperties": False,
    }


class ChatModelContract:
    """Tests every ``ChatModel`` implementation must pass."""

    @pytest.fixture
    def model(self, model_factory: ModelFactory) -> ChatModel:
        return model_factory(None)

    def test_is_a_chat_model_with_names(self, model: ChatModel) -> None:
        assert isinstance(model, ChatModel)
        assert isinstance(model.backend, str) and model.backend
        assert isinstance(model.model_id, str) and model.model_id

    def test_chat_returns_text_and_counts_tokens(self, model: ChatModel) -> None:
        result = model.chat("Say hello.", max_tokens=8)
        assert isinstance(result, ChatResult) and isinstance(result.text, str)
        assert result.data is None and not result.cached
        assert result.prompt_tokens > 0 and 0 < result.completion_tokens <= 8
        assert (result.backend, result.model) == (model.backend, model.model_id)

    def test_json_schema_gives_valid_data(self, model: ChatModel) -> None:
        result = model.chat("Pick a colour for grass.", json_schema=COLOUR, max_tokens=MAX_TOKENS)
        jsonschema.validate(result.data, COLOUR)

    def test_a_reply_that_cannot_be_valid_is_an_llm_error(self, model: ChatModel) -> None:
        before = model.meter.snapshot()
        with pytest.raises(LLMError):
            model.chat("Write one very long word.", json_schema=LONG_WORD, max_tokens=2)
        used = model.meter.snapshot() - before
        assert used.failures >= 1

    def test_a_failed_batch_keeps_its_valid_replies(self, model: ChatModel) -> None:
        requests = [
            ChatRequest.create(
                "Reply with the tag alpha.", json_schema=tag_schema("alpha"), max_tokens=MAX_TOKENS
            ),
            ChatRequest.create("Write one very long word.", json_schema=LONG_WORD, max_tokens=2),
            ChatRequest.create(
                "Reply with the tag gamma.", json_schema=tag_schema("gamma"), max_tokens=MAX_TOKENS
            ),
        ]
        with pytest.raises(LLMError) as failed:
            model.chat_many(requests)
        partial = failed.value.partial
        assert partial is not None and len(partial) == 3, "chat_many must say which requests succeeded"
        assert partial[1] is None
        assert [r.data for r in (partial[0], partial[2])] == [{"tag": "alpha"}, {"tag": "gamma"}]

    def test_chat_many_answers_in_order(self, model: ChatModel) -> None:
        tags = ["alpha", "beta", "gamma"]
        requests = [
            ChatRequest.create(f"Reply with the tag {t}.", json_schema=tag_schema(t), max_tokens=MAX_TOKENS)
            for t in tags
        ]
        results = model.chat_many(requests)
        assert [r.data for r in results] == [{"tag": t} for t in tags]
        assert model.chat_many([]) == []

    def test_meter_counts_calls_and_tokens(self, model: ChatModel) -> None:
        before = model.meter.snapshot()
        one = model.chat("Name a fruit.", max_tokens=6)
        two = model.chat_many([ChatRequest.create(f"Count to {n}.", max_tokens=6) for n in (2, 3)])
        used = model.meter.snapshot() - before
        assert used.calls == 3 and used.cache_hits == 0
        assert used.prompt_tokens == sum(r.prompt_tokens for r in (one, *two))
        assert used.completion_tokens == sum(r.completion_tokens for r in (one, *two))

    def test_cache_hit_does_not_call_the_backend(self, model_factory: ModelFactory, tmp_path: Path) -> None:
        cache = ResponseCache(tmp_path / "llm")
        first = model_factory(cache).chat("Pick a colour.", json_schema=COLOUR, max_tokens=MAX_TOKENS)
        again = model_factory(cache)  # a new model (and meter) over the same cache
        hit = again.chat("Pick a colour.", json_schema=COLOUR, max_tokens=MAX_TOKENS)
        assert hit.cached and (hit.text, hit.data) == (first.text, first.data)
        used = again.meter.snapshot()
        assert used.calls == 0 and used.cache_hits == 1 and used.total_tokens == 0
        miss = again.chat("Pick a colour.", json_schema=COLOUR, max_tokens=MAX_TOKENS - 1)
        assert not miss.cached and again.meter.snapshot().calls == 1

    def test_bad_requests_fail_before_the_backend(self, model: ChatModel) -> None:
        before = model.meter.snapshot()
        with pytest.raises(ConfigError):
            model.chat([], max_tokens=4)
        with pytest.raises(ConfigError):
            model.chat("hi", max_tokens=0)
        with pytest.raises(ConfigError):
            model.chat([{"role": "robot", "content": "hi"}], max_tokens=4)
        assert (model.meter.snapshot() - before).calls == 0

    def test_close_is_idempotent(self, model: ChatModel) -> None:
        close = getattr(model, "close", None)
        if close is None:
            pytest.skip(f"{type(model).__name__} has no close()")
        else:
            model.chat("Say hi.", max_tokens=2)
            close()
            close()

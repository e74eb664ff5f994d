"""The transformers backend: pure helpers always; a real run only where transformers is installed."""

from __future__ import annotations

import pytest

from kgreason.config import Settings
from kgreason.errors import ConfigError
from kgreason.llm import ChatRequest, create_chat_model
from kgreason.llm.transformers_backend import TransformersChatModel, cut_at_stop, with_schema_instruction


def test_schema_instruction_and_stop() -> None:
    req = ChatRequest.create("x", json_schema={"type": "string", "enum": ["a"]})
    msgs = with_schema_instruction(req)
    assert msgs[0]["role"] == "system" and '"enum":["a"]' in msgs[0]["content"]
    assert cut_at_stop("one, two, three", [", t", "zzz"]) == ("one", True)
    assert cut_at_stop("abc", []) == ("abc", False)


def test_factory_is_lazy_and_checks_the_path(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="needs --model"):
        create_chat_model("transformers", settings=settings)
    model = create_chat_model("transformers", settings=settings, model="/nonexistent/model")
    assert isinstance(model, TransformersChatModel) and model._model is None
    assert model.info()["exists"] is False
    with pytest.raises(ConfigError):
        model.chat("hi", max_tokens=2)


def test_real_generation_from_a_local_gguf() -> None:
    pytest.importorskip("gguf", reason="transformers needs the gguf package to read GGUF files")
    from kgreason.llm.models import resolve

    path = resolve(None, __import__("pathlib").Path("/nonexistent"))
    model = TransformersChatModel(str(path))
    out = model.chat_many(
        [ChatRequest.create("Say hi.", max_tokens=4), ChatRequest.create("Say yo.", max_tokens=4)]
    )
    assert len(out) == 2 and all(r.completion_tokens > 0 for r in out)

"""The on-disk response cache: keys, atomic entries, and that a hit does not call the model."""

from __future__ import annotations

import json
from pathlib import Path

from kgreason.config import Settings
from kgreason.llm import ChatRequest, ResponseCache, cache_key, create_chat_model
from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions

SCHEMA = {"type": "string", "enum": ["cat", "dog"]}


def test_key_changes_with_every_input() -> None:
    base = ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=8, seed=1)
    variants = [
        ChatRequest.create("pick!", json_schema=SCHEMA, max_tokens=8, seed=1),
        ChatRequest.create("pick", json_schema={"type": "string"}, max_tokens=8, seed=1),
        ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=9, seed=1),
        ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=8, seed=2),
        ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=8, seed=1, temperature=0.5),
        ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=8, seed=1, stop=["x"]),
    ]
    k = cache_key("llamacpp", "m", base)
    assert k == cache_key(
        "llamacpp", "m", ChatRequest.create("pick", json_schema=SCHEMA, max_tokens=8, seed=1)
    )
    assert len(k) == 64
    keys = {cache_key("llamacpp", "m", v) for v in variants}
    keys |= {cache_key("openai", "m", base), cache_key("llamacpp", "m2", base)}
    keys.add(cache_key("llamacpp", "m", base, {"compact_json": False}))
    assert k not in keys and len(keys) == len(variants) + 3


def test_entries_are_single_files_written_atomically(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "llm")
    cache.put("ab" + "0" * 62, {"text": "x"})
    files = list((tmp_path / "llm").rglob("*"))
    assert [p.name for p in files if p.is_file()] == ["ab" + "0" * 62 + ".json"]
    assert cache.get("ab" + "0" * 62) == {"text": "x"}
    assert cache.get("cd" + "0" * 62) is None
    (tmp_path / "llm" / "ab" / ("ab" + "0" * 62 + ".json")).write_text("{broken")
    assert cache.get("ab" + "0" * 62) is None


def test_cache_hit_does_not_call_the_model(smol: LlamaCppChatModel, tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "llm")
    model = LlamaCppChatModel(options=smol.options, cache=cache)  # same cached llama.cpp server
    first = model.chat("Cat or dog?", json_schema=SCHEMA, max_tokens=8, seed=3)
    assert not first.cached and model.meter.calls == 1 and len(cache) == 1
    second = model.chat("Cat or dog?", json_schema=SCHEMA, max_tokens=8, seed=3)
    assert second.cached and second.data == first.data and second.text == first.text
    assert model.meter.calls == 1 and model.meter.cache_hits == 1
    assert model.meter.completion_tokens == first.completion_tokens  # hits add no tokens
    # a fresh instance (another process, say) reads the same file
    again = LlamaCppChatModel(options=smol.options, cache=cache)
    assert again.chat("Cat or dog?", json_schema=SCHEMA, max_tokens=8, seed=3).cached
    assert again.meter.calls == 0


def test_factory_cache_lives_under_settings_cache_dir(smol: LlamaCppChatModel, settings: Settings) -> None:
    opts = smol.options.model_dump()
    model = create_chat_model("llamacpp", settings=settings, cache=True, options=opts)
    assert isinstance(model, LlamaCppChatModel) and model.options == LlamaCppOptions(**opts)
    model.chat("Cat or dog?", json_schema=SCHEMA, max_tokens=8, seed=4)
    entries = list((settings.cache_dir / "llm").glob("*/*.json"))
    assert len(entries) == 1
    stored = json.loads(entries[0].read_text())
    assert stored["data"] in ("cat", "dog") and "cached" not in stored
    off = create_chat_model("llamacpp", settings=settings, options=opts)
    assert off.cache is None

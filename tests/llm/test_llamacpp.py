"""llama.cpp backend specifics: request building, thread choice, and that chat_many overlaps requests."""

from __future__ import annotations

import os
import threading
import time

from kgreason.llm import ChatRequest
from kgreason.llm.llamacpp import LlamaCppChatModel, auto_threads, build_request
from kgreason.llm.requests import Completion

SCHEMA = {"type": "object", "properties": {"x": {"type": "number", "maximum": 1}}, "required": ["x"]}


def test_build_request_grammar_and_response_format() -> None:
    req = ChatRequest.create("hi", json_schema=SCHEMA, max_tokens=7, seed=3, stop=["\n"])
    body = build_request(req, json_mode="grammar")
    assert "%json" in body["grammar"] and '"whitespace_flexible":false' in body["grammar"].replace(" ", "")
    assert "response_format" not in body
    assert (body["max_tokens"], body["seed"], body["stop"], body["temperature"]) == (7, 3, ["\n"], 0.0)
    body = build_request(req, json_mode="response_format")
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA and "grammar" not in body
    assert "grammar" not in build_request(
        ChatRequest.create("hi")
    ) and "response_format" not in build_request(ChatRequest.create("hi"))


def test_auto_threads_is_within_the_usable_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    assert 1 <= auto_threads() <= cores
    assert auto_threads() == auto_threads()  # fixed once per process: one server per model


def test_chat_many_runs_requests_concurrently(smol: LlamaCppChatModel) -> None:
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    class Timed(LlamaCppChatModel):
        def _complete(self, request: ChatRequest) -> Completion:
            start = time.perf_counter()
            out = super()._complete(request)
            with lock:
                spans.append((start, time.perf_counter()))
            return out

    model = Timed(options=smol.options)
    out = model.chat_many([ChatRequest.create(f"Say {w}.", max_tokens=12) for w in ("a", "b", "c", "d")])
    assert len(out) == 4 and all(r.completion_tokens > 0 for r in out)
    latest_start = max(s for s, _ in spans)
    earliest_end = min(e for _, e in spans)
    assert latest_start < earliest_end  # all four were in flight at once (parallel slots, GIL released)

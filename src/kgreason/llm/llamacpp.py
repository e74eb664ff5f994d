"""The default backend: GGUF models through ``xllamacpp`` (llama.cpp's server, in process).

Structured output is grammar-constrained: llama.cpp only samples tokens the JSON schema allows. By default
the schema is compiled with ``xllamacpp.json_schema_to_grammar`` into an LLGuidance grammar and sent as
``grammar``: LLGuidance also enforces ``minimum``/``maximum`` on numbers, which the
``response_format: {"type": "json_schema", ...}`` path (``json_mode="response_format"``) does not. The
grammar also fixes the whitespace (``{"a": 1, "b": [2]}``): left free, SmolLM2 spends over half its
tokens on newlines and spaces (33 vs 14 tokens for a two-field object).
``chat_many`` uses the server's parallel slots (``CommonParams.n_parallel``) with continuous batching:
requests are submitted from several threads (the binding releases the GIL) and the server decodes them
in one batch. That raises throughput where decode is memory-bound (GPUs, larger models); on a few CPU
cores with the bundled Q4 models decode is compute-bound and batching gains little (the LLM layer's
figures are in ``benchmarks/RESULTS.md``).

A model is loaded once per process and reused: servers are cached by model path and load parameters.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kgreason.errors import LLMError
from kgreason.llm import models
from kgreason.llm.base import BaseChatModel
from kgreason.llm.options import BackendOptions, require
from kgreason.llm.requests import ChatRequest, Completion

if TYPE_CHECKING:
    from kgreason.config import Settings
    from kgreason.llm.cache import ResponseCache
    from kgreason.llm.usage import UsageMeter

GGUF_MAGIC = b"GGUF"


class LlamaCppOptions(BackendOptions):
    """Options of the ``llamacpp`` backend (``--opt key=value``)."""

    threads: int | None = Field(
        default=None, ge=1, description="CPU threads (default: idle cores, see auto_threads)"
    )
    parallel: int = Field(default=8, ge=1, le=64, description="server slots used by chat_many")
    ctx_per_slot: int = Field(default=1024, ge=256, description="context tokens per slot")
    batch: int = Field(default=512, ge=32, description="prompt-processing batch size")
    gpu_layers: int = Field(default=0, ge=-1, description="layers offloaded to a GPU (-1: all)")
    poll: int = Field(default=0, ge=0, le=100, description="busy-wait level; 0 behaves best on shared CPUs")
    verbose: bool = Field(default=False, description="let llama.cpp log to stderr")
    compact_json: bool = Field(
        default=True, description="fixed JSON whitespace in the grammar (fewer tokens)"
    )
    json_mode: Literal["grammar", "response_format"] = Field(
        default="grammar",
        description="grammar: LLGuidance grammar from the schema; response_format: OpenAI field",
    )


_AUTO_THREADS: list[int] = []


def auto_threads() -> int:
    """Threads to use when none are given: the usable cores minus the busy ones, at least 1.

    llama.cpp's threads wait for each other at every step, so one thread that the OS deschedules stalls
    them all: on 2 cores shared with other work, 2 threads decoded several times slower than 1, while
    on idle cores 2 threads are faster than 1. The busy cores are read once per process from the
    1-minute load average, so every model in the process shares one server.
    """
    if not _AUTO_THREADS:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        try:
            busy = int(os.getloadavg()[0])
        except OSError:
            busy = 0
        _AUTO_THREADS.append(max(1, cores - busy))
    return _AUTO_THREADS[0]


_SERVERS: dict[tuple[Any, ...], Any] = {}
_LOAD_MS: dict[tuple[Any, ...], float] = {}
_SERVERS_LOCK = threading.Lock()


def _server_key(path: Path, opts: LlamaCppOptions) -> tuple[Any, ...]:
    return (
        str(path.resolve()),
        opts.threads or auto_threads(),
        opts.parallel,
        opts.ctx_per_slot,
        opts.batch,
        opts.gpu_layers,
        opts.poll,
        opts.verbose,
    )


def load_server(path: Path, opts: LlamaCppOptions) -> tuple[Any, float]:
    """The (cached) ``xllamacpp.Server`` for ``path`` and ``opts``, and the ms its load took."""
    key = _server_key(path, opts)
    with _SERVERS_LOCK:
        server = _SERVERS.get(key)
        if server is not None:
            return server, _LOAD_MS[key]
        xllamacpp = require("xllamacpp", "llm")
        threads = key[1]
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_parallel = opts.parallel
        params.n_ctx = opts.ctx_per_slot * opts.parallel
        params.n_batch = opts.batch
        params.n_ubatch = min(opts.batch, 512)
        params.n_gpu_layers = opts.gpu_layers
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cpuparams.poll = opts.poll
        params.cpuparams_batch.poll = opts.poll
        params.cont_batching = True
        params.warmup = False
        if not opts.verbose:
            params.verbosity = -1
        start = time.perf_counter()
        try:
            server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain exceptions
            raise LLMError(f"could not load GGUF model {path}: {exc}") from exc
        load_ms = (time.perf_counter() - start) * 1000
        _SERVERS[key] = server
        _LOAD_MS[key] = load_ms
        return server, load_ms


def unload_all() -> None:
    """Drop every cached server (frees the models once no one else holds them)."""
    with _SERVERS_LOCK:
        _SERVERS.clear()
        _LOAD_MS.clear()


_GRAMMARS: dict[str, str] = {}
_COMPACT = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


def schema_grammar(schema: dict[str, Any], *, compact: bool = True) -> str | None:
    """The LLGuidance grammar for ``schema`` (memoised), or ``None`` when xllamacpp cannot compile it.

    ``compact`` fixes the whitespace between tokens (LLGuidance's ``x-guidance`` options) unless the
    schema sets its own.
    """
    import json

    if compact and isinstance(schema, dict) and "x-guidance" not in schema:
        schema = {**schema, "x-guidance": _COMPACT}
    key = json.dumps(schema, sort_keys=True)
    grammar = _GRAMMARS.get(key)
    if grammar is None:
        xllamacpp = require("xllamacpp", "llm")
        try:
            grammar = str(xllamacpp.json_schema_to_grammar(schema))
        except Exception:  # fall back to response_format, which llama.cpp converts itself
            return None
        _GRAMMARS[key] = grammar
    return grammar


def build_request(
    request: ChatRequest, *, stream: bool = False, json_mode: str = "response_format", compact: bool = True
) -> dict[str, Any]:
    """The OpenAI-shaped body ``handle_chat_completions`` takes."""
    body: dict[str, Any] = {
        "messages": request.message_dicts(),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.seed is not None:
        body["seed"] = request.seed
    if request.stop:
        body["stop"] = list(request.stop)
    if request.repeat_penalty is not None:
        body["repeat_penalty"] = request.repeat_penalty
    grammar = None
    if request.json_schema is not None and json_mode == "grammar":
        grammar = schema_grammar(dict(request.json_schema), compact=compact)
    if grammar is not None:
        body["grammar"] = grammar
    elif request.json_schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "reply", "schema": dict(request.json_schema), "strict": True},
        }
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


def parse_response(response: Any) -> Completion:
    """A ``Completion`` from the server's OpenAI-shaped response (``LLMError`` on an error reply)."""
    if not isinstance(response, dict):
        raise LLMError(f"llama.cpp returned {type(response).__name__}, expected a JSON object")
    if "error" in response:
        err = response["error"]
        message = err.get("message") if isinstance(err, dict) else err
        raise LLMError(f"llama.cpp error: {message}")
    try:
        choice = response["choices"][0]
        text = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"unexpected llama.cpp response: {str(response)[:200]}") from exc
    usage = response.get("usage") or {}
    timings = response.get("timings") or {}
    latency = float(timings.get("prompt_ms", 0.0)) + float(timings.get("predicted_ms", 0.0))
    return Completion(
        text=text,
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
        finish_reason=choice.get("finish_reason"),
        latency_ms=latency,
        timings={k: float(v) for k, v in timings.items() if isinstance(v, int | float)},
    )


class LlamaCppChatModel(BaseChatModel):
    """GGUF chat model on llama.cpp (``--llm llamacpp``, the default).

    Args:
        model: a catalogue name (``smollm2-135m``, ``qwen2.5-coder-0.5b``, ...) or a GGUF path;
            ``None`` for the bundled SmolLM2-135M.
        models_dir: where assembled catalogue models live (``Settings.models_dir``).
        options: ``LlamaCppOptions`` (threads, parallel slots, context per slot, ...).
        cache: response cache, or ``None``.
        meter: usage meter, or a new one.

    Nothing is loaded until the first request (or ``load()``).
    """

    backend = "llamacpp"
    constrained = True
    Options = LlamaCppOptions

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        models_dir: Path | None = None,
        options: LlamaCppOptions | None = None,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
    ) -> None:
        super().__init__(cache=cache, meter=meter)
        self._model = str(model) if model is not None else None
        self._models_dir = models_dir if models_dir is not None else Path.home() / ".kgreason" / "models"
        self.options = options or LlamaCppOptions()
        self._path: Path | None = None

    @classmethod
    def _from_parsed(
        cls,
        options: BackendOptions,
        *,
        settings: Settings,
        model: str | None,
        cache: ResponseCache | None,
        meter: UsageMeter | None,
    ) -> LlamaCppChatModel:
        assert isinstance(options, LlamaCppOptions)
        return cls(model, models_dir=settings.models_dir, options=options, cache=cache, meter=meter)

    @property
    def path(self) -> Path:
        """The GGUF file (resolved on first use)."""
        if self._path is None:
            self._path = models.resolve(self._model, self._models_dir)
        return self._path

    @property
    def model_id(self) -> str:
        return self._model or models.DEFAULT_MODEL

    def cache_variant(self) -> dict[str, Any]:
        return {"json_mode": self.options.json_mode, "compact_json": self.options.compact_json}

    def load(self) -> float:
        """Load (or reuse) the model; return the load time in ms (of the first load in this process)."""
        _, load_ms = load_server(self.path, self.options)
        return load_ms

    def server(self) -> Any:
        """The underlying ``xllamacpp.Server`` (loads it if needed); for benchmarks and streaming."""
        return load_server(self.path, self.options)[0]

    def _complete(self, request: ChatRequest) -> Completion:
        server = self.server()
        start = time.perf_counter()
        try:
            response = server.handle_chat_completions(
                build_request(request, json_mode=self.options.json_mode, compact=self.options.compact_json)
            )
        except LLMError:
            raise
        except Exception as exc:
            raise LLMError(f"llama.cpp request failed: {exc}") from exc
        completion = parse_response(response)
        if completion.latency_ms <= 0:
            completion = Completion(
                text=completion.text,
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                finish_reason=completion.finish_reason,
                latency_ms=(time.perf_counter() - start) * 1000,
                timings=completion.timings,
            )
        return completion

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        if len(requests) <= 1 or self.options.parallel <= 1:
            return [self._complete(r) for r in requests]
        self.server()  # load once before the threads start
        # The binding releases the GIL while the server works, so each thread occupies one slot and
        # llama.cpp decodes all active slots together (continuous batching).
        workers = min(self.options.parallel, len(requests))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kgr-llamacpp") as pool:
            return list(pool.map(self._complete, requests))

    def info(self) -> dict[str, Any]:
        out = super().info()
        try:
            path: Path | None = self.path
        except Exception as exc:  # info must describe, not fail
            path = None
            out["error"] = getattr(exc, "message", str(exc))
        runtime = models.package_dir("xllamacpp") is not None
        out.update(
            {
                "path": str(path) if path else None,
                "size": path.stat().st_size if path else None,
                "gguf": _is_gguf(path) if path else False,
                "runtime": "xllamacpp" if runtime else None,
                "loadable": bool(path and runtime and _is_gguf(path)),
                "loaded": path is not None and _server_key(path, self.options) in _SERVERS,
                "threads": self.options.threads or auto_threads(),
                "options": self.options.model_dump(),
            }
        )
        return out


def _is_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == GGUF_MAGIC
    except OSError:
        return False

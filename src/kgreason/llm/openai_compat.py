"""Any OpenAI-compatible chat endpoint over HTTP (OpenAI, llama.cpp's server, vLLM serve, Ollama, ...).

The API key is read from ``KGR_OPENAI_API_KEY`` or ``OPENAI_API_KEY`` (or given as an option) and is never
printed: ``info()`` reports only whether one is set. JSON schemas are sent as ``response_format``
``json_schema``; the reply is validated anyway. With ``json_mode="grammar"`` (llama.cpp's server only) the
schema goes as an LLGuidance ``grammar`` that also fixes the JSON whitespace: llama.cpp's own conversion of
``response_format`` lets a model indent and break lines, tokens that carry nothing. The default,
``json_mode="auto"``, picks between the two by itself: before the first request that carries a schema it
asks ``GET {base_url}/models`` once; if a model there is ``owned_by`` ``"llamacpp"`` (llama.cpp's server) it
uses ``grammar``, otherwise, or if that request fails in any way, ``json_schema``. 429 and 5xx replies,
timeouts and connection errors are retried with exponential backoff (honouring ``Retry-After``).
``chat_many`` sends requests concurrently.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr

from kgreason.errors import ConfigError, LLMError
from kgreason.llm.base import BaseChatModel
from kgreason.llm.options import BackendOptions
from kgreason.llm.requests import ChatRequest, Completion
from kgreason.llm.structured import schema_instruction

if TYPE_CHECKING:
    import httpx

    from kgreason.llm.cache import ResponseCache
    from kgreason.llm.usage import UsageMeter

API_KEY_ENV = ("KGR_OPENAI_API_KEY", "OPENAI_API_KEY")
DEFAULT_MODEL = "gpt-4o-mini"
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class OpenAIOptions(BackendOptions):
    """Options of the ``openai`` backend."""

    base_url: str = Field(default="https://api.openai.com/v1", description="endpoint base URL (…/v1)")
    api_key: SecretStr | None = Field(default=None, description="overrides the environment variables")
    timeout_s: float = Field(default=60.0, gt=0, description="per-request timeout")
    connect_timeout_s: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=4, ge=0, description="retries on 429/5xx/timeouts")
    backoff_s: float = Field(default=0.5, ge=0, description="first backoff; doubles each retry")
    max_backoff_s: float = Field(default=20.0, ge=0)
    concurrency: int = Field(default=4, ge=1, le=64, description="parallel requests in chat_many")
    json_mode: Literal["auto", "json_schema", "json_object", "prompt", "grammar"] = Field(
        default="auto",
        description="how a schema is requested from the endpoint (grammar: llama.cpp's server, compact JSON; "
        "auto: grammar if GET /models says llama.cpp, else json_schema)",
    )


def api_key_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """The first non-empty key among ``KGR_OPENAI_API_KEY`` and ``OPENAI_API_KEY``."""
    e = os.environ if env is None else env
    for var in API_KEY_ENV:
        value = e.get(var)
        if value:
            return value
    return None


_COMPACT_JSON = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


def llguidance_grammar(schema: Mapping[str, Any]) -> str:
    """``schema`` as an LLGuidance grammar with fixed whitespace (``{"a": 1, "b": [2]}``), the form
    llama.cpp's server takes in its ``grammar`` field; a schema's own ``x-guidance`` options are kept."""
    import json

    return "%llguidance {}\nstart: %json " + json.dumps({"x-guidance": _COMPACT_JSON, **schema})


def serves_llamacpp(models: Any) -> bool:
    """Whether a ``GET /models`` reply lists a model ``owned_by`` ``"llamacpp"`` (llama.cpp's server)."""
    data = models.get("data") if isinstance(models, dict) else None
    return isinstance(data, list) and any(
        isinstance(m, dict) and m.get("owned_by") == "llamacpp" for m in data
    )


def build_body(model: str, request: ChatRequest, json_mode: str) -> dict[str, Any]:
    """The ``/chat/completions`` JSON body for ``request`` (``json_mode`` already decided, not ``auto``)."""
    messages = request.message_dicts()
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.seed is not None:
        body["seed"] = request.seed
    if request.stop:
        body["stop"] = list(request.stop)
    if request.repeat_penalty is not None:
        # OpenAI has no multiplicative penalty; frequency_penalty is the nearest (-2..2).
        body["frequency_penalty"] = round(min(2.0, (request.repeat_penalty - 1.0) * 4), 3)
    if request.json_schema is not None:
        if json_mode == "grammar":
            body["grammar"] = llguidance_grammar(request.json_schema)
        elif json_mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": dict(request.json_schema), "strict": True},
            }
        else:
            messages = [{"role": "system", "content": schema_instruction(request.json_schema)}, *messages]
            if json_mode == "json_object" and request.json_schema.get("type") == "object":
                body["response_format"] = {"type": "json_object"}
    body["messages"] = messages
    return body


class OpenAIChatModel(BaseChatModel):
    """Chat model behind an OpenAI-compatible HTTP endpoint (``--llm openai``).

    Args:
        model: the remote model name (``--model``; default ``gpt-4o-mini``).
        options: ``OpenAIOptions`` (base_url, timeouts, retries, concurrency, json_mode).
        api_key: overrides the options and the environment.
        cache: response cache, or ``None``.
        meter: usage meter, or a new one.
        transport: an ``httpx`` transport (tests, proxies); the default is httpx's own.
    """

    backend = "openai"
    constrained = True
    Options = OpenAIOptions

    def __init__(
        self,
        model: str | None = None,
        *,
        options: OpenAIOptions | None = None,
        api_key: str | None = None,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(cache=cache, meter=meter)
        self._model = model or DEFAULT_MODEL
        self.options = options or OpenAIOptions()
        key = api_key or (self.options.api_key.get_secret_value() if self.options.api_key else None)
        self._api_key = SecretStr(key) if key else (SecretStr(k) if (k := api_key_from_env()) else None)
        self._transport = transport
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self._json_mode: str | None = None if self.options.json_mode == "auto" else self.options.json_mode
        self._json_mode_shown: str = self.options.json_mode  # what info() says
        self._json_mode_lock = threading.Lock()
        self.sleep = time.sleep  # replaceable so tests need not wait

    @property
    def model_id(self) -> str:
        return self._model

    def __repr__(self) -> str:
        return f"OpenAIChatModel(model={self._model!r}, base_url={self.options.base_url!r})"

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                import httpx

                headers = {"Content-Type": "application/json"}
                if self._api_key is not None:
                    headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
                self._client = httpx.Client(
                    base_url=self.options.base_url.rstrip("/") + "/",
                    headers=headers,
                    timeout=httpx.Timeout(self.options.timeout_s, connect=self.options.connect_timeout_s),
                    transport=self._transport,
                    limits=httpx.Limits(max_connections=max(self.options.concurrency, 1) + 2),
                )
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _decide_json_mode(self) -> str:
        """The json mode for schema requests; with ``auto``, decided once by a ``GET /models`` probe."""
        mode = self._json_mode
        if mode is not None:
            return mode
        with self._json_mode_lock:
            if self._json_mode is None:
                llamacpp = self._probe_llamacpp()
                self._json_mode = "grammar" if llamacpp else "json_schema"
                self._json_mode_shown = (
                    "auto (grammar: llama.cpp server)" if llamacpp else "auto (json_schema)"
                )
            return self._json_mode

    def _probe_llamacpp(self) -> bool:
        """Whether the endpoint is llama.cpp's server; any failure (HTTP error, timeout, bad JSON) says no."""
        try:
            response = self._http().get("models")
            return response.status_code < 400 and serves_llamacpp(response.json())
        except Exception:  # the probe only chooses a default: any failure means json_schema
            return False

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.options.max_backoff_s)
            except ValueError:
                pass
        base = self.options.backoff_s * (2.0**attempt)
        return min(base * (1 + random.random() * 0.25), self.options.max_backoff_s)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        client = self._http()
        last_error = ""
        for attempt in range(self.options.max_retries + 1):
            retry_after: str | None = None
            try:
                response = client.post("chat/completions", json=body)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    try:
                        data = response.json()
                    except ValueError as exc:
                        raise LLMError(f"endpoint returned invalid JSON: {response.text[:200]!r}") from exc
                    if not isinstance(data, dict):
                        raise LLMError("endpoint returned a non-object JSON reply")
                    return data
                last_error = f"HTTP {response.status_code}: {_error_text(response)}"
                if response.status_code in (401, 403):
                    raise ConfigError(
                        f"endpoint refused the request ({last_error})",
                        hint="set KGR_OPENAI_API_KEY (or OPENAI_API_KEY) to a valid key",
                    )
                if response.status_code not in RETRY_STATUS:
                    raise LLMError(f"endpoint error {last_error}")
                retry_after = response.headers.get("retry-after")
            if attempt < self.options.max_retries:
                self.sleep(self._backoff(attempt, retry_after))
        raise LLMError(
            f"endpoint failed after {self.options.max_retries + 1} attempts: {last_error}",
            hint=f"check {self.options.base_url} is reachable",
        )

    def _complete(self, request: ChatRequest) -> Completion:
        start = time.perf_counter()
        mode = self._decide_json_mode() if request.json_schema is not None else "json_schema"
        data = self._post(build_body(self._model, request, mode))
        latency = (time.perf_counter() - start) * 1000
        try:
            choice = data["choices"][0]
            message = choice["message"]
            text = message.get("content") or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"unexpected reply shape: {str(data)[:200]}") from exc
        if not text and message.get("refusal"):
            raise LLMError(f"model refused: {message['refusal']}")
        usage = data.get("usage") or {}
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=choice.get("finish_reason"),
            latency_ms=latency,
        )

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        if len(requests) <= 1 or self.options.concurrency <= 1:
            return [self._complete(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.options.concurrency, len(requests))) as pool:
            return list(pool.map(self._complete, requests))

    def info(self) -> dict[str, Any]:
        out = super().info()
        out.update(
            {
                "base_url": self.options.base_url,
                "api_key_set": self._api_key is not None,
                "json_mode": self._json_mode_shown,
                "loadable": True,
            }
        )
        return out


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            return str(err.get("message", err))[:200]
        if err:
            return str(err)[:200]
    return str(data)[:200]

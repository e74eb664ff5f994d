"""A local Hugging Face model directory through ``transformers`` (``--llm transformers``), CPU or GPU.

transformers has no grammar-constrained decoding here. A JSON schema that allows only a few replies (a
string enum, or an object of required enum properties: the choices the strategies ask for) is answered by
scoring each valid reply's likelihood after the prompt and returning the most likely, so the reply is
valid by construction; any other schema is requested in the system prompt and the reply is parsed,
validated and repaired by the base class. ``chat_many`` generates in
left-padded batches of ``batch_size``. A ``.gguf`` file is also accepted (transformers dequantises it;
slow to load). Only local files are read: ``local_files_only=True``, never a hub download. A model is
loaded once per process and reused by every instance for the same path, device, dtype and
``trust_remote_code`` (generation does not change the weights); ``unload_all`` drops them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kgreason.errors import ConfigError, LLMError
from kgreason.llm.base import BaseChatModel
from kgreason.llm.options import BackendOptions, require
from kgreason.llm.requests import ChatRequest, Completion
from kgreason.llm.structured import schema_instruction

if TYPE_CHECKING:
    from kgreason.llm.cache import ResponseCache
    from kgreason.llm.usage import UsageMeter


class TransformersOptions(BackendOptions):
    """Options of the ``transformers`` backend."""

    device: str = Field(default="auto", description="auto, cpu, cuda or cuda:N")
    dtype: str = Field(default="auto", description="auto, float32, float16 or bfloat16")
    batch_size: int = Field(default=8, ge=1, description="requests per generate() call in chat_many")
    trust_remote_code: bool = False


_LOADED: dict[tuple[str, str, str, bool], tuple[Any, Any, str]] = {}
_LOADED_LOCK = threading.Lock()


def unload_all() -> None:
    """Drop every cached model (frees them once no instance holds them)."""
    with _LOADED_LOCK:
        _LOADED.clear()


def with_schema_instruction(request: ChatRequest) -> list[dict[str, str]]:
    """The request's messages, with the JSON instruction prepended when it has a schema."""
    messages = request.message_dicts()
    if request.json_schema is not None:
        messages.insert(0, {"role": "system", "content": schema_instruction(request.json_schema)})
    return messages


MAX_CHOICES = 64


def schema_choices(schema: Mapping[str, Any] | None) -> list[str] | None:
    """Every valid reply (compact JSON text) when ``schema`` allows at most ``MAX_CHOICES`` of them: a
    string ``enum``/``const``, or an object whose properties are all required, take such values, and
    admit nothing else; ``None`` otherwise.

    >>> schema_choices({"type": "string", "enum": ["a", "b"]})
    ['"a"', '"b"']
    >>> schema_choices({"type": "object", "properties": {"c": {"enum": ["x"]}}, "required": ["c"],
    ...                 "additionalProperties": False})
    ['{"c": "x"}']
    """
    import itertools
    import json

    def values(node: Mapping[str, Any]) -> list[Any] | None:
        if "const" in node:
            return [node["const"]]
        enum = node.get("enum")
        return list(enum) if isinstance(enum, list) and enum else None

    if not isinstance(schema, Mapping):
        return None
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties")
        if not isinstance(props, Mapping) or not props or schema.get("additionalProperties") is not False:
            return None
        if set(schema.get("required", [])) != set(props):
            return None
        options = [values(v) if isinstance(v, Mapping) else None for v in props.values()]
        if any(o is None for o in options):
            return None
        combos = list(itertools.islice(itertools.product(*options), MAX_CHOICES + 1))  # type: ignore[arg-type]
        if len(combos) > MAX_CHOICES:
            return None
        return [json.dumps(dict(zip(props, combo, strict=True))) for combo in combos]
    found = values(schema)
    return [json.dumps(v) for v in found] if found and len(found) <= MAX_CHOICES else None


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Truncate ``text`` at the first stop string; say whether one was found."""
    cut = min((i for s in stop if s and (i := text.find(s)) >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


class TransformersChatModel(BaseChatModel):
    """A causal LM from a local directory (or GGUF file) on CPU or GPU.

    Args:
        model: path of a Hugging Face model directory, or of a ``.gguf`` file.
        options: ``TransformersOptions``.
    """

    backend = "transformers"
    constrained = False
    Options = TransformersOptions
    model_needed = "a local model directory"

    def __init__(
        self,
        model: str,
        *,
        options: TransformersOptions | None = None,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
    ) -> None:
        super().__init__(cache=cache, meter=meter)
        self._model_path = Path(model).expanduser()
        self.options = options or TransformersOptions()
        self._model: Any = None
        self._tokenizer: Any = None
        self._device: str = "cpu"

    @property
    def model_id(self) -> str:
        return str(self._model_path)

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            if not self._model_path.exists():
                raise ConfigError(f"model path not found: {self._model_path}")
            o = self.options
            key = (str(self._model_path.resolve()), o.device, o.dtype, o.trust_remote_code)
            with _LOADED_LOCK:
                if key not in _LOADED:
                    _LOADED[key] = self._load_new()
                self._model, self._tokenizer, self._device = _LOADED[key]
        return self._model, self._tokenizer

    def _load_new(self) -> tuple[Any, Any, str]:
        """Read the model and tokenizer from disk: (model on its device in eval mode, tokenizer, device)."""
        transformers = require("transformers", "gnn")
        torch = require("torch", "gnn")
        o = self.options
        device = o.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        kwargs: dict[str, Any] = {"local_files_only": True, "trust_remote_code": o.trust_remote_code}
        source = str(self._model_path)
        if self._model_path.is_file() and self._model_path.suffix == ".gguf":
            source, kwargs["gguf_file"] = str(self._model_path.parent), self._model_path.name
        dtype = "auto" if o.dtype == "auto" else getattr(torch, o.dtype)
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(source, **kwargs)
            model = transformers.AutoModelForCausalLM.from_pretrained(source, dtype=dtype, **kwargs)
        except Exception as exc:
            raise LLMError(f"transformers could not load {self._model_path}: {exc}") from exc
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        return model.to(device).eval(), tokenizer, device

    def _complete(self, request: ChatRequest) -> Completion:
        return self._generate_batch([request])[0]

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        out: list[Completion] = []
        size = self.options.batch_size
        for i in range(0, len(requests), size):
            out.extend(self._generate_batch(requests[i : i + size]))
        return out

    def _generate_batch(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        import time

        model, tokenizer = self._load()
        torch = require("torch", "gnn")
        # One generate() call shares its sampling settings, so mixed requests run in groups.
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, r in enumerate(requests):
            groups.setdefault((r.max_tokens, r.temperature, r.seed, r.repeat_penalty), []).append(i)
        results: list[Completion | None] = [None] * len(requests)
        for i, r in enumerate(requests):
            choices = schema_choices(r.json_schema)
            if choices is not None:
                results[i] = self._choose(model, tokenizer, r, choices)
                for key in groups:
                    if i in groups[key]:
                        groups[key].remove(i)
        for (max_tokens, temperature, seed, penalty), idx in groups.items():
            if not idx:
                continue
            prompts = [
                tokenizer.apply_chat_template(
                    with_schema_instruction(requests[i]), tokenize=False, add_generation_prompt=True
                )
                for i in idx
            ]
            enc = tokenizer(prompts, return_tensors="pt", padding=True).to(self._device)
            if seed is not None:
                torch.manual_seed(seed)
            start = time.perf_counter()
            gen_kwargs: dict[str, Any] = {
                "max_new_tokens": max_tokens,
                "do_sample": temperature > 0,
                "pad_token_id": tokenizer.pad_token_id,
            }
            if temperature > 0:
                gen_kwargs["temperature"] = temperature
            if penalty is not None:
                gen_kwargs["repetition_penalty"] = penalty
            try:
                with torch.no_grad():
                    output = model.generate(**enc, **gen_kwargs)
            except Exception as exc:
                raise LLMError(f"transformers generation failed: {exc}") from exc
            latency = (time.perf_counter() - start) * 1000 / len(idx)
            width = enc["input_ids"].shape[1]
            for row, i in enumerate(idx):
                new = output[row, width:]
                n_new = int((new != tokenizer.pad_token_id).sum().item())
                text = tokenizer.decode(new, skip_special_tokens=True)
                text, stopped = cut_at_stop(text, requests[i].stop)
                results[i] = Completion(
                    text=text,
                    prompt_tokens=int(enc["attention_mask"][row].sum().item()),
                    completion_tokens=n_new,
                    finish_reason="stop" if stopped or n_new < max_tokens else "length",
                    latency_ms=latency,
                )
        return [r for r in results if r is not None]

    def _choose(self, model: Any, tokenizer: Any, request: ChatRequest, choices: Sequence[str]) -> Completion:
        """The most likely of ``choices`` after the prompt (sum of its tokens' log-probabilities); cut
        to ``max_tokens`` like a generated reply, so a choice that does not fit fails validation."""
        import time

        torch = require("torch", "gnn")
        prompt = tokenizer.apply_chat_template(
            with_schema_instruction(request), tokenize=False, add_generation_prompt=True
        )
        prompt_ids = tokenizer(prompt, return_tensors="pt").input_ids.to(self._device)
        start = time.perf_counter()
        best: tuple[float, str, list[int]] | None = None
        try:
            with torch.no_grad():
                for text in choices:
                    ids = tokenizer(text, add_special_tokens=False).input_ids
                    full = torch.cat([prompt_ids, torch.tensor([ids], device=self._device)], dim=1)
                    logits = model(full).logits[0, prompt_ids.shape[1] - 1 : -1]
                    logp = torch.log_softmax(logits.float(), dim=-1)
                    score = float(logp[torch.arange(len(ids)), torch.tensor(ids)].sum())
                    if best is None or score > best[0]:
                        best = (score, text, ids)
        except Exception as exc:
            raise LLMError(f"transformers scoring failed: {exc}") from exc
        assert best is not None
        _, text, ids = best
        cut = len(ids) > request.max_tokens
        if cut:
            text = tokenizer.decode(ids[: request.max_tokens], skip_special_tokens=True)
        return Completion(
            text=text,
            prompt_tokens=int(prompt_ids.shape[1]),
            completion_tokens=min(len(ids), request.max_tokens),
            finish_reason="length" if cut else "stop",
            latency_ms=(time.perf_counter() - start) * 1000,
        )

    def info(self) -> dict[str, Any]:
        from kgreason.llm.models import package_dir

        out = super().info()
        out.update(
            {
                "path": str(self._model_path),
                "exists": self._model_path.exists(),
                "runtime": "transformers" if package_dir("transformers") is not None else None,
                "loadable": self._model_path.exists() and package_dir("transformers") is not None,
                "options": self.options.model_dump(),
            }
        )
        return out

"""In-process vLLM (``--llm vllm``): batched generation on a GPU with structured outputs.

A JSON schema becomes ``SamplingParams(structured_outputs=StructuredOutputsParams(json=schema))``
(vLLM >= 0.12; older releases used ``guided_decoding=GuidedDecodingParams(json=schema)``, which is used
when the new class is missing). Prompts are rendered with the model's chat template. ``chat_many`` hands
the whole list to one ``LLM.generate`` call, which vLLM schedules with continuous batching.

The request building (``sampling_spec``, ``render_prompt``) is plain Python and tested without vLLM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kgreason.errors import LLMError
from kgreason.llm.base import BaseChatModel
from kgreason.llm.options import BackendOptions, require
from kgreason.llm.requests import ChatRequest, Completion

if TYPE_CHECKING:
    from kgreason.llm.cache import ResponseCache
    from kgreason.llm.usage import UsageMeter


class VLLMOptions(BackendOptions):
    """Options of the ``vllm`` backend (passed to ``vllm.LLM``)."""

    dtype: str = Field(default="auto")
    gpu_memory_utilization: float = Field(default=0.85, gt=0, le=1)
    max_model_len: int | None = Field(default=None, ge=16)
    tensor_parallel_size: int = Field(default=1, ge=1)
    enforce_eager: bool = False
    trust_remote_code: bool = False
    seed: int = 0


def sampling_spec(request: ChatRequest) -> dict[str, Any]:
    """``SamplingParams`` keyword arguments for ``request``; a schema goes under ``structured_outputs``."""
    spec: dict[str, Any] = {"max_tokens": request.max_tokens, "temperature": request.temperature}
    if request.seed is not None:
        spec["seed"] = request.seed
    if request.stop:
        spec["stop"] = list(request.stop)
    if request.repeat_penalty is not None:
        spec["repetition_penalty"] = request.repeat_penalty
    if request.json_schema is not None:
        spec["structured_outputs"] = {"json": dict(request.json_schema)}
    return spec


def render_prompt(tokenizer: Any, messages: Sequence[Mapping[str, str]]) -> str:
    """The prompt text from the model's chat template (generation prompt appended)."""
    try:
        rendered = tokenizer.apply_chat_template(
            [dict(m) for m in messages], tokenize=False, add_generation_prompt=True
        )
    except Exception as exc:
        raise LLMError(f"could not apply the chat template: {exc}") from exc
    if not isinstance(rendered, str):
        raise LLMError("the chat template did not render to text")
    return rendered


def to_sampling_params(spec: Mapping[str, Any], vllm_sampling: Any) -> Any:
    """Build a ``vllm.SamplingParams`` from ``spec`` using the module ``vllm.sampling_params``."""
    kwargs = dict(spec)
    structured = kwargs.pop("structured_outputs", None)
    if structured is not None:
        if hasattr(vllm_sampling, "StructuredOutputsParams"):
            kwargs["structured_outputs"] = vllm_sampling.StructuredOutputsParams(**structured)
        elif hasattr(vllm_sampling, "GuidedDecodingParams"):
            kwargs["guided_decoding"] = vllm_sampling.GuidedDecodingParams(**structured)
        else:
            raise LLMError("this vLLM has neither StructuredOutputsParams nor GuidedDecodingParams")
    return vllm_sampling.SamplingParams(**kwargs)


def completion_from_output(output: Any) -> Completion:
    """A ``Completion`` from one ``vllm.RequestOutput``."""
    first = output.outputs[0]
    return Completion(
        text=str(first.text),
        prompt_tokens=len(output.prompt_token_ids or ()),
        completion_tokens=len(first.token_ids or ()),
        finish_reason=first.finish_reason,
    )


class VLLMChatModel(BaseChatModel):
    """A Hugging Face model (local directory or cached name) served in process by vLLM.

    Args:
        model: model directory (or name already in the local HF cache; no downloads are attempted).
        options: ``VLLMOptions``.
    """

    backend = "vllm"
    constrained = True
    Options = VLLMOptions
    model_needed = "a Hugging Face model directory"

    def __init__(
        self,
        model: str,
        *,
        options: VLLMOptions | None = None,
        cache: ResponseCache | None = None,
        meter: UsageMeter | None = None,
    ) -> None:
        super().__init__(cache=cache, meter=meter)
        self._model = model
        self.options = options or VLLMOptions()
        self._llm: Any = None
        self._tokenizer: Any = None

    @property
    def model_id(self) -> str:
        return self._model

    def _engine(self) -> Any:
        if self._llm is None:
            vllm = require("vllm", "vllm")
            o = self.options
            kwargs: dict[str, Any] = {
                "model": self._model,
                "dtype": o.dtype,
                "gpu_memory_utilization": o.gpu_memory_utilization,
                "tensor_parallel_size": o.tensor_parallel_size,
                "enforce_eager": o.enforce_eager,
                "trust_remote_code": o.trust_remote_code,
                "seed": o.seed,
            }
            if o.max_model_len is not None:
                kwargs["max_model_len"] = o.max_model_len
            try:
                self._llm = vllm.LLM(**kwargs)
            except Exception as exc:
                raise LLMError(f"vLLM could not load {self._model}: {exc}") from exc
            self._tokenizer = self._llm.get_tokenizer()
        return self._llm

    def _complete(self, request: ChatRequest) -> Completion:
        return self._complete_many([request])[0]

    def _complete_many(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        llm = self._engine()
        vllm_sampling = require("vllm.sampling_params", "vllm")
        prompts = [render_prompt(self._tokenizer, r.message_dicts()) for r in requests]
        params = [to_sampling_params(sampling_spec(r), vllm_sampling) for r in requests]
        try:
            outputs = llm.generate(prompts, params, use_tqdm=False)
        except Exception as exc:
            raise LLMError(f"vLLM generation failed: {exc}") from exc
        return [completion_from_output(o) for o in outputs]

    def info(self) -> dict[str, Any]:
        from kgreason.llm.models import package_dir

        out = super().info()
        out.update(
            {
                "runtime": "vllm" if package_dir("vllm") is not None else None,
                "loadable": package_dir("vllm") is not None,
                "options": self.options.model_dump(),
            }
        )
        return out

"""LLM layer benchmark: decode speed, time to first token, batching and model load time.

Measures, for the default model (SmolLM2-135M-Instruct Q4_1 on llama.cpp through xllamacpp):

- decode tokens/s and time to first token at batch 1 (streaming; the server's own timings too);
- 16 prompts sent one after another vs through ``chat_many`` (parallel slots, continuous batching),
  as a throughput ratio;
- model load time, in a fresh subprocess, twice (the second run has the file in the page cache);
- where CUDA is available: transformers generation for a Qwen2-0.5B-class config with random weights,
  batch 1 vs batched (otherwise reported as skipped).

Writes ``benchmarks/out/llm.json`` and a record under ``benchmarks/records/``.

Usage: ``.venv/bin/python benchmarks/llm.py [--threads N] [--parallel N] [--max-tokens N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _records import headline, write_record

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "llm.json"

PROMPTS = [
    "Write a short story about a lighthouse keeper.",
    "Explain how a bicycle works.",
    "Describe the water cycle.",
    "Write a poem about autumn leaves.",
    "Explain what a knowledge graph is.",
    "Describe a day at the beach.",
    "Explain photosynthesis to a child.",
    "Write a letter to a friend about a trip.",
    "Describe how bread is made.",
    "Explain why the sky is blue.",
    "Write a recipe for pancakes.",
    "Describe a busy city street.",
    "Explain how vaccines work.",
    "Write a dialogue between a cat and a dog.",
    "Describe the life of a honeybee.",
    "Explain how a computer stores data.",
]


def load_in_subprocess(threads: int | None) -> dict[str, float]:
    code = (
        "import json, time\n"
        "t0 = time.perf_counter()\n"
        "from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions\n"
        f"m = LlamaCppChatModel(options=LlamaCppOptions(threads={threads!r}))\n"
        "path = m.path\n"
        "t1 = time.perf_counter()\n"
        "load_ms = m.load()\n"
        "print(json.dumps({'import_ms': (t1 - t0) * 1000, 'load_ms': load_ms,"
        " 'total_ms': (time.perf_counter() - t0) * 1000}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def stream_once(server: Any, prompt: str, max_tokens: int) -> dict[str, float]:
    """Time to first token and decode rate from a streamed request (ignore_eos: full length)."""
    stamps: list[float] = []
    usage: dict[str, Any] = {}
    timings: dict[str, Any] = {}

    def on_chunk(chunk: Any) -> bool:
        data = json.loads(chunk) if isinstance(chunk, str | bytes) else chunk
        if isinstance(data, dict):
            for choice in data.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    stamps.append(time.perf_counter())
            if data.get("usage"):
                usage.update(data["usage"])
            if data.get("timings"):
                timings.update(data["timings"])
        return False

    body = {
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
        "temperature": 0,
        "ignore_eos": True,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    start = time.perf_counter()
    server.handle_chat_completions(body, on_chunk)
    end = time.perf_counter()
    n = len(stamps)
    ttft = (stamps[0] - start) * 1000 if stamps else float("nan")
    decode = (n - 1) / (stamps[-1] - stamps[0]) if n > 1 else float("nan")
    return {
        "ttft_ms": round(ttft, 1),
        "decode_tok_s_stream": round(decode, 1),
        "chunks": n,
        "wall_ms": round((end - start) * 1000, 1),
        "server_decode_tok_s": round(float(timings.get("predicted_per_second", float("nan"))), 1),
        "server_prompt_ms": round(float(timings.get("prompt_ms", float("nan"))), 1),
        "completion_tokens": int(usage.get("completion_tokens", n)),
    }


def batching(model: Any, max_tokens: int) -> dict[str, Any]:
    from kgreason.llm import ChatRequest

    requests = [ChatRequest.create(p, max_tokens=max_tokens, seed=0) for p in PROMPTS]
    model.chat_many(requests[:2])  # warm the slots
    start = time.perf_counter()
    sequential = [model.chat_many([r])[0] for r in requests]
    seq_s = time.perf_counter() - start
    start = time.perf_counter()
    batched = model.chat_many(requests)
    par_s = time.perf_counter() - start
    seq_tokens = sum(r.completion_tokens for r in sequential)
    par_tokens = sum(r.completion_tokens for r in batched)
    seq_tps, par_tps = seq_tokens / seq_s, par_tokens / par_s
    return {
        "prompts": len(requests),
        "max_tokens": max_tokens,
        "sequential_s": round(seq_s, 2),
        "sequential_tokens": seq_tokens,
        "sequential_tok_s": round(seq_tps, 1),
        "chat_many_s": round(par_s, 2),
        "chat_many_tokens": par_tokens,
        "chat_many_tok_s": round(par_tps, 1),
        "throughput_ratio": round(par_tps / seq_tps, 2),
        "parallel_slots": model.options.parallel,
    }


def transformers_gpu(batch: int = 16, new_tokens: int = 64) -> dict[str, Any]:
    try:
        import torch
    except ImportError:
        return {"skipped": "torch is not installed"}
    if not torch.cuda.is_available():
        return {"skipped": "CUDA is not available"}
    try:
        import transformers
    except ImportError:
        return {"skipped": "transformers is not installed"}
    config = transformers.Qwen2Config(
        vocab_size=151_936,
        hidden_size=896,
        intermediate_size=4864,
        num_hidden_layers=24,
        num_attention_heads=14,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16).cuda().eval()
    prompt = torch.randint(0, config.vocab_size, (1, 64), device="cuda")

    def run(n: int) -> float:
        ids = prompt.repeat(n, 1)
        torch.cuda.synchronize()
        t = time.perf_counter()
        with torch.no_grad():
            model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                do_sample=False,
                pad_token_id=0,
            )
        torch.cuda.synchronize()
        return n * new_tokens / (time.perf_counter() - t)

    run(1)
    single = run(1)
    batched = run(batch)
    return {
        "config": "Qwen2-0.5B-class (random weights, bf16)",
        "device": torch.cuda.get_device_name(0),
        "batch1_tok_s": round(single, 1),
        f"batch{batch}_tok_s": round(batched, 1),
        "ratio": round(batched / single, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    parser.add_argument("--parallel", type=int, default=8, help="server slots for chat_many")
    parser.add_argument("--max-tokens", type=int, default=64, help="tokens per prompt in the batching test")
    parser.add_argument("--decode-tokens", type=int, default=128, help="tokens in the decode test")
    args = parser.parse_args()

    from kgreason.llm.llamacpp import LlamaCppChatModel, LlamaCppOptions, auto_threads

    def say(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    load_at_start = os.getloadavg()[0]
    say("model load in fresh subprocesses (x2)")
    load_runs = [load_in_subprocess(args.threads) for _ in range(2)]
    model = LlamaCppChatModel(options=LlamaCppOptions(threads=args.threads, parallel=args.parallel))
    model.load()
    server = model.server()
    say(f"loads: {[round(r['load_ms']) for r in load_runs]} ms; decode at batch 1")
    stream_once(server, "Hello.", 8)  # warm-up
    decode_runs = [
        stream_once(server, "Write a long story about a dragon and a knight.", args.decode_tokens)
        for _ in range(3)
    ]
    best = max(decode_runs, key=lambda r: r["decode_tok_s_stream"])
    say(f"decode best {best['decode_tok_s_stream']} tok/s; 16 prompts sequential vs chat_many")
    batch = batching(model, args.max_tokens)
    say(f"batching ratio x{batch['throughput_ratio']}; transformers on GPU")
    gpu = transformers_gpu()

    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "loadavg_1m_at_start": round(load_at_start, 2),
            "python": platform.python_version(),
        },
        "model": str(model.path.name),
        "threads": args.threads or auto_threads(),
        "load": {
            "first_ms": round(load_runs[0]["load_ms"], 1),
            "second_ms": round(load_runs[1]["load_ms"], 1),
            "runs": load_runs,
        },
        "decode_batch1": {"best": best, "runs": decode_runs},
        "batching": batch,
        "transformers_gpu": gpu,
        "bars": {
            "decode_ge_80_tok_s": best["decode_tok_s_stream"] >= 80,
            "load_le_2s_after_first": load_runs[1]["load_ms"] <= 2000,
            "chat_many_ge_2x": batch["throughput_ratio"] >= 2.0,
        },
    }
    report["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")

    gpu_line = (
        f"transformers GPU ({gpu['device']}): batch 1 {gpu['batch1_tok_s']} tok/s, batched x{gpu['ratio']}"
        if "ratio" in gpu
        else f"transformers GPU: skipped ({gpu['skipped']})"
    )
    bars = report["bars"]
    rows = [
        headline("decode, batch 1 (streamed, best of 3)",
                 f"{best['decode_tok_s_stream']} tok/s (server timing {best['server_decode_tok_s']})",
                 ">= 80 tok/s", bars["decode_ge_80_tok_s"]),
        headline("time to first token", f"{best['ttft_ms']} ms"),
        headline("model load, fresh process: 1st / 2nd",
                 f"{report['load']['first_ms']} / {report['load']['second_ms']} ms",
                 "<= 2000 ms after the first", bars["load_le_2s_after_first"]),
        headline("16 prompts sequential", f"{batch['sequential_tok_s']} tok/s ({batch['sequential_s']} s)"),
        headline(f"16 prompts via chat_many ({batch['parallel_slots']} slots)",
                 f"{batch['chat_many_tok_s']} tok/s ({batch['chat_many_s']} s)"),
        headline("chat_many / sequential throughput", f"x{batch['throughput_ratio']}", ">= x2",
                 bars["chat_many_ge_2x"]),
    ]  # fmt: skip
    write_record(
        "llm",
        report,
        title="LLM layer",
        headline=rows,
        notes=f"Model {report['model']}, {report['threads']} llama.cpp threads. {gpu_line}.",
        load_at_start=round(load_at_start, 2),
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

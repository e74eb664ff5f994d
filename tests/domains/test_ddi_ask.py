"""`kgr ask --pack ddi`: the pack's graph is loaded and used, its entity hints pick the topic, its answer
checks run; with the bundled model the pack's system prompt is used for the one LLM call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ddi_helpers import FIXTURES, run_kgr

from kgreason.domains.ddi import DdiPack
from kgreason.llm.base import ChatModel
from kgreason.llm.llamacpp import LlamaCppChatModel
from kgreason.llm.requests import Message
from kgreason.llm.system_prompt import SystemPromptModel, with_system_prompt


def test_ask_pack_without_llm(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = run_kgr(
        "ask", "--pack", "ddi", "Which enzyme does Biaxin inhibit?", "--llm", "none", "--json", home=home
    )
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["trace"][0]["seeds"][0]["node_id"] == "clarithromycin"  # brand name -> drug id
    assert "cyp3a4" in answer["entities"][:2]
    assert answer["trace"][-1]["step"] == "pack_checks"
    assert (home / "graphs" / "ddi.kgr").exists()  # the pack's default graph was loaded
    missing = run_kgr("ask", "Which enzyme?", "--llm", "none", home=home)
    assert missing.returncode == 2 and "--pack" in missing.stderr


@pytest.mark.parametrize("strategy", ["retrieve", "multihop"])
def test_ask_pack_each_strategy(strategy: str, tmp_path: Path) -> None:
    q = "Which enzymes does Biaxin inhibit?"
    r = run_kgr("ask", "--pack", "ddi", q, "--strategy", strategy, "--llm", "none", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["strategy"] == strategy and "cyp3a4" in answer["entities"][:3]


def test_ask_pack_checks_flag_interactions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    q = "Can Zocor be taken together with Biaxin?"
    r = run_kgr("ask", "--pack", "ddi", q, "--llm", "none", "--json", home=home)
    assert r.returncode == 0, r.stderr
    notes = json.loads(r.stdout)["trace"][-1]["notes"]
    assert any("simvastatin + clarithromycin is contraindicated via cyp3a4" in n for n in notes), notes
    assert "contraindicated" in r.stderr


@pytest.mark.slow
def test_ask_pack_with_bundled_model(tmp_path: Path) -> None:
    home = tmp_path / "home"
    q = "Which transporter does clarithromycin inhibit?"
    r = run_kgr("ask", "--pack", "ddi", q, "--json", home=home)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    graph_only = json.loads(run_kgr("ask", "--pack", "ddi", q, "--llm", "none", "--json", home=home).stdout)
    # by default the model never overrides the graph's answer (measured: it only narrowed right sets)
    assert answer["llm_calls"] == 0 and answer["answers"] == graph_only["answers"]
    assert answer["answers"]
    evidence_nodes = {n["id"] for p in answer["evidence"] for n in p["nodes"]}
    assert set(answer["entities"]) <= evidence_nodes


def test_system_prompt_wrapper_puts_the_pack_prompt_first() -> None:
    system = DdiPack(FIXTURES).prompts()["system"]
    llm = LlamaCppChatModel()  # nothing is loaded until a request
    wrapped = with_system_prompt(llm, system)
    assert isinstance(wrapped, SystemPromptModel) and isinstance(wrapped, ChatModel)
    task = Message("system", "Write one Cypher query.")
    # the pack's framing comes first, the strategy's own instructions are kept
    assert wrapped.frame([task, Message("user", "q")]) == (
        Message("system", f"{system}\n\n{task.content}"),
        Message("user", "q"),
    )
    assert wrapped.frame([Message("user", "q2")]) == (Message("system", system), Message("user", "q2"))
    # everything else is the wrapped model's
    assert (wrapped.model_id, wrapped.backend, wrapped.meter) == (llm.model_id, llm.backend, llm.meter)
    assert with_system_prompt(llm, "") is llm

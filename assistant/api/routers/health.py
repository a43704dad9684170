"""``GET /healthz`` (the process answers), ``GET /readyz`` (it can serve turns), ``GET /metrics``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from assistant.api.deps import MetricsDep, get_assistant
from assistant.api.metrics import CONTENT_TYPE_LATEST
from assistant.api.schemas import CheckPublic, HealthPublic, ReadinessPublic
from assistant.errors import AisleError, StoreUnavailableError

if TYPE_CHECKING:
    from assistant.llm.circuit import CircuitBreaker

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health", summary="Liveness", response_model=HealthPublic)
def health() -> HealthPublic:
    return HealthPublic()


def _checks(request: Request) -> dict[str, CheckPublic]:
    try:
        assistant = request.app.dependency_overrides.get(get_assistant, get_assistant)(request)
    except (AisleError, ImportError, OSError) as exc:
        return {"assistant": CheckPublic(ok=False, detail=f"cannot build the assistant: {exc}")}
    checks = {"llm": CheckPublic(ok=True, detail=assistant.llm_description)}
    circuit = _circuit(assistant)
    if circuit is not None:
        # Still ready when open: turns are served from catalog facts, and this says the LLM is degraded.
        checks["llm_circuit"] = CheckPublic(ok=True, detail=circuit.describe())
    profile = getattr(assistant, "model_profile", None)
    if profile is not None:
        writer = "the model (each claim verified)" if profile.reasons == "model" else "the fact composer"
        answer = "the model (each claim verified)" if profile.writes_answer else "the fact composer"
        checks["explanations"] = CheckPublic(ok=True, detail=f"reasons by {writer}; answer by {answer}")
    try:
        release = assistant.catalog.release()
        ok = release.queryable()
    except (AisleError, OSError, RuntimeError, ValueError) as exc:
        why = str(exc) if isinstance(exc, AisleError) else type(exc).__name__  # our own messages only
        checks["index"] = CheckPublic(ok=False, detail=f"catalog release unreadable: {why}")
    else:
        detail = f"{len(release)} products, release {release.name}"
        checks["index"] = CheckPublic(ok=ok, detail=detail if ok else f"{detail}; run `aisle ingest FEED`")
    try:
        checks["sessions"] = CheckPublic(ok=True, detail=assistant.store.check())
    except StoreUnavailableError as exc:
        checks["sessions"] = CheckPublic(ok=False, detail=str(exc))
    return checks


@router.get(
    "/readyz",
    operation_id="ready",
    summary="Readiness: catalog index and session store reachable, LLM configured "
    "(`checks.llm_circuit`: open = degraded)",
    response_model=ReadinessPublic,
    responses={503: {"model": ReadinessPublic, "description": "Not ready; `checks` say why."}},
)
def ready(request: Request) -> ReadinessPublic | JSONResponse:
    checks = _checks(request)
    body = ReadinessPublic(ready=all(c.ok for c in checks.values()), checks=checks)
    if not body.ready:
        return JSONResponse(body.model_dump(), status_code=503)
    return body


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request, metrics: MetricsDep) -> Response:
    # Only an assistant already built (a scrape never loads the catalog or the model).
    circuit = _circuit(getattr(request.app.state, "assistant", None))
    if circuit is not None:
        metrics.observe_circuit(circuit.state)
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


def _circuit(assistant: object) -> CircuitBreaker | None:
    """The assistant's LLM circuit breaker, if it has one (test doubles may not). Duck-typed: importing
    the API must not import the LLM stack."""
    circuit = getattr(assistant, "llm_circuit", None)
    return circuit if callable(getattr(circuit, "describe", None)) else None

"""Run a suite: build Aisle once per provider (and catalog), play every case's conversation through
``Assistant.chat`` exactly as a shopper would, grade the turns, and collect promptfoo-shaped results.

    suite = load_suite(Path("eval/suites/shopping-core.yaml"))
    results = run_suite(suite, RunOptions(providers=["fake"], concurrency=4))
    results.save(Path("out/results.json"))

Cases run concurrently on threads (``local`` runs one at a time: one llama.cpp model, two cores).
Each case gets its own session and shopper ids (namespaced by the run), so feedback and history never
leak between cases or runs.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from assistant.errors import AisleError
from assistant.schemas import ChatEvent, ChatRequest, FeedbackRequest
from eval import metrics
from eval.assertions import CatalogLookup, GradeContext, GradingResult, Judge, grade
from eval.catalogs import prepare_catalog
from eval.results import EvalResults, ResultRow, ResultsBlock, Stats, TokenUsage, TurnOutcome
from eval.suite_format import ProviderSpec, Suite, SuiteCase, SuiteError, resolve_catalog_path
from eval.summary import row_metrics, summarize, turn_summary
from eval.transcript import (
    AppliedFeedback,
    CaseTranscript,
    TurnRecord,
    UnresolvedReference,
    resolve_reference,
)
from retrieval.catalog import Product

__all__ = ["AssistantLike", "CaseOutcome", "RunOptions", "provider_settings", "run_suite", "score_case"]

log = logging.getLogger(__name__)


class _Store(CatalogLookup, Protocol):
    def all(self) -> Iterator[Product]: ...

    def count(self) -> int: ...


class _CatalogLike(Protocol):
    @property
    def store(self) -> _Store: ...


class AssistantLike(Protocol):
    """What the runner drives: :class:`assistant.turn.Assistant`, or a scripted stand-in in tests."""

    @property
    def catalog(self) -> _CatalogLike: ...

    def chat(self, request: ChatRequest) -> Iterable[ChatEvent]: ...

    def record_feedback(self, request: FeedbackRequest) -> Any: ...


AssistantFactory = Callable[[ProviderSpec, Path], AssistantLike]
"""Builds the assistant of one provider over one catalog feed (``run_suite`` caches the result)."""


class RunOptions(BaseModel):
    providers: list[str] | None = None
    repeat: int = Field(default=1, ge=1)
    concurrency: int = Field(default=4, ge=1, le=64)
    cache_dir: Path | None = Field(
        default=None, description="Cached catalog dirs; default $AISLE_DATA_DIR/eval-cache."
    )
    progress: bool = True
    command: str = ""


class CaseOutcome(BaseModel):
    """A graded case: passed, weighted score and each assertion's result."""

    passed: bool
    score: float
    reason: str
    components: list[GradingResult]


def score_case(components: list[GradingResult], threshold: float | None) -> CaseOutcome:
    """Weighted mean of the graded (not skipped, weight > 0) scores; pass = all pass, or score ≥ threshold."""
    graded = [c for c in components if not c.skipped and c.assertion is not None and c.assertion.weight > 0]
    total_weight = sum(c.assertion.weight for c in graded if c.assertion is not None)
    score = (
        sum(c.score * c.assertion.weight for c in graded if c.assertion is not None) / total_weight
        if graded
        else 1.0
    )
    failed = [c for c in graded if not c.passed]
    if threshold is not None:
        passed = score >= threshold
        reason = f"score {score:.2f} {'≥' if passed else '<'} threshold {threshold}"
    else:
        passed = not failed
        reason = (
            "all assertions passed"
            if passed
            else "; ".join(f"{c.assertion.type}: {c.reason}" for c in failed if c.assertion)
        )
    return CaseOutcome(passed=passed, score=round(score, 6), reason=reason, components=components)


# --- providers -----------------------------------------------------------------------------------


def provider_settings(provider: ProviderSpec, suite: Suite, data_dir: Path) -> Any:
    """The :class:`~assistant.settings.Settings` of ``provider`` over the catalog in ``data_dir``."""
    from assistant.settings import Settings

    cfg = provider.config
    overrides: dict[str, Any] = {k.upper().removeprefix("AISLE_").lower(): v for k, v in cfg.env.items()}
    overrides.update(cfg.settings)
    unknown = sorted(set(overrides) - set(Settings.model_fields))
    if unknown:
        raise SuiteError(f"provider {provider.name}: unknown settings {', '.join(unknown)}")
    if cfg.ranker is not None:
        overrides.update(_ranker_override(provider, cfg.ranker, Settings.model_fields))
    if cfg.prompts:
        overrides.update(_prompt_override(provider, cfg.prompts, Settings.model_fields))
    overrides.update(
        llm=provider.llm, data_dir=data_dir, embedder=cfg.embedder or suite.embedder, chroma_url=None
    )
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SuiteError(f"provider {provider.name}: invalid settings: {exc}") from exc


def _ranker_override(provider: ProviderSpec, ranker: str, fields: dict[str, Any]) -> dict[str, Any]:
    if "ranker" not in fields:
        raise SuiteError(f"provider {provider.name}: ranker: {ranker} needs the Settings field `ranker`")
    return {"ranker": {"on": "lightgbm", "off": "rrf"}.get(ranker, ranker)}


def _prompt_override(
    provider: ProviderSpec, prompts: dict[str, str], fields: dict[str, Any]
) -> dict[str, Any]:
    if "prompt_versions" in fields:
        return {"prompt_versions": dict(prompts)}
    from prompts import load_prompt

    for name, version in prompts.items():
        current = str(load_prompt(name).version)
        if version.removeprefix("v") != current:
            raise SuiteError(
                f"provider {provider.name}: prompts.{name}: {version} requested but only version {current} "
                "is loadable (Settings has no prompt_versions override yet)"
            )
    return {}


def default_factory(suite: Suite, cache_root: Path) -> AssistantFactory:
    """Builds real assistants over cached catalog dirs, sharing one embedder per embedder name."""
    from assistant.turn import build_assistant
    from retrieval.embed import make_embedder

    embedders: dict[str, Any] = {}

    def build(provider: ProviderSpec, feed: Path) -> AssistantLike:
        embedder_name = provider.config.embedder or suite.embedder
        data_dir = prepare_catalog(feed, embedder_name, cache_root)
        settings = provider_settings(provider, suite, data_dir)
        if embedder_name not in embedders:
            embedders[embedder_name] = make_embedder(settings)
        return build_assistant(settings, embedder=embedders[embedder_name])

    return build


# --- running -------------------------------------------------------------------------------------


@dataclass
class _Job:
    provider: ProviderSpec
    case: SuiteCase
    repeat: int
    feed: Path


@dataclass
class _Assistants:
    factory: AssistantFactory
    built: dict[tuple[str, Path], AssistantLike] = field(default_factory=dict)
    popularity: dict[Path, dict[str, int]] = field(default_factory=dict)
    lock: Lock = field(default_factory=Lock)

    def get(self, provider: ProviderSpec, feed: Path) -> AssistantLike:
        with self.lock:
            key = (provider.name, feed)
            if key not in self.built:
                self.built[key] = self.factory(provider, feed)
                if feed not in self.popularity:
                    store = self.built[key].catalog.store
                    self.popularity[feed] = {p.id: p.rating_count or 0 for p in store.all()}
            return self.built[key]


def _play(assistant: AssistantLike, job: _Job, run_id: str) -> tuple[CaseTranscript, str | None]:
    """Play the conversation; returns the transcript and the error that stopped it, if any."""
    transcript = CaseTranscript()
    ids = f"{run_id}-{job.provider.name}-{job.case.index}-{job.repeat}"
    session = f"eval-{ids}"
    shopper = f"eval-{ids}-{job.case.vars.shopper or 'shopper'}"
    for number, message in enumerate(job.case.vars.conversation, start=1):
        try:
            for step in (s for s in job.case.vars.feedback if s.turn == number):
                pid = resolve_reference(step.product, transcript)
                assistant.record_feedback(
                    FeedbackRequest(product_id=pid, kind=step.kind, session_id=session, shopper_id=shopper)
                )
                transcript.feedback.append(AppliedFeedback(turn=number, product_id=pid, kind=step.kind))
        except (UnresolvedReference, AisleError) as exc:
            return transcript, f"feedback before turn {number}: {exc}"
        request = ChatRequest(
            message=message, session_id=session, shopper_id=shopper, filters=job.case.vars.filters
        )
        events: list[ChatEvent] = []
        started = time.perf_counter()
        first: float | None = None
        error: str | None = None
        try:
            for event in assistant.chat(request):
                if first is None:
                    first = (time.perf_counter() - started) * 1000
                events.append(event)
        except Exception as exc:
            log.exception("case %s turn %d crashed", job.case.description, number)
            error = f"turn {number} raised {type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        transcript.turns.append(
            TurnRecord(
                turn=number,
                message=message,
                events=events,
                latency_ms=elapsed,
                first_event_ms=first,
                exception=error,
            )
        )
        if error:
            return transcript, error
    return transcript, None


def _run_job(
    job: _Job, assistants: _Assistants, run_id: str, judge: Judge | None, judge_note: str
) -> ResultRow:
    assistant = assistants.get(job.provider, job.feed)
    transcript, error = _play(assistant, job, run_id)
    ctx = GradeContext(
        transcript=transcript, catalog=assistant.catalog.store, judge=judge, judge_note=judge_note
    )
    if error is not None and len(transcript.turns) < len(job.case.vars.conversation):
        components = [
            GradingResult(passed=False, score=0.0, reason=f"not graded: {error}", assertion=spec)
            for spec in job.case.asserts
        ]
    else:
        components = [grade(spec, ctx) for spec in job.case.asserts]
    outcome = score_case(components, job.case.threshold)
    turn_outcomes = turn_outcomes_of(components, job.case, len(transcript.turns), error)
    usage = transcript.usage
    last = transcript.turns[-1] if transcript.turns else None
    rec_metrics = row_metrics(transcript, job.case, assistants.popularity.get(job.feed, {}), ctx)
    named: dict[str, float] = {}
    for c in components:
        if c.assertion is not None and c.assertion.metric and not c.skipped:
            named[c.assertion.metric] = c.score
    return ResultRow(
        id=f"{job.provider.name}:{job.case.index}:{job.repeat}",
        test_idx=job.case.index,
        repeat_index=job.repeat,
        description=job.case.description,
        provider={"id": job.provider.id, "label": job.provider.name},  # type: ignore[arg-type]
        vars=job.case.vars.model_dump(mode="json", exclude_defaults=True),
        response={  # type: ignore[arg-type]
            "output": last.text if last else "",
            "tokenUsage": TokenUsage(
                total=usage.prompt_tokens + usage.completion_tokens,
                prompt=usage.prompt_tokens,
                completion=usage.completion_tokens,
                num_requests=usage.llm_calls,
            ),
            "cost": usage.cost_usd,
            "turns": [turn_summary(t) for t in transcript.turns],
        },
        success=outcome.passed and error is None,
        score=outcome.score,
        named_scores=named,
        latency_ms=round(transcript.latency_ms, 2),
        cost=usage.cost_usd,
        grading_result={
            "pass": outcome.passed,
            "score": outcome.score,
            "reason": outcome.reason,
            "componentResults": components,
        },  # type: ignore[arg-type]
        error=error,
        metrics=rec_metrics,
        turn_outcomes=turn_outcomes,
    )


def turn_outcomes_of(
    components: list[GradingResult], case: SuiteCase, played: int, error: str | None
) -> list[TurnOutcome]:
    """Each turn's verdict: every graded (non-skipped) assertion aimed at it passed, and it ran."""
    turns = len(case.vars.conversation)
    classes = case.vars.turn_classes or [""] * turns
    out: list[TurnOutcome] = []
    for number in range(1, turns + 1):
        failures = [
            f"{c.assertion.type}: {c.reason}"[:300]
            for c in components
            if c.assertion is not None
            and (c.assertion.turn or turns) == number
            and not c.skipped
            and c.assertion.weight > 0
            and not c.passed
        ]
        if number > played or (error is not None and number == played):
            failures.append(f"not played: {error}")
        out.append(
            TurnOutcome(turn=number, turn_class=classes[number - 1], passed=not failures, failures=failures)
        )
    return out


def _progress(enabled: bool, total: int) -> Any:
    from contextlib import nullcontext

    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]eval[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def run_suite(
    suite: Suite,
    options: RunOptions | None = None,
    *,
    factory: AssistantFactory | None = None,
    judge: Judge | None = None,
    judge_note: str = "no judge model configured (set AISLE_JUDGE_LLM or the suite's judge)",
) -> EvalResults:
    """Run every (provider, case, repeat) and return the graded results (nothing is written)."""
    options = options or RunOptions()
    providers = suite.select_providers(options.providers)
    if factory is None:
        from assistant.settings import get_settings

        cache_root = options.cache_dir or get_settings().data_dir / "eval-cache"
        factory = default_factory(suite, cache_root)
    feeds: dict[str, Path] = {}
    jobs: list[_Job] = []
    for case in suite.cases():
        name = case.vars.catalog or suite.catalog
        if name not in feeds:
            feeds[name] = resolve_catalog_path(name, suite.path)
        for provider in providers:
            jobs.extend(_Job(provider, case, r, feeds[name]) for r in range(options.repeat))
    run_id = uuid.uuid4().hex[:8]
    assistants = _Assistants(factory)
    rows: list[ResultRow] = []
    # Build each assistant up front (catalog ingest, model load) so the progress bar times the cases.
    for provider in providers:
        for feed in {j.feed for j in jobs}:
            assistants.get(provider, feed)
    with _progress(options.progress, len(jobs)) as bar:
        task = bar.add_task(suite.name, total=len(jobs)) if bar is not None else None
        for provider in providers:
            mine = [j for j in jobs if j.provider.name == provider.name]
            workers = 1 if provider.llm == "local" else options.concurrency
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eval") as pool:
                futures = [pool.submit(_run_job, job, assistants, run_id, judge, judge_note) for job in mine]
                for future in as_completed(futures):
                    rows.append(future.result())
                    if bar is not None:
                        bar.advance(task)
    order = {p.name: i for i, p in enumerate(providers)}
    rows.sort(key=lambda r: (order[r.provider.label], r.test_idx, r.repeat_index))
    coverage = {}
    for provider in providers:
        lists = [
            [i.id for i in r.response.turns[-1].recommendations]
            for r in rows
            if r.provider.label == provider.name and r.response.turns
        ]
        sizes = [len(assistants.popularity.get(f, {})) for f in set(feeds.values())]
        coverage[provider.name] = metrics.catalog_coverage(lists, sum(sizes))
    summaries = [
        summarize(p.name, [r for r in rows if r.provider.label == p.name], coverage[p.name])
        for p in providers
    ]
    stats = Stats(
        successes=sum(r.success for r in rows),
        failures=sum(not r.success and r.error is None for r in rows),
        errors=sum(r.error is not None for r in rows),
        token_usage=TokenUsage(
            total=sum(r.response.token_usage.total for r in rows),
            prompt=sum(r.response.token_usage.prompt for r in rows),
            completion=sum(r.response.token_usage.completion for r in rows),
            num_requests=sum(r.response.token_usage.num_requests for r in rows),
        ),
    )
    notes = []
    if judge is None and any(a.type.endswith("llm-rubric") for c in suite.cases() for a in c.asserts):
        notes.append(f"llm-rubric assertions skipped: {judge_note}")
    return EvalResults(
        eval_id=f"eval-{run_id}",
        suite=suite.name,
        description=suite.description,
        command=options.command,
        config={"providers": [p.model_dump(mode="json") for p in providers], "repeat": options.repeat},
        results=ResultsBlock(timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"), results=rows, stats=stats),
        summaries=summaries,
        notes=notes,
    )

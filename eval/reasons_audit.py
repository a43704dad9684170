"""The reasons corpus and its audit: are the reasons a shopper sees true, claim by claim?

``eval/reasons/corpus.jsonl`` holds reasons written for real turns over the demo and ESCI catalogs by
three sources — the fact composer, the embedded SmolLM2 (raw, before any check) and a scripted
capable model (realistic reasons, some with the mistakes such models make) — each split into claims
(:func:`assistant.claims.split_claims`) and labelled supported / unsupported by a person reading the
product's data, without looking at the verifier's verdict.

The audit measures, per source:

* the verifier's precision and recall at finding unsupported claims (against the labels);
* what the shopper would see: the verified text (or the composed reason when too little survives)
  and how many of its claims the labels call unsupported.

    aisle eval reasons-generate --output eval/reasons/generated.jsonl     # contexts + composer + SmolLM2
    aisle eval reasons-audit eval/reasons/corpus.jsonl --output eval/results/reasons-audit
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.claims import split_claims, verify_reason
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.products import Vocabulary

__all__ = [
    "AuditReport",
    "ClaimLabel",
    "CorpusItem",
    "SourceAudit",
    "audit_corpus",
    "load_corpus",
    "write_audit",
]

log = logging.getLogger(__name__)

Source = Literal["composer", "smollm2", "scripted"]
_MIN_SHOWN_WORDS = 4


class ClaimLabel(BaseModel):
    """One claim of a reason and a person's verdict on it (``None``: not labelled yet)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    supported: bool | None = None
    note: str = ""


class CorpusItem(BaseModel):
    """One reason written for one product in one turn's context."""

    model_config = ConfigDict(extra="forbid")

    id: str
    catalog: Literal["demo", "esci"]
    source: Source
    query: str
    filters: Filters = Field(default_factory=Filters)
    product_id: str
    shown_ids: list[str] = Field(default_factory=list)
    reference: float | None = None
    reason: str
    claims: list[ClaimLabel] = Field(default_factory=list)

    def with_claims(self) -> CorpusItem:
        """The item with its claims split (labels kept where the text matches)."""
        if self.claims:
            return self
        return self.model_copy(update={"claims": [ClaimLabel(text=c) for c in split_claims(self.reason)]})


class SourceAudit(BaseModel):
    source: str
    reasons: int
    claims: int
    labelled_unsupported: int = Field(description="Claims people marked unsupported in the raw reasons.")
    verifier_flagged: int
    true_positives: int
    precision: float | None
    recall: float | None
    shown_reasons: int
    shown_claims: int
    shown_unsupported: int = Field(description="Claims shown to the shopper that people marked unsupported.")
    shown_unsupported_rate: float = Field(description="Of the claims shown.")
    shown_reasons_flagged: int = Field(description="Shown reasons with at least one unsupported claim.")
    replaced_by_composer: int


class AuditReport(BaseModel):
    corpus: str
    reasons: int
    labelled: int
    sources: list[SourceAudit]
    rejected_examples: list[str] = Field(default_factory=list)


def load_corpus(path: Path) -> list[CorpusItem]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(CorpusItem.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
    return items


def _catalogs() -> dict[str, dict[str, Product]]:
    from eval.esci import DEFAULT_ESCI_DIR
    from retrieval.loaders import load_feed

    root = Path(__file__).resolve().parent.parent
    demo = root / "retrieval" / "data" / "demo_catalog.jsonl"
    found: dict[str, dict[str, Product]] = {
        "demo": {p.id: p for p in load_feed(demo, "auto").products},
    }
    esci = Path(DEFAULT_ESCI_DIR) / "products.ndjson"
    if esci.is_file():
        found["esci"] = {p.id: p for p in load_feed(esci, "auto").products}
    return found


def split_of(item: CorpusItem) -> str:
    """``dev`` or ``test``: a fixed half by a hash of the id. The verifier's rules may be adjusted
    after reading errors on dev only; test is reported, never read."""
    import hashlib

    return "test" if int(hashlib.sha1(item.id.encode()).hexdigest(), 16) % 2 else "dev"


def audit_corpus(
    items: Sequence[CorpusItem],
    catalogs: dict[str, dict[str, Product]],
    *,
    corpus: str = "",
    split: str | None = None,
) -> AuditReport:
    """The verifier against the labels, and what each source's shown reasons claim (``split``: only
    the dev or test half)."""
    if split is not None:
        items = [i for i in items if split_of(i) == split]
    from assistant.compose import compose_reason
    from assistant.schemas import QueryPlan

    vocabularies = {name: Vocabulary.from_products(products.values()) for name, products in catalogs.items()}
    composed_labels: dict[tuple[str, str, str], list[ClaimLabel]] = {
        (i.catalog, i.query, i.product_id): i.claims for i in items if i.source == "composer"
    }
    by_source: dict[str, list[CorpusItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    audits: list[SourceAudit] = []
    examples: list[str] = []
    labelled_reasons = 0
    for source, group in sorted(by_source.items()):
        claims = flagged = positives = true_pos = 0
        shown_reasons = shown_claims = shown_bad = shown_flagged = replaced = 0
        for item in group:
            products = catalogs.get(item.catalog, {})
            product = products.get(item.product_id)
            if product is None or any(c.supported is None for c in item.claims):
                continue
            labelled_reasons += 1
            shown = [products[i] for i in item.shown_ids if i in products] or [product]
            checked = verify_reason(
                item.reason,
                product,
                shown=shown,
                filters=item.filters,
                vocabulary=vocabularies.get(item.catalog),
                shopper_text=item.query,
                reference=item.reference,
            )
            # Claims pair by position (the same splitter made both); text as a fallback.
            by_text = {c.text: c.supported for c in checked.claims}
            positional = len(checked.claims) == len(item.claims)
            verdict_of = {
                id(label): (checked.claims[i].supported if positional else by_text.get(label.text))
                for i, label in enumerate(item.claims)
            }
            for label in item.claims:
                claims += 1
                bad = label.supported is False
                said_bad = verdict_of[id(label)] is False
                positives += bad
                flagged += said_bad
                true_pos += bad and said_bad
                if said_bad and bad and len(examples) < 12:
                    examples.append(f"{source}: {label.text!r} ({item.product_id})")
            # What the shopper sees: the claims that survived, or the composed reason instead.
            kept = [label for label in item.claims if verdict_of[id(label)] is not False]
            if len(checked.text.split()) < _MIN_SHOWN_WORDS or not kept:
                replaced += 1
                composed = composed_labels.get((item.catalog, item.query, item.product_id))
                if composed is None:
                    plan = QueryPlan(query=item.query, filters=item.filters)
                    composed = [
                        ClaimLabel(text=c) for c in split_claims(compose_reason(product, plan, shown))
                    ]
                kept = composed
            shown_reasons += 1
            shown_claims += len(kept)
            bad_shown = sum(1 for label in kept if label.supported is False)
            shown_bad += bad_shown
            shown_flagged += bad_shown > 0
        audits.append(
            SourceAudit(
                source=source,
                reasons=len(group),
                claims=claims,
                labelled_unsupported=positives,
                verifier_flagged=flagged,
                true_positives=true_pos,
                precision=round(true_pos / flagged, 4) if flagged else None,
                recall=round(true_pos / positives, 4) if positives else None,
                shown_reasons=shown_reasons,
                shown_claims=shown_claims,
                shown_unsupported=shown_bad,
                shown_unsupported_rate=round(shown_bad / shown_claims, 4) if shown_claims else 0.0,
                shown_reasons_flagged=shown_flagged,
                replaced_by_composer=replaced,
            )
        )
    return AuditReport(
        corpus=corpus + (f" ({split} half)" if split else ""),
        reasons=len(items),
        labelled=labelled_reasons,
        sources=audits,
        rejected_examples=examples,
    )


def write_audit(report: AuditReport, out_dir: Path, parts: Sequence[AuditReport] = ()) -> Path:
    """``audit.json`` and ``audit.md`` in ``out_dir`` (``parts``: the same audit per corpus half)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {"all": report.model_dump(), "parts": [p.model_dump() for p in parts]}
    (out_dir / "audit.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    lines = ["# Reasons audit", ""]
    for part in [report, *parts]:
        lines += _table(part)
    if report.rejected_examples:
        lines += ["", "Unsupported claims the verifier dropped (examples):", ""]
        lines += [f"- {e}" for e in report.rejected_examples]
    path = out_dir / "audit.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _table(report: AuditReport) -> list[str]:
    lines = [
        f"Corpus `{report.corpus}`: {report.reasons} reasons, {report.labelled} fully labelled.",
        "",
        "| source | reasons | claims | labelled unsupported | verifier precision | verifier recall "
        "| shown claims | shown unsupported | rate | shown reasons flagged | replaced by composer |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in report.sources:
        fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
        lines.append(
            f"| {s.source} | {s.reasons} | {s.claims} | {s.labelled_unsupported} | {fmt(s.precision)} | "
            f"{fmt(s.recall)} | {s.shown_claims} | {s.shown_unsupported} | {s.shown_unsupported_rate:.2%} | "
            f"{s.shown_reasons_flagged} | {s.replaced_by_composer} |"
        )
    return [*lines, ""]


def write_corpus(items: Iterable[CorpusItem], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [i.model_dump_json(exclude_defaults=False) for i in items]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


# --- generating the corpus ----------------------------------------------------------------------


def _first_messages(suite_path: Path) -> list[str]:
    from eval.suite_format import load_suite

    suite = load_suite(suite_path)
    return list(dict.fromkeys(case.vars.conversation[0] for case in suite.cases() if case.vars.conversation))


def generate_corpus(
    *,
    suites: dict[str, list[Path]],
    cache_dir: Path,
    per_turn: int = 3,
    smollm2_per_turn: int = 0,
    limit: int | None = None,
) -> list[CorpusItem]:
    """Run the first message of every case of ``suites`` (catalog name → suite files) through the
    deterministic turn; keep the top ``per_turn`` products with their composed reasons, and ask the
    embedded SmolLM2 (reasons prompt, no verification) for the first ``smollm2_per_turn`` of them."""
    from assistant.explain import ReasonReply, _constraints_text, candidate_facts
    from assistant.schemas import ChatRequest, TurnResult
    from eval.suite import default_factory
    from eval.suite_format import load_suite, resolve_catalog_path

    items: list[CorpusItem] = []
    local = None
    for catalog, paths in suites.items():
        for path in paths:
            suite = load_suite(path)
            provider = next(p for p in suite.providers if p.llm == "fake")
            assistant = default_factory(suite, cache_dir)(
                provider, resolve_catalog_path(suite.catalog, suite.path)
            )
            for n, message in enumerate(_first_messages(path)[:limit]):
                events = list(
                    assistant.chat(
                        ChatRequest(message=message, session_id=f"corpus-{catalog}-{path.stem}-{n}")
                    )
                )
                turn = TurnResult.from_events(events)
                if turn.plan is None or not turn.recommendations:
                    continue
                shown = [r.product.id for r in turn.recommendations]
                reference = turn.plan.comparative.than if turn.plan.comparative else None
                for rank, rec in enumerate(turn.recommendations[:per_turn]):
                    base = {
                        "catalog": catalog,
                        "query": message,
                        "filters": turn.plan.filters,
                        "product_id": rec.product.id,
                        "shown_ids": shown,
                        "reference": reference,
                    }
                    items.append(
                        CorpusItem(
                            id=f"{catalog}-{path.stem}-{n}-{rank}-composer",
                            source="composer",
                            reason=rec.reason,
                            **base,
                        ).with_claims()
                    )
                    if rank < smollm2_per_turn:
                        if local is None:
                            local = _local_model()
                        product = assistant.catalog.store.get_many([rec.product.id]).get(rec.product.id)
                        if product is None:
                            continue
                        reason = _ask_local(
                            local, _constraints_text(turn.plan), candidate_facts(product), ReasonReply
                        )
                        if reason:
                            items.append(
                                CorpusItem(
                                    id=f"{catalog}-{path.stem}-{n}-{rank}-smollm2",
                                    source="smollm2",
                                    reason=reason,
                                    **base,
                                ).with_claims()
                            )
    return items


def _local_model():  # type: ignore[no-untyped-def]
    from assistant.llm import make_chat_model
    from assistant.settings import Settings

    return make_chat_model(Settings(llm="local", llm_timeout_s=120.0))


def _ask_local(model, request: str, facts: str, schema) -> str:  # type: ignore[no-untyped-def]
    from assistant.errors import LLMError
    from assistant.llm import structured
    from prompts import load_prompt

    prompt = load_prompt("reasons")
    try:
        reply, _ = structured(model, prompt.render(request=request, product=facts), schema, timeout_s=120.0)
    except LLMError as exc:
        log.warning("SmolLM2 gave no reason: %s", exc)
        return ""
    return str(reply.reason)

"""The one settings object for Aisle: environment variables with the ``AISLE_`` prefix (and ``.env``).

Nothing is built at import time: call :func:`get_settings` (cached) and override it in tests with
``get_settings.cache_clear()`` plus environment variables, or pass a ``Settings(...)`` explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiRole", "EmbedQueryBackend", "EmbedderName", "LLMName", "Settings", "get_settings"]

EmbedderName = Literal["minilm", "hash"]
EmbedQueryBackend = Literal["torch", "onnx", "onnx-int8"]
LLMName = Literal["local", "openai", "fake"]
ApiRole = Literal["storefront", "admin"]


class Settings(BaseSettings):
    """Typed configuration; every field maps to ``AISLE_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="AISLE_", env_file=".env", extra="ignore")

    # Storage -------------------------------------------------------------------------------
    data_dir: Path = Field(default=Path(".aisle"), description="Everything Aisle persists lives here.")
    chroma_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:8000 to use a Chroma server instead of embedded."
    )
    media_dir: Path | None = Field(
        default=None,
        description="Local product images: a catalog image_url that is a relative path (tents/a.jpg) is "
        "served from here by the UI; unset, only http(s) image URLs are shown.",
    )
    collection: str = Field(default="products", min_length=3, description="Chroma collection name.")
    database_url: SecretStr | None = Field(
        default=None,
        description="Sessions and feedback in PostgreSQL, e.g. postgresql://aisle@127.0.0.1:5432/aisle "
        "(shared by every API worker); unset: the embedded SQLite file <data_dir>/aisle.sqlite.",
    )
    database_pool_size: int = Field(
        default=4, ge=1, le=100, description="PostgreSQL connections per API worker process, at most."
    )

    # Embeddings ----------------------------------------------------------------------------
    embedder: EmbedderName = "minilm"
    embed_batch_size: int = Field(default=64, ge=1, le=4096)
    torch_threads: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Torch threads per process; unset: the machine's cores divided among AISLE_API_WORKERS.",
    )
    embed_query_batch: int = Field(
        default=32,
        ge=1,
        le=1024,
        description="Most shopper queries one model call embeds together (queries arriving at once share a call).",
    )
    embed_query_backend: EmbedQueryBackend = Field(
        default="onnx",
        description="What runs MiniLM for shopper queries: onnx (ONNX Runtime, fp32, exported once from the "
        "installed model into <data_dir>/models), onnx-int8 (the same, weights quantized to int8) or torch. "
        "Catalog documents are always embedded by torch, so releases stay comparable.",
    )

    # Ingest --------------------------------------------------------------------------------
    ingest_batch_size: int = Field(default=256, ge=1, le=100_000)
    ingest_wait_s: float = Field(
        default=0.0,
        ge=0.0,
        le=3600.0,
        description="How long a writer waits for another ingest's lock before failing (0: fail at once).",
    )
    catalog_refresh_s: float = Field(
        default=1.0,
        ge=0.0,
        le=3600.0,
        description="How often a reader checks for a newer published catalog release (seconds).",
    )

    # Search and ranking ------------------------------------------------------------------------
    ranker: Literal["lightgbm", "rrf"] = Field(
        default="lightgbm", description="Learned LightGBM ranker, or reciprocal rank fusion only."
    )
    ranker_model: Path | None = Field(
        default=None, description="A LightGBM text model (with its .json manifest); default: the shipped one."
    )
    search_depth: int = Field(default=200, ge=1, le=10_000, description="Candidates fetched per retriever.")
    mmr_lambda: float = Field(default=0.8, ge=0.0, le=1.0, description="MMR trade-off; 1 = relevance only.")
    rrf_k: int = Field(default=60, ge=0, le=10_000, description="Reciprocal rank fusion constant.")
    exposure_swap_rate: float = Field(
        default=0.0,
        ge=0.0,
        le=0.5,
        description="Share of served lists with a RandPair swap (position 1 ↔ a random k), for the click model.",
    )
    exposure_explore_rate: float = Field(
        default=0.0,
        ge=0.0,
        le=0.5,
        description="Share of served lists whose exploration slot shows a cold product (Thompson sampling).",
    )
    exposure_explore_slot: int = Field(default=5, ge=1, le=20, description="1-based exploration slot.")
    exposure_cold_impressions: int = Field(
        default=20, ge=1, description="A product with fewer impressions than this may be explored."
    )
    interleave_ranker_model: Path | None = Field(
        default=None,
        description="Team-draft interleave each served list with this second LightGBM model's order (an "
        "interleaving experiment's variant); team labels go to the served list's context.",
    )
    dense_search: Literal["auto", "exact"] = Field(
        default="auto",
        description="auto: exact scoring over small allowed sets and catalogs without an ANN index, the "
        "release's IVF index (faiss, filter inside the scan) for larger ones; exact: always exact.",
    )
    dense_exact_max: int = Field(
        default=20_000, ge=0, description="Allowed sets up to this many products are scored exactly."
    )
    dense_nprobe: int = Field(
        default=128,
        ge=1,
        le=65_536,
        description="IVF lists probed unfiltered (a filter probes more); 128 of 4,096 lists gave recall@100 "
        "0.96 at 1M synthetic products (32: 0.88-0.91).",
    )
    background_reload_min_products: int = Field(
        default=50_000,
        ge=1,
        description="A newer catalog release at least this large is loaded, and its in-memory snapshot "
        "built, in a background thread while queries are answered from the previous one.",
    )
    ann_min_products: int = Field(
        default=50_000,
        ge=1,
        description="A published release with at least this many products gets an IVF index (ann.faiss).",
    )

    # LLM -----------------------------------------------------------------------------------
    llm: LLMName = "local"
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    openai_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0, description="Longest wait for one LLM call.")
    turn_budget_s: float = Field(
        default=20.0,
        gt=0,
        le=600,
        description="Time budget of one turn that every LLM call in it draws from (plan, rerank, answer, "
        "retries); once spent, the remaining LLM steps are skipped and the turn finishes from catalog facts.",
    )
    llm_breaker_failures: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="LLM failures (timeouts, HTTP errors, 429s, dropped connections) among the last twice as "
        "many calls that open the circuit breaker: turns then skip the model and answer from catalog facts.",
    )
    llm_breaker_cooldown_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="How long an open circuit stays open before one probe call is let through.",
    )
    llm_max_tokens: int = Field(default=512, ge=16, le=32_768, description="Reply length cap per LLM call.")
    llm_temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    llm_rerank: Literal["auto", "on", "off"] = "auto"
    llm_plan: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Structured-output planning by the LLM; auto: on for capable (non-local) models.",
    )
    llm_json_schema: bool = Field(
        default=True,
        description="The OpenAI-compatible endpoint enforces response_format json_schema (strict); false: ask in "
        "JSON mode with the schema in the prompt (a server that answers 400 to json_schema is retried that way anyway).",
    )
    fake_script: Literal["empty", "realistic", "plans"] = Field(
        default="empty",
        description="AISLE_LLM=fake only: 'realistic' answers like a capable model, with the mistakes such "
        "models make (wrong numbers, market claims, seller-style promises) for the verifier to catch; "
        "'plans' replays recorded plan JSON (AISLE_FAKE_PLANS) to the plan prompt.",
    )
    fake_plans: Path | None = Field(
        default=None,
        description="AISLE_FAKE_SCRIPT=plans: the recorded plans file (eval/fixtures/plans-*.json).",
    )
    fake_first_token_s: float = Field(
        default=0.0,
        ge=0.0,
        le=60.0,
        description="AISLE_LLM=fake only: seconds before the first token of each reply, as a hosted model "
        "takes (load benchmarks); 0: at once.",
    )
    fake_tokens_per_s: float = Field(
        default=0.0,
        ge=0.0,
        le=100_000.0,
        description="AISLE_LLM=fake only: decoding speed after the first token (a token is about four "
        "characters); 0: instant.",
    )
    llm_reasons: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="The LLM writes per-product reasons (verified claim by claim); auto: capable models, and the "
        "embedded one only for AISLE_LOCAL_REASONS products; off: the fact composer writes them all.",
    )
    llm_answer: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="The LLM streams the answer text; auto: on for capable (non-local) models, off: composed from facts.",
    )
    llm_context_window: int = Field(default=16_000, ge=512, description="Context length of the openai model.")
    local_model_path: Path | None = None
    local_n_threads: int = Field(default=1, ge=1, le=64)
    local_n_ctx: int = Field(default=4096, ge=512)
    prompt_versions: dict[str, int] = Field(
        default_factory=dict,
        description='Pin prompt versions for A/B runs, e.g. {"reasons": 1}; default: the current files.',
    )
    local_reasons: int = Field(
        default=0,
        ge=0,
        le=20,
        description="Products the embedded model writes reasons for (verified claim by claim); 0: the fact "
        "composer writes every reason (the default: SmolLM2's reasons failed the claim audit).",
    )

    # The turn ------------------------------------------------------------------------------
    recommendations: int = Field(default=5, ge=1, le=20, description="Products recommended per turn.")
    rerank_depth: int = Field(default=20, ge=1, le=50, description="Candidates the LLM may rerank.")
    out_of_catalog_similarity: float = Field(
        default=0.42,
        ge=-1,
        le=1,
        description="A request whose words no product has is declined unless a product is this similar (cosine).",
    )
    unnamed_kind_similarity: float = Field(
        default=0.5,
        ge=-1,
        le=1,
        description="When no product text uses the shopper's word for the kind of product at all, the "
        "similarity a product needs for the ask not to be declined (stricter than out_of_catalog_similarity).",
    )
    unknown_word_similarity: float = Field(
        default=0.7,
        ge=-1,
        le=1,
        description="When a shopper asks whether the store sells a kind of product whose head word is in "
        "no product's text at all (and names no category), the similarity a product needs for the ask not "
        "to be declined.",
    )
    unseen_pair_similarity: float = Field(
        default=0.55,
        ge=-1,
        le=1,
        description='A two-word kind of product no title says together ("smoke detector" where titles '
        'only say "lie detector") is declined unless a product is this similar (cosine).',
    )
    kind_focus_similarity: float = Field(
        default=0.33,
        ge=-1,
        le=1,
        description='A search that names no kind of product ("something tall my cats can climb") is '
        "narrowed to the leaf category whose name is this similar to the ask (cosine) ...",
    )
    kind_focus_margin: float = Field(
        default=0.08,
        ge=0,
        le=2,
        description="... and this much more similar than any other leaf's name (else the matches stand).",
    )
    kind_products_margin: float = Field(
        default=0.05,
        ge=0,
        le=2,
        description="When no leaf's name stands out, a search that names no kind is narrowed to the leaf "
        "whose own products are nearest to the ask (the mean cosine of its 3 nearest) by this much "
        'more than any other leaf\'s ("my 60hz screen feels like a slideshow": Monitors; above 1: never).',
    )
    level_focus_similarity: float = Field(
        default=0.25,
        ge=-1,
        le=1,
        description='A vague ask under one level of the catalog ("my cat … what do i get so she stops '
        'licking": Cats) is narrowed to the leaf under it whose name is this similar (cosine) and '
        "kind_focus_margin more similar than the level's other leaves.",
    )
    kind_synonym_similarity: float = Field(
        default=0.6,
        ge=-1,
        le=1,
        description='A kind of product the catalog has no word for ("a screen" where it says Monitors) is '
        "read as the leaf category whose name is this similar to the shopper's word (cosine) ...",
    )
    kind_synonym_margin: float = Field(
        default=0.2,
        ge=0,
        le=2,
        description="... and this much more similar than any other leaf's name (else the usual checks decide).",
    )
    kind_evidence_k: int = Field(
        default=20,
        ge=0,
        le=200,
        description="A category a fresh ask names by one of its words is checked against the category of "
        "the catalog's this many products nearest to the whole message (0: no check): when none of them "
        'is filed there ("bean to cup espresso machines": Beans), the word named something else ...',
    )
    kind_evidence_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="... and the leaf category holding at least this share of them (and twice the next "
        "leaf's) is the kind asked; when no leaf does, the search goes unfiltered by kind.",
    )
    kind_sense_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="A kind named by its head noun that none of those nearest products is filed under: "
        "another level named for the same thing (Gift Bags for Bags), or the leaf when the category's "
        "name qualifies the noun with words not said (Mattresses for Dog Beds), holding at least this "
        "share of them (and twice any other's) is the kind asked.",
    )
    history_turns: int = Field(default=12, ge=0, le=200, description="Earlier messages the planner sees.")

    # Experiments ---------------------------------------------------------------------------
    experiments: Path | None = Field(
        default=None,
        description="A YAML file declaring online experiments (variants, weights, setting overrides); "
        "unset: no experiments, every turn runs with these settings.",
    )

    # API and UI ----------------------------------------------------------------------------
    api_keys: dict[SecretStr, ApiRole] = Field(
        default_factory=dict,
        description='JSON object mapping each API key to its role, e.g. {"sk-shop1": "storefront", '
        '"sk-ops": "admin"}. Empty: open dev mode (every route open, a warning at startup).',
    )
    rate_limit_per_minute: int = Field(default=120, ge=0, description="Requests per key per minute; 0: off.")
    auth_failures_per_minute: int = Field(
        default=10,
        ge=0,
        description="Failed authentications per client address per minute, then 429; 0: off.",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description='JSON list, e.g. ["https://shop.example"].'
    )
    max_request_bytes: int = Field(default=64_000, ge=1024, description="Larger request bodies get a 413.")
    max_events_bytes: int = Field(
        default=400_000, ge=1024, description="Body limit of POST /v1/events (up to 500 events)."
    )
    max_upsert_bytes: int = Field(
        default=4_000_000, ge=1024, description="Body limit of the admin catalog upsert (≤ 1,000 products)."
    )
    sse_ping_seconds: float = Field(
        default=15.0, gt=0, description="Keep-alive comment interval of SSE streams."
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="API worker processes (uvicorn); all serve the same published catalog release and "
        "share sessions through the session database. Rate limits and /metrics are per worker.",
    )
    api_threads: int = Field(
        default=256,
        ge=1,
        le=10_000,
        description="Threads per API worker for turns and other blocking work (anyio's default is 40). A "
        "streaming turn holds one while it waits for the LLM, so this bounds the chats a worker serves at once.",
    )
    ui_port: int = Field(default=8501, ge=1, le=65535)
    api_url: str | None = Field(
        default=None, description="The API the Streamlit UI talks to; unset: the UI runs the core in-process."
    )
    ui_api_key: SecretStr | None = Field(default=None, description="The key the UI sends to AISLE_API_URL.")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_db(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def category_vectors_dir(self) -> Path:
        return self.data_dir / "category_vectors"

    @property
    def store_db(self) -> Path:
        return self.data_dir / "aisle.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment and ``.env``."""
    return Settings()

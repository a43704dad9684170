"""The prompt-eval suite file: pydantic models for the YAML, and :func:`load_suite`.

The format follows promptfoo's conventions (``description``, ``providers``, ``defaultTest``,
``tests[].vars``, ``tests[].assert[]`` with ``type``/``value``/``weight``/``threshold``) with
Aisle's vars: a multi-turn ``conversation``, a ``shopper``, ``feedback`` applied before a turn and
the ``catalog`` the case runs over. A bad file raises :class:`SuiteError` naming the file and the
path to the bad field (``tests[3].assert[0].type: …``).

    suite = load_suite(Path("eval/suites/shopping-core.yaml"))
    for case in suite.cases():  # defaultTest merged into every test
        ...
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import ConfigurationError
from assistant.schemas import FeedbackKind
from retrieval.filters import Filters

__all__ = [
    "DEFAULT_CATALOG",
    "AssertionConfig",
    "AssertionSpec",
    "CaseVars",
    "FeedbackStep",
    "ProviderConfig",
    "ProviderSpec",
    "Suite",
    "SuiteCase",
    "SuiteError",
    "TestSpec",
    "format_validation_error",
    "load_suite",
    "resolve_catalog_path",
]

DEFAULT_CATALOG = "retrieval/data/demo_catalog.jsonl"
_REPO_ROOT = Path(__file__).resolve().parent.parent
_REF = re.compile(r"^@turn(?P<turn>\d+)\.(?P<kind>rec|product)(?P<pos>\d+)$")


class SuiteError(ConfigurationError):
    """A suite or results file cannot be read or does not validate; the message names the bad field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AssertionConfig(_Strict):
    """Options shared by the shopping assertions."""

    source: Literal["recommended", "recommendations", "products", "shown"] = Field(
        default="recommended",
        description="Which products to check: recommendations (falling back to the products event), "
        "only the recommendations event, only the products event, or both.",
    )
    k: int | None = Field(default=None, ge=1, description="Only the first k products.")
    use_plan: bool = Field(default=True, description="respects-filters: also check the turn plan's filters.")
    allow_products: bool = Field(default=False, description="declines-out-of-catalog: products may be shown.")


class AssertionSpec(_Strict):
    """One ``assert`` entry. ``type`` must be registered in :mod:`eval.assertions`."""

    type: str
    value: Any = None
    threshold: float | None = None
    weight: float = Field(default=1.0, ge=0)
    turn: int | None = Field(default=None, ge=1, description="1-based turn to grade; default the last one.")
    metric: str | None = Field(default=None, description="A name to aggregate this assertion's score under.")
    config: AssertionConfig = Field(default_factory=AssertionConfig)

    @model_validator(mode="after")
    def _check_type_and_value(self) -> AssertionSpec:
        from eval.assertions import validate_spec

        validate_spec(self)
        return self


class FeedbackStep(_Strict):
    """Feedback the shopper gives before turn ``turn`` (``product``: an id or ``@turnN.recK``)."""

    turn: int = Field(ge=2, description="Applied before this 1-based turn (so after turn-1's answer).")
    product: str = Field(min_length=1)
    kind: FeedbackKind = "not_interested"

    @field_validator("product")
    @classmethod
    def _check_reference(cls, value: str) -> str:
        if value.startswith("@") and not _REF.match(value):
            raise ValueError(f"{value!r} is not a reference like @turn1.rec1 or @turn1.product2")
        return value


class CaseVars(_Strict):
    """A case's variables. ``conversation`` may be one string (a single-turn case)."""

    conversation: list[str] = Field(default_factory=list)
    shopper: str | None = None
    feedback: list[FeedbackStep] = Field(default_factory=list)
    catalog: str | None = Field(default=None, description="Feed path; default the suite's catalog.")
    filters: Filters | None = Field(default=None, description="UI filters sent with every turn.")
    tags: list[str] = Field(default_factory=list)
    turn_classes: list[str] = Field(
        default_factory=list,
        description="One class per message (what the turn tests), for per-class reports.",
    )

    @field_validator("conversation", mode="before")
    @classmethod
    def _one_message(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("conversation")
    @classmethod
    def _non_empty_messages(cls, value: list[str]) -> list[str]:
        for number, message in enumerate(value, start=1):
            if not message.strip():
                raise ValueError(f"message {number} is empty")
        return value

    @model_validator(mode="after")
    def _one_class_per_turn(self) -> CaseVars:
        if self.turn_classes and len(self.turn_classes) != len(self.conversation):
            raise ValueError(
                f"turn_classes has {len(self.turn_classes)} entries for {len(self.conversation)} messages"
            )
        return self


class TestSpec(_Strict):
    """One entry of ``tests`` (or ``defaultTest``)."""

    __test__ = False  # not a pytest class

    description: str | None = None
    vars: CaseVars | None = None
    assert_: list[AssertionSpec] = Field(default_factory=list, alias="assert")
    threshold: float | None = Field(default=None, description="Pass when the weighted score reaches this.")
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)


class ProviderConfig(_Strict):
    """How one Aisle configuration differs from the defaults."""

    llm: Literal["fake", "local", "openai"] | None = None
    prompts: dict[str, str] = Field(
        default_factory=dict, description="Prompt name → version, e.g. explain: v2."
    )
    ranker: Literal["on", "off", "lightgbm", "rrf"] | None = Field(
        default=None, description="on = the learned LightGBM ranker, off = reciprocal rank fusion only."
    )
    embedder: Literal["minilm", "hash"] | None = None
    settings: dict[str, Any] = Field(default_factory=dict, description="Settings field overrides.")
    env: dict[str, str] = Field(default_factory=dict, description="AISLE_* variables (same as settings).")

    @field_validator("ranker", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        # YAML 1.1 reads a bare on/off as a boolean.
        if isinstance(value, bool):
            return "on" if value else "off"
        return value

    @field_validator("env")
    @classmethod
    def _aisle_prefix(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.upper().startswith("AISLE_"):
                raise ValueError(f"{key!r} is not an AISLE_* variable")
        return value


class ProviderSpec(_Strict):
    """An Aisle configuration to evaluate: ``fake``, ``local``, ``openai`` or an object."""

    id: str = Field(min_length=1)
    label: str | None = None
    config: ProviderConfig = Field(default_factory=ProviderConfig)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"id": value} if isinstance(value, str) else value

    @property
    def name(self) -> str:
        return self.label or self.id

    @property
    def llm(self) -> Literal["fake", "local", "openai"]:
        if self.config.llm is not None:
            return self.config.llm
        backend = self.id.removeprefix("aisle:")
        if backend in ("fake", "local", "openai"):
            return backend  # type: ignore[return-value]
        raise ValueError(f"provider {self.id!r} needs config.llm (fake, local or openai)")

    @model_validator(mode="after")
    def _llm_known(self) -> ProviderSpec:
        _ = self.llm
        return self


class SuiteCase(BaseModel):
    """A test with ``defaultTest`` merged in: what the runner executes."""

    index: int
    description: str
    vars: CaseVars
    asserts: list[AssertionSpec]
    threshold: float | None = None


class Suite(_Strict):
    """A whole suite file."""

    description: str = ""
    providers: list[ProviderSpec] = Field(default_factory=lambda: [ProviderSpec(id="fake")], min_length=1)
    catalog: str = Field(default=DEFAULT_CATALOG, description="Default feed of every case.")
    embedder: Literal["minilm", "hash"] = Field(default="minilm", description="hash only for smoke suites.")
    judge: ProviderSpec | None = Field(default=None, description="The model that grades llm-rubric.")
    default_test: TestSpec = Field(default_factory=TestSpec, alias="defaultTest")
    tests: list[TestSpec] = Field(min_length=1)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("providers")
    @classmethod
    def _unique_names(cls, value: list[ProviderSpec]) -> list[ProviderSpec]:
        names = [p.name for p in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"provider names must be unique; give each a label: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _conversations(self) -> Suite:
        default = self.default_test.vars.conversation if self.default_test.vars else []
        for index, test in enumerate(self.tests):
            conversation = test.vars.conversation if test.vars and test.vars.conversation else default
            if not conversation:
                raise ValueError(f"tests[{index}]: vars.conversation needs at least one message")
            turns = len(conversation)
            checks = [(f"defaultTest.assert[{n}]", s) for n, s in enumerate(self.default_test.assert_)]
            checks += [(f"tests[{index}].assert[{n}]", s) for n, s in enumerate(test.assert_)]
            for where, spec in checks:
                if spec.turn is not None and spec.turn > turns:
                    raise ValueError(f"{where}.turn {spec.turn}: the case has {turns} turns")
            for step in test.vars.feedback if test.vars else []:
                if step.turn > turns:
                    raise ValueError(f"tests[{index}].vars.feedback: turn {step.turn} > {turns} turns")
        return self

    @property
    def name(self) -> str:
        """The file's stem; in a folder below ``suites/`` prefixed by the folders ("conversations-demo",
        "conversations-heldout-demo"), so names stay unique."""
        if self.path is None:
            return "suite"
        parts = list(self.path.with_suffix("").parts)
        if "suites" in parts:
            return "-".join(parts[len(parts) - parts[::-1].index("suites") :])
        return self.path.stem

    def cases(self) -> list[SuiteCase]:
        """Every test with ``defaultTest`` merged in (test vars win; asserts are concatenated)."""
        default_vars = self.default_test.vars or CaseVars()
        out: list[SuiteCase] = []
        for index, test in enumerate(self.tests):
            own = test.vars.model_dump(exclude_unset=True) if test.vars else {}
            merged = CaseVars.model_validate({**default_vars.model_dump(exclude_unset=True), **own})
            if merged.catalog is None:
                merged.catalog = self.catalog
            description = test.description or (
                merged.conversation[0] if merged.conversation else f"test {index}"
            )
            turns = len(merged.conversation)
            # Default assertions without a turn grade every turn; every turn must also explain an
            # empty result (a decline, a question, an answer or a stated "nothing fits").
            defaults = [
                spec.model_copy(update={"turn": number})
                for spec in self.default_test.assert_
                for number in ([spec.turn] if spec.turn is not None else range(1, turns + 1))
            ]
            defaults += [
                AssertionSpec(type="explains-empty", turn=number, metric="explains-empty")
                for number in range(1, turns + 1)
            ]
            out.append(
                SuiteCase(
                    index=index,
                    description=description,
                    vars=merged,
                    asserts=[*defaults, *test.assert_],
                    threshold=test.threshold if test.threshold is not None else self.default_test.threshold,
                )
            )
        return out

    def select_providers(self, names: list[str] | None) -> list[ProviderSpec]:
        """The providers named (by label or id), in suite order; all when ``names`` is empty."""
        if not names:
            return list(self.providers)
        known = {p.name: p for p in self.providers} | {p.id: p for p in self.providers}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SuiteError(
                f"unknown provider {', '.join(unknown)}; this suite has: {', '.join(p.name for p in self.providers)}"
            )
        chosen = {known[n].name for n in names}
        return [p for p in self.providers if p.name in chosen]


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part:  # a validator's name in the location, not a field
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def format_validation_error(source: str, exc: ValidationError) -> str:
    """``source: path.to[1].field: message`` lines, one per error."""
    lines = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        where = f"{_loc(tuple(error['loc']))}: " if error["loc"] else ""
        lines.append(f"{source}: {where}{message}")
    return "\n".join(lines)


def load_suite(path: Path) -> Suite:
    """Read and validate a suite YAML file; raises :class:`SuiteError` with the bad field's path."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"cannot read suite {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: a suite is a mapping with description, providers and tests")
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(format_validation_error(str(path), exc)) from exc
    suite.path = path
    return suite


def resolve_catalog_path(value: str, suite_path: Path | None) -> Path:
    """A catalog path as written in a suite: absolute, or relative to the suite, the cwd or the repo."""
    candidate = Path(value).expanduser()
    if candidate.is_absolute():
        return candidate
    bases = [suite_path.parent] if suite_path else []
    bases += [Path.cwd(), _REPO_ROOT]
    for base in bases:
        if (base / candidate).exists():
            return (base / candidate).resolve()
    tried = ", ".join(str(b / candidate) for b in bases)
    raise SuiteError(f"catalog {value!r} not found (tried {tried})")

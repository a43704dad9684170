"""Suite files: defaults merge, and a bad file names the path to the bad field."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.suite_format import SuiteError, load_suite

GOOD = """
description: demo
embedder: hash
providers:
  - fake
  - id: fake
    label: explain-v1
    config: {prompts: {explain: "1"}, ranker: off, env: {AISLE_RECOMMENDATIONS: "3"}}
defaultTest:
  vars: {shopper: ann}
  assert: [{type: no-invented-products}]
tests:
  - description: follow-up
    vars:
      conversation: ["quiet dishwasher under $600", "cheaper ones?"]
      feedback: [{turn: 2, product: "@turn1.rec1", kind: not_interested}]
    assert:
      - {type: respects-filters, value: {price_max: 600}, turn: 1}
      - {type: recommends-any, value: [{brand: Bosch}, dw-1]}
  - vars: {conversation: "do you sell car tires?"}
    threshold: 0.5
    assert: [{type: declines-out-of-catalog, weight: 2}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_suite_merges_default_test(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    cases = suite.cases()
    assert [p.name for p in suite.providers] == ["fake", "explain-v1"]
    assert suite.providers[1].config.ranker == "off"  # YAML's bare `off` is not a boolean here
    assert cases[0].vars.shopper == "ann" and len(cases[0].vars.conversation) == 2
    # defaultTest's assertions grade every turn; every turn must also explain an empty result
    assert [(a.type, a.turn) for a in cases[0].asserts] == [
        ("no-invented-products", 1),
        ("no-invented-products", 2),
        ("explains-empty", 1),
        ("explains-empty", 2),
        ("respects-filters", 1),
        ("recommends-any", None),
    ]
    assert cases[1].description == "do you sell car tires?" and cases[1].threshold == 0.5
    assert suite.name == "suite"
    assert [p.name for p in suite.select_providers(["explain-v1"])] == ["explain-v1"]
    with pytest.raises(SuiteError, match="unknown provider nope"):
        suite.select_providers(["nope"])


@pytest.mark.parametrize(
    ("bad", "where", "what"),
    [
        ("type: respects-filters", "type: containz", "tests[0].assert[0]: unknown assertion type 'containz'"),
        (
            "value: {price_max: 600}, turn: 1",
            "value: {price_max: cheap}, turn: 1",
            "tests[0].assert[0]: respects-filters value.price_max",
        ),
        (
            "value: {price_max: 600}, turn: 1",
            "value: {price_max: 600}, turn: 3",
            "tests[0].assert[0].turn 3: the case has 2 turns",
        ),
        ("kind: not_interested", "kind: meh", "tests[0].vars.feedback[0].kind"),
        ('"@turn1.rec1"', '"@first"', "tests[0].vars.feedback[0].product"),
        ("conversation: [", "conversaton: [", "tests[0].vars.conversaton: Extra inputs are not permitted"),
        ("ranker: off", "ranker: sideways", "providers[1].config.ranker"),
        (
            "type: declines-out-of-catalog, weight: 2",
            "type: declines-out-of-catalog, weight: -1",
            "tests[1].assert[0].weight",
        ),
        ("value: [{brand: Bosch}, dw-1]", "value: [{brnd: Bosch}]", "recommends-any value"),
        (
            "  - id: fake\n    label: explain-v1",
            "  - id: fake\n    label: fake",
            "provider names must be unique",
        ),
    ],
)
def test_bad_suite_names_the_field(tmp_path: Path, bad: str, where: str, what: str) -> None:
    assert bad in GOOD
    path = write(tmp_path, GOOD.replace(bad, where, 1))
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    message = str(info.value)
    assert str(path) in message
    assert what in message, message


def test_unreadable_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="cannot read suite"):
        load_suite(tmp_path / "missing.yaml")
    with pytest.raises(SuiteError, match="not valid YAML"):
        load_suite(write(tmp_path, "tests: [\n"))
    with pytest.raises(SuiteError, match="a suite is a mapping"):
        load_suite(write(tmp_path, "- 1\n"))
    with pytest.raises(SuiteError, match="tests"):
        load_suite(write(tmp_path, "description: x\n"))


def test_shipped_suites_parse() -> None:
    root = Path(__file__).resolve().parents[2] / "eval" / "suites"
    for path in sorted(root.glob("*.yaml")):
        assert load_suite(path).tests, path

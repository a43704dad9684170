"""Hostile and malformed feeds: a bad line never aborts a feed; every error names its line."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from assistant.errors import FeedError
from assistant.settings import Settings
from retrieval.components import Catalog, open_catalog
from retrieval.ingest import ingest_feed
from retrieval.loaders import load_feed
from retrieval.loaders._base import MAX_DEPTH, MAX_RECORD_BYTES


@pytest.fixture
def catalog(hash_settings: Settings):
    with open_catalog(hash_settings) as opened:
        yield opened


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ok(i: int) -> str:
    return json.dumps({"id": f"p{i}", "title": f"Product {i}", "price": 10 + i})


def test_deeply_nested_json_line_is_a_row_error_not_a_crash(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    nested = json.dumps({"id": "x", "title": "X"})[:-1] + ', "attributes": ' + '{"a": ' * 50_000
    nested += "1" + "}" * 50_000 + "}"
    feed = _write(tmp_path, "deep.jsonl", "\n".join([_ok(1), deep, nested, _ok(2)]) + "\n")
    started = time.perf_counter()
    result = load_feed(feed)
    assert time.perf_counter() - started < 5
    assert [p.id for p in result.products] == ["p1", "p2"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, f"JSON nested more than {MAX_DEPTH} levels deep; record skipped"),
        (3, f"JSON nested more than {MAX_DEPTH} levels deep; record skipped"),
    ]


def test_deep_nesting_inside_strings_is_fine(tmp_path: Path) -> None:
    title = "[" * 200 + " bracket art"
    feed = _write(tmp_path, "strings.jsonl", json.dumps({"id": "s", "title": title}) + "\n")
    assert load_feed(feed).products[0].title == title


def test_deep_esci_document_is_a_row_error(tmp_path: Path) -> None:
    action = json.dumps({"index": {"_id": "B1"}})
    doc = '{"asin": "B1", "title": "T", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    good = [json.dumps({"index": {"_id": "B2"}}), json.dumps({"asin": "B2", "title": "Two"})]
    feed = _write(tmp_path, "esci.ndjson", "\n".join([action, doc, *good]) + "\n")
    result = load_feed(feed, "esci")
    assert [p.id for p in result.products] == ["B2"]
    assert [(e.line, e.record_id) for e in result.errors] == [(2, "B1")]
    assert "nested" in result.errors[0].reason


def test_over_long_line_is_a_row_error_and_the_next_line_loads(tmp_path: Path) -> None:
    huge = json.dumps({"id": "big", "title": "x" * (MAX_RECORD_BYTES + 10)})
    feed = _write(tmp_path, "big.jsonl", "\n".join([_ok(1), huge, _ok(2)]) + "\n")
    result = load_feed(feed)
    assert [p.id for p in result.products] == ["p1", "p2"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, f"line is longer than {MAX_RECORD_BYTES:,} bytes; record skipped")
    ]


def test_over_long_gzip_line_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl.gz"
    text = "\n".join([_ok(1), "[" + "1," * MAX_RECORD_BYTES + "1]", _ok(2)]) + "\n"
    path.write_bytes(gzip.compress(text.encode()))
    result = load_feed(path)
    assert [p.id for p in result.products] == ["p1", "p2"]
    assert [e.line for e in result.errors] == [2]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Infinity", "price must be a finite number (got inf)"),
        ("-Infinity", "price must be a finite number (got -inf)"),
        ("NaN", "price must be a finite number (got nan)"),
        ("1e999", "price must be a finite number (got inf)"),
    ],
)
def test_non_finite_jsonl_price_is_a_row_error(tmp_path: Path, value: str, reason: str) -> None:
    feed = _write(tmp_path, "f.jsonl", f'{{"id": "a", "title": "A", "price": {value}}}\n{_ok(2)}\n')
    result = load_feed(feed)
    assert [p.id for p in result.products] == ["p2"]
    assert [(e.line, e.reason, e.record_id) for e in result.errors] == [(1, reason, "a")]


def test_non_finite_rating_and_count_are_row_errors(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "title": "A", "rating": NaN}',
        '{"id": "b", "title": "B", "rating_count": Infinity}',
    ]
    result = load_feed(_write(tmp_path, "f.jsonl", "\n".join([*lines, _ok(3)]) + "\n"))
    assert [p.id for p in result.products] == ["p3"]
    assert [(e.line, e.record_id) for e in result.errors] == [(1, "a"), (2, "b")]
    assert all("finite" in e.reason for e in result.errors)


def test_non_finite_csv_and_esci_values_are_row_errors(tmp_path: Path) -> None:
    csv_feed = _write(tmp_path, "f.csv", "id,title,price,rating\n1,A,inf,4\n2,B,10,NaN\n3,C,10,4\n")
    result = load_feed(csv_feed)
    assert [p.id for p in result.products] == ["3"]
    assert [e.line for e in result.errors] == [2, 3]
    esci = [json.dumps({"index": {"_id": "E1"}}), '{"asin": "E1", "title": "T", "price": Infinity}']
    result = load_feed(_write(tmp_path, "e.ndjson", "\n".join(esci) + "\n"), "esci")
    assert not result.products
    assert [(e.line, e.reason) for e in result.errors] == [(2, "price must be a finite number (got inf)")]


def test_unclosed_csv_quote_is_a_row_error_and_swallows_nothing(tmp_path: Path) -> None:
    feed = _write(tmp_path, "q.csv", 'id,title,price\n1,Fine,10\n2,"Unclosed,20\n3,Third,30\n4,Fourth,40\n')
    result = load_feed(feed)
    assert [p.id for p in result.products] == ["1", "3", "4"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "a quoted field opened on this line is never closed; record skipped")
    ]


def test_unclosed_quote_closed_by_a_later_quote_is_reported(tmp_path: Path) -> None:
    text = 'id,title,price\n1,"Unclosed,10\n2,Second,20\n3,"Quoted, fine",30\n4,Fourth,40\n'
    result = load_feed(_write(tmp_path, "q.csv", text))
    assert [p.id for p in result.products] == ["2", "3", "4"]
    assert [e.line for e in result.errors] == [2]
    assert "quot" in result.errors[0].reason


def test_swallowing_record_with_the_wrong_width_is_reported(tmp_path: Path) -> None:
    text = 'id,title,description,price\n1,A,"opens here,5\n2,B,"fine",6\n'
    result = load_feed(_write(tmp_path, "q.csv", text))
    assert [e.line for e in result.errors][:1] == [2]
    assert [p.id for p in result.products] == ["2"]


def test_multi_line_quoted_fields_still_load(tmp_path: Path) -> None:
    text = 'id,title,description,price\n1,A,"line one\nline two",5\n2,B,plain,6\n'
    result = load_feed(_write(tmp_path, "m.csv", text))
    assert not result.errors
    assert [(p.id, p.description) for p in result.products] == [("1", "line one\nline two"), ("2", "plain")]


def test_shopify_unclosed_quote_is_reported_on_its_line(tmp_path: Path) -> None:
    header = "Handle,Title,Body (HTML),Vendor,Variant Price\n"
    rows = 'tee,Tee,"<p>soft,Acme,10\nmug,Mug,<p>big</p>,Acme,12\n'
    result = load_feed(_write(tmp_path, "shop.csv", header + rows), "shopify")
    assert [p.id for p in result.products] == ["mug"]
    assert [e.line for e in result.errors] == [2]


def test_strict_still_rejects_the_whole_feed(catalog: Catalog, tmp_path: Path) -> None:
    feed = _write(tmp_path, "f.jsonl", "\n".join([_ok(1), "[" * 1000 + "]" * 1000, _ok(2)]) + "\n")
    with pytest.raises(FeedError, match=r"f\.jsonl:2: JSON nested"):
        ingest_feed(catalog, feed, strict=True)
    assert catalog.store.count() == 0
    summary = ingest_feed(catalog, feed)
    assert (summary.added, summary.skipped) == (2, 1)

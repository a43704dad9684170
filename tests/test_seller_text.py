"""Seller text is data: markup, links and invisible characters never survive ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from retrieval.catalog import Product
from retrieval.loaders import load_feed
from retrieval.markup import link_problem, plain_line, plain_text

PIXEL = "![p](https://evil.example/pixel.png) [claim refund](https://evil.example/phish)"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (PIXEL, "claim refund"),
        ("[text](https://evil.example) Tent", "text Tent"),
        ("Tent <a href='https://evil.example'>refund</a> <img src=x onerror=alert(1)>", "Tent refund"),
        ("Tent <script>alert(1)</script> ok", "Tent ok"),
        ("Tent &lt;script&gt;alert(1)&lt;/script&gt; ok", "Tent ok"),
        ("see <https://evil.example/x> or www.evil.example/phish now", "see or now"),
        ("mail me: mailto:x@evil.example; javascript:alert(1)", "mail me:"),
        ("[x](javascript:alert(1)) y", "x y"),
        ("Zero\u200bwidth\u200d and \u202eevil\u202c bidi \u2066iso\u2069", "Zerowidth and evil bidi iso"),
        ("ansi \x1b[31mred\x1b[0m bell\x07", "ansi [31mred[0m bell"),
        ("tags \U000e0049\U000e0047\U000e004e hidden", "tags hidden"),
        ("Black & Decker 5 * 3 [size] <3 cats", "Black & Decker 5 * 3 [size] <3 cats"),
        ("Wow! 2-pack, 10% more — great", "Wow! 2-pack, 10% more — great"),
    ],
)
def test_plain_line_strips_markup_links_and_invisible_characters(raw: str, clean: str) -> None:
    assert plain_line(raw) == clean
    assert plain_line(clean) == clean  # idempotent


def test_plain_text_keeps_paragraphs() -> None:
    assert plain_text("one\r\n\r\n\r\n  two  [x](https://e.example)\nthree") == "one\n\ntwo x\nthree"


def test_product_fields_are_plain_text() -> None:
    product = Product(
        id="x",
        title="[Tent](https://evil.example) **Pro**",
        brand="<b>Acme</b>",
        description=f"Great tent. {PIXEL}",
        bullet_points=["<b>waterproof</b>", "![i](https://evil.example/i.png)"],
        category=["<i>Outdoor</i>", "Tents\u202e"],
        attributes={"note": PIXEL, "[k](https://e.example)": "v", "empty": "<br>"},
        color="Green\u200b",
    )
    assert product.title == "Tent **Pro**"
    assert product.brand == "Acme"
    assert product.description == "Great tent. claim refund"
    assert product.bullet_points == ["waterproof"]
    assert product.category == ["Outdoor", "Tents"]
    assert product.attributes == {"note": "claim refund", "k": "v"}
    assert product.color == "Green"
    text = json.dumps(product.model_dump())
    assert "evil.example" not in text and "http" not in text


def test_a_title_that_is_only_markup_is_invalid() -> None:
    with pytest.raises(ValidationError, match="title is empty once markup"):
        Product(id="x", title="![x](https://evil.example/x.png)")


@pytest.mark.parametrize(
    ("value", "image", "ok"),
    [
        ("https://shop.example/p/1", False, True),
        ("http://shop.example/p/1", False, True),
        ("javascript:alert(1)", False, False),
        ("data:text/html,<script>", False, False),
        ("/etc/passwd", False, False),
        ("file:///etc/passwd", True, False),
        ("/etc/passwd", True, False),
        ("../../secret.png", True, False),
        ("tents/../../secret.png", True, False),
        ("tents/alpine.jpg", True, True),
        ("tents/alpine.jpg", False, False),
        ("https://shop.example@evil.example/x.png", True, False),
        ("https:///nohost.png", True, False),
        ("https://shop.example/a b.png", True, False),
        ("https://shop.example/\u202ex.png", True, False),
    ],
)
def test_link_rules(value: str, image: bool, ok: bool) -> None:
    assert (link_problem(value, image=image) is None) is ok


def test_unsafe_links_are_dropped_with_a_row_warning_and_the_product_kept(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": "A", "url": "javascript:alert(1)", "image_url": "/etc/passwd"},
        {"id": "b", "title": "B", "url": "https://shop.example/b", "image_url": "https://img.example/b.png"},
        {"id": "c", "title": "C", "image_url": "tents/c.jpg"},
    ]
    feed = tmp_path / "f.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = load_feed(feed)
    assert not result.errors
    products = {p.id: p for p in result.products}
    assert (products["a"].url, products["a"].image_url) == (None, None)
    assert products["b"].url == "https://shop.example/b"
    assert products["c"].image_url == "tents/c.jpg"
    assert [(w.line, w.record_id, w.reason.split(" (")[0]) for w in result.warnings] == [
        (1, "a", "url must be an http(s) URL"),
        (1, "a", "image_url must be an http(s) URL or a relative path in the media dir"),
    ]


def test_csv_and_shopify_links_are_checked_too(tmp_path: Path) -> None:
    csv_feed = tmp_path / "f.csv"
    csv_feed.write_text("id,title,image_url\n1,One,javascript:alert(1)\n2,Two,https://i.example/2.png\n")
    result = load_feed(csv_feed)
    assert [p.id for p in result.products] == ["1", "2"]
    assert [(w.line, w.record_id) for w in result.warnings] == [(2, "1")]
    shop = tmp_path / "shop.csv"
    shop.write_text(
        "Handle,Title,Body (HTML),Vendor,Variant Price,Image Src\n"
        'tee,"[Tee](https://evil.example)","<p>Soft <a href=""https://evil.example"">cotton</a></p>",Acme,10,'
        "/etc/passwd\n"
    )
    result = load_feed(shop, "shopify")
    (product,) = result.products
    assert (product.title, product.description, product.image_url) == ("Tee", "Soft cotton", None)
    assert [w.line for w in result.warnings] == [2]


def test_stored_products_are_cleaned_when_read_back() -> None:
    stored = json.dumps({"id": "old", "title": "[Old](https://evil.example)", "image_url": "javascript:x"})
    product = Product.model_validate_json(stored)
    assert (product.title, product.image_url) == ("Old", None)


def test_ingest_reports_dropped_links_as_warnings(hash_settings_env, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    feed = tmp_path / "links.jsonl"
    rows = [
        {"id": "a", "title": "[Alpine tent](https://evil.example)", "url": "javascript:alert(1)"},
        {"id": "b", "title": "Ridge tent"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(feed)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "warning" in output and "links.jsonl:1: url must be an http(s) URL" in output

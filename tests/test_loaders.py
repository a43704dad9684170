"""Feed loaders: every format maps its fields, bad rows are reported on their exact line and skipped."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from assistant.errors import FeedError
from retrieval.catalog import Product
from retrieval.loaders import FeedResult, RowError, detect_format, iter_feed, load_feed
from retrieval.loaders._base import parse_availability, parse_price
from retrieval.loaders.shopify import html_to_text

FEEDS = Path(__file__).parent / "data" / "feeds"
JSONL = FEEDS / "products.jsonl"
GENERIC = FEEDS / "generic.csv"
SHOPIFY = FEEDS / "shopify_export.csv"
ESCI = FEEDS / "esci_sample.ndjson"
REAL_ESCI = Path(__file__).resolve().parents[2] / "shared" / "data" / "esci-shopping" / "products.ndjson"
GENERIC_MAP = {"title": "Product Name", "attributes.Material": "Fabric"}


def by_id(result: FeedResult) -> dict[str, Product]:
    return {p.id: p for p in result.products}


def errors_of(result: FeedResult) -> list[tuple[int, str, str | None]]:
    return [(e.line, e.reason, e.record_id) for e in result.errors]


# --- JSONL -------------------------------------------------------------------------------------


def test_jsonl_maps_product_fields() -> None:
    result = load_feed(JSONL)
    assert result.format == "jsonl"
    products = by_id(result)
    assert list(products) == ["J-1", "2"]
    pour = products["J-1"]
    assert (pour.title, pour.price, pour.currency, pour.brand) == ("Ceramic Pour-Over", 24.0, "USD", "Brewly")
    assert pour.category == ["Kitchen", "Coffee"]
    assert pour.attributes == {"Material": "Ceramic"}
    assert (pour.rating, pour.rating_count, pour.color) == (4.4, 812, "White")
    kettle = products["2"]
    assert (kettle.price, kettle.currency, kettle.in_stock) == (59.5, "EUR", False)


def test_jsonl_reports_each_bad_line_and_keeps_going() -> None:
    assert errors_of(load_feed(JSONL)) == [
        (4, "invalid JSON: Expecting property name enclosed in double quotes (column 1)", None),
        (5, "missing title", "J-4"),
        (6, "rating: input should be less than or equal to 5 (got 7)", "J-5"),
        (7, "unknown field 'colour'", "J-6"),
        (8, 'duplicate id "J-1" (first seen on line 1)', "J-1"),
        (9, "expected a JSON object (a product), got list", None),
        (10, 'unparseable price "abc"', "J-7"),
    ]
    assert all(e.file == str(JSONL) for e in load_feed(JSONL).errors)


# --- generic CSV -------------------------------------------------------------------------------


def test_csv_maps_columns_defaults_and_attributes() -> None:
    result = load_feed(GENERIC, column_map=GENERIC_MAP)
    assert result.format == "csv"
    products = by_id(result)
    assert list(products) == ["SKU-1", "SKU-2", "SKU-7"]
    shirt = products["SKU-1"]
    assert shirt.title == "Linen Shirt"
    assert (shirt.price, shirt.currency) == (1299.0, "EUR")  # "$1,299.00" with a currency column
    assert shirt.category == ["Apparel", "Shirts"]
    assert shirt.description == "Breezy linen shirt.\nGarment dyed,\nrelaxed fit."
    assert (shirt.brand, shirt.color, shirt.rating, shirt.rating_count) == ("Acme", "White", 4.5, 1204)
    assert shirt.image_url == "https://img.example.com/1.jpg"
    assert shirt.url == "https://shop.example.com/p/1"
    # Mapped attribute under its chosen key; the unmapped "Season" column kept as an attribute.
    assert shirt.attributes == {"Material": "Linen", "Season": "Summer"}
    jacket = products["SKU-2"]
    assert (jacket.category, jacket.in_stock, jacket.price) == (["Apparel", "Outerwear"], False, 89.0)
    assert jacket.attributes == {"Material": "Denim"}  # blank Season cell left out
    assert products["SKU-7"].in_stock is True
    assert products["SKU-7"].brand is None


def test_csv_without_mapping_keeps_unmapped_columns_as_attributes() -> None:
    shirt = by_id(load_feed(GENERIC))["SKU-1"]
    assert shirt.title == "Linen Shirt"  # "Product Name" is a default title header
    assert shirt.attributes == {"Fabric": "Linen", "Season": "Summer"}


def test_csv_errors_on_the_physical_start_line_of_multiline_records() -> None:
    assert errors_of(load_feed(GENERIC, column_map=GENERIC_MAP)) == [
        (6, 'unparseable price "abc"', "SKU-3"),
        (7, 'negative price "-3"', "SKU-4"),
        (8, "missing title", "SKU-5"),
        (10, 'duplicate id "SKU-1" (first seen on line 2)', "SKU-1"),
        (11, "rating: input should be less than or equal to 5 (got '7')", "SKU-6"),
        (13, "row has 3 fields but the header has 15", "SKU-8"),
    ]


def test_csv_line_numbers_hold_with_crlf_and_bom(tmp_path: Path) -> None:
    crlf = tmp_path / "feed.csv"
    crlf.write_bytes(b"\xef\xbb\xbf" + GENERIC.read_bytes().replace(b"\n", b"\r\n"))
    result = load_feed(crlf, column_map=GENERIC_MAP)
    assert [e.line for e in result.errors] == [6, 7, 8, 10, 11, 13]
    assert (
        by_id(result)["SKU-1"].description == "Breezy linen shirt.\nGarment dyed,\nrelaxed fit."
    )  # line ends normalized


def test_csv_sniffs_tab_delimiter(tmp_path: Path) -> None:
    feed = tmp_path / "feed.tsv"
    feed.write_text("sku\tname\tprice\tcategory\nA1\tDesk Lamp\t$19.99\tHome/Lighting\n", encoding="utf-8")
    assert detect_format(feed) == "csv"
    [lamp] = load_feed(feed).products
    assert (lamp.id, lamp.title, lamp.price, lamp.category) == (
        "A1",
        "Desk Lamp",
        19.99,
        ["Home", "Lighting"],
    )


@pytest.mark.parametrize(
    ("column_map", "message"),
    [
        ({"titel": "Product Name"}, "unknown product field 'titel'"),
        ({"title": "Nope"}, "has no column 'Nope'"),
    ],
)
def test_csv_bad_column_map_raises_feed_error(column_map: dict[str, str], message: str) -> None:
    with pytest.raises(FeedError, match=message):
        load_feed(GENERIC, column_map=column_map)


def test_csv_without_an_id_column_says_how_to_map_one(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text("Code,name\nX,Lamp\n", encoding="utf-8")
    with pytest.raises(FeedError, match=r"column_map=\{'id': '<column>'\}"):
        load_feed(feed)
    [lamp] = load_feed(feed, column_map={"id": "Code"}).products
    assert lamp.id == "X"


# --- Shopify -----------------------------------------------------------------------------------


def test_shopify_folds_variants_into_one_product() -> None:
    result = load_feed(SHOPIFY)
    assert result.format == "shopify"
    products = by_id(result)
    assert list(products) == ["classic-tee", "wool-socks", "gift-card", "sold-out-cap"]
    tee = products["classic-tee"]
    assert tee.title == "Classic Organic Tee"
    assert tee.brand == "Northwind"
    assert tee.category == ["Apparel & Accessories", "Clothing", "Shirts & Tops"]
    assert tee.price == 22.0  # the lowest of 25.00 / 22.00 / 24.00
    assert tee.in_stock is True  # only the Silver/L variant has stock
    assert tee.attributes["Color"] == "Black, Silver"
    assert tee.attributes["Size"] == "S, M, L"
    assert tee.attributes["Tags"] == "cotton, summer, basics"
    assert tee.attributes["Compare At Price"] == "30.00"
    assert tee.color is None  # two colours: kept in attributes only
    assert tee.image_url == "https://cdn.shopify.com/s/files/1/0000/0001/products/tee-black.jpg"
    assert tee.description == (
        "Soft & breathable organic cotton tee — our best seller.\n\n"
        "- 100% organic cotton\n- Machine wash <30°C\n\n"
        'Fits "true to size".\nModel wears M.'
    )
    assert tee.bullet_points == ["100% organic cotton", "Machine wash <30°C"]


def test_shopify_stock_default_title_and_type_category() -> None:
    products = by_id(load_feed(SHOPIFY))
    gift = products["gift-card"]  # inventory not tracked → in stock; "Title: Default Title" is no option
    assert gift.in_stock is True
    assert "Title" not in gift.attributes
    assert gift.category == ["Gift Cards"]  # from Type when Product Category is blank
    assert gift.description == "Give the gift of choice – redeemable online."
    assert products["sold-out-cap"].in_stock is False  # tracked, 0 in stock, policy deny
    socks = products["wool-socks"]
    assert socks.price == 18.5  # the "abc" variant is skipped; "$1,299.00" and 18.50 remain
    assert socks.attributes["Size"] == "L, XL"


def test_shopify_reports_drafts_archived_and_bad_variant_prices() -> None:
    assert errors_of(load_feed(SHOPIFY)) == [
        (11, "skipped: draft product (Status=draft)", "draft-hoodie"),
        (12, 'unparseable price "abc" in variant "M"; variant skipped', "wool-socks"),
        (18, "skipped: archived product (Status=archived)", "archived-mug"),
    ]


def test_shopify_product_without_valid_variants_is_skipped(tmp_path: Path) -> None:
    header, *_ = SHOPIFY.read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    row = dict.fromkeys(columns, "")
    row.update({"Handle": "mug", "Title": "Mug", "Variant Price": "-3", "Status": "active"})
    feed = tmp_path / "products_export_1.csv"
    feed.write_text(header + "\n" + ",".join(row[c] for c in columns) + "\n", encoding="utf-8")
    result = load_feed(feed)
    assert result.products == []
    assert errors_of(result) == [
        (2, "product skipped: none of its variants is valid", "mug"),
        (2, 'negative price "-3" in variant "mug"; variant skipped', "mug"),
    ]


def test_shopify_broken_row_is_reported_in_file_order(tmp_path: Path) -> None:
    lines = SHOPIFY.read_text(encoding="utf-8").split("\n")
    lines.insert(8, "classic-tee,,,too,short")  # becomes line 9, inside the tee's rows
    feed = tmp_path / "products_export.csv"
    feed.write_text("\n".join(lines), encoding="utf-8")
    items = list(iter_feed(feed))
    assert [(type(i).__name__, getattr(i, "line", None)) for i in items[:3]] == [
        ("Product", None),
        ("RowError", 9),
        ("RowError", 12),
    ]
    assert isinstance(items[1], RowError)
    assert items[1].reason.startswith("row has 5 fields but the header has ")
    tee = items[0]
    assert isinstance(tee, Product) and tee.attributes["Size"] == "S, M, L"


def test_html_to_text_drops_scripts_and_keeps_breaks() -> None:
    text, items = html_to_text("a &amp; <b>b</b><script>x()</script><ol><li>one<li>two</ol>tail<p>x<br/>y")
    assert text == "a & b\n\n- one\n- two\n\ntail\n\nx\ny"
    assert items == ["one", "two"]


# --- ESCI --------------------------------------------------------------------------------------


def test_esci_maps_fields_and_ignores_query_id() -> None:
    result = load_feed(ESCI)
    assert result.format == "esci"
    assert len(result.products) == 21  # the first 20 real records + one good synthetic one
    first = json.loads(ESCI.read_text(encoding="utf-8").splitlines()[1])
    kindle = by_id(result)[first["asin"]]
    assert kindle.title == first["title"]
    assert kindle.bullet_points == first["bullet_points"].split("\n")
    assert (kindle.brand, kindle.color, kindle.image_url) == (first["brand"], first["color"], first["image"])
    assert (kindle.rating, kindle.rating_count) == (first["rating"], first["rating_count"])
    assert "query_id" not in kindle.model_dump_json()
    good = by_id(result)["GOOD000001"]
    assert (good.bullet_points, good.category, good.price, good.attributes) == (
        ["one", "two"],
        ["Toys & Games"],
        12.5,
        {},
    )


def test_esci_reports_malformed_records_on_their_lines() -> None:
    assert errors_of(load_feed(ESCI)) == [
        (42, "invalid JSON: Expecting property name enclosed in double quotes (column 1)", "BROKEN0001"),
        (43, "action line without a document", "NODOC00001"),
        (45, "missing title", "NOTITLE001"),
        (47, 'duplicate id "B07CXG6C9W" (first seen on line 2)', "B07CXG6C9W"),
        (49, 'negative price "-3"', "NEGPRICE01"),
        (52, "action line without a document", "DANGLING01"),
    ]


def test_esci_document_without_action_and_mismatched_id(tmp_path: Path) -> None:
    feed = tmp_path / "bulk.ndjson"
    lines = [
        {"title": "Orphan", "asin": "A1"},
        {"index": {"_id": "B1"}},
        {"title": "Other", "asin": "B2"},
        {"index": {"_id": "C1"}},
        {"title": "Ok", "is_book": True},
    ]
    feed.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = load_feed(feed, "esci")
    assert errors_of(result) == [
        (1, 'document without a preceding action line (expected {"index": {...}})', "A1"),
        (3, 'action _id "B1" does not match the document\'s asin "B2"', "B2"),
    ]
    [book] = result.products
    assert (book.id, book.attributes) == ("C1", {"is_book": "true"})


def test_real_esci_catalog_loads_without_errors() -> None:
    if not REAL_ESCI.exists():
        pytest.skip(f"the ESCI data set is not at {REAL_ESCI}")
    started = time.perf_counter()
    result = load_feed(REAL_ESCI)
    elapsed = time.perf_counter() - started
    assert (result.format, len(result.products), result.errors) == ("esci", 6764, [])
    assert len({p.id for p in result.products}) == 6764
    assert sum(p.price is not None for p in result.products) == 1990
    assert sum("is_book" in p.attributes for p in result.products) == 168
    assert elapsed < 10, f"loading 6,764 products took {elapsed:.1f}s"


# --- detection, gzip, errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [(JSONL, "jsonl"), (GENERIC, "csv"), (SHOPIFY, "shopify"), (ESCI, "esci")],
)
def test_detect_format(path: Path, expected: str, tmp_path: Path) -> None:
    assert detect_format(path) == expected
    # Content decides, not the name: the same bytes under a neutral, gzipped name.
    gz = tmp_path / "feed.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert detect_format(gz) == expected


def test_detect_jsonl_by_extension_when_first_lines_are_broken(tmp_path: Path) -> None:
    feed = tmp_path / "feed.ndjson"
    feed.write_text("{broken\n", encoding="utf-8")
    assert detect_format(feed) == "jsonl"
    assert errors_of(load_feed(feed))[0][0] == 1


@pytest.mark.parametrize(
    ("path", "fmt", "column_map"),
    [(JSONL, "jsonl", None), (GENERIC, "csv", GENERIC_MAP), (SHOPIFY, "shopify", None), (ESCI, "esci", None)],
)
def test_gzip_feeds_load_like_plain_ones(
    path: Path, fmt: str, column_map: dict[str, str] | None, tmp_path: Path
) -> None:
    gz = tmp_path / (path.name + ".gz")
    gz.write_bytes(gzip.compress(path.read_bytes()))
    plain, packed = load_feed(path, column_map=column_map), load_feed(gz, column_map=column_map)
    assert packed.format == fmt
    assert packed.products == plain.products
    assert errors_of(packed) == errors_of(plain)
    assert {e.file for e in packed.errors} == {str(gz)}


def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    feed = tmp_path / "catalog.bin"
    feed.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(FeedError, match="known formats: jsonl, csv, shopify, esci"):
        detect_format(feed)
    with pytest.raises(FeedError, match="use one of auto, jsonl, csv, shopify, esci"):
        load_feed(JSONL, "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "feed file not found"),
        ("empty.csv", b"", "is empty"),
        ("latin1.csv", b"id,title\n1,Caf\xe9\n", "not UTF-8"),
        ("corrupt.jsonl.gz", b"\x1f\x8b\x08\x00garbage", "cannot read"),
    ],
)
def test_unreadable_feeds_raise_feed_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    feed = tmp_path / name
    if content is not None:
        feed.write_bytes(content)
    with pytest.raises(FeedError, match=message):
        load_feed(feed)


def test_json_array_is_refused_with_advice(tmp_path: Path) -> None:
    feed = tmp_path / "products.json"
    feed.write_text('[{"id": "1", "title": "Lamp"}]\n', encoding="utf-8")
    with pytest.raises(FeedError, match="JSON array; write one product object per line"):
        detect_format(feed)


@pytest.mark.parametrize(("path", "fmt"), [(ESCI, "esci"), (SHOPIFY, "shopify")])
def test_truncated_gzip_raises_feed_error(path: Path, fmt: str, tmp_path: Path) -> None:
    packed = gzip.compress(path.read_bytes())
    feed = tmp_path / (path.name + ".gz")
    feed.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(FeedError, match="is the file complete"):
        load_feed(feed, fmt)  # type: ignore[arg-type]


def test_column_map_only_for_csv() -> None:
    with pytest.raises(FeedError, match="column_map applies to the csv format only"):
        load_feed(SHOPIFY, column_map={"title": "Title"})


def test_iter_feed_streams_in_file_order() -> None:
    items = list(iter_feed(JSONL))
    assert [type(i).__name__ for i in items] == ["Product"] * 2 + ["RowError"] * 7
    assert isinstance(items[-1], RowError) and items[-1].line == 10


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$1,299.00", (1299.0, None)),
        ("1299", (1299.0, None)),
        (12, (12.0, None)),
        ("12,50 €", (12.5, "EUR")),
        ("USD 5", (5.0, "USD")),
        ("£3.10", (3.1, "GBP")),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_price_accepts_common_forms(raw: object, expected: tuple[float | None, str | None]) -> None:
    assert parse_price(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("-3", 'negative price "-3"'), ("$-3.00", 'negative price "$-3.00"'), (-1, 'negative price "-1"'),
     ("abc", 'unparseable price "abc"'), ("1.2.3", 'unparseable price "1.2.3"'), (float("nan"), "finite number")],
)  # fmt: skip
def test_parse_price_rejects_with_reason(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("$", r"\$").replace(".", r"\.")):
        parse_price(raw)


def test_parse_availability() -> None:
    assert [parse_availability(v) for v in ("in stock", "out_of_stock", "3", "0", "")] == [
        True,
        False,
        True,
        False,
        None,
    ]
    with pytest.raises(ValueError, match='unrecognised availability "maybe"'):
        parse_availability("maybe")

"""The Streamlit chat under ``AppTest``: the in-process transport over the real core (demo catalog,
hash embedder, scripted chat model). Renderer tests that must force exact cards, reasons or rows
(hostile text, duplicate titles, short rows, every row shape) or an LLM error use the stand-ins."""

from __future__ import annotations

from pathlib import Path

from http_support import RealCore
from streamlit.testing.v1 import AppTest
from ui_support import COMPARISON_ROWS

from assistant.errors import LLMError
from assistant.llm.fake import DEFAULT_REPLY
from assistant.schemas import ComparisonRow, ProductCard
from retrieval.components import Catalog
from ui.client import InProcessTransport

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def _app(assistant) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["transport"] = InProcessTransport(assistant)
    return at.run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def _markdown_like(at: AppTest) -> list[str]:
    """Everything handed to Streamlit's Markdown renderer (markdown, captions, alerts, tables)."""
    return [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in at.get(kind)
    ]


def _last_turn(at: AppTest):  # the assistant message the UI kept for the last turn
    return at.session_state["messages"][-1]


def _quietest_dishwasher(catalog: Catalog) -> str:
    dishwashers = [p for p in catalog.store.all() if "Dishwashers" in (p.category or [])]
    return min(dishwashers, key=lambda p: float(p.attributes["noise_level_db"])).id


def test_chat_flow_renders_text_cards_and_reasons(ui_core: RealCore, demo_catalog: Catalog) -> None:
    at = _app(ui_core.assistant)
    assert not at.exception
    at.chat_input[0].set_value("a quiet dishwasher").run()
    assert not at.exception
    turn = _last_turn(at)
    top = turn.products[0]
    assert top.id == _quietest_dishwasher(demo_catalog)  # the catalog's facts, ranked by the real core
    texts = _texts(at)
    assert turn.content.startswith("My top pick is the " + top.title.split(",")[0]) and turn.content in texts
    assert all(card.title in texts for card in turn.products)
    assert turn.reasons and all(reason in texts for reason in turn.reasons.values())
    assert not at.dataframe  # no comparison on a search turn
    captions = [c.value for c in at.caption]
    # the price line is Markdown-escaped ("$" would start LaTeX); the browser shows "$1,899.00"
    price = f"{top.price:,.2f}".replace(".", r"\.")
    assert any(rf"\${price}" in c and top.brand in c for c in captions), captions
    assert any(c.startswith("LLM") and "FakeChatModel" in c for c in captions)
    assert ui_core.store.get_session(at.session_state["session_id"]).message_count == 2


def test_follow_up_keeps_the_session(ui_core: RealCore) -> None:
    at = _app(ui_core.assistant)
    at.chat_input[0].set_value("dishwashers").run()
    session_id = at.session_state["session_id"]
    at.chat_input[0].set_value("cheaper").run()
    assert at.session_state["session_id"] == session_id
    assert [m.role for m in at.session_state["messages"]] == ["user", "assistant", "user", "assistant"]
    stored = ui_core.store.history(session_id)
    assert [(m.role, m.content) for m in stored if m.role == "user"] == [
        ("user", "dishwashers"),
        ("user", "cheaper"),
    ]


def test_feedback_buttons_send_feedback(ui_core: RealCore) -> None:
    at = _app(ui_core.assistant)
    at.chat_input[0].set_value("dishwashers").run()
    turn = _last_turn(at)
    first, second = turn.products[0].id, turn.products[1].id
    at.button(key=f"fb-{turn.turn_id}-{second}-not_interested").click().run()
    at.button(key=f"fb-{turn.turn_id}-{first}-thumbs_up").click().run()
    assert not at.exception
    session_id = at.session_state["session_id"]
    got = [(f.product_id, f.kind, f.session_id) for f in ui_core.store.feedback(f"session:{session_id}")]
    assert got == [(second, "not_interested", session_id), (first, "thumbs_up", session_id)]
    # …and the core acts on it: the product the shopper is not interested in is not shown again.
    at.chat_input[0].set_value("more dishwashers").run()
    assert second not in [p.id for p in _last_turn(at).products]


def test_sidebar_shows_plan_filters_and_sends_edits(ui_core: RealCore) -> None:
    at = _app(ui_core.assistant)
    at.chat_input[0].set_value("dishwashers").run()
    at.chat_input[0].set_value("more").run()
    assert not at.exception
    at.number_input(key="f_price_max").set_value(500.0).run()
    at.multiselect(key="f_brands").set_value(["Brightwell"]).run()
    at.chat_input[0].set_value("again").run()
    assert not at.exception
    products = _last_turn(at).products
    assert products and all(p.brand == "Brightwell" and (p.price or 0) <= 500 for p in products)
    plans = [m.plan for m in ui_core.store.history(at.session_state["session_id"]) if m.plan is not None]
    assert len(plans) == 3 and plans[1].filters.price_max is None  # unchanged filters are not sent back
    assert plans[-1].filters.price_max == 500
    assert plans[-1].filters.brands == ["brightwell"]


def test_degraded_turn_is_shown(ui_core: RealCore) -> None:
    ui_core.model.add(DEFAULT_REPLY)  # the rerank gets text that is not JSON: the core falls back
    at = _app(ui_core.assistant)
    at.chat_input[0].set_value("dishwashers").run()
    assert not at.exception
    assert any("showing our ranking" in c.value for c in at.caption)


def test_an_error_is_shown(ui_fake_assistant) -> None:
    # Stand-in: the core never fails a turn with an LLM error (it degrades); the UI must still show one.
    ui_fake_assistant.fail_after_products = LLMError("backend down")
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("again").run()
    assert not at.exception
    assert any("backend down" in e.value for e in at.error)


def test_reset_starts_a_new_conversation(ui_core: RealCore) -> None:
    at = _app(ui_core.assistant)
    at.chat_input[0].set_value("dishwashers").run()
    assert at.session_state["session_id"] is not None
    at.sidebar.button[0].click().run()
    assert at.session_state["messages"] == [] and at.session_state["session_id"] is None


def test_comparison_is_a_side_by_side_table(ui_scripted_assistant) -> None:
    # Stand-in: one table holding every row shape at once (a winner each way, a blank value, a tie)
    # and rows the test names, so the rendering of each shape is pinned; the real core's comparison
    # goes through both transports in test_ui_client.py.
    ui_scripted_assistant.rows = COMPARISON_ROWS
    ui_scripted_assistant.tokens = ["The Quiet Dishwasher is cheaper."]
    at = _app(ui_scripted_assistant)
    at.chat_input[0].set_value("compare the first two").run()
    assert not at.exception
    assert len(at.dataframe) == 1
    frame = at.dataframe[0].value
    # one column per product (titles as headers), one row per attribute, in the event's order
    assert list(frame.columns) == ["Quiet Dishwasher", "Compact Dishwasher"]
    assert list(frame.index) == [
        "price (lower is better)",
        "rating (higher is better)",
        "width (lower is better)",
        "drying",
        "color",
    ]
    # each row's winner is marked, the loser and rows without a winner are not; '' shows as a dash
    assert frame.loc["price (lower is better)"].tolist() == ["✓ $499.00", "$649.00"]
    assert frame.loc["rating (higher is better)"].tolist() == ["✓ 4.5/5", "4.1/5"]
    assert frame.loc["width (lower is better)"].tolist() == ["24 in", "✓ 18 in"]
    assert frame.loc["drying"].tolist() == ["heated dry", "—"]
    assert frame.loc["color"].tolist() == ["White", "White"]  # a tie: no winner, no direction
    assert any("✓ marks the better value" in c.value for c in at.caption)
    # the text and the cards (with reasons) are still there, and the table survives the next turn
    assert "The Quiet Dishwasher is cheaper." in _texts(at)
    assert "reason 1" in _texts(at) and "reason 2" in _texts(at)
    assert at.session_state["messages"][-1].comparison.rows == COMPARISON_ROWS
    ui_scripted_assistant.rows = None
    at.chat_input[0].set_value("thanks").run()
    assert not at.exception
    assert len(at.dataframe) == 1


def test_comparison_headers_stay_distinct_and_rows_tolerate_short_values(ui_scripted_assistant) -> None:
    # Stand-in: a row shorter than its products is a shape the core never sends; the duplicate title is
    # forced so that both edge cases meet in one table.
    twin = ProductCard(id="p3", title="Quiet Dishwasher", price=510.0)
    ui_scripted_assistant.cards = [*ui_scripted_assistant.cards, twin]
    ui_scripted_assistant.reasons = ["a", "b", "c"]
    ui_scripted_assistant.rows = [
        ComparisonRow(attribute="price", label="price", values=["$1", "$2"], winner=2)
    ]
    at = _app(ui_scripted_assistant)
    at.chat_input[0].set_value("compare all three").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["Quiet Dishwasher", "Compact Dishwasher", "Quiet Dishwasher (p3)"]
    assert frame.iloc[0].tolist() == ["$1", "$2", "✓ —"]


EVIL_TITLE = "[claim refund](https://evil.example)"
EVIL_BRAND = "**Acme** _deals_ $5 & $6"
EVIL_REASON = "Click [here](https://evil.example/r) **now** — www.evil.example"
EVIL_ANSWER = ["Costs $549.00 vs $469.00; ", "see ![x](https://evil.example/x.png) ", ":red[hurry] # now"]


def test_catalog_and_model_text_is_shown_literally(ui_scripted_assistant) -> None:
    # Stand-in: hostile text in every field at once, including ones the core refuses or rewrites
    # (``javascript:`` links fail the catalog's validator; the answer's claims are checked).
    ui_scripted_assistant.cards = [
        ProductCard(
            id="evil",
            title=EVIL_TITLE,
            brand=EVIL_BRAND,
            price=10.0,
            image_url="javascript:alert(1)",
            url="javascript:alert(1)",
        ),
        ProductCard(
            id="fine",
            title="Plain Kettle",
            brand="mail@evil.example",
            price=20.0,
            image_url="https://img.example/kettle.png",
            url="https://shop.example/kettle",
        ),
    ]
    ui_scripted_assistant.reasons = [EVIL_REASON, "_a_ `b`"]
    ui_scripted_assistant.tokens = EVIL_ANSWER
    ui_scripted_assistant.rows = [
        ComparisonRow(
            attribute="seller", label="[x](https://evil.example)", values=[EVIL_TITLE, "ok"], winner=0
        )
    ]
    at = _app(ui_scripted_assistant)
    at.chat_input[0].set_value("[me](https://evil.example) **bold**").run()
    assert not at.exception
    texts = _texts(at)
    # shown verbatim, as plain text: the shopper's message, the answer, the title and the reasons
    assert "[me](https://evil.example) **bold**" in texts
    assert "".join(EVIL_ANSWER) in texts
    assert EVIL_TITLE in texts and "Plain Kettle" in texts
    assert EVIL_REASON in texts and "_a_ `b`" in texts
    # nothing of it reaches Markdown unescaped: no link, image, emphasis, LaTeX or directive
    rendered = _markdown_like(at)
    assert not any("evil.example" in m for m in rendered), rendered
    assert not any(bad in m for m in rendered for bad in ("](", "**Acme**", "$5 &", ":red[")), rendered
    # the brand's Markdown is escaped in the caption; a brand holding an address is plain text
    assert any(r"\*\*Acme\*\* \_deals\_ \$5 \& \$6" in c.value for c in at.caption)
    assert any("mail@evil.example" in t for t in texts)
    # the comparison is a dataframe of plain strings (no Markdown at all)
    frame = at.dataframe[0].value
    assert list(frame.columns) == [EVIL_TITLE, "Plain Kettle"]
    assert frame.iloc[0].tolist() == [f"✓ {EVIL_TITLE}", "ok"]
    assert list(frame.index) == ["[x](https://evil.example)"]
    # only http(s) images and product links are used
    assert [url for image in at.get("image") for url in image.value] == ["https://img.example/kettle.png"]
    assert [b.proto.url for b in at.get("link_button")] == ["https://shop.example/kettle"]


def test_error_text_is_not_markdown(ui_fake_assistant) -> None:
    # Stand-in: the core never fails a turn with an LLM error (it degrades); the UI must show one safely.
    ui_fake_assistant.fail_after_products = LLMError("bad [link](https://evil.example) **x**")
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Something went wrong:"]
    assert any("bad [link](https://evil.example) **x**" in t for t in _texts(at))
    assert not any("evil.example" in m for m in _markdown_like(at))


def test_images_come_only_from_http_or_the_media_dir(
    ui_scripted_assistant, tmp_path: Path, monkeypatch
) -> None:
    # Stand-in: the UI's own guard, tested with image paths the catalog's validator already refuses
    # (file:, javascript:, paths outside the media dir): defence in depth the core cannot reach.
    from assistant.settings import get_settings

    media = tmp_path / "media"
    (media / "tents").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (4, 4)).save(media / "tents" / "a.png")
    (media / "tents" / "broken.png").write_bytes(b"not an image")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    monkeypatch.setenv("AISLE_MEDIA_DIR", str(media))
    get_settings.cache_clear()
    urls = [
        str(secret),
        "../secret.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "tents/a.png",
        "tents/none.png",
        "tents/broken.png",
    ]
    ui_scripted_assistant.cards = [
        ProductCard(id=f"p{i}", title=f"Item {i}", price=1.0, image_url=url) for i, url in enumerate(urls)
    ]
    ui_scripted_assistant.reasons = ["r"] * len(urls)
    try:
        at = _app(ui_scripted_assistant)
        at.chat_input[0].set_value("tents").run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    shown = [url for image in at.get("image") for url in image.value]
    assert len(shown) == 1 and "secret" not in shown[0], shown
    assert "(image unavailable)" in [c.value for c in at.caption]

"""The Streamlit chat under ``AppTest``: the in-process transport over a scripted fake assistant."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from ui_support import COMPARISON_ROWS

from assistant.errors import LLMError
from assistant.schemas import ComparisonRow, ProductCard
from retrieval.filters import Filters
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


def test_chat_flow_renders_text_cards_and_reasons(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    assert not at.exception
    at.chat_input[0].set_value("a quiet dishwasher").run()
    assert not at.exception
    assert ui_fake_assistant.requests[0].message == "a quiet dishwasher"
    texts = _texts(at)
    assert "Here are two quiet dishwashers." in texts
    assert "Quiet Dishwasher" in texts and "Compact Dishwasher" in texts
    assert "reason 1" in texts and "reason 2" in texts
    assert not at.dataframe  # no comparison on a search turn
    captions = [c.value for c in at.caption]
    # the price line is Markdown-escaped ("$" would start LaTeX); the browser shows "$499.00"
    assert any(r"\$499\.00" in c and "Hearthline" in c and r"★ 4\.5" in c for c in captions), captions
    assert any("scripted test assistant" in c for c in captions)
    assert at.session_state["session_id"] == "sess-new"


def test_follow_up_keeps_the_session(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    at.chat_input[0].set_value("cheaper").run()
    assert [r.session_id for r in ui_fake_assistant.requests] == [None, "sess-new"]
    assert [m.role for m in at.session_state["messages"]] == ["user", "assistant", "user", "assistant"]


def test_feedback_buttons_send_feedback(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    at.button(key="fb-turn-1-p2-not_interested").click().run()
    at.button(key="fb-turn-1-p1-thumbs_up").click().run()
    assert not at.exception
    got = [(f.product_id, f.kind, f.session_id, f.turn_id) for f in ui_fake_assistant.feedback]
    assert got == [("p2", "not_interested", "sess-new", "turn-1"), ("p1", "thumbs_up", "sess-new", "turn-1")]


def test_sidebar_shows_plan_filters_and_sends_edits(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    # the fake plan has no filters: nothing is sent back unchanged
    at.chat_input[0].set_value("more").run()
    assert ui_fake_assistant.requests[1].filters is None
    at.number_input(key="f_price_max").set_value(300.0).run()
    at.multiselect(key="f_brands").set_value(["Bosch"]).run()
    at.chat_input[0].set_value("again").run()
    assert ui_fake_assistant.requests[2].filters == Filters(price_max=300, brands=["bosch"])


def test_degraded_and_error_are_shown(ui_fake_assistant) -> None:
    ui_fake_assistant.degrade = True
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    assert any("explain fell back" in c.value for c in at.caption)
    ui_fake_assistant.fail_after_products = LLMError("backend down")
    at.chat_input[0].set_value("again").run()
    assert not at.exception
    assert any("backend down" in e.value for e in at.error)


def test_reset_starts_a_new_conversation(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    at.chat_input[0].set_value("dishwashers").run()
    at.sidebar.button[0].click().run()
    assert at.session_state["messages"] == [] and at.session_state["session_id"] is None


def test_comparison_is_a_side_by_side_table(ui_scripted_assistant) -> None:
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

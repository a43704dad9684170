"""The Streamlit chat under ``AppTest``: the in-process transport over a scripted fake assistant."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from assistant.errors import LLMError
from retrieval.filters import Filters
from ui.client import InProcessTransport

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def _app(assistant) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["transport"] = InProcessTransport(assistant)
    return at.run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_chat_flow_renders_text_cards_and_reasons(ui_fake_assistant) -> None:
    at = _app(ui_fake_assistant)
    assert not at.exception
    at.chat_input[0].set_value("a quiet dishwasher").run()
    assert not at.exception
    assert ui_fake_assistant.requests[0].message == "a quiet dishwasher"
    text = _markdown(at)
    assert "Here are two quiet dishwashers." in text
    assert "**Quiet Dishwasher**" in text and "**Compact Dishwasher**" in text
    assert "_reason 1_" in text and "_reason 2_" in text
    captions = [c.value for c in at.caption]
    assert any("$499.00" in c and "Hearthline" in c and "★ 4.5" in c for c in captions)
    assert any("fake: scripted test assistant" in c for c in captions)
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

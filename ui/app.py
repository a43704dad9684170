"""Aisle's Streamlit chat: renders the core's typed events and sends feedback; nothing else.

Run with ``aisle ui`` (or ``streamlit run ui/app.py``). With ``AISLE_API_URL`` set it talks to the
API over SSE, otherwise it runs the core in-process. Tests inject a transport through
``st.session_state["transport"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st
from pydantic import BaseModel, Field, ValidationError

from assistant.errors import AisleError
from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    FeedbackKind,
    FeedbackRequest,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    RecommendationsEvent,
    TokenEvent,
)
from assistant.settings import get_settings
from retrieval.filters import Filters
from ui.client import ChatTransport, make_transport

__all__ = ["ChatMessage", "main"]

_CARDS_PER_ROW = 3
_FEEDBACK_BUTTONS: tuple[tuple[FeedbackKind, str, str], ...] = (
    ("thumbs_up", "Like", ":material/thumb_up:"),
    ("thumbs_down", "Dislike", ":material/thumb_down:"),
    ("not_interested", "Not interested", ":material/block:"),
)
_NOTICE_CHARS = 200


class ChatMessage(BaseModel):
    """One rendered message of the conversation, as kept in the session state."""

    role: str
    content: str = ""
    turn_id: str = ""
    products: list[ProductCard] = Field(default_factory=list)
    reasons: dict[str, str] = Field(default_factory=dict)
    notices: list[str] = Field(default_factory=list)
    error: str | None = None


@st.cache_resource(show_spinner="Loading the catalog and the model…")
def _default_transport() -> ChatTransport:
    return make_transport(get_settings())


def _transport() -> ChatTransport:
    injected = st.session_state.get("transport")
    return injected if injected is not None else _default_transport()


def _state() -> None:
    ss = st.session_state
    ss.setdefault("messages", [])
    ss.setdefault("session_id", None)
    ss.setdefault("plan_filters", Filters())
    pending = ss.pop("pending_filters", None)
    if pending is not None:  # set widget values before the widgets are drawn this run
        ss["plan_filters"] = pending
        ss["f_price_min"] = pending.price_min
        ss["f_price_max"] = pending.price_max
        ss["f_brands"] = list(pending.brands)
        ss["f_colors"] = list(pending.colors)


def _reset() -> None:
    for key in (
        "messages",
        "session_id",
        "plan_filters",
        "f_price_min",
        "f_price_max",
        "f_brands",
        "f_colors",
    ):
        st.session_state.pop(key, None)


def _sidebar(transport: ChatTransport) -> Filters | None:
    """Draw the filters of the last plan (editable); return them when the shopper changed them."""
    ss = st.session_state
    with st.sidebar:
        st.header("Filters")
        st.caption("From your last request; edit them to refine the next one.")
        left, right = st.columns(2)
        left.number_input("Min price", min_value=0.0, value=None, step=10.0, key="f_price_min")
        right.number_input("Max price", min_value=0.0, value=None, step=10.0, key="f_price_max")
        st.multiselect("Brands", options=ss.get("f_brands", []), key="f_brands", accept_new_options=True)
        st.multiselect("Colors", options=ss.get("f_colors", []), key="f_colors", accept_new_options=True)
        st.divider()
        st.button("New conversation", on_click=_reset, icon=":material/restart_alt:")
        st.caption(f"LLM: {transport.llm_description()}")
        if ss.session_id:
            st.caption(f"Session: `{ss.session_id}`")
    plan: Filters = ss.plan_filters
    try:
        edited = plan.model_copy(
            update={
                "price_min": ss.get("f_price_min"),
                "price_max": ss.get("f_price_max"),
                "brands": list(ss.get("f_brands") or []),
                "colors": list(ss.get("f_colors") or []),
            }
        )
        edited = Filters.model_validate(edited.model_dump())
    except ValidationError as exc:
        st.sidebar.warning(f"Filters ignored: {exc.errors()[0]['msg']}")
        return None
    return None if edited == plan else edited


def _send_feedback(transport: ChatTransport, product_id: str, kind: FeedbackKind, turn_id: str) -> None:
    request = FeedbackRequest(
        product_id=product_id, kind=kind, session_id=st.session_state.session_id, turn_id=turn_id or None
    )
    try:
        transport.feedback(request)
    except AisleError as exc:
        st.toast(f"Feedback not recorded: {exc}")
        return
    st.session_state.setdefault("feedback_sent", []).append(f"{kind}:{product_id}")
    st.toast("Thanks — noted." if kind != "not_interested" else "Got it, we'll show less like this.")


def _price(card: ProductCard) -> str:
    if card.price is None:
        return "price n/a"
    return f"${card.price:,.2f}" if card.currency == "USD" else f"{card.price:,.2f} {card.currency}"


def _cards(
    products: list[ProductCard],
    reasons: dict[str, str],
    *,
    transport: ChatTransport | None = None,
    turn_id: str = "",
) -> None:
    """Product cards; with a ``transport``, each gets feedback buttons."""
    for start in range(0, len(products), _CARDS_PER_ROW):
        columns = st.columns(_CARDS_PER_ROW)
        for column, card in zip(columns, products[start : start + _CARDS_PER_ROW], strict=False):
            with column.container(border=True, key=f"card-{turn_id}-{card.id}-{transport is not None}"):
                if card.image_url:
                    st.image(card.image_url, width="stretch")
                title = f"[{card.title}]({card.url})" if card.url else card.title
                st.markdown(f"**{title}**")
                bits = [_price(card)]
                if card.brand:
                    bits.append(card.brand)
                if card.rating is not None:
                    count = f" ({card.rating_count:,})" if card.rating_count else ""
                    bits.append(f"★ {card.rating:.1f}{count}")
                st.caption(" · ".join(bits))
                if card.id in reasons:
                    st.markdown(f"_{reasons[card.id]}_")
                if transport is not None:
                    with st.container(horizontal=True, gap="small"):
                        for kind, label, icon in _FEEDBACK_BUTTONS:
                            st.button(
                                label,
                                icon=icon,
                                key=f"fb-{turn_id}-{card.id}-{kind}",
                                on_click=_send_feedback,
                                args=(transport, card.id, kind, turn_id),
                            )


def _notice(event: DegradedEvent) -> str:
    reason = event.reason if len(event.reason) <= _NOTICE_CHARS else event.reason[: _NOTICE_CHARS - 1] + "…"
    return f"{event.stage} fell back: {reason}"


def _render(message: ChatMessage, transport: ChatTransport) -> None:
    with st.chat_message(message.role):
        if message.content:
            st.markdown(message.content)
        for notice in message.notices:
            st.caption(f"⚠️ {notice}")
        if message.error:
            st.error(message.error)
        if message.products:
            _cards(message.products, message.reasons, transport=transport, turn_id=message.turn_id)


def _turn(transport: ChatTransport, prompt: str, filters: Filters | None) -> ChatMessage:
    """Stream one turn into the page: cards as soon as ``products`` arrives, then the text."""
    ss = st.session_state
    reply = ChatMessage(role="assistant")
    request = ChatRequest(message=prompt, session_id=ss.session_id, filters=filters)
    with st.chat_message("assistant"):
        cards = st.empty()
        notices = st.container()

        def tokens(events: Iterator[ChatEvent]) -> Iterator[str]:
            for event in events:
                ss.session_id = event.session_id
                reply.turn_id = event.turn_id
                if isinstance(event, PlanEvent):
                    ss.pending_filters = event.plan.filters
                elif isinstance(event, ProductsEvent):
                    reply.products = event.products
                    with cards.container():
                        _cards(reply.products, {}, turn_id=reply.turn_id)
                elif isinstance(event, TokenEvent):
                    yield event.text
                elif isinstance(event, RecommendationsEvent):
                    reply.products = [r.product for r in event.recommendations] or reply.products
                    reply.reasons = {r.product.id: r.reason for r in event.recommendations}
                elif isinstance(event, DegradedEvent):
                    notice = _notice(event)
                    reply.notices.append(notice)
                    notices.caption(f"⚠️ {notice}")
                elif isinstance(event, ErrorEvent):
                    reply.error = f"{event.code}: {event.message}"
                elif isinstance(event, DoneEvent):
                    reply.content = event.message

        try:
            streamed = st.write_stream(tokens(transport.chat(request)))
        except AisleError as exc:
            reply.error = str(exc)
            streamed = ""
        reply.content = reply.content or (streamed if isinstance(streamed, str) else "")
    return reply


def main() -> None:
    st.set_page_config(page_title="Aisle", page_icon="🛒", layout="wide")
    _state()
    transport = _transport()
    edited = _sidebar(transport)
    st.title("Aisle")
    st.caption("Tell me what you're shopping for — budget, brand, colour, what matters to you.")
    for message in st.session_state.messages:
        _render(message, transport)
    prompt = st.chat_input("What are you shopping for?", max_chars=4000)
    if prompt:
        user = ChatMessage(role="user", content=prompt)
        st.session_state.messages.append(user)
        _render(user, transport)
        st.session_state.messages.append(_turn(transport, prompt, edited))
        st.rerun()  # redraw the sidebar with the new plan's filters and the cards with buttons


if __name__ == "__main__":
    main()

"""Aisle's Streamlit chat: renders the core's typed events and sends feedback; nothing else.

Run with ``aisle ui`` (or ``streamlit run ui/app.py``). With ``AISLE_API_URL`` set it talks to the
API over SSE, otherwise it runs the core in-process. Tests inject a transport through
``st.session_state["transport"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st
from pydantic import BaseModel, Field, ValidationError

from assistant.errors import AisleError
from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    ComparisonEvent,
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
from retrieval.markup import is_media_path
from ui.client import ChatTransport, make_transport

__all__ = ["ChatMessage", "main"]

_CARDS_PER_ROW = 3
_FEEDBACK_BUTTONS: tuple[tuple[FeedbackKind, str, str], ...] = (
    ("thumbs_up", "Like", ":material/thumb_up:"),
    ("thumbs_down", "Dislike", ":material/thumb_down:"),
    ("not_interested", "Not interested", ":material/block:"),
)
_NOTICE_CHARS = 200
_WINNER = "✓ "
# Markdown (and Streamlit's extensions: LaTeX ``$``, ``:color[…]``) treats these as syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
# GitHub-flavoured autolinks survive backslash escapes: such text is never given to Markdown.
_AUTOLINK = re.compile(r"://|www\.|@", re.IGNORECASE)


class ChatMessage(BaseModel):
    """One rendered message of the conversation, as kept in the session state."""

    role: str
    content: str = ""
    turn_id: str = ""
    products: list[ProductCard] = Field(default_factory=list)
    reasons: dict[str, str] = Field(default_factory=dict)
    comparison: ComparisonEvent | None = None
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
        _caption(f"LLM: {transport.llm_description()}")
        if ss.session_id:
            _caption(f"Session: {ss.session_id}")
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


def _escape_markdown(text: str) -> str:
    """``text`` with every Markdown special character backslash-escaped (shown literally)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _caption(text: str) -> None:
    """Small print for text that may carry catalog or model words: never live Markdown or links."""
    if _AUTOLINK.search(text):
        st.text(text)  # a URL or e-mail address would be autolinked even when escaped
    else:
        st.caption(_escape_markdown(text))


def _http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else ``None`` (no ``javascript:``, ``data:``, paths)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _image(url: str | None, media_dir: Path | None) -> str | None:
    """What ``st.image`` may show: an http(s) URL, or a relative path that resolves to a file inside
    the configured media dir (``AISLE_MEDIA_DIR``); never another file of this machine."""
    if not url:
        return None
    if _http_url(url):
        return _http_url(url)
    if media_dir is None or not is_media_path(url):
        return None
    root = media_dir.resolve()
    path = (root / url).resolve()
    return str(path) if path.is_relative_to(root) and path.is_file() else None


def _error(text: str) -> None:
    """An error box whose words are plain text (an address in them would be autolinked)."""
    if _AUTOLINK.search(text):
        st.error("Something went wrong:")
        st.text(text)
    else:
        st.error(_escape_markdown(text))


def _cards(
    products: list[ProductCard],
    reasons: dict[str, str],
    *,
    transport: ChatTransport | None = None,
    turn_id: str = "",
) -> None:
    """Product cards; with a ``transport``, each gets feedback buttons.

    Titles, brands and reasons are catalog or model text: they are drawn as plain text, never as
    Markdown (a seller's ``[claim refund](https://…)`` must not become a link).
    """
    live = transport is not None
    for start in range(0, len(products), _CARDS_PER_ROW):
        columns = st.columns(_CARDS_PER_ROW)
        for column, card in zip(columns, products[start : start + _CARDS_PER_ROW], strict=False):
            with column.container(border=True, key=f"card-{turn_id}-{card.id}-{live}"):
                image = _image(card.image_url, get_settings().media_dir)
                if image:
                    try:
                        st.image(image, width="stretch")
                    except (OSError, ValueError):  # a media-dir file that is not an image
                        st.caption("(image unavailable)")
                st.text(card.title)
                bits = [_price(card)]
                if card.brand:
                    bits.append(card.brand)
                if card.rating is not None:
                    count = f" ({card.rating_count:,})" if card.rating_count else ""
                    bits.append(f"★ {card.rating:.1f}{count}")
                _caption(" · ".join(bits))
                if reasons.get(card.id):
                    st.text(reasons[card.id])
                url = _http_url(card.url)
                if url or transport is not None:
                    with st.container(horizontal=True, gap="small"):
                        if url:
                            st.link_button(
                                "View",
                                url,
                                icon=":material/open_in_new:",
                                key=f"link-{turn_id}-{card.id}-{live}",
                            )
                        for kind, label, icon in _FEEDBACK_BUTTONS if transport is not None else ():
                            st.button(
                                label,
                                icon=icon,
                                key=f"fb-{turn_id}-{card.id}-{kind}",
                                on_click=_send_feedback,
                                args=(transport, card.id, kind, turn_id),
                            )


def _comparison_frame(comparison: ComparisonEvent) -> pd.DataFrame:
    """One column per compared product, one row per attribute; each row's winner is marked ``✓``.

    Cells are plain strings, drawn by ``st.dataframe`` (no Markdown), so seller text stays text.
    """
    columns: list[str] = []
    for card in comparison.products:
        name = card.title.strip() or card.id
        while name in columns:  # the table needs distinct headers
            name = f"{name} ({card.id})" if card.id not in name else f"{name}*"
        columns.append(name)
    data: dict[str, list[str]] = {name: [] for name in columns}
    labels: list[str] = []
    for row in comparison.rows:
        label = row.label or row.attribute
        labels.append(f"{label} ({row.better} is better)" if row.better and row.winner is not None else label)
        for i, name in enumerate(columns):
            value = row.values[i] if i < len(row.values) else ""
            value = value or "—"
            data[name].append(f"{_WINNER}{value}" if row.winner == i else value)
    return pd.DataFrame(data, index=pd.Index(labels, name="Attribute"), columns=columns)


def _comparison(comparison: ComparisonEvent, turn_id: str) -> None:
    if not comparison.products or not comparison.rows:
        return
    with st.container(key=f"comparison-{turn_id}" if turn_id else None):
        st.dataframe(_comparison_frame(comparison), width="stretch", height="content")
        st.caption(f"{_WINNER}marks the better value of each row.")


def _notice(event: DegradedEvent) -> str:
    reason = event.reason if len(event.reason) <= _NOTICE_CHARS else event.reason[: _NOTICE_CHARS - 1] + "…"
    return f"{event.stage} fell back: {reason}"


def _text(message: ChatMessage) -> None:
    """The message's words as plain text (model and shopper text is never Markdown)."""
    if not message.content:
        return
    if message.role == "assistant" and message.turn_id:
        with st.container(key=f"answer-{message.turn_id}"):
            st.text(message.content)
    else:
        st.text(message.content)


def _render(message: ChatMessage, transport: ChatTransport) -> None:
    with st.chat_message(message.role):
        _text(message)
        for notice in message.notices:
            _caption(f"⚠️ {notice}")
        if message.error:
            _error(message.error)
        if message.comparison is not None:
            _comparison(message.comparison, message.turn_id)
        if message.products:
            _cards(message.products, message.reasons, transport=transport, turn_id=message.turn_id)


def _turn(transport: ChatTransport, prompt: str, filters: Filters | None) -> ChatMessage:
    """Stream one turn into the page: cards as soon as ``products`` arrives, then the text."""
    ss = st.session_state
    reply = ChatMessage(role="assistant")
    request = ChatRequest(message=prompt, session_id=ss.session_id, filters=filters)
    with st.chat_message("assistant"):
        comparison = st.empty()
        cards = st.empty()
        notices = st.container()
        answer = st.empty()

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
                elif isinstance(event, ComparisonEvent):
                    reply.comparison = event
                    with comparison.container():
                        _comparison(event, "")
                elif isinstance(event, TokenEvent):
                    yield event.text
                elif isinstance(event, RecommendationsEvent):
                    reply.products = [r.product for r in event.recommendations] or reply.products
                    reply.reasons = {r.product.id: r.reason for r in event.recommendations}
                elif isinstance(event, DegradedEvent):
                    notice = _notice(event)
                    reply.notices.append(notice)
                    with notices:
                        _caption(f"⚠️ {notice}")
                elif isinstance(event, ErrorEvent):
                    reply.error = f"{event.code}: {event.message}"
                elif isinstance(event, DoneEvent):
                    reply.content = event.message

        streamed: list[str] = []
        try:
            for text in tokens(transport.chat(request)):
                streamed.append(text)
                answer.text("".join(streamed))  # plain text, streamed as it arrives
        except AisleError as exc:
            reply.error = str(exc)
        reply.content = reply.content or "".join(streamed)
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

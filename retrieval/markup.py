"""Seller text is data: markup, links and invisible characters are taken out of it at ingest.

* :func:`plain_text` — what a product's title, brand, description, bullets, category names and
  attributes are stored as: HTML tags dropped (script/style with their content, entities decoded;
  stdlib :mod:`html.parser`), Markdown links, images, autolinks and inline HTML dropped (the link's
  words kept, its target and any image gone; parsed by ``markdown-it-py``), bare URLs removed, and
  control, zero-width and bidi-override characters (Unicode ``Cc``/``Cf``) deleted. Idempotent.
* :func:`link_problem` — why a ``url`` (http/https only) or ``image_url`` (http/https, or a
  relative path inside the configured media dir) cannot be kept; the loaders drop such a link with
  a row warning and keep the product.
* :func:`html_to_text` — HTML (a Shopify ``Body (HTML)``) as text with its list items.

Nothing here renders: the UI and CLI still draw every field as plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import regex
from markdown_it import MarkdownIt

__all__ = ["html_to_text", "is_media_path", "link_problem", "plain_line", "plain_text"]

_MAX_PASSES = 4
# Anything that could be markup, a link or an entity; text without these is only cleaned of characters.
_MAYBE_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!]|\[[^\]\n]*\]|&#?\w+;|://|www\.|(?:mailto|javascript|data|vbscript|file):",
    re.IGNORECASE,
)
_SCHEMES = ("mailto:", "script:", "data:", "file:")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
# Bare links a Markdown renderer (GFM autolinks) would make live, and script-like schemes.
_BARE_URL = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|javascript|vbscript|data|file):)[^\s<>\"'`]*",
    re.IGNORECASE,
)
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_INVISIBLE = regex.compile(r"[[\p{Cc}\p{Cf}\p{Co}\p{Cs}]--[\t\n]]", regex.V1)
_SPACE_OR_INVISIBLE = regex.compile(r"[\s\p{Cc}\p{Cf}\p{Co}\p{Cs}]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}


def _visible(text: str) -> str:
    """``text`` without control (``Cc``, except tab and newline) and format (``Cf``: zero-width,
    bidi embeddings/overrides/isolates, soft hyphen, tag characters) characters."""
    if text.isascii():
        if text.isprintable() or not _ASCII_CONTROL.search(text):
            return text
        return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ASCII_CONTROLS)
    for old, new in _LINE_BREAKS.items():
        if old in text:
            text = text.replace(old, new)
    return _INVISIBLE.sub("", text)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": True}).enable(["link", "image", "autolink", "html_inline", "entity"])
    # parse (and so drop) every link, "javascript:" ones included
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _without_markdown(text: str) -> str:
    """The words of ``text`` with Markdown links kept as their words, images, autolinks and inline
    HTML dropped, and entities decoded."""
    out: list[str] = []
    for line in text.split("\n"):
        tokens = _markdown().parseInline(line)
        children = tokens[0].children if tokens and tokens[0].children else []
        autolink = False
        for token in children:
            if token.type == "link_open":
                autolink = token.markup in ("autolink", "linkify")
            elif token.type == "link_close":
                autolink = False
            elif token.type in ("text", "text_special") and not autolink:
                out.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                out.append("\n")
        out.append("\n")
    return "".join(out)[:-1]


def _clean_once(text: str) -> str:
    if _HTML_TAG.search(text):
        text = html_to_text(text)[0]
    text = _without_markdown(text)
    return _BARE_URL.sub("", text)


def _maybe_markup(text: str) -> bool:
    cheap = (
        "<" in text
        or "[" in text
        or "&" in text
        or "://" in text
        or "ww." in text
        or "WW." in text
        or (":" in text and any(scheme in text.lower() for scheme in _SCHEMES))
    )
    return cheap and _MAYBE_MARKUP.search(text) is not None


def _tidy_spaces(line: str) -> str:
    if "  " in line or "\t" in line or "\xa0" in line:
        return _SPACES.sub(" ", line).strip()
    return line.strip()


def plain_text(value: str) -> str:
    """Seller text as plain words (line breaks kept, runs of spaces collapsed); see the module doc."""
    text = _visible(value)
    for _ in range(_MAX_PASSES):
        if not _maybe_markup(text):
            break
        cleaned = _visible(_clean_once(text))
        if cleaned == text:
            break
        text = cleaned
    if "\n" not in text:
        return _tidy_spaces(text)
    lines = (_tidy_spaces(line) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_line(value: str) -> str:
    """:func:`plain_text` on one line (titles, names, attribute values)."""
    text = plain_text(value)
    return " ".join(text.split()) if "\n" in text or "  " in text else text


# --- links ---------------------------------------------------------------------------------------

_MEDIA_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"})
_MEDIA_PATH = re.compile(r"^[\w][\w./-]*$")


def is_media_path(value: str) -> bool:
    """A relative image path that stays inside a media dir: ``tents/alpine-2.jpg``."""
    if not _MEDIA_PATH.match(value) or "//" in value:
        return False
    path = PurePosixPath(value)
    return ".." not in path.parts and path.suffix.lower() in _MEDIA_SUFFIXES


def link_problem(value: str, *, image: bool) -> str | None:
    """``None`` when ``value`` may be kept as a product's link (``image``: its picture), else why not.

    Links must be absolute ``http``/``https`` URLs with a host and no user part
    (``https://shop.example@evil.example`` is refused); a picture may also be a relative path in
    the configured media dir (:func:`is_media_path`).
    """
    text = value.strip()
    if image and is_media_path(text):
        return None
    if _SPACE_OR_INVISIBLE.search(text):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        kind = "an http(s) URL or a relative path in the media dir" if image else "an http(s) URL"
        return f"must be {kind}"
    if not parts.hostname:
        return "has no host"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password"
    return None


# --- HTML → text -------------------------------------------------------------------------------

_BLOCK = {"p", "div", "section", "article", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "header", "footer"}  # fmt: skip
_SKIP = {"script", "style", "template", "head", "noscript", "iframe", "object", "svg"}


class _TextExtractor(HTMLParser):
    """Collects paragraphs (``<br>`` = a line break inside one) and list items (one block per list)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.items: list[str] = []
        self._text: list[str] = []
        self._list: list[str] = []
        self._in_item = False
        self._skip_depth = 0

    def _flush_text(self) -> None:
        lines = (" ".join(part.split()) for part in "".join(self._text).split("\n"))
        text = "\n".join(line for line in lines if line)
        self._text = []
        if not text:
            return
        if self._in_item:
            self.items.append(text)
            self._list.append(f"- {text}")
        else:
            self._flush_list()
            self.blocks.append(text)

    def _flush_list(self) -> None:
        if self._list:
            self.blocks.append("\n".join(self._list))
            self._list = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self._text.append("\n")
        elif tag == "li":
            self._flush_text()
            self._in_item = True
        elif tag in _BLOCK:
            self._flush_text()
        elif tag in {"td", "th"}:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "li":
            self._flush_text()
            self._in_item = False
        elif tag in {"ul", "ol"}:
            self._flush_text()
            self._in_item = False
            self._flush_list()
        elif tag in _BLOCK:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._text.append(data)

    def finish(self) -> tuple[str, list[str]]:
        self.close()
        self._flush_text()
        self._flush_list()
        return "\n\n".join(self.blocks), self.items


def html_to_text(html: str) -> tuple[str, list[str]]:
    """``(text, list items)`` from HTML: blank lines between paragraphs, one line per list item
    (``- item``), ``<br>`` as a line break, entities unescaped, tags, scripts and styles dropped."""
    parser = _TextExtractor()
    parser.feed(html)
    return parser.finish()

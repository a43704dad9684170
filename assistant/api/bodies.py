"""Request bodies are JSON, read strictly: what Python's ``json`` module lets through is refused here.

``json.loads`` accepts ``NaN``, ``Infinity``, ``1e400`` (→ infinity), lone UTF-16 surrogates
(``"\\ud800"``, and raw CESU-8 bytes when given ``bytes``) and any nesting depth up to a
``RecursionError``. Each of those later broke something (an error response that could not be encoded,
a SQLite write, a validator recursing) and came back as a 500. :class:`JSONBodyRoute` parses bodies
with :func:`parse_json_body` instead, so they become a 422 that names the problem, and a body sent
with another content type gets a 415 that says which header to send.

Use it as ``APIRouter(route_class=JSONBodyRoute)``.
"""

from __future__ import annotations

import email.message
import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

__all__ = ["MAX_JSON_DEPTH", "JSONBodyRoute", "parse_json_body"]

MAX_JSON_DEPTH = 64
"""Arrays and objects nested deeper than this are refused (Aisle's own bodies need fewer than 10)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is too large for a 64-bit float; send a finite number")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not JSON; send a finite number")


def _check_shape(value: Any) -> None:
    """Depth at most :data:`MAX_JSON_DEPTH`; no lone surrogate in any string (keys included)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise _Refused("a string holds a lone UTF-16 surrogate (e.g. \\ud800), which is not text")
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _Refused(f"arrays/objects are nested more than {MAX_JSON_DEPTH} deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def parse_json_body(body: bytes) -> Any:
    """``body`` as JSON, or :class:`json.JSONDecodeError` saying why not (FastAPI turns it into a 422)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not valid UTF-8", "", exc.start) from None
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_constant)
        _check_shape(value)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError(
            f"arrays/objects are nested more than {MAX_JSON_DEPTH} deep", "", 0
        ) from None
    except ValueError as exc:  # _Refused, or an integer with more digits than Python converts
        raise json.JSONDecodeError(str(exc), "", 0) from None
    return value


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_body(await self.body())
        return self._json


def _is_json(content_type: str) -> bool:
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _unsupported(content_type: str | None) -> JSONResponse:
    got = f"'{content_type[:100]}'" if content_type else "none"
    return JSONResponse(
        {
            "detail": "the request body must be JSON: send the header 'Content-Type: application/json' "
            f"(got {got}; with curl: -H 'Content-Type: application/json')"
        },
        status_code=415,
    )


class JSONBodyRoute(APIRoute):
    """A route whose body, if it takes one, is JSON parsed by :func:`parse_json_body`.

    A non-empty body without a JSON content type gets a 415 (FastAPI would validate the raw bytes and
    answer with a puzzling 422). Browsers may send form-encoded or ``text/plain`` bodies cross-origin
    without a CORS preflight; reading those as JSON would open every route to cross-site requests.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None

        async def strict_handler(request: Request) -> Response:
            strict = _StrictJSONRequest(request.scope, request.receive)
            if takes_body:
                content_type = strict.headers.get("content-type")
                if not (content_type and _is_json(content_type)) and await strict.body():
                    return _unsupported(content_type)
            return await handler(strict)

        return strict_handler

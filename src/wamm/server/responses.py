"""JSON responses encoded with msgspec, and Graph error rendering."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from wamm.core.errors import GraphError
from wamm.core.ids import fbtrace_id
from wamm.core.versions import LATEST_API_VERSION
from wamm.server.graph_headers import Headers, graph_headers

_encode = msgspec.json.Encoder().encode


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _encode(content)


def error_response(error: GraphError) -> Response:
    status, body, headers = error_parts(error)
    response = Response(body, status_code=status, media_type="application/json")
    response.raw_headers.extend(headers)
    return response


INTERNAL_ERROR = GraphError(
    1, message="An unknown error occurred", with_error_data=False, http_status=500
)


def internal_error() -> Response:
    return error_response(INTERNAL_ERROR)


async def send_json(send: Any, status: int, body: bytes, headers: Headers) -> None:
    """Answer a raw ASGI request with a JSON body."""
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


_UNAUTHORIZED = (b"www-authenticate", b'OAuth "Facebook Platform"')


def error_parts(
    error: GraphError, version: int = LATEST_API_VERSION, usage: bytes | None = None
) -> tuple[int, bytes, Headers]:
    """Status, body and headers of a Graph error answer."""
    trace = fbtrace_id()
    headers = graph_headers(version, usage, trace)
    if error.http_status == 401:
        headers.append(_UNAUTHORIZED)
    return error.http_status, _encode(error.body(trace)), headers


def encode(content: Any) -> bytes:
    return _encode(content)

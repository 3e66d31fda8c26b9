"""JSON responses encoded with msgspec, and Graph error rendering."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from wamm.core.errors import GraphError
from wamm.core.ids import fbtrace_id

_encode = msgspec.json.Encoder().encode


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _encode(content)


def error_response(error: GraphError) -> Response:
    status, body, headers = error_parts(error)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


INTERNAL_ERROR = GraphError(
    1, message="An unknown error occurred", with_error_data=False, http_status=500
)


def internal_error() -> Response:
    return error_response(INTERNAL_ERROR)


async def send_json(send: Any, status: int, body: bytes, headers: dict[str, str]) -> None:
    """Answer a raw ASGI request with a JSON body."""
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def error_parts(error: GraphError) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers of a Graph error answer."""
    trace = fbtrace_id()
    headers = {"x-fb-trace-id": trace}
    if error.http_status == 401:
        headers["www-authenticate"] = 'OAuth "Facebook Platform"'
    return error.http_status, _encode(error.body(trace)), headers


def encode(content: Any) -> bytes:
    return _encode(content)

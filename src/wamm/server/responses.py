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


def error_response(error: GraphError) -> JSONResponse:
    trace = fbtrace_id()
    return JSONResponse(
        error.body(trace),
        status_code=error.http_status,
        headers={"x-fb-trace-id": trace, "www-authenticate": 'OAuth "Facebook Platform"'}
        if error.http_status == 401
        else {"x-fb-trace-id": trace},
    )


def internal_error() -> JSONResponse:
    return error_response(
        GraphError(1, message="An unknown error occurred", with_error_data=False, http_status=500)
    )

"""The headers Graph puts on every answer, success or error: `x-fb-trace-id` and
`x-fb-request-id` (fresh per request; on an error both are the body's `fbtrace_id`),
`facebook-api-version` (the version the request used), and `x-business-use-case-usage` on
answers about a WABA (see core/business_use_case.py).

Built as raw ASGI header pairs: they go on every send, so nothing here is computed twice.
"""

from __future__ import annotations

import functools

from wamm.core.business_use_case import HEADER as USAGE_HEADER
from wamm.core.ids import fbtrace_id

Headers = list[tuple[bytes, bytes]]

TRACE_ID = b"x-fb-trace-id"
REQUEST_ID = b"x-fb-request-id"


@functools.cache
def version_header(version: int) -> tuple[bytes, bytes]:
    """`facebook-api-version: vNN.0` (Graph versions have no minor releases)."""
    return b"facebook-api-version", b"v%d.0" % version


def graph_headers(version: int, usage: bytes | None, trace: str | None = None) -> Headers:
    """The Graph headers of one answer; `trace` is an error's `fbtrace_id`."""
    if trace is None:
        headers = [(TRACE_ID, fbtrace_id().encode()), (REQUEST_ID, fbtrace_id().encode())]
    else:
        headers = [(TRACE_ID, trace.encode()), (REQUEST_ID, trace.encode())]
    headers.append(version_header(version))
    if usage is not None:
        headers.append((USAGE_HEADER, usage))
    return headers

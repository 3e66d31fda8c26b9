"""Reading Graph requests: bodies over the cap are refused before they are read whole, and
long paths are not remembered."""

from __future__ import annotations

from typing import Any

import pytest

from wamm.core.errors import GraphError
from wamm.server.request import RawRequest
from wamm.server.routes import graph


def request_of(chunks: list[bytes], headers: dict[str, str]) -> tuple[RawRequest, list[bytes]]:
    """A request whose body arrives in `chunks`, and the list of the chunks not read yet."""
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": pending.pop(0), "more_body": bool(pending)}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/x",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    return RawRequest.from_scope(scope, receive), pending


async def test_a_declared_length_over_the_cap_is_refused_unread() -> None:
    request, pending = request_of([b"x" * 10, b"x" * 10], {"content-length": "20"})
    with pytest.raises(GraphError) as refused:
        await request.body(limit=16)
    assert (refused.value.http_status, refused.value.details) == (
        413,
        "The request body is larger than 16 bytes.",
    )
    assert len(pending) == 2


async def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_cap() -> None:
    request, pending = request_of([b"x" * 10] * 5, {})
    with pytest.raises(GraphError):
        await request.body(limit=16)
    assert len(pending) == 3


async def test_a_body_within_the_cap_is_read_whole() -> None:
    request, _ = request_of([b"ab", b"cd"], {"content-length": "4"})
    assert await request.body(limit=4) == b"abcd"


def test_long_paths_are_split_but_not_cached() -> None:
    graph._split_cached.cache_clear()
    long_path = "/v23.0/" + "1" * 300
    assert graph.split_path(long_path) == (23, ("1" * 300,))
    assert graph.split_path("/v23.0/123/messages") == (23, ("123", "messages"))
    assert graph._split_cached.cache_info().currsize == 1

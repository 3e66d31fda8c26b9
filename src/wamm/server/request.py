"""Decoding Graph requests: token, body (JSON, form or multipart) and query, with size limits.

Graph requests are read straight from the ASGI scope (`RawRequest`): the send path is hot, and
Starlette's request object costs more than everything these few fields need.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request

from wamm.core.coerce import type_name
from wamm.core.errors import GraphError, invalid_parameter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
MAX_BODY_BYTES = 4 * 1024 * 1024
_json = msgspec.json.Decoder()


@dataclass
class RawRequest:
    """What a Graph handler needs of an ASGI request."""

    scope: Scope
    receive: Receive
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_scope(cls, scope: Scope, receive: Receive) -> RawRequest:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        raw_query = scope.get("query_string", b"")
        query = (
            dict(parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True))
            if raw_query
            else {}
        )
        return cls(scope, receive, headers, query)

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    def url(self) -> str:
        """This request's absolute URL without the query string."""
        host = self.headers.get("host") or "{}:{}".format(*self.scope.get("server") or ("", ""))
        return (
            f"{self.scope.get('scheme', 'http')}://{host}{self.scope.get('root_path', '')}"
            f"{self.path}"
        )

    async def body(self, limit: int = MAX_BODY_BYTES) -> bytes:
        declared = self.headers.get("content-length")
        first = await self.receive()
        if first["type"] == "http.request" and not first.get("more_body", False):
            body: bytes = first.get("body", b"")  # the usual case: one message
            if len(body) > limit:
                raise _too_large(limit)
            return body
        return await collect(self._rest(first), declared, limit)

    async def _rest(self, first: Message) -> AsyncIterator[bytes]:
        yield first.get("body", b"")
        if first.get("more_body", False):
            async for chunk in self.chunks():
                yield chunk

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise _disconnected()
            yield message.get("body", b"")
            if not message.get("more_body", False):
                return


def bearer_token(headers: dict[str, str], query: dict[str, str]) -> str | None:
    """The access token from `Authorization: Bearer|OAuth <t>` or `access_token=`."""
    header = headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in {"bearer", "oauth"} and value.strip():
            return value.strip()
    return query.get("access_token")


async def collect(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """A whole body, refusing (413) anything over `limit` bytes before reading it all."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body of a control-API request (a Starlette request)."""
    try:
        return await collect(request.stream(), request.headers.get("content-length"), limit)
    except ClientDisconnect:
        raise _disconnected() from None


def _disconnected() -> GraphError:
    """A body cut short: the client closed the connection, or wamm did (--request-timeout).
    A truncated body is never decoded, lest half a form be taken for a whole one."""
    return invalid_parameter("The connection closed before the whole request body arrived.")


def _too_large(limit: int) -> GraphError:
    return GraphError(100, f"The request body is larger than {limit} bytes.", http_status=413)


def _maybe_json(value: str) -> Any:
    """Graph form parameters may carry JSON objects and arrays as text."""
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return value
    return value


def media_type(headers: Mapping[str, str]) -> str:
    """The Content-Type without its parameters, in lower case ("" when absent)."""
    return headers.get("content-type", "").split(";")[0].strip().lower()


def is_json_type(media: str) -> bool:
    return media in ("application/json", "text/json") or media.endswith("+json")


def decode_json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = _json.decode(raw)
    except msgspec.DecodeError as exc:
        raise invalid_parameter(f"The request body is not valid JSON: {exc}.") from None
    except RecursionError:
        raise invalid_parameter("The request body is not valid JSON: nested too deeply.") from None
    if not isinstance(data, dict):
        raise invalid_parameter(f"The request body must be a JSON object, got {type_name(data)}.")
    return data


async def read_params(request: RawRequest) -> dict[str, Any]:
    """Query string and body merged into one parameter map (body wins, token removed)."""
    params: dict[str, Any] = {k: _maybe_json(v) for k, v in request.query.items()}
    params.pop("access_token", None)
    if request.method == "GET":
        return params
    raw = await request.body()
    if not raw.strip():
        return params
    content_type = media_type(request.headers)
    if content_type == "application/x-www-form-urlencoded":
        body = {
            k: _maybe_json(v)
            for k, v in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        }
    elif content_type == "multipart/form-data":
        body = await _multipart(request, raw)
    elif content_type == "" or is_json_type(content_type):
        body = decode_json_object(raw)
    else:
        raise invalid_parameter(
            f"Unsupported Content-Type '{content_type}': send application/json, "
            "application/x-www-form-urlencoded or multipart/form-data."
        )
    body.pop("access_token", None)
    params.update(body)
    return params


async def _multipart(request: RawRequest, raw: bytes) -> dict[str, Any]:
    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    try:
        form = await Request(request.scope, replay).form()
    except MultiPartException as exc:
        details = f"The multipart/form-data body is malformed: {exc.message}"
        raise invalid_parameter(details) from None
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        out[key] = value if isinstance(value, UploadFile) else _maybe_json(value)
    return out

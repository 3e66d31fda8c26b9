"""Decoding Graph requests: token, body (JSON, form or multipart) and query, with size limits.

Graph requests are read straight from the ASGI scope (`RawRequest`): the send path is hot, and
Starlette's request object costs more than everything these few fields need.
"""

from __future__ import annotations

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
from wamm.core.media import FilePart
from wamm.core.text import check_text

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
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_large(limit)  # before reading a byte of it
        first = await self.receive()
        if first["type"] == "http.request" and not first.get("more_body", False):
            body: bytes = first.get("body", b"")  # the usual case: one message
            if len(body) > limit:
                raise too_large(limit)
            return body
        return await collect(self._rest(first), None, limit)

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


def bearer_token(
    headers: dict[str, str], query: dict[str, str], body_token: str | None = None
) -> str | None:
    """The request's access token: an `access_token` parameter (query string, then body)
    wins over `Authorization: Bearer|OAuth <t>`, as at Graph, where clients such as pywa
    pass an app token as a parameter beside their usual header."""
    given = query.get("access_token") or body_token
    if given:
        return given
    header = headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in {"bearer", "oauth"} and value.strip():
            return value.strip()
    return None


async def collect(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """A whole body, refusing (413) anything over `limit` bytes before reading it all."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def origin(request: Request) -> str:
    """`scheme://host` of a control-API or inspector request, for URLs wamm serves itself."""
    return f"{request.url.scheme}://{request.url.netloc}"


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


def too_large(limit: int) -> GraphError:
    return GraphError(100, f"The request body is larger than {limit} bytes.", http_status=413)


def _maybe_json(value: str) -> Any:
    """Graph form parameters may carry JSON objects and arrays as text; text that does not
    parse (a lone UTF-16 surrogate escape included) stays text."""
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return _json.decode(text)
        except (msgspec.DecodeError, RecursionError):
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


# How a NUL character looks in raw JSON and URL-encoded text: only a request that holds one of
# these is walked for NULs (one byte scan on the send path).
NUL_IN_JSON = b"\\u0000"
NUL_IN_URL = b"%00"


async def read_params(request: RawRequest, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """Query string and body merged into one parameter map (body wins). The query's
    `access_token` is removed (`bearer_token` reads it); a body's is left for the caller.
    Text holding a NUL character is refused (code 100) wherever it is."""
    params = _query_params(request)
    raw = b"" if request.method == "GET" else await request.body(limit)
    if raw.strip():
        params.update(await _body_params(request, raw))
    return params


def _query_params(request: RawRequest) -> dict[str, Any]:
    params: dict[str, Any] = {k: _maybe_json(v) for k, v in request.query.items()}
    if NUL_IN_URL in request.scope.get("query_string", b""):
        check_text(params)
    params.pop("access_token", None)
    return params


async def _body_params(request: RawRequest, raw: bytes) -> dict[str, Any]:
    content_type = media_type(request.headers)
    if content_type == "application/x-www-form-urlencoded":
        body = {
            k: _maybe_json(v)
            for k, v in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        }
        suspect = NUL_IN_URL in raw or b"\x00" in raw
    elif content_type == "multipart/form-data":
        body = await _multipart(request, raw)
        suspect = b"\x00" in raw
    elif content_type == "" or is_json_type(content_type):
        body = decode_json_object(raw)
        suspect = NUL_IN_JSON in raw
    else:
        raise invalid_parameter(
            f"Unsupported Content-Type '{content_type}': send application/json, "
            "application/x-www-form-urlencoded or multipart/form-data."
        )
    if suspect:
        check_text(body)
    return body


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
        out[key] = await _file_part(value) if isinstance(value, UploadFile) else _maybe_json(value)
    return out


async def _file_part(upload: UploadFile) -> FilePart:
    content = await upload.read()
    await upload.close()
    return FilePart(upload.filename or "", upload.content_type or "", content)


async def read_raw_upload(request: RawRequest, limit: int) -> tuple[dict[str, Any], bytes]:
    """A Resumable Upload part: the query (and the `file_offset` header) as parameters, and
    the body as the file's bytes, whatever its Content-Type."""
    params = _query_params(request)
    if "file_offset" in request.headers:
        params["file_offset"] = request.headers["file_offset"]
    return params, await request.body(limit)

"""Decoding Graph requests: token, body (JSON, form or multipart) and query, with size limits."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request

from wamm.core.coerce import type_name
from wamm.core.errors import GraphError, invalid_parameter

MAX_BODY_BYTES = 4 * 1024 * 1024
_json = msgspec.json.Decoder()


def bearer_token(request: Request) -> str | None:
    """The access token from `Authorization: Bearer|OAuth <t>` or `access_token=`."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in {"bearer", "oauth"} and value.strip():
            return value.strip()
    return request.query_params.get("access_token")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> GraphError:
    return GraphError(100, f"The request body is larger than {limit} bytes.", http_status=413)


def _maybe_json(value: str) -> Any:
    """Graph form parameters may carry JSON objects and arrays as text."""
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


def decode_json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = _json.decode(raw)
    except msgspec.DecodeError as exc:
        raise invalid_parameter(f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise invalid_parameter(f"The request body must be a JSON object, got {type_name(data)}.")
    return data


async def read_params(request: Request) -> dict[str, Any]:
    """Query string and body merged into one parameter map (body wins, token removed)."""
    params: dict[str, Any] = {k: _maybe_json(v) for k, v in request.query_params.items()}
    params.pop("access_token", None)
    if request.method == "GET":
        return params
    raw = await read_body(request)
    if not raw.strip():
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        body = {
            k: _maybe_json(v)
            for k, v in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        }
    elif content_type == "multipart/form-data":
        body = await _multipart(request, raw)
    elif content_type in ("application/json", "text/json", "") or content_type.endswith("+json"):
        body = decode_json_object(raw)
    else:
        raise invalid_parameter(
            f"Unsupported Content-Type '{content_type}': send application/json, "
            "application/x-www-form-urlencoded or multipart/form-data."
        )
    body.pop("access_token", None)
    params.update(body)
    return params


async def _multipart(request: Request, raw: bytes) -> dict[str, Any]:
    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    form = await Request(request.scope, replay).form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        out[key] = value if isinstance(value, UploadFile) else _maybe_json(value)
    return out

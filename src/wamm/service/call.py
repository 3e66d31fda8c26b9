"""One authenticated Graph call as the service layer sees it (no HTTP types)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wamm.core.fields import FieldRequest, parse_fields
from wamm.core.model import Token
from wamm.service.runtime import Runtime


@dataclass
class GraphCall:
    rt: Runtime
    token: Token
    params: dict[str, Any]  # query string and body merged, body winning
    query: Mapping[str, str]
    api_version: int  # major version from the /vNN.N/ prefix; unversioned: the app's default
    url_of: Callable[[], str]  # absolute URL of this node or edge, for paging links
    epoch: int  # the reset epoch when the request arrived: its writes may not outlive a reset
    body: bytes = b""  # the raw body of a Resumable Upload part (other bodies are in params)
    item: str | None = None  # the id after the edge, as in /{phone_number_id}/message_qrdls/{code}

    @property
    def origin(self) -> str:
        """`scheme://host` of this request, for the URLs wamm serves itself."""
        parts = urlsplit(self.url_of())
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def url(self) -> str:
        return self.url_of()

    def fields(self) -> tuple[FieldRequest, ...] | None:
        value = self.params.get("fields")
        return parse_fields(value if isinstance(value, str) else None)

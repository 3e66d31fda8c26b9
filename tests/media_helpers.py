"""Steps shared by the tests that upload or send media: a PNG, an upload through
`POST /{phone}/media`, the manual clock moved on, the error of an id that is no media, and
the customer-service window that sends of media outside templates need."""

from __future__ import annotations

from typing import Any

import httpx

from tests import seed_data as sd
from tests.conftest import Graph, invalid_parameter_error

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def auth(token: str = sd.TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post_media(
    graph: Graph,
    content: bytes = PNG,
    mime_type: str = "image/png",
    *,
    phone: str = sd.SIGNED_PHONE,
    token: str = sd.TOKEN,
    fields: dict[str, str] | None = None,
) -> httpx.Response:
    data = {"messaging_product": "whatsapp", "type": mime_type} if fields is None else fields
    return await graph.http.post(
        f"/v23.0/{phone}/media",
        data=data,
        files={"file": ("sample", content, mime_type)},
        headers=auth(token),
    )


async def upload(
    graph: Graph, content: bytes = PNG, mime_type: str = "image/png", **kw: Any
) -> str:
    response = await post_media(graph, content, mime_type, **kw)
    assert response.status_code == 200, response.text
    media_id: str = response.json()["id"]
    return media_id


async def advance(graph: Graph, seconds: float) -> None:
    response = await graph.http.post("/_wamm/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def not_a_media(path: str) -> dict[str, Any]:
    return invalid_parameter_error(
        f"Param {path} is not a valid whatsapp business account media attachment ID."
    )


async def open_window(graph: Graph) -> None:
    """An inbound message from the seed's Brazilian user: the customer-service window opens."""
    await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )

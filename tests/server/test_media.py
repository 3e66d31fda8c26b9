"""Media over HTTP: upload (types, sizes, errors), the media node, its download URL (token,
expiry, signature), deletion, retention on the virtual clock, the storage budget, and sends
that name a media by id."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.media_helpers import PNG, advance, auth, not_a_media, open_window, post_media, upload
from wamm.core.media import KB, MB

MEDIA = f"{sd.SIGNED_PHONE}/media"
NO_SUCH_OBJECT = (
    "Unsupported get request. Object with ID '{}' does not exist, cannot be loaded due to "
    "missing permissions, or does not support this operation. Please read the Graph API "
    "documentation at https://developers.facebook.com/docs/graph-api"
)


def image_send(media: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": sd.BR_PHONE, "type": "image", "image": media}


# --- upload ---------------------------------------------------------------------------------


async def test_upload_answers_a_numeric_id_and_get_describes_the_media(graph: Graph) -> None:
    response = await post_media(graph)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["id"] and body["id"].isdigit()
    described = await graph.get(body["id"])
    assert described.status_code == 200
    media = described.json()
    assert list(media) == ["messaging_product", "url", "mime_type", "sha256", "file_size", "id"]
    assert media["messaging_product"] == "whatsapp"
    assert media["mime_type"] == "image/png"
    assert media["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (media["file_size"], media["id"]) == (len(PNG), body["id"])
    assert media["url"].startswith("http://wamm.test/_wamm/media/download?mid=")


@pytest.mark.parametrize(
    ("mime_type", "size"),
    [
        ("image/jpeg", 5 * MB),
        ("audio/ogg; codecs=opus", 16 * MB),
        ("video/mp4", 16 * MB),
        ("application/pdf", 20 * MB),
        ("image/webp", 100 * KB),
    ],
)
async def test_each_kind_takes_files_up_to_its_limit(
    graph: Graph, mime_type: str, size: int
) -> None:
    response = await post_media(graph, b"x" * size, mime_type)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("mime_type", "size", "label", "limit"),
    [
        ("image/png", 5 * MB + 1, "image", 5 * MB),
        ("audio/mpeg", 16 * MB + 1, "audio", 16 * MB),
        ("video/3gpp", 16 * MB + 1, "video", 16 * MB),
        ("image/webp", 100 * KB + 1, "static sticker", 100 * KB),
    ],
)
async def test_a_file_over_its_kind_s_limit_is_131053(
    graph: Graph, mime_type: str, size: int, label: str, limit: int
) -> None:
    response = await post_media(graph, b"x" * size, mime_type)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "(#131053) Media upload error",
        "type": "OAuthException",
        "code": 131053,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": f"The file is {size} bytes; Meta takes {label} files up to {limit} bytes.",
        },
    }


async def test_an_animated_sticker_may_have_500_kb(graph: Graph) -> None:
    animated = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 14 + b"ANIM" + b"x" * (400 * KB)
    response = await post_media(graph, animated, "image/webp")
    assert response.status_code == 200, response.text


async def test_an_unsupported_type_is_meta_s_100_listing_the_types(graph: Graph) -> None:
    response = await post_media(graph, b"GIF89a", "image/gif")
    assert response.status_code == 400
    details = error_of(response)["error_data"]["details"]
    assert details.startswith("Param file must be a file with one of the following types: ")
    assert "image/jpeg, image/png, image/webp" in details
    assert details.endswith("Received file of type 'image/gif'.")


async def test_a_type_contradicting_the_file_part_is_131053(graph: Graph) -> None:
    fields = {"messaging_product": "whatsapp", "type": "image/jpeg"}
    response = await post_media(graph, fields=fields)
    assert response.status_code == 400
    assert error_of(response)["error_data"]["details"] == (
        "The file is sent as image/png, but the type parameter says image/jpeg."
    )


@pytest.mark.parametrize(
    ("fields", "files", "details"),
    [
        ({"type": "image/png"}, True, "The parameter messaging_product is required."),
        (
            {"messaging_product": "whatsapp", "type": "image/png"},
            False,
            "The parameter file is required.",
        ),
    ],
)
async def test_missing_upload_parameters_are_100(
    graph: Graph, fields: dict[str, str], files: bool, details: str
) -> None:
    response = await graph.http.post(
        f"/v23.0/{MEDIA}",
        data=fields,
        files={"file": ("a.png", PNG, "image/png")} if files else {"x": ("x", b"", "text/plain")},
        headers=auth(),
    )
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)


async def test_upload_needs_the_messaging_permission(graph: Graph) -> None:
    response = await post_media(graph, token=sd.MANAGEMENT_ONLY)
    assert response.status_code == 403
    assert error_of(response)["code"] == 10


async def test_an_upload_past_the_storage_budget_is_131053(graph: Graph) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"media_budget_bytes": 2 * len(PNG)}})
    await upload(graph)
    await upload(graph)
    response = await post_media(graph)
    assert response.status_code == 400
    assert error_of(response)["error_data"]["details"] == (
        f"wamm's media storage is full: {2 * len(PNG)} bytes (settings.media_budget_bytes). "
        "Delete media or raise the setting."
    )


# --- the media node and its URL ----------------------------------------------------------------


async def test_the_url_serves_the_bytes_with_the_token(graph: Graph) -> None:
    url = (await graph.get(await upload(graph))).json()["url"]
    response = await graph.http.get(url, headers=auth())
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"


async def test_the_url_without_a_token_is_190(graph: Graph) -> None:
    url = (await graph.get(await upload(graph))).json()["url"]
    response = await graph.http.get(url)
    assert response.status_code == 401
    assert error_of(response)["code"] == 190


@pytest.mark.parametrize("change", ["other_waba_token", "tampered_hash", "five_minutes_later"])
async def test_the_url_is_404_for_another_waba_a_changed_link_or_after_5_minutes(
    graph: Graph, change: str
) -> None:
    url = (await graph.get(await upload(graph))).json()["url"]
    token = sd.OTHER_WABA_TOKEN if change == "other_waba_token" else sd.TOKEN
    if change == "tampered_hash":
        url = url.replace("hash=", "hash=0")
    if change == "five_minutes_later":
        await advance(graph, 5 * 60)
    response = await graph.http.get(url, headers=auth(token))
    assert response.status_code == 404
    assert error_of(response) == invalid_parameter_error(
        "The media URL expired or names no media: GET /{media_id} answers a new one."
    )


async def test_a_new_get_answers_a_fresh_url(graph: Graph) -> None:
    media_id = await upload(graph)
    await advance(graph, 10 * 60)
    url = (await graph.get(media_id)).json()["url"]
    expires = int(parse_qs(urlsplit(url).query)["ext"][0])
    clock = (await graph.http.get("/_wamm/clock")).json()["now"]
    assert expires == int(clock + 300)
    assert (await graph.http.get(url, headers=auth())).content == PNG


async def test_media_of_another_waba_is_not_visible(graph: Graph) -> None:
    media_id = await upload(graph)
    response = await graph.get(media_id, token=sd.OTHER_WABA_TOKEN)
    assert response.status_code == 400
    assert error_of(response)["message"] == NO_SUCH_OBJECT.format(media_id)


async def test_get_with_another_phone_number_id_is_100(graph: Graph) -> None:
    media_id = await upload(graph)
    response = await graph.get(media_id, phone_number_id=sd.NOT_STARTED_PHONE)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "Param phone_number_id is not a valid whatsapp business phone number id ID: the media "
        f"was not uploaded through {sd.NOT_STARTED_PHONE}."
    )
    assert (await graph.get(media_id, phone_number_id=sd.SIGNED_PHONE)).status_code == 200


async def test_delete_answers_success_and_the_media_is_gone(graph: Graph) -> None:
    media_id = await upload(graph)
    url = (await graph.get(media_id)).json()["url"]
    response = await graph.delete(media_id)
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert error_of(await graph.get(media_id))["message"] == NO_SUCH_OBJECT.format(media_id)
    assert (await graph.http.get(url, headers=auth())).status_code == 404


async def test_media_expire_after_30_days(graph: Graph) -> None:
    media_id = await upload(graph)
    await advance(graph, 30 * 86400 - 1)
    assert (await graph.get(media_id)).status_code == 200
    await advance(graph, 1)
    assert error_of(await graph.get(media_id))["message"] == NO_SUCH_OBJECT.format(media_id)


async def test_reset_clears_media(graph: Graph) -> None:
    media_id = await upload(graph)
    assert (await graph.http.post("/_wamm/reset", json=sd.seed())).status_code == 200
    assert error_of(await graph.get(media_id))["message"] == NO_SUCH_OBJECT.format(media_id)


# --- sends by media id -------------------------------------------------------------------------


async def test_an_image_send_by_id_of_an_uploaded_media_is_accepted(graph: Graph) -> None:
    await open_window(graph)
    media_id = await upload(graph)
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", image_send({"id": media_id}))
    assert response.status_code == 200, response.text


async def test_an_image_send_by_link_needs_no_upload(graph: Graph) -> None:
    await open_window(graph)
    body = image_send({"link": "https://example.com/a.png"})
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", body)).status_code == 200


@pytest.mark.parametrize("case", ["unknown", "expired", "deleted", "other_waba"])
async def test_a_send_by_id_of_no_usable_media_is_100(graph: Graph, case: str) -> None:
    await open_window(graph)
    media_id = "123456789"
    if case == "other_waba":
        media_id = await upload(graph, phone=sd.NOT_STARTED_PHONE)
    elif case != "unknown":
        media_id = await upload(graph)
    if case == "expired":
        await advance(graph, 30 * 86400)
        await open_window(graph)
    if case == "deleted":
        await graph.delete(media_id)
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", image_send({"id": media_id}))
    assert response.status_code == 400
    assert error_of(response) == not_a_media("image.id")


async def test_an_interactive_media_header_by_id_is_checked(graph: Graph) -> None:
    await open_window(graph)
    body = {
        "messaging_product": "whatsapp",
        "to": sd.BR_PHONE,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "image", "image": {"id": "42"}},
            "body": {"text": "Pick one"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "A"}}]},
        },
    }
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", body)
    assert error_of(response) == not_a_media("interactive.header.image.id")

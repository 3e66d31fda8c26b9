"""The Resumable Upload API over HTTP (sessions, parts, resuming) and media-header templates,
whose `example.header_handle` must be a handle it issued; sends naming a template header media
by id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.media_helpers import PNG, advance, not_a_media, upload

SESSIONS = f"{sd.APP_ID}/uploads"


async def open_session(graph: Graph, length: int = len(PNG), **params: Any) -> str:
    query = {"file_name": "sample.png", "file_length": length, "file_type": "image/png"}
    response = await graph.post(SESSIONS, params={**query, **params})
    assert response.status_code == 200, response.text
    session: str = response.json()["id"]
    return session


async def send_part(
    graph: Graph, session: str, part: bytes, offset: int, scheme: str = "OAuth"
) -> httpx.Response:
    headers = {"Authorization": f"{scheme} {sd.TOKEN}", "file_offset": str(offset)}
    return await graph.http.post(f"/v23.0/{session}", content=part, headers=headers)


async def handle_of(graph: Graph, content: bytes = PNG) -> str:
    session = await open_session(graph, len(content))
    response = await send_part(graph, session, content, 0)
    assert response.status_code == 200, response.text
    value: str = response.json()["h"]
    return value


def image_template(handle: Any, name: str = "spring_launch") -> dict[str, Any]:
    return {
        "name": name,
        "language": "en_US",
        "category": "MARKETING",
        "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [handle]}},
            {"type": "BODY", "text": "Our spring range is here."},
        ],
    }


async def create_template(graph: Graph, handle: Any) -> httpx.Response:
    return await graph.post(f"{sd.SIGNED_WABA}/message_templates", image_template(handle))


INVALID_HANDLE = {
    "message": "Invalid parameter",
    "type": "OAuthException",
    "code": 100,
    "error_subcode": 2494102,
    "is_transient": False,
    "error_user_title": "Uploaded Media Handle Is Invalid",
    "error_user_msg": "The media handle in example.header_handle was not issued by the Resumable "
    "Upload API for this app, has expired, or its upload is incomplete. Upload the sample again.",
}


# --- sessions ----------------------------------------------------------------------------------


async def test_a_session_is_an_upload_id_at_offset_zero(graph: Graph) -> None:
    session = await open_session(graph)
    assert session.startswith("upload:")
    response = await graph.get(session)
    assert (response.status_code, response.json()) == (200, {"id": session, "file_offset": 0})


async def test_parts_resume_at_the_offset_and_the_last_answers_the_handle(graph: Graph) -> None:
    session = await open_session(graph)
    first = await send_part(graph, session, PNG[:100], 0)
    assert first.json() == {"id": session, "file_offset": 100}
    assert (await graph.get(session)).json() == {"id": session, "file_offset": 100}
    last = await send_part(graph, session, PNG[100:], 100, scheme="Bearer")
    assert last.status_code == 200
    assert list(last.json()) == ["h"]
    assert last.json()["h"].startswith("4::aW1hZ2UvcG5n:")
    assert (await graph.get(session)).json() == {"id": session, "file_offset": len(PNG)}


async def test_a_part_at_the_wrong_offset_is_100(graph: Graph) -> None:
    session = await open_session(graph)
    response = await send_part(graph, session, PNG, 5)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "file_offset is 5, but the session holds 0 bytes: resume at 0 (GET the session to read it)."
    )


async def test_a_part_past_the_file_length_is_100(graph: Graph) -> None:
    session = await open_session(graph, 10)
    response = await send_part(graph, session, PNG, 0)
    assert error_of(response) == invalid_parameter_error(
        f"The session takes 10 bytes (file_length); this part ends at byte {len(PNG)}."
    )


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"file_type": ""}, "The parameter file_type is required."),
        (
            {"file_type": "image/gif"},
            "Param file_type must be one of application/pdf, image/jpeg, image/jpg, image/png, "
            "video/mp4; got 'image/gif'.",
        ),
        (
            {"file_length": "0"},
            "Param file_length must be a whole number of bytes from 1 to 104857600.",
        ),
    ],
)
async def test_bad_session_parameters_are_100(
    graph: Graph, params: dict[str, str], details: str
) -> None:
    query = {"file_name": "a.png", "file_length": "10", "file_type": "image/png", **params}
    response = await graph.post(SESSIONS, params=query)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)


async def test_a_token_of_no_app_cannot_open_sessions(graph: Graph) -> None:
    response = await graph.post(SESSIONS, params={"file_length": 1}, token=sd.MANAGEMENT_ONLY)
    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 33


# --- templates with a media header -------------------------------------------------------------


async def test_a_template_keeps_its_uploaded_sample(graph: Graph) -> None:
    created = await create_template(graph, await handle_of(graph))
    assert created.status_code == 200, created.text
    template_id = created.json()["id"]
    header = (await graph.get(template_id)).json()["components"][0]
    url = f"http://wamm.test/_wamm/media/samples/{template_id}"
    assert header == {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [url]}}
    sample = await graph.http.get(url)
    assert (sample.status_code, sample.content) == (200, PNG)
    assert sample.headers["content-type"] == "image/png"


async def test_an_edit_keeping_the_sample_url_needs_no_new_upload(graph: Graph) -> None:
    template_id = (await create_template(graph, await handle_of(graph))).json()["id"]
    components = (await graph.get(template_id)).json()["components"]
    components[1]["text"] = "Our summer range is here."
    response = await graph.post(template_id, {"components": components})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("case", ["not_a_handle", "incomplete", "expired", "forged_app"])
async def test_a_handle_wamm_did_not_issue_or_that_lapsed_is_refused(
    graph: Graph, case: str
) -> None:
    handle = "4::aW1hZ2UvcG5n:ARZ-not-issued:e:1767225600:1"
    if case == "incomplete":
        session = await open_session(graph)
        await send_part(graph, session, PNG[:10], 0)
        parts = (await handle_of(graph)).split(":")  # a real handle, pointed at the session
        parts[3] = session.removeprefix("upload:")
        handle = ":".join(parts)
    elif case == "expired":
        handle = await handle_of(graph)
        await advance(graph, 30 * 86400)
    elif case == "forged_app":
        handle = (await handle_of(graph)).rsplit(":", 1)[0] + ":123"
    response = await create_template(graph, handle)
    assert response.status_code == 400
    assert error_of(response) == INVALID_HANDLE


async def test_a_template_header_media_sent_by_id_is_checked(graph: Graph) -> None:
    assert (await create_template(graph, await handle_of(graph))).status_code == 200
    media_id = await upload(graph)

    def send(media: dict[str, str]) -> dict[str, Any]:
        header = {"type": "header", "parameters": [{"type": "image", "image": media}]}
        return {
            "messaging_product": "whatsapp",
            "to": sd.BR_PHONE,
            "type": "template",
            "template": {
                "name": "spring_launch",
                "language": {"code": "en_US"},
                "components": [header],
            },
        }

    accepted = await graph.post(f"{sd.SIGNED_PHONE}/messages", send({"id": media_id}))
    assert accepted.status_code == 200, accepted.text
    refused = await graph.post(f"{sd.SIGNED_PHONE}/messages", send({"id": "42"}))
    assert error_of(refused) == not_a_media("template.components[0].parameters[0].image.id")


async def test_a_seeded_media_header_keeps_its_handle_text(graph: Graph) -> None:
    document = sd.seed()
    waba = document["businesses"][0]["wabas"][0]
    waba["templates"].append(image_template("4::seeded-sample", name="seeded_logo"))
    assert (await graph.http.post("/_wamm/reset", json=document)).status_code == 200
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name="seeded_logo")
    header = listed.json()["data"][0]["components"][0]
    assert header["example"] == {"header_handle": ["4::seeded-sample"]}


# --- business profile pictures -----------------------------------------------------------------

PROFILE = f"{sd.SIGNED_PHONE}/whatsapp_business_profile"


async def test_a_handle_sets_the_profile_picture_served_by_wamm(graph: Graph) -> None:
    handle = await handle_of(graph)
    update = {"messaging_product": "whatsapp", "profile_picture_handle": handle}
    assert (await graph.post(PROFILE, update)).json() == {"success": True}
    read = await graph.get(PROFILE, fields="profile_picture_url")
    (profile,) = read.json()["data"]
    url = f"http://wamm.test/_wamm/media/profile_pictures/{sd.SIGNED_PHONE}"
    assert profile == {"profile_picture_url": url}
    picture = await graph.http.get(url)  # public, like Meta's CDN link
    assert (picture.status_code, picture.content) == (200, PNG)
    assert picture.headers["content-type"] == "image/png"


async def test_a_number_without_a_picture_has_no_url(graph: Graph) -> None:
    read = await graph.get(PROFILE, fields="profile_picture_url,vertical")
    assert read.json() == {"data": [{"vertical": "UNDEFINED"}]}
    missing = await graph.http.get(f"/_wamm/media/profile_pictures/{sd.SIGNED_PHONE}")
    assert missing.status_code == 404
    assert error_of(missing)["error_data"]["details"] == "This phone number has no profile picture."


async def test_a_profile_picture_needs_an_issued_image_handle(graph: Graph) -> None:
    session = await open_session(graph, 4, file_type="application/pdf", file_name="a.pdf")
    pdf = (await send_part(graph, session, b"%PDF", 0)).json()["h"]
    for handle, details in (
        (
            "4:bm9wZQ==:aW1hZ2UvcG5n:ARb:e:1:2:3",
            "Param profile_picture_handle is not a handle the Resumable Upload API issued for "
            "this app, or its upload has expired or is incomplete.",
        ),
        (pdf, "The profile picture must be a JPEG or PNG image, got application/pdf."),
    ):
        update = {"messaging_product": "whatsapp", "profile_picture_handle": handle}
        refused = await graph.post(PROFILE, update)
        assert refused.status_code == 400
        assert error_of(refused) == invalid_parameter_error(details)
    assert (await graph.get(PROFILE, fields="profile_picture_url")).json() == {"data": [{}]}

"""Media and the Resumable Upload API through the SDK against an in-process wamm."""

from __future__ import annotations

import hashlib

import pytest

from tests import seed_data as sd
from tests.client.conftest import BASE_URL
from wamm.client import (
    AsyncClient,
    Body,
    Client,
    GraphAPIError,
    HeaderMedia,
    MediaInfo,
    ObjectId,
    ParameterError,
    Success,
    TemplateDefinition,
    UploadSession,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


async def test_upload_describe_download_and_delete(aclient: AsyncClient) -> None:
    uploaded = await aclient.upload_media(sd.SIGNED_PHONE, PNG, "image/png", "logo.png")
    assert isinstance(uploaded, ObjectId) and uploaded.id.isdigit()
    info = await aclient.get_media_url(uploaded.id, phone_number_id=sd.SIGNED_PHONE)
    assert isinstance(info, MediaInfo)
    assert (info.id, info.mime_type, info.file_size) == (uploaded.id, "image/png", len(PNG))
    assert info.sha256 == hashlib.sha256(PNG).hexdigest()
    assert info.url.startswith(f"{BASE_URL}/_wamm/media/download?")
    assert await aclient.download_media(info.url) == PNG
    assert await aclient.delete_media(uploaded.id) == Success(success=True)
    with pytest.raises(GraphAPIError) as gone:
        await aclient.get_media_url(uploaded.id)
    assert (gone.value.code, gone.value.subcode) == (100, 33)


async def test_an_unsupported_type_raises_the_server_s_parameter_error(
    aclient: AsyncClient,
) -> None:
    with pytest.raises(ParameterError) as refused:
        await aclient.upload_media(sd.SIGNED_PHONE, b"GIF89a", "image/gif")
    assert refused.value.code == 100


async def test_a_resumable_upload_handle_makes_an_image_header_template(
    aclient: AsyncClient,
) -> None:
    handle = await aclient.upload_resumable(sd.APP_ID, PNG, "image/png", "header.png")
    assert handle.startswith("4::aW1hZ2UvcG5n:")
    definition = TemplateDefinition(
        "image_promo", "en_US", "MARKETING", [HeaderMedia("IMAGE", handle=handle), Body("New!")]
    )
    created = await aclient.create_template(sd.SIGNED_WABA, definition)
    template = await aclient.get_template(created.id, fields=["components"])
    assert template.components is not None
    sample = template.components[0]["example"]["header_handle"][0]
    assert sample == f"{BASE_URL}/_wamm/media/samples/{created.id}"


def test_the_blocking_client_uploads_and_reads_a_session(client: Client) -> None:
    handle = client.upload_resumable(sd.APP_ID, PNG, "image/png")
    session = "upload:" + handle.split(":")[3]
    assert client.get_upload_session(session) == UploadSession(id=session, file_offset=len(PNG))
    media_id = client.upload_media(sd.SIGNED_PHONE, PNG, "image/png").id
    assert client.download_media(client.get_media_url(media_id).url) == PNG

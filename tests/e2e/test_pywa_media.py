"""pywa, unmodified, against a live wamm: media upload, URL, download and deletion, an image
sent by media id, and an image-header template whose sample pywa uploads with the Resumable
Upload API."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from pywa import WhatsApp
from pywa import errors as pywa_errors
from pywa.types import templates as t

from tests import seed_data as sd
from tests.e2e.conftest import LiveServer

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def test_upload_url_download_and_delete(wa: WhatsApp, tmp_path: Path) -> None:
    media = wa.upload_media(PNG, mime_type="image/png", filename="logo.png")
    assert media.id.isdigit()
    described = wa.get_media_url(media.id)
    assert (described.mime_type, described.file_size) == ("image/png", len(PNG))
    assert described.sha256 == hashlib.sha256(PNG).hexdigest()
    saved = wa.download_media(url=described.url, path=tmp_path, filename="logo.png")
    assert saved.read_bytes() == PNG
    assert wa.get_media_bytes(described.url) == PNG
    assert wa.delete_media(media.id).success
    with pytest.raises(pywa_errors.WhatsAppError) as gone:
        wa.get_media_url(media.id)
    assert gone.value.code == 100


def test_send_image_by_media_id(wa: WhatsApp, live_server: LiveServer) -> None:
    httpx.post(
        f"{live_server.base_url}/_wamm/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE},
        timeout=10,
    ).raise_for_status()
    media = wa.upload_media(PNG, mime_type="image/png", filename="logo.png")
    sent = wa.send_image(to=sd.BR_PHONE, image=media.id, caption="Our logo")
    assert sent.id.startswith("wamid.")
    with pytest.raises(pywa_errors.WhatsAppError) as refused:
        wa.send_image(to=sd.BR_PHONE, image="4242424242")
    assert refused.value.code == 100
    assert refused.value.details == (
        "Param image.id is not a valid whatsapp business account media attachment ID."
    )


def test_an_image_header_template_through_pywa_s_resumable_upload(
    wa: WhatsApp,
    live_server: LiveServer,
) -> None:
    template = t.Template(
        name="logo_launch",
        category=t.TemplateCategory.MARKETING,
        language=t.TemplateLanguage.ENGLISH_US,
        components=[
            t.HeaderImage(example=PNG, mime_type="image/png"),
            t.BodyText(text="Meet our new logo."),
        ],
    )
    created = wa.create_template(template)
    assert created.status == t.TemplateStatus.APPROVED
    details = wa.get_template(created.id)
    header = details.components[0]
    assert isinstance(header, t.HeaderImage)
    assert header.example == f"{live_server.base_url}/_wamm/media/samples/{created.id}"
    assert httpx.get(header.example, timeout=10).content == PNG

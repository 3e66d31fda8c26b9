"""Media and the Resumable Upload API: the SDK's operations for files.

A media uploaded through a phone number (`upload_media`) is sent by its id for 30 days;
`get_media_url` answers a download URL that works for 5 minutes, with the token
(`download_media`). Template header samples go through the Resumable Upload API instead:
`upload_resumable` returns the handle that `HeaderMedia(handle=...)` takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from wamm.client.models import MediaInfo, ObjectId, Success, UploadHandle, UploadSession
from wamm.client.transport import Call, Engine, FileBody, Program, decoder


def _phone_filter(phone_number_id: str | None) -> dict[str, str]:
    return {} if phone_number_id is None else {"phone_number_id": phone_number_id}


def upload_media(
    phone_number_id: str, content: bytes, mime_type: str, file_name: str = "file"
) -> Call[ObjectId]:
    """Upload a media through a phone number (POST /{phone_number_id}/media, multipart);
    answers its id. Meta's types and sizes apply: JPEG/PNG images up to 5 MB, audio and video
    up to 16 MB, documents up to 100 MB, WebP stickers up to 100 KB (500 KB animated)."""
    form = {"messaging_product": "whatsapp", "type": mime_type}
    file = FileBody(form=form, files={"file": (file_name, content, mime_type)})
    return Call("POST", f"{phone_number_id}/media", decoder(ObjectId), file=file)


def get_media_url(media_id: str, phone_number_id: str | None = None) -> Call[MediaInfo]:
    """A media's type, size, SHA-256 and a download URL valid for 5 minutes (GET /{media_id});
    with `phone_number_id`, only if the media was uploaded through that number."""
    return Call("GET", media_id, decoder(MediaInfo), params=_phone_filter(phone_number_id))


def _raw(content: bytes) -> bytes:
    return content


def download_media(url: str) -> Call[bytes]:
    """The bytes behind a URL from `get_media_url` (sent with the client's token)."""
    return Call("GET", url, _raw)


def delete_media(media_id: str, phone_number_id: str | None = None) -> Call[Success]:
    """Delete a media (DELETE /{media_id})."""
    return Call("DELETE", media_id, decoder(Success), params=_phone_filter(phone_number_id))


@dataclass(frozen=True)
class ResumableUpload:
    """Open a session and send the file in one part: the handle."""

    app_id: str
    content: bytes
    file_type: str
    file_name: str

    def program(self, engine: Engine) -> Program[str]:
        """Carry out the upload (each step with the client's retries)."""
        query = {
            "file_name": self.file_name,
            "file_length": str(len(self.content)),
            "file_type": self.file_type,
        }
        opened: ObjectId = yield from engine.attempts(
            Call("POST", f"{self.app_id}/uploads", decoder(ObjectId), params=query)
        )
        part = FileBody(content=self.content, headers={"file_offset": "0"})
        done: UploadHandle = yield from engine.attempts(
            Call("POST", opened.id, decoder(UploadHandle), file=part)
        )
        return done.h


def get_upload_session(session_id: str) -> Call[UploadSession]:
    """How many bytes a Resumable Upload session holds (GET /upload:...), to resume it."""
    return Call("GET", session_id, decoder(UploadSession))


def upload_resumable(
    app_id: str, content: bytes, file_type: str, file_name: str = "sample"
) -> ResumableUpload:
    """Upload a template sample or profile picture with the Resumable Upload API
    (POST /{app_id}/uploads, then POST /upload:...); answers the handle (`h`) for
    `example.header_handle`. `file_type`: application/pdf, image/jpeg, image/png or video/mp4."""
    return ResumableUpload(app_id, content, file_type, file_name)

"""`/{phone_number_id}/message_qrdls`: create, update, read and delete message QR codes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from msgspec.structs import replace

from wamm.core import qr
from wamm.core.errors import GraphError, unknown_object
from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.model import PhoneNumber, QrCode
from wamm.service.call import GraphCall
from wamm.service.phone_numbers import save
from wamm.service.runtime import Runtime


def _image_url(call: GraphCall, phone: PhoneNumber, code: QrCode, fmt: str | None) -> str | None:
    if fmt is None:
        return None
    parts = urlsplit(call.url)
    return f"{parts.scheme}://{parts.netloc}{qr.image_path(phone.id, code.code, fmt)}"


def _find(phone: PhoneNumber, code: str, method: str) -> QrCode:
    found = next((c for c in phone.qr_codes if c.code == code), None)
    if found is None:
        raise unknown_object(method, code)
    return found


async def create_or_update(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """A new code (`generate_qr_image` adds its image URL), or a new message for `code`."""
    params, message = call.params, qr.prefilled_message(call.params)
    if "code" in params:
        old = _find(phone, str(params["code"]), "POST")
        code = replace(old, prefilled_message=message)
        codes = [code if c.code == old.code else c for c in phone.qr_codes]
        await save(call, replace(phone, qr_codes=codes))
        return qr.node(code, None)
    fmt = qr.image_format(params["generate_qr_image"]) if "generate_qr_image" in params else None
    seq = await call.rt.ids.next("qr_code")
    code = QrCode(
        code=qr.new_code(call.rt.rng_seed, phone.id, seq),
        prefilled_message=message,
        created_at=call.rt.now(),
    )
    await save(call, replace(phone, qr_codes=[*phone.qr_codes, code]))
    return qr.node(code, _image_url(call, phone, code, fmt))


def _read(call: GraphCall, phone: PhoneNumber, codes: list[QrCode]) -> list[dict[str, Any]]:
    requested = call.fields()
    with_image, fmt = qr.requested_format(requested)
    names = [f.name for f in requested] if requested is not None else list(qr.DEFAULT_FIELDS)
    nodes = [qr.node(c, _image_url(call, phone, c, fmt) if with_image else None) for c in codes]
    return [{name: node[name] for name in names if name in node} for node in nodes]


async def list_codes(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """The number's codes, newest first, paged by cursor (a code's place in creation order)."""
    places = {c.code: index + 1 for index, c in enumerate(phone.qr_codes)}

    def position(code: QrCode) -> int:
        return places[code.code]

    page = paginate(phone.qr_codes[::-1], position, page_request(call.query))
    return paged_body(_read(call, phone, page.items), page, position, call.url, call.query)


async def get_code(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    return {"data": _read(call, phone, [_find(phone, call.item or "", "GET")])}


async def delete_code(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    code = _find(phone, call.item or "", "DELETE")
    return await save(call, replace(phone, qr_codes=[c for c in phone.qr_codes if c is not code]))


def image_of(rt: Runtime, phone_number_id: str, name: str) -> tuple[bytes, str]:
    """The image (bytes, media type) behind a `qr_image_url` (`<code>.png` or `<code>.svg`)."""
    code, _, extension = name.rpartition(".")
    phone = rt.catalog.phone_numbers.get(phone_number_id)
    fmt = extension.upper()
    known = phone is not None and any(c.code == code for c in phone.qr_codes)
    if not known or fmt not in qr.IMAGE_FORMATS:
        raise GraphError(100, f"No QR code image {phone_number_id}/{name}.", http_status=404)
    return qr.image(code, fmt), qr.IMAGE_FORMATS[fmt]

"""Message QR codes (`/{phone_number_id}/message_qrdls`): codes, their Graph shape, and the
image wamm serves for `qr_image_url`.

The image is a deterministic pattern drawn from the deep link (finder squares in three corners
and hash-derived modules), not a scannable QR code: it lets clients download and show a real
PNG or SVG without wamm depending on a QR encoder (docs/decisions.md, "Phone numbers").
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_str
from wamm.core.errors import invalid_parameter, missing_parameter
from wamm.core.fields import FieldRequest, unknown_field
from wamm.core.model import QrCode

MAX_PREFILLED_CHARS = 140
CODE_CHARS = 14
IMAGE_FORMATS = {"PNG": "image/png", "SVG": "image/svg+xml"}
DEFAULT_FIELDS = ("code", "prefilled_message", "deep_link_url")
FIELDS = (*DEFAULT_FIELDS, "qr_image_url")
MODULES = 21  # a version-1 QR code's size
PIXELS_PER_MODULE = 8


def new_code(rng_seed: int, phone_number_id: str, seq: int) -> str:
    digest = hashlib.sha256(f"{rng_seed}:{phone_number_id}:{seq}".encode()).digest()
    return base64.b32encode(digest).decode()[:CODE_CHARS]


def prefilled_message(params: Mapping[str, Any]) -> str:
    if "prefilled_message" not in params:
        raise missing_parameter("prefilled_message")
    text = as_str(params["prefilled_message"], "prefilled_message")
    if not text or len(text) > MAX_PREFILLED_CHARS:
        raise invalid_parameter(
            f"Param prefilled_message must have 1 to {MAX_PREFILLED_CHARS} characters."
        )
    return text


def image_format(value: Any, name: str = "generate_qr_image") -> str:
    text = as_str(value, name).upper()
    if text not in IMAGE_FORMATS:
        raise invalid_parameter(f"Param {name} must be PNG or SVG.")
    return text


def deep_link(code: str) -> str:
    return f"https://wa.me/message/{code}"


def image_path(phone_number_id: str, code: str, fmt: str) -> str:
    """Where wamm serves the code's image, below the server's base URL."""
    return f"/_wamm/qr/{phone_number_id}/{code}.{fmt.lower()}"


def node(qr: QrCode, image_url: str | None) -> dict[str, Any]:
    out = {
        "code": qr.code,
        "prefilled_message": qr.prefilled_message,
        "deep_link_url": deep_link(qr.code),
    }
    if image_url is not None:
        out["qr_image_url"] = image_url
    return out


def requested_format(requested: tuple[FieldRequest, ...] | None) -> tuple[bool, str | None]:
    """Whether `fields` names `qr_image_url`, and its `.format(PNG|SVG)` (SVG if none)."""
    for field in requested or ():
        if field.name not in FIELDS:
            raise unknown_field("WhatsAppBusinessQRCode", field.name)
    wanted = next((f for f in requested or () if f.name == "qr_image_url"), None)
    if wanted is None:
        return False, None
    return True, image_format(wanted.params.get("format", "SVG"), "qr_image_url.format")


def _modules(text: str) -> list[list[bool]]:
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha512(text.encode()).digest())
    grid = [
        [bits[(r * MODULES + c) % len(bits)] == "1" for c in range(MODULES)] for r in range(MODULES)
    ]
    for top, left in ((0, 0), (0, MODULES - 7), (MODULES - 7, 0)):
        for r in range(7):
            for c in range(7):
                ring = max(abs(r - 3), abs(c - 3))
                grid[top + r][left + c] = ring != 2
    return grid


def svg(text: str) -> bytes:
    size = MODULES * PIXELS_PER_MODULE
    cells = "".join(
        f'<rect x="{c * PIXELS_PER_MODULE}" y="{r * PIXELS_PER_MODULE}" '
        f'width="{PIXELS_PER_MODULE}" height="{PIXELS_PER_MODULE}"/>'
        for r, row in enumerate(_modules(text))
        for c, dark in enumerate(row)
        if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<g fill="#000">{cells}</g></svg>'
    ).encode()


def png(text: str) -> bytes:
    """A grayscale PNG of the pattern (8-bit, no interlace)."""
    scale, size = PIXELS_PER_MODULE, MODULES * PIXELS_PER_MODULE
    rows = []
    for row in _modules(text):
        line = b"\x00" + b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        rows.extend([line] * scale)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def image(code: str, fmt: str) -> bytes:
    return png(deep_link(code)) if fmt == "PNG" else svg(deep_link(code))

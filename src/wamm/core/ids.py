"""Identifier formats: Graph object ids, wamids, fbtrace ids, BSUIDs.

Object ids and wamids are derived from a durable sequence number and the RNG seed, so the same
seed and the same requests give the same ids, and a restart never reuses one.
"""

from __future__ import annotations

import base64
import hashlib
import os

_OBJECT_ID_SPAN = 9 * 10**14


def _digest(seed: int, kind: str, seq: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{kind}:{seq}".encode(), digest_size=16).digest()


def object_id(seed: int, kind: str, seq: int) -> str:
    """A 15-16 digit numeric id like Meta's (e.g. 1387372356726668)."""
    value = int.from_bytes(_digest(seed, kind, seq)[:8], "big") % _OBJECT_ID_SPAN
    return str(10**15 + value)


# The 18-hex-digit part of a wamid is an invertible scramble of the message's sequence number
# (an affine map modulo 2**72), so a wamid finds its message through the primary key and no
# index on random-looking strings is needed. Inbound messages use another offset.
_WAMID_SPACE = 1 << 72
_WAMID_FACTOR = 0x9E3779B97F4A7C15F1  # odd, hence invertible modulo 2**72
_WAMID_INVERSE = pow(_WAMID_FACTOR, -1, _WAMID_SPACE)
_WAMID_OFFSETS = {"message": 0x5DEECE66D0A3B7C1F2, "inbound": 0x3C6EF372FE94F82BE7}
_MAX_SEQUENCE = 1 << 62  # sequence numbers fit a signed 64-bit column
_FRAME_MIDDLE = b"\x15\x02\x00\x11\x18\x12"


def wamid(seq: int, recipient: str, kind: str = "message") -> str:
    """A message id in Meta's layout: base64 of a small frame holding the recipient and a hex id."""
    address = recipient.encode()[:250]
    scrambled = (seq * _WAMID_FACTOR + _WAMID_OFFSETS[kind]) % _WAMID_SPACE
    frame = b"\x1c\x18" + bytes([len(address)]) + address + _FRAME_MIDDLE
    return "wamid." + base64.b64encode(frame + b"%018X\x00" % scrambled).decode()


def wamid_sequence(value: str, kind: str = "message") -> int | None:
    """The sequence number a wamid of `kind` was made from, or None if it is not one of ours."""
    try:
        frame = base64.b64decode(value.removeprefix("wamid."), validate=True)
        start = 3 + frame[2]
        if frame[start : start + 6] != _FRAME_MIDDLE or len(frame) != start + 25:
            return None
        scrambled = int(frame[start + 6 : start + 24], 16)
    except (ValueError, IndexError):
        return None
    seq = ((scrambled - _WAMID_OFFSETS[kind]) * _WAMID_INVERSE) % _WAMID_SPACE
    return seq if seq < _MAX_SEQUENCE else None  # another kind's id, or not ours


class _RandomText:
    """URL-safe random text handed out in slices, refilled from one `os.urandom` call per
    ~180 ids: every Graph answer takes two ids, so one system call each would show."""

    _REFILL_BYTES = 3 * 1024  # 4,096 characters of base64

    def __init__(self) -> None:
        self._text = ""
        self._at = 0

    def take(self, length: int) -> str:
        at = self._at
        if at + length > len(self._text):
            self._text = base64.urlsafe_b64encode(os.urandom(self._REFILL_BYTES)).decode()
            at = 0
        self._at = at + length
        return self._text[at : at + length]


_random_text = _RandomText()


def fbtrace_id() -> str:
    """A trace id in the shape of Meta's `fbtrace_id` and `x-fb-request-id` (e.g.
    `AXsgnV2Cm3ZMGF3dF_cfYIn`: "A" and 22 URL-safe characters)."""
    return "A" + _random_text.take(22)


def generated_bsuid(country: str, phone: str) -> str:
    """A stable BSUID for a user wamm created itself: `CC.` + 20 digits derived from the phone."""
    digits = int.from_bytes(hashlib.blake2b(phone.encode(), digest_size=8).digest(), "big")
    return f"{country}.{digits:020d}"


def template_namespace(seed: int, waba_id: str) -> str:
    raw = hashlib.blake2b(f"{seed}:ns:{waba_id}".encode(), digest_size=16).hexdigest()
    return f"{raw[:8]}_{raw[8:12]}_{raw[12:16]}_{raw[16:20]}_{raw[20:32]}"

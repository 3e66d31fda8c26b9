"""Identifier formats: Graph object ids, wamids, fbtrace ids, BSUIDs.

Object ids and wamids are derived from a durable sequence number and the RNG seed, so the same
seed and the same requests give the same ids, and a restart never reuses one.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string

_TRACE_ALPHABET = string.ascii_letters + string.digits + "-_"
_OBJECT_ID_SPAN = 9 * 10**14


def _digest(seed: int, kind: str, seq: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{kind}:{seq}".encode(), digest_size=16).digest()


def object_id(seed: int, kind: str, seq: int) -> str:
    """A 15-16 digit numeric id like Meta's (e.g. 1387372356726668)."""
    value = int.from_bytes(_digest(seed, kind, seq)[:8], "big") % _OBJECT_ID_SPAN
    return str(10**15 + value)


def wamid(seed: int, seq: int, recipient: str) -> str:
    """A message id in Meta's layout: base64 of a small frame holding the recipient and a hex id."""
    address = recipient.encode()[:250]
    hex_id = _digest(seed, "wamid", seq)[:9].hex().upper().encode()
    frame = b"\x1c\x18" + bytes([len(address)]) + address + b"\x15\x02\x00\x11\x18\x12" + hex_id
    return "wamid." + base64.b64encode(frame + b"\x00").decode()


def fbtrace_id() -> str:
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


def generated_bsuid(country: str, phone: str) -> str:
    """A stable BSUID for a user wamm created itself: `CC.` + 20 digits derived from the phone."""
    digits = int.from_bytes(hashlib.blake2b(phone.encode(), digest_size=8).digest(), "big")
    return f"{country}.{digits:020d}"


def template_namespace(seed: int, waba_id: str) -> str:
    raw = hashlib.blake2b(f"{seed}:ns:{waba_id}".encode(), digest_size=16).hexdigest()
    return f"{raw[:8]}_{raw[8:12]}_{raw[12:16]}_{raw[16:20]}_{raw[20:32]}"

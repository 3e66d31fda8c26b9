"""Phone numbers and business-scoped user ids (BSUIDs) as recipients.

Meta accepts `to` with `+`, `-`, `(`, `)` and spaces and reports the digits as `wa_id`. A BSUID
is `CC.` + up to 128 alphanumerics (CC = the user's ISO 3166 country); a parent BSUID for linked
portfolios is reported both as `CC.ENT.<digits>` and without `ENT`, so both forms are accepted.
"""

from __future__ import annotations

import re

import phonenumbers

_PHONE_PUNCTUATION = str.maketrans("", "", "+-() .")
_LEADING = frozenset("+(0123456789")
BSUID_RE = re.compile(r"^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$")
MIN_DIGITS, MAX_DIGITS = 6, 15
UNKNOWN_COUNTRY = "ZZ"


def normalize_phone(raw: str) -> str | None:
    """Digits of a phone number as Meta's `wa_id`, or None when it cannot be one: punctuation
    goes between digits, and only `+` or `(` may come first (`-5511...` is no number)."""
    text = raw.strip()
    if text[:1] not in _LEADING or text.rfind("+") > 0:
        return None
    digits = text.translate(_PHONE_PUNCTUATION)
    if digits.startswith("00"):
        digits = digits[2:]
    if not digits.isdigit() or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return digits


REGION_PREFIX_DIGITS = 6
MAX_REMEMBERED_REGIONS = 100_000  # of the million prefixes, more than real traffic meets
_regions_by_prefix: dict[str, str] = {}


def country_of(phone: str) -> str:
    """ISO 3166 alpha-2 region of an international number (digits only), or ZZ if unknown.

    Parsing a number costs tens of microseconds, and the region depends only on the calling
    code and the first digits after it, so regions are remembered per 6-digit prefix.
    """
    prefix = phone[:REGION_PREFIX_DIGITS]
    region = _regions_by_prefix.get(prefix)
    if region is None:
        if len(_regions_by_prefix) >= MAX_REMEMBERED_REGIONS:
            _regions_by_prefix.clear()  # forgetting costs only a parse per prefix
        region = _regions_by_prefix[prefix] = _parse_region(phone)
    return region


def _parse_region(phone: str) -> str:
    try:
        number = phonenumbers.parse("+" + phone)
    except phonenumbers.NumberParseException:
        return UNKNOWN_COUNTRY
    # Numbers outside allocated ranges have no region of their own: use the calling code's
    # main country (+44 -> GB, +1 -> US).
    region = phonenumbers.region_code_for_number(number)
    return region or phonenumbers.region_code_for_country_code(number.country_code or 0)


def calling_code(phone: str) -> str:
    """The country calling code of an international number (digits only), e.g. "1", "55"."""
    try:
        return str(phonenumbers.parse("+" + phone).country_code or "")
    except phonenumbers.NumberParseException:
        return ""


def is_bsuid(value: str) -> bool:
    return BSUID_RE.match(value) is not None

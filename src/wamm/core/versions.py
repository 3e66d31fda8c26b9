"""Graph API versions: the one default every part of wamm uses."""

from __future__ import annotations

import re

LATEST_API_VERSION = 25  # the newest major version wamm emulates; unversioned paths get it
DEFAULT_API_VERSION = f"v{LATEST_API_VERSION}.0"

_TRAILING_VERSION = re.compile(r"/(v\d+\.\d+)/*$")


def split_api_version(url: str) -> tuple[str, str | None]:
    """A base URL without a trailing `/vNN.N`, and that version if it had one.

    `http://127.0.0.1:8000/v25.0/` -> (`http://127.0.0.1:8000`, `v25.0`), so a Graph base URL
    pasted from the banner works wherever the API root is asked for."""
    found = _TRAILING_VERSION.search(url)
    if found is None:
        return url, None
    return url[: found.start()], found.group(1)

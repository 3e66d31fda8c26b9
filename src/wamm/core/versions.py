"""Graph API versions: the one default every part of wamm uses, and the wire shapes that
depend on the version (the table in docs/graph-api.md lists each change with its source).

A Graph call answers as the version in its path; an unversioned call as its app's default API
version, as Graph does. Webhooks are shaped by the app's webhook version instead, because they
are not answers to a request.
"""

from __future__ import annotations

import re

LATEST_API_VERSION = 25  # the newest major version wamm emulates
DEFAULT_API_VERSION = f"v{LATEST_API_VERSION}.0"

# The first version that sends the MM-only marketing refusal as 134100 instead of 131055.
MM_ONLY_MARKETING_CODE_SINCE = 23
# The first webhook version whose status webhooks leave out `conversation` (Meta keeps it only
# for free entry point messages: core/webhooks.py).
NO_CONVERSATION_SINCE = 24

_TRAILING_VERSION = re.compile(r"/(v\d+\.\d+)/*$")
_VERSION_NAME = re.compile(r"^v(\d+)\.0$")


def split_api_version(url: str) -> tuple[str, str | None]:
    """A base URL without a trailing `/vNN.N`, and that version if it had one.

    `http://127.0.0.1:8000/v25.0/` -> (`http://127.0.0.1:8000`, `v25.0`), so a Graph base URL
    pasted from the banner works wherever the API root is asked for."""
    found = _TRAILING_VERSION.search(url)
    if found is None:
        return url, None
    return url[: found.start()], found.group(1)


def version_name(major: int) -> str:
    return f"v{major}.0"


def parse_version_name(name: str) -> int | None:
    """The major version of `vNN.0` when wamm emulates it (NN up to the latest), else None."""
    found = _VERSION_NAME.match(name)
    if found is None or int(found[1]) > LATEST_API_VERSION:
        return None
    return int(found[1])


def status_has_conversation(webhook_version: int) -> bool:
    return webhook_version < NO_CONVERSATION_SINCE

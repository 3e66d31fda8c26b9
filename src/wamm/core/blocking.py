"""The Block Users API's rules (`/{phone_number_id}/block_users`), as Meta documents them.

A request names up to 1,000 users (`{"user": <phone or wa_id>}` or `{"user_id": <BSUID>}`);
each succeeds or fails on its own. A user can be blocked only if they wrote to the business in
the last 24 hours, never the business's own number, and a number's blocklist holds 64,000
users. Unblocking has no such limits. When some users fail, the answer is HTTP 400 with code
139100 and, beside the `error`, the lists of who was and who was not (un)blocked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import as_list, as_object, as_str, required
from wamm.core.content_cursor import check_keys
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.model import BlockedUser, PhoneNumber, User
from wamm.core.phones import normalize_phone

MAX_USERS_PER_REQUEST = 1000
BLOCKLIST_LIMIT = 64_000
BLOCK_WINDOW_SECONDS = 24 * 3600
_ENTRY_KEYS = frozenset({"user", "user_id"})
# Per-user failures: (code, message, details), in the words of Meta's block-users guide.
NOT_MESSAGED = (131047, "Re-engagement required", "User has not messaged in the last 24 hours")
SELF_BLOCK = (131021, "Self Block", "Failed to block self phone number.")
LIST_FULL = (139101, "Blocklist limit reached", "The blocklist has reached its 64,000 user limit.")


@dataclass(frozen=True)
class Target:
    """One user named by a block or unblock request."""

    input: str
    phone: str | None  # the digits of a `user` phone number (None for a BSUID or no number)
    bsuid: str | None  # a `user_id`


def read_targets(params: Mapping[str, Any]) -> list[Target]:
    if params.get("messaging_product") != "whatsapp":
        raise invalid_parameter("Param messaging_product must be 'whatsapp'.")
    entries = as_list(required(params, "block_users"), "block_users")
    if len(entries) > MAX_USERS_PER_REQUEST:
        raise GraphError(
            130429,
            f"Too many users in one request: at most {MAX_USERS_PER_REQUEST} may be named.",
        )
    return [_target(entry, f"block_users[{i}]") for i, entry in enumerate(entries)]


def _target(value: Any, field: str) -> Target:
    entry = as_object(value, field)
    check_keys(entry, _ENTRY_KEYS, field)
    if "user_id" in entry:
        bsuid = as_str(entry["user_id"], "block_users.user_id")
        return Target(input=bsuid, phone=None, bsuid=bsuid)
    text = as_str(required(entry, "user", "block_users."), "block_users.user")
    return Target(input=text, phone=normalize_phone(text), bsuid=None)


def refusal(
    phone: PhoneNumber,
    user: User | None,
    last_wrote_at: float | None,
    now: float,
    list_size: int,
) -> tuple[int, str, str] | None:
    """Why `user` cannot be blocked on `phone` (None: they can)."""
    if user is not None and user.phone == phone.display_phone_number:
        return SELF_BLOCK
    if user is None or last_wrote_at is None or now - last_wrote_at > BLOCK_WINDOW_SECONDS:
        return NOT_MESSAGED
    if list_size >= BLOCKLIST_LIMIT:
        return LIST_FULL
    return None


def user_entry(target: Target, user: User | None) -> dict[str, str]:
    """`{"input", "wa_id"}` for a user named by number, `{"input", "user_id"}` by BSUID."""
    entry = {"input": target.input}
    if user is not None and target.bsuid is None:
        entry["wa_id"] = user.phone
    if target.bsuid is not None:
        entry["user_id"] = target.bsuid
    return entry


def failed_entry(target: Target, user: User | None, reason: tuple[int, str, str]) -> dict[str, Any]:
    code, message, details = reason
    error = {"message": message, "code": code, "error_data": {"details": details}}
    return {**user_entry(target, user), "errors": [error]}


def answer(
    done_key: str, done: list[dict[str, Any]], failed: list[dict[str, Any]]
) -> dict[str, Any]:
    """The response: the lists, or (some users failed) a 139100 error carrying them."""
    outcome: dict[str, Any] = {done_key: done}
    if not failed:
        return {"messaging_product": "whatsapp", "block_users": outcome}
    outcome["failed_users"] = failed
    verb = "block" if done_key == "added_users" else "unblock"
    raise GraphError(
        139100,
        f"Failed to {verb} some users, see the block_users response list for details",
        beside={"messaging_product": "whatsapp", "block_users": outcome},
    )


def listed(block: BlockedUser) -> dict[str, str]:
    """One entry of `GET /{phone_number_id}/block_users`."""
    return {"messaging_product": "whatsapp", "wa_id": block.phone, "input": block.input}

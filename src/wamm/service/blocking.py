"""`/{phone_number_id}/block_users`: block, unblock and list the users a business blocked."""

from __future__ import annotations

from typing import Any

from wamm.core import blocking
from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.model import BlockedUser, PhoneNumber, User
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime


async def _user(rt: Runtime, target: blocking.Target) -> User | None:
    if target.bsuid is not None:
        return await rt.users.by_bsuid(target.bsuid)
    if target.phone is None:
        return None
    return rt.users.by_phone(target.phone, rt.now())[0]


async def block(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    rt, now = call.rt, call.rt.now()
    listed = rt.blocked.get(phone.id, {})
    added: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    new: dict[str, BlockedUser] = {}
    for target in blocking.read_targets(call.params):
        user = await _user(rt, target)
        wrote_at = rt.window_opened_at(phone.id, user.phone) if user else None
        reason = blocking.refusal(phone, user, wrote_at, now, len(listed) + len(new))
        if reason is not None or user is None:
            failed.append(blocking.failed_entry(target, user, reason or blocking.NOT_MESSAGED))
            continue
        if user.phone not in listed and user.phone not in new:
            seq = await rt.ids.next("block")
            new[user.phone] = BlockedUser(
                phone_number_id=phone.id,
                phone=user.phone,
                input=target.input,
                seq=seq,
                blocked_at=now,
            )
        added.append(blocking.user_entry(target, user))
    await rt.change_blocks(list(new.values()), [])
    return blocking.answer("added_users", added, failed)


async def unblock(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    rt = call.rt
    removed: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    gone: list[tuple[str, str]] = []
    for target in blocking.read_targets(call.params):
        user = await _user(rt, target)
        if user is None:
            failed.append(blocking.failed_entry(target, None, blocking.NOT_MESSAGED))
            continue
        gone.append((phone.id, user.phone))
        removed.append(blocking.user_entry(target, user))
    await rt.change_blocks([], gone)
    return blocking.answer("removed_users", removed, failed)


def _position(block: BlockedUser) -> int:
    return block.seq


async def list_blocked(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """The number's blocklist, most recently blocked first, paged by cursor."""
    blocks = sorted(call.rt.blocked.get(phone.id, {}).values(), key=_position, reverse=True)
    page = paginate(blocks, _position, page_request(call.query))
    data = [blocking.listed(block) for block in page.items]
    return paged_body(data, page, _position, call.url, call.query)

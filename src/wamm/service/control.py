"""Use cases behind the control API (`/_wamm/...`): state inspection and simulation knobs."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from wamm.core import inbound as inbound_rules
from wamm.core import pricing
from wamm.core.coerce import as_int, as_str
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.fields import decode_cursor, encode_cursor
from wamm.core.model import Business, Message, PhoneNumber, User
from wamm.core.phones import normalize_phone
from wamm.core.recipients import current_status
from wamm.service import account_events, events, nodes, partners, receipts
from wamm.service import inbound as inbound_use_case
from wamm.service.runtime import Runtime
from wamm.store.base import InboundQuery, MessageQuery

MAX_PAGE = 1000
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166 alpha-2
SCAN_CHUNK = 1000
STATUS_SCAN = 5000  # messages a status-filtered page reads at most


def _limit(query: dict[str, str]) -> int:
    limit = as_int(query.get("limit", 100), "limit")
    if not 1 <= limit <= MAX_PAGE:
        raise invalid_parameter(f"limit must be between 1 and {MAX_PAGE}.")
    return limit


def message_view(message: Message, now: float) -> dict[str, Any]:
    recipient: dict[str, Any] = {"input": message.recipient_input}
    if message.recipient_phone:
        recipient["wa_id"] = message.recipient_phone
    if message.recipient_bsuid:
        recipient["user_id"] = message.recipient_bsuid
    template = None
    if message.template_name is not None:
        template = {
            "id": message.template_id,
            "name": message.template_name,
            "language": message.template_language,
            "category": message.template_category,
        }
    return {
        "wamid": message.wamid,
        "phone_number_id": message.phone_number_id,
        "waba_id": message.waba_id,
        "endpoint": message.endpoint,
        "type": message.type,
        "recipient": recipient,
        "template": template,
        "route": message.route,
        "pricing_category": message.pricing_category,
        "pricing_type": pricing.pricing_type(
            message.pricing_category, message.in_window, message.entry_point_until is not None
        ),
        "entry_point_expires_at": _whole(message.entry_point_until),
        "status": current_status(message.events, now, message.status),
        "timestamp": int(message.created_at),
        "product_policy": message.product_policy,
        "message_activity_sharing": message.message_activity_sharing,
        "biz_opaque_callback_data": message.biz_opaque_callback_data,
        "payload": message.payload,
        "events": [
            {"status": e.status, "timestamp": int(e.at), "error_code": e.error_code}
            if e.error_code is not None
            else {"status": e.status, "timestamp": int(e.at)}
            for e in message.events
        ],
    }


def _whole(at: float | None) -> int | None:
    return None if at is None else int(at)


async def find_messages(
    rt: Runtime, query: dict[str, str], now: float
) -> tuple[list[Message], int | None]:
    """Messages newest first, and the cursor (a seq) the next page starts after, or None.

    The store filters by phone number, recipient, route, wamid and template name, walking an
    index newest first. `status` is the status at `now`, computed from each message's planned
    events, so a status-filtered page reads at most STATUS_SCAN messages: when they run out
    before the page is full, the page is shorter and its cursor goes on from the last message
    read (every page answers in bounded time, however many messages are stored)."""
    limit = _limit(query)
    after = query.get("after")
    status = query.get("status")
    store_query = MessageQuery(
        limit=limit + 1 if status is None else SCAN_CHUNK,
        after_seq=decode_cursor(after, "after") if after else None,
        phone_number_id=query.get("phone_number_id"),
        recipient=query.get("recipient"),
        route=query.get("route"),
        wamid=query.get("wamid"),
        template=query.get("template"),
    )
    if status is None:
        found = await rt.store.list_messages(store_query)
        return found[:limit], found[limit - 1].seq if len(found) > limit else None
    page: list[Message] = []
    for _ in range(STATUS_SCAN // SCAN_CHUNK):
        chunk = await rt.store.list_messages(store_query)
        for message in chunk:
            if current_status(message.events, now, message.status) == status:
                if len(page) == limit:
                    return page, page[-1].seq
                page.append(message)
        if len(chunk) < SCAN_CHUNK:
            return page, None
        store_query.after_seq = chunk[-1].seq
    return page, store_query.after_seq


async def list_messages(rt: Runtime, query: dict[str, str]) -> dict[str, Any]:
    """The control API's message listing (see `find_messages`)."""
    now = rt.now()
    page, next_after = await find_messages(rt, query, now)
    body: dict[str, Any] = {"data": [message_view(m, now) for m in page]}
    if next_after is not None:
        body["paging"] = {"cursors": {"after": encode_cursor(next_after)}}
    return body


async def list_inbound(rt: Runtime, query: dict[str, str]) -> dict[str, Any]:
    """The messages users sent, newest first, with their read state."""
    limit = _limit(query)
    after = query.get("after")
    found = await rt.store.list_inbound(
        InboundQuery(
            limit=limit + 1,
            after_seq=decode_cursor(after, "after") if after else None,
            phone_number_id=query.get("phone_number_id"),
            user_phone=query.get("from"),
        )
    )
    page = found[:limit]
    body: dict[str, Any] = {"data": [await receipts.inbound_view(rt, m) for m in page]}
    if len(found) > limit:
        body["paging"] = {"cursors": {"after": encode_cursor(page[-1].seq)}}
    return body


def user_view(user: User) -> dict[str, Any]:
    return msgspec.structs.asdict(user)


async def list_users(rt: Runtime, query: dict[str, str]) -> dict[str, Any]:
    limit = _limit(query)
    users = await rt.store.list_users(limit + 1, query.get("after"))
    page = users[:limit]
    body: dict[str, Any] = {"data": [user_view(u) for u in page]}
    if len(users) > limit:
        body["paging"] = {"cursors": {"after": page[-1].phone}}
    return body


async def set_mm_terms(rt: Runtime, business: Business, body: dict[str, Any]) -> dict[str, Any]:
    state = as_str(body.get("state"), "state").lower()
    updated = await partners.set_terms(rt, business, state)
    wabas = [w.id for w in rt.catalog.wabas.values() if w.business_id == business.id]
    return {
        "id": business.id,
        "mm_terms": state,
        "marketing_messages_onboarding_status": nodes.business_onboarding(updated),
        "wabas": wabas,
    }


# --- simulated users ------------------------------------------------------------------------


def _phone_number(rt: Runtime, body: dict[str, Any]) -> PhoneNumber:
    phone_number_id = as_str(body.get("phone_number_id"), "phone_number_id")
    phone = rt.catalog.phone_numbers.get(phone_number_id)
    if phone is None:
        raise invalid_parameter(f"Unknown phone_number_id {phone_number_id}.")
    return phone


async def user_by_phone(rt: Runtime, raw: Any, name: str = "from") -> User:
    """The user of a phone number, created if wamm has not met it yet."""
    text = as_str(raw, name)
    phone = normalize_phone(text)
    if phone is None:
        raise invalid_parameter(f"{name} must be a phone number, got '{text}'.")
    user, needs_insert = rt.users.by_phone(phone, rt.now())
    if needs_insert:
        await rt.store.write([user])
    return user


async def update_user(rt: Runtime, raw_phone: str, body: dict[str, Any]) -> dict[str, Any]:
    """Change what wamm simulates of a user (`country`: ISO 3166, which prices its messages
    by Meta's per-country rules, `core.pricing`); the user is kept from then on."""
    user = await user_by_phone(rt, raw_phone, "phone")
    unknown = sorted(set(body) - {"country"})
    if unknown:
        raise invalid_parameter(f"Param {unknown[0]} is not a known parameter.")
    country = user.country
    if "country" in body:
        country = as_str(body["country"], "country").upper()
        if not COUNTRY.fullmatch(country):
            raise invalid_parameter(
                f"Param country must be an ISO 3166 alpha-2 code, got '{body['country']}'."
            )
    updated = msgspec.structs.replace(user, country=country)
    await rt.store.write([updated])
    rt.users.remember(updated)
    return user_view(updated)


def dropped(phone: PhoneNumber, user: User) -> dict[str, Any]:
    """What a user the number blocked writes goes nowhere, as at Meta: no webhook, no window."""
    return {
        "phone_number_id": phone.id,
        "from": user.phone,
        "user_id": user.bsuid,
        "dropped": "the business blocked this user",
    }


async def inbound(rt: Runtime, body: dict[str, Any], origin: str) -> dict[str, Any]:
    """The user sends a message of any type to the business number (`core.inbound`): opens the
    24-hour service window and is delivered as an inbound `messages` webhook."""
    phone = _phone_number(rt, body)
    user = await user_by_phone(rt, body.get("from"))
    request = inbound_rules.parse(body)
    if rt.is_blocked(phone.id, user.phone):
        return dropped(phone, user)
    return await inbound_use_case.send(rt, phone, user, request, origin)


async def sent_message(rt: Runtime, wamid: str) -> tuple[Message, PhoneNumber, User]:
    message = await rt.store.get_message(wamid)
    if message is None:
        raise GraphError(100, f"No message with id {wamid}.", http_status=404)
    if message.recipient_phone is None:
        raise invalid_parameter(f"Message {wamid} was not addressed to a known user.")
    user, _ = rt.users.by_phone(message.recipient_phone, rt.now())
    return message, rt.catalog.phone_numbers[message.phone_number_id], user


async def reply(rt: Runtime, wamid: str, body: dict[str, Any]) -> dict[str, Any]:
    message, phone, user = await sent_message(rt, wamid)
    text = as_str(body.get("text", "Yes"), "text")
    payload = as_str(body.get("payload", text), "payload")
    if rt.is_blocked(phone.id, user.phone):
        return dropped(phone, user)
    return await events.quick_reply(rt, phone, user, message, text, payload)


async def click(rt: Runtime, wamid: str, body: dict[str, Any]) -> dict[str, Any]:
    message, phone, user = await sent_message(rt, wamid)
    component = as_str(body.get("component", "cta"), "component")
    return await events.link_click(rt, phone, user, message, component)


async def marketing_preference(rt: Runtime, raw_phone: str, body: dict[str, Any]) -> dict[str, Any]:
    phone = _phone_number(rt, body)
    user = await user_by_phone(rt, raw_phone, "phone")
    action = as_str(body.get("action"), "action").lower()
    if action not in ("stop", "resume"):
        raise invalid_parameter(f"action must be stop or resume, got '{action}'.")
    stops = action == "stop" and phone.waba_id not in user.marketing_stopped
    updated = await events.marketing_preference(rt, phone, user, action == "stop")
    if stops:  # a marketing opt-out is negative feedback on the number
        await account_events.negative_feedback(rt, phone)
    return {"phone": updated.phone, "marketing_stopped": updated.marketing_stopped}

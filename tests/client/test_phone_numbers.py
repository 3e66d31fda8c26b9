"""The SDK's phone number calls (registration, two-step PIN, business profile, blocklist)
against an in-process wamm."""

from __future__ import annotations

import httpx
import pytest

from tests import seed_data as sd
from wamm.client import AsyncClient, BlockUsersError, RegistrationError, SendError
from wamm.client.models import BlockLists, BlockOutcome, BlockUsersResult, BusinessProfile

PHONE = sd.SIGNED_PHONE


async def test_registration_round_trip(aclient: AsyncClient) -> None:
    assert (await aclient.deregister_phone_number(PHONE)).success
    with pytest.raises(SendError) as refused:
        await aclient.send_message(PHONE, "text", {"body": "hi"}, to=sd.BR_PHONE)
    assert refused.value.code == 133010
    assert (await aclient.register_phone_number(PHONE, "112233")).success
    with pytest.raises(RegistrationError) as mismatch:
        await aclient.register_phone_number(PHONE, "445566")
    assert mismatch.value.code == 133005
    assert (await aclient.set_two_step_pin(PHONE, "445566")).success
    assert (await aclient.register_phone_number(PHONE, "445566")).success
    node = await aclient.get_phone_number(PHONE, fields=["is_pin_enabled", "platform_type"])
    assert (node.is_pin_enabled, node.platform_type) == (True, "CLOUD_API")


async def test_verification_code(aclient: AsyncClient) -> None:
    await aclient.deregister_phone_number(PHONE)
    assert (await aclient.request_verification_code(PHONE, "VOICE", "en_US")).success
    with pytest.raises(RegistrationError) as wrong:
        await aclient.verify_code(PHONE, "999999")
    assert wrong.value.code == 136025
    assert (await aclient.verify_code(PHONE, sd.SIGNED_DISPLAY[-6:])).success


async def test_business_profile(aclient: AsyncClient) -> None:
    updated = await aclient.update_business_profile(
        PHONE, about="Anvils", vertical="RETAIL", websites=["https://acme.test"]
    )
    assert updated.success
    assert await aclient.get_business_profile(PHONE) == BusinessProfile(
        about="Anvils", vertical="RETAIL", websites=["https://acme.test"]
    )
    assert await aclient.get_business_profile(PHONE, fields=["about"]) == BusinessProfile(
        about="Anvils"
    )


async def test_blocklist(aclient: AsyncClient, control: httpx.AsyncClient) -> None:
    await control.post("/_wamm/inbound", json={"phone_number_id": PHONE, "from": sd.BR_PHONE})
    blocked = await aclient.block_users(PHONE, [sd.BR_PHONE])
    outcome = [BlockOutcome(input=sd.BR_PHONE, wa_id=sd.BR_PHONE)]
    assert blocked == BlockUsersResult(block_users=BlockLists(added_users=outcome))
    assert [u.wa_id async for u in aclient.iter_blocked_users(PHONE)] == [sd.BR_PHONE]
    with pytest.raises(BlockUsersError) as partly:
        await aclient.block_users(PHONE, ["5511900000009"])
    assert partly.value.code == 139100
    unblocked = await aclient.unblock_users(PHONE, [sd.BR_PHONE])
    assert unblocked == BlockUsersResult(block_users=BlockLists(removed_users=outcome))
    assert (await aclient.list_blocked_users(PHONE, limit=10)).data == []

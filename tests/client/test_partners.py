"""The SDK's partner operations against an in-process wamm: client WABAs filtered on their
onboarding status, the intent API and its duplicate error, max price enrolment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.client.conftest import BASE_URL, FakeClock, no_jitter
from wamm.client import AsyncClient, PartnerError
from wamm.client.models import (
    EndBusinessResult,
    EndBusinessResults,
    MaxPriceAgreement,
    MaxPriceEndBusiness,
)
from wamm.server.app import build_app
from wamm.service.runtime import Runtime


@pytest.fixture(name="seed_document")
def seed_document_fixture() -> dict[str, Any]:
    return sd.with_partners(sd.seed())


async def _client(runtime: Runtime, clock: FakeClock, token: str) -> AsyncClient:
    return AsyncClient(
        token,
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=build_app(runtime)),
        retry=no_jitter(1),
        clock=clock,
        sleep=clock.asleep,
    )


@pytest.fixture
async def partner(runtime: Runtime, clock: FakeClock) -> AsyncIterator[AsyncClient]:
    async with await _client(runtime, clock, sd.PARTNER_TOKEN) as client:
        yield client


async def test_eligible_client_wabas(partner: AsyncClient) -> None:
    page = await partner.list_client_wabas(sd.PARTNER_BUSINESS, onboarding_status=["ELIGIBLE"])
    assert [(w.id, w.marketing_messages_onboarding_status) for w in page.data] == [
        (sd.REQUESTED_WABA, "ELIGIBLE"),
        (sd.NOT_STARTED_WABA, "ELIGIBLE"),
    ]
    everyone = [w.id async for w in partner.iter_client_wabas(sd.PARTNER_BUSINESS, limit=1)]
    assert len(everyone) == 4
    owned = await partner.list_owned_wabas(sd.SIGNED_BUSINESS, fields=["name"])
    assert [(w.id, w.name) for w in owned.data] == [(sd.SIGNED_WABA, "Acme WA")]


async def test_the_intent_api_and_its_duplicate(
    partner: AsyncClient, runtime: Runtime, clock: FakeClock
) -> None:
    first = await partner.onboard_to_marketing_messages(sd.NOT_STARTED_BUSINESS)
    again = await partner.onboard_to_marketing_messages(sd.NOT_STARTED_BUSINESS, solution_id="123")
    assert again == first
    async with await _client(runtime, clock, sd.OTHER_PARTNER_TOKEN) as other:
        with pytest.raises(PartnerError) as raised:
            await other.onboard_to_marketing_messages(sd.NOT_STARTED_BUSINESS)
    assert raised.value.code == 1752041


async def test_max_price_enrolment(partner: AsyncClient, control: httpx.AsyncClient) -> None:
    business = sd.PARTNER_BUSINESS
    assert await partner.get_max_price_agreement(business) == MaxPriceAgreement(status="none")
    sent = await partner.request_max_price_agreement(business, "Jane Doe", "jane@bsp.example")
    assert (sent.status, sent.message) == ("pending", "Agreement email sent to jane@bsp.example")
    accepted = await control.post(f"/_wamm/businesses/{business}/max_price_agreement")
    assert accepted.status_code == 200, accepted.text
    enrolled = await partner.enrol_max_price_end_businesses(business, [sd.SIGNED_BUSINESS])
    assert enrolled == EndBusinessResults(
        results=[EndBusinessResult(end_business_id=sd.SIGNED_BUSINESS, status="enrolled")]
    )
    listed = await partner.list_max_price_end_businesses(business)
    assert listed.data == [
        MaxPriceEndBusiness(
            end_business_id=sd.SIGNED_BUSINESS,
            end_business_name="Acme",
            enrolled_time="2026-01-01T00:00:00+0000",
        )
    ]
    removed = await partner.remove_max_price_end_businesses(business, [sd.SIGNED_BUSINESS])
    assert [r.status for r in removed.results] == ["removed"]

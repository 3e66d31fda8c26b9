"""`send_campaign` from sync and async code: per-recipient results, routes, summary,
idempotent re-runs and pacing within the rate limit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.client.conftest import BASE_URL, SyncWamm, no_jitter
from wamm.client import (
    AsyncClient,
    CampaignRecipient,
    Client,
    MarketingTemplatesDisabledError,
    RateLimit,
    TemplateMessage,
    ValidationError,
)
from wamm.client import parameters as p
from wamm.server.app import build_app
from wamm.service.runtime import Runtime

SALE = TemplateMessage("summer_sale", components=[p.body(p.text("friend"), p.text("20%"))])
RECIPIENTS: list[str | CampaignRecipient] = [
    sd.BR_PHONE,
    "5511900000001",
    "not-a-number",
    sd.BR_BSUID,
    CampaignRecipient(
        to="5511900000002",
        components=[p.body(p.text("Bia"), p.text("30%"))],
        biz_opaque_callback_data="vip",
    ),
]


def check_report(report: Any) -> None:
    assert [r.accepted for r in report.results] == [True, True, False, True, True]
    assert [r.recipient for r in report.results][2:4] == ["not-a-number", sd.BR_BSUID]
    failed = report.failures()
    assert len(failed) == 1 and isinstance(failed[0].error, ValidationError)
    assert all(r.wamid and r.route == "marketing_messages" for r in report.results if r.accepted)
    summary = report.summary
    assert (summary.total, summary.accepted, summary.failed) == (5, 4, 1)
    assert summary.routes == {"marketing_messages": 4}
    assert summary.errors == {"ValidationError": 1}


async def test_async_campaign(aclient: AsyncClient, control: httpx.AsyncClient) -> None:
    report = await aclient.send_campaign(
        sd.SIGNED_PHONE, SALE, RECIPIENTS, waba_id=sd.SIGNED_WABA, concurrency=3
    )
    check_report(report)
    vip = report.results[4].wamid
    view = (await control.get(f"/_wamm/messages/{vip}")).json()
    assert view["biz_opaque_callback_data"] == "vip"
    assert view["payload"]["components"][0]["parameters"][0]["text"] == "Bia"


def test_sync_campaign(client: Client, sync_wamm: SyncWamm) -> None:
    report = client.send_campaign(
        sd.SIGNED_PHONE, SALE, RECIPIENTS, waba_id=sd.SIGNED_WABA, concurrency=3
    )
    check_report(report)
    assert len(sync_wamm.control("GET", "/messages")["data"]) == 4


@pytest.mark.parametrize(
    ("phone", "options", "route"),
    [
        (sd.NOT_STARTED_PHONE, {"waba_id": sd.NOT_STARTED_WABA}, "cloud_api"),
        (sd.NOT_STARTED_PHONE, {"marketing": False}, "cloud_api"),
        (sd.SIGNED_PHONE, {"product_policy": "STRICT"}, "marketing_messages"),
        (sd.SIGNED_PHONE, {}, "unknown"),
    ],
)
async def test_routes(
    aclient: AsyncClient, phone: str, options: dict[str, Any], route: str
) -> None:
    report = await aclient.send_campaign(phone, SALE, [sd.BR_PHONE, sd.US_PHONE], **options)
    assert report.summary.routes == {route: 2}


async def test_failures_are_per_recipient(aclient: AsyncClient) -> None:
    await aclient.update_waba(sd.REQUESTED_WABA, disable_marketing_messages_on_cloud_api=True)
    report = await aclient.send_campaign(
        sd.REQUESTED_PHONE,
        SALE,
        [sd.BR_PHONE, sd.US_PHONE],
        bid_multiplier=1.2,
        message_activity_sharing=True,
    )
    assert report.summary.errors == {"MarketingTemplatesDisabledError": 2}
    assert all(isinstance(r.error, MarketingTemplatesDisabledError) for r in report.results)


async def test_rerunning_a_campaign_sends_only_what_was_not_accepted(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    first = await aclient.send_campaign(
        sd.SIGNED_PHONE, SALE, [sd.BR_PHONE, "bad"], campaign_id="spring"
    )
    second = await aclient.send_campaign(
        sd.SIGNED_PHONE, SALE, [sd.BR_PHONE, "bad", sd.US_PHONE], campaign_id="spring"
    )
    assert second.results[0].wamid == first.results[0].wamid
    assert [r.accepted for r in second.results] == [True, False, True]
    assert len((await control.get("/_wamm/messages")).json()["data"]) == 2
    assert aclient.ledger.state(f"spring:{sd.BR_PHONE}") == "accepted"


def paced() -> dict[str, Any]:
    """2 sends per second, no burst, on a clock that stands still: waits add up."""
    return {"clock": lambda: 1000.0, "rate_limit": RateLimit(per_second=2, burst=1)}


async def test_async_campaign_is_paced_by_the_rate_limit(runtime: Runtime) -> None:
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    client = AsyncClient(
        sd.TOKEN,
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=build_app(runtime)),
        retry=no_jitter(),
        sleep=record,
        **paced(),
    )
    async with client:
        recipients = [f"55119000003{i}" for i in range(4)]
        report = await client.send_campaign(sd.SIGNED_PHONE, SALE, recipients, concurrency=4)
    assert report.summary.accepted == 4
    assert sorted(sleeps) == [0.5, 1.0, 1.5]


def test_sync_campaign_is_paced_by_the_rate_limit(sync_wamm: SyncWamm) -> None:
    sleeps: list[float] = []
    with Client(
        sd.TOKEN,
        base_url=BASE_URL,
        transport=sync_wamm.transport,
        retry=no_jitter(),
        sleep=sleeps.append,
        **paced(),
    ) as client:
        recipients = [f"55119000004{i}" for i in range(4)]
        report = client.send_campaign(sd.SIGNED_PHONE, SALE, recipients, concurrency=4)
    assert report.summary.accepted == 4
    assert sorted(sleeps) == [0.5, 1.0, 1.5]


def test_campaign_arguments() -> None:
    with Client("t") as client, pytest.raises(ValueError, match="concurrency"):
        client.send_campaign("1", SALE, [], concurrency=0)
    assert CampaignRecipient.of(sd.BR_BSUID).recipient == sd.BR_BSUID
    assert CampaignRecipient.of(sd.BR_PHONE).address == sd.BR_PHONE

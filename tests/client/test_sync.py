"""The blocking Client on an in-process wamm: the same operations, driven synchronously."""

from __future__ import annotations

import pytest

from tests import seed_data as sd
from tests.client.conftest import FakeClock, SyncWamm
from wamm.client import (
    AmbiguousSendError,
    Body,
    Client,
    NetworkError,
    PricingAnalyticsQuery,
    RateLimitError,
    TemplateAnalyticsQuery,
    TemplateDefinition,
    TemplateEdit,
    TemplateError,
    TemplateMessage,
    TemplateQuery,
)
from wamm.client import parameters as p

SALE = TemplateMessage("summer_sale", components=[p.body(p.text("Ana"), p.text("20%"))])


def test_template_lifecycle(client: Client, sync_wamm: SyncWamm) -> None:
    created = client.create_template(
        sd.SIGNED_WABA,
        TemplateDefinition(
            "sync_sale", "en_US", "MARKETING", [Body("Hello there, {{1}}!", example=["Ana"])]
        ),
    )
    names = [t.name for t in client.iter_templates(sd.SIGNED_WABA, TemplateQuery(limit=3))]
    assert names[0] == "sync_sale" and len(names) == 8
    assert (
        client.list_templates(sd.SIGNED_WABA, TemplateQuery(name="sync")).data[0].id == created.id
    )
    assert client.get_template(created.id).status == "APPROVED"
    edit = TemplateEdit(components=[Body("Hello again, {{1}}!", example=["Ana"])])
    assert client.edit_template(created.id, edit).success
    sync_wamm.control("POST", f"/templates/{created.id}/quality", json={"score": "RED"})
    assert client.unpause_template(created.id).success
    assert client.delete_template(sd.SIGNED_WABA, name="sync_sale").success


def test_accounts_and_analytics(client: Client) -> None:
    assert client.get_waba(sd.SIGNED_WABA).marketing_messages_onboarding_status == "ONBOARDED"
    assert client.update_waba(sd.SIGNED_WABA, is_enabled_for_insights=True).id == sd.SIGNED_WABA
    business = client.get_business(sd.NOT_STARTED_BUSINESS)
    assert business.marketing_messages_onboarding_status is not None
    assert business.marketing_messages_onboarding_status.status == "NOT_STARTED"
    assert [n.id for n in client.iter_phone_numbers(sd.SIGNED_WABA)] == [sd.SIGNED_PHONE]
    assert client.list_phone_numbers(sd.SIGNED_WABA).data[0].verified_name == "Acme WA"
    assert client.get_phone_number(sd.SIGNED_PHONE).quality_rating == "GREEN"
    assert client.list_subscribed_apps(sd.SIGNED_WABA).data
    assert client.unsubscribe_app(sd.SIGNED_WABA).success
    assert client.subscribe_app(sd.SIGNED_WABA).success
    sale_id = client.list_templates(sd.SIGNED_WABA, TemplateQuery(name="summer_sale")).data[0].id
    query = TemplateAnalyticsQuery(start="2026-01-01", end="2026-01-02", template_ids=[sale_id])
    assert client.template_analytics(sd.SIGNED_WABA, query).data[0].granularity == "DAILY"
    pricing = client.pricing_analytics(
        sd.SIGNED_WABA, PricingAnalyticsQuery(start="2026-01-01", end="2026-01-02")
    )
    assert pricing.data[0].data_points == []


def test_sends_and_errors(client: Client, sync_wamm: SyncWamm, clock: FakeClock) -> None:
    assert client.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE).wamid
    assert client.send_template(sd.SIGNED_PHONE, SALE, recipient=sd.BR_BSUID).wamid
    sync_wamm.control(
        "POST", "/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    assert client.send_message(sd.SIGNED_PHONE, "text", {"body": "Hi"}, to=sd.BR_PHONE).wamid
    with pytest.raises(TemplateError):
        client.send_template(sd.SIGNED_PHONE, TemplateMessage("nope"), to=sd.BR_PHONE)
    sync_wamm.control("POST", "/seed", json={"settings": {"pair_limit": {"burst": 1}}})
    client.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)  # the bucket now holds one
    with pytest.raises(RateLimitError):
        client.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    assert clock.sleeps == [1.0, 4.0, 16.0]  # wamm's manual clock did not move: all fail


def test_unreachable_server_send_is_retried_then_fails(clock: FakeClock) -> None:
    with (
        Client(
            "t", base_url="http://127.0.0.1:9", clock=clock, sleep=clock.sleep, rate_limit=None
        ) as client,
        pytest.raises(NetworkError) as raised,
    ):
        client.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    assert not isinstance(raised.value, AmbiguousSendError)
    assert len(clock.sleeps) == 3

"""Errors you cannot trigger on demand at Meta, and business-scoped user IDs (BSUIDs)."""

from __future__ import annotations

import pytest

from wamm.client import (
    BSUIDNotSupportedError,
    Client,
    MarketingTemplatesDisabledError,
    TemplateMessage,
)
from wamm.client import parameters as p
from wamm.testing.plugin import WammClock
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

ANA_PHONE = "5511987654321"
ANA_BSUID = "BR.13491208655302741918"  # Ana's business-scoped user ID in the demo seed
US_PHONE = "16505551234"  # Meta does not deliver marketing templates to US numbers
BODY_ONLY_SALE = TemplateMessage("summer_sale", "en_US", [p.body(p.text("Ana"), p.text("20%"))])


def test_131063_when_marketing_is_disabled_on_the_cloud_api(wamm_server: WammServer) -> None:
    initech = wamm_server.ids_for("Initech")  # requested MM onboarding, disabled marketing
    with wamm_server.client() as client, pytest.raises(MarketingTemplatesDisabledError) as raised:
        client.send_marketing(initech.phone_number_id, BODY_ONLY_SALE, to=ANA_PHONE)
    assert raised.value.code == 131063
    assert raised.value.http_status == 400


def test_a_bsuid_recipient_is_echoed_in_the_webhooks(
    wamm_server: WammServer,
    wamm_client: Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    sale = TemplateMessage("max_price_promo", "en_US", [p.body(p.text("Ana"))])
    with pytest.raises(BSUIDNotSupportedError):  # 131062: a max-price template to a BSUID
        wamm_client.send_marketing(wamm_server.phone_number_id, sale, recipient=ANA_BSUID)

    flash = TemplateMessage(
        "flash_deal",
        "en_US",
        [p.body(p.text("Ana", name="first_name"), p.text("SAVE10", name="code"))],
    )
    sent = wamm_client.send_marketing(wamm_server.phone_number_id, flash, recipient=ANA_BSUID)
    assert sent.contacts[0].user_id == ANA_BSUID

    wamm_clock.advance(60)

    delivered = [u for u in wamm_webhooks.status_updates() if u.status.status == "delivered"]
    assert delivered[0].status.recipient_user_id == ANA_BSUID
    assert delivered[0].contact is not None and delivered[0].contact.wa_id == ANA_PHONE


def test_131049_arrives_as_a_failed_status(
    wamm_server: WammServer,
    wamm_client: Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    sale = TemplateMessage("max_price_promo", "en_US", [p.body(p.text("Jessica"))])
    sent = wamm_client.send_marketing(wamm_server.phone_number_id, sale, to=US_PHONE)
    assert sent.messages[0].message_status == "accepted"  # the send itself succeeds

    wamm_clock.advance(60)

    (failed,) = [u for u in wamm_webhooks.status_updates() if u.status.id == sent.wamid]
    assert failed.status.status == "failed"
    assert failed.error is not None and failed.error.code == 131049

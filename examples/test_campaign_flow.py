"""A marketing campaign through the wamm SDK, checked the way Meta lets you check it: by the
status webhooks, which carry the route and the pricing of every message.

The fixtures come from the wamm pytest plugin (installed with wamm). `wamm_server` is reset to
the demo seed before each test: Acme is onboarded to Marketing Messages, Globex never started
onboarding, Initech disabled marketing on the Cloud API. Its clock is manual: time only moves
with `wamm_clock.advance(...)`, which also delivers the webhooks that fell due.
"""

from __future__ import annotations

from wamm.client import CampaignRecipient, Client, TemplateMessage
from wamm.client import parameters as p
from wamm.testing.plugin import WammClock
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

ANA = "5511987654321"  # a Brazilian user of the demo seed
OLIVER = "447700900123"  # a British one
# Acme's summer_sale: "Hi {{1}}, enjoy {{2}} off everything this week!" and a URL button.
SALE = TemplateMessage(
    "summer_sale",
    "en_US",
    [p.body(p.text("Ana"), p.text("20%")), p.button(0, "url", p.text("summer"))],
)


def test_a_marketing_message_is_delivered_and_priced_as_marketing_lite(
    wamm_server: WammServer,
    wamm_client: Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    sent = wamm_client.send_marketing(wamm_server.phone_number_id, SALE, to=ANA)

    wamm_clock.advance(3600)  # an hour later: sent, delivered and read have been posted

    updates = [u for u in wamm_webhooks.status_updates() if u.status.id == sent.wamid]
    assert [u.status.status for u in updates] == ["sent", "delivered", "read"]
    assert {u.route for u in updates} == {"marketing_messages"}
    assert {u.status.pricing.category for u in updates if u.status.pricing} == {"marketing_lite"}


def test_a_campaign_reports_every_recipient(
    wamm_server: WammServer,
    wamm_client: Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    report = wamm_client.send_campaign(
        wamm_server.phone_number_id,
        SALE,
        [ANA, OLIVER, CampaignRecipient(to="not-a-number")],
        waba_id=wamm_server.waba_id,  # read once, so that each result knows its route
        campaign_id="summer-1",  # sending it again sends nothing twice
        concurrency=4,
    )
    assert report.summary.accepted == 2
    assert report.summary.routes == {"marketing_messages": 2}
    assert [r.recipient for r in report.failures()] == ["not-a-number"]  # refused locally

    wamm_clock.advance(3600)

    read = {s["recipient_id"] for s in wamm_webhooks.statuses() if s["status"] == "read"}
    assert read == {ANA, OLIVER}


def test_a_business_not_onboarded_falls_back_to_the_cloud_api(
    wamm_server: WammServer, wamm_webhooks: ThreadedReceiver, wamm_clock: WammClock
) -> None:
    globex = wamm_server.ids_for("Globex")  # its summer_sale has no button
    sale = TemplateMessage("summer_sale", "en_US", [p.body(p.text("Ana"), p.text("20%"))])
    with wamm_server.client() as client:
        sent = client.send_marketing(globex.phone_number_id, sale, to=ANA)

    wamm_clock.advance(60)

    stored = wamm_server.control.message(sent.wamid)  # what wamm recorded, via the control API
    assert (stored["route"], stored["pricing_category"]) == ("cloud_api", "marketing")
    (first, *_) = wamm_webhooks.wait_for(lambda hooks: hooks.status_updates())
    assert first.route == "cloud_api"

"""pywa, unchanged, against wamm: `wamm_server.point_pywa(wa)` re-points its client (pywa has
no base-URL option); the rest is the pywa code you ship."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from wamm.testing.plugin import WammClock
from wamm.testing.seeds import WammIds
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

pywa = pytest.importorskip("pywa")
pywa_errors = pytest.importorskip("pywa.errors")
templates = pytest.importorskip("pywa.types.templates")

ANA = "5511987654321"


@pytest.fixture
def session() -> Iterator[httpx.Client]:
    """The HTTP session pywa uses, closed after the test."""
    with httpx.Client() as client:
        yield client


def whatsapp(server: WammServer, ids: WammIds, session: httpx.Client) -> Any:
    """A pywa client for one business of the seed, pointed at wamm."""
    wa = pywa.WhatsApp(
        phone_id=ids.phone_number_id, token=server.token, waba_id=ids.waba_id, session=session
    )
    return server.point_pywa(wa)


def test_pywa_sends_through_marketing_messages(
    wamm_server: WammServer,
    session: httpx.Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    wa = whatsapp(wamm_server, wamm_server.ids, session)
    sent = wa.send_template(
        to=ANA,
        name="max_price_promo",  # "Our best prices of the season are here, {{1}}."
        language=templates.TemplateLanguage.ENGLISH_US,
        params=[templates.BodyText.params("Ana")],
        use_mm_lite_api=True,  # POST /marketing_messages
    )
    assert wamm_server.control.message(sent.id)["route"] == "marketing_messages"

    wamm_clock.advance(3600)

    categories = {s["pricing"]["category"] for s in wamm_webhooks.statuses() if "pricing" in s}
    assert categories == {"marketing_lite"}


def test_pywa_raises_its_own_131063_error(wamm_server: WammServer, session: httpx.Client) -> None:
    wa = whatsapp(wamm_server, wamm_server.ids_for("Initech"), session)
    with pytest.raises(pywa_errors.MarketingTemplatesDisabledForCloudAPI) as raised:
        wa.send_template(
            to=ANA,
            name="summer_sale",
            language=templates.TemplateLanguage.ENGLISH_US,
            params=[templates.BodyText.params("Ana", "20%")],
        )
    assert raised.value.code == 131063

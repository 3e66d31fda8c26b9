"""The SDK over real HTTP: a `wamm serve` process on a loopback port (stopped by its handle)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import seed_data as sd
from tests.e2e.conftest import LiveServer, running_wamm, write_seed
from wamm.client import (
    AsyncClient,
    BSUIDNotSupportedError,
    Client,
    RetryPolicy,
    TemplateMessage,
    TemplateQuery,
)
from wamm.client import parameters as p

SALE = TemplateMessage("summer_sale", components=[p.body(p.text("Ana"), p.text("20%"))])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory: Path = tmp_path_factory.mktemp("sdk-live")
    with running_wamm(directory, "--seed", str(write_seed(directory, sd.seed()))) as live:
        yield live


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    server.reset(sd.seed())
    return server


def test_blocking_client_over_loopback(live: LiveServer) -> None:
    with Client(sd.TOKEN, base_url=live.base_url, retry=RetryPolicy(max_attempts=1)) as client:
        names = [t.name for t in client.iter_templates(sd.SIGNED_WABA, TemplateQuery(limit=2))]
        assert len(names) == 7
        assert client.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE).wamid
        max_price = TemplateMessage("max_price_promo", components=SALE.components)
        with pytest.raises(BSUIDNotSupportedError) as raised:
            client.send_marketing(sd.SIGNED_PHONE, max_price, recipient=sd.BR_BSUID)
        assert raised.value.fbtrace_id and raised.value.http_status == 400
        report = client.send_campaign(
            sd.SIGNED_PHONE, SALE, [f"55119000005{i}" for i in range(6)], waba_id=sd.SIGNED_WABA
        )
    assert report.summary.accepted == 6
    assert report.summary.routes == {"marketing_messages": 6}
    assert len(live.control("GET", "/messages")["data"]) == 7


async def test_async_client_over_loopback(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAMM_BASE_URL", live.base_url)
    async with AsyncClient(sd.TOKEN) as client:
        waba = await client.get_waba(sd.NOT_STARTED_WABA)
        assert waba.marketing_messages_onboarding_status == "ELIGIBLE"
        report = await client.send_campaign(
            sd.NOT_STARTED_PHONE, SALE, [sd.BR_PHONE, sd.US_PHONE], waba_id=sd.NOT_STARTED_WABA
        )
    assert report.summary.routes == {"cloud_api": 2}

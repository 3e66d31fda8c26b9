"""`wamm account quality|error|alert|capability` and the SDK's `Control` methods behind them,
against an in-process wamm served on loopback (the commands run in a thread: they block)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from typer.testing import CliRunner

from tests import seed_data as sd
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    dispatcher_fixture,
    receiver_fixture,
    seed_document_fixture,
    serving,
)
from wamm.cli.main import app
from wamm.client.control import Control
from wamm.core.webhook_wire import Field
from wamm.server.app import build_app
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime
from wamm.testing.receiver import WebhookReceiver


@pytest.fixture
def database_url() -> str:
    """The commands do not depend on wamm's storage: one backend is enough."""
    return "sqlite://"


@pytest.fixture
async def base_url(runtime: Runtime, dispatcher: Dispatcher) -> AsyncIterator[str]:
    async with serving(build_app(runtime, dispatcher=dispatcher)) as url:
        yield url.removesuffix("/hook")


async def wamm(base_url: str, *args: str) -> Any:
    """One `wamm ... --json` command aimed at the served wamm; its JSON answer."""
    env = {
        "WAMM_BASE_URL": base_url,
        "WAMM_WABA_ID": sd.SIGNED_WABA,
        "WAMM_PHONE_NUMBER_ID": sd.SIGNED_PHONE,
    }
    runner = CliRunner()
    result = await asyncio.to_thread(
        runner.invoke, app, [*args, "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def delivered(base_url: str, receiver: WebhookReceiver, field: str) -> list[Any]:
    control = Control(base_url)
    await asyncio.to_thread(control.settle, 1)
    return [change["value"] for change in receiver.changes(field)]


async def test_account_quality_flags_and_downgrades(
    base_url: str, receiver: WebhookReceiver
) -> None:
    answer = await wamm(base_url, "account", "quality", "--rating", "RED", "--tier", "TIER_2K")
    assert answer == {
        "id": sd.SIGNED_PHONE,
        "quality_rating": "RED",
        "messaging_limit_tier": "TIER_2K",
        "events": ["FLAGGED", "DOWNGRADE"],
        "deliveries": 2,
    }
    values = await delivered(base_url, receiver, Field.PHONE_QUALITY)
    assert [(v["event"], v.get("old_limit")) for v in values] == [
        ("FLAGGED", None),
        ("DOWNGRADE", "TIER_UNLIMITED"),
    ]


async def test_account_error_alert_and_capability(base_url: str, receiver: WebhookReceiver) -> None:
    error = await wamm(base_url, "account", "error", "131000", "--details", "Try again.")
    assert error["value"]["errors"][0]["error_data"] == {"details": "Try again."}
    alert = await wamm(base_url, "account", "alert", "OBA_APPROVED", "--severity", "INFORMATIONAL")
    assert alert["value"]["alert_info"]["alert_severity"] == "INFORMATIONAL"
    capability = await wamm(
        base_url, "account", "capability", "--per-business", "TIER_10K", "--numbers-per-waba", "25"
    )
    assert capability["value"] == {
        "max_daily_conversations_per_business": "TIER_10K",
        "max_phone_numbers_per_waba": 25,
    }
    assert await delivered(base_url, receiver, Field.ACCOUNT_ALERTS) == [alert["value"]]
    assert receiver.changes(Field.BUSINESS_CAPABILITY)[0]["value"] == capability["value"]
    assert receiver.changes(Field.MESSAGES)[0]["value"] == error["value"]


async def test_the_sdk_control_sends_each_account_webhook(
    base_url: str, receiver: WebhookReceiver
) -> None:
    control = Control(base_url)
    quality = await asyncio.to_thread(
        control.phone_quality, sd.SIGNED_PHONE, event="THROUGHPUT_UPGRADE"
    )
    assert quality["events"] == ["THROUGHPUT_UPGRADE"]
    capability = await asyncio.to_thread(
        control.business_capability, sd.SIGNED_WABA, max_daily_conversation_per_phone=-1
    )
    assert capability["messaging_limit_tier"] == "TIER_UNLIMITED"
    alert = await asyncio.to_thread(
        control.account_alert,
        sd.SIGNED_WABA,
        "PROFILE_PICTURE_LOST",
        entity_type="PHONE_NUMBER",
        entity_id=sd.SIGNED_PHONE,
    )
    assert (alert["value"]["entity_type"], alert["value"]["entity_id"]) == (
        "PHONE_NUMBER",
        sd.SIGNED_PHONE,
    )
    error = await asyncio.to_thread(control.system_error, sd.SIGNED_PHONE, 130429)
    assert error["deliveries"] == 1
    values = await delivered(base_url, receiver, Field.PHONE_QUALITY)
    assert values[0]["event"] == "THROUGHPUT_UPGRADE"


async def test_account_quality_needs_a_change(base_url: str) -> None:
    runner = CliRunner()
    env = {"WAMM_BASE_URL": base_url, "WAMM_PHONE_NUMBER_ID": sd.SIGNED_PHONE}
    result = await asyncio.to_thread(runner.invoke, app, ["account", "quality"], env=env)
    assert result.exit_code != 0
    assert "nothing to change: give --rating, --tier or --event" in result.output

"""The headers Graph puts on every answer, and the business use case rate behind
`x-business-use-case-usage` (80008 past it)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of

TRACE_SHAPE = re.compile(r"^A[A-Za-z0-9_-]{22}$")
CALLS = 4  # the seeded allowance per hour, small enough to use up
TOO_MANY_CALLS = {
    "message": "(#80008) There have been too many calls to this WhatsApp Business account. "
    "Wait a bit and try again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    "type": "OAuthException",
    "code": 80008,
}


@pytest.fixture
def seed_document() -> dict[str, Any]:
    limit = {"calls_per_hour": CALLS, "active_calls_per_hour": CALLS}
    return sd.seed(settings={**sd.BASE_SEED["settings"], "business_use_case": limit})


def usage(response: httpx.Response) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(response.headers["x-business-use-case-usage"])
    return value


def usage_of(percent: int, regain_minutes: int = 0) -> dict[str, Any]:
    return {
        sd.SIGNED_WABA: [
            {
                "type": "whatsapp_business_management",
                "call_count": percent,
                "total_cputime": percent,
                "total_time": percent,
                "estimated_time_to_regain_access": regain_minutes,
            }
        ]
    }


async def test_a_send_answer_carries_every_graph_header(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert response.status_code == 200
    trace, request = response.headers["x-fb-trace-id"], response.headers["x-fb-request-id"]
    assert TRACE_SHAPE.match(trace) and TRACE_SHAPE.match(request) and trace != request
    assert response.headers["facebook-api-version"] == "v23.0"
    # Sends are paced by throughput, not counted: the usage is the WABA's, untouched.
    assert usage(response) == usage_of(0)


async def test_an_unversioned_path_answers_with_the_latest_version(graph: Graph) -> None:
    response = await graph.http.get(
        f"/{sd.SIGNED_WABA}", headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert response.headers["facebook-api-version"] == "v25.0"


async def test_an_error_answer_carries_its_trace_id_in_both_id_headers(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, token="nope")
    trace = response.json()["error"]["fbtrace_id"]
    assert TRACE_SHAPE.match(trace)
    assert response.headers["x-fb-trace-id"] == response.headers["x-fb-request-id"] == trace
    assert response.headers["facebook-api-version"] == "v23.0"
    assert "x-business-use-case-usage" not in response.headers  # no WABA named yet


async def test_every_id_is_new(graph: Graph) -> None:
    responses = [await graph.get(sd.SIGNED_WABA) for _ in range(3)]
    ids = {r.headers[name] for r in responses for name in ("x-fb-trace-id", "x-fb-request-id")}
    assert len(ids) == 6


async def test_management_calls_count_until_80008_then_the_hour_rolls(graph: Graph) -> None:
    counted = [usage(await graph.get(sd.SIGNED_WABA)) for _ in range(CALLS)]
    assert counted == [usage_of(25), usage_of(50), usage_of(75), usage_of(100)]
    throttled = await graph.get(f"{sd.SIGNED_WABA}/message_templates")
    assert throttled.status_code == 400
    assert error_of(throttled) == TOO_MANY_CALLS
    # One call comes back when a quarter of the hour has refilled a token.
    assert usage(throttled) == usage_of(100, regain_minutes=15)
    sent = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert sent.status_code == 200  # messaging is not throttled by the management rate
    assert usage(sent) == usage_of(100, regain_minutes=15)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 15 * 60})
    assert usage(await graph.get(sd.SIGNED_WABA)) == usage_of(100)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 3600})
    assert usage(await graph.get(sd.SIGNED_WABA)) == usage_of(25)


async def test_a_template_or_number_call_counts_for_its_waba(graph: Graph) -> None:
    template = await graph.get(f"{sd.SIGNED_WABA}/message_templates")
    number = await graph.get(sd.SIGNED_PHONE)
    assert [usage(template), usage(number)] == [usage_of(25), usage_of(50)]

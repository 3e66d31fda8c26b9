"""The MM routing matrix, table-driven through HTTP: every combination of portfolio terms,
product_policy, the WABA's disable flag and endpoint, with the route, pricing or error."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph

PHONE_OF_TERMS = {
    "signed": sd.SIGNED_PHONE,
    "not_started": sd.NOT_STARTED_PHONE,
    "request_sent": sd.REQUESTED_PHONE,
}
WABA_OF_TERMS = {
    "signed": sd.SIGNED_WABA,
    "not_started": sd.NOT_STARTED_WABA,
    "request_sent": sd.REQUESTED_WABA,
}

MM, CLOUD = "marketing_messages", "cloud_api"

# (terms, endpoint, product_policy, disable flag) -> (route, pricing) or error code
MATRIX: list[tuple[str, str, str | None, bool, Any]] = [
    ("signed", "marketing_messages", None, False, (MM, "marketing_lite")),
    ("signed", "marketing_messages", None, True, (MM, "marketing_lite")),
    ("signed", "marketing_messages", "CLOUD_API_FALLBACK", True, (MM, "marketing_lite")),
    ("signed", "marketing_messages", "STRICT", False, (MM, "marketing_lite")),
    ("signed", "marketing_messages", "STRICT", True, (MM, "marketing_lite")),
    ("not_started", "marketing_messages", None, False, (CLOUD, "marketing")),
    ("not_started", "marketing_messages", "CLOUD_API_FALLBACK", True, (CLOUD, "marketing")),
    ("not_started", "marketing_messages", "STRICT", False, 134102),
    ("not_started", "marketing_messages", "STRICT", True, 134102),
    ("request_sent", "marketing_messages", None, False, (CLOUD, "marketing")),
    ("request_sent", "marketing_messages", "CLOUD_API_FALLBACK", True, 131063),
    ("request_sent", "marketing_messages", "STRICT", False, 134102),
    ("request_sent", "marketing_messages", "STRICT", True, 134102),
    ("signed", "messages", None, False, (CLOUD, "marketing")),
    ("signed", "messages", None, True, 131063),
    ("not_started", "messages", None, False, (CLOUD, "marketing")),
    ("not_started", "messages", None, True, (CLOUD, "marketing")),
    ("request_sent", "messages", None, False, (CLOUD, "marketing")),
    ("request_sent", "messages", None, True, 131063),
]


@pytest.mark.parametrize(("terms", "endpoint", "policy", "disabled", "expected"), MATRIX)
async def test_routing_matrix(
    graph: Graph, terms: str, endpoint: str, policy: str | None, disabled: bool, expected: Any
) -> None:
    flag = await graph.post(
        WABA_OF_TERMS[terms], {"disable_marketing_messages_on_cloud_api": disabled}
    )
    assert flag.status_code == 200
    response = await graph.post(
        f"{PHONE_OF_TERMS[terms]}/{endpoint}", template_send(product_policy=policy)
    )
    if isinstance(expected, int):
        assert response.status_code == (500 if expected == 134102 else 400), response.text
        assert response.json()["error"]["code"] == expected
        return
    assert response.status_code == 200, response.text
    wamid = response.json()["messages"][0]["id"]
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert (message["route"], message["pricing_category"]) == expected


async def test_signing_the_terms_moves_later_sends_to_the_mm_route(graph: Graph) -> None:
    before = await graph.post(f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send())
    signed = await graph.http.post(
        f"/_wamm/businesses/{sd.NOT_STARTED_BUSINESS}/mm_terms", json={"state": "signed"}
    )
    assert signed.status_code == 200
    after = await graph.post(f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send())
    routes = []
    for response in (before, after):
        wamid = response.json()["messages"][0]["id"]
        routes.append((await graph.http.get(f"/_wamm/messages/{wamid}")).json()["route"])
    assert routes == [CLOUD, MM]


async def test_strict_error_code_is_configurable(graph: Graph) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"strict_fallback_error_code": 131055}})
    response = await graph.post(
        f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send(product_policy="STRICT")
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 131055


async def test_ineligible_waba_falls_back_even_when_terms_are_signed(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    seed_document["businesses"][0]["wabas"][0]["onboarding_status"] = (
        "INELIGIBLE_COUNTRY_NOT_SUPPORTED"
    )
    seeded = await graph.http.post("/_wamm/seed", json=seed_document)
    assert seeded.status_code == 200, seeded.text
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    wamid = response.json()["messages"][0]["id"]
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert message["route"] == CLOUD

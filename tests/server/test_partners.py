"""Partner onboarding of the Marketing Messages API through the Graph API: a partner's client
WABAs with Meta's `filtering`, the intent API up to the signed terms and their
`MM_LITE_TERMS_SIGNED` webhooks, and max price enrolment (agreement and end businesses).
The test world is the base seed with two partner portfolios (`seed_data.with_partners`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, error_text
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    settle,
)
from wamm.testing.receiver import WebhookReceiver

PARTNER = sd.PARTNER_BUSINESS
OTHER_PARTNER = sd.OTHER_PARTNER_BUSINESS
INELIGIBLE_CLIENT = sd.INELIGIBLE_CLIENT
INELIGIBLE_WABA = sd.INELIGIBLE_WABA
PARTNER_TOKEN = sd.PARTNER_TOKEN
OTHER_PARTNER_TOKEN = sd.OTHER_PARTNER_TOKEN
ELIGIBLE = [
    {"field": "marketing_messages_onboarding_status", "operator": "IN", "value": ["ELIGIBLE"]}
]


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    document = sd.with_partners(sd.seed())
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    return document


def namespace(waba: dict[str, Any]) -> str:
    value: str = waba["message_template_namespace"]
    return value


async def clients(graph: Graph, token: str = PARTNER_TOKEN, **params: Any) -> dict[str, Any]:
    response = await graph.get(f"{PARTNER}/client_whatsapp_business_accounts", token, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def control(graph: Graph, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await graph.http.post(f"/_wamm{path}", json=body or {})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


# --- client and owned WABAs ------------------------------------------------------------------


async def test_a_partner_lists_its_clients_wabas_with_meta_default_fields(graph: Graph) -> None:
    body = await clients(graph)
    ids = [INELIGIBLE_WABA, sd.REQUESTED_WABA, sd.NOT_STARTED_WABA, sd.SIGNED_WABA]
    assert [w["id"] for w in body["data"]] == ids
    first = body["data"][0]
    assert first == {
        "id": INELIGIBLE_WABA,
        "name": "Umbrella WA",
        "timezone_id": "1",
        "message_template_namespace": namespace(first),
    }


@pytest.mark.parametrize(
    ("filtering", "expected"),
    [
        (ELIGIBLE, [sd.REQUESTED_WABA, sd.NOT_STARTED_WABA]),
        (
            "[{'field':'marketing_messages_onboarding_status','operator':'IN','value':['ELIGIBLE']}]",
            [sd.REQUESTED_WABA, sd.NOT_STARTED_WABA],
        ),
        (
            [
                {
                    "field": "marketing_messages_onboarding_status",
                    "operator": "EQUAL",
                    "value": "ONBOARDED",
                }
            ],
            [sd.SIGNED_WABA],
        ),
        (
            [
                {
                    "field": "marketing_messages_onboarding_status",
                    "operator": "NOT_IN",
                    "value": ["ELIGIBLE", "ONBOARDED"],
                }
            ],
            [INELIGIBLE_WABA],
        ),
        (
            [
                {
                    "field": "marketing_messages_lite_api_status",
                    "operator": "NOT_EQUAL",
                    "value": "ELIGIBLE",
                }
            ],
            [INELIGIBLE_WABA, sd.SIGNED_WABA],
        ),
        ([], [INELIGIBLE_WABA, sd.REQUESTED_WABA, sd.NOT_STARTED_WABA, sd.SIGNED_WABA]),
    ],
)
async def test_filtering_on_the_onboarding_status(
    graph: Graph, filtering: Any, expected: list[str]
) -> None:
    raw = filtering if isinstance(filtering, str) else _json(filtering)
    body = await clients(graph, filtering=raw, fields="id")
    assert [w["id"] for w in body["data"]] == expected


def _json(value: Any) -> str:
    return json.dumps(value)


@pytest.mark.parametrize(
    ("filtering", "details"),
    [
        ("[{", "Param filtering must be valid JSON."),
        ('{"field": "x"}', "Param filtering must be a JSON array of conditions, got object."),
        ("[1]", "Param filtering[0] must be a JSON object, got integer."),
        (
            '[{"field": "name", "operator": "EQUAL", "value": "x"}]',
            "Param filtering[0].field must be one of marketing_messages_lite_api_status, "
            "marketing_messages_onboarding_status, got 'name'.",
        ),
        (
            '[{"field": "marketing_messages_onboarding_status", "operator": "LIKE", "value": "x"}]',
            "Param filtering[0].operator must be one of EQUAL, NOT_EQUAL, IN, NOT_IN, got 'LIKE'.",
        ),
        (
            '[{"field": "marketing_messages_onboarding_status", "operator": "IN", "value": "x"}]',
            "Param filtering[0].value must be an array of strings for IN.",
        ),
        (
            '[{"field": "marketing_messages_onboarding_status", "operator": "EQUAL", "value": []}]',
            "Param filtering[0].value must be a string for EQUAL.",
        ),
    ],
)
async def test_a_bad_filter_is_a_parameter_error(
    graph: Graph, filtering: str, details: str
) -> None:
    response = await graph.get(
        f"{PARTNER}/client_whatsapp_business_accounts", PARTNER_TOKEN, filtering=filtering
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error_text(error)) == (100, details)


async def test_client_wabas_page_and_answer_the_fields_asked(graph: Graph) -> None:
    fields = "marketing_messages_onboarding_status,ownership_type,owner_business_info{id}"
    first = await clients(graph, limit=1, fields=fields)
    assert first["data"] == [
        {
            "marketing_messages_onboarding_status": "INELIGIBLE_COUNTRY_NOT_SUPPORTED",
            "ownership_type": "CLIENT_OWNED",
            "owner_business_info": {"id": INELIGIBLE_CLIENT},
            "id": INELIGIBLE_WABA,
        }
    ]
    after = first["paging"]["cursors"]["after"]
    assert first["paging"]["next"].startswith("http://wamm.test/")
    second = await clients(graph, limit=1, fields="id", after=after)
    assert second["data"] == [{"id": sd.REQUESTED_WABA}]


async def test_a_partner_reaches_its_clients_nodes_and_owned_wabas(graph: Graph) -> None:
    waba = await graph.get(sd.NOT_STARTED_WABA, PARTNER_TOKEN, fields="name")
    assert waba.json() == {"name": "Globex WA", "id": sd.NOT_STARTED_WABA}
    owned = await graph.get(
        f"{sd.NOT_STARTED_BUSINESS}/owned_whatsapp_business_accounts", PARTNER_TOKEN, fields="id"
    )
    assert owned.json()["data"] == [{"id": sd.NOT_STARTED_WABA}]


async def test_the_other_partner_sees_only_the_client_it_shares(graph: Graph) -> None:
    response = await graph.get(
        f"{OTHER_PARTNER}/client_whatsapp_business_accounts", OTHER_PARTNER_TOKEN, fields="id"
    )
    assert response.json()["data"] == [{"id": sd.NOT_STARTED_WABA}]
    hidden = error_of(await graph.get(sd.SIGNED_WABA, OTHER_PARTNER_TOKEN))
    assert (hidden["code"], hidden["error_subcode"]) == (100, 33)


async def test_a_partner_sends_on_its_clients_number(graph: Graph) -> None:
    sent = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send(), PARTNER_TOKEN)
    assert sent.status_code == 200, sent.text
    hidden = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(), token=OTHER_PARTNER_TOKEN
    )
    assert error_of(hidden)["error_subcode"] == 33


async def test_debug_token_names_the_clients_wabas(graph: Graph) -> None:
    response = await graph.get("debug_token", input_token=OTHER_PARTNER_TOKEN)
    granular = response.json()["data"]["granular_scopes"]
    assert {g["scope"]: g["target_ids"] for g in granular} == {
        "whatsapp_business_messaging": [sd.NOT_STARTED_WABA],
        "whatsapp_business_management": [sd.NOT_STARTED_WABA],
    }


async def test_a_token_of_no_partner_cannot_list_its_clients(graph: Graph) -> None:
    response = await graph.get(f"{PARTNER}/client_whatsapp_business_accounts")
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["error_subcode"]) == (100, 33)


async def test_owned_wabas_are_those_the_token_reaches(graph: Graph) -> None:
    response = await graph.get(
        f"{sd.NOT_STARTED_BUSINESS}/owned_whatsapp_business_accounts",
        sd.OTHER_WABA_TOKEN,
        filtering=_json(ELIGIBLE),
    )
    assert response.status_code == 403  # the edge needs business_management
    response = await graph.get(f"{sd.SIGNED_BUSINESS}/owned_whatsapp_business_accounts")
    body = response.json()
    assert [w["id"] for w in body["data"]] == [sd.SIGNED_WABA]
    assert set(body["data"][0]) == {"id", "name", "timezone_id", "message_template_namespace"}


# --- the intent API --------------------------------------------------------------------------


async def onboard(graph: Graph, business: str, token: str = PARTNER_TOKEN) -> Any:
    return await graph.post(f"{business}/onboard_partners_to_mm_lite", token=token)


async def test_the_intent_flow_ends_with_signed_terms_and_their_webhook(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    first = await onboard(graph, sd.NOT_STARTED_BUSINESS)
    assert first.status_code == 200, first.text
    request_id = first.json()["request_id"]
    assert first.json() == {"request_id": request_id} and request_id.isdigit()
    status = await graph.get(
        sd.NOT_STARTED_BUSINESS, PARTNER_TOKEN, fields="marketing_messages_onboarding_status"
    )
    onboarding = status.json()["marketing_messages_onboarding_status"]
    assert onboarding == {"status": "REQUEST_SENT", "time": "2026-01-01"}
    again = await onboard(graph, sd.NOT_STARTED_BUSINESS)
    assert again.json() == {"request_id": request_id}  # idempotent for the same partner

    duplicate = await onboard(graph, sd.NOT_STARTED_BUSINESS, OTHER_PARTNER_TOKEN)
    assert duplicate.status_code == 400
    error = error_of(duplicate)
    assert (error["code"], error["message"]) == (1752041, "(#1752041) Duplicate Request")

    await control(graph, f"/businesses/{sd.NOT_STARTED_BUSINESS}/mm_terms", {"state": "signed"})
    await settle(graph, 1)
    (change,) = receiver.changes("account_update")
    assert change["value"] == {
        "event": "MM_LITE_TERMS_SIGNED",
        "waba_info": {
            "owner_business_id": sd.NOT_STARTED_BUSINESS,
            "waba_id": sd.NOT_STARTED_WABA,
        },
    }
    listed = await clients(graph, filtering=_json(ELIGIBLE), fields="id")
    assert listed["data"] == [{"id": sd.REQUESTED_WABA}]
    signed = await onboard(graph, sd.NOT_STARTED_BUSINESS)
    assert error_of(signed)["message"] == "(#100) Invalid recipient type"


@pytest.mark.parametrize(
    ("business", "token", "query", "code", "text"),
    [
        (
            sd.SIGNED_BUSINESS,
            PARTNER_TOKEN,
            "",
            100,
            "The business already accepted the Marketing Messages API for WhatsApp terms.",
        ),
        (
            INELIGIBLE_CLIENT,
            PARTNER_TOKEN,
            "",
            100,
            "The business shares no WhatsApp Business Account eligible for the Marketing "
            "Messages API for WhatsApp with the partner.",
        ),
        (
            PARTNER,
            PARTNER_TOKEN,
            "",
            100,
            "A partner cannot send an onboarding request to itself.",
        ),
        (
            sd.NOT_STARTED_BUSINESS,
            sd.TOKEN,
            "",
            200,
            "The app does not have sufficient permissions: the access token belongs to no "
            "partner business portfolio.",
        ),
        (
            sd.NOT_STARTED_BUSINESS,
            PARTNER_TOKEN,
            "?solution_id=abc",
            100,
            "Param solution_id must be a valid numeric string.",
        ),
    ],
)
async def test_intent_requests_meta_refuses(
    graph: Graph, business: str, token: str, query: str, code: int, text: str
) -> None:
    response = await graph.post(f"{business}/onboard_partners_to_mm_lite{query}", token=token)
    error = error_of(response)
    assert (response.status_code, error["code"], error_text(error)) == (
        400 if code == 100 else 403,
        code,
        text,
    )


async def test_seeding_again_keeps_what_the_partner_calls_did(graph: Graph) -> None:
    """The request stays with the `request_sent` terms it goes with; `not_started` drops it."""
    pending = (await onboard(graph, sd.REQUESTED_BUSINESS)).json()
    dropped = (await onboard(graph, sd.NOT_STARTED_BUSINESS)).json()
    await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    reseeded = await graph.http.post("/_wamm/seed", json=sd.with_partners(sd.seed()))
    assert reseeded.status_code == 200, reseeded.text
    assert (await onboard(graph, sd.REQUESTED_BUSINESS)).json() == pending
    assert (await onboard(graph, sd.NOT_STARTED_BUSINESS)).json() != dropped
    assert (await agreement(graph)).json() == {"status": "pending", **SIGNER}


async def test_a_request_may_name_a_solution(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.REQUESTED_BUSINESS}/onboard_partners_to_mm_lite?solution_id=12345",
        token=PARTNER_TOKEN,
    )
    assert response.status_code == 200, response.text
    duplicate = await onboard(graph, sd.REQUESTED_BUSINESS, OTHER_PARTNER_TOKEN)
    assert error_of(duplicate)["code"] == 100  # not its client: the business is invisible


# --- max price enrolment -----------------------------------------------------------------------

SIGNER = {"signer_name": "Jane Doe", "signer_email": "jane.doe@bsp.example"}


async def agreement(graph: Graph) -> Any:
    return await graph.get(f"{PARTNER}/max_price_agreements", PARTNER_TOKEN)


async def test_the_max_price_agreement_goes_from_none_to_accepted(graph: Graph) -> None:
    assert (await agreement(graph)).json() == {"status": "none"}
    sent = await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    assert sent.json() == {
        "status": "pending",
        **SIGNER,
        "message": "Agreement email sent to jane.doe@bsp.example",
    }
    assert (await agreement(graph)).json() == {"status": "pending", **SIGNER}

    too_soon = await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    assert too_soon.status_code == 429
    body = too_soon.json()
    assert body["retry_after"] == 300 and body["error"]["code"] == 4

    await graph.http.post("/_wamm/clock/advance", json={"seconds": 300})
    resent = await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    assert resent.status_code == 200, resent.text

    accepted = await control(graph, f"/businesses/{PARTNER}/max_price_agreement")
    assert accepted == {"id": PARTNER, "status": "accepted", **SIGNER}
    assert (await agreement(graph)).json() == {"status": "accepted", **SIGNER}


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"signer_email": "a@b.example"}, "(#100) The parameter signer_name is required."),
        ({"signer_name": "Jane"}, "(#100) The parameter signer_email is required."),
        (
            {"signer_name": "Jane", "signer_email": "jane"},
            "Param signer_email must be an email address, got 'jane'.",
        ),
        (
            {"signer_name": " ", "signer_email": "a@b.example"},
            "Param signer_name must not be empty.",
        ),
    ],
)
async def test_an_agreement_needs_a_signer(graph: Graph, body: dict[str, Any], text: str) -> None:
    response = await graph.post(f"{PARTNER}/max_price_agreements", body, token=PARTNER_TOKEN)
    assert response.status_code == 400
    assert error_text(error_of(response)) == text


async def end_businesses(graph: Graph, method: str, ids: list[str]) -> Any:
    return await graph.http.request(
        method,
        f"/v23.0/{PARTNER}/max_price_end_businesses",
        json={"end_business_ids": ids},
        headers={"Authorization": f"Bearer {PARTNER_TOKEN}"},
    )


async def test_end_businesses_need_the_accepted_agreement(graph: Graph) -> None:
    response = await end_businesses(graph, "POST", [sd.SIGNED_BUSINESS])
    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["message"]) == (200, "(#200) Agreement required")


async def test_a_partner_allowlists_and_removes_its_clients(graph: Graph) -> None:
    await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    await control(graph, f"/businesses/{PARTNER}/max_price_agreement")
    enrolled = await end_businesses(graph, "POST", [sd.SIGNED_BUSINESS, OTHER_PARTNER])
    assert enrolled.json() == {
        "results": [
            {"end_business_id": sd.SIGNED_BUSINESS, "status": "enrolled"},
            {
                "end_business_id": OTHER_PARTNER,
                "status": "rejected",
                "reason": "The business does not own or share a WhatsApp Business Account "
                "with the partner.",
            },
        ]
    }
    listed = await graph.get(f"{PARTNER}/max_price_end_businesses", PARTNER_TOKEN)
    assert listed.json() == {
        "data": [
            {
                "end_business_id": sd.SIGNED_BUSINESS,
                "end_business_name": "Acme",
                "enrolled_time": "2026-01-01T00:00:00+0000",
            }
        ]
    }
    removed = await end_businesses(graph, "DELETE", [sd.SIGNED_BUSINESS, sd.REQUESTED_BUSINESS])
    assert removed.json() == {
        "results": [
            {"end_business_id": sd.SIGNED_BUSINESS, "status": "removed"},
            {"end_business_id": sd.REQUESTED_BUSINESS, "status": "not_found"},
        ]
    }
    assert (await graph.get(f"{PARTNER}/max_price_end_businesses", PARTNER_TOKEN)).json() == {
        "data": []
    }


@pytest.mark.parametrize(
    ("ids", "text"),
    [
        (
            [],
            "Param end_business_ids must be a non-empty array of business ids, got an empty array.",
        ),
        (["abc"], "Param end_business_ids[0] must be a business id."),
        ([str(n) for n in range(1, 17)], "Param end_business_ids takes at most 15 business ids."),
    ],
)
async def test_end_business_ids_are_checked(graph: Graph, ids: list[str], text: str) -> None:
    await graph.post(f"{PARTNER}/max_price_agreements", SIGNER, token=PARTNER_TOKEN)
    await control(graph, f"/businesses/{PARTNER}/max_price_agreement")
    response = await end_businesses(graph, "POST", ids)
    assert response.status_code == 400
    assert error_text(error_of(response)) == text


@pytest.mark.parametrize(
    ("business", "status", "text"),
    [
        ("1", 404, "Unknown business 1."),
        (
            PARTNER,
            400,
            f"Business {PARTNER} has no max price agreement to accept: request one with "
            "POST /{business_id}/max_price_agreements first.",
        ),
    ],
)
async def test_accepting_needs_a_requested_agreement(
    graph: Graph, business: str, status: int, text: str
) -> None:
    response = await graph.http.post(f"/_wamm/businesses/{business}/max_price_agreement")
    assert response.status_code == status
    assert error_text(error_of(response)) == text

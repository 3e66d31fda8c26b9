"""The template surfaces clients call besides create / list / edit, over HTTP: Meta's template
library (listing and creating from it), bulk authentication templates
(`upsert_message_templates`) and template comparison (`/{template_id}/compare`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error

LIBRARY = "message_template_library"
TEMPLATES = f"{sd.SIGNED_WABA}/message_templates"
UPSERT = f"{sd.SIGNED_WABA}/upsert_message_templates"
DAY = 86400
T0 = int(sd.CLOCK_START)
MAX_MPS = 1000

ORDER_CONFIRMATION = {
    "id": "610000000000001",
    "name": "order_confirmation_1",
    "language": "en_US",
    "category": "UTILITY",
    "topic": "ORDER_MANAGEMENT",
    "usecase": "ORDER_CONFIRMATION",
    "industry": ["E_COMMERCE"],
    "body": "Hi {{1}}, thank you for your order. Your order number is {{2}} and we will let "
    "you know when it ships.",
    "header": "Order confirmed",
    "body_params": ["John", "#12345"],
    "body_param_types": ["TEXT", "TEXT"],
    "buttons": [{"type": "URL", "text": "View order", "url": "https://www.example.com/{{1}}"}],
}
SHIPMENT = {
    "name": "acme_shipment",
    "language": "en_US",
    "category": "UTILITY",
    "library_template_name": "shipment_confirmation_1",
    "library_template_button_inputs": [
        {
            "type": "URL",
            "url": {
                "base_url": "https://acme.example.com/track/{{1}}",
                "url_suffix_example": "https://acme.example.com/track/A1",
            },
        },
        {"type": "PHONE_NUMBER", "phone_number": "+15550009999"},
    ],
}
OTP_COMPONENTS: list[dict[str, Any]] = [
    {"type": "BODY", "add_security_recommendation": True},
    {"type": "FOOTER", "code_expiration_minutes": 5},
    {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
]
UPSERT_BODY = {
    "name": "acme_otp",
    "languages": ["en_US", "es"],
    "category": "AUTHENTICATION",
    "components": OTP_COMPONENTS,
}


async def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- the library -------------------------------------------------------------------------------


async def test_library_lists_meta_shaped_templates_in_pages(graph: Graph) -> None:
    first = await ok(await graph.get(LIBRARY, limit="2"))
    assert first["data"][0] == ORDER_CONFIRMATION
    assert [t["name"] for t in first["data"]] == ["order_confirmation_1", "shipment_confirmation_1"]
    after = first["paging"]["cursors"]["after"]
    assert first["paging"]["next"].endswith(f"{LIBRARY}?limit=2&after={after}")
    second = await ok(await graph.get(LIBRARY, limit="2", after=after))
    assert [t["name"] for t in second["data"]] == ["delivery_update_1", "payment_due_reminder_1"]


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"topic": "PAYMENTS"}, ["payment_due_reminder_1"]),
        ({"usecase": "fraud_alert"}, ["fraud_alert_1"]),
        (
            {"industry": "FINANCIAL_SERVICES", "topic": "ACCOUNT_UPDATES", "language": "es"},
            ["account_creation_confirmation_1"],
        ),
        ({"search": "SURVEY"}, ["feedback_survey_1"]),
        ({"search": "package", "topic": "ORDER_MANAGEMENT"}, ["delivery_update_1"]),
        ({"topic": "NO_SUCH_TOPIC"}, []),
    ],
)
async def test_library_filters(graph: Graph, filters: dict[str, str], names: list[str]) -> None:
    body = await ok(await graph.get(LIBRARY, **filters))
    assert [t["name"] for t in body["data"]] == names


async def test_library_needs_the_management_permission(graph: Graph) -> None:
    response = await graph.get(LIBRARY, token=sd.MESSAGING_ONLY)
    assert response.status_code == 403
    assert error_of(response)["code"] == 200


async def test_library_has_no_deeper_path(graph: Graph) -> None:
    response = await graph.get(f"{LIBRARY}/order_confirmation_1")
    assert error_of(response)["code"] == 100


# --- creating from the library -----------------------------------------------------------------


async def test_a_library_template_is_approved_at_once_with_the_library_content(
    graph: Graph,
) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"template_review": "manual"}})
    created = await ok(await graph.post(TEMPLATES, SHIPMENT))
    assert set(created) == {"id", "status", "category"}
    assert (created["status"], created["category"]) == ("APPROVED", "UTILITY")
    read = await ok(
        await graph.get(created["id"], fields="name,components,library_template_name,status")
    )
    assert read == {
        "id": created["id"],
        "name": "acme_shipment",
        "status": "APPROVED",
        "library_template_name": "shipment_confirmation_1",
        "components": [
            {
                "type": "BODY",
                "text": "Good news {{1}}: your order {{2}} has shipped and should arrive by {{3}}.",
                "example": {"body_text": [["John", "#12345", "Friday"]]},
            },
            {
                "type": "BUTTONS",
                "buttons": [
                    {
                        "type": "URL",
                        "text": "Track package",
                        "url": "https://acme.example.com/track/{{1}}",
                        "example": ["https://acme.example.com/track/A1"],
                    },
                    {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550009999"},
                ],
            },
        ],
    }


async def test_an_authentication_library_template_takes_the_body_inputs(graph: Graph) -> None:
    body = {
        "name": "acme_code",
        "language": "en_US",
        "category": "AUTHENTICATION",
        "library_template_name": "verification_code_1",
        "library_template_body_inputs": {
            "add_security_recommendation": True,
            "code_expiration_minutes": 10,
        },
        "library_template_button_inputs": [{"type": "OTP", "otp_type": "COPY_CODE"}],
    }
    created = await ok(await graph.post(TEMPLATES, body))
    read = await ok(await graph.get(created["id"], fields="components"))
    assert read["components"] == [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 10},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
    ]


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        (
            {"library_template_name": "no_such_template"},
            "Param library_template_name 'no_such_template' is not a template of the library "
            "in language en_US.",
        ),
        (
            {"language": "es"},
            "Param library_template_name 'shipment_confirmation_1' is not a template of the "
            "library in language es.",
        ),
        (
            {"components": [{"type": "BODY", "text": "Mine"}]},
            "Param components can't be given with library_template_name: a library "
            "template's content is fixed.",
        ),
        (
            {"library_template_button_inputs": [{"type": "PHONE_NUMBER", "phone_number": "+1"}]},
            "Param library_template_button_inputs must give the URL button of this library "
            "template.",
        ),
    ],
)
async def test_library_create_errors(graph: Graph, changes: dict[str, Any], details: str) -> None:
    response = await graph.post(TEMPLATES, {**SHIPMENT, **changes})
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)


async def test_a_library_template_keeps_its_content(graph: Graph) -> None:
    created = await ok(await graph.post(TEMPLATES, SHIPMENT))
    response = await graph.post(created["id"], {"components": [{"type": "BODY", "text": "Hi"}]})
    assert response.status_code == 400
    error = error_of(response)
    assert error["error_subcode"] == 2388039
    assert error["error_user_title"] == "Library template content can't be edited"
    assert error["error_user_msg"] == (
        "Template acme_shipment (en_US) was created from the template library "
        "(shipment_confirmation_1); its components can't be edited."
    )
    assert (await ok(await graph.post(created["id"], {"message_send_ttl_seconds": 3600})))[
        "success"
    ]


# --- upsert_message_templates ------------------------------------------------------------------


async def test_upsert_creates_each_language(graph: Graph) -> None:
    body = await ok(await graph.post(UPSERT, UPSERT_BODY))
    assert [(t["language"], t["status"], t["category"]) for t in body["data"]] == [
        ("en_US", "APPROVED", "AUTHENTICATION"),
        ("es", "APPROVED", "AUTHENTICATION"),
    ]
    assert all(set(t) == {"id", "status", "language", "category"} for t in body["data"])
    listed = await ok(await graph.get(TEMPLATES, name="acme_otp", fields="id,language"))
    assert sorted((t["id"], t["language"]) for t in listed["data"]) == sorted(
        (t["id"], t["language"]) for t in body["data"]
    )


async def test_upsert_updates_the_languages_that_exist_and_creates_the_others(
    graph: Graph,
) -> None:
    first = await ok(await graph.post(UPSERT, UPSERT_BODY))
    english_id = first["data"][0]["id"]
    components = [OTP_COMPONENTS[0] | {"add_security_recommendation": False}, OTP_COMPONENTS[2]]
    second = await ok(
        await graph.post(
            UPSERT, {**UPSERT_BODY, "languages": ["en_US", "fr"], "components": components}
        )
    )
    assert [t["language"] for t in second["data"]] == ["en_US", "fr"]
    assert second["data"][0]["id"] == english_id
    assert second["data"][1]["id"] not in {t["id"] for t in first["data"]}
    read = await ok(await graph.get(english_id, fields="components"))
    assert read["components"] == components


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        ({"languages": None}, "The parameter languages is required."),
        ({"languages": []}, "Param languages must list at least one language."),
        ({"languages": ["en_US", "en_US"]}, "Param languages lists a language twice."),
        (
            {"languages": ["en_US", "xx_XX"]},
            "Param language 'xx_XX' is not a supported template language code (for example "
            "en_US or pt_BR).",
        ),
    ],
)
async def test_upsert_errors(graph: Graph, changes: dict[str, Any], details: str) -> None:
    response = await graph.post(UPSERT, {**UPSERT_BODY, **changes})
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)
    listed = await ok(await graph.get(TEMPLATES, name="acme_otp"))
    assert listed["data"] == []


async def test_upsert_does_not_turn_another_category_into_authentication(graph: Graph) -> None:
    response = await graph.post(UPSERT, {**UPSERT_BODY, "name": "order_update"})
    assert error_of(response) == invalid_parameter_error(
        "Template order_update (en_US) is UTILITY; upsert_message_templates updates only "
        "AUTHENTICATION templates."
    )


# --- compare -----------------------------------------------------------------------------------


async def template_id(graph: Graph, name: str, waba_id: str = sd.SIGNED_WABA) -> str:
    listing = await ok(await graph.get(f"{waba_id}/message_templates", name=name, fields="id"))
    found: str = listing["data"][0]["id"]
    return found


@pytest.fixture
def seed_document() -> dict[str, Any]:
    """The test world with Meta's highest throughput, so a thousand sends take one second."""
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = MAX_MPS
    return document


async def send_many(graph: Graph, name: str, count: int) -> None:
    """`count` sends of the template, each to another user (Meta limits sends to one user),
    a second of virtual time for each thousand."""
    parameters = [{"type": "body", "parameters": [{"type": "text", "text": "#7"}]}]
    for first in range(0, count, MAX_MPS):
        responses = await asyncio.gather(
            *(
                graph.post(
                    f"{sd.SIGNED_PHONE}/messages",
                    template_send(name, parameters, to=f"551191{i:07d}"),
                )
                for i in range(first, min(count, first + MAX_MPS))
            )
        )
        assert {r.status_code for r in responses} == {200}, responses[-1].text
        await graph.http.post("/_wamm/clock/advance", json={"seconds": 1})


def week(end: int = T0 + 7 * DAY) -> dict[str, str]:
    return {"start": str(end - 7 * DAY), "end": str(end)}


async def test_compare_counts_the_sends_of_both_templates(graph: Graph) -> None:
    await ok(
        await graph.post(
            TEMPLATES,
            {
                "name": "order_shipped",
                "language": "en_US",
                "category": "UTILITY",
                "components": [
                    {
                        "type": "BODY",
                        "text": "Order {{1}} shipped.",
                        "example": {"body_text": [["#1"]]},
                    }
                ],
            },
        )
    )
    await send_many(graph, "order_update", 1001)
    await send_many(graph, "order_shipped", 1000)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 3600})
    target, other = (
        await template_id(graph, "order_update"),
        await template_id(graph, "order_shipped"),
    )
    body = await ok(await graph.get(f"{target}/compare", template_ids=f"[{other}]", **week()))
    assert body == {
        "data": [
            {
                "metric": "BLOCK_RATE",
                "type": "RELATIVE",
                "order_by_relative_metric": [target, other],
            },
            {
                "metric": "MESSAGE_SENDS",
                "type": "NUMBER_VALUES",
                "number_values": [{"key": target, "value": 1001}, {"key": other, "value": 1000}],
            },
            {
                "metric": "TOP_BLOCK_REASON",
                "type": "STRING_VALUES",
                "string_values": [
                    {"key": target, "value": "UNKNOWN_BLOCK_REASON"},
                    {"key": other, "value": "UNKNOWN_BLOCK_REASON"},
                ],
            },
        ]
    }


async def test_compare_needs_a_thousand_sends_of_each(graph: Graph) -> None:
    await send_many(graph, "order_update", 3)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 3600})
    target, other = (
        await template_id(graph, "order_update"),
        await template_id(graph, "summer_sale"),
    )
    response = await graph.get(f"{target}/compare", template_ids=other, **week())
    assert error_of(response) == invalid_parameter_error(
        f"Template {target} was sent 3 times in this timeframe; comparing needs at least 1000 "
        "sends of each template."
    )


@pytest.mark.parametrize(
    ("params", "details"),
    [
        (
            {"template_ids": "[OTHER,SUMMER]", **week()},
            "Param template_ids must name exactly one template: only two templates can be "
            "compared at a time; got 2.",
        ),
        (
            {"template_ids": "[TARGET]", **week()},
            "Param template_ids must name another template than the target.",
        ),
        (
            {"template_ids": "[FOREIGN]", **week()},
            "Param template_ids: FOREIGN is not a template of the WhatsApp Business Account of "
            "template TARGET; both templates must be in the same account.",
        ),
        (
            {"template_ids": "[SUMMER]", "start": str(T0), "end": str(T0 + 10 * DAY)},
            "The timeframe from start to end must be exactly 7, 30, 60 or 90 days; got 864000 "
            "seconds.",
        ),
        ({"template_ids": "[SUMMER]", "start": str(T0)}, "The parameter end is required."),
        (week(), "The parameter template_ids is required."),
    ],
)
async def test_compare_errors(graph: Graph, params: dict[str, str], details: str) -> None:
    ids = {
        "TARGET": await template_id(graph, "order_update"),
        "SUMMER": await template_id(graph, "summer_sale"),
        "OTHER": await template_id(graph, "login_code"),
        "FOREIGN": await template_id(graph, "summer_sale", sd.NOT_STARTED_WABA),
    }

    def named(text: str) -> str:
        for placeholder, value in ids.items():
            text = text.replace(placeholder, value)
        return text

    query = {key: named(value) for key, value in params.items()}
    response = await graph.get(f"{ids['TARGET']}/compare", **query)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(named(details))

"""Sending through /messages and /marketing_messages: response shapes and every send rule."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import BODY_PARAMS, template_send, text_send
from tests.conftest import Graph, error_of, invalid_parameter_error


async def stored(graph: Graph, wamid: str) -> dict[str, Any]:
    response = await graph.http.get(f"/_wamm/messages/{wamid}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def wamid_of(response: Any) -> str:
    value: str = response.json()["messages"][0]["id"]
    return value


# --- response shapes -------------------------------------------------------------------------


async def test_marketing_send_by_phone_answers_with_input_and_wa_id(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to="+55 (11) 98765-4321")
    )
    assert response.status_code == 200
    body = response.json()
    wamid = body["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+55 (11) 98765-4321", "wa_id": sd.BR_PHONE}],
        "messages": [{"id": wamid, "message_status": "accepted"}],
    }


async def test_send_by_bsuid_answers_with_user_id_and_no_wa_id(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=None, recipient=sd.BR_BSUID)
    )
    assert response.status_code == 200
    assert response.json()["contacts"] == [{"input": sd.BR_BSUID, "user_id": sd.BR_BSUID}]
    message = await stored(graph, wamid_of(response))
    assert message["recipient"] == {
        "input": sd.BR_BSUID,
        "wa_id": sd.BR_PHONE,
        "user_id": sd.BR_BSUID,
    }


async def test_to_takes_precedence_over_recipient(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(to=sd.US_PHONE, recipient=sd.BR_BSUID),
    )
    assert response.json()["contacts"] == [{"input": sd.US_PHONE, "wa_id": sd.US_PHONE}]
    message = await stored(graph, wamid_of(response))
    assert message["recipient"] == {"input": sd.US_PHONE, "wa_id": sd.US_PHONE}


async def test_parent_bsuid_is_accepted_as_recipient(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(to=None, recipient=sd.BR_PARENT_BSUID)
    )
    assert response.status_code == 200
    assert response.json()["contacts"] == [
        {"input": sd.BR_PARENT_BSUID, "user_id": sd.BR_PARENT_BSUID}
    ]


async def test_missing_to_and_recipient_is_meta_s_exact_error(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=None))
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "The parameter to is required.",
        "type": "OAuthException",
        "code": 100,
    }


async def test_non_template_send_answers_without_message_status(graph: Graph) -> None:
    await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())
    assert response.status_code == 200
    assert response.json()["messages"] == [{"id": wamid_of(response)}]


async def test_wamids_are_unique_and_embed_the_recipient(graph: Graph) -> None:
    first = wamid_of(await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send()))
    second = wamid_of(await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send()))
    assert first != second
    frame = base64.b64decode(first.removeprefix("wamid."))
    assert sd.BR_PHONE.encode() in frame


# --- stored messages: route, pricing, options --------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "endpoint", "name", "route", "pricing"),
    [
        (
            sd.SIGNED_PHONE,
            "marketing_messages",
            "summer_sale",
            "marketing_messages",
            "marketing_lite",
        ),
        (sd.SIGNED_PHONE, "messages", "summer_sale", "cloud_api", "marketing"),
        (sd.SIGNED_PHONE, "messages", "order_update", "cloud_api", "utility"),
        (sd.NOT_STARTED_PHONE, "marketing_messages", "summer_sale", "cloud_api", "marketing"),
    ],
)
async def test_accepted_message_is_stored_with_route_and_pricing(
    graph: Graph, phone: str, endpoint: str, name: str, route: str, pricing: str
) -> None:
    components = (
        BODY_PARAMS
        if name == "summer_sale"
        else [{"type": "body", "parameters": [{"type": "text", "text": "#9"}]}]
    )
    response = await graph.post(f"{phone}/{endpoint}", template_send(name, components))
    assert response.status_code == 200, response.text
    message = await stored(graph, wamid_of(response))
    assert message["route"] == route
    assert message["pricing_category"] == pricing
    assert message["status"] == "accepted"
    assert message["phone_number_id"] == phone
    assert message["template"]["name"] == name
    assert message["endpoint"] == endpoint


async def test_message_activity_sharing_defaults_to_the_waba_setting(graph: Graph) -> None:
    default = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    override = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages", template_send(message_activity_sharing=False)
    )
    assert (await stored(graph, wamid_of(default)))["message_activity_sharing"] is True
    assert (await stored(graph, wamid_of(override)))["message_activity_sharing"] is False


async def test_product_policy_and_callback_data_are_stored(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(product_policy="STRICT", biz_opaque_callback_data="campaign-42"),
    )
    message = await stored(graph, wamid_of(response))
    assert message["product_policy"] == "STRICT"
    assert message["biz_opaque_callback_data"] == "campaign-42"


async def test_first_send_to_an_unknown_number_creates_the_user(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(to="+44 7700 900999"))
    assert response.status_code == 200
    users = (await graph.http.get("/_wamm/users")).json()["data"]
    created = next(u for u in users if u["phone"] == "447700900999")
    assert created["country"] == "GB"
    assert created["bsuid"].startswith("GB.")


# --- errors ------------------------------------------------------------------------------------


async def send_error(graph: Graph, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await graph.post(path, body)
    return response.status_code, error_of(response)


async def test_bid_spec_template_to_a_bsuid_is_131062(graph: Graph) -> None:
    status, error = await send_error(
        graph,
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send("max_price_promo", to=None, recipient=sd.BR_BSUID),
    )
    assert status == 400
    assert error == {
        "message": "(#131062) Business-scoped User ID (BSUID) recipients are not supported for "
        "this message.",
        "type": "OAuthException",
        "code": 131062,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "The template specified in the request uses bid_spec, which is not "
            "supported for Business-scoped user ID (BSUID) recipients. To send this "
            "template, please provide the phone number of recipients or use a "
            "template without the bid_spec field.",
        },
    }


async def test_authentication_template_to_a_bsuid_is_131062(graph: Graph) -> None:
    body = template_send(
        "login_code",
        [
            {"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "123456"}],
            },
        ],
        to=None,
        recipient=sd.BR_BSUID,
    )
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", body)
    assert (status, error["code"]) == (400, 131062)


async def test_bid_spec_template_on_messages_is_131061(graph: Graph) -> None:
    status, error = await send_error(
        graph, f"{sd.SIGNED_PHONE}/messages", template_send("max_price_promo")
    )
    assert (status, error["code"]) == (400, 131061)
    assert error["message"].startswith("(#131061) ")


async def test_marketing_on_messages_when_disabled_is_131063(graph: Graph) -> None:
    response = await graph.post(sd.SIGNED_WABA, {"disable_marketing_messages_on_cloud_api": True})
    assert response.json() == {"id": sd.SIGNED_WABA}
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    assert status == 400
    assert error == {
        "message": "(#131063) Marketing templates disabled for Cloud API",
        "type": "OAuthException",
        "code": 131063,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "Your template is categorized as Marketing, but marketing templates are "
            "currently disabled for your Cloud API configuration. To send this "
            "template, use the Marketing Messages API for WhatsApp or enable "
            "marketing templates on Cloud API by turning off "
            "disable_marketing_messages_on_cloud_api.",
        },
    }
    utility = await graph.post(
        f"{sd.SIGNED_PHONE}/messages",
        template_send(
            "order_update", [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}]
        ),
    )
    assert utility.status_code == 200


async def test_non_template_on_marketing_messages_is_rejected(graph: Graph) -> None:
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/marketing_messages", text_send())
    assert status == 400
    assert error == invalid_parameter_error("Message must be a template message.")


@pytest.mark.parametrize(
    ("version", "code"),
    [("v23.0", 134100), ("v25.0", 134100), ("v22.0", 131055), ("v16.0", 131055)],
)
async def test_non_marketing_template_on_marketing_messages_depends_on_version(
    graph: Graph, version: str, code: int
) -> None:
    graph.version = version
    body = template_send(
        "order_update", [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}]
    )
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/marketing_messages", body)
    assert (status, error["code"]) == (400, code)


@pytest.mark.parametrize(
    ("name", "language", "status", "code"),
    [
        ("no_such_template", "en_US", 404, 132001),
        ("summer_sale", "pt_BR", 404, 132001),
        ("pending_promo", "en_US", 404, 132001),
        ("paused_promo", "en_US", 400, 132015),
        ("disabled_promo", "en_US", 400, 132016),
    ],
)
async def test_template_availability_errors(
    graph: Graph, name: str, language: str, status: int, code: int
) -> None:
    body = template_send(name)
    body["template"]["language"]["code"] = language
    got_status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", body)
    assert (got_status, error["code"]) == (status, code)


async def test_132001_details_name_the_template_and_language(graph: Graph) -> None:
    _, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", template_send("nope"))
    assert error["error_data"]["details"] == "template name (nope) does not exist in en_US"


@pytest.mark.parametrize(
    ("components", "code"),
    [
        ([{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}], 132000),
        ([], 132000),
        (
            [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "image", "image": {"id": "1"}},
                        {"type": "text", "text": "x"},
                    ],
                }
            ],
            132012,
        ),
        (
            [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": ""}, {"type": "text", "text": "x"}],
                }
            ],
            131009,
        ),
    ],
)
async def test_template_parameter_errors(graph: Graph, components: Any, code: int) -> None:
    status, error = await send_error(
        graph, f"{sd.SIGNED_PHONE}/messages", template_send(components=components)
    )
    assert (status, error["code"]) == (400, code)


OTP_CODE = [{"type": "body", "parameters": [{"type": "text", "text": "123456"}]}]
OTP_BUTTON = {"type": "button", "index": 0, "parameters": [{"type": "text", "text": "123456"}]}


@pytest.mark.parametrize(
    ("components", "details"),
    [
        (
            OTP_CODE,
            "template.components: button 0 (OTP) needs a text parameter; send a button "
            "component with sub_type url and index 0.",
        ),
        ([*OTP_CODE, OTP_BUTTON], "template.components[1].sub_type is required."),
    ],
)
async def test_a_missing_required_parameter_is_131008(
    graph: Graph, components: Any, details: str
) -> None:
    status, error = await send_error(
        graph, f"{sd.SIGNED_PHONE}/messages", template_send("login_code", components)
    )
    assert (status, error) == (
        400,
        {
            "message": "(#131008) Required parameter is missing",
            "type": "OAuthException",
            "code": 131008,
            "error_data": {"messaging_product": "whatsapp", "details": details},
        },
    )


async def test_text_outside_the_service_window_is_131047(graph: Graph) -> None:
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", text_send())
    assert (status, error["code"]) == (400, 131047)
    assert error["message"] == "(#131047) Re-engagement message"


async def test_service_window_opens_on_inbound_and_closes_after_24_hours(graph: Graph) -> None:
    opened = await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    assert opened.status_code == 200
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())).status_code == 200
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 24 * 3600 + 1})
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", text_send())
    assert (status, error["code"]) == (400, 131047)


async def test_window_is_per_business_number(graph: Graph) -> None:
    await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": sd.NOT_STARTED_PHONE, "from": sd.BR_PHONE}
    )
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", text_send())
    assert (status, error["code"]) == (400, 131047)


async def test_sending_to_the_business_own_number_is_131021(graph: Graph) -> None:
    status, error = await send_error(
        graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=sd.SIGNED_DISPLAY)
    )
    assert (status, error["code"]) == (400, 131021)


@pytest.mark.parametrize(
    ("change", "details"),
    [
        ({"messaging_product": None}, "The parameter messaging_product is required."),
        ({"messaging_product": "sms"}, "Param messaging_product must be 'whatsapp', got 'sms'."),
        (
            {"to": "call-me-maybe"},
            "Param to must be a phone number in international format, got 'call-me-maybe'.",
        ),
        (
            {"to": None, "recipient": "not-a-bsuid"},
            "Param recipient must be a business-scoped user ID such as "
            "'US.13491208655302741918', got 'not-a-bsuid'.",
        ),
        (
            {"product_policy": "SOMETIMES"},
            "Param product_policy must be CLOUD_API_FALLBACK or STRICT, got 'SOMETIMES'.",
        ),
        (
            {"message_activity_sharing": "maybe"},
            "Param message_activity_sharing must be a boolean (true or false).",
        ),
        (
            {"recipient_type": "broadcast"},
            "Param recipient_type must be 'individual' or 'group', got 'broadcast'.",
        ),
        (
            {"bid_spec": {"per_message_bid_multiplier": 0}},
            "Param bid_spec.per_message_bid_multiplier must be a number greater than 0.",
        ),
        (
            {"template": {"language": {"code": "en_US"}}},
            "The parameter template['name'] is required.",
        ),
        ({"template": {"name": "summer_sale"}}, "The parameter template['language'] is required."),
        ({"template": "summer_sale"}, "Param template must be a JSON object, got string."),
    ],
)
async def test_bad_envelopes_get_100_naming_the_field(
    graph: Graph, change: dict[str, Any], details: str
) -> None:
    body = template_send()
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/marketing_messages", body)
    assert status == 400
    assert error == invalid_parameter_error(details)


async def test_unsupported_message_type_is_131051(graph: Graph) -> None:
    body = {"messaging_product": "whatsapp", "to": sd.BR_PHONE, "type": "hologram", "hologram": {}}
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", body)
    assert (status, error["code"]) == (400, 131051)


async def test_group_sends_are_not_emulated_and_say_so(graph: Graph) -> None:
    body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "group"}
    body |= {"to": "120363001234", "type": "text", "text": {"body": "Hi all"}}
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/messages", body)
    assert (status, error["code"]) == (400, 131051)
    assert error["error_data"]["details"] == (
        "Group messages (recipient_type group) are not supported. "
        "wamm does not emulate this; Meta accepts it."
    )


async def test_ad_sync_delay_rejects_new_marketing_templates_until_synced(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    seeded = await graph.http.post("/_wamm/seed", json={"settings": {"ad_sync_delay_seconds": 600}})
    assert seeded.status_code == 200
    created = await graph.post(
        f"{sd.SIGNED_WABA}/message_templates", {**sd.SUMMER_SALE, "name": "fresh_offer"}
    )
    assert created.status_code == 200
    body = template_send("fresh_offer")
    status, error = await send_error(graph, f"{sd.SIGNED_PHONE}/marketing_messages", body)
    assert (status, error["code"]) == (400, 134101)
    assert error["message"] == "(#134101) Your template is still syncing"
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 600})
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", body)
    assert response.status_code == 200
    # The Cloud API route has no ad sync: the same template sends at once on /messages.
    other = await graph.post(
        f"{sd.SIGNED_WABA}/message_templates", {**sd.SUMMER_SALE, "name": "fresher_offer"}
    )
    assert other.status_code == 200
    cloud = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send("fresher_offer"))
    assert cloud.status_code == 200


async def test_form_encoded_send_is_accepted(graph: Graph) -> None:
    form = {
        "messaging_product": "whatsapp",
        "to": sd.BR_PHONE,
        "type": "template",
        "template": json.dumps(template_send()["template"]),
    }
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/marketing_messages",
        data=form,
        headers={"Authorization": f"Bearer {sd.TOKEN}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["messages"][0]["message_status"] == "accepted"


async def test_number_throughput_is_130429(graph: Graph, seed_document: dict[str, Any]) -> None:
    seed_document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 5
    await graph.http.post("/_wamm/seed", json=seed_document)
    statuses = []
    for index in range(6):
        response = await graph.post(
            f"{sd.SIGNED_PHONE}/messages", template_send(to=f"5511900000{index:03d}")
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [400]
    error = error_of(response)
    assert (error["code"], error["error_subcode"]) == (130429, 2494055)
    assert error["error_data"]["details"] == "Cloud API message throughput has been reached."
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 1})
    again = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(to="5511900000999"))
    assert again.status_code == 200


async def test_pair_rate_limit_is_131056(graph: Graph) -> None:
    await graph.http.post(
        "/_wamm/seed", json={"settings": {"pair_limit": {"burst": 3, "interval_seconds": 6}}}
    )
    codes = [
        (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 400]
    other_user = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(to=sd.US_PHONE))
    assert other_user.status_code == 200
    blocked = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert error_of(blocked)["code"] == 131056
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 6})
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200


async def test_rejected_requests_do_not_consume_throughput(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    seed_document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 2
    await graph.http.post("/_wamm/seed", json=seed_document)
    for _ in range(5):
        await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send("nope"))
    ok = [
        (
            await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000000{i}"))
        ).status_code
        for i in range(2)
    ]
    assert ok == [200, 200]


async def test_new_pair_limit_applies_to_the_next_send(graph: Graph) -> None:
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200
    await graph.http.post("/_wamm/seed", json={"settings": {"pair_limit": {"burst": 1}}})
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200
    blocked = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert error_of(blocked)["code"] == 131056


# --- keys Meta does not define (Graph's "Unexpected key") ------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "body", "key", "param"),
    [
        (
            "marketing_messages",
            template_send(template={"name": "summer_sale", "language": {"code": "en_US", "x": 1}}),
            "x",
            "template['language']",
        ),
        (
            "messages",
            template_send(components=[{**BODY_PARAMS[0], "extra": True}]),
            "extra",
            "template['components'][0]",
        ),
        ("messages", text_send(text={"body": "hello", "preveiw_url": True}), "preveiw_url", "text"),
        ("messages", text_send(context={"message_id": "wamid.x", "from": "1"}), "from", "context"),
    ],
)
async def test_an_unexpected_key_is_graph_s_exact_error_and_stores_nothing(
    graph: Graph, endpoint: str, body: dict[str, Any], key: str, param: str
) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/{endpoint}", body)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f'(#100) Unexpected key "{key}" on param "{param}".',
        "type": "OAuthException",
        "code": 100,
    }
    messages = await graph.http.get("/_wamm/messages")
    assert messages.json()["data"] == []


async def test_unknown_top_level_parameters_are_ignored(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages", template_send(preview_url=True, debug="all")
    )
    assert response.status_code == 200

"""Keys Meta does not define in the objects of management and command bodies: template create
and edit (components, buttons, samples, cards, creative features, bid cap), the template
library's inputs, the WABA update's creative features, conversational automation commands and
block-users entries. Graph refuses each as in a send (test_sending.py): code 100, `(#100)
Unexpected key "x" on param "..."`, the param in its bracket notation, no `error_data`; nothing
is stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of

TEMPLATES = f"{sd.SIGNED_WABA}/message_templates"
BODY = {"type": "BODY", "text": "Hi {{1}}, welcome", "example": {"body_text": [["Ana"]]}}
URL_BUTTON = {"type": "URL", "text": "Shop", "url": "https://shop.example.com/"}
CARD_HEADER = {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1h"]}}
CARD = {
    "components": [
        CARD_HEADER,
        {"type": "BODY", "text": "Card"},
        {"type": "BUTTONS", "buttons": [URL_BUTTON]},
    ]
}
DOF = {"creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT"}}}


def template(*components: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "name": "keys_check",
        "language": "en_US",
        "category": "MARKETING",
        "components": list(components) or [BODY],
        **fields,
    }


def unexpected(key: str, param: str) -> dict[str, Any]:
    return {
        "message": f'(#100) Unexpected key "{key}" on param "{param}".',
        "type": "OAuthException",
        "code": 100,
    }


CREATE_CASES = [
    (template({**BODY, "x": 1}), "components[0]"),
    (template({**BODY, "example": {"body_text": [["Ana"]], "x": 1}}), "components[0]['example']"),
    (
        template({**BODY, "x": 1}, {"type": "FOOTER", "text": "Bye", "y": 2}),
        "components[0]",
    ),
    (
        template(BODY, {"type": "BUTTONS", "buttons": [URL_BUTTON, {**URL_BUTTON, "x": 1}]}),
        "components[1]['buttons'][1]",
    ),
    (
        template(
            {
                "type": "BODY",
                "text": "Hi {{first_name}}",
                "example": {
                    "body_text_named_params": [
                        {"param_name": "first_name", "example": "Ana", "x": 1}
                    ]
                },
            },
            parameter_format="NAMED",
        ),
        "components[0]['example']['body_text_named_params'][0]",
    ),
    (
        template(
            BODY, {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Sale", "x": 1}}
        ),
        "components[1]['limited_time_offer']",
    ),
    (
        template(
            {"type": "BODY", "text": "Pick"},
            {"type": "CAROUSEL", "cards": [CARD, {**CARD, "x": 1}]},
        ),
        "components[1]['cards'][1]",
    ),
    (
        template(
            {"type": "BODY", "text": "Pick"},
            {"type": "CAROUSEL", "cards": [{"components": [{**CARD_HEADER, "x": 1}]}]},
        ),
        "components[1]['cards'][0]['components'][0]",
    ),
    (
        template(degrees_of_freedom_spec={**DOF, "x": 1}),
        "degrees_of_freedom_spec",
    ),
    (
        template(
            degrees_of_freedom_spec={
                "creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT", "x": 1}}
            }
        ),
        "degrees_of_freedom_spec['creative_features_spec']['image_touchups']",
    ),
    (
        template(bid_spec={"bid_amount": 5, "bid_strategy": "LOWEST_COST_WITH_BID_CAP", "x": 1}),
        "bid_spec",
    ),
]


@pytest.mark.parametrize(("body", "param"), CREATE_CASES)
async def test_create_refuses_keys_meta_does_not_define(
    graph: Graph, body: dict[str, Any], param: str
) -> None:
    response = await graph.post(TEMPLATES, body)
    assert response.status_code == 400
    assert error_of(response) == unexpected("x", param)
    listed = (await graph.get(TEMPLATES, name="keys_check")).json()
    assert listed["data"] == []


async def test_an_authentication_template_s_otp_keys_are_defined(graph: Graph) -> None:
    app = {"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}
    otp = {"type": "OTP", "otp_type": "ONE_TAP", "text": "Copy", "autofill_text": "Fill"}
    components: list[dict[str, Any]] = [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 5},
        {"type": "BUTTONS", "buttons": [{**otp, "supported_apps": [app]}]},
    ]
    body = template(*components, category="AUTHENTICATION")
    assert (await graph.post(TEMPLATES, body)).status_code == 200
    bad = [
        *components[:2],
        {"type": "BUTTONS", "buttons": [{**otp, "supported_apps": [{**app, "x": 1}]}]},
    ]
    response = await graph.post(TEMPLATES, {**body, "name": "keys_check_2", "components": bad})
    assert error_of(response) == unexpected("x", "components[2]['buttons'][0]['supported_apps'][0]")


async def test_a_form_post_s_json_components_are_checked_too(graph: Graph) -> None:
    form = {**template(), "components": '[{"type": "BODY", "text": "Hi", "x": 1}]'}
    response = await graph.post(TEMPLATES, data=form)
    assert error_of(response) == unexpected("x", "components[0]")


async def test_edit_refuses_keys_meta_does_not_define(graph: Graph) -> None:
    created = (await graph.post(TEMPLATES, template())).json()
    response = await graph.post(created["id"], {"components": [{**BODY, "x": 1}]})
    assert error_of(response) == unexpected("x", "components[0]")
    response = await graph.post(created["id"], {"degrees_of_freedom_spec": {**DOF, "x": 1}})
    assert error_of(response) == unexpected("x", "degrees_of_freedom_spec")
    read = (await graph.get(created["id"], fields="components")).json()
    assert read["components"] == [BODY]


async def test_the_library_s_inputs_refuse_keys_meta_does_not_define(graph: Graph) -> None:
    url = {"base_url": "https://acme.example.com/t/{{1}}", "url_suffix_example": "A1"}
    library = {
        "name": "acme_shipment",
        "language": "en_US",
        "category": "UTILITY",
        "library_template_name": "shipment_confirmation_1",
        "library_template_button_inputs": [
            {"type": "URL", "url": url},
            {"type": "PHONE_NUMBER", "phone_number": "+15550009999"},
        ],
    }
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"library_template_body_inputs": {"add_emoji": True}},
            "add_emoji",
            "library_template_body_inputs",
        ),
        (
            {"library_template_body_inputs": [{"add_contact_number": True}, {"x": 1}]},
            "x",
            "library_template_body_inputs[1]",
        ),
        (
            {"library_template_button_inputs": [{"type": "URL", "url": {**url, "x": 1}}]},
            "x",
            "library_template_button_inputs[0]['url']",
        ),
        (
            {"library_template_button_inputs": [{"type": "URL", "url": url, "x": 1}]},
            "x",
            "library_template_button_inputs[0]",
        ),
    ]
    for changes, key, param in cases:
        response = await graph.post(TEMPLATES, {**library, **changes})
        assert error_of(response) == unexpected(key, param), changes


async def test_the_waba_update_s_creative_features(graph: Graph) -> None:
    response = await graph.post(sd.SIGNED_WABA, {"degrees_of_freedom_spec": {**DOF, "x": 1}})
    assert error_of(response) == unexpected("x", "degrees_of_freedom_spec")
    spec = {"creative_features_spec": {"Sparkles": {"enroll_status": "OPT_IN"}}}
    response = await graph.post(sd.SIGNED_WABA, {"degrees_of_freedom_spec": spec})
    assert error_of(response) == unexpected(
        "Sparkles", "degrees_of_freedom_spec['creative_features_spec']"
    )


async def test_command_bodies(graph: Graph) -> None:
    command = {"command_name": "help", "command_description": "Get help", "x": 1}
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/conversational_automation", {"commands": [command]}
    )
    assert error_of(response) == unexpected("x", "commands[0]")
    block = {"messaging_product": "whatsapp", "block_users": [{"user": sd.BR_PHONE, "x": 1}]}
    response = await graph.post(f"{sd.SIGNED_PHONE}/block_users", block)
    assert error_of(response) == unexpected("x", "block_users[0]")

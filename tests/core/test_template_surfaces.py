"""Pure rules of the template surfaces: library requests become create bodies, bulk requests
become one create per language, comparison queries and metrics, the components webhook value."""

from __future__ import annotations

from typing import Any

import pytest

from wamm.core.analytics.compare import compare_body, parse_compare_query
from wamm.core.errors import GraphError
from wamm.core.model import Template
from wamm.core.templates.library import library, library_create_body
from wamm.core.templates.upsert import parse_upsert
from wamm.core.webhooks import template_components_value

DAY = 86400
AUTH_BODY = {"type": "BODY", "add_security_recommendation": True}
COPY_CODE = {"type": "OTP", "otp_type": "COPY_CODE"}


def test_the_library_has_unique_names_per_language_and_unique_ids() -> None:
    entries = library()
    assert len({(t.name, t.language) for t in entries}) == len(entries)
    assert len({t.id for t in entries}) == len(entries)
    assert {t.category for t in entries} == {"UTILITY", "AUTHENTICATION"}


@pytest.mark.parametrize(
    ("request_", "components"),
    [
        (
            {
                "library_template_name": "delivery_update_1",
                "category": "utility",
            },
            [
                {
                    "type": "BODY",
                    "text": "Your package for order {{1}} is out for delivery today.",
                    "example": {"body_text": [["#12345"]]},
                }
            ],
        ),
        (
            {
                "library_template_name": "fraud_alert_1",
                "category": "UTILITY",
                "library_template_body_inputs": [{"add_contact_number": True}],
            },
            [
                {
                    "type": "BODY",
                    "text": "We noticed a purchase of {{1}} at {{2}} on your card. Was this you?",
                    "example": {"body_text": [["$120.00", "Example Store"]]},
                },
                {
                    "type": "BUTTONS",
                    "buttons": [
                        {"type": "QUICK_REPLY", "text": "Yes"},
                        {"type": "QUICK_REPLY", "text": "No"},
                    ],
                },
            ],
        ),
        (
            {
                "library_template_name": "verification_code_1",
                "category": "AUTHENTICATION",
                "library_template_body_inputs": '{"add_security_recommendation": true}',
                "library_template_button_inputs": [{**COPY_CODE, "text": "ignored"}],
            },
            [AUTH_BODY, {"type": "BUTTONS", "buttons": [COPY_CODE]}],
        ),
    ],
)
def test_library_requests_become_create_bodies(
    request_: dict[str, Any], components: list[dict[str, Any]]
) -> None:
    body = library_create_body({"name": "mine", "language": "en_US", **request_})
    assert body["components"] == components
    assert body["category"] == request_["category"].upper()


def test_a_second_input_of_one_button_type_is_refused() -> None:
    url = {"type": "URL", "url": {"base_url": "https://a.example.com"}}
    with pytest.raises(GraphError) as raised:
        library_create_body(
            {
                "name": "mine",
                "language": "en_US",
                "category": "UTILITY",
                "library_template_name": "order_confirmation_1",
                "library_template_button_inputs": [url, url],
            }
        )
    assert (
        raised.value.details
        == "Param library_template_button_inputs[1]: a second URL button input."
    )


def test_upsert_is_one_create_per_language() -> None:
    specs = parse_upsert(
        {
            "name": "otp",
            "languages": '["en_US", "de"]',
            "category": "AUTHENTICATION",
            "components": [AUTH_BODY, {"type": "BUTTONS", "buttons": [COPY_CODE]}],
        }
    )
    assert [(s.name, s.language, s.category) for s in specs] == [
        ("otp", "en_US", "AUTHENTICATION"),
        ("otp", "de", "AUTHENTICATION"),
    ]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"template_ids": "[2]", "start": "0", "end": str(7 * DAY)}, None),
        ({"template_ids": "2", "start": "0", "end": str(90 * DAY)}, None),
        ({"template_ids": ["2"], "start": "0", "end": str(30 * DAY - 1)}, "exactly 7, 30"),
        ({"template_ids": "[2,3]", "start": "0", "end": str(7 * DAY)}, "got 2"),
        ({"template_ids": "[]", "start": "0", "end": str(7 * DAY)}, "got 0"),
        ({"template_ids": "[1]", "start": "0", "end": str(7 * DAY)}, "another template"),
    ],
)
def test_compare_queries(params: dict[str, Any], problem: str | None) -> None:
    if problem is None:
        assert parse_compare_query("1", params).template_ids == ("1", "2")
    else:
        with pytest.raises(GraphError) as raised:
            parse_compare_query("1", params)
        assert problem in (raised.value.details or "")


def test_compare_needs_a_thousand_sends_of_each() -> None:
    assert compare_body(("1", "2"), {"1": 1000, "2": 5000})["data"][1]["number_values"] == [
        {"key": "1", "value": 1000},
        {"key": "2", "value": 5000},
    ]
    with pytest.raises(GraphError) as raised:
        compare_body(("1", "2"), {"1": 1000, "2": 999})
    assert (raised.value.details or "").startswith("Template 2 was sent 999 times")


def test_the_components_value_of_an_authentication_template_has_an_empty_element() -> None:
    template = Template(
        id="42",
        waba_id="1",
        seq=1,
        name="otp",
        language="en_US",
        category="AUTHENTICATION",
        status="APPROVED",
        components=[AUTH_BODY, {"type": "BUTTONS", "buttons": [COPY_CODE]}],
    )
    assert template_components_value(template) == {
        "message_template_id": 42,
        "message_template_name": "otp",
        "message_template_language": "en_US",
        "message_template_element": "",
    }

"""Keys Meta does not define in a send's object parameters: refused as Graph's parameter layer
refuses them, `(#100) Unexpected key "x" on param "template['language']".`, the param named in
Graph's notation. Non-template content has its own table in test_content.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.core.templates.builders import (
    CAROUSEL,
    FULL,
    FULL_OK,
    IMAGE_PARAM,
    SEED,
    card,
    send_body,
    text,
)
from wamm.core.content_cursor import meta_path
from wamm.core.errors import GraphError
from wamm.core.receipts import parse_read_receipt
from wamm.core.sending import ENDPOINT_MARKETING, parse_envelope, parse_template_ref
from wamm.core.templates import check_send_components

TEMPLATE = {"name": "summer_sale", "language": {"code": "en_US"}, "components": []}
ENVELOPE = {"messaging_product": "whatsapp", "to": "+16505551234", "type": "template"}
WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"


def refused(call: Callable[[], object]) -> dict[str, Any]:
    with pytest.raises(GraphError) as caught:
        call()
    error: dict[str, Any] = caught.value.body("trace")["error"]
    return error


def unexpected(key: str, param: str) -> dict[str, Any]:
    return {
        "message": f'(#100) Unexpected key "{key}" on param "{param}".',
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "trace",
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("template", "template"),
        ("template.language", "template['language']"),
        ("template.components[0]", "template['components'][0]"),
        ("template.components[0].parameters[1]", "template['components'][0]['parameters'][1]"),
        ("contacts[0].phones[2]", "contacts[0]['phones'][2]"),
        ("interactive.action.cards[1].header", "interactive['action']['cards'][1]['header']"),
    ],
)
def test_paths_are_written_in_graph_s_notation(path: str, expected: str) -> None:
    assert meta_path(path) == expected


@pytest.mark.parametrize(
    ("template", "param"),
    [
        ({**TEMPLATE, "x": 1}, "template"),
        ({**TEMPLATE, "language": {"code": "en_US", "x": 1}}, "template['language']"),
    ],
)
def test_template_reference(template: dict[str, Any], param: str) -> None:
    assert refused(lambda: parse_template_ref(template)) == unexpected("x", param)


def test_template_reference_keeps_the_on_premises_keys() -> None:
    ref = parse_template_ref(
        {**TEMPLATE, "namespace": "ns", "language": {"code": "en_US", "policy": "deterministic"}}
    )
    assert (ref.name, ref.language) == ("summer_sale", "en_US")


@pytest.mark.parametrize(
    ("template", "components", "param"),
    [
        (SEED, [{**send_body(text("Ana"), text("20%")), "x": 1}], "template['components'][0]"),
        (
            SEED,
            [send_body(text("Ana"), text("20%", x=1))],
            "template['components'][0]['parameters'][1]",
        ),
        (
            FULL,
            [{"type": "header", "parameters": [{**IMAGE_PARAM, "x": 1}]}, *FULL_OK[1:]],
            "template['components'][0]['parameters'][0]",
        ),
        (
            CAROUSEL,
            [send_body(), {"type": "carousel", "cards": [card(0), {**card(1), "x": 1}]}],
            "template['components'][1]['cards'][1]",
        ),
        (
            CAROUSEL,
            [
                send_body(),
                {
                    "type": "carousel",
                    "cards": [card(0), {**card(1), "components": [{"type": "body", "x": 1}]}],
                },
            ],
            "template['components'][1]['cards'][1]['components'][0]",
        ),
    ],
)
def test_template_components(template: Any, components: Any, param: str) -> None:
    error = refused(lambda: check_send_components(template, components))
    assert error == unexpected("x", param)


def test_bid_spec_of_a_marketing_send() -> None:
    body = {**ENVELOPE, "bid_spec": {"per_message_bid_multiplier": 2, "x": 1}}
    assert refused(lambda: parse_envelope(body, ENDPOINT_MARKETING)) == unexpected("x", "bid_spec")


def test_typing_indicator_of_a_read_receipt() -> None:
    receipt = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": WAMID,
        "typing_indicator": {"type": "text", "x": 1},
    }
    assert refused(lambda: parse_read_receipt(receipt)) == unexpected("x", "typing_indicator")


def test_unknown_top_level_parameters_are_ignored_as_graph_ignores_them() -> None:
    body = {**ENVELOPE, "template": TEMPLATE, "preview_url": True, "debug": "all"}
    assert parse_envelope(body, ENDPOINT_MARKETING).type == "template"

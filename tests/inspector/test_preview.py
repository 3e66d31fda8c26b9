"""The phone preview's pieces: WhatsApp formatting as safe HTML, and parameters substituted
into a template's components."""

from __future__ import annotations

from typing import Any

import pytest

from tests.content_builders import INTERACTIVE, edit
from wamm.core.model import Template
from wamm.server.inspector.formatting import whatsapp_html
from wamm.server.inspector.preview import (
    Offer,
    Preview,
    PreviewButton,
    content_preview,
    message_preview,
    substitute,
    template_preview,
)
from wamm.server.inspector.rendering import fragment


def template(*components: dict[str, Any], parameter_format: str = "POSITIONAL") -> Template:
    return Template(
        id="1",
        waba_id="2",
        seq=1,
        name="promo",
        language="en_US",
        category="MARKETING",
        status="APPROVED",
        components=list(components),
        parameter_format=parameter_format,
    )


def text(value: str) -> dict[str, str]:
    return {"type": "text", "text": value}


def test_whatsapp_formatting_becomes_tags() -> None:
    html = whatsapp_html("*big* _soft_ ~gone~ ```x *not bold*```\nnext")
    assert html == (
        "<strong>big</strong> <em>soft</em> <s>gone</s> <code>x *not bold*</code><br>next"
    )


def test_markers_around_spaces_stay_text() -> None:
    assert whatsapp_html("2 * 3 * 4 and snake_case_name") == "2 * 3 * 4 and snake_case_name"


def test_markup_in_text_is_escaped_before_formatting() -> None:
    html = whatsapp_html("*<img src=x onerror=alert(1)>* & 'q'")
    assert html == "<strong>&lt;img src=x onerror=alert(1)&gt;</strong> &amp; &#39;q&#39;"


def test_positional_and_named_variables_are_substituted() -> None:
    assert substitute("Hi {{1}}, {{2}} off {{3}}", [text("Ana"), text("20%")]) == (
        "Hi Ana, 20% off {{3}}"
    )
    named = [
        {"type": "text", "parameter_name": "first_name", "text": "Ana"},
        {"type": "currency", "parameter_name": "price", "currency": {"fallback_value": "$5"}},
    ]
    assert substitute("{{first_name}} pays {{price}} ({{code}})", named) == (
        "Ana pays $5 ({{code}})"
    )


def test_template_preview_has_every_component() -> None:
    promo = template(
        {"type": "HEADER", "format": "TEXT", "text": "Sale for {{1}}"},
        {"type": "BODY", "text": "Hi *{{1}}*, take {{2}}"},
        {"type": "FOOTER", "text": "Reply STOP to opt out"},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "URL", "text": "Shop", "url": "https://shop.example/{{1}}"},
                {"type": "QUICK_REPLY", "text": "Not interested"},
                {"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+15550100"},
                {"type": "COPY_CODE", "example": "SAVE10"},
            ],
        },
    )
    payload = {
        "name": "promo",
        "components": [
            {"type": "header", "parameters": [text("Ana")]},
            {"type": "body", "parameters": [text("Ana"), text("20%")]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("s1")]},
            {
                "type": "button",
                "sub_type": "copy_code",
                "index": 3,
                "parameters": [{"type": "coupon_code", "coupon_code": "SAVE10"}],
            },
        ],
    }
    message = {"type": "template", "payload": payload}
    assert message_preview(message, promo) == Preview(
        header_kind="text",
        header_text="Sale for Ana",
        body="Hi *Ana*, take 20%",
        footer="Reply STOP to opt out",
        buttons=[
            PreviewButton("URL", "Shop", "https://shop.example/s1"),
            PreviewButton("QUICK_REPLY", "Not interested"),
            PreviewButton("PHONE_NUMBER", "Call", "+15550100"),
            PreviewButton("COPY_CODE", "Copy offer code", "SAVE10"),
        ],
    )


def test_media_header_shows_its_link_and_unknown_components_are_named() -> None:
    promo = template(
        {"type": "HEADER", "format": "IMAGE"},
        {"type": "BODY", "text": "Look"},
        {"type": "CALL_PERMISSION_REQUEST"},
    )
    header = {"type": "image", "image": {"link": "https://cdn.example/a.png"}}
    payload = {"components": [{"type": "header", "parameters": [header]}]}
    preview = message_preview({"type": "template", "payload": payload}, promo)
    assert (preview.header_kind, preview.header_text) == ("image", "https://cdn.example/a.png")
    assert preview.notes == ["call permission request"]


def offer_send(expires: Any) -> dict[str, Any]:
    offer = {"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": expires}}
    return {"type": "limited_time_offer", "parameters": [offer]}


def test_a_limited_time_offer_shows_its_text_and_the_sent_expiry() -> None:
    lto = {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends soon"}}
    expiring = {**lto, "limited_time_offer": {"text": "Ends soon", "has_expiration": True}}
    copy = {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "X"}]}
    code = {"type": "coupon_code", "coupon_code": "SUMMER"}
    sent = [
        offer_send(1767225600000),
        {"type": "button", "sub_type": "copy_code", "index": "0", "parameters": [code]},
    ]
    preview = message_preview(
        {"type": "template", "payload": {"components": sent}},
        template(expiring, {"type": "BODY", "text": "Hurry"}, copy),
    )
    assert preview.offer == Offer("Ends soon", 1767225600000)
    assert preview.buttons == [PreviewButton("COPY_CODE", "Copy offer code", "SUMMER")]
    # An offer without expiry ignores any sent time; a sent time that is not a number is not shown.
    assert template_preview(template(lto), {"components": sent}).offer == Offer("Ends soon")
    odd = {"components": [offer_send("soon")]}
    assert template_preview(template(expiring), odd).offer == Offer("Ends soon")


def card(body: str, button: str) -> dict[str, Any]:
    return {
        "components": [
            {"type": "HEADER", "format": "IMAGE"},
            {"type": "BODY", "text": body},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": button}]},
        ]
    }


def test_carousel_cards_take_their_own_parameters() -> None:
    carousel = template(
        {"type": "BODY", "text": "Our picks for {{1}}"},
        {"type": "CAROUSEL", "cards": [card("Shoes {{1}}", "More"), card("Hats", "Stop")]},
    )
    image = {"type": "image", "image": {"link": "https://cdn.example/shoe.png"}}
    cards = [
        {
            "card_index": 0,
            "components": [
                {"type": "header", "parameters": [image]},
                {"type": "body", "parameters": [text("-30%")]},
            ],
        }
    ]
    sent = [
        {"type": "body", "parameters": [text("Ana")]},
        {"type": "carousel", "cards": cards},
    ]
    preview = template_preview(carousel, {"components": sent})
    assert preview.body == "Our picks for Ana"
    assert preview.cards == [
        Preview(
            header_kind="image",
            header_text="https://cdn.example/shoe.png",
            body="Shoes -30%",
            buttons=[PreviewButton("QUICK_REPLY", "More")],
        ),
        Preview(header_kind="image", body="Hats", buttons=[PreviewButton("QUICK_REPLY", "Stop")]),
    ]


def test_offer_and_card_texts_are_escaped_on_the_page() -> None:
    xss = "<img src=x onerror=alert(1)>"
    promo = template(
        {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": xss}},
        {"type": "CAROUSEL", "cards": [card(xss, xss)]},
    )
    html = fragment("phone_preview.html", preview=template_preview(promo, {}))
    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 3
    assert html.count('data-testid="preview-card"') == 1


def test_messages_that_are_not_templates() -> None:
    assert content_preview("text", {"body": "hello _there_"}) == Preview(body="hello _there_")
    assert content_preview("image", {"link": "https://x/y.png", "caption": "c"}) == Preview(
        "image", "https://x/y.png", "c"
    )
    gone = message_preview({"type": "template", "payload": {"name": "old"}}, None)
    assert gone.notes == ["template old (no longer in the catalog)"]


def test_interactive_header_and_reply_buttons() -> None:
    payload = edit(INTERACTIVE["button"], {"header": {"type": "text", "text": "Workshop"}})
    preview = content_preview("interactive", payload)
    assert (preview.header_kind, preview.header_text) == ("text", "Workshop")
    assert preview.buttons == [
        PreviewButton("QUICK_REPLY", "Change"),
        PreviewButton("QUICK_REPLY", "Cancel"),
    ]


def test_carousel_cards_are_labelled_one_by_one() -> None:
    preview = content_preview("interactive", INTERACTIVE["carousel"])
    assert preview.body == "Three of our latest arrivals, each under $25:"
    assert preview.notes == [
        "card 0: image https://example.com/0.image | *Card 0*\n\nA rosette-shaped succulent. "
        "| Buy now",
        "card 1: video https://example.com/1.video | *Card 1*\n\nA rosette-shaped succulent. "
        "| Buy now",
        "card 2: image https://example.com/2.image | *Card 2*\n\nA rosette-shaped succulent. "
        "| Buy now",
    ]


@pytest.mark.parametrize(
    ("kind", "buttons", "notes"),
    [
        ("voice_call", [PreviewButton("VOICE_CALL", "Call on WhatsApp")], []),
        ("call_permission_request", [], ["call permission request"]),
        (
            "request_contact_info",
            [PreviewButton("REQUEST_CONTACT_INFO", "Share contact info")],
            [],
        ),
        (
            "order_details",
            [PreviewButton("ORDER_DETAILS", "Review and pay")],
            ["order order-4471.b: INR 21.00, 1 item(s)"],
        ),
        ("order_status", [], ["order order-4471.b: shipped"]),
    ],
)
def test_calls_contact_requests_and_orders(
    kind: str, buttons: list[PreviewButton], notes: list[str]
) -> None:
    preview = content_preview("interactive", INTERACTIVE[kind])
    assert preview.body == INTERACTIVE[kind]["body"]["text"]
    assert (preview.buttons, preview.notes) == (buttons, notes)


def test_a_call_button_without_a_label_shows_meta_s_default() -> None:
    payload = edit(INTERACTIVE["voice_call"], {"action.parameters": {}})
    assert content_preview("interactive", payload).buttons == [
        PreviewButton("VOICE_CALL", "Call Now")
    ]

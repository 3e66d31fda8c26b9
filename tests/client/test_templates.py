"""Templates through the SDK against an in-process wamm, and the local checks that catch what
Meta would reject before any request."""

from __future__ import annotations

import httpx
import pytest

from tests import seed_data as sd
from wamm.client import (
    AsyncClient,
    BidSpec,
    Body,
    Buttons,
    CopyCodeButton,
    Footer,
    HeaderMedia,
    HeaderText,
    LimitedTimeOffer,
    OtpButton,
    ParameterError,
    PhoneNumberButton,
    QuickReply,
    TemplateDefinition,
    TemplateEdit,
    TemplateMessage,
    TemplateQuery,
    UrlButton,
    ValidationError,
)
from wamm.client import parameters as p

WABA = sd.SIGNED_WABA


def promo(name: str = "spring_sale", **options: object) -> TemplateDefinition:
    return TemplateDefinition(
        name=name,
        language="en_US",
        category="MARKETING",
        components=[
            HeaderText("Spring {{1}}", example=["deals"]),
            Body("Hi {{1}}, enjoy {{2}} off", example=["Ana", "20%"]),
            Footer("Reply STOP to opt out"),
            Buttons(
                [
                    QuickReply("Not interested"),
                    UrlButton("Shop", "https://shop.example.com/{{1}}", example="spring"),
                    PhoneNumberButton("Call us", "+15550783881"),
                ]
            ),
        ],
        **options,  # type: ignore[arg-type]
    )


async def test_create_get_edit_unpause_delete(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    created = await aclient.create_template(
        WABA,
        promo(
            message_send_ttl_seconds=43200,
            creative_features={"image_touchups": "OPT_OUT"},
            bid_spec=BidSpec(bid_amount=4000),
        ),
    )
    assert (created.status, created.category) == ("APPROVED", "MARKETING")
    fields = ["name", "status", "components", "message_send_ttl_seconds", "bid_spec",
              "degrees_of_freedom_spec", "quality_score", "ad_id"]  # fmt: skip
    template = await aclient.get_template(created.id, fields=fields)
    assert template.name == "spring_sale"
    assert template.message_send_ttl_seconds == 43200
    assert template.bid_spec == BidSpec(bid_amount=4000)
    assert template.degrees_of_freedom_spec is not None
    assert template.degrees_of_freedom_spec.as_dict()["image_touchups"] == "OPT_OUT"
    assert template.quality_score is not None and template.quality_score.score == "UNKNOWN"
    assert template.ad_id is not None
    assert template.components is not None and template.components[0]["format"] == "TEXT"

    edited = await aclient.edit_template(
        created.id,
        TemplateEdit(
            category="MARKETING",
            components=[Body("Hello {{1}}, {{2}} off today", example=["Ana", "10%"])],
            bid_spec=BidSpec(bid_amount=5000),
        ),
    )
    assert (edited.success, edited.name, edited.category) == (True, "spring_sale", "MARKETING")

    await control.post(f"/_wamm/templates/{created.id}/quality", json={"score": "RED"})
    paused = await aclient.get_template(created.id, fields=["status"])
    assert paused.status == "PAUSED"
    assert (await aclient.unpause_template(created.id)).success
    deleted = await aclient.delete_template(WABA, name="spring_sale", hsm_id=created.id)
    assert deleted.success
    with pytest.raises(ParameterError) as raised:
        await aclient.get_template(created.id)
    assert (raised.value.code, raised.value.subcode) == (100, 33)


async def test_list_filters_summary_and_iteration(aclient: AsyncClient) -> None:
    page = await aclient.list_templates(
        WABA, TemplateQuery(status=["APPROVED"], category=["MARKETING"], limit=1, summary=True)
    )
    assert [t.name for t in page.data] == ["max_price_promo"]
    assert page.summary is not None and page.summary.total_count == 2
    assert page.paging is not None and page.paging.next is not None
    names = [t.name async for t in aclient.iter_templates(WABA, TemplateQuery(limit=2))]
    assert len(names) == 7 and names[-1] == "summer_sale"
    found = await aclient.list_templates(
        WABA, TemplateQuery(name="sale", fields=["name", "language"], language=["en_US"])
    )
    assert [(t.name, t.language, t.status) for t in found.data] == [("summer_sale", "en_US", None)]
    by_content = await aclient.list_templates(WABA, TemplateQuery(content="shipped"))
    assert [t.name for t in by_content.data] == ["order_update"]
    either = await aclient.list_templates(
        WABA, TemplateQuery(name_or_content="login", quality_score=["UNKNOWN"])
    )
    assert [t.name for t in either.data] == ["login_code"]


async def test_delete_by_ids(aclient: AsyncClient) -> None:
    page = await aclient.list_templates(WABA, TemplateQuery(name="promo"))
    ids = [t.id for t in page.data if t.status in ("PENDING",)]
    assert (await aclient.delete_template(WABA, hsm_ids=ids)).success


async def test_authentication_and_offer_templates(aclient: AsyncClient) -> None:
    otp = TemplateDefinition(
        "verify_code",
        "en_US",
        "AUTHENTICATION",
        [
            Body(add_security_recommendation=True),
            Footer(code_expiration_minutes=10),
            Buttons([OtpButton()]),
        ],
        message_send_ttl_seconds=600,
    )
    assert (await aclient.create_template(WABA, otp)).category == "AUTHENTICATION"
    handle = await aclient.upload_resumable(sd.APP_ID, b"\x89PNG sample", "image/png")
    offer = TemplateDefinition(
        "flash_offer",
        "en_US",
        "MARKETING",
        [
            HeaderMedia("IMAGE", handle=handle),
            LimitedTimeOffer("Ends soon!", has_expiration=True),
            Body("Grab {{first_name}}'s deal now, it is great", example={"first_name": "Ana"}),
            Buttons([CopyCodeButton("SAVE10")]),
        ],
        parameter_format="NAMED",
    )
    assert (await aclient.create_template(WABA, offer)).status == "APPROVED"
    template = await aclient.get_template(
        (await aclient.list_templates(WABA, TemplateQuery(name="flash_offer"))).data[0].id,
        fields=["components", "category", "parameter_format"],
    )
    message = TemplateMessage(
        "flash_offer",
        components=[
            p.header(p.media("image", link="https://example.com/a.png")),
            p.limited_time_offer(1_800_000_000_000),
            p.body(p.text("Ana", name="first_name")),
            p.button(0, "copy_code", p.coupon_code("SAVE10")),
        ],
    )
    message.check_against(template)


@pytest.mark.parametrize(
    ("build", "code", "subcode"),
    [
        (lambda: promo(name="Bad Name"), 100, None),
        (lambda: promo(message_send_ttl_seconds=60), 100, None),
        (
            lambda: TemplateDefinition("x", "en_US", "MARKETING", [Body("Hi {{1}}, welcome")]),
            100,
            2388043,
        ),
        (
            lambda: TemplateDefinition(
                "x", "en_US", "MARKETING", [Body("{{1}} hi", example=["a"])]
            ),
            100,
            2388299,
        ),
        (
            lambda: TemplateDefinition("x", "en_US", "MARKETING", [Body("a" * 1025)]),
            100,
            2388040,
        ),
        (
            lambda: TemplateDefinition("x", "en_US", "MARKETING", [Body("hi"), Footer("{{1}}")]),
            100,
            2388073,
        ),
        (
            lambda: TemplateDefinition(
                "x", "en_US", "UTILITY", [Body("hi")], bid_spec=BidSpec(bid_amount=1)
            ),
            100,
            None,
        ),
        (lambda: TemplateDefinition("x", "xx_XX", "MARKETING", [Body("hi")]), 100, None),
    ],
    ids=["name", "ttl", "example", "position", "length", "footer", "bid", "language"],
)
def test_definitions_meta_would_reject_fail_locally(
    build: object, code: int, subcode: int | None
) -> None:
    with pytest.raises(ValidationError) as raised:
        build()  # type: ignore[operator]
    assert (raised.value.code, raised.value.subcode) == (code, subcode)


def test_edits_are_checked_locally() -> None:
    with pytest.raises(ValidationError, match="Nothing to edit"):
        TemplateEdit()
    with pytest.raises(ValidationError, match='Unexpected key "sparkles"'):
        TemplateEdit(creative_features={"sparkles": "OPT_IN"})
    with pytest.raises(ValidationError) as raised:
        TemplateEdit(category="MARKETING", components=[Body("{{1}}", example=["x"])])
    assert raised.value.subcode == 2388299
    with pytest.raises(ValidationError):
        TemplateEdit(category="UTILITY", message_send_ttl_seconds=99999)
    assert TemplateEdit(message_send_ttl_seconds=99999).to_body() == {
        "message_send_ttl_seconds": 99999
    }


async def test_edit_checked_against_the_template(aclient: AsyncClient) -> None:
    page = await aclient.list_templates(WABA, TemplateQuery(name="disabled_promo"))
    disabled = page.data[0]
    edit = TemplateEdit(components=[Body("New text for everyone")])
    with pytest.raises(ValidationError) as raised:
        edit.check_against(disabled)
    assert raised.value.subcode == 2388039
    approved = (await aclient.list_templates(WABA, TemplateQuery(name="summer_sale"))).data[0]
    edit.check_against(approved)
    with pytest.raises(ValidationError, match="can't change"):
        TemplateEdit(category="UTILITY").check_against(approved)


async def test_server_side_template_errors_keep_subcode_and_user_texts(
    aclient: AsyncClient,
) -> None:
    with pytest.raises(ParameterError) as raised:
        await aclient.create_template(
            WABA, TemplateDefinition("summer_sale", "en_US", "MARKETING", [Body("again")])
        )
    error = raised.value
    assert (error.code, error.subcode) == (100, 2388024)
    assert error.user_title == "Content in This Language Already Exists"
    assert error.user_msg and not error.is_transient

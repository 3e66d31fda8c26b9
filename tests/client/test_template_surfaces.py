"""The template library, bulk authentication templates and template comparison through the
SDK against an in-process wamm."""

from __future__ import annotations

import msgspec
import pytest

from tests import seed_data as sd
from wamm.client import (
    AsyncClient,
    AuthenticationTemplates,
    Body,
    Buttons,
    Footer,
    LibraryQuery,
    LibraryTemplateDefinition,
    OtpButton,
    ParameterError,
    TemplateComparison,
    TemplateQuery,
    ValidationError,
)
from wamm.client.components import ComponentLike

WABA = sd.SIGNED_WABA
DAY = 86400
OTP: list[ComponentLike] = [
    Body(add_security_recommendation=True),
    Footer(code_expiration_minutes=5),
    Buttons([OtpButton("COPY_CODE")]),
]


async def test_library_lists_filters_and_pages(aclient: AsyncClient) -> None:
    page = await aclient.list_library_templates(LibraryQuery(topic="PAYMENTS"))
    (payment,) = page.data
    assert (payment.name, payment.category, payment.usecase) == (
        "payment_due_reminder_1",
        "UTILITY",
        "PAYMENT_DUE_REMINDER",
    )
    assert payment.industry == ["FINANCIAL_SERVICES", "E_COMMERCE"]
    assert payment.body_params == ["John", "$25.00", "March 1"]
    assert payment.buttons == [
        {"type": "URL", "text": "Pay now", "url": "https://www.example.com/{{1}}"}
    ]
    names = [t.name async for t in aclient.iter_library_templates(LibraryQuery(limit=2))]
    assert len(names) == 9 and names[-1] == "verification_code_1"


async def test_create_from_library_is_approved(aclient: AsyncClient) -> None:
    created = await aclient.create_template_from_library(
        WABA,
        LibraryTemplateDefinition(
            name="acme_payment_reminder",
            language="en_US",
            category="UTILITY",
            library_template_name="payment_due_reminder_1",
            button_inputs=[
                {
                    "type": "URL",
                    "url": {
                        "base_url": "https://acme.example.com/pay/{{1}}",
                        "url_suffix_example": "https://acme.example.com/pay/42",
                    },
                }
            ],
        ),
    )
    assert (created.status, created.category) == ("APPROVED", "UTILITY")
    template = await aclient.get_template(created.id, fields=["library_template_name"])
    assert template.library_template_name == "payment_due_reminder_1"


async def test_create_from_library_reports_meta_errors(aclient: AsyncClient) -> None:
    definition = LibraryTemplateDefinition(
        name="acme_reminder",
        language="en_US",
        category="UTILITY",
        library_template_name="payment_due_reminder_1",
    )
    with pytest.raises(ParameterError) as raised:
        await aclient.create_template_from_library(WABA, definition)
    assert raised.value.code == 100
    assert "must give the URL button" in str(raised.value)


async def test_upsert_creates_then_updates_each_language(aclient: AsyncClient) -> None:
    first = await aclient.upsert_templates(
        WABA, AuthenticationTemplates(name="acme_otp", languages=["en_US", "pt_BR"], components=OTP)
    )
    assert [(t.language, t.status) for t in first.data] == [
        ("en_US", "APPROVED"),
        ("pt_BR", "APPROVED"),
    ]
    again = await aclient.upsert_templates(
        WABA, AuthenticationTemplates(name="acme_otp", languages=["pt_BR"], components=OTP[::2])
    )
    assert [t.id for t in again.data] == [first.data[1].id]
    listed = await aclient.list_templates(WABA, TemplateQuery(name="acme_otp"))
    assert len(listed.data) == 2


def test_authentication_templates_are_checked_when_built() -> None:
    with pytest.raises(ValidationError, match="xx_XX"):
        AuthenticationTemplates(name="acme_otp", languages=["en_US", "xx_XX"], components=OTP)
    with pytest.raises(ValidationError, match="languages lists a language twice"):
        AuthenticationTemplates(name="acme_otp", languages=["es", "es"], components=OTP)


async def test_compare_reports_meta_limits(aclient: AsyncClient) -> None:
    listed = await aclient.list_templates(WABA, TemplateQuery(fields=["id", "name"]))
    ids = {t.name: t.id for t in listed.data}
    end = int(sd.CLOCK_START)
    with pytest.raises(ParameterError) as raised:
        await aclient.compare_templates(
            ids["order_update"], ids["summer_sale"], start=end - 7 * DAY, end=end
        )
    assert "comparing needs at least 1000 sends" in str(raised.value)


def test_comparison_reads_meta_metrics() -> None:
    body = {
        "data": [
            {"metric": "BLOCK_RATE", "type": "RELATIVE", "order_by_relative_metric": ["2", "1"]},
            {
                "metric": "MESSAGE_SENDS",
                "type": "NUMBER_VALUES",
                "number_values": [{"key": "1", "value": 1500}, {"key": "2", "value": 1200}],
            },
            {
                "metric": "TOP_BLOCK_REASON",
                "type": "STRING_VALUES",
                "string_values": [{"key": "1", "value": "SPAM"}, {"key": "2", "value": "OTHER"}],
            },
        ]
    }
    comparison = msgspec.convert(body, TemplateComparison)
    assert comparison.block_rate_order == ["2", "1"]
    assert comparison.times_sent == {"1": 1500, "2": 1200}
    assert comparison.top_block_reason == {"1": "SPAM", "2": "OTHER"}

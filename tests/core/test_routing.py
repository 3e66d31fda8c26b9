"""The routing decision without I/O, table-first."""

from __future__ import annotations

import pytest

from tests.builders import template
from wamm.core.errors import GraphError
from wamm.core.model import Business, Template, Waba
from wamm.core.routing import Decision, SendFacts, decide

MM, CLOUD = "marketing_messages", "cloud_api"


def facts(
    endpoint: str = "marketing_messages",
    policy: str = "CLOUD_API_FALLBACK",
    bsuid: bool = False,
    version: int = 23,
    now: float = 1000.0,
    delay: float = 0.0,
) -> SendFacts:
    return SendFacts(
        endpoint=endpoint,
        product_policy=policy,
        to_bsuid=bsuid,
        api_version=version,
        now=now,
        ad_sync_delay=delay,
        strict_error_code=134102,
    )


def outcome(
    terms: str, flag: bool, tpl: Template, send: SendFacts, override: str | None = None
) -> Decision | int:
    business = Business(id="b", name="B", mm_terms=terms)
    waba = Waba(
        id="w",
        business_id="b",
        name="W",
        disable_marketing_messages_on_cloud_api=flag,
        onboarding_status_override=override,
    )
    try:
        return decide(tpl, business, waba, send)
    except GraphError as error:
        return error.code


@pytest.mark.parametrize(
    ("terms", "flag", "tpl", "send", "expected"),
    [
        ("signed", False, template(), facts(), Decision(MM, "marketing_lite")),
        ("signed", True, template(), facts(policy="STRICT"), Decision(MM, "marketing_lite")),
        ("not_started", True, template(), facts(), Decision(CLOUD, "marketing")),
        ("request_sent", False, template(), facts(), Decision(CLOUD, "marketing")),
        ("request_sent", True, template(), facts(), 131063),
        ("not_started", False, template(), facts(policy="STRICT"), 134102),
        ("signed", False, template("UTILITY"), facts(), 134100),
        ("signed", False, template("UTILITY"), facts(version=22), 131055),
        ("signed", False, template(bid=True), facts(bsuid=True), 131062),
        ("signed", False, template(bid=True), facts(), Decision(MM, "marketing_lite")),
        ("not_started", False, template(bid=True), facts(), 131061),
        ("signed", False, template(created_at=900), facts(delay=600), 134101),
        (
            "signed",
            False,
            template(created_at=400),
            facts(delay=600),
            Decision(MM, "marketing_lite"),
        ),
        ("signed", False, template(), facts("messages"), Decision(CLOUD, "marketing")),
        ("signed", True, template(), facts("messages"), 131063),
        ("not_started", True, template(), facts("messages"), Decision(CLOUD, "marketing")),
        ("signed", False, template(bid=True), facts("messages"), 131061),
        ("signed", True, template("UTILITY"), facts("messages"), Decision(CLOUD, "utility")),
        (
            "signed",
            False,
            template("AUTHENTICATION"),
            facts("messages"),
            Decision(CLOUD, "authentication"),
        ),
        ("signed", False, template("AUTHENTICATION"), facts("messages", bsuid=True), 131062),
    ],
)
def test_decide(
    terms: str, flag: bool, tpl: Template, send: SendFacts, expected: Decision | int
) -> None:
    assert outcome(terms, flag, tpl, send) == expected


def test_ineligible_override_keeps_a_signed_waba_off_mm() -> None:
    result = outcome(
        "signed", False, template(), facts(), override="INELIGIBLE_COUNTRY_NOT_SUPPORTED"
    )
    assert result == Decision(CLOUD, "marketing")

"""Whether a template can be sent, and its messages' validity period, table-first."""

from __future__ import annotations

import pytest

from tests.builders import template
from wamm.core.errors import GraphError
from wamm.core.model import TEMPLATE_STATUSES, Template
from wamm.core.templates.sendable import sendable, ttl_seconds

CODES = {"PAUSED": 132015, "DISABLED": 132016}  # every other status: as if it did not exist


def test_an_approved_template_is_sent() -> None:
    approved = template()
    assert sendable(approved, "t", "en_US") is approved


@pytest.mark.parametrize(
    ("status", "code"),
    [(status, CODES.get(status, 132001)) for status in TEMPLATE_STATUSES if status != "APPROVED"],
)
def test_any_other_status_is_refused(status: str, code: int) -> None:
    with pytest.raises(GraphError) as raised:
        sendable(template(status=status), "t", "en_US")
    assert raised.value.code == code


def test_a_missing_template_names_what_was_asked_for() -> None:
    with pytest.raises(GraphError) as raised:
        sendable(None, "sale", "pt_BR")
    assert (raised.value.code, raised.value.details) == (
        132001,
        "template name (sale) does not exist in pt_BR",
    )


@pytest.mark.parametrize(
    ("found", "ttl"),
    [
        (None, None),
        (template(), 30 * 86_400),  # Meta's default for marketing
        (template(ttl=43_200), 43_200),
        (template("UTILITY"), None),
        (template("UTILITY", ttl=600), 600),
        (template("AUTHENTICATION", ttl=-1), -1),
    ],
)
def test_ttl_seconds(found: Template | None, ttl: int | None) -> None:
    assert ttl_seconds(found) == ttl

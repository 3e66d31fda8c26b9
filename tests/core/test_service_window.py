"""The customer-service window without I/O, table-first."""

from __future__ import annotations

import pytest

from wamm.core import service_window
from wamm.core.errors import GraphError

DAY = 24 * 3600.0


@pytest.mark.parametrize(
    ("opened_at", "now", "hours", "is_open"),
    [
        (None, 0.0, 24.0, False),  # the user never wrote
        (1000.0, 1000.0, 24.0, True),
        (1000.0, 1000.0 + DAY, 24.0, True),  # the last second is inside
        (1000.0, 1000.0 + DAY + 0.001, 24.0, False),
        (1000.0, 1000.0 + 3600, 1.0, True),  # the length is a setting
        (1000.0, 1000.0 + 3601, 1.0, False),
        (1000.0, 1000.0, 0.0, True),
        (1000.0, 1000.5, 0.0, False),
    ],
)
def test_is_open(opened_at: float | None, now: float, hours: float, is_open: bool) -> None:
    assert service_window.is_open(opened_at, now, hours) is is_open


@pytest.mark.parametrize(
    ("opened_at", "hours", "closes_at"),
    [(1000.0, 24.0, 1000.0 + DAY), (1000.0, 0.5, 2800.0), (0.0, 0.0, 0.0)],
)
def test_closes_at(opened_at: float, hours: float, closes_at: float) -> None:
    assert service_window.closes_at(opened_at, hours) == closes_at
    assert service_window.is_open(opened_at, closes_at, hours)


def test_free_form_messages_need_an_open_window() -> None:
    service_window.check_free_form(in_window=True)
    with pytest.raises(GraphError) as raised:
        service_window.check_free_form(in_window=False)
    assert raised.value.code == 131047

"""`control_token`: which admin token `wamm serve` requires for the address it listens on."""

from __future__ import annotations

import pytest

from wamm.cli.admin_token import control_token
from wamm.cli.common import UsageError


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1"])
def test_loopback_without_a_token_leaves_the_control_api_open(address: str) -> None:
    assert control_token(address, None) == (None, False)


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.0.2.10", "fe80::1%lo"])
def test_any_other_address_without_a_token_gets_a_generated_one(address: str) -> None:
    token, generated = control_token(address, None)
    assert generated
    assert token is not None
    assert len(token) >= 32
    assert control_token(address, None)[0] != token


def test_a_given_token_is_used_on_any_address() -> None:
    assert control_token("0.0.0.0", "9f2c-our-own") == ("9f2c-our-own", False)
    assert control_token("127.0.0.1", "9f2c-our-own") == ("9f2c-our-own", False)


@pytest.mark.parametrize("placeholder", ["change-me", " Change-Me ", "changeme", "password"])
def test_placeholders_are_refused(placeholder: str) -> None:
    with pytest.raises(UsageError, match="is a placeholder: choose a secret of your own"):
        control_token("127.0.0.1", placeholder)

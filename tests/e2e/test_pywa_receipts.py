"""pywa, unmodified, marks received messages as read and shows a typing indicator on a live
wamm; its typed error for a message id wamm does not know."""

from __future__ import annotations

import pytest
from pywa import WhatsApp
from pywa import errors as pywa_errors

from tests import seed_data as sd
from tests.e2e.conftest import LiveServer


def user_writes(live_server: LiveServer, text: str) -> str:
    answer = live_server.control(
        "POST",
        "/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": text},
    )
    wamid: str = answer["message"]["id"]
    return wamid


def received(live_server: LiveServer, wamid: str) -> dict[str, object]:
    (message,) = [m for m in live_server.control("GET", "/inbound")["data"] if m["wamid"] == wamid]
    assert isinstance(message, dict)
    return message


def test_mark_message_as_read(wa: WhatsApp, live_server: LiveServer) -> None:
    first = user_writes(live_server, "Hi")
    second = user_writes(live_server, "Hello?")
    assert wa.mark_message_as_read(second).success is True
    assert received(live_server, first)["read_at"] is not None
    assert received(live_server, second)["read_at"] is not None


def test_indicate_typing(wa: WhatsApp, live_server: LiveServer) -> None:
    wamid = user_writes(live_server, "Hi")
    assert wa.indicate_typing(wamid, sender=sd.SIGNED_PHONE).success is True
    indicator = received(live_server, wamid)["typing_indicator"]
    assert isinstance(indicator, dict)
    assert indicator["active"] is True


def test_an_unknown_message_id_is_pywas_invalid_parameter(wa: WhatsApp) -> None:
    with pytest.raises(pywa_errors.InvalidParameter) as raised:
        wa.mark_message_as_read("wamid.unknown")
    assert raised.value.code == 131009
    assert raised.value.details == (
        "message_id wamid.unknown is not the id of a message this phone number received."
    )

"""Ids, phones, clock, error rendering."""

from __future__ import annotations

import base64

import pytest

from wamm.core import ids, phones
from wamm.core.clock import Clock
from wamm.core.errors import CATALOGUE, GraphError, async_error_object
from wamm.core.phones import country_of, is_bsuid, normalize_phone
from wamm.core.recipients import Draws


def test_wamid_layout_matches_meta() -> None:
    wamid = ids.wamid(5, "16467043595")
    frame = base64.b64decode(wamid.removeprefix("wamid."))
    assert frame.startswith(b"\x1c\x18\x0b16467043595\x15\x02\x00\x11\x18\x12")
    assert len(frame) == 3 + 11 + 6 + 18 + 1
    assert ids.wamid(5, "16467043595") == wamid
    assert ids.wamid(6, "16467043595") != wamid


def test_wamids_carry_their_sequence() -> None:
    for seq in (1, 2, 777, 10**12):
        assert ids.wamid_sequence(ids.wamid(seq, "5511987654321")) == seq
        inbound = ids.wamid(seq, "5511987654321", kind="inbound")
        assert inbound != ids.wamid(seq, "5511987654321")
        assert ids.wamid_sequence(inbound, kind="inbound") == seq
    hex_parts = {ids.wamid(seq, "1")[-30:] for seq in range(1000)}
    assert len(hex_parts) == 1000
    for garbage in ("wamid.!!!", "wamid.AAAA", "not-a-wamid"):
        assert ids.wamid_sequence(garbage) is None


def test_object_ids_look_like_meta_ids() -> None:
    values = {ids.object_id(1, "template", n) for n in range(1000)}
    assert len(values) == 1000
    assert all(v.isdigit() and len(v) == 16 for v in values)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("+1 (650) 555-1234", "16505551234"),
        ("0044 7700 900123", "447700900123"),
        ("5511987654321", "5511987654321"),
        ("12345", None),
        ("+1 650 CALL NOW", None),
        ("1" * 16, None),
        ("-5511987654321", None),
        ("55+11987654321", None),
        ("(11) 98765-4321", "11987654321"),
    ],
)
def test_normalize_phone(raw: str, digits: str | None) -> None:
    assert normalize_phone(raw) == digits


@pytest.mark.parametrize(
    ("phone", "country"),
    [("16505551234", "US"), ("5511987654321", "BR"), ("447700900123", "GB"), ("14165551234", "CA")],
)
def test_country_of(phone: str, country: str) -> None:
    assert country_of(phone) == country


def test_remembered_regions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phones, "MAX_REMEMBERED_REGIONS", 3)
    monkeypatch.setattr(phones, "_regions_by_prefix", {})
    for phone in ("16505551234", "5511987654321", "447700900123", "14165551234"):
        country_of(phone)
    assert phones._regions_by_prefix == {"141655": "CA"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("US.13491208655302741918", True),
        ("US.ENT.11815799212886844830", True),
        ("us.123", False),
        ("US.", False),
        ("US." + "a" * 129, False),
        ("5511987654321", False),
    ],
)
def test_bsuid_format(value: str, ok: bool) -> None:
    assert is_bsuid(value) is ok


def test_generated_bsuid_is_stable_and_well_formed() -> None:
    bsuid = ids.generated_bsuid("BR", "5511987654321")
    assert bsuid == ids.generated_bsuid("BR", "5511987654321")
    assert is_bsuid(bsuid) and bsuid.startswith("BR.")


def test_manual_clock_moves_only_when_advanced() -> None:
    clock = Clock.create("manual", start=100.0)
    assert clock.now() == 100.0
    assert clock.advance(50) == 150.0
    assert clock.now() == 150.0


def test_accelerated_clock_runs_faster_than_real_time() -> None:
    clock = Clock.create("accelerated", start=0.0, factor=1000.0)
    clock.anchor -= 0.01  # pretend 10 ms of real time passed
    assert clock.now() >= 10.0


def test_error_body_shape_and_status() -> None:
    error = GraphError(131047)
    assert error.http_status == 400
    assert error.body("T") == {
        "error": {
            "message": "(#131047) Re-engagement message",
            "type": "OAuthException",
            "code": 131047,
            "error_data": {"messaging_product": "whatsapp", "details": CATALOGUE[131047].details},
            "fbtrace_id": "T",
        }
    }
    assert GraphError(132001).http_status == 404
    assert GraphError(190).http_status == 401


def test_async_error_object_for_webhooks() -> None:
    assert async_error_object(131049) == {
        "code": 131049,
        "title": "This message was not delivered to maintain healthy ecosystem engagement.",
        "message": "This message was not delivered to maintain healthy ecosystem engagement.",
        "error_data": {
            "details": "In order to maintain a healthy ecosystem engagement, the "
            "message failed to be delivered."
        },
        "href": "https://developers.facebook.com/documentation/business-messaging/whatsapp/"
        "support/error-codes/",
    }


def test_message_draws_are_deterministic_and_well_spread() -> None:
    def sequence(draws: Draws) -> list[float]:
        return [
            value
            for _ in range(50)
            for value in (draws.random(), draws.expovariate(0.5), draws.gauss(0, 1))
        ]

    assert sequence(Draws(7, 42)) == sequence(Draws(7, 42))
    assert sequence(Draws(7, 42))[1:] != sequence(Draws(7, 42))[:-1]  # the draws move on
    assert len(set(sequence(Draws(7, 42))) & set(sequence(Draws(7, 43)))) == 0
    draws = Draws(1, 1)
    samples = [draws.random() for _ in range(20_000)]
    assert all(0.0 <= s < 1.0 for s in samples)
    assert abs(sum(samples) / len(samples) - 0.5) < 0.01
    exponential = [draws.expovariate(1 / 60) for _ in range(20_000)]
    assert abs(sum(exponential) / len(exponential) - 60) < 3
    assert all(2.0 <= draws.uniform(2, 5) <= 5.0 for _ in range(100))
    normal = [draws.gauss(10, 2) for _ in range(20_000)]
    assert abs(sum(normal) / len(normal) - 10) < 0.1

"""Generated audiences, lognormal delays and per-message reactions without I/O, table-first."""

from __future__ import annotations

import math
import statistics

import pytest

from wamm.core.audiences import NEVER_ONLINE_SECONDS, Audience, AudienceIndex, check
from wamm.core.reactions import CLICK_WINDOW_SECONDS, Reactions, draws, plan_reactions
from wamm.core.recipients import Behaviour, Delay, Draws, PlannedEvent

SEED = 7


def audience(**fields: object) -> Audience:
    values: dict[str, object] = {"name": "a", "size": 20_000, "prefix": "4477009"}
    values.update(fields)
    return Audience(**values)  # type: ignore[arg-type]


# --- members ---------------------------------------------------------------------------------


def test_every_member_phone_maps_back_to_its_index() -> None:
    crowd = audience(size=3000, us_share=0.2)
    phones = list(crowd.phones(SEED, 0, 3000))
    assert [crowd.index_of(SEED, phone) for phone in phones] == list(range(3000))
    us = [p for p in phones if p.startswith("1555")]
    assert 0.17 < len(us) / 3000 < 0.23
    assert phones[0] in ("447700900000", "15550000000")


@pytest.mark.parametrize(
    "phone",
    [
        "447700920000",  # past the size
        "44770090000",  # too short
        "447700800000",  # another prefix
        "15550000000",  # a US number of a member that is not one (us_share 0)
    ],
)
def test_other_phones_are_no_members(phone: str) -> None:
    assert audience(size=20_000).index_of(SEED, phone) is None


def test_a_us_members_other_number_is_no_member() -> None:
    crowd = audience(size=100, us_share=0.5)
    us_index = next(i for i in range(100) if crowd.phone(SEED, i).startswith("1555"))
    assert crowd.index_of(SEED, "4477009" + str(us_index).zfill(5)) is None


def test_the_first_audience_claiming_a_phone_decides() -> None:
    first = audience(name="first", never_read_share=1.0)
    second = audience(name="second")
    behaviour = AudienceIndex([first, second], SEED).behaviour("447700900001")
    assert behaviour is not None and behaviour.reads is False
    assert AudienceIndex([first], SEED).behaviour("5511987654321") is None


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"prefix": "44770091234", "size": 11},
            "prefix 44770091234 leaves 1 of 12 digits: too few for 11 members",
        ),
        ({"length": 15, "prefix": "44770091234", "size": 10}, None),
        (
            {"us_share": 0.1, "us_prefix": "155512345", "size": 1000},
            "us_prefix 155512345 leaves too few digits for 1000 members",
        ),
        (
            {"us_share": 0.1, "us_prefix": "4455"},
            "us_prefix must start with the calling code 1, got 4455",
        ),
        (
            {"never_online_share": 0.5, "offline_share": 0.6},
            "never_online_share and offline_share add up to more than 1",
        ),
    ],
)
def test_problems(fields: dict[str, object], problem: str | None) -> None:
    assert audience(**fields).problem() == problem


def test_check_names_the_first_bad_audience() -> None:
    assert check([audience(), audience(name="b")]) is None
    assert check([audience(), audience()]) == (1, "audience name a is used twice")


# --- behaviour -------------------------------------------------------------------------------


def test_behaviour_is_the_same_for_the_same_seed_and_differs_with_another() -> None:
    crowd = audience(offline_share=0.5, never_read_share=0.5)
    run = [crowd.behaviour(SEED, i) for i in range(200)]
    assert run == [crowd.behaviour(SEED, i) for i in range(200)]
    assert run != [crowd.behaviour(SEED + 1, i) for i in range(200)]


def test_shares_hold_over_a_large_audience() -> None:
    crowd = audience(
        unreachable_share=0.05, never_online_share=0.1, offline_share=0.2, never_read_share=0.3
    )
    people = [crowd.behaviour(SEED, i) for i in range(20_000)]
    assert sum(not p.reachable for p in people) / 20_000 == pytest.approx(0.05, abs=0.01)
    never = sum(p.offline_seconds == NEVER_ONLINE_SECONDS for p in people)
    offline = sum(0 < p.offline_seconds < NEVER_ONLINE_SECONDS for p in people)
    assert never / 20_000 == pytest.approx(0.1, abs=0.01)
    assert offline / 20_000 == pytest.approx(0.2, abs=0.01)
    assert sum(p.reads is False for p in people) / 20_000 == pytest.approx(0.3, abs=0.01)


def test_lognormal_delays_have_their_median() -> None:
    delay = Delay(distribution="lognormal", median=600.0, sigma=1.5)
    samples = [delay.sample(Draws(SEED, seq)) for seq in range(20_000)]
    assert statistics.median(samples) == pytest.approx(600.0, rel=0.05)
    logs = [math.log(s) for s in samples]
    assert statistics.stdev(logs) == pytest.approx(1.5, rel=0.05)


# --- reactions -------------------------------------------------------------------------------

READ_EVENTS = [
    PlannedEvent(1.0, "sent"),
    PlannedEvent(3.0, "delivered"),
    PlannedEvent(63.0, "read"),
]
UNREAD = READ_EVENTS[:2]
NOW = Delay(distribution="constant", value=5.0)
EVERYTHING = Behaviour(
    click_probability=1.0, click_delay=NOW, opt_out_probability=1.0, opt_out_delay=NOW
)


@pytest.mark.parametrize(
    ("behaviour", "events", "marketing", "url_button", "expected"),
    [
        (EVERYTHING, READ_EVENTS, True, True, Reactions(click_at=68.0, stop_at=68.0)),
        (EVERYTHING, UNREAD, True, True, None),  # nothing without a read
        (EVERYTHING, READ_EVENTS, False, True, Reactions(click_at=68.0)),  # utility: no stop
        (EVERYTHING, READ_EVENTS, True, False, Reactions(stop_at=68.0)),  # nothing to click
        (Behaviour(), READ_EVENTS, True, True, None),
        (
            Behaviour(click_probability=1.0, click_delay=Delay(value=CLICK_WINDOW_SECONDS)),
            READ_EVENTS,
            True,
            True,
            None,  # after Meta's 7-day click window
        ),
    ],
)
def test_plan_reactions(
    behaviour: Behaviour,
    events: list[PlannedEvent],
    marketing: bool,
    url_button: bool,
    expected: Reactions | None,
) -> None:
    planned = plan_reactions(
        behaviour,
        events,
        sent_at=0.0,
        marketing=marketing,
        url_button=url_button,
        rng=draws(SEED, 1),
    )
    assert planned == expected


def test_click_rate_holds_over_many_messages() -> None:
    behaviour = Behaviour(click_probability=0.1)
    clicks = sum(
        plan_reactions(
            behaviour, READ_EVENTS, sent_at=0.0, marketing=True, url_button=True, rng=draws(1, s)
        )
        is not None
        for s in range(20_000)
    )
    assert clicks / 20_000 == pytest.approx(0.1, abs=0.01)

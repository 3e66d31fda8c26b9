"""Generated audiences over HTTP: the control routes, and a campaign's funnel.

The funnel campaign sends one Marketing Messages template with a URL button to every member of
a 2,000-member audience, lets two virtual days pass and reads the outcome back through the
control API and template analytics: each share lands within a few points of the audience's
setting, and the same seed gives exactly the same outcome again after a reset.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
import yaml

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of
from tests.doc_blocks import ROOT, blocks

DAY = 86400
SPRING_PROMO = {
    "name": "spring_promo",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "BODY", "text": "Spring is here: 20% off everything"},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "URL", "text": "Shop now", "url": "https://shop.example.com/spring"}
            ],
        },
    ],
}
FUNNEL_SEED = yaml.safe_load((ROOT / "examples" / "spring_funnel.yaml").read_text())
(FUNNEL,) = FUNNEL_SEED["audiences"]


def funnel_seed() -> dict[str, Any]:
    document = sd.seed(audiences=[FUNNEL])
    waba = document["businesses"][0]["wabas"][0]
    waba["is_enabled_for_insights"] = True
    waba["templates"] += [SPRING_PROMO]
    return document


@pytest.fixture
def seed_document() -> dict[str, Any]:
    return funnel_seed()


# --- helpers ---------------------------------------------------------------------------------


async def numbers(graph: Graph, name: str, **query: Any) -> dict[str, Any]:
    response = await graph.http.get(f"/_wamm/audiences/{name}/numbers", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def campaign(graph: Graph, phones: list[str]) -> list[str]:
    """Send spring_promo to each phone at the number's 80 messages per second."""
    wamids = []
    for index, phone in enumerate(phones):
        if index and index % 80 == 0:
            await graph.http.post("/_wamm/clock/advance", json={"seconds": 1})
        body = template_send("spring_promo", components=[], to=phone)
        response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", body)
        assert response.status_code == 200, response.text
        wamids.append(response.json()["messages"][0]["id"])
    return wamids


async def all_messages(graph: Graph) -> list[dict[str, Any]]:
    return await every(graph, "/_wamm/messages")


async def every(graph: Graph, path: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    query: dict[str, Any] = {"limit": 1000}
    while True:
        page = (await graph.http.get(path, params=query)).json()
        found += page["data"]
        if "paging" not in page:
            return found
        query["after"] = page["paging"]["cursors"]["after"]


async def spring_analytics(graph: Graph) -> dict[str, Any]:
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", fields="name", limit=100)
    spring = next(t["id"] for t in listed.json()["data"] if t["name"] == "spring_promo")
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics",
        template_ids=f"[{spring}]",
        start=int(sd.CLOCK_START),
        end="2026-01-10",
        granularity="DAILY",
        product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP",
    )
    assert response.status_code == 200, response.text
    points: list[dict[str, Any]] = response.json()["data"][0]["data_points"]
    totals: Counter[str] = Counter()
    for point in points:
        totals.update({key: point[key] for key in ("sent", "delivered", "read")})
        totals["clicked"] += sum(c["count"] for c in point["clicked"] if c["type"] == "url_button")
    return dict(totals)


async def run_campaign(graph: Graph, size: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """From a reset to the funnel seed (ids restart): the campaign to the first `size`
    members, then two days."""
    reset = await graph.http.post("/_wamm/reset", json=funnel_seed())
    assert reset.status_code == 200, reset.text
    phones = (await numbers(graph, "spring", limit=size))["data"]
    await campaign(graph, phones)
    advanced = await graph.http.post("/_wamm/clock/advance", json={"seconds": 2 * DAY})
    assert advanced.status_code == 200
    return await all_messages(graph), await spring_analytics(graph)


# --- control routes --------------------------------------------------------------------------


def test_the_funnel_docs_show_is_the_one_checked_here() -> None:
    """docs/seed.md shows examples/spring_funnel.yaml and quotes the figures this file checks;
    the test world keeps its settings."""
    (shown,) = [b for b in blocks("docs/seed.md") if b.lang == "yaml" and "name: spring" in b.code]
    assert yaml.safe_load(shown.code) == FUNNEL_SEED
    settings, world = dict(FUNNEL_SEED["settings"]), funnel_seed()["settings"]
    start = datetime.fromisoformat(settings.pop("clock_start")).timestamp()
    assert (settings.items() <= world.items(), start) == (True, world["clock_start"])


async def test_the_seeded_audience_is_listed_with_its_defaults(graph: Graph) -> None:
    response = await graph.http.get("/_wamm/audiences")
    assert response.status_code == 200
    (listed,) = response.json()["data"]
    assert {k: listed[k] for k in FUNNEL} == FUNNEL | {
        "read_delay": {**listed["read_delay"], "median": 600.0, "sigma": 1.5}
    }
    assert (listed["length"], listed["us_prefix"]) == (12, "1555")
    assert listed["click_delay"]["distribution"] == "lognormal"


async def test_numbers_page_through_the_members(graph: Graph) -> None:
    first = await numbers(graph, "spring", limit=3)
    assert first["summary"] == {"name": "spring", "size": 2000}
    assert first["paging"] == {"cursors": {"after": "3"}}
    assert len(first["data"]) == 3
    last = await numbers(graph, "spring", after=1998, limit=10)
    assert "paging" not in last and len(last["data"]) == 2
    every = (await numbers(graph, "spring", limit=2000))["data"]
    assert len(set(every)) == 2000
    us = [p for p in every if p.startswith("1555")]
    assert all(len(p) == 11 for p in us) and 60 <= len(us) <= 140  # 5 % of 2,000
    assert all(p.startswith("4477009") and len(p) == 12 for p in every if p not in us)


async def test_put_replaces_the_audiences(graph: Graph) -> None:
    small = {"name": "tiny", "size": 5, "prefix": "4915112", "never_read_share": 1.0}
    response = await graph.http.put("/_wamm/audiences", json={"audiences": [small]})
    assert response.status_code == 200, response.text
    assert [a["name"] for a in response.json()["data"]] == ["tiny"]
    assert (await numbers(graph, "tiny"))["data"] == [f"49151120000{i}" for i in range(5)]
    gone = await graph.http.get("/_wamm/audiences/spring/numbers")
    assert gone.status_code == 404
    assert error_of(gone)["error_data"]["details"] == "No audience named spring."


@pytest.mark.parametrize(
    ("audiences", "path", "problem"),
    [
        ([{"name": "a", "size": 0, "prefix": "44"}], "$.audiences[0].size", "Expected `int` >= 1"),
        (
            [{"name": "a", "size": 10, "prefix": "44", "click_rate": 2}],
            "$.audiences[0].click_rate",
            "Expected `float` <= 1.0",
        ),
        (
            [{"name": "a", "size": 1000, "prefix": "4477009123"}],
            "$.audiences[0]",
            "prefix 4477009123 leaves 2 of 12 digits: too few for 1000 members",
        ),
        (
            [
                {
                    "name": "a",
                    "size": 10,
                    "prefix": "44",
                    "never_online_share": 0.6,
                    "offline_share": 0.6,
                }
            ],
            "$.audiences[0]",
            "never_online_share and offline_share add up to more than 1",
        ),
        (
            [{"name": "a", "size": 1, "prefix": "44"}, {"name": "a", "size": 1, "prefix": "45"}],
            "$.audiences[1]",
            "audience name a is used twice",
        ),
        ([{"name": "a b", "size": 1, "prefix": "44"}], "$.audiences[0].name", None),
    ],
)
async def test_bad_audiences_are_refused_naming_the_path(
    graph: Graph, audiences: list[dict[str, Any]], path: str, problem: str | None
) -> None:
    response = await graph.http.put("/_wamm/audiences", json={"audiences": audiences})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["error_data"]["path"]) == (100, path)
    if problem is not None:
        assert error["error_data"]["details"] == problem
    assert [a["name"] for a in (await graph.http.get("/_wamm/audiences")).json()["data"]] == [
        "spring"
    ]


async def test_put_needs_a_list(graph: Graph) -> None:
    response = await graph.http.put("/_wamm/audiences", json={"audience": []})
    assert response.status_code == 400
    assert error_of(response)["error_data"]["details"] == (
        "The body must be an object with a list `audiences`."
    )


@pytest.mark.parametrize(
    ("query", "details"),
    [({"limit": 0}, "limit must be between 1 and 10000."), ({"after": -1}, None)],
)
async def test_bad_number_pages_are_refused(
    graph: Graph, query: dict[str, Any], details: str | None
) -> None:
    response = await graph.http.get("/_wamm/audiences/spring/numbers", params=query)
    assert response.status_code == 400
    assert error_of(response)["code"] == 100
    if details is not None:
        assert error_of(response)["error_data"]["details"] == details


# --- behaviour -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "code"),
    [
        ({"unreachable_share": 1.0}, 131026),
        ({"us_share": 1.0}, 131049),
        ({"marketing_limit_share": 1.0}, 131049),
    ],
)
async def test_members_fail_as_their_shares_say(
    graph: Graph, audience: dict[str, Any], code: int
) -> None:
    body = {"audiences": [{"name": "all", "size": 3, "prefix": "4915112", **audience}]}
    assert (await graph.http.put("/_wamm/audiences", json=body)).status_code == 200
    await campaign(graph, (await numbers(graph, "all"))["data"])
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 60})
    listed = await all_messages(graph)
    assert [m["events"][-1].get("error_code") for m in listed] == [code] * 3


async def test_never_online_members_stay_sent_and_late_readers_read_late(graph: Graph) -> None:
    body = {
        "audiences": [
            {"name": "gone", "size": 2, "prefix": "4915112", "never_online_share": 1.0},
            {
                "name": "slow",
                "size": 2,
                "prefix": "4915113",
                "read_delay": {"distribution": "constant", "value": 3600},
            },
        ]
    }
    assert (await graph.http.put("/_wamm/audiences", json=body)).status_code == 200
    phones = (await numbers(graph, "gone"))["data"] + (await numbers(graph, "slow"))["data"]
    await campaign(graph, phones)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 40 * DAY})
    listed = {m["recipient"]["wa_id"]: m for m in await all_messages(graph)}
    assert [listed[p]["status"] for p in phones] == ["sent", "sent", "read", "read"]
    slow = listed[phones[2]]["events"]
    assert slow[2]["timestamp"] - slow[1]["timestamp"] in (3599, 3600, 3601)


async def test_a_message_of_a_non_member_plans_as_before(graph: Graph) -> None:
    (wamid,) = await campaign(graph, [sd.BR_PHONE])
    await graph.http.post("/_wamm/clock/advance", json={"seconds": DAY})
    listed = await all_messages(graph)
    assert [(m["wamid"], m["status"]) for m in listed] == [(wamid, "read")]


# --- the funnel ------------------------------------------------------------------------------


def shares(listed: list[dict[str, Any]]) -> dict[str, float]:
    outcome: Counter[str] = Counter()
    for message in listed:
        last = message["events"][-1]
        outcome[str(last.get("error_code", last["status"]))] += 1
    return {key: count / len(listed) for key, count in outcome.items()}


async def test_the_same_seed_gives_the_same_campaign(graph: Graph) -> None:
    listed, analytics = await run_campaign(graph, 200)
    opted_out = await opted_out_members(graph)
    assert {m["status"] for m in listed} == {"failed", "sent", "delivered", "read"}
    assert analytics["clicked"] > 0
    assert await run_campaign(graph, 200) == (listed, analytics)
    assert await opted_out_members(graph) == opted_out


@pytest.mark.slow
async def test_a_campaign_funnel_follows_the_audience_and_reproduces(graph: Graph) -> None:
    listed, analytics = await run_campaign(graph, 2000)
    assert len(listed) == 2000
    funnel = shares(listed)
    reachable = 0.98 * 0.95  # neither unreachable nor a US number
    delivered = reachable * 0.96 * 0.97  # not capped, phone comes back
    expected = {
        "131026": 0.02,
        "131049": 0.98 * 0.05 + reachable * 0.04,
        "sent": reachable * 0.96 * 0.03,
        "delivered": delivered * 0.30,
        "read": delivered * 0.70,
    }
    for key, share in expected.items():
        assert funnel.get(key, 0.0) == pytest.approx(share, abs=0.025), key
    assert analytics["sent"] == 2000 - round(2000 * (funnel["131026"] + funnel["131049"]))
    assert analytics["read"] == round(2000 * funnel["read"])
    assert analytics["delivered"] == analytics["read"] + round(2000 * funnel["delivered"])
    assert analytics["clicked"] / analytics["read"] == pytest.approx(0.10, abs=0.03)
    opted_out = await opted_out_members(graph)
    assert len(opted_out) / analytics["read"] == pytest.approx(0.02, abs=0.01)

    again, analytics_again = await run_campaign(graph, 2000)
    assert again == listed
    assert analytics_again == analytics
    assert await opted_out_members(graph) == opted_out


async def opted_out_members(graph: Graph) -> list[str]:
    users = await every(graph, "/_wamm/users")
    return sorted(u["phone"] for u in users if u.get("marketing_stopped"))

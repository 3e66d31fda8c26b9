"""The control API: seeding (atomic, with error paths), reset, inspection, clock, admin token."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from wamm.server.app import build_app
from wamm.service.runtime import Runtime


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        ({"bogus": 1}, "$", "Object contains unknown field `bogus`"),
        (
            {"businesses": [{"id": "1", "name": "x", "colour": "red"}]},
            "$.businesses[0]",
            "Object contains unknown field `colour`",
        ),
        (
            {"businesses": [{"id": "1", "name": "x", "mm_terms": "maybe"}]},
            "$.businesses[0].mm_terms",
            "Invalid enum value 'maybe'; expected one of not_started, request_sent, signed",
        ),
        (
            {"settings": {"clock": "sundial"}},
            "$.settings.clock",
            "Invalid enum value 'sundial'; expected one of accelerated, manual, realtime",
        ),
        (
            {"tokens": [{"value": "t", "wabas": ["404"]}]},
            "$.tokens[0].wabas[0]",
            "unknown WABA 404",
        ),
        (
            {"tokens": [{"value": "t", "scopes": ["root"]}]},
            "$.tokens[0].scopes[0]",
            "unknown permission 'root'",
        ),
        (
            {"tokens": [{"value": "t", "business_id": "404"}]},
            "$.tokens[0].business_id",
            "unknown business 404",
        ),
        (
            {"businesses": [{"id": "7", "name": "x", "client_of": ["404"]}]},
            "$.businesses[0].client_of[0]",
            "unknown business 404",
        ),
        (
            {"businesses": [{"id": "7", "name": "x", "client_of": ["7"]}]},
            "$.businesses[0].client_of[0]",
            "a business cannot be a client of itself",
        ),
        ({"users": [{"phone": "12"}]}, "$.users[0].phone", "not a phone number"),
        (
            {"users": [{"phone": "5511999990000", "bsuid": "nope"}]},
            "$.users[0].bsuid",
            "not a BSUID",
        ),
        (
            {"apps": [{"id": "1", "secret": "s"}, {"id": "1", "secret": "t"}]},
            "$.apps[1].id",
            "duplicate app id 1",
        ),
    ],
)
async def test_bad_seeds_name_the_path_of_the_bad_key(
    graph: Graph, document: dict[str, Any], path: str, problem: str
) -> None:
    response = await graph.http.post("/_wamm/seed", json=document)
    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "WammSeedError"
    assert error["code"] == 100
    assert error["error_data"]["path"] == path
    assert problem in error["error_data"]["details"]
    assert error["message"].startswith(f"Invalid seed at {path}: ")


def seed_error(path: str, problem: str) -> dict[str, Any]:
    return {
        "message": f"Invalid seed at {path}: {problem}",
        "type": "WammSeedError",
        "code": 100,
        "error_data": {"path": path, "details": problem},
    }


@pytest.mark.parametrize(
    ("settings", "path", "problem"),
    [
        (
            {"pair_limit": {"interval_seconds": 0}},
            "$.settings.pair_limit.interval_seconds",
            "Expected `float` > 0.0",
        ),
        ({"pair_limit": {"burst": -1}}, "$.settings.pair_limit.burst", "Expected `int` >= 0"),
        ({"webhooks": {"batch_size": 0}}, "$.settings.webhooks.batch_size", "Expected `int` >= 1"),
        (
            {"webhooks": {"batch_size": 1001}},
            "$.settings.webhooks.batch_size",
            "Expected `int` <= 1000",
        ),
        (
            {"webhooks": {"concurrency": 0}},
            "$.settings.webhooks.concurrency",
            "Expected `int` >= 1",
        ),
        (
            {"webhooks": {"retry_initial_seconds": 0}},
            "$.settings.webhooks.retry_initial_seconds",
            "Expected `float` > 0.0",
        ),
        ({"clock_factor": 0}, "$.settings.clock_factor", "Expected `float` > 0.0"),
        ({"clock_factor": 1e300}, "$.settings.clock_factor", "Expected `float` <= 1000000.0"),
        (
            {"ad_sync_delay_seconds": 1e300},
            "$.settings.ad_sync_delay_seconds",
            "Expected `float` <= 315576000.0",
        ),
        (
            {"customer_service_window_hours": -1},
            "$.settings.customer_service_window_hours",
            "Expected `float` >= 0.0",
        ),
        (
            {"recipients": {"read_probability": 1.5}},
            "$.settings.recipients.read_probability",
            "Expected `float` <= 1.0",
        ),
        (
            {"recipients": {"read_delay": {"distribution": "exponential", "mean": -60}}},
            "$.settings.recipients.read_delay.mean",
            "Expected `float` >= 0.0",
        ),
        (
            {"marketing_limit": {"count": -1}},
            "$.settings.marketing_limit.count",
            "Expected `int` >= 0",
        ),
        ({"rng_seed": 2**63}, "$.settings.rng_seed", "Expected `int` <= 9223372036854775807"),
        (
            {"strict_fallback_error_code": 42},
            "$.settings.strict_fallback_error_code",
            "Invalid enum value 42; expected one of 10, 131000, 131042, 131055, 131063, 134102",
        ),
        (
            {"authentication_international_countries": ["India"]},
            "$.settings.authentication_international_countries[0]",
            "Expected `str` matching regex '^[A-Z]{2}$'",
        ),
        (
            {"clock_start": "9999-12-31T00:00:00"},
            "$.settings.clock_start",
            "must be between 1970 and the year 9000, got '9999-12-31T00:00:00'",
        ),
    ],
)
async def test_settings_out_of_range_are_refused_naming_the_key(
    graph: Graph, settings: dict[str, Any], path: str, problem: str
) -> None:
    response = await graph.http.post("/_wamm/seed", json={"settings": settings})
    assert response.status_code == 400
    assert error_of(response) == seed_error(path, problem)
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200


async def test_a_strict_fallback_code_from_the_list_is_used(graph: Graph) -> None:
    seeded = await graph.http.post(
        "/_wamm/seed", json={"settings": {"strict_fallback_error_code": 131063}}
    )
    assert seeded.status_code == 200, seeded.text
    response = await graph.post(
        f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send(product_policy="STRICT")
    )
    assert (response.status_code, error_of(response)["code"]) == (400, 131063)


async def test_out_of_range_numbers_elsewhere_in_a_seed_name_the_key(graph: Graph) -> None:
    response = await graph.http.post(
        "/_wamm/seed",
        json={"users": [{"phone": sd.BR_PHONE, "behaviour": {"offline_seconds": -5}}]},
    )
    assert response.status_code == 400
    assert error_of(response) == seed_error(
        "$.users[0].behaviour.offline_seconds", "Expected `float` >= 0.0"
    )


async def test_bad_template_in_a_seed_names_the_template(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    templates = seed_document["businesses"][1]["wabas"][0]["templates"]
    templates[2]["components"][0]["text"] = "{{1}} at the start"
    response = await graph.http.post("/_wamm/seed", json=seed_document)
    assert response.status_code == 400
    assert error_of(response)["error_data"]["path"] == "$.businesses[1].wabas[0].templates[2]"


async def test_nothing_partial_is_applied(graph: Graph, seed_document: dict[str, Any]) -> None:
    seed_document["businesses"][0]["name"] = "Renamed"
    seed_document["tokens"].append({"value": "t2", "wabas": ["404"]})
    response = await graph.http.post("/_wamm/seed", json=seed_document)
    assert response.status_code == 400
    business = (await graph.get(sd.SIGNED_BUSINESS, fields="name")).json()
    assert business["name"] == "Acme"
    assert (await graph.get(sd.SIGNED_WABA, token="t2")).status_code == 401


async def test_seed_accepts_yaml_and_is_an_upsert(graph: Graph) -> None:
    yaml_seed = f"""
businesses:
  - id: {sd.SIGNED_BUSINESS}
    name: Acme Renamed
    mm_terms: signed
    wabas:
      - id: {sd.SIGNED_WABA}
        name: Acme WA 2
        templates:
          - name: summer_sale
            language: en_US
            category: MARKETING
            components:
              - {{type: BODY, text: "Hello {{{{1}}}}, sale now on.",
                 example: {{body_text: [["Ana"]]}}}}
"""
    before = (
        await graph.get(f"{sd.SIGNED_WABA}/message_templates", name="summer_sale", fields="id")
    ).json()["data"][0]["id"]
    response = await graph.http.post(
        "/_wamm/seed", content=yaml_seed, headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["applied"] == {"business": 1, "waba": 1, "template": 1}
    after = (await graph.get(before, fields="components")).json()
    assert after["components"][0]["text"] == "Hello {{1}}, sale now on."
    assert (await graph.get(sd.SIGNED_WABA)).json()["name"] == "Acme WA 2"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
async def test_json_seeds_are_read_as_json(graph: Graph, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await graph.http.post(
        "/_wamm/seed", content=b'{"settings": {"clock_factor": 1e3}}', headers=headers
    )
    assert response.json() == {"success": True, "applied": {}}
    assert (await graph.http.get("/_wamm/state")).json()["settings"]["clock_factor"] == 1000.0


async def test_a_yaml_flow_mapping_is_still_yaml(graph: Graph) -> None:
    response = await graph.http.post("/_wamm/seed", content=b"{settings: {rng_seed: 7}}")
    assert response.json() == {"success": True, "applied": {}}
    assert (await graph.http.get("/_wamm/state")).json()["settings"]["rng_seed"] == 7


async def post_seed_text(graph: Graph, text: bytes, content_type: str) -> httpx.Response:
    return await graph.http.post(
        "/_wamm/seed", content=text, headers={"Content-Type": content_type}
    )


async def test_invalid_json_with_a_json_content_type_is_a_clear_400(graph: Graph) -> None:
    response = await post_seed_text(graph, b'{"settings": {"clock": }}', "application/json")
    assert response.status_code == 400
    assert error_of(response) == seed_error(
        "$", "not valid JSON (line 1, column 24): Expecting value"
    )


async def test_invalid_yaml_is_a_clear_400(graph: Graph) -> None:
    response = await post_seed_text(graph, b"businesses: [\n  - {id: 1", "application/yaml")
    assert response.status_code == 400
    assert "not valid YAML or JSON" in error_of(response)["error_data"]["details"]


async def test_reset_empties_everything_and_can_reseed(graph: Graph) -> None:
    await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    response = await graph.http.post("/_wamm/reset")
    assert response.json() == {"success": True, "applied": {}}
    assert (await graph.get(sd.SIGNED_WABA)).status_code == 401  # tokens are gone too
    assert (await graph.http.get("/_wamm/messages")).json() == {"data": []}
    reseeded = await graph.http.post("/_wamm/reset", json=sd.seed())
    assert reseeded.json()["applied"]["template"] == 21
    assert (await graph.get(sd.SIGNED_WABA)).status_code == 200


CONTROL_LISTINGS = ("state", "messages", "users", "webhooks", "clock")


async def everything(graph: Graph) -> dict[str, Any]:
    """What the control API lists: a reset that fails must leave all of it as it was."""
    return {path: (await graph.http.get(f"/_wamm/{path}")).json() for path in CONTROL_LISTINGS}


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        ({"bogus": 1}, "$", "Object contains unknown field `bogus`"),
        # Valid as a seed on top of the current state, not after a reset: the WABA is gone.
        ({"tokens": [{"value": "t", "wabas": [sd.SIGNED_WABA]}]}, "$.tokens[0].wabas[0]", ""),
        (
            {**sd.seed(), "users": [{"phone": "12"}]},
            "$.users[0].phone",
            "not a phone number: '12'",
        ),
    ],
)
async def test_a_reset_with_a_bad_seed_answers_the_error_and_changes_nothing(
    graph: Graph, document: dict[str, Any], path: str, problem: str
) -> None:
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200
    before = await everything(graph)
    response = await graph.http.post("/_wamm/reset", json=document)
    assert response.status_code == 400
    assert error_of(response) == seed_error(path, problem or f"unknown WABA {sd.SIGNED_WABA}")
    assert await everything(graph) == before
    assert (await graph.get(sd.SIGNED_WABA)).status_code == 200
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).status_code == 200


async def test_same_seed_and_requests_give_the_same_ids(graph: Graph) -> None:
    runs = []
    for _ in range(2):
        await graph.http.post("/_wamm/reset", json=sd.seed())
        first = (await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())).json()
        created = (
            await graph.post(
                f"{sd.SIGNED_WABA}/message_templates", {**sd.SUMMER_SALE, "name": "again"}
            )
        ).json()
        runs.append((first["messages"][0]["id"], created["id"]))
    assert runs[0] == runs[1]


async def test_messages_listing_filters_and_pages(graph: Graph) -> None:
    for phone in (sd.BR_PHONE, sd.US_PHONE, sd.BR_PHONE):
        await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=phone))
    await graph.post(f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send())
    everything = (await graph.http.get("/_wamm/messages")).json()["data"]
    assert len(everything) == 4
    assert everything[0]["phone_number_id"] == sd.NOT_STARTED_PHONE  # newest first
    mm = (await graph.http.get("/_wamm/messages", params={"route": "marketing_messages"})).json()
    assert len(mm["data"]) == 3
    to_br = (await graph.http.get("/_wamm/messages", params={"recipient": sd.BR_PHONE})).json()
    assert len(to_br["data"]) == 3
    page = (await graph.http.get("/_wamm/messages", params={"limit": 3})).json()
    assert len(page["data"]) == 3
    rest = (
        await graph.http.get(
            "/_wamm/messages", params={"after": page["paging"]["cursors"]["after"]}
        )
    ).json()
    assert [m["wamid"] for m in rest["data"]] == [everything[3]["wamid"]]
    assert "paging" not in rest


@pytest.mark.parametrize("path", ["/_wamm/messages", "/_wamm/webhooks"])
async def test_a_cursor_past_any_row_is_100_not_500(graph: Graph, path: str) -> None:
    cursor = base64.urlsafe_b64encode(b"wamm:" + b"9" * 30).decode().rstrip("=")
    response = await graph.http.get(path, params={"after": cursor})
    assert response.status_code == 400
    assert error_of(response)["error_data"] == {
        "messaging_product": "whatsapp",
        "details": f"Invalid cursor in parameter after: '{cursor}'",
    }


async def test_message_view_shape(graph: Graph) -> None:
    sent = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    wamid = sent.json()["messages"][0]["id"]
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    template_id = message["template"].pop("id")
    assert template_id.isdigit()
    events = message.pop("events")
    assert [e["status"] for e in events] == ["sent", "delivered", "read"]
    times = [e["timestamp"] for e in events]
    assert times == sorted(times)
    assert times[0] >= int(sd.CLOCK_START)
    assert message == {
        "wamid": wamid,
        "phone_number_id": sd.SIGNED_PHONE,
        "waba_id": sd.SIGNED_WABA,
        "endpoint": "marketing_messages",
        "type": "template",
        "recipient": {"input": sd.BR_PHONE, "wa_id": sd.BR_PHONE},
        "template": {"name": "summer_sale", "language": "en_US", "category": "MARKETING"},
        "route": "marketing_messages",
        "pricing_category": "marketing_lite",
        "pricing_type": "regular",
        "entry_point_expires_at": None,
        "status": "accepted",
        "timestamp": int(sd.CLOCK_START),
        "product_policy": "CLOUD_API_FALLBACK",
        "message_activity_sharing": True,
        "biz_opaque_callback_data": None,
        "payload": template_send()["template"],
    }
    missing = await graph.http.get("/_wamm/messages/wamid.nope")
    assert missing.status_code == 404


async def test_clock(graph: Graph) -> None:
    assert (await graph.http.get("/_wamm/clock")).json() == {
        "mode": "manual",
        "now": sd.CLOCK_START,
    }
    moved = await graph.http.post("/_wamm/clock/advance", json={"seconds": 90})
    assert moved.json() == {"mode": "manual", "now": sd.CLOCK_START + 90}
    bad = await graph.http.post("/_wamm/clock/advance", json={"seconds": -1})
    assert bad.status_code == 400


ADVANCE_RANGE = "Param seconds must be a number from 0 to 315576000 (10 years)."


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (b'{"seconds": 1e308}', ADVANCE_RANGE),
        (b'{"seconds": -1}', ADVANCE_RANGE),
        (b'{"seconds": 315576001}', ADVANCE_RANGE),
        (b'{"seconds": "60"}', ADVANCE_RANGE),
        (b'{"seconds": true}', ADVANCE_RANGE),
        (b"{}", ADVANCE_RANGE),
        (b'{"seconds": 1' + b"0" * 400 + b"}", ADVANCE_RANGE),
    ],
)
async def test_clock_advance_refuses_absurd_seconds(
    graph: Graph, body: bytes, details: str
) -> None:
    response = await graph.http.post(
        "/_wamm/clock/advance", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)
    assert (await graph.http.get("/_wamm/clock")).json()["now"] == sd.CLOCK_START
    assert (await graph.get(sd.SIGNED_BUSINESS, fields="name")).status_code == 200


async def test_clock_advance_stops_before_the_year_9000(graph: Graph) -> None:
    year_9000 = 221845392000.0
    seeded = await graph.http.post(
        "/_wamm/seed", json={"settings": {"clock_start": year_9000 - 10}}
    )
    assert seeded.status_code == 200, seeded.text
    response = await graph.http.post("/_wamm/clock/advance", json={"seconds": 20})
    assert response.status_code == 400
    assert error_of(response)["error_data"]["details"] == (
        "Param seconds would move the clock past the year 9000."
    )
    moved = await graph.http.post("/_wamm/clock/advance", json={"seconds": 10})
    assert moved.json() == {"mode": "manual", "now": year_9000}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/_wamm/businesses/{sd.SIGNED_BUSINESS}/mm_terms", {"state": "sometime"}),
        (f"/_wamm/businesses/{sd.SIGNED_BUSINESS}/mm_terms", {}),
        ("/_wamm/inbound", {"phone_number_id": "1", "from": sd.BR_PHONE}),
        ("/_wamm/inbound", {"phone_number_id": sd.SIGNED_PHONE, "from": "abc"}),
        ("/_wamm/templates/1/review", {"decision": "APPROVED"}),
    ],
)
async def test_control_input_errors_are_4xx(graph: Graph, path: str, body: Any) -> None:
    response = await graph.http.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


async def test_state_lists_ids_to_use(graph: Graph) -> None:
    state = (await graph.http.get("/_wamm/state")).json()
    assert {w["id"] for w in state["wabas"]} == {
        sd.SIGNED_WABA,
        sd.NOT_STARTED_WABA,
        sd.REQUESTED_WABA,
    }
    assert state["settings"]["clock"] == "manual"


async def test_admin_token_guards_the_control_api(runtime: Runtime) -> None:
    app = build_app(runtime, admin_token="s3cret")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wamm.test"
    ) as http:
        assert (await http.get("/_wamm/state")).status_code == 401
        assert (
            await http.get("/_wamm/state", headers={"Authorization": "Bearer s3cret"})
        ).status_code == 200
        assert (
            await http.get("/_wamm/state", headers={"X-Wamm-Admin-Token": "s3cret"})
        ).status_code == 200
        assert (await http.get("/_wamm/health")).status_code == 200
        assert (await http.get("/_wamm/ready")).json()["status"] == "ready"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/_wamm/nothing", 404), ("DELETE", "/_wamm/clock", 405)],
)
async def test_unknown_control_routes_answer_the_graph_envelope(
    graph: Graph, method: str, path: str, status: int
) -> None:
    response = await graph.http.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = error_of(response)
    assert error["code"] == 100
    assert error["error_data"]["details"] == (
        f"The wamm control API has no {method} {path}; its routes are listed at "
        "/_wamm/openapi.json."
    )


async def test_recipient_filter_finds_phone_numbers_and_bsuids_page_by_page(graph: Graph) -> None:
    sends: list[dict[str, Any]] = [
        {"to": sd.BR_PHONE},
        {"to": sd.US_PHONE},
        {"to": None, "recipient": sd.BR_BSUID},
    ]
    for top in sends * 2:
        await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send(**top))
    everything = (await graph.http.get("/_wamm/messages")).json()["data"]
    # A send to the BSUID of a known user also stores the user's phone number.
    counts = {sd.BR_PHONE: 4, sd.BR_BSUID: 2, sd.US_PHONE: 2, "15550009999": 0}
    for recipient, count in counts.items():
        expected = [
            m["wamid"]
            for m in everything
            if recipient in (m["recipient"].get("wa_id"), m["recipient"].get("user_id"))
        ]
        found: list[str] = []
        params: dict[str, str | int] = {"recipient": recipient, "limit": 1}
        while True:
            page = (await graph.http.get("/_wamm/messages", params=params)).json()
            found += [m["wamid"] for m in page["data"]]
            if "paging" not in page:
                break
            params = {**params, "after": page["paging"]["cursors"]["after"]}
        assert found == expected, recipient
        assert len(found) == count

"""Template management over HTTP: create, list (filters, paging, summary), read, edit, delete,
unpause and manual review. Content rules are covered in detail by tests/core/templates/;
here each rule family is checked once for its wire shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import BODY_PARAMS, template_send
from tests.conftest import Graph, error_of, invalid_parameter_error

PROMO = {
    "name": "autumn_promo",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Autumn deals"},
        {
            "type": "BODY",
            "text": "Hi {{1}}, {{2}} off ends soon!",
            "example": {"body_text": [["Ana", "15%"]]},
        },
        {"type": "FOOTER", "text": "Tap below"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promos"}]},
    ],
}
TEMPLATES = f"{sd.SIGNED_WABA}/message_templates"


async def create(graph: Graph, **changes: Any) -> dict[str, Any]:
    response = await graph.post(TEMPLATES, {**PROMO, **changes})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_answers_id_status_and_category(graph: Graph) -> None:
    body = await create(graph)
    assert set(body) == {"id", "status", "category"}
    assert body["id"].isdigit()
    assert (body["status"], body["category"]) == ("APPROVED", "MARKETING")


async def test_created_template_reads_back_with_upper_case_types(graph: Graph) -> None:
    created = await create(graph, category="marketing", parameter_format="positional")
    response = await graph.get(created["id"])
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["name"] == "autumn_promo"
    assert body["category"] == "MARKETING"
    assert body["parameter_format"] == "POSITIONAL"
    assert [c["type"] for c in body["components"]] == ["HEADER", "BODY", "FOOTER", "BUTTONS"]


async def test_manual_review_keeps_templates_pending_until_decided(graph: Graph) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"template_review": "manual"}})
    created = await create(graph)
    assert created["status"] == "PENDING"
    decided = await graph.http.post(
        f"/_wamm/templates/{created['id']}/review",
        json={"decision": "REJECTED", "reason": "PROMOTIONAL"},
    )
    assert decided.json() == {
        "id": created["id"],
        "status": "REJECTED",
        "category": "MARKETING",
        "quality_score": "UNKNOWN",
        "rejected_reason": "PROMOTIONAL",
    }
    read = await graph.get(created["id"], fields="status,rejected_reason")
    assert read.json() == {
        "status": "REJECTED",
        "rejected_reason": "PROMOTIONAL",
        "id": created["id"],
    }
    again = await graph.http.post(
        f"/_wamm/templates/{created['id']}/review", json={"decision": "APPROVED"}
    )
    assert again.status_code == 400


async def test_duplicate_name_and_language_is_subcode_2388024(graph: Graph) -> None:
    await create(graph)
    response = await graph.post(TEMPLATES, PROMO)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "Invalid parameter",
        "type": "OAuthException",
        "code": 100,
        "error_subcode": 2388024,
        "is_transient": False,
        "error_user_title": "Content in This Language Already Exists",
        "error_user_msg": "There is already English (US) content for this template. You can "
        "create a new template and try again.",
    }
    other_language = await graph.post(TEMPLATES, {**PROMO, "language": "pt_BR"})
    assert other_language.status_code == 200


@pytest.mark.parametrize(
    ("change", "subcode", "mentions"),
    [
        ({"name": "Bad Name"}, None, "name"),
        ({"language": "xx_XX"}, None, "language"),
        (
            {
                "components": [
                    {"type": "BODY", "text": "{{1}} hello", "example": {"body_text": [["x"]]}}
                ]
            },
            2388299,
            "components[0]",
        ),
        ({"components": [{"type": "BODY", "text": "x" * 1025}]}, 2388040, "components[0]"),
        ({"message_send_ttl_seconds": 60}, None, "message_send_ttl_seconds"),
    ],
)
async def test_invalid_templates_name_what_is_wrong(
    graph: Graph, change: dict[str, Any], subcode: int | None, mentions: str
) -> None:
    response = await graph.post(TEMPLATES, {**PROMO, **change})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 100
    assert error.get("error_subcode") == subcode
    text = error.get("error_user_msg") or error["error_data"]["details"]
    assert mentions in text


async def test_missing_components_is_100(graph: Graph) -> None:
    response = await graph.post(
        TEMPLATES, {"name": "x", "language": "en_US", "category": "MARKETING"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == 100


async def test_template_limit_is_subcode_2388019(graph: Graph, seed_document: Any) -> None:
    seed_document["businesses"][0]["wabas"][0]["template_limit"] = 7
    await graph.http.post("/_wamm/seed", json=seed_document)
    response = await graph.post(TEMPLATES, PROMO)
    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 2388019


async def test_list_default_fields_paging_and_cursors(graph: Graph) -> None:
    first = await graph.get(TEMPLATES, limit=3)
    assert first.status_code == 200
    body = first.json()
    assert len(body["data"]) == 3
    assert set(body["data"][0]) == {
        "id",
        "name",
        "parameter_format",
        "components",
        "language",
        "status",
        "category",
    }
    assert body["paging"]["next"].startswith(f"http://wamm.test/v23.0/{TEMPLATES}?")
    seen = [t["id"] for t in body["data"]]
    cursor = body["paging"]["cursors"]["after"]
    while cursor:
        page = (await graph.get(TEMPLATES, limit=3, after=cursor)).json()
        seen += [t["id"] for t in page["data"]]
        cursor = page["paging"]["cursors"]["after"] if "next" in page.get("paging", {}) else None
    assert len(seen) == len(set(seen)) == 7
    back = await graph.get(TEMPLATES, limit=3, before=body["paging"]["cursors"]["before"])
    assert back.json() == {"data": []}


async def test_next_link_is_followable(graph: Graph) -> None:
    first = (await graph.get(TEMPLATES, limit=5)).json()
    follow = await graph.http.get(
        first["paging"]["next"], headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert follow.status_code == 200
    assert len(follow.json()["data"]) == 2
    assert "previous" in follow.json()["paging"]


async def test_invalid_cursor_and_limit_are_100(graph: Graph) -> None:
    for params in ({"after": "garbage!"}, {"limit": "ten"}):
        response = await graph.get(TEMPLATES, **params)
        assert response.status_code == 400
        assert error_of(response)["code"] == 100


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "PAUSED"}, {"paused_promo"}),
        ({"status": "paused,disabled"}, {"paused_promo", "disabled_promo"}),
        ({"status": '["PENDING"]'}, {"pending_promo"}),
        ({"category": "UTILITY"}, {"order_update"}),
        ({"name": "PROMO"}, {"max_price_promo", "paused_promo", "disabled_promo", "pending_promo"}),
        ({"content": "has shipped"}, {"order_update"}),
        ({"name_or_content": "login"}, {"login_code"}),
        ({"language": "pt_BR"}, set()),
    ],
)
async def test_list_filters(graph: Graph, params: dict[str, str], names: set[str]) -> None:
    response = await graph.get(TEMPLATES, fields="name", **params)
    assert response.status_code == 200, response.text
    assert {t["name"] for t in response.json()["data"]} == names


STATUSES = (
    "APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, LIMIT_EXCEEDED, "
    "PENDING_DELETION, DELETED, ARCHIVED"
)
SUMMARY_NAMES = (
    "total_count, message_template_count, message_template_limit, are_translations_complete"
)


@pytest.mark.parametrize(
    ("params", "details"),
    [
        (
            {"status": "approved,SHINY"},
            f"Param status has an invalid value 'SHINY': expected one of {STATUSES}.",
        ),
        (
            {"category": "PROMOTIONAL"},
            "Param category has an invalid value 'PROMOTIONAL': expected one of MARKETING, "
            "UTILITY, AUTHENTICATION.",
        ),
        (
            {"quality_score": '["GREEN","PURPLE"]'},
            "Param quality_score has an invalid value 'PURPLE': expected one of GREEN, YELLOW, "
            "RED, UNKNOWN.",
        ),
        (
            {"summary": "bogus"},
            "Param summary has an invalid value 'bogus': expected true, false or field names "
            f"among {SUMMARY_NAMES}.",
        ),
        (
            {"since": "yesterday"},
            "Param since must be a UNIX timestamp or a date YYYY-MM-DD, got 'yesterday'.",
        ),
    ],
)
async def test_unknown_list_filter_values_are_100_naming_the_parameter(
    graph: Graph, params: dict[str, str], details: str
) -> None:
    response = await graph.get(TEMPLATES, **params)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)


async def test_quality_score_filter(graph: Graph) -> None:
    response = await graph.get(TEMPLATES, fields="name", quality_score="green,yellow")
    assert response.json() == {"data": []}
    unknown = await graph.get(TEMPLATES, fields="name", quality_score="UNKNOWN", limit=100)
    assert len(unknown.json()["data"]) == 7


async def test_since_and_until_select_by_creation_time(graph: Graph) -> None:
    created = await create(graph)
    since = await graph.get(TEMPLATES, fields="name", since=str(int(sd.CLOCK_START)))
    assert since.json()["data"] == [{"name": "autumn_promo", "id": created["id"]}]
    until = await graph.get(TEMPLATES, fields="name", until="2025-12-31", limit=100)
    assert len(until.json()["data"]) == 7
    assert created["id"] not in {t["id"] for t in until.json()["data"]}


async def test_summary_false_leaves_the_summary_out(graph: Graph) -> None:
    response = await graph.get(TEMPLATES, fields="name", limit=1, summary="false")
    assert "summary" not in response.json()
    everything = await graph.get(TEMPLATES, fields="name", limit=1, summary="true")
    assert everything.json()["summary"] == {
        "total_count": 7,
        "message_template_count": 7,
        "message_template_limit": 250,
        "are_translations_complete": True,
    }


async def test_summary_as_pywa_requests_it(graph: Graph) -> None:
    response = await graph.get(
        TEMPLATES,
        status="APPROVED",
        limit=1,
        summary="total_count,message_template_count,message_template_limit,"
        "are_translations_complete",
    )
    assert response.json()["summary"] == {
        "total_count": 4,
        "message_template_count": 7,
        "message_template_limit": 250,
        "are_translations_complete": True,
    }


async def test_get_template_fields(graph: Graph) -> None:
    created = await create(
        graph,
        degrees_of_freedom_spec={
            "creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT"}}
        },
    )
    response = await graph.get(created["id"], fields="status,quality_score,degrees_of_freedom_spec")
    body = response.json()
    assert body["status"] == "APPROVED"
    assert body["quality_score"]["score"] == "UNKNOWN"
    spec = body["degrees_of_freedom_spec"]["creative_features_spec"]
    assert len(spec) == 10
    assert {"key": "IMAGE_TOUCHUPS", "value": {"enroll_status": "OPT_OUT"}} in spec
    assert {"key": "IMAGE_ANIMATION", "value": {"enroll_status": "OPT_IN"}} in spec


async def test_bid_spec_and_ad_objects_read_back(graph: Graph) -> None:
    created = await create(
        graph, bid_spec={"bid_amount": 87000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    )
    body = (
        await graph.get(created["id"], fields="bid_spec,optimization_spec,ad_id,ad_account_id")
    ).json()
    assert body["bid_spec"] == {"bid_amount": 87000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    assert body["optimization_spec"] == body["bid_spec"]
    assert body["ad_id"].isdigit() and body["ad_account_id"].isdigit()


async def test_edit_replaces_components_and_answers_success(graph: Graph) -> None:
    created = await create(graph)
    new_body = [
        {
            "type": "BODY",
            "text": "Hello {{1}}, new prices inside.",
            "example": {"body_text": [["Ana"]]},
        }
    ]
    response = await graph.post(
        created["id"], {"components": new_body, "message_send_ttl_seconds": 86400}
    )
    assert response.json() == {
        "success": True,
        "id": created["id"],
        "name": "autumn_promo",
        "category": "MARKETING",
    }
    read = (await graph.get(created["id"], fields="components,message_send_ttl_seconds")).json()
    assert read["components"] == new_body
    assert read["message_send_ttl_seconds"] == 86400


async def test_second_edit_within_24_hours_is_refused(graph: Graph) -> None:
    created = await create(graph)
    ttl = {"message_send_ttl_seconds": 86400}
    assert (await graph.post(created["id"], ttl)).status_code == 200
    second = await graph.post(created["id"], {"message_send_ttl_seconds": 90000})
    assert second.status_code == 400
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 86400})
    assert (await graph.post(created["id"], {"message_send_ttl_seconds": 90000})).status_code == 200


async def test_category_of_an_approved_template_cannot_change(graph: Graph) -> None:
    created = await create(graph)
    response = await graph.post(created["id"], {"category": "UTILITY"})
    assert response.status_code == 400
    assert error_of(response)["code"] == 100


async def test_pending_template_cannot_be_edited(graph: Graph) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"template_review": "manual"}})
    created = await create(graph)
    response = await graph.post(created["id"], {"message_send_ttl_seconds": 86400})
    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 2388039


async def test_unpause(graph: Graph) -> None:
    listing = (await graph.get(TEMPLATES, name="paused_promo", fields="name")).json()
    template_id = listing["data"][0]["id"]
    assert (await graph.post(f"{template_id}/unpause")).json() == {"success": True}
    assert (await graph.get(template_id, fields="status")).json()["status"] == "APPROVED"
    assert (await graph.post(f"{template_id}/unpause")).status_code == 400


async def test_delete_by_name_removes_every_language(graph: Graph) -> None:
    await create(graph)
    await create(graph, language="pt_BR")
    response = await graph.delete(TEMPLATES, name="autumn_promo")
    assert response.json() == {"success": True}
    listing = (await graph.get(TEMPLATES, name="autumn_promo")).json()
    assert listing == {"data": []}


async def test_delete_by_hsm_id_and_name_removes_one(graph: Graph) -> None:
    english = await create(graph)
    portuguese = await create(graph, language="pt_BR")
    response = await graph.delete(TEMPLATES, name="autumn_promo", hsm_id=english["id"])
    assert response.json() == {"success": True}
    remaining = (await graph.get(TEMPLATES, name="autumn_promo", fields="id")).json()["data"]
    assert [t["id"] for t in remaining] == [portuguese["id"]]
    gone = await graph.get(english["id"])
    assert gone.status_code == 400


async def test_delete_by_hsm_ids(graph: Graph) -> None:
    first, second = await create(graph), await create(graph, language="es")
    response = await graph.delete(TEMPLATES, hsm_ids=f'["{first["id"]}","{second["id"]}"]')
    assert response.json() == {"success": True}
    assert (await graph.get(TEMPLATES, name="autumn_promo")).json() == {"data": []}


@pytest.mark.parametrize(
    "params",
    [{}, {"name": "never_created"}, {"hsm_ids": '["1"]'}, {"hsm_ids": "[]", "name": "x"}],
)
async def test_bad_deletes_are_100(graph: Graph, params: dict[str, str]) -> None:
    response = await graph.delete(TEMPLATES, **params)
    assert response.status_code == 400
    assert error_of(response)["code"] == 100


async def test_disabled_templates_cannot_be_deleted(graph: Graph) -> None:
    response = await graph.delete(TEMPLATES, name="disabled_promo")
    assert response.status_code == 400


async def test_deleted_approved_name_is_held_for_30_days(graph: Graph) -> None:
    await create(graph)
    await graph.delete(TEMPLATES, name="autumn_promo")
    response = await graph.post(TEMPLATES, PROMO)
    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 2388023
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 30 * 86400})
    assert (await graph.post(TEMPLATES, PROMO)).status_code == 200


async def test_deleted_templates_are_listed_only_when_asked(graph: Graph) -> None:
    await create(graph)
    await graph.delete(TEMPLATES, name="autumn_promo")
    listing = (await graph.get(TEMPLATES, status="DELETED", fields="name,status")).json()
    assert [(t["name"], t["status"]) for t in listing["data"]] == [("autumn_promo", "DELETED")]


async def test_form_encoded_create_with_json_components(graph: Graph) -> None:
    form = {**PROMO, "components": json.dumps(PROMO["components"])}
    response = await graph.http.post(
        f"/v23.0/{TEMPLATES}", data=form, headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert response.status_code == 200, response.text


async def test_delete_by_hsm_ids_written_as_numbers(graph: Graph) -> None:
    first = await create(graph)
    response = await graph.delete(TEMPLATES, hsm_ids=f"[{first['id']}]")
    assert response.json() == {"success": True}


async def test_a_send_that_passed_is_checked_again_once_the_template_changes(graph: Graph) -> None:
    # wamm remembers the `template` objects that passed, per template version (a campaign sends
    # the same one to every recipient): an edit must forget them, and a failure is never kept.
    created = await create(graph)
    send = template_send("autumn_promo", BODY_PARAMS)
    for _ in range(2):
        response = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
        assert response.status_code == 200, response.text
    one_variable = [
        {"type": "BODY", "text": "Hello {{1}}, new prices.", "example": {"body_text": [["Ana"]]}}
    ]
    assert (await graph.post(created["id"], {"components": one_variable})).status_code == 200
    for _ in range(2):
        response = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
        assert (response.status_code, error_of(response)["code"]) == (400, 132000)
    assert error_of(response)["error_data"]["details"] == (
        "body: number of localizable_params (2) does not match the expected number of params (1)"
    )

"""WABA, business portfolio and phone number nodes."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of

PYWA_WABA_FIELDS = (
    "id,name,timezone_id,message_template_namespace,status,business_verification_status,"
    "is_enabled_for_insights,marketing_messages_lite_api_status,"
    "marketing_messages_onboarding_status,on_behalf_of_business_info,ownership_type,"
    "health_status,currency,country,subscribed_apps,owner_business_info,account_review_status,"
    "disable_marketing_messages_on_cloud_api"
)
ALL_OFF = {
    "image_brightness_and_contrast": "OPT_OUT",
    "image_touchups": "OPT_OUT",
    "add_text_overlay": "OPT_OUT",
    "image_animation": "OPT_OUT",
    "image_background_gen": "OPT_OUT",
    "auto_promotion_tag": "OPT_OUT",
    "text_extraction_for_headline": "OPT_OUT",
    "text_extraction_for_tap_target": "OPT_OUT",
    "product_extensions": "OPT_OUT",
    "text_formatting_optimization": "OPT_OUT",
}


async def test_waba_default_read_is_id_and_name(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA)
    assert response.json() == {"id": sd.SIGNED_WABA, "name": "Acme WA"}


async def test_waba_fields_pywa_requests(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields=PYWA_WABA_FIELDS)
    assert response.status_code == 200
    body = response.json()
    assert "on_behalf_of_business_info" not in body  # an owned WABA has none: Graph omits it
    assert body["marketing_messages_onboarding_status"] == "ONBOARDED"
    assert body["marketing_messages_lite_api_status"] == "ONBOARDED"
    assert body["owner_business_info"] == {
        "name": "Acme",
        "id": sd.SIGNED_BUSINESS,
        "marketing_messages_onboarding_status": {
            "status": "TERM_OF_SERVICE_SIGNED",
            "time": "2026-01-01",
        },
    }
    assert body["disable_marketing_messages_on_cloud_api"] is False
    assert body["subscribed_apps"]["data"][0]["whatsapp_business_api_data"]["id"] == sd.APP_ID
    assert len(body["message_template_namespace"].split("_")) == 5
    assert list(body)[-1] == "id"


@pytest.mark.parametrize(
    ("waba", "onboarding", "lite"),
    [
        (sd.SIGNED_WABA, "ONBOARDED", "ONBOARDED"),
        (sd.NOT_STARTED_WABA, "ELIGIBLE", "ELIGIBLE"),
        (sd.REQUESTED_WABA, "ELIGIBLE", "ELIGIBLE"),
    ],
)
async def test_onboarding_status_follows_the_portfolio_terms(
    graph: Graph, waba: str, onboarding: str, lite: str
) -> None:
    fields = "marketing_messages_onboarding_status,marketing_messages_lite_api_status"
    body = (await graph.get(waba, fields=fields)).json()
    assert body == {
        "marketing_messages_onboarding_status": onboarding,
        "marketing_messages_lite_api_status": lite,
        "id": waba,
    }


async def test_waba_creative_features_default_off_in_the_data_shape(graph: Graph) -> None:
    body = (await graph.get(sd.SIGNED_WABA, fields="degrees_of_freedom_spec")).json()
    assert body == {
        "degrees_of_freedom_spec": {"data": [{"creative_features_spec": [ALL_OFF]}]},
        "id": sd.SIGNED_WABA,
    }


async def test_partial_creative_features_update_changes_only_named_features(graph: Graph) -> None:
    spec = {
        "creative_features_spec": {
            "image_touchups": {"enroll_status": "OPT_IN"},
            "product_extensions": {"enroll_status": "OPT_IN"},
        }
    }
    response = await graph.post(sd.SIGNED_WABA, {"degrees_of_freedom_spec": spec})
    assert response.json() == {"id": sd.SIGNED_WABA}
    second = {"creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT"}}}
    await graph.post(sd.SIGNED_WABA, {"degrees_of_freedom_spec": second})
    body = (await graph.get(sd.SIGNED_WABA, fields="degrees_of_freedom_spec")).json()
    features = body["degrees_of_freedom_spec"]["data"][0]["creative_features_spec"][0]
    assert features == {**ALL_OFF, "product_extensions": "OPT_IN"}


async def test_disable_flag_round_trip(graph: Graph) -> None:
    response = await graph.post(sd.SIGNED_WABA, {"disable_marketing_messages_on_cloud_api": True})
    assert response.status_code == 200
    assert response.json() == {"id": sd.SIGNED_WABA}
    read = await graph.get(sd.SIGNED_WABA, fields="disable_marketing_messages_on_cloud_api")
    assert read.json() == {"disable_marketing_messages_on_cloud_api": True, "id": sd.SIGNED_WABA}


async def test_waba_update_via_form_and_query_parameters(graph: Graph) -> None:
    form = await graph.http.post(
        f"/v23.0/{sd.SIGNED_WABA}",
        data={"disable_marketing_messages_on_cloud_api": "true"},
        headers={"Authorization": f"Bearer {sd.TOKEN}"},
    )
    assert form.status_code == 200
    query = await graph.http.post(
        f"/v23.0/{sd.SIGNED_WABA}",
        params={"is_enabled_for_insights": "true", "access_token": sd.TOKEN},
    )
    assert query.json() == {"id": sd.SIGNED_WABA}
    body = (
        await graph.get(
            sd.SIGNED_WABA, fields="disable_marketing_messages_on_cloud_api,is_enabled_for_insights"
        )
    ).json()
    assert body["disable_marketing_messages_on_cloud_api"] is True
    assert body["is_enabled_for_insights"] is True


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({}, "Nothing to update"),
        (
            {"disable_marketing_messages_on_cloud_api": "perhaps"},
            "disable_marketing_messages_on_cloud_api",
        ),
        (
            {
                "degrees_of_freedom_spec": {
                    "creative_features_spec": {"teleport": {"enroll_status": "OPT_IN"}}
                }
            },
            "teleport",
        ),
        (
            {
                "degrees_of_freedom_spec": {
                    "creative_features_spec": {"image_touchups": {"enroll_status": "MAYBE"}}
                }
            },
            "MAYBE",
        ),
    ],
)
async def test_bad_waba_updates_are_100(graph: Graph, body: dict[str, Any], mentions: str) -> None:
    response = await graph.post(sd.SIGNED_WABA, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 100
    assert mentions in str(error)


async def test_insights_cannot_be_turned_off_once_on(graph: Graph) -> None:
    await graph.post(sd.SIGNED_WABA, {"is_enabled_for_insights": True})
    response = await graph.post(sd.SIGNED_WABA, {"is_enabled_for_insights": False})
    assert response.status_code == 400


async def test_business_onboarding_status(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_BUSINESS, fields="marketing_messages_onboarding_status")
    assert response.json() == {
        "marketing_messages_onboarding_status": {
            "status": "TERM_OF_SERVICE_SIGNED",
            "time": "2026-01-01",
        },
        "id": sd.SIGNED_BUSINESS,
    }
    not_started = await graph.get(
        sd.NOT_STARTED_BUSINESS, fields="marketing_messages_onboarding_status"
    )
    assert not_started.json()["marketing_messages_onboarding_status"] == {"status": "NOT_STARTED"}


async def test_business_needs_business_management(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_BUSINESS, token=sd.MANAGEMENT_ONLY)
    assert response.status_code == 403
    assert error_of(response)["code"] == 200


async def test_terms_signing_is_visible_on_business_and_waba(graph: Graph) -> None:
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 86400 * 3})
    signed = await graph.http.post(
        f"/_wamm/businesses/{sd.REQUESTED_BUSINESS}/mm_terms", json={"state": "signed"}
    )
    assert signed.json()["wabas"] == [sd.REQUESTED_WABA]
    business = (
        await graph.get(sd.REQUESTED_BUSINESS, fields="marketing_messages_onboarding_status")
    ).json()
    assert business["marketing_messages_onboarding_status"] == {
        "status": "TERM_OF_SERVICE_SIGNED",
        "time": "2026-01-04",
    }
    waba = await graph.get(sd.REQUESTED_WABA, fields="marketing_messages_onboarding_status")
    assert waba.json()["marketing_messages_onboarding_status"] == "ONBOARDED"


async def test_phone_number_node_and_edge(graph: Graph) -> None:
    node = (await graph.get(sd.SIGNED_PHONE)).json()
    assert node == {
        "id": sd.SIGNED_PHONE,
        "verified_name": "Acme WA",
        "code_verification_status": "VERIFIED",
        "display_phone_number": sd.SIGNED_DISPLAY,
        "quality_rating": "GREEN",
        "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
    }
    edge = await graph.get(f"{sd.SIGNED_WABA}/phone_numbers", fields="display_phone_number")
    assert edge.json()["data"] == [
        {"display_phone_number": sd.SIGNED_DISPLAY, "id": sd.SIGNED_PHONE}
    ]

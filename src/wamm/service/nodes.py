"""Graph representations of entities: per node type, the fields it offers and their values."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from wamm.core import ad_objects
from wamm.core.fields import FieldRequest, Getter, select
from wamm.core.model import (
    MM_TERMS_GRAPH,
    Business,
    PhoneNumber,
    Template,
    Waba,
)
from wamm.core.onboarding import lite_api_status, onboarding_status
from wamm.core.phones import calling_code, country_of
from wamm.core.templates import DOF_FEATURES, creative_features_read
from wamm.service.catalog import Catalog

WABA_DEFAULT_FIELDS = ("name",)
TEMPLATE_DEFAULT_FIELDS = (
    "name",
    "parameter_format",
    "components",
    "language",
    "status",
    "category",
    "sub_category",
)
BUSINESS_DEFAULT_FIELDS = ("name",)
PHONE_DEFAULT_FIELDS = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
)


def _date(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")


def business_onboarding(business: Business) -> dict[str, Any]:
    status: dict[str, Any] = {"status": MM_TERMS_GRAPH[business.mm_terms]}
    if (day := _date(business.mm_terms_time)) is not None:
        status["time"] = day
    return status


def business_node(business: Business, requested: Sequence[FieldRequest] | None) -> dict[str, Any]:
    getters: dict[str, Getter] = {
        "name": lambda _: business.name,
        "verification_status": lambda _: business.verification_status,
        "marketing_messages_onboarding_status": lambda _: business_onboarding(business),
    }
    return select("Business", business.id, getters, requested, BUSINESS_DEFAULT_FIELDS)


def waba_creative_features(waba: Waba) -> dict[str, Any]:
    """WABA-level read shape; Meta documents every WABA-level optimisation as off by default."""
    spec = {feature: waba.creative_features.get(feature, "OPT_OUT") for feature in DOF_FEATURES}
    return {"data": [{"creative_features_spec": [spec]}]}


def subscribed_apps(catalog: Catalog, waba_id: str) -> dict[str, Any]:
    data = []
    for app_id in catalog.subscriptions.get(waba_id, {}):
        app = catalog.apps.get(app_id)
        if app is not None:
            data.append(
                {
                    "whatsapp_business_api_data": {
                        "id": app.id,
                        "name": app.name or f"App {app.id}",
                        "link": f"https://www.facebook.com/games/?app_id={app.id}",
                    }
                }
            )
    return {"data": data}


def waba_node(
    catalog: Catalog,
    waba: Waba,
    requested: Sequence[FieldRequest] | None,
    pricing_analytics: dict[str, Any] | None = None,
    reports: Mapping[str, Any] | None = None,
    default: Sequence[str] = WABA_DEFAULT_FIELDS,
) -> dict[str, Any]:
    business = catalog.business_of(waba)
    owner = {
        "name": business.name,
        "id": business.id,
        "marketing_messages_onboarding_status": business_onboarding(business),
    }
    getters: dict[str, Getter] = {
        "name": lambda _: waba.name,
        "currency": lambda _: waba.currency,
        "timezone_id": lambda _: waba.timezone_id,
        "message_template_namespace": lambda _: waba.namespace,
        "status": lambda _: "ACTIVE",
        "country": lambda _: waba.country,
        "account_review_status": lambda _: "APPROVED",
        "business_verification_status": lambda _: business.verification_status,
        # A WABA its portfolio shares with a partner is the partner's client's (CLIENT_OWNED).
        "ownership_type": lambda _: "CLIENT_OWNED" if business.client_of else "SELF",
        "is_enabled_for_insights": lambda _: waba.is_enabled_for_insights,
        "marketing_messages_onboarding_status": lambda _: onboarding_status(business, waba),
        "marketing_messages_lite_api_status": lambda _: lite_api_status(business, waba),
        "owner_business_info": lambda _: owner,
        "on_behalf_of_business_info": lambda _: None,
        "health_status": lambda _: {
            "can_send_message": "AVAILABLE",
            "entities": [
                {"entity_type": "WABA", "id": waba.id, "can_send_message": "AVAILABLE"},
                {"entity_type": "BUSINESS", "id": business.id, "can_send_message": "AVAILABLE"},
            ],
        },
        "subscribed_apps": lambda _: subscribed_apps(catalog, waba.id),
        "disable_marketing_messages_on_cloud_api": lambda _: (
            waba.disable_marketing_messages_on_cloud_api
        ),
        "degrees_of_freedom_spec": lambda _: waba_creative_features(waba),
        "owner_business": lambda _: {"id": business.id, "name": business.name},
        "pricing_analytics": lambda _: pricing_analytics,  # computed by the caller (async)
        "analytics": lambda _: (reports or {}).get("analytics"),  # these two as well
        "conversation_analytics": lambda _: (reports or {}).get("conversation_analytics"),
    }
    return select("WhatsAppBusinessAccount", waba.id, getters, requested, default)


def _ad_ids(rng_seed: int, template: Template, onboarded: bool) -> dict[str, str | None]:
    """MM links every marketing template of an onboarded WABA to read-only ad objects."""
    found = ad_objects.ad_ids(rng_seed, template) if ad_objects.linked(template, onboarded) else {}
    return {field: found.get(level) for level, field in ad_objects.TEMPLATE_FIELDS.items()}


def _constant(value: Any) -> Getter:
    return lambda _: value


def template_node(
    template: Template,
    requested: Sequence[FieldRequest] | None,
    *,
    onboarded: bool = False,
    rng_seed: int = 0,
) -> dict[str, Any]:
    getters: dict[str, Getter] = {
        "name": lambda _: template.name,
        "language": lambda _: template.language,
        "category": lambda _: template.category,
        "sub_category": lambda _: template.sub_category,
        "status": lambda _: template.status,
        "components": lambda _: template.components,
        "parameter_format": lambda _: template.parameter_format,
        "message_send_ttl_seconds": lambda _: template.message_send_ttl_seconds,
        "correct_category": lambda _: template.correct_category,
        "previous_category": lambda _: template.previous_category,
        "rejected_reason": lambda _: template.rejected_reason,
        "library_template_name": lambda _: template.library_template_name,
        "quality_score": lambda _: {
            "score": template.quality_score,
            "date": int(template.updated_at),
        },
        "cta_url_link_tracking_opted_out": lambda _: template.cta_url_link_tracking_opted_out,
        "degrees_of_freedom_spec": lambda _: creative_features_read(template.creative_features),
        "bid_spec": lambda _: template.bid_spec,
        "optimization_spec": lambda _: template.bid_spec,
    }
    for name, value in _ad_ids(rng_seed, template, onboarded).items():
        getters[name] = _constant(value)
    return select(
        "WhatsAppMessageTemplate", template.id, getters, requested, TEMPLATE_DEFAULT_FIELDS
    )


def phone_health(phone: PhoneNumber, waba: Waba) -> dict[str, Any]:
    """`health_status` of a number: a number that is not registered cannot send."""
    own = "AVAILABLE" if phone.registered else "BLOCKED"
    number: dict[str, Any] = {
        "entity_type": "PHONE_NUMBER",
        "id": phone.id,
        "can_send_message": own,
    }
    if not phone.registered:
        number["errors"] = [
            {
                "error_code": 133010,
                "error_description": "Phone number not registered",
                "possible_solution": "Register the number: POST /{phone_number_id}/register.",
            }
        ]
    return {
        "can_send_message": own,
        "entities": [
            number,
            {"entity_type": "WABA", "id": waba.id, "can_send_message": "AVAILABLE"},
            {"entity_type": "BUSINESS", "id": waba.business_id, "can_send_message": "AVAILABLE"},
        ],
    }


def conversational_automation(phone: PhoneNumber) -> dict[str, Any]:
    automation = phone.automation
    return {
        "enable_welcome_message": automation.enable_welcome_message,
        "prompts": list(automation.prompts),
        "commands": [msgspec.structs.asdict(command) for command in automation.commands],
        "id": phone.id,
    }


def webhook_configuration(
    catalog: Catalog, phone: PhoneNumber, app_id: str | None
) -> dict[str, str] | None:
    """Where the calling app's webhooks for this number go: the app's callback URL, and the
    WABA-level override of its subscription if one is set."""
    app = catalog.apps.get(app_id or "")
    if app is None:
        return None
    config = {"application": app.webhook_url} if app.webhook_url else {}
    subscription = catalog.subscriptions.get(phone.waba_id, {}).get(app.id)
    if subscription is not None and subscription.override_callback_uri:
        config["whatsapp_business_account"] = subscription.override_callback_uri
    return config or None


def _graph_time(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def phone_number_node(
    catalog: Catalog,
    phone: PhoneNumber,
    requested: Sequence[FieldRequest] | None,
    app_id: str | None = None,
) -> dict[str, Any]:
    registered = phone.registered
    getters: dict[str, Getter] = {
        "verified_name": lambda _: phone.verified_name,
        "display_phone_number": lambda _: phone.display_phone_number,
        "quality_rating": lambda _: phone.quality_rating,
        "quality_score": lambda _: {"score": phone.quality_rating},
        "code_verification_status": lambda _: phone.code_verification_status,
        "platform_type": lambda _: "CLOUD_API" if registered else "NOT_APPLICABLE",
        "name_status": lambda _: phone.name_status,
        "new_name_status": lambda _: phone.new_name_status,
        "throughput": lambda _: {"level": "HIGH" if phone.throughput_mps >= 1000 else "STANDARD"},
        "whatsapp_business_manager_messaging_limit": lambda _: phone.messaging_limit_tier,
        # Deprecated by Meta for the field above, still in its v23.0 OpenAPI: the same tier.
        "messaging_limit_tier": lambda _: phone.messaging_limit_tier,
        "is_official_business_account": lambda _: phone.is_official_business_account,
        "status": lambda _: "CONNECTED" if registered else "PENDING",
        "account_mode": lambda _: phone.account_mode,
        "is_on_biz_app": lambda _: phone.is_on_biz_app,
        "is_pin_enabled": lambda _: phone.pin is not None,
        "is_preverified_number": lambda _: phone.is_preverified_number,
        "search_visibility": lambda _: phone.search_visibility,
        "conversational_automation": lambda _: conversational_automation(phone),
        "webhook_configuration": lambda _: webhook_configuration(catalog, phone, app_id),
        "eligibility_for_api_business_global_search": lambda _: (
            "ELIGIBLE" if phone.search_visibility == "VISIBLE" else "NON_ELIGIBLE"
        ),
        "health_status": lambda _: phone_health(phone, catalog.wabas[phone.waba_id]),
        "certificate": lambda _: certificate(phone.id, phone.verified_name),
        "new_certificate": lambda _: (
            certificate(phone.id, phone.new_display_name) if phone.new_display_name else None
        ),
        "last_onboarded_time": lambda _: _graph_time(phone.onboarded_at),
        "country_code": lambda _: country_of(phone.display_phone_number),
        "country_dial_code": lambda _: calling_code(phone.display_phone_number),
    }
    return select("WhatsAppBusinessPhoneNumber", phone.id, getters, requested, PHONE_DEFAULT_FIELDS)


def certificate(phone_id: str, name: str) -> str:
    """A stand-in for the base64 certificate Meta issues per display name (On-Premises API)."""
    return base64.b64encode(f"wamm-certificate:{phone_id}:{name}".encode()).decode()

"""Graph representations of entities: per node type, the fields it offers and their values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from wamm.core import ids
from wamm.core.fields import FieldRequest, Getter, select
from wamm.core.model import (
    MM_TERMS_GRAPH,
    Business,
    PhoneNumber,
    Template,
    Waba,
)
from wamm.core.onboarding import lite_api_status, onboarding_status
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
        "ownership_type": lambda _: "SELF",
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
    }
    return select("WhatsAppBusinessAccount", waba.id, getters, requested, WABA_DEFAULT_FIELDS)


def _ad_ids(rng_seed: int, template: Template, onboarded: bool) -> dict[str, str | None]:
    """MM links every marketing template of an onboarded WABA to read-only ad objects."""
    linked = onboarded and template.category == "MARKETING"
    return {
        name: ids.object_id(rng_seed, f"{name}:{template.id}", 1) if linked else None
        for name in ("ad_id", "ad_account_id", "ad_campaign_id", "ad_adset_id")
    }


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


def phone_number_node(
    phone: PhoneNumber, requested: Sequence[FieldRequest] | None
) -> dict[str, Any]:
    getters: dict[str, Getter] = {
        "verified_name": lambda _: phone.verified_name,
        "display_phone_number": lambda _: phone.display_phone_number,
        "quality_rating": lambda _: phone.quality_rating,
        "code_verification_status": lambda _: "VERIFIED",
        "platform_type": lambda _: "CLOUD_API",
        "name_status": lambda _: "APPROVED",
        "throughput": lambda _: {"level": "HIGH" if phone.throughput_mps >= 1000 else "STANDARD"},
        "whatsapp_business_manager_messaging_limit": lambda _: "TIER_UNLIMITED",
        "is_official_business_account": lambda _: False,
        "status": lambda _: "CONNECTED",
    }
    return select("WhatsAppBusinessPhoneNumber", phone.id, getters, requested, PHONE_DEFAULT_FIELDS)

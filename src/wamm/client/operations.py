"""Every Graph API operation of the SDK, written once as a function that checks its arguments
and describes the call. `Client` and `AsyncClient` expose each as a method (see `api`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from wamm.client.errors import validating
from wamm.client.models import (
    AdInsights,
    Business,
    LibraryTemplate,
    ObjectId,
    Page,
    PhoneNumber,
    PricingAnalytics,
    SendResult,
    SubscribedApp,
    Success,
    Template,
    TemplateAnalytics,
    TemplateComparison,
    TemplateCreated,
    TemplateEdited,
    TemplatePage,
    UpsertedTemplates,
    Waba,
    WabaPricing,
)
from wamm.client.parameters import TemplateMessage
from wamm.client.queries import (
    AdInsightsQuery,
    LibraryQuery,
    PricingAnalyticsQuery,
    TemplateAnalyticsQuery,
    TemplateQuery,
    TimePoint,
    time_point,
)
from wamm.client.templates import (
    AuthenticationTemplates,
    LibraryTemplateDefinition,
    TemplateDefinition,
    TemplateEdit,
    creative_features_spec,
)
from wamm.client.transport import Call, SendCall, decoder
from wamm.core.content import validate_content, validate_context
from wamm.core.sending import (
    ENDPOINT_MARKETING,
    ENDPOINT_MESSAGES,
    parse_envelope,
    parse_template_ref,
)

WABA_SETTINGS_FIELDS = (
    "name",
    "marketing_messages_onboarding_status",
    "owner_business_info",
    "disable_marketing_messages_on_cloud_api",
    "degrees_of_freedom_spec",
    "is_enabled_for_insights",
)
BUSINESS_FIELDS = ("name", "verification_status", "marketing_messages_onboarding_status")


def _fields(fields: Sequence[str] | None) -> dict[str, str]:
    return {"fields": ",".join(fields)} if fields else {}


def _set(**values: Any) -> dict[str, Any]:
    """The values that are not None."""
    return {key: value for key, value in values.items() if value is not None}


# --- templates ---------------------------------------------------------------------------------


def create_template(waba_id: str, template: TemplateDefinition) -> Call[TemplateCreated]:
    """Create a template (POST /{waba_id}/message_templates); it was checked when built."""
    body = template.to_body()
    return Call("POST", f"{waba_id}/message_templates", decoder(TemplateCreated), body=body)


def list_templates(waba_id: str, query: TemplateQuery | None = None) -> Call[TemplatePage]:
    """One page of the WABA's templates, newest first (`iter_templates` walks every page)."""
    params = (query or TemplateQuery()).params()
    return Call("GET", f"{waba_id}/message_templates", decoder(TemplatePage), params=params)


def get_template(template_id: str, fields: Sequence[str] | None = None) -> Call[Template]:
    """Read a template (the API's default fields unless `fields` names others)."""
    return Call("GET", template_id, decoder(Template), params=_fields(fields))


def edit_template(template_id: str, edit: TemplateEdit) -> Call[TemplateEdited]:
    """Edit a template (POST /{template_id}): components, category, TTL, creative features..."""
    return Call("POST", template_id, decoder(TemplateEdited), body=edit.to_body())


def delete_template(
    waba_id: str,
    *,
    name: str | None = None,
    hsm_id: str | None = None,
    hsm_ids: Sequence[str] | None = None,
) -> Call[Success]:
    """Delete templates: every language of `name`, one (`name` and `hsm_id`), or up to 100
    by id (`hsm_ids`)."""
    params = _set(name=name, hsm_id=hsm_id)
    if hsm_ids is not None:
        params["hsm_ids"] = json.dumps(list(hsm_ids))
    return Call("DELETE", f"{waba_id}/message_templates", decoder(Success), params=params)


def unpause_template(template_id: str) -> Call[Success]:
    """Unpause a paused template."""
    return Call("POST", f"{template_id}/unpause", decoder(Success))


def list_library_templates(query: LibraryQuery | None = None) -> Call[Page[LibraryTemplate]]:
    """One page of Meta's template library (`iter_library_templates` walks every page)."""
    params = query.params() if query else {}
    return Call("GET", "message_template_library", decoder(Page[LibraryTemplate]), params=params)


def create_template_from_library(
    waba_id: str, template: LibraryTemplateDefinition
) -> Call[TemplateCreated]:
    """Create a template from the template library; Meta approves it at once."""
    body = template.to_body()
    return Call("POST", f"{waba_id}/message_templates", decoder(TemplateCreated), body=body)


def upsert_templates(waba_id: str, templates: AuthenticationTemplates) -> Call[UpsertedTemplates]:
    """Create or update an authentication template in each of its languages."""
    path = f"{waba_id}/upsert_message_templates"
    return Call("POST", path, decoder(UpsertedTemplates), body=templates.to_body())


def compare_templates(
    template_id: str, other_template_id: str, start: TimePoint, end: TimePoint
) -> Call[TemplateComparison]:
    """Compare a template with another of its WABA over a 7, 30, 60 or 90-day window: sends,
    block-rate order and top block reason (each needs 1,000 sends in the window)."""
    params = {
        "template_ids": json.dumps([other_template_id]),
        "start": time_point(start),
        "end": time_point(end),
    }
    return Call("GET", f"{template_id}/compare", decoder(TemplateComparison), params=params)


# --- accounts ----------------------------------------------------------------------------------


def get_waba(waba_id: str, fields: Sequence[str] = WABA_SETTINGS_FIELDS) -> Call[Waba]:
    """Read a WABA; by default its MM settings: onboarding status, the Cloud API marketing
    switch, creative optimisations, insights."""
    return Call("GET", waba_id, decoder(Waba), params=_fields(fields))


def update_waba(
    waba_id: str,
    *,
    disable_marketing_messages_on_cloud_api: bool | None = None,
    creative_features: Mapping[str, str] | None = None,
    is_enabled_for_insights: bool | None = None,
) -> Call[ObjectId]:
    """Change a WABA's MM settings; only the creative features named change."""
    body = _set(
        disable_marketing_messages_on_cloud_api=disable_marketing_messages_on_cloud_api,
        is_enabled_for_insights=is_enabled_for_insights,
    )
    if creative_features is not None:
        body["degrees_of_freedom_spec"] = creative_features_spec(creative_features)
    return Call("POST", waba_id, decoder(ObjectId), body=body)


def get_business(business_id: str, fields: Sequence[str] = BUSINESS_FIELDS) -> Call[Business]:
    """Read a business portfolio, by default with its MM onboarding status."""
    return Call("GET", business_id, decoder(Business), params=_fields(fields))


def list_phone_numbers(waba_id: str, limit: int | None = None) -> Call[Page[PhoneNumber]]:
    """One page of the WABA's phone numbers."""
    params = _set(limit=None if limit is None else str(limit))
    return Call("GET", f"{waba_id}/phone_numbers", decoder(Page[PhoneNumber]), params=params)


def get_phone_number(
    phone_number_id: str, fields: Sequence[str] | None = None
) -> Call[PhoneNumber]:
    """Read a business phone number."""
    return Call("GET", phone_number_id, decoder(PhoneNumber), params=_fields(fields))


def subscribe_app(
    waba_id: str, *, override_callback_uri: str | None = None, verify_token: str | None = None
) -> Call[Success]:
    """Subscribe the token's app to the WABA's webhooks, optionally to another callback."""
    body = _set(override_callback_uri=override_callback_uri, verify_token=verify_token)
    return Call("POST", f"{waba_id}/subscribed_apps", decoder(Success), body=body)


def list_subscribed_apps(waba_id: str) -> Call[Page[SubscribedApp]]:
    """The apps subscribed to the WABA's webhooks."""
    return Call("GET", f"{waba_id}/subscribed_apps", decoder(Page[SubscribedApp]))


def unsubscribe_app(waba_id: str) -> Call[Success]:
    """Remove the token's app's subscription."""
    return Call("DELETE", f"{waba_id}/subscribed_apps", decoder(Success))


# --- received messages -------------------------------------------------------------------------


def mark_as_read(phone_number_id: str, message_id: str, *, typing: bool = False) -> Call[Success]:
    """Mark a message the number received (the `id` of its `messages` webhook) as read, and
    the earlier messages of that conversation with it; with `typing`, the user also sees a
    typing indicator until your next message or for 25 seconds. Within 30 days of receipt;
    an unknown message id is 131009."""
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": message_id,
    }
    if typing:
        body["typing_indicator"] = {"type": "text"}
    return Call("POST", f"{phone_number_id}/messages", decoder(Success), body=body)


# --- sending -----------------------------------------------------------------------------------


def _envelope(
    to: str | None, recipient: str | None, message_type: str, content: Any, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    body.update(_set(to=to, recipient=recipient))
    body.update({"type": message_type, message_type: content})
    body.update(_set(**extra))
    return body


def _check(body: Mapping[str, Any], endpoint: str) -> None:
    with validating():
        parse_envelope(body, endpoint)
        if body["type"] == "template":
            parse_template_ref(body["template"])
        else:
            validate_content(body["type"], body[body["type"]])
        if "context" in body:
            validate_context(body["context"])


def _send(phone_number_id: str, endpoint: str, body: dict[str, Any], key: str | None) -> SendCall:
    _check(body, endpoint)
    return SendCall(
        "POST",
        f"{phone_number_id}/{endpoint}",
        decoder(SendResult),
        body=body,
        phone_number_id=phone_number_id,
        idempotency_key=key,
    )


def send_template(
    phone_number_id: str,
    template: TemplateMessage,
    *,
    to: str | None = None,
    recipient: str | None = None,
    biz_opaque_callback_data: str | None = None,
    idempotency_key: str | None = None,
) -> SendCall:
    """Send a template through the Cloud API (POST /{phone_number_id}/messages) to a phone
    number (`to`) or a business-scoped user ID (`recipient`)."""
    body = _envelope(
        to,
        recipient,
        "template",
        template.to_dict(),
        biz_opaque_callback_data=biz_opaque_callback_data,
    )
    return _send(phone_number_id, ENDPOINT_MESSAGES, body, idempotency_key)


def send_marketing(
    phone_number_id: str,
    template: TemplateMessage,
    *,
    to: str | None = None,
    recipient: str | None = None,
    product_policy: str | None = None,
    message_activity_sharing: bool | None = None,
    bid_multiplier: float | None = None,
    biz_opaque_callback_data: str | None = None,
    idempotency_key: str | None = None,
) -> SendCall:
    """Send a marketing template through the Marketing Messages API
    (POST /{phone_number_id}/marketing_messages). `product_policy` is CLOUD_API_FALLBACK
    (the default) or STRICT; `bid_multiplier` scales a max-price template's bid."""
    bid_spec = None if bid_multiplier is None else {"per_message_bid_multiplier": bid_multiplier}
    body = _envelope(
        to,
        recipient,
        "template",
        template.to_dict(),
        product_policy=product_policy,
        message_activity_sharing=message_activity_sharing,
        bid_spec=bid_spec,
        biz_opaque_callback_data=biz_opaque_callback_data,
    )
    return _send(phone_number_id, ENDPOINT_MARKETING, body, idempotency_key)


def send_message(
    phone_number_id: str,
    message_type: str,
    content: Mapping[str, Any],
    *,
    to: str | None = None,
    recipient: str | None = None,
    reply_to: str | None = None,
    biz_opaque_callback_data: str | None = None,
    idempotency_key: str | None = None,
) -> SendCall:
    """Send a non-template message (`text`, `image`, `interactive`, `reaction`, ...) through
    the Cloud API; `content` is the object of that type, e.g. `{"body": "Hi"}` for text.
    `reply_to` quotes a message by wamid."""
    body = _envelope(
        to,
        recipient,
        message_type,
        dict(content),
        context=None if reply_to is None else {"message_id": reply_to},
        biz_opaque_callback_data=biz_opaque_callback_data,
    )
    return _send(phone_number_id, ENDPOINT_MESSAGES, body, idempotency_key)


# --- analytics ---------------------------------------------------------------------------------


def template_analytics(waba_id: str, query: TemplateAnalyticsQuery) -> Call[TemplateAnalytics]:
    """Sent, delivered, read, clicks and cost per template and day."""
    path = f"{waba_id}/template_analytics"
    return Call("GET", path, decoder(TemplateAnalytics), params=query.params())


def ad_insights(object_id: str, query: AdInsightsQuery | None = None) -> Call[AdInsights]:
    """Marketing Messages insights of an ad, ad set, campaign or ad account (`act_<id>`): the
    ids a marketing template of an onboarded WABA shows in `ad_id`, `ad_adset_id`,
    `ad_campaign_id` and `ad_account_id`."""
    params = (query or AdInsightsQuery()).params()
    return Call("GET", f"{object_id}/insights", decoder(AdInsights), params=params)


def _pricing(content: bytes) -> PricingAnalytics:
    node: WabaPricing = decoder(WabaPricing)(content)
    return node.pricing_analytics or PricingAnalytics(data=[])


def pricing_analytics(waba_id: str, query: PricingAnalyticsQuery) -> Call[PricingAnalytics]:
    """Volume and cost of delivered messages per time bucket and breakdown."""
    return Call("GET", waba_id, _pricing, params={"fields": query.field()})

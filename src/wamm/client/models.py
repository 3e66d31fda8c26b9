"""Typed Graph API responses (msgspec Structs).

Fields a response may leave out (because `fields=` did not ask for them, or the node has no
value) default to None; unknown fields are ignored so newer API versions still decode.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Model(msgspec.Struct, kw_only=True):
    """Base of every response model."""


# --- paging ------------------------------------------------------------------------------------


class Cursors(Model):
    """Opaque paging cursors."""

    before: str | None = None
    after: str | None = None


class Paging(Model):
    """`paging` of a list: cursors and, when there is one, the `next` / `previous` page URL."""

    cursors: Cursors | None = None
    next: str | None = None
    previous: str | None = None


class Page(Model, Generic[T]):
    """One page of a Graph list."""

    data: list[T]
    paging: Paging | None = None


# --- sending -----------------------------------------------------------------------------------


class Contact(Model):
    """Who a message went to: `input` as sent, `wa_id` when sent by phone, `user_id` by BSUID."""

    input: str
    wa_id: str | None = None
    user_id: str | None = None


class SentMessage(Model):
    """An accepted message: its wamid and, for templates, `message_status`."""

    id: str
    message_status: str | None = None


class SendResult(Model):
    """The answer to a send: a 200 means the message is accepted."""

    messaging_product: str = "whatsapp"
    contacts: list[Contact] = msgspec.field(default_factory=list)
    messages: list[SentMessage] = msgspec.field(default_factory=list)

    @property
    def wamid(self) -> str:
        """The accepted message's id."""
        return self.messages[0].id


# --- templates ---------------------------------------------------------------------------------


class QualityScore(Model):
    """A template's quality rating (GREEN, YELLOW, RED, UNKNOWN) and when it was set."""

    score: str
    date: int | None = None


class Enrollment(Model):
    """`{"enroll_status": "OPT_IN" | "OPT_OUT"}`."""

    enroll_status: str


class CreativeFeature(Model):
    """One creative optimisation of a template, as Meta reads it back."""

    key: str
    value: Enrollment


class TemplateCreativeFeatures(Model):
    """A template's `degrees_of_freedom_spec`: a list of `{key, value: {enroll_status}}`."""

    creative_features_spec: list[CreativeFeature] = msgspec.field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        """`{feature (lower case): OPT_IN | OPT_OUT}`, the shape used to set them."""
        return {f.key.lower(): f.value.enroll_status for f in self.creative_features_spec}


class BidSpec(Model):
    """A max-price template's cap: `bid_amount` per 1,000 deliveries, smallest currency unit."""

    bid_amount: int
    bid_strategy: str = "LOWEST_COST_WITH_BID_CAP"


class Template(Model):
    """A message template node."""

    id: str
    name: str | None = None
    language: str | None = None
    category: str | None = None
    sub_category: str | None = None
    status: str | None = None
    components: list[dict[str, Any]] | None = None
    parameter_format: str | None = None
    message_send_ttl_seconds: int | None = None
    quality_score: QualityScore | None = None
    rejected_reason: str | None = None
    previous_category: str | None = None
    correct_category: str | None = None
    library_template_name: str | None = None
    cta_url_link_tracking_opted_out: bool | None = None
    degrees_of_freedom_spec: TemplateCreativeFeatures | None = None
    bid_spec: BidSpec | None = None
    optimization_spec: BidSpec | None = None
    ad_id: str | None = None
    ad_account_id: str | None = None
    ad_campaign_id: str | None = None
    ad_adset_id: str | None = None


class TemplateSummary(Model):
    """The `summary` a template list returns when asked for."""

    total_count: int | None = None
    message_template_count: int | None = None
    message_template_limit: int | None = None
    are_translations_complete: bool | None = None


class TemplatePage(Page[Template]):
    """A page of templates, with the `summary` when the query asked for it."""

    summary: TemplateSummary | None = None


class TemplateCreated(Model):
    """The answer to a template creation."""

    id: str
    status: str
    category: str


class TemplateEdited(Model):
    """The answer to a template edit."""

    success: bool
    id: str | None = None
    name: str | None = None
    category: str | None = None


class LibraryTemplate(Model):
    """A template of Meta's template library (`GET /message_template_library`)."""

    id: str
    name: str
    language: str
    category: str
    topic: str | None = None
    usecase: str | None = None
    industry: list[str] = msgspec.field(default_factory=list)
    header: str | None = None
    body: str | None = None
    body_params: list[str] = msgspec.field(default_factory=list)
    body_param_types: list[str] = msgspec.field(default_factory=list)
    buttons: list[dict[str, Any]] = msgspec.field(default_factory=list)


class UpsertedTemplate(Model):
    """One language of `upsert_message_templates`: created, or updated when it existed."""

    id: str
    status: str
    language: str
    category: str | None = None


class UpsertedTemplates(Model):
    """The answer to `upsert_message_templates`, one entry per language, in request order."""

    data: list[UpsertedTemplate]


class KeyNumber(Model):
    """A number for a template id."""

    key: str
    value: int


class KeyString(Model):
    """A text for a template id."""

    key: str
    value: str


class ComparisonMetric(Model):
    """One metric of a template comparison: BLOCK_RATE (an order), MESSAGE_SENDS (numbers)
    or TOP_BLOCK_REASON (texts), per template id."""

    metric: str
    type: str | None = None
    order_by_relative_metric: list[str] | None = None
    number_values: list[KeyNumber] | None = None
    string_values: list[KeyString] | None = None


class TemplateComparison(Model):
    """The answer to `GET /{template_id}/compare`."""

    data: list[ComparisonMetric]

    def _metric(self, name: str) -> ComparisonMetric | None:
        return next((m for m in self.data if m.metric == name), None)

    @property
    def block_rate_order(self) -> list[str]:
        """Template ids from the lowest ratio of blocks to sends to the highest."""
        metric = self._metric("BLOCK_RATE")
        return list(metric.order_by_relative_metric or []) if metric else []

    @property
    def times_sent(self) -> dict[str, int]:
        """Sends in the timeframe per template id."""
        metric = self._metric("MESSAGE_SENDS")
        return {v.key: v.value for v in (metric.number_values or [])} if metric else {}

    @property
    def top_block_reason(self) -> dict[str, str]:
        """The top reason users gave for blocking, per template id."""
        metric = self._metric("TOP_BLOCK_REASON")
        return {v.key: v.value for v in (metric.string_values or [])} if metric else {}


class Success(Model):
    """`{"success": true}`."""

    success: bool


class ObjectId(Model):
    """`{"id": ...}`, the answer to a WABA update."""

    id: str


# --- accounts ----------------------------------------------------------------------------------


class OnboardingStatus(Model):
    """A portfolio's MM onboarding: NOT_STARTED, REQUEST_SENT or TERM_OF_SERVICE_SIGNED."""

    status: str
    time: str | None = None


class OwnerBusinessInfo(Model):
    """The portfolio that owns a WABA."""

    id: str | None = None
    name: str | None = None
    marketing_messages_onboarding_status: OnboardingStatus | None = None


class WabaFeatureSet(Model):
    """One entry of a WABA's `degrees_of_freedom_spec.data`."""

    creative_features_spec: list[dict[str, str]] = msgspec.field(default_factory=list)


class WabaCreativeFeatures(Model):
    """A WABA's `degrees_of_freedom_spec`: `{"data": [{"creative_features_spec": [{...}]}]}`."""

    data: list[WabaFeatureSet] = msgspec.field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        """`{feature: OPT_IN | OPT_OUT}`."""
        return {
            key: status
            for entry in self.data
            for spec in entry.creative_features_spec
            for key, status in spec.items()
        }


class Waba(Model):
    """A WhatsApp Business Account node, with its MM settings."""

    id: str
    name: str | None = None
    currency: str | None = None
    timezone_id: str | None = None
    message_template_namespace: str | None = None
    status: str | None = None
    country: str | None = None
    account_review_status: str | None = None
    business_verification_status: str | None = None
    ownership_type: str | None = None
    is_enabled_for_insights: bool | None = None
    marketing_messages_onboarding_status: str | None = None
    marketing_messages_lite_api_status: str | None = None
    owner_business_info: OwnerBusinessInfo | None = None
    disable_marketing_messages_on_cloud_api: bool | None = None
    degrees_of_freedom_spec: WabaCreativeFeatures | None = None


class Business(Model):
    """A business portfolio node."""

    id: str
    name: str | None = None
    verification_status: str | None = None
    marketing_messages_onboarding_status: OnboardingStatus | None = None


# --- partners ----------------------------------------------------------------------------------


class OnboardingRequest(Model):
    """The intent API's answer: the id of the request the end business was sent."""

    request_id: str


class MaxPriceAgreement(Model):
    """A portfolio's max price beta agreement: `none`, `pending` or `accepted`; `message` when
    an agreement email was just sent."""

    status: str
    signer_name: str | None = None
    signer_email: str | None = None
    message: str | None = None


class EndBusinessResult(Model):
    """What became of one end business id: `enrolled`, `rejected` (with the `reason`),
    `removed` or `not_found`."""

    end_business_id: str
    status: str
    reason: str | None = None


class EndBusinessResults(Model):
    """The answer to allowlisting or removing end businesses for max price."""

    results: list[EndBusinessResult]


class MaxPriceEndBusiness(Model):
    """An end business a Solution Partner allowlisted for max price."""

    end_business_id: str
    end_business_name: str | None = None
    enrolled_time: str | None = None


class Throughput(Model):
    """A phone number's throughput level (STANDARD, HIGH)."""

    level: str


class BotCommand(Model):
    """A `/` command users see in the chat with the business."""

    command_name: str
    command_description: str


class ConversationalAutomation(Model):
    """A number's conversational components: welcome message, ice breakers, commands."""

    enable_welcome_message: bool = False
    prompts: list[str] = msgspec.field(default_factory=list)
    commands: list[BotCommand] = msgspec.field(default_factory=list)


class PhoneNumber(Model):
    """A business phone number node."""

    id: str
    display_phone_number: str | None = None
    verified_name: str | None = None
    quality_rating: str | None = None
    code_verification_status: str | None = None
    platform_type: str | None = None
    throughput: Throughput | None = None
    name_status: str | None = None
    new_name_status: str | None = None
    status: str | None = None
    account_mode: str | None = None
    is_pin_enabled: bool | None = None
    is_on_biz_app: bool | None = None
    is_official_business_account: bool | None = None
    is_preverified_number: bool | None = None
    search_visibility: str | None = None
    whatsapp_business_manager_messaging_limit: str | None = None
    messaging_limit_tier: str | None = None  # deprecated by Meta for the field above
    conversational_automation: ConversationalAutomation | None = None
    country_code: str | None = None
    country_dial_code: str | None = None
    last_onboarded_time: str | None = None


class BusinessProfile(Model):
    """A number's `whatsapp_business_profile` (unset fields are None)."""

    about: str | None = None
    address: str | None = None
    description: str | None = None
    email: str | None = None
    vertical: str | None = None
    websites: list[str] = msgspec.field(default_factory=list)
    profile_picture_url: str | None = None


class BlockedUser(Model):
    """One entry of a number's blocklist."""

    wa_id: str
    input: str | None = None


class BlockOutcome(Model):
    """A user named by a block or unblock request: `wa_id` by phone, `user_id` by BSUID."""

    input: str
    wa_id: str | None = None
    user_id: str | None = None


class BlockLists(Model):
    """Who a block (`added_users`) or an unblock (`removed_users`) request took."""

    added_users: list[BlockOutcome] = msgspec.field(default_factory=list)
    removed_users: list[BlockOutcome] = msgspec.field(default_factory=list)


class BlockUsersResult(Model):
    """The answer to `block_users` and `unblock_users`."""

    block_users: BlockLists


class AppData(Model):
    """The app of a WABA subscription."""

    id: str
    name: str | None = None
    link: str | None = None


class SubscribedApp(Model):
    """One app subscribed to a WABA's webhooks."""

    whatsapp_business_api_data: AppData
    override_callback_uri: str | None = None


class AppAccessToken(Model):
    """`GET /oauth/access_token`: an app access token (`{app_id}|{app_secret}`)."""

    access_token: str
    token_type: str


class SubscriptionField(Model):
    """One webhook field an app subscribed to, with the API version of its payloads."""

    name: str
    version: str


class AppSubscription(Model):
    """An app's webhook subscription (`GET /{app_id}/subscriptions`)."""

    object: str
    callback_url: str
    active: bool
    fields: list[SubscriptionField]


class GranularScope(Model):
    """A permission and the objects (WABAs) it covers."""

    scope: str
    target_ids: list[str] = []


class TokenError(Model):
    """Why `debug_token` calls a token invalid."""

    code: int
    message: str
    subcode: int | None = None


class TokenInfo(Model):
    """`GET /debug_token`'s `data`: what a token is and may do."""

    is_valid: bool
    scopes: list[str]
    type: str | None = None
    app_id: str | None = None
    application: str | None = None
    expires_at: int | None = None
    data_access_expires_at: int | None = None
    granular_scopes: list[GranularScope] = []
    error: TokenError | None = None


class TokenDebug(Model):
    """`GET /debug_token`."""

    data: TokenInfo


# --- analytics ---------------------------------------------------------------------------------


class ClickCount(Model):
    """Clicks of one button (`url_button`, `unique_url_button`, `quick_reply_button`)."""

    type: str
    count: int
    button_content: str | None = None


class CostValue(Model):
    """One cost figure (`amount_spent`, `cost_per_delivered`, `cost_per_url_button_click`)."""

    type: str
    value: float


class TemplateDataPoint(Model):
    """One template's counts over one time bucket."""

    template_id: str
    start: int
    end: int
    sent: int | None = None
    delivered: int | None = None
    read: int | None = None
    clicked: list[ClickCount] | None = None
    cost: list[CostValue] | None = None


class TemplateAnalyticsSeries(Model):
    """Data points of one granularity and product type."""

    granularity: str
    data_points: list[TemplateDataPoint]
    product_type: str | None = None


class TemplateAnalytics(Page[TemplateAnalyticsSeries]):
    """The answer of `/{waba_id}/template_analytics`."""


class PricingDataPoint(Model):
    """Volume and cost of delivered messages in one bucket and breakdown."""

    start: int
    end: int
    volume: int | None = None
    cost: float | None = None
    country: str | None = None
    phone_number: str | None = None
    tier: str | None = None
    pricing_type: str | None = None
    pricing_category: str | None = None


class PricingSeries(Model):
    """One series of pricing data points."""

    data_points: list[PricingDataPoint]


class PricingAnalytics(Model):
    """The `pricing_analytics` field of a WABA."""

    data: list[PricingSeries]


class WabaPricing(Model):
    """A WABA read for its `pricing_analytics` field."""

    id: str
    pricing_analytics: PricingAnalytics | None = None


class AdInsights(Page[dict[str, str]]):
    """The answer of `/{ad_object_id}/insights`: one row per object, time bucket and
    breakdown, each metric a string (`marketing_messages_delivered: "4"`), with `date_start`
    and `date_stop`."""


class MediaInfo(Model):
    """An uploaded media (`GET /{media_id}`): `url` downloads it for 5 minutes, with the token."""

    id: str
    url: str
    mime_type: str
    sha256: str
    file_size: int
    messaging_product: str = "whatsapp"


class UploadSession(Model):
    """A Resumable Upload session: how many bytes it holds (`file_offset`)."""

    id: str
    file_offset: int = 0


class UploadHandle(Model):
    """The handle of a finished Resumable Upload (`h`), for `example.header_handle`."""

    h: str

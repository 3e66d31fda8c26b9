"""Plain data for every stateful entity. Core rules read these; the store persists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from wamm.core.recipients import Behaviour, PlannedEvent
from wamm.core.versions import LATEST_API_VERSION

if TYPE_CHECKING:
    from wamm.core.templates.create import TemplateSpec

# Business-portfolio MM terms state (ARCHITECTURE seed contract) and its Graph spelling.
MM_TERMS = ("not_started", "request_sent", "signed")
MM_TERMS_GRAPH = {
    "not_started": "NOT_STARTED",
    "request_sent": "REQUEST_SENT",
    "signed": "TERM_OF_SERVICE_SIGNED",
}

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
TEMPLATE_STATUSES = (
    "APPROVED",
    "PENDING",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "LIMIT_EXCEEDED",
    "PENDING_DELETION",
    "DELETED",
    "ARCHIVED",
)
SCOPE_MESSAGING = "whatsapp_business_messaging"
SCOPE_MANAGEMENT = "whatsapp_business_management"
SCOPE_BUSINESS = "business_management"
# Not a permission: the operation needs an app access token (`{app_id}|{app_secret}`).
SCOPE_APP_TOKEN = "app access token"

ROUTE_MM = "marketing_messages"
ROUTE_CLOUD = "cloud_api"


class MmIntent(msgspec.Struct, kw_only=True):
    """A partner's request that an end business sign the MM terms (the intent API)."""

    request_id: str
    partner_id: str
    solution_id: str | None = None
    created_at: float = 0.0


class MaxPriceAgreement(msgspec.Struct, kw_only=True):
    """The portfolio's max price beta agreement: `pending` until the signer accepts it."""

    status: str  # pending | accepted
    signer_name: str
    signer_email: str
    requested_at: float = 0.0


class Business(msgspec.Struct, kw_only=True):
    id: str
    name: str
    mm_terms: str = "not_started"
    mm_terms_time: float | None = None
    verification_status: str = "verified"
    # Partner portfolios this business shares its WABAs with (it is their client).
    client_of: tuple[str, ...] = ()
    mm_intent: MmIntent | None = None  # the pending intent request, until the terms are signed
    max_price_agreement: MaxPriceAgreement | None = None
    # End businesses a Solution Partner allowlisted for max price: id -> when.
    max_price_end_businesses: dict[str, float] = msgspec.field(default_factory=dict)


class Waba(msgspec.Struct, kw_only=True):
    id: str
    business_id: str
    name: str
    currency: str = "USD"
    timezone_id: str = "1"
    namespace: str = ""
    country: str | None = None
    disable_marketing_messages_on_cloud_api: bool = False
    # WABA-level creative optimisations: lower-case feature key -> OPT_IN / OPT_OUT.
    creative_features: dict[str, str] = msgspec.field(default_factory=dict)
    message_activity_sharing: bool = True
    is_enabled_for_insights: bool = False
    # Forces an MM onboarding status (e.g. INELIGIBLE_COUNTRY_NOT_SUPPORTED) whatever the terms.
    onboarding_status_override: str | None = None
    template_limit: int = 250
    created_at: float = 0.0
    template_pacing: bool = False  # Meta may pace this WABA's new templates (seeded)
    template_auto_archival: bool = True  # templates unused for a year are archived (seeded)


class BusinessProfile(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The `whatsapp_business_profile` of a number; unset texts are left out of reads."""

    about: str | None = None
    address: str | None = None
    description: str | None = None
    email: str | None = None
    vertical: str = "UNDEFINED"
    websites: list[str] = msgspec.field(default_factory=list)
    profile_picture_handle: str | None = None


class BotCommand(msgspec.Struct, kw_only=True):
    command_name: str
    command_description: str


class Automation(msgspec.Struct, kw_only=True):
    """Conversational components: welcome message, ice breakers (`prompts`) and commands."""

    enable_welcome_message: bool = False
    prompts: list[str] = msgspec.field(default_factory=list)
    commands: list[BotCommand] = msgspec.field(default_factory=list)


class QrCode(msgspec.Struct, kw_only=True):
    code: str
    prefilled_message: str
    created_at: float = 0.0


class PhoneNumber(msgspec.Struct, kw_only=True):
    id: str
    waba_id: str
    display_phone_number: str
    verified_name: str
    throughput_mps: int = 80
    quality_rating: str = "GREEN"
    # Registration state machine: request_code -> verify_code -> register <-> deregister.
    registered: bool = True
    code_verification_status: str = "VERIFIED"  # NOT_VERIFIED | VERIFIED | EXPIRED
    requested_code: str | None = None  # the code `request_code` "sent", until verified
    pin: str | None = None  # two-step verification PIN
    registrations: list[float] = msgspec.field(default_factory=list)  # in the last 72 hours
    account_mode: str = "LIVE"  # LIVE | SANDBOX
    name_status: str = "APPROVED"
    new_display_name: str | None = None
    new_name_status: str = "NONE"
    is_official_business_account: bool = False
    is_on_biz_app: bool = False
    is_preverified_number: bool = False
    search_visibility: str = "VISIBLE"  # VISIBLE | NON_VISIBLE
    messaging_limit_tier: str = "TIER_UNLIMITED"
    # When users gave negative feedback (stopped marketing), within the quality window.
    negative_feedback: list[float] = msgspec.field(default_factory=list)
    onboarded_at: float = 0.0
    profile: BusinessProfile = msgspec.field(default_factory=BusinessProfile)
    automation: Automation = msgspec.field(default_factory=Automation)
    qr_codes: list[QrCode] = msgspec.field(default_factory=list)


class BlockedUser(msgspec.Struct, kw_only=True):
    """A user the business blocked on one of its numbers (`block_users`)."""

    phone_number_id: str
    phone: str
    input: str
    seq: int
    blocked_at: float


class App(msgspec.Struct, kw_only=True):
    id: str
    name: str = ""
    secret: str
    webhook_url: str | None = None
    verify_token: str | None = None
    # Meta's "Require app secret" app setting: every Graph call needs an appsecret_proof.
    require_appsecret_proof: bool = False
    # The fields the app subscribed to through `/{app_id}/subscriptions`; empty: every field.
    webhook_fields: tuple[str, ...] = ()
    # The app's default API version (answers unversioned Graph calls) and its webhook version
    # (shapes its webhooks): App Dashboard settings at Meta, seeded here.
    api_version: int = LATEST_API_VERSION
    webhook_version: int = LATEST_API_VERSION

    def receives(self, field: str) -> bool:
        """Whether the app's subscription takes webhooks of `field`."""
        return not self.webhook_fields or field in self.webhook_fields


TOKEN_SYSTEM_USER = "SYSTEM_USER"
TOKEN_APP = "APP"


class Token(msgspec.Struct, kw_only=True):
    value: str
    app_id: str | None = None
    scopes: frozenset[str] = frozenset()
    wabas: frozenset[str] = frozenset()
    expires_at: float | None = None
    kind: str = TOKEN_SYSTEM_USER  # seeded tokens act as system-user tokens; TOKEN_APP: `id|secret`
    # The portfolio whose system user holds the token: it reaches that portfolio's WABAs and
    # those its clients share with it, besides `wabas`.
    business_id: str | None = None


class Template(msgspec.Struct, kw_only=True):
    id: str
    waba_id: str
    seq: int
    name: str
    language: str
    category: str
    status: str
    components: list[dict[str, Any]]
    parameter_format: str = "POSITIONAL"
    sub_category: str | None = None
    message_send_ttl_seconds: int | None = None
    # Template-level creative optimisations: lower-case feature key -> OPT_IN / OPT_OUT.
    creative_features: dict[str, str] = msgspec.field(default_factory=dict)
    bid_spec: dict[str, Any] | None = None
    quality_score: str = "UNKNOWN"
    rejected_reason: str = "NONE"
    previous_category: str | None = None
    correct_category: str | None = None
    cta_url_link_tracking_opted_out: bool = False
    library_template_name: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    edit_times: list[float] = msgspec.field(default_factory=list)
    deleted_at: float | None = None
    pause_count: int = 0
    paced: bool = False  # sends are held for quality assessment (core/templates/pacing.py)
    category_update_at: float | None = None  # an announced recategorisation (to correct_category)

    @classmethod
    def from_spec(cls, spec: TemplateSpec, **stored: Any) -> Template:
        """A template with the fields of a validated create request (`TemplateSpec`) and
        what storing it adds (`id`, `waba_id`, `seq`, `status`, times, ...)."""
        return cls(**msgspec.structs.asdict(spec), **stored)


class User(msgspec.Struct, kw_only=True):
    phone: str
    country: str
    bsuid: str
    parent_bsuid: str | None = None
    # A BSUID is scoped to one business portfolio; None = usable from any portfolio.
    business_id: str | None = None
    name: str = ""
    username: str | None = None
    behaviour: Behaviour = msgspec.field(default_factory=Behaviour)
    # WABAs the user stopped marketing messages from (`user_preferences` "stop").
    marketing_stopped: list[str] = msgspec.field(default_factory=list)
    created_at: float = 0.0


class InboundMessage(msgspec.Struct, kw_only=True):
    """A message a user sent to a business number, as its `messages` webhook carried it."""

    seq: int
    wamid: str
    phone_number_id: str
    waba_id: str
    user_phone: str
    received_at: float
    content: dict[str, Any]  # the webhook's message object (`from`, `id`, `type`, ...)
    read_at: float | None = None  # when the business marked it (or a later one) as read
    typing_at: float | None = None  # when the business last showed a typing indicator


class Message(msgspec.Struct, kw_only=True, gc=False):
    wamid: str
    seq: int
    phone_number_id: str
    waba_id: str
    endpoint: str
    type: str
    recipient_input: str
    recipient_phone: str | None
    recipient_bsuid: str | None
    recipient_parent_bsuid: str | None = None
    template_id: str | None = None
    template_name: str | None = None
    template_language: str | None = None
    template_category: str | None = None
    route: str
    pricing_category: str
    status: str = "accepted"
    created_at: float
    product_policy: str | None = None
    message_activity_sharing: bool | None = None
    biz_opaque_callback_data: str | None = None
    # The sent template or content object as JSON: read back only by the control API, so
    # status webhooks never pay for parsing it.
    payload: msgspec.Raw = msgspec.Raw(b"{}")
    events: list[PlannedEvent] = msgspec.field(default_factory=list)
    in_window: bool = False  # sent inside the user's customer-service window
    counts_marketing: bool = False  # counts toward the per-user marketing limit
    # When the free entry point window the message was sent in closes (core/pricing.py).
    entry_point_until: float | None = None
    opens_entry_point: bool = False  # the answer to an ad entry that opened that window

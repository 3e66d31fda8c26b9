"""Typed webhook updates.

`parse` turns one POST into a flat list of updates, one per status, inbound message, click,
preference change or template / account event, each carrying the WABA id and field it came in.
"""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.client.errors import GraphAPIError, error_class
from wamm.core.errors import CATALOGUE
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM

MM_PRICING_CATEGORY = "marketing_lite"


class Part(msgspec.Struct, kw_only=True, frozen=True):
    """Base of the objects inside updates."""


class Metadata(Part, kw_only=True, frozen=True):
    """The business number an update is about."""

    display_phone_number: str
    phone_number_id: str


class Profile(Part, kw_only=True, frozen=True):
    """A user's profile: name and, from 2026, username."""

    name: str | None = None
    username: str | None = None


class WebhookContact(Part, kw_only=True, frozen=True):
    """The user of a `messages` update: phone (`wa_id`), BSUID (`user_id`), parent BSUID."""

    profile: Profile | None = None
    wa_id: str | None = None
    user_id: str | None = None
    parent_user_id: str | None = None


class Origin(Part, kw_only=True, frozen=True):
    """`conversation.origin`: the pricing category (`marketing_lite` on the MM route), or
    `referral_conversion` for a message in a free entry point window."""

    type: str


class Conversation(Part, kw_only=True, frozen=True):
    """A status's conversation: id, origin, and on `sent` its expiration."""

    id: str
    origin: Origin | None = None
    expiration_timestamp: str | None = None


class Pricing(Part, kw_only=True, frozen=True):
    """Per-message pricing: `category` (marketing_lite, marketing, utility, ...), `type`
    (regular, free_customer_service, free_entry_point), `billable`."""

    category: str
    pricing_model: str | None = None
    type: str | None = None
    billable: bool | None = None


class ErrorData(Part, kw_only=True, frozen=True):
    """`error_data` of a webhook error."""

    details: str | None = None


class WebhookError(Part, kw_only=True, frozen=True):
    """An error inside a webhook (a failed status's `errors[]`)."""

    code: int
    title: str | None = None
    message: str | None = None
    error_data: ErrorData | None = None
    href: str | None = None

    def exception(self) -> GraphAPIError:
        """The error as the SDK's exception of its family (e.g. `SendError` for 131049)."""
        kind = CATALOGUE.get(self.code)
        return error_class(self.code)(
            self.message or self.title or f"error {self.code}",
            code=self.code,
            http_status=kind.http_status if kind else 400,
            details=self.error_data.details if self.error_data else None,
            is_transient=bool(kind and kind.transient),
        )


class Status(Part, kw_only=True, frozen=True):
    """A message status: sent, delivered, read or failed."""

    id: str
    status: str
    timestamp: str
    recipient_id: str | None = None
    recipient_user_id: str | None = None
    parent_recipient_user_id: str | None = None
    biz_opaque_callback_data: str | None = None
    conversation: Conversation | None = None
    pricing: Pricing | None = None
    errors: list[WebhookError] = msgspec.field(default_factory=list)


class TextBody(Part, kw_only=True, frozen=True):
    """An inbound text."""

    body: str


class ButtonReply(Part, kw_only=True, frozen=True):
    """A quick-reply tap: the button's payload and text."""

    payload: str | None = None
    text: str | None = None


class MediaObject(Part, kw_only=True, frozen=True):
    """A media a user sent: download it with `GET /{id}` (or `url`, with the access token)."""

    id: str
    mime_type: str | None = None
    sha256: str | None = None
    url: str | None = None
    caption: str | None = None  # image, video, document
    filename: str | None = None  # document
    voice: bool | None = None  # audio: recorded as a voice message
    animated: bool | None = None  # sticker


class Location(Part, kw_only=True, frozen=True):
    """A location a user shared."""

    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    url: str | None = None


class Reaction(Part, kw_only=True, frozen=True):
    """A reaction to a message; no `emoji` when the user removed it."""

    message_id: str
    emoji: str | None = None


class ReplyChoice(Part, kw_only=True, frozen=True):
    """The reply button or list row a user chose."""

    id: str
    title: str
    description: str | None = None


class FlowReply(Part, kw_only=True, frozen=True):
    """A completed Flow (`nfm_reply`): its answers as a JSON string."""

    response_json: str
    name: str | None = None
    body: str | None = None


class Interactive(Part, kw_only=True, frozen=True):
    """An interactive reply: `type` button_reply, list_reply or nfm_reply."""

    type: str
    button_reply: ReplyChoice | None = None
    list_reply: ReplyChoice | None = None
    nfm_reply: FlowReply | None = None


class ProductItem(Part, kw_only=True, frozen=True):
    """One product of an order: quantity and unit price."""

    product_retailer_id: str
    quantity: int
    item_price: float
    currency: str


class Order(Part, kw_only=True, frozen=True):
    """A cart a user sent from a catalog."""

    catalog_id: str
    product_items: list[ProductItem]
    text: str | None = None


class Unsupported(Part, kw_only=True, frozen=True):
    """What a user sent that Cloud API does not deliver (the type it was)."""

    type: str


class SystemChange(Part, kw_only=True, frozen=True):
    """A `system` message: `user_changed_user_id` names the user's new BSUID (`user_id`)."""

    type: str | None = None
    body: str | None = None
    user_id: str | None = None
    parent_user_id: str | None = None
    wa_id: str | None = None


class WelcomeMessage(Part, kw_only=True, frozen=True):
    """The greeting an ad showed the user when it opened the chat."""

    text: str


class Referral(Part, kw_only=True, frozen=True):
    """The click-to-WhatsApp ad or post a user wrote from (`source_type` ad or post); the
    business's answer within 24 hours opens a 72-hour free entry point window."""

    source_url: str | None = None
    source_id: str | None = None
    source_type: str | None = None
    headline: str | None = None
    body: str | None = None
    media_type: str | None = None
    image_url: str | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    ctwa_clid: str | None = None
    welcome_message: WelcomeMessage | None = None


class MessageContext(Part, kw_only=True, frozen=True):
    """The message an inbound message answers."""

    id: str
    from_: str | None = msgspec.field(default=None, name="from")


class InboundMessage(Part, kw_only=True, frozen=True):
    """A message from a user: the object of its `type` is set (`text`, `image`, `location`,
    `interactive`, ...)."""

    id: str
    timestamp: str
    type: str
    from_: str | None = msgspec.field(default=None, name="from")
    from_user_id: str | None = None
    text: TextBody | None = None
    button: ButtonReply | None = None
    interactive: Interactive | None = None
    image: MediaObject | None = None
    audio: MediaObject | None = None
    video: MediaObject | None = None
    document: MediaObject | None = None
    sticker: MediaObject | None = None
    location: Location | None = None
    contacts: list[dict[str, Any]] | None = None  # contact cards, as Meta sends them
    reaction: Reaction | None = None
    order: Order | None = None
    unsupported: Unsupported | None = None
    system: SystemChange | None = None
    errors: list[WebhookError] = msgspec.field(default_factory=list)
    context: MessageContext | None = None
    referral: Referral | None = None  # the user came from an ad or a post

    @property
    def media(self) -> MediaObject | None:
        """The media of an image, audio, video, document or sticker message."""
        return self.image or self.audio or self.video or self.document or self.sticker


class LinkClick(Part, kw_only=True, frozen=True):
    """A marketing message link click: `cta` or `body`, and the send's callback data as
    `tracking_token`."""

    click_component: str
    click_id: str | None = None
    product_id: str | None = None
    tracking_token: str | None = None


class UserAction(Part, kw_only=True, frozen=True):
    """An action of a user on a message (`marketing_messages_link_click`)."""

    action_type: str
    timestamp: str | None = None
    marketing_messages_link_click_data: LinkClick | None = None


class UserPreference(Part, kw_only=True, frozen=True):
    """A user stopped or resumed marketing messages (`value`: stop / resume)."""

    value: str
    category: str
    wa_id: str | None = None
    user_id: str | None = None
    detail: str | None = None
    timestamp: str | None = None


class MessagesValue(Part, kw_only=True, frozen=True):
    """The value of a `messages` (or `user_preferences`) change."""

    metadata: Metadata
    messaging_product: str = "whatsapp"
    contacts: list[WebhookContact] = msgspec.field(default_factory=list)
    statuses: list[Status] = msgspec.field(default_factory=list)
    messages: list[InboundMessage] = msgspec.field(default_factory=list)
    user_actions: list[UserAction] = msgspec.field(default_factory=list)
    user_preferences: list[UserPreference] = msgspec.field(default_factory=list)
    errors: list[WebhookError] = msgspec.field(default_factory=list)


# --- updates -------------------------------------------------------------------------------------


class Update(Part, kw_only=True, frozen=True):
    """Base of every update: the WABA (`entry.id`), the field, and the entry's `time`."""

    waba_id: str
    field: str
    time: int | None = None


class UserUpdate(Update, kw_only=True, frozen=True):
    """Base of updates about a user of a business number."""

    phone_number_id: str
    contact: WebhookContact | None = None


class StatusUpdate(UserUpdate, kw_only=True, frozen=True):
    """A status of a sent message, with its pricing."""

    status: Status

    @property
    def route(self) -> str | None:
        """`marketing_messages` if the MM API delivered it, `cloud_api` otherwise; None for
        a status without pricing (failed)."""
        pricing = self.status.pricing
        if pricing is None:
            return None
        return ROUTE_MM if pricing.category == MM_PRICING_CATEGORY else ROUTE_CLOUD

    @property
    def error(self) -> GraphAPIError | None:
        """A failed status's first error, as an exception."""
        return self.status.errors[0].exception() if self.status.errors else None


class MessageUpdate(UserUpdate, kw_only=True, frozen=True):
    """An inbound message (text, quick-reply tap, ...)."""

    message: InboundMessage


class ClickUpdate(UserUpdate, kw_only=True, frozen=True):
    """A marketing message link click."""

    action: UserAction


class UserPreferenceUpdate(UserUpdate, kw_only=True, frozen=True):
    """A user stopped or resumed marketing messages from the business."""

    preference: UserPreference


class ErrorUpdate(UserUpdate, kw_only=True, frozen=True):
    """A system-level error reported in a `messages` change."""

    error: WebhookError


class TemplateUpdate(Update, kw_only=True, frozen=True):
    """An update about one template: its id, name and language."""

    message_template_id: int
    message_template_name: str
    message_template_language: str


class TemplateStatusUpdate(TemplateUpdate, kw_only=True, frozen=True):
    """`message_template_status_update`: APPROVED, REJECTED, PAUSED, DISABLED, DELETED ..."""

    event: str
    reason: str | None = None
    message_template_category: str | None = None
    other_info: dict[str, str] | None = None


class TemplateQualityUpdate(Update, kw_only=True, frozen=True):
    """`message_template_quality_update`: a new quality rating."""

    previous_quality_score: str
    new_quality_score: str
    message_template_id: int
    message_template_name: str | None = None
    message_template_language: str | None = None


class TemplateCategoryUpdate(Update, kw_only=True, frozen=True):
    """`template_category_update`: Meta recategorised a template."""

    message_template_id: int
    new_category: str
    previous_category: str | None = None
    correct_category: str | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None


class TemplateComponentsUpdate(TemplateUpdate, kw_only=True, frozen=True):
    """`message_template_components_update`: a template was edited; its body text, and its
    text header, footer and URL / phone-number buttons when it has them."""

    message_template_element: str
    message_template_title: str | None = None
    message_template_footer: str | None = None
    message_template_buttons: list[dict[str, str]] | None = None


class AccountUpdate(Update, kw_only=True, frozen=True):
    """`account_update`, e.g. `MM_LITE_TERMS_SIGNED` with `waba_info`."""

    event: str
    waba_info: dict[str, str] | None = None


class PhoneNumberQualityUpdate(Update, kw_only=True, frozen=True):
    """`phone_number_quality_update`: a number was FLAGGED / UNFLAGGED, or its messaging limit
    changed (DOWNGRADE / UPGRADE, with `old_limit`)."""

    display_phone_number: str
    event: str
    current_limit: str | None = None
    old_limit: str | None = None
    max_daily_conversations_per_business: str | None = None


class AlertInfo(Part, kw_only=True, frozen=True):
    """`alert_info` of an account alert."""

    alert_severity: str
    alert_status: str
    alert_type: str
    alert_description: str | None = None


class AccountAlertUpdate(Update, kw_only=True, frozen=True):
    """`account_alerts`: an alert about the business portfolio or one of its numbers."""

    entity_type: str
    entity_id: str
    alert_info: AlertInfo


class BusinessCapabilityUpdate(Update, kw_only=True, frozen=True):
    """`business_capability_update`: the portfolio's messaging limit (a number, -1 for
    unlimited, or a tier name) or how many numbers it may have changed."""

    max_daily_conversation_per_phone: int | None = None
    max_daily_conversations_per_business: int | str | None = None
    max_phone_numbers_per_business: int | None = None
    max_phone_numbers_per_waba: int | None = None


class UnknownUpdate(Update, kw_only=True, frozen=True):
    """A field the SDK does not model; `value` is as received."""

    value: dict[str, Any]

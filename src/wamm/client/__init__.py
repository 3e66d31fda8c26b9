"""wamm.client: a Python SDK for Meta's WhatsApp Cloud API and Marketing Messages API.

It talks to Meta's Graph API (`https://graph.facebook.com`, the default) or to a wamm server
(`base_url`, or `$WAMM_BASE_URL`). See docs/sdk.md.
"""

from wamm.client import parameters
from wamm.client.aio import AsyncClient
from wamm.client.api import BASE_URL_ENV, DEFAULT_BASE_URL, GraphApi
from wamm.client.campaign import (
    CampaignRecipient,
    CampaignReport,
    CampaignSummary,
    RecipientResult,
)
from wamm.client.components import (
    Body,
    Buttons,
    CopyCodeButton,
    Footer,
    HeaderMedia,
    HeaderText,
    LimitedTimeOffer,
    OtpButton,
    PhoneNumberButton,
    QuickReply,
    UrlButton,
)
from wamm.client.control import Control, ControlError
from wamm.client.errors import (
    AmbiguousSendError,
    AuthError,
    BlockUsersError,
    BSUIDNotSupportedError,
    DuplicateSendError,
    GraphAPIError,
    IntegrityError,
    MarketingTemplatesDisabledError,
    NetworkError,
    ParameterError,
    RateLimitError,
    RegistrationError,
    SendError,
    TemplateError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppError,
    error_class,
)
from wamm.client.idempotency import SendLedger
from wamm.client.models import (
    BidSpec,
    Business,
    MediaInfo,
    ObjectId,
    Page,
    PhoneNumber,
    PricingAnalytics,
    SendResult,
    Success,
    Template,
    TemplateAnalytics,
    TemplateCreated,
    TemplateEdited,
    TemplatePage,
    UploadHandle,
    UploadSession,
    Waba,
)
from wamm.client.parameters import TemplateMessage
from wamm.client.queries import PricingAnalyticsQuery, TemplateAnalyticsQuery, TemplateQuery
from wamm.client.ratelimit import RateLimit
from wamm.client.retry import NO_RETRIES, RetryPolicy
from wamm.client.sync import Client
from wamm.client.templates import TemplateDefinition, TemplateEdit
from wamm.core.versions import DEFAULT_API_VERSION

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "NO_RETRIES",
    "AmbiguousSendError",
    "AsyncClient",
    "AuthError",
    "BSUIDNotSupportedError",
    "BidSpec",
    "BlockUsersError",
    "Body",
    "Business",
    "Buttons",
    "CampaignRecipient",
    "CampaignReport",
    "CampaignSummary",
    "Client",
    "Control",
    "ControlError",
    "CopyCodeButton",
    "DuplicateSendError",
    "Footer",
    "GraphAPIError",
    "GraphApi",
    "HeaderMedia",
    "HeaderText",
    "IntegrityError",
    "LimitedTimeOffer",
    "MarketingTemplatesDisabledError",
    "MediaInfo",
    "NetworkError",
    "ObjectId",
    "OtpButton",
    "Page",
    "ParameterError",
    "PhoneNumber",
    "PhoneNumberButton",
    "PricingAnalytics",
    "PricingAnalyticsQuery",
    "QuickReply",
    "RateLimit",
    "RateLimitError",
    "RecipientResult",
    "RegistrationError",
    "RetryPolicy",
    "SendError",
    "SendLedger",
    "SendResult",
    "Success",
    "Template",
    "TemplateAnalytics",
    "TemplateAnalyticsQuery",
    "TemplateCreated",
    "TemplateDefinition",
    "TemplateEdit",
    "TemplateEdited",
    "TemplateError",
    "TemplateMessage",
    "TemplatePage",
    "TemplateQuery",
    "UnexpectedResponseError",
    "UploadHandle",
    "UploadSession",
    "UrlButton",
    "ValidationError",
    "Waba",
    "WhatsAppError",
    "error_class",
    "parameters",
]

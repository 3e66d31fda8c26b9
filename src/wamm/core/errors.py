"""The error catalogue: one table from Graph/WhatsApp error code to HTTP status, type and title.

The server renders `GraphError` into Meta's envelope, the webhook builders use the same titles
for asynchronous failures, and the SDK maps the codes back to exception classes. Titles and HTTP
statuses follow Meta's error-code reference (the Nov 2025 copy that still had the HTTP column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OAUTH = "OAuthException"
GRAPH_METHOD = "GraphMethodException"


@dataclass(frozen=True, slots=True)
class ErrorKind:
    """One catalogue entry. `details` is the default `error_data.details` text."""

    code: int
    http_status: int
    title: str
    details: str = ""
    transient: bool = False
    family: str = "generic"


def _kinds(*kinds: ErrorKind) -> dict[int, ErrorKind]:
    return {kind.code: kind for kind in kinds}


CATALOGUE: dict[int, ErrorKind] = _kinds(
    # Authorization
    ErrorKind(
        0, 401, "AuthException", "We were unable to authenticate the app user.", family="auth"
    ),
    ErrorKind(3, 500, "Capability or permissions issue", family="auth"),
    ErrorKind(10, 403, "Application does not have permission for this action", family="auth"),
    ErrorKind(190, 401, "Invalid OAuth access token", family="auth"),
    ErrorKind(15, 400, "This method must be called with an app access_token", family="auth"),
    ErrorKind(101, 400, "Error validating application", family="auth"),
    ErrorKind(200, 403, "Permissions error", family="auth"),
    ErrorKind(200007, 403, "Template analytics is not enabled", family="auth"),
    ErrorKind(368, 403, "Temporarily blocked for policies violations", family="integrity"),
    ErrorKind(
        130497,
        403,
        "Business account is restricted from messaging users in this country",
        family="integrity",
    ),
    ErrorKind(131031, 403, "Account has been locked", family="integrity"),
    ErrorKind(
        131005,
        403,
        "Access denied",
        "Permission is either not granted or has been removed.",
        family="auth",
    ),
    # Throttling
    ErrorKind(4, 400, "Application request limit reached", transient=True, family="rate_limit"),
    ErrorKind(
        80007,
        400,
        "Rate limit issues",
        "The WhatsApp Business Account has reached its rate limit.",
        transient=True,
        family="rate_limit",
    ),
    ErrorKind(
        130429,
        400,
        "Rate limit hit",
        "Cloud API message throughput has been reached.",
        transient=True,
        family="rate_limit",
    ),
    ErrorKind(
        131048,
        400,
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be "
        "sent from this phone number.",
        transient=True,
        family="rate_limit",
    ),
    ErrorKind(
        131056,
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone "
        "number in a short period of time.",
        transient=True,
        family="rate_limit",
    ),
    ErrorKind(133016, 400, "Account register deregister rate limit exceeded", family="rate_limit"),
    # The message text of Meta's error-code tables on every WhatsApp Business Management node.
    ErrorKind(
        80008,
        400,
        "There have been too many calls to this WhatsApp Business account. Wait a bit and try "
        "again. For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        transient=True,
        family="rate_limit",
    ),
    # Generic
    ErrorKind(1, 400, "Invalid request or possible server error", transient=True),
    ErrorKind(2, 503, "Service temporarily unavailable", transient=True),
    ErrorKind(33, 400, "Parameter value is not valid"),
    ErrorKind(100, 400, "Invalid parameter", family="parameter"),
    ErrorKind(2500, 400, "Unknown path components", family="parameter"),
    ErrorKind(2200, 400, "Callback verification failed", family="parameter"),
    # Sending
    ErrorKind(
        130472,
        400,
        "User's number is part of an experiment",
        "Failed to send message because this user's phone number is part of an experiment.",
        family="send",
    ),
    ErrorKind(
        130403,
        400,
        "Recipient has blocked the business",
        "The message was not delivered because the business has blocked this user.",
        family="send",
    ),
    ErrorKind(
        131000,
        500,
        "Something went wrong",
        "Message failed to send due to an unknown error.",
        transient=True,
        family="send",
    ),
    ErrorKind(
        131008,
        400,
        "Required parameter is missing",
        "The request is missing a required parameter.",
        family="parameter",
    ),
    ErrorKind(
        131009,
        400,
        "Parameter value is not valid",
        "One or more parameter values are invalid.",
        family="parameter",
    ),
    ErrorKind(
        131016,
        500,
        "Service unavailable",
        "A service is temporarily unavailable.",
        transient=True,
        family="send",
    ),
    ErrorKind(
        131021,
        400,
        "Recipient cannot be sender",
        "Sender and recipient phone number is the same.",
        family="send",
    ),
    ErrorKind(131026, 400, "Message undeliverable", "Unable to deliver message.", family="send"),
    # A test number's send to a recipient outside its allowed list: the real answer quoted in
    # Neurotech-HQ/heyoo#40 (with error_subcode 2655007). wamm keeps no allowed lists.
    ErrorKind(
        131030,
        400,
        "Recipient phone number not in allowed list",
        "Recipient's phone number is not whitelisted: add the recipient's phone number to a "
        "recipient list, then try again.",
        family="send",
    ),
    ErrorKind(131037, 400, "WhatsApp provided number needs display name approval", family="send"),
    ErrorKind(131042, 400, "Business eligibility payment issue", family="send"),
    ErrorKind(131045, 500, "Incorrect certificate", family="send"),
    ErrorKind(
        131047,
        400,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
        family="send",
    ),
    ErrorKind(
        131049,
        400,
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
        family="send",
    ),
    ErrorKind(
        131050,
        400,
        "Unable to deliver the message",
        "The user has stopped receiving marketing messages from this business.",
        family="send",
    ),
    ErrorKind(
        131051,
        400,
        "Unsupported message type",
        "Message type is not currently supported.",
        family="send",
    ),
    ErrorKind(131052, 400, "Media download error", family="send"),
    ErrorKind(131053, 400, "Media upload error", family="send"),
    ErrorKind(
        131055,
        400,
        "Method not allowed",
        "Only marketing template messages are supported",
        family="send",
    ),
    ErrorKind(131057, 500, "Account in maintenance mode", transient=True, family="send"),
    ErrorKind(
        131061,
        400,
        "Marketing templates containing bid_spec are not supported by the Cloud API",
        "The template uses bid_spec (maximum price), which is only available through the "
        "Marketing Messages API for WhatsApp. Send it to /marketing_messages instead.",
        family="send",
    ),
    ErrorKind(
        131062,
        400,
        "Business-scoped User ID (BSUID) recipients are not supported for this message.",
        family="bsuid",
    ),
    ErrorKind(
        131063,
        400,
        "Marketing templates disabled for Cloud API",
        "Your template is categorized as Marketing, but marketing templates are currently "
        "disabled for your Cloud API configuration. To send this template, use the "
        "Marketing Messages API for WhatsApp or enable marketing templates on Cloud API by "
        "turning off disable_marketing_messages_on_cloud_api.",
        family="marketing_disabled",
    ),
    # Templates at send time
    ErrorKind(
        132000,
        400,
        "Number of parameters does not match the expected number of params",
        "The number of variable parameter values included in the request did not match the "
        "number of variable parameters defined in the template.",
        family="template",
    ),
    ErrorKind(
        132001,
        404,
        "Template name does not exist in the translation",
        "The template does not exist in the specified language or the template has not "
        "been approved.",
        family="template",
    ),
    ErrorKind(132005, 400, "Translated text too long", family="template"),
    ErrorKind(132007, 400, "Format character policy violated", family="template"),
    ErrorKind(
        132012,
        400,
        "Parameter format does not match format in the created template",
        "Variable parameter values formatted incorrectly.",
        family="template",
    ),
    ErrorKind(
        132015,
        400,
        "Template is Paused",
        "The template is paused due to low quality, so it cannot be sent in a template message.",
        family="template",
    ),
    ErrorKind(
        132016,
        400,
        "Template is Disabled",
        "The template has been paused too many times due to low quality and is now "
        "permanently disabled.",
        family="template",
    ),
    ErrorKind(
        132018,
        400,
        "Template validation error",
        "There's an issue with the parameters in your template.",
        family="template",
    ),
    ErrorKind(
        133010,
        400,
        "Phone number not registered",
        "The phone number is not registered on the WhatsApp Business Platform.",
        family="send",
    ),
    # Registration
    ErrorKind(
        133005,
        400,
        "Two step verification PIN mismatch",
        "Two-step verification PIN incorrect.",
        family="registration",
    ),
    ErrorKind(
        133006,
        400,
        "Phone number re-verification needed",
        "Phone number needs to be verified before registering.",
        family="registration",
    ),
    ErrorKind(136025, 400, "Verify code error", family="registration"),
    # Block users
    ErrorKind(
        139100,
        400,
        "Failed to block/unblock users",
        "Failed to block some users, see the block_users response list for details",
        family="block",
    ),
    ErrorKind(
        139101,
        400,
        "Blocklist limit reached",
        "The blocklist has reached its 64,000 user limit.",
        family="block",
    ),
    ErrorKind(
        135000,
        400,
        "Generic user error",
        "Message failed to send because of an unknown error with your request parameters.",
        family="send",
    ),
    # Marketing Messages API specific
    ErrorKind(
        134100,
        400,
        "Only marketing messages supported",
        "You're only able to send marketing messages on this API.",
        family="send",
    ),
    ErrorKind(
        134101,
        400,
        "Your template is still syncing",
        "The template was created recently and is still being prepared for the Marketing "
        "Messages API. Try again in a few minutes.",
        transient=True,
        family="template",
    ),
    ErrorKind(
        134102,
        500,
        "Template unavailable for use",
        "This template cannot be used with the Marketing Messages API for WhatsApp.",
        family="template",
    ),
    # Partner onboarding (the intent API)
    ErrorKind(
        1752041,
        400,
        "Duplicate Request",
        "Another partner already asked this business to onboard to the Marketing Messages API "
        "for WhatsApp.",
        family="partner",
    ),
)


class GraphError(Exception):
    """A Graph API error raised by core rules and rendered by the HTTP layer.

    `message` overrides the default "(#code) title" text for the few errors Meta words
    differently (for example "The parameter to is required."). `with_error_data` controls the
    WhatsApp `error_data` object, which Meta leaves out of plain Graph errors. `beside` holds
    members Meta sends next to `error` (a partly failed `block_users` lists its outcomes).
    """

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        message: str | None = None,
        subcode: int | None = None,
        error_type: str = OAUTH,
        with_error_data: bool = True,
        user_title: str | None = None,
        user_msg: str | None = None,
        http_status: int | None = None,
        beside: dict[str, Any] | None = None,
    ) -> None:
        self.kind = CATALOGUE.get(code) or ErrorKind(code, 400, "Unknown error")
        self.code = code
        self.details = details if details is not None else self.kind.details
        self.message = message or f"(#{code}) {self.kind.title}"
        self.subcode = subcode
        self.error_type = error_type
        self.with_error_data = with_error_data
        self.user_title = user_title
        self.user_msg = user_msg
        self.http_status = http_status or self.kind.http_status
        self.beside = beside or {}
        super().__init__(self.message)

    def body(self, fbtrace_id: str) -> dict[str, Any]:
        """The `error` object exactly as Meta sends it (key order included)."""
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.error_type,
            "code": self.code,
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_title is not None:
            error["is_transient"] = self.kind.transient
            error["error_user_title"] = self.user_title
            error["error_user_msg"] = self.user_msg or self.user_title
        if self.with_error_data and self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = fbtrace_id
        return {**self.beside, "error": error}


class NotEmulated(GraphError):
    """A request Meta accepts but wamm does not emulate (a group send, ...). The server
    answers it with code 131051 and says so in the details; the SDK does not refuse it
    locally, since Meta would take it."""

    def __init__(self, code: int, what: str) -> None:
        super().__init__(code, f"{what} wamm does not emulate this; Meta accepts it.")


class ResetDuringRequest(GraphError):
    """A write begun before a reset of wamm's state reached the store after it: only that
    request fails (code 2, HTTP 503, transient), and sending it again works."""

    def __init__(self) -> None:
        super().__init__(2, "wamm was reset while this request was handled; send it again.")


TEMPLATE_REJECTED_MESSAGE = "Invalid parameter"


def missing_parameter(name: str) -> GraphError:
    """Graph's answer for a required parameter left out: the name is in `message` and there
    is no `error_data` ("(#100) The parameter messaging_product is required.")."""
    return GraphError(
        100, message=f"(#100) The parameter {name} is required.", with_error_data=False
    )


class TooManyCalls(GraphError):
    """80008: the app used up its business use case allowance for a WABA; `usage` is the
    `x-business-use-case-usage` value that tells when access returns."""

    def __init__(self, usage: bytes) -> None:
        super().__init__(80008, with_error_data=False)
        self.usage = usage


def invalid_parameter(details: str) -> GraphError:
    """Code 100 with a WhatsApp `error_data.details` naming what is wrong."""
    return GraphError(100, details)


def template_rejected(subcode: int | None, title: str, user_msg: str) -> GraphError:
    """A template-management validation failure: code 100 with Meta's subcode and user texts.

    Meta words these "Invalid parameter" without the "(#100)" prefix its other code-100
    answers carry (docs/errors.md quotes the answer)."""
    return GraphError(
        100,
        message=TEMPLATE_REJECTED_MESSAGE,
        subcode=subcode,
        with_error_data=False,
        user_title=title,
        user_msg=user_msg,
    )


def unknown_object(method: str, object_id: str) -> GraphError:
    """Graph's answer for an id that does not exist or that the token may not touch."""
    return GraphError(
        100,
        message=(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation. "
            "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
        ),
        subcode=33,
        error_type=GRAPH_METHOD,
        with_error_data=False,
    )


def unexpected_key(key: str, param: str) -> GraphError:
    """Graph's parameter layer refusing a key a JSON-object parameter does not define; `param`
    is the object's path in Graph's notation (`template['components'][0]`)."""
    return GraphError(
        100, message=f'(#100) Unexpected key "{key}" on param "{param}".', with_error_data=False
    )


def param_not_in(param: str, allowed: Iterable[str], got: object) -> GraphError:
    """Graph's parameter layer refusing an enum value, in its words and notation, e.g.
    `(#100) Param template['components'][1]['sub_type'] must be one of {CATALOG, ...,
    VOICE_CALL} - got "phone_number".` (a real answer quoted in shridarpatil/frappe_whatsapp#188;
    the values sorted as there)."""
    values = ", ".join(sorted(allowed))
    return GraphError(
        100,
        message=f'(#100) Param {param} must be one of {{{values}}} - got "{got}".',
        with_error_data=False,
    )


def unknown_path(components: str) -> GraphError:
    """Path segments past what Graph can resolve (`components` starts with `/`)."""
    return GraphError(2500, message=f"Unknown path components: {components}", with_error_data=False)


def unsupported_method(method: str) -> GraphError:
    """An HTTP method Graph has no operation for at all (PUT, PATCH, ...)."""
    return GraphError(
        100,
        message=(
            f"Unsupported {method.lower()} request. "
            "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
        ),
        error_type=GRAPH_METHOD,
        with_error_data=False,
    )


def async_error_object(code: int, details: str | None = None) -> dict[str, Any]:
    """The `errors[]` entry of a failed status webhook for `code`."""
    kind = CATALOGUE[code]
    return {
        "code": code,
        "title": kind.title,
        "message": kind.title,
        "error_data": {"details": details or kind.details},
        "href": "https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/",
    }

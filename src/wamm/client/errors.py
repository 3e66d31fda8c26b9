"""The SDK's exceptions.

Graph errors map to one class per Meta error family. The mapping is not a second table: each
class names a `family` of wamm's error catalogue (`wamm.core.errors.CATALOGUE`, the table the
server renders errors from), so a code's class is the class of its catalogue family and
`RateLimitError.codes()` lists the catalogue's rate-limit codes. The server goes from code to
envelope, the SDK from envelope back to code, class and retry advice.

Besides Graph errors the SDK raises `ValidationError` (a request Meta would reject, caught
before any network call), `NetworkError` / `AmbiguousSendError` (the transport failed) and
`DuplicateSendError` (an idempotency key that is in flight or unresolved).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import msgspec

from wamm.core.errors import CATALOGUE, GraphError, NotEmulated

PAIR_RATE_LIMIT = 131056  # Meta advises retrying it after 4^X seconds, X = 0, 1, 2, ...


class WhatsAppError(Exception):
    """Root of every exception the SDK raises.

    `is_transient` says whether the same request may succeed later; `may_have_been_processed`
    whether the server may have acted on a request whose answer was lost.
    """

    is_transient: bool = False
    may_have_been_processed: bool = False

    def retry_after(self, attempt: int) -> float | None:
        """Seconds to wait before retry number `attempt` (from 0), when the API advises it."""
        del attempt
        return None


class GraphAPIError(WhatsAppError):
    """An error answered by the Graph API: Meta's error envelope, decoded.

    Also the class of catalogue family `generic` and of codes that are not in the catalogue.
    """

    family: ClassVar[str] = "generic"

    def __init__(
        self,
        message: str,
        *,
        code: int,
        http_status: int,
        subcode: int | None = None,
        details: str | None = None,
        fbtrace_id: str | None = None,
        error_type: str | None = None,
        user_title: str | None = None,
        user_msg: str | None = None,
        is_transient: bool = False,
        retry_after_seconds: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.subcode = subcode
        self.details = details
        self.fbtrace_id = fbtrace_id
        self.error_type = error_type
        self.user_title = user_title
        self.user_msg = user_msg
        self.is_transient = is_transient
        self.retry_after_seconds = retry_after_seconds

    @classmethod
    def codes(cls) -> frozenset[int]:
        """The catalogue codes of this class's family."""
        return frozenset(kind.code for kind in CATALOGUE.values() if kind.family == cls.family)

    def retry_after(self, attempt: int) -> float | None:
        """A `Retry-After` header's advice, if the response had one."""
        del attempt
        return self.retry_after_seconds

    def __str__(self) -> str:
        """The message, Meta's details and its explanation for people (`error_user_title`,
        `error_user_msg`), the HTTP status and the trace id."""
        explained = " - ".join(text for text in (self.user_title, self.user_msg) if text)
        parts = [part for part in (self.message, self.details, explained) if part]
        return f"{': '.join(parts)} (HTTP {self.http_status}, fbtrace_id {self.fbtrace_id})"


class AuthError(GraphAPIError):
    """Token missing, invalid or expired (190), or lacking a permission (10, 200, ...)."""

    family = "auth"


class IntegrityError(GraphAPIError):
    """The account is restricted, locked or blocked for policy reasons."""

    family = "integrity"


class RateLimitError(GraphAPIError):
    """A rate limit: throughput (130429), pair (131056), WABA / app call limits (80007, 4)."""

    family = "rate_limit"

    def retry_after(self, attempt: int) -> float | None:
        """Meta's advice for the pair rate limit is 4^X seconds; others back off normally."""
        if self.code == PAIR_RATE_LIMIT:
            return float(4**attempt)
        return super().retry_after(attempt)


class ParameterError(GraphAPIError):
    """An invalid or missing parameter (100, 131008, 131009, ...), including template
    validation rejections (100 with a 2388xxx subcode)."""

    family = "parameter"


class SendError(GraphAPIError):
    """A message Meta will not send (131047 re-engagement, 131021, 131051, 134100, ...)."""

    family = "send"


class BSUIDNotSupportedError(SendError):
    """131062: the message cannot be sent to a business-scoped user ID."""

    family = "bsuid"


class MarketingTemplatesDisabledError(SendError):
    """131063: marketing templates are disabled on the Cloud API for this WABA."""

    family = "marketing_disabled"


class TemplateError(GraphAPIError):
    """A template problem at send time: 132xxx (missing, paused, parameters) and 1341xx."""

    family = "template"


class RegistrationError(GraphAPIError):
    """A number's registration step failed: wrong verification code (136025), not verified
    (133006) or a two-step PIN mismatch (133005)."""

    family = "registration"


class BlockUsersError(GraphAPIError):
    """`block_users` could not block or unblock some of the users named (139100) or the
    blocklist is full (139101)."""

    family = "block"


class PartnerError(GraphAPIError):
    """A partner onboarding call was refused: another partner already asked the business to
    onboard to the Marketing Messages API (1752041)."""

    family = "partner"


GRAPH_ERROR_CLASSES: tuple[type[GraphAPIError], ...] = (
    GraphAPIError,
    AuthError,
    IntegrityError,
    RateLimitError,
    ParameterError,
    SendError,
    BSUIDNotSupportedError,
    MarketingTemplatesDisabledError,
    TemplateError,
    RegistrationError,
    BlockUsersError,
    PartnerError,
)
_BY_FAMILY: dict[str, type[GraphAPIError]] = {cls.family: cls for cls in GRAPH_ERROR_CLASSES}


def _family_of_range(code: int) -> str:
    """For a code the catalogue lacks: the family shared by every catalogue code with the same
    leading digits (132068 is a template error like every 132xxx), else `generic`."""
    prefix = code // 1000
    families = {kind.family for kind in CATALOGUE.values() if kind.code // 1000 == prefix}
    return families.pop() if prefix and len(families) == 1 else "generic"


def error_class(code: int) -> type[GraphAPIError]:
    """The exception class for a Graph error code, by its catalogue family."""
    kind = CATALOGUE.get(code)
    family = kind.family if kind is not None else _family_of_range(code)
    return _BY_FAMILY.get(family, GraphAPIError)


class ValidationError(WhatsAppError, ValueError):
    """A request Meta would reject, caught locally before any network call.

    `code` and `subcode` are those Meta (and wamm) would answer with.
    """

    def __init__(self, message: str, *, code: int = 100, subcode: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.subcode = subcode


@contextmanager
def validating() -> Iterator[None]:
    """Turn the wamm core rules' `GraphError` into a local `ValidationError`: Meta would refuse
    the request. What Meta accepts but wamm does not emulate (`NotEmulated`) ends the local
    checks without an error, and the request goes out: Meta takes it, wamm answers 131051."""
    try:
        yield
    except NotEmulated:
        return
    except GraphError as error:
        text = error.user_msg or error.details or error.message
        raise ValidationError(text, code=error.code, subcode=error.subcode) from None


class NetworkError(WhatsAppError):
    """The request failed in transport (connection refused, timeout, reset).

    `request_sent` is False when the request never left (connect errors): then retrying is
    always safe. Otherwise the server may have processed it.
    """

    def __init__(self, message: str, *, request_sent: bool, is_transient: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        self.may_have_been_processed = request_sent
        self.is_transient = is_transient


class AmbiguousSendError(NetworkError):
    """A send whose outcome is unknown: the request went out but no answer came back.

    The SDK never resends it by itself. `idempotency_key` identifies it in the client's
    ledger; `body` is the request, so the caller can decide (see docs/sdk.md).
    """

    def __init__(
        self, message: str, *, idempotency_key: str, phone_number_id: str, body: Mapping[str, Any]
    ) -> None:
        super().__init__(message, request_sent=True, is_transient=False)
        self.idempotency_key = idempotency_key
        self.phone_number_id = phone_number_id
        self.body = dict(body)


class DuplicateSendError(WhatsAppError):
    """A send reused an idempotency key that is still in flight or whose outcome is unknown."""

    def __init__(self, key: str, state: str) -> None:
        super().__init__(f"idempotency key {key!r} is {state}; not sending it again")
        self.key = key
        self.state = state


class UnexpectedResponseError(WhatsAppError):
    """An answer the SDK cannot read: a non-2xx without a Graph error envelope (a proxy's 502,
    an HTML page ...), or a 2xx body that does not decode.

    5xx and 429 are transient. A 5xx may hide a request the API did process; a 2xx was.
    """

    def __init__(self, http_status: int, body: bytes, retry_after_seconds: float | None) -> None:
        super().__init__(f"HTTP {http_status} without a Graph error: {body[:200]!r}")
        self.http_status = http_status
        self.body = body
        self.is_transient = http_status >= 500 or http_status == 429
        self.may_have_been_processed = http_status >= 500 or 200 <= http_status < 300
        self.retry_after_seconds = retry_after_seconds

    def retry_after(self, attempt: int) -> float | None:
        """The `Retry-After` header's advice, if any."""
        del attempt
        return self.retry_after_seconds


class _ErrorData(msgspec.Struct, kw_only=True):
    details: str | None = None


class _ErrorBody(msgspec.Struct, kw_only=True):
    message: str = ""
    type: str | None = None
    code: int
    error_subcode: int | None = None
    error_data: _ErrorData | None = None
    is_transient: bool | None = None
    error_user_title: str | None = None
    error_user_msg: str | None = None
    fbtrace_id: str | None = None


class _Envelope(msgspec.Struct):
    error: _ErrorBody


_ENVELOPE = msgspec.json.Decoder(_Envelope)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def decode_error(
    http_status: int, body: bytes, headers: Mapping[str, str]
) -> GraphAPIError | UnexpectedResponseError:
    """The exception for a non-2xx response: its family's class when it is a Graph error."""
    retry_after = _retry_after(headers)
    try:
        error = _ENVELOPE.decode(body).error
    except msgspec.DecodeError:
        return UnexpectedResponseError(http_status, body, retry_after)
    kind = CATALOGUE.get(error.code)
    transient = (
        error.is_transient if error.is_transient is not None else bool(kind and kind.transient)
    )
    return error_class(error.code)(
        error.message,
        code=error.code,
        http_status=http_status,
        subcode=error.error_subcode,
        details=error.error_data.details if error.error_data else None,
        fbtrace_id=error.fbtrace_id,
        error_type=error.type,
        user_title=error.error_user_title,
        user_msg=error.error_user_msg,
        is_transient=transient,
        retry_after_seconds=retry_after,
    )

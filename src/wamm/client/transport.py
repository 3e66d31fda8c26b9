"""Calls, and the engine that carries them out without doing any I/O itself.

A call is a description (method, path, query, body, how to decode the answer). The engine
turns it into a *program*: a generator that yields effects — `Transmit` a request, `Sleep`,
`Gather` several programs — and receives their outcomes. Retries, backoff, rate limiting and
the idempotency guard live in these programs, written once; `Client` performs the effects
with blocking I/O and `AsyncClient` with asyncio (see `Stepper`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, cast
from urllib.parse import urlsplit

import httpx
import msgspec

from wamm.client.errors import (
    AmbiguousSendError,
    NetworkError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppError,
    decode_error,
)
from wamm.client.idempotency import SendLedger
from wamm.client.models import Page, SendResult
from wamm.client.ratelimit import RateLimit, RateLimiter
from wamm.client.retry import RetryPolicy

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
PageT = TypeVar("PageT", bound=Page[Any])

# Transport failures raised before any byte of the request left: the server cannot have
# processed it. `UnsupportedProtocol` (a URL that is not http or https) and
# `LocalProtocolError` (a request h11 refuses to write, e.g. an illegal header value) are
# raised before the request is written.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
# Failures that retrying cannot fix.
PERMANENT = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
CALLBACK_DATA = "biz_opaque_callback_data"


@dataclass(frozen=True, slots=True)
class Transmit:
    """Effect: send `request`; the outcome is an `httpx.Response` or an `httpx.TransportError`."""

    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Sleep:
    """Effect: wait `seconds`; the outcome is None."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Gather:
    """Effect: run `programs`, at most `concurrency` at a time; the outcome is a list of
    `Settled`, in order."""

    programs: tuple[Program[Any], ...]
    concurrency: int


Effect: TypeAlias = Transmit | Sleep | Gather
Program: TypeAlias = Generator[Effect, Any, T]


@dataclass(frozen=True, slots=True)
class Settled(Generic[T]):
    """How one gathered program ended: its value, or the exception it raised."""

    value: T | None = None
    error: Exception | None = None


class Job(Protocol[T_co]):
    """Anything a client can run: it becomes a program for the engine."""

    def program(self, engine: Engine) -> Program[T_co]:
        """The program carrying out this job."""
        ...


class Stepper(Generic[T]):
    """Advances a program one effect at a time. A driver performs `effect` and `feed`s the
    outcome back until `effect` is None; then `result` holds the program's value."""

    def __init__(self, program: Program[T]) -> None:
        self._program = program
        self._result: T | None = None
        self.effect: Effect | None = self._step(None)

    def feed(self, outcome: Any) -> None:
        """Give the program the outcome of its current effect."""
        self.effect = self._step(outcome)

    @property
    def result(self) -> T:
        """The program's value (once `effect` is None)."""
        return cast(T, self._result)

    def _step(self, outcome: Any) -> Effect | None:
        try:
            return self._program.send(outcome)
        except StopIteration as stop:
            self._result = stop.value
            return None


def decoder(model: Any) -> Callable[[bytes], Any]:
    """A JSON decoder into `model` (a Struct, or a generic one such as `Page[Template]`)."""
    return msgspec.json.Decoder(model).decode


@dataclass(frozen=True)
class FileBody:
    """A body that is not JSON: multipart form fields with files (`form`, `files` as
    name -> (file name, bytes, MIME type)), or raw bytes (`content`); `headers` go with it."""

    form: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, tuple[str, bytes, str]] = field(default_factory=dict)
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


NO_FILE = FileBody()


@dataclass(frozen=True)
class Call(Generic[T_co]):
    """One Graph API request: `path` is relative to the versioned base URL, or absolute."""

    method: str
    path: str
    decode: Callable[[bytes], T_co]
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    file: FileBody = NO_FILE

    def program(self, engine: Engine) -> Program[T_co]:
        """Send with retries."""
        return engine.attempts(self)


@dataclass(frozen=True)
class SendCall(Call[SendResult]):
    """A message send: rate limited per phone number and guarded by an idempotency key."""

    phone_number_id: str = ""
    idempotency_key: str | None = None

    def program(self, engine: Engine) -> Program[SendResult]:
        """Send once per idempotency key, with retries only where that is safe."""
        return engine.send(self)


@dataclass(frozen=True)
class Settings:
    """What the engine needs to know about the API and the caller's policies."""

    token: str
    base_url: str
    api_version: str | None
    timeout: httpx.Timeout
    retry: RetryPolicy
    rate_limit: RateLimit | None
    key_in_callback_data: bool = False
    clock: Callable[[], float] = time.monotonic


def same_origin(url: str, base_url: str) -> bool:
    """Whether `url` points at the same scheme, host and port as `base_url`."""
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


class Engine:
    """Turns calls into programs; holds the state they share (ledger, rate limiter)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ledger = SendLedger()
        limit = settings.rate_limit
        self._limiter = RateLimiter(limit, settings.clock) if limit is not None else None
        self._headers = {
            "Authorization": f"Bearer {settings.token}",
            "User-Agent": "wamm-client",
        }

    def url(self, path: str) -> str:
        """The absolute URL of `path`."""
        if path.startswith(("http://", "https://")):
            return path
        version = f"/{self.settings.api_version}" if self.settings.api_version else ""
        return f"{self.settings.base_url.rstrip('/')}{version}/{path.lstrip('/')}"

    def request(self, call: Call[Any]) -> httpx.Request:
        """The HTTP request of `call`, carrying the client's timeouts; `ValidationError` if
        its URL cannot be made (an id with a control character, say)."""
        try:
            return httpx.Request(
                call.method,
                self.url(call.path),
                params=dict(call.params) or None,
                json=call.body,
                data=dict(call.file.form) or None,
                files=dict(call.file.files) or None,
                content=call.file.content,
                headers={**self._headers, **call.file.headers},
                extensions={"timeout": self.settings.timeout.as_dict()},
            )
        except httpx.InvalidURL as error:
            raise ValidationError(f"no request URL can be made of {call.path!r}: {error}") from None

    def next_page(self, call: Call[PageT], page: PageT) -> Call[PageT] | None:
        """The call for the page after `page`: its `next` link when it stays on this API (a
        link elsewhere would receive the token), else the `after` cursor; None at the end."""
        paging = page.paging
        if paging is None or paging.next is None:
            return None
        if same_origin(paging.next, self.url("")):
            return replace(call, path=paging.next, params={})
        after = paging.cursors.after if paging.cursors else None
        return replace(call, params={**call.params, "after": after}) if after else None

    def send(self, call: SendCall) -> Program[SendResult]:
        """`attempts`, once per idempotency key (see `SendLedger`)."""
        key = call.idempotency_key or uuid.uuid4().hex
        call = self._with_key(call, key)
        recorded = self.ledger.begin(key)
        if recorded is not None:
            return recorded
        try:
            result = yield from self.attempts(call, key)
        except AmbiguousSendError:
            self.ledger.mark_ambiguous(key)
            raise
        except BaseException:
            self.ledger.release(key)
            raise
        if call.idempotency_key is None:
            self.ledger.release(key)  # nobody can send a random key again: keep nothing
        else:
            self.ledger.accept(key, result)
        return result

    def attempts(self, call: Call[T], key: str | None = None) -> Program[T]:
        """Send `call`, retrying transient failures where a retry cannot duplicate it."""
        attempt = 0
        while True:
            yield from self._throttle(call)
            outcome = yield Transmit(self.request(call))
            try:
                return self._settle(call, outcome, key)
            except WhatsAppError as error:
                delay = self._retry_delay(call, error, attempt)
                if delay is None:
                    raise
            yield Sleep(delay)
            attempt += 1

    def _with_key(self, call: SendCall, key: str) -> SendCall:
        body = call.body or {}
        if not self.settings.key_in_callback_data or body.get(CALLBACK_DATA) is not None:
            return call
        return replace(call, body={**body, CALLBACK_DATA: key})

    def _throttle(self, call: Call[Any]) -> Program[None]:
        if self._limiter is not None and isinstance(call, SendCall):
            wait = self._limiter.reserve(call.phone_number_id)
            if wait > 0:
                yield Sleep(wait)

    def _settle(self, call: Call[T], outcome: httpx.Response | Exception, key: str | None) -> T:
        error = _failure(outcome)
        if error is None:
            assert isinstance(outcome, httpx.Response)
            try:
                return call.decode(outcome.content)
            except msgspec.MsgspecError:
                error = UnexpectedResponseError(outcome.status_code, outcome.content, None)
        if key is not None and error.may_have_been_processed:
            assert isinstance(call, SendCall)
            raise AmbiguousSendError(
                f"the send may have been accepted: {error}",
                idempotency_key=key,
                phone_number_id=call.phone_number_id,
                body=call.body or {},
            ) from error
        raise error from (outcome if isinstance(outcome, Exception) else None)

    def _retry_delay(self, call: Call[Any], error: WhatsAppError, attempt: int) -> float | None:
        safe = call.method == "GET" or not error.may_have_been_processed
        if not (error.is_transient and safe):
            return None
        return self.settings.retry.delay(error, attempt)


def _failure(outcome: httpx.Response | Exception) -> WhatsAppError | None:
    """The error an outcome stands for, None for a 2xx response."""
    if isinstance(outcome, httpx.Response):
        if outcome.is_success:
            return None
        return decode_error(outcome.status_code, outcome.content, outcome.headers)
    return NetworkError(
        f"{type(outcome).__name__}: {outcome}",
        request_sent=not isinstance(outcome, NOT_SENT),
        is_transient=not isinstance(outcome, PERMANENT),
    )

"""The client surface, declared once for `Client` and `AsyncClient`.

Each method is an `Endpoint` (or a `Pager`) wrapping an operation from `operations` or
`campaign`. Read from a `Client`, an endpoint is a plain method returning the result; read from
an `AsyncClient`, the same endpoint returns an awaitable. Both clients only differ in how they
perform the engine's effects.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, ClassVar, Generic, Literal, ParamSpec, Protocol, Self, TypeVar, overload

import httpx

from wamm.client import (
    app_operations,
    campaign,
    media,
    operations,
    partner_operations,
    phone_operations,
)
from wamm.client.idempotency import SendLedger
from wamm.client.models import Page
from wamm.client.ratelimit import RateLimit
from wamm.client.retry import RetryPolicy
from wamm.client.transport import Call, Engine, Job, Settings
from wamm.core.versions import DEFAULT_API_VERSION, split_api_version

P = ParamSpec("P")
T = TypeVar("T")
Item = TypeVar("Item")
TransportT = TypeVar("TransportT")
SleepT = TypeVar("SleepT")

DEFAULT_BASE_URL = "https://graph.facebook.com"
BASE_URL_ENV = "WAMM_BASE_URL"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RATE_LIMIT = RateLimit()


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be an API root, or None when it can: the root is an absolute
    http:// or https:// URL with a host (and a port in 1..65535, if any)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        return f"is not a URL ({error})"
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        return "is not an http:// or https:// URL with a host, such as http://127.0.0.1:8000"
    if parsed.port is not None and not 0 < parsed.port < 2**16:
        return f"has port {parsed.port}, outside 1..65535"
    return None


def _checked(token: str, base_url: str) -> str:
    """`base_url`, once it and `token` are known to be usable (ValueError otherwise)."""
    problem = base_url_problem(base_url)
    if problem is not None:
        raise ValueError(f"base_url {base_url!r} {problem}")
    if any(ord(char) < 32 or ord(char) == 127 for char in token):
        raise ValueError("the token contains a control character (a line break?)")
    return base_url


class SyncRunner(Protocol):
    """What `Client` offers the descriptors: blocking runs."""

    is_async: ClassVar[Literal[False]]

    def _run(self, job: Job[T]) -> T: ...

    def _pages(self, call: Call[Page[Item]]) -> Iterator[Item]: ...


class AsyncRunner(Protocol):
    """What `AsyncClient` offers the descriptors: awaitable runs."""

    is_async: ClassVar[Literal[True]]

    async def _run(self, job: Job[T]) -> T: ...

    def _pages(self, call: Call[Page[Item]]) -> AsyncIterator[Item]: ...


def _bound(runner: Callable[[Any], Any], build: Callable[..., Any], doc: str | None) -> Any:
    """A method that builds the operation's call and hands it to the client's runner."""

    def method(*args: Any, **kwargs: Any) -> Any:
        return runner(build(*args, **kwargs))

    method.__doc__, method.__name__ = doc, build.__name__
    return method


class Endpoint(Generic[P, T]):
    """A client method made from an operation: `Client.x(...)` returns the operation's
    result, `AsyncClient.x(...)` an awaitable of it."""

    def __init__(self, build: Callable[P, Job[T]]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, client: SyncRunner, owner: type[Any]) -> Callable[P, T]: ...

    @overload
    def __get__(self, client: AsyncRunner, owner: type[Any]) -> Callable[P, Awaitable[T]]: ...

    def __get__(self, client: Any, owner: type[Any]) -> Any:
        """The bound method."""
        return self if client is None else _bound(client._run, self._build, self.__doc__)


class Pager(Generic[P, Item]):
    """A client method iterating over every item of a paged list, following `paging.next`
    (or the `after` cursor): an iterator on `Client`, an async iterator on `AsyncClient`."""

    def __init__(self, build: Callable[P, Call[Page[Item]]]) -> None:
        self._build = build
        self.__doc__ = f"Every item, page after page, of: {build.__doc__}"

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, client: SyncRunner, owner: type[Any]) -> Callable[P, Iterator[Item]]: ...

    @overload
    def __get__(
        self, client: AsyncRunner, owner: type[Any]
    ) -> Callable[P, AsyncIterator[Item]]: ...

    def __get__(self, client: Any, owner: type[Any]) -> Any:
        """The bound method."""
        return self if client is None else _bound(client._pages, self._build, self.__doc__)


class GraphApi(Generic[TransportT, SleepT]):
    """What both clients share: configuration, the engine, and every API method.

    `base_url` defaults to `$WAMM_BASE_URL`, else Meta's `https://graph.facebook.com`.
    `transport` is an httpx transport (e.g. `httpx.ASGITransport(app)` to run against an
    in-process wamm). `retry` (default `RetryPolicy()`) retries transient errors;
    `rate_limit` (default 80 messages/s per phone number, None to disable) paces sends;
    `key_in_callback_data` puts each send's idempotency key in `biz_opaque_callback_data` when
    the send has none, so webhooks can settle ambiguous sends (`ledger.observe`). `clock` and
    `sleep` are injectable for tests. `timeout` (seconds, or an `httpx.Timeout`) bounds each
    phase of a request: connecting, writing it, waiting for each part of the answer.

    `base_url` may end with a version (`http://127.0.0.1:8000/v25.0`, as `wamm serve` prints
    it): that version is then used instead of `api_version`.

    A `base_url` that is not an http:// or https:// URL with a host, or a token with a control
    character in it, raises `ValueError` here rather than at the first call.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        api_version: str | None = DEFAULT_API_VERSION,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: TransportT | None = None,
        retry: RetryPolicy | None = None,
        rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
        key_in_callback_data: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: SleepT | None = None,
    ) -> None:
        timeouts = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        root, version_in_url = split_api_version(
            base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        )
        self.base_url = _checked(token, root)
        api_version = version_in_url or api_version
        self._engine = Engine(
            Settings(
                token=token,
                base_url=self.base_url,
                api_version=api_version,
                timeout=timeouts,
                retry=retry or RetryPolicy(),
                rate_limit=rate_limit,
                key_in_callback_data=key_in_callback_data,
                clock=clock,
            )
        )
        self._open(transport, timeouts, sleep)

    def _open(
        self, transport: TransportT | None, timeout: httpx.Timeout, sleep: SleepT | None
    ) -> None:
        raise NotImplementedError

    @property
    def ledger(self) -> SendLedger:
        """The idempotency ledger of this client's sends."""
        return self._engine.ledger

    create_template = Endpoint(operations.create_template)
    list_templates = Endpoint(operations.list_templates)
    iter_templates = Pager(operations.list_templates)
    get_template = Endpoint(operations.get_template)
    edit_template = Endpoint(operations.edit_template)
    delete_template = Endpoint(operations.delete_template)
    unpause_template = Endpoint(operations.unpause_template)
    list_library_templates = Endpoint(operations.list_library_templates)
    iter_library_templates = Pager(operations.list_library_templates)
    create_template_from_library = Endpoint(operations.create_template_from_library)
    upsert_templates = Endpoint(operations.upsert_templates)
    compare_templates = Endpoint(operations.compare_templates)
    get_waba = Endpoint(operations.get_waba)
    update_waba = Endpoint(operations.update_waba)
    get_business = Endpoint(operations.get_business)
    list_client_wabas = Endpoint(partner_operations.list_client_wabas)
    iter_client_wabas = Pager(partner_operations.list_client_wabas)
    list_owned_wabas = Endpoint(partner_operations.list_owned_wabas)
    iter_owned_wabas = Pager(partner_operations.list_owned_wabas)
    onboard_to_marketing_messages = Endpoint(partner_operations.onboard_to_marketing_messages)
    request_max_price_agreement = Endpoint(partner_operations.request_max_price_agreement)
    get_max_price_agreement = Endpoint(partner_operations.get_max_price_agreement)
    enrol_max_price_end_businesses = Endpoint(partner_operations.enrol_max_price_end_businesses)
    remove_max_price_end_businesses = Endpoint(partner_operations.remove_max_price_end_businesses)
    list_max_price_end_businesses = Endpoint(partner_operations.list_max_price_end_businesses)
    list_phone_numbers = Endpoint(operations.list_phone_numbers)
    iter_phone_numbers = Pager(operations.list_phone_numbers)
    get_phone_number = Endpoint(operations.get_phone_number)
    register_phone_number = Endpoint(phone_operations.register_phone_number)
    deregister_phone_number = Endpoint(phone_operations.deregister_phone_number)
    request_verification_code = Endpoint(phone_operations.request_verification_code)
    verify_code = Endpoint(phone_operations.verify_code)
    set_two_step_pin = Endpoint(phone_operations.set_two_step_pin)
    get_business_profile = Endpoint(phone_operations.get_business_profile)
    update_business_profile = Endpoint(phone_operations.update_business_profile)
    block_users = Endpoint(phone_operations.block_users)
    unblock_users = Endpoint(phone_operations.unblock_users)
    list_blocked_users = Endpoint(phone_operations.list_blocked_users)
    iter_blocked_users = Pager(phone_operations.list_blocked_users)
    subscribe_app = Endpoint(operations.subscribe_app)
    list_subscribed_apps = Endpoint(operations.list_subscribed_apps)
    unsubscribe_app = Endpoint(operations.unsubscribe_app)
    mark_as_read = Endpoint(operations.mark_as_read)
    app_access_token = Endpoint(app_operations.app_access_token)
    list_app_subscriptions = Endpoint(app_operations.list_app_subscriptions)
    subscribe_app_webhooks = Endpoint(app_operations.subscribe_app_webhooks)
    unsubscribe_app_webhooks = Endpoint(app_operations.unsubscribe_app_webhooks)
    debug_token = Endpoint(app_operations.debug_token)
    send_template = Endpoint(operations.send_template)
    send_marketing = Endpoint(operations.send_marketing)
    send_message = Endpoint(operations.send_message)
    send_campaign = Endpoint(campaign.send_campaign)
    template_analytics = Endpoint(operations.template_analytics)
    pricing_analytics = Endpoint(operations.pricing_analytics)
    ad_insights = Endpoint(operations.ad_insights)
    upload_media = Endpoint(media.upload_media)
    get_media_url = Endpoint(media.get_media_url)
    download_media = Endpoint(media.download_media)
    delete_media = Endpoint(media.delete_media)
    upload_resumable = Endpoint(media.upload_resumable)
    get_upload_session = Endpoint(media.get_upload_session)

"""Retries, backoff, the idempotency guard, the rate limiter and paging, on scripted
transports (httpx.MockTransport) and a fake clock: nothing sleeps for real."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.client.conftest import FakeClock, no_jitter
from tests.client.silent import silent_server
from wamm.client import (
    NO_RETRIES,
    AmbiguousSendError,
    AsyncClient,
    Client,
    DuplicateSendError,
    NetworkError,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    SendLedger,
    SendResult,
    TemplateError,
    TemplateMessage,
    UnexpectedResponseError,
    ValidationError,
)
from wamm.client.models import SentMessage
from wamm.client.ratelimit import RateLimiter
from wamm.core.errors import GraphError

PHONE = "106540352242922"
ACCEPTED = {
    "messaging_product": "whatsapp",
    "contacts": [{"input": "5511987654321", "wa_id": "5511987654321"}],
    "messages": [{"id": "wamid.X", "message_status": "accepted"}],
}
Script = list[httpx.Response | Exception]


def graph_error(code: int) -> httpx.Response:
    error = GraphError(code)
    return httpx.Response(error.http_status, json=error.body("trace"))


def ok(body: Any = None) -> httpx.Response:
    return httpx.Response(200, json=ACCEPTED if body is None else body)


class Scripted:
    """Answers requests from a script, recording them."""

    def __init__(self, *script: httpx.Response | Exception) -> None:
        self.script: Script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def make_client(script: Scripted, clock: FakeClock, **options: Any) -> Client:
    options.setdefault("retry", no_jitter())
    options.setdefault("rate_limit", None)
    return Client(
        "tok",
        base_url="https://graph.test",
        transport=httpx.MockTransport(script),
        clock=clock,
        sleep=clock.sleep,
        **options,
    )


def send(client: Client, key: str | None = None, **kwargs: Any) -> SendResult:
    return client.send_template(
        PHONE, TemplateMessage("summer_sale"), to="5511987654321", idempotency_key=key, **kwargs
    )


# --- retries ---------------------------------------------------------------------------------


def test_transient_graph_error_is_retried_with_exponential_backoff(clock: FakeClock) -> None:
    script = Scripted(graph_error(130429), graph_error(130429), ok())
    with make_client(script, clock) as client:
        assert send(client).wamid == "wamid.X"
    assert clock.sleeps == [1.0, 2.0]
    assert len(script.requests) == 3


def test_pair_rate_limit_follows_meta_s_4_to_the_x_advice(clock: FakeClock) -> None:
    script = Scripted(*[graph_error(131056)] * 4)
    with make_client(script, clock) as client, pytest.raises(RateLimitError) as raised:
        send(client)
    assert raised.value.code == 131056
    assert clock.sleeps == [1.0, 4.0, 16.0]
    assert len(script.requests) == 4


def test_permanent_errors_are_not_retried(clock: FakeClock) -> None:
    script = Scripted(graph_error(132001))
    with make_client(script, clock) as client, pytest.raises(TemplateError) as raised:
        send(client)
    assert raised.value.http_status == 404
    assert clock.sleeps == []


def test_retry_after_header_and_jitter(clock: FakeClock) -> None:
    busy = httpx.Response(503, text="busy", headers={"Retry-After": "3"})
    script = Scripted(busy, ok({"id": "1", "name": "x"}))
    with make_client(script, clock) as client:
        assert client.get_template("1").name == "x"
    assert clock.sleeps == [3.0]


def test_jitter_adds_at_most_its_fraction() -> None:
    policy = RetryPolicy(jitter=0.5)
    delays = [policy.delay(RateLimitError("m", code=4, http_status=400), 1) for _ in range(50)]
    assert all(d is not None and 2.0 <= d <= 3.0 for d in delays)
    assert policy.delay(RateLimitError("m", code=4, http_status=400), 3) is None


def test_connect_errors_are_retried_even_for_sends(clock: FakeClock) -> None:
    script = Scripted(httpx.ConnectError("refused"), ok())
    with make_client(script, clock) as client:
        assert send(client).wamid == "wamid.X"
    assert len(script.requests) == 2


def test_reads_are_retried_after_ambiguous_failures(clock: FakeClock) -> None:
    bad_gateway = httpx.Response(502, text="<html>bad gateway</html>")
    script = Scripted(httpx.ReadTimeout("slow"), bad_gateway, ok({"id": "1"}))
    with make_client(script, clock) as client:
        assert client.get_template("1").id == "1"
    assert len(script.requests) == 3


def test_other_writes_are_not_retried_after_ambiguous_failures(clock: FakeClock) -> None:
    script = Scripted(httpx.ReadTimeout("slow"))
    with make_client(script, clock) as client, pytest.raises(NetworkError) as raised:
        client.unpause_template("1")
    assert raised.value.request_sent and raised.value.may_have_been_processed
    assert not isinstance(raised.value, AmbiguousSendError)
    assert len(script.requests) == 1


def test_permanent_transport_errors_are_not_retried(clock: FakeClock) -> None:
    script = Scripted(httpx.UnsupportedProtocol("ftp"))
    with make_client(script, clock) as client, pytest.raises(NetworkError) as raised:
        client.get_template("1")
    assert not raised.value.is_transient


@pytest.mark.parametrize(
    "failure",
    [
        httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'localhost://'."),
        httpx.LocalProtocolError("Illegal header value b'Bearer a\\nb'"),
    ],
    ids=["unsupported-protocol", "local-protocol-error"],
)
def test_a_send_refused_before_it_left_is_not_ambiguous(clock: FakeClock, failure: Any) -> None:
    script = Scripted(failure, ok())
    with make_client(script, clock) as client:
        with pytest.raises(NetworkError) as raised:
            send(client, "k1")
        assert type(raised.value) is NetworkError  # not an AmbiguousSendError
        assert (raised.value.request_sent, raised.value.is_transient) == (False, False)
        assert client.ledger.state("k1") is None  # released: the key may be sent again
        assert send(client, "k1").wamid == "wamid.X"
    assert len(script.requests) == 2 and clock.sleeps == []


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        (
            "localhost:8000",
            "base_url 'localhost:8000' is not an http:// or https:// URL with a host, such as "
            "http://127.0.0.1:8000",
        ),
        (
            "ftp://wamm.test",
            "base_url 'ftp://wamm.test' is not an http:// or https:// URL with a host, such as "
            "http://127.0.0.1:8000",
        ),
        (
            "http://",
            "base_url 'http://' is not an http:// or https:// URL with a host, such as "
            "http://127.0.0.1:8000",
        ),
        (
            "http://wamm.test:abc",
            "base_url 'http://wamm.test:abc' is not a URL (Invalid port: 'abc')",
        ),
        (
            "http://wamm.test:70000",
            "base_url 'http://wamm.test:70000' has port 70000, outside 1..65535",
        ),
    ],
)
def test_a_bad_base_url_is_refused_when_the_client_is_built(base_url: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        Client("tok", base_url=base_url)
    assert str(raised.value) == message
    with pytest.raises(ValueError) as raised_async:
        AsyncClient("tok", base_url=base_url)
    assert str(raised_async.value) == message


def test_a_token_with_a_line_break_is_refused_when_the_client_is_built() -> None:
    with pytest.raises(ValueError) as raised:
        Client("tok\r", base_url="http://wamm.test")
    assert str(raised.value) == "the token contains a control character (a line break?)"


def test_an_id_that_makes_no_url_is_a_validation_error(clock: FakeClock) -> None:
    script = Scripted()
    with make_client(script, clock) as client, pytest.raises(ValidationError) as raised:
        client.get_template("1\x00")
    assert str(raised.value).startswith("no request URL can be made of '1\\x00': ")
    assert script.requests == []


def test_the_timeout_bounds_a_request_that_gets_no_answer() -> None:
    with (
        silent_server(hang_up=False) as base_url,
        Client("tok", base_url=base_url, timeout=0.3, retry=NO_RETRIES) as client,
    ):
        started = time.monotonic()
        with pytest.raises(NetworkError) as raised:
            client.get_waba("W")
        assert 0.3 <= time.monotonic() - started < 5.0
        assert str(raised.value) == "ReadTimeout: timed out"
        with pytest.raises(AmbiguousSendError):  # the send may have been accepted
            send(client)


# --- the idempotency guard -------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
        httpx.Response(504, text="gateway timeout"),
        httpx.Response(200, text="not json"),
    ],
    ids=["read-timeout", "reset", "504", "garbled-200"],
)
def test_ambiguous_send_is_never_resent(clock: FakeClock, failure: Any) -> None:
    script = Scripted(failure)
    with make_client(script, clock) as client:
        with pytest.raises(AmbiguousSendError) as raised:
            send(client, "order-42")
        error = raised.value
        assert error.idempotency_key == "order-42"
        assert error.phone_number_id == PHONE
        assert error.body["to"] == "5511987654321"
        assert client.ledger.state("order-42") == "ambiguous"
        with pytest.raises(DuplicateSendError):
            send(client, "order-42")
    assert len(script.requests) == 1


def test_caller_resolves_an_ambiguous_send(clock: FakeClock) -> None:
    script = Scripted(httpx.ReadTimeout("slow"), ok())
    with make_client(script, clock) as client:
        with pytest.raises(AmbiguousSendError):
            send(client, "k")
        client.ledger.resolve("k", None)  # the caller checked: it was not sent
        assert send(client, "k").wamid == "wamid.X"
        assert send(client, "k").wamid == "wamid.X"  # recorded, not sent again
    assert len(script.requests) == 2


def test_status_webhook_settles_an_ambiguous_send(clock: FakeClock) -> None:
    script = Scripted(httpx.ReadTimeout("slow"))
    with make_client(script, clock, key_in_callback_data=True) as client:
        with pytest.raises(AmbiguousSendError) as raised:
            send(client, "k-1")
        assert raised.value.body["biz_opaque_callback_data"] == "k-1"
        assert client.ledger.observe("k-1", "wamid.LATE")
        assert send(client, "k-1").wamid == "wamid.LATE"
    assert len(script.requests) == 1


def test_callers_callback_data_is_kept(clock: FakeClock) -> None:
    script = Scripted(ok(), ok())
    with make_client(script, clock, key_in_callback_data=True) as client:
        send(client, biz_opaque_callback_data="campaign-7")
        send(client, "mine")
    assert [b["biz_opaque_callback_data"] for b in script.bodies()] == ["campaign-7", "mine"]


def test_definite_failures_release_the_key(clock: FakeClock) -> None:
    script = Scripted(graph_error(132001), ok())
    with make_client(script, clock) as client:
        with pytest.raises(TemplateError):
            send(client, "k")
        assert client.ledger.state("k") is None
        assert send(client, "k").wamid == "wamid.X"


def test_ledger_in_flight_and_capacity() -> None:
    ledger = SendLedger(capacity=2)
    assert ledger.begin("a") is None
    with pytest.raises(DuplicateSendError) as raised:
        ledger.begin("a")
    assert raised.value.state == "in flight"
    ledger.accept("a", SendResult(messages=[SentMessage(id="w1")]))
    ledger.begin("b")
    ledger.begin("c")  # over capacity: the oldest accepted key goes
    assert ledger.state("a") is None
    assert not ledger.observe("nothing", "w")
    assert ledger.observe("b", "w2")
    assert not ledger.observe("b", "w2")  # already accepted
    ledger.mark_ambiguous("missing")  # unknown keys are ignored
    ledger.resolve("c", SendResult(messages=[SentMessage(id="w3")]))
    result = ledger.begin("c")
    assert result is not None and result.wamid == "w3"


def test_random_keys_are_not_kept(clock: FakeClock) -> None:
    script = Scripted(ok())
    with make_client(script, clock) as client:
        send(client)
        assert client.ledger._entries == {}


# --- rate limiting ---------------------------------------------------------------------------


def test_rate_limiter_schedules_slots_per_key() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(per_second=2, burst=3), clock)
    assert [limiter.reserve("a") for _ in range(5)] == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert limiter.reserve("b") == 0.0
    clock.now += 10
    assert limiter.reserve("a") == 0.0


def test_rate_limit_validation() -> None:
    with pytest.raises(ValueError, match="per_second"):
        RateLimit(per_second=0)
    with pytest.raises(ValueError, match="burst"):
        RateLimit(burst=0)


def test_client_paces_sends_per_phone_number(clock: FakeClock) -> None:
    script = Scripted(*[ok()] * 5)
    with make_client(script, clock, rate_limit=RateLimit(per_second=4, burst=1)) as client:
        for _ in range(4):
            send(client)
        client.send_template("other", TemplateMessage("summer_sale"), to="5511987654321")
    assert clock.sleeps == [0.25, 0.25, 0.25]


# --- paging and URLs -------------------------------------------------------------------------


def page(names: list[str], next_url: str | None, after: str | None) -> httpx.Response:
    paging: dict[str, Any] = {"cursors": {"before": "b", "after": after}}
    if next_url:
        paging["next"] = next_url
    return ok({"data": [{"id": n, "name": n} for n in names], "paging": paging})


def test_paging_follows_next_links_on_the_same_api(clock: FakeClock) -> None:
    script = Scripted(
        page(["a", "b"], "https://graph.test/v23.0/W/message_templates?after=C1", "C1"),
        page(["c"], None, "C2"),
    )
    with make_client(script, clock) as client:
        assert [t.name for t in client.iter_templates("W")] == ["a", "b", "c"]
    assert str(script.requests[1].url) == "https://graph.test/v23.0/W/message_templates?after=C1"


def test_paging_uses_the_cursor_when_next_points_elsewhere(clock: FakeClock) -> None:
    script = Scripted(
        page(["a"], "https://elsewhere.test/v23.0/W/message_templates?after=C1", "C1"),
        page(["b"], "https://elsewhere.test/next", None),
    )
    with make_client(script, clock) as client:
        assert [t.name for t in client.iter_templates("W")] == ["a", "b"]
    second = script.requests[1]
    assert second.url.host == "graph.test"
    assert second.url.params["after"] == "C1"
    assert second.headers["authorization"] == "Bearer tok"


def test_base_url_from_environment_and_unversioned_paths(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Scripted(ok({"id": "1"}), ok({"id": "1"}))
    monkeypatch.setenv("WAMM_BASE_URL", "http://wamm.local:8000")
    with Client("t", transport=httpx.MockTransport(script), api_version=None) as client:
        client.get_template("1", fields=["name", "status"])
        assert client.base_url == "http://wamm.local:8000"
    monkeypatch.delenv("WAMM_BASE_URL")
    with Client("t", transport=httpx.MockTransport(script)) as client:
        client.get_template("1")
    assert str(script.requests[0].url) == "http://wamm.local:8000/1?fields=name%2Cstatus"
    assert str(script.requests[1].url) == "https://graph.facebook.com/v25.0/1"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://wamm.local:8000/v24.0", "http://wamm.local:8000/v24.0/1"),
        ("http://wamm.local:8000/v24.0/", "http://wamm.local:8000/v24.0/1"),
        ("http://wamm.local:8000/", "http://wamm.local:8000/v25.0/1"),
        ("http://wamm.local:8000/prefix/v23.0", "http://wamm.local:8000/prefix/v23.0/1"),
    ],
)
def test_a_base_url_may_end_with_the_version(
    clock: FakeClock, base_url: str, expected: str
) -> None:
    """The banner's Graph base URL (`.../v25.0`) pasted as the base URL works as it reads."""
    script = Scripted(ok({"id": "1"}))
    with Client("t", base_url=base_url, transport=httpx.MockTransport(script)) as client:
        client.get_template("1")
    assert str(script.requests[0].url) == expected


# --- the async client drives the same programs -------------------------------------------------


def async_client(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock
) -> AsyncClient:
    return AsyncClient(
        "tok",
        base_url="https://graph.test",
        transport=httpx.MockTransport(handler),
        retry=no_jitter(),
        rate_limit=RateLimit(per_second=10, burst=1),
        clock=clock,
        sleep=clock.asleep,
    )


async def test_async_retries_pacing_and_ambiguity(clock: FakeClock) -> None:
    script = Scripted(graph_error(130429), ok(), ok(), httpx.ReadTimeout("slow"))
    async with async_client(script, clock) as client:
        message = TemplateMessage("summer_sale")
        assert (await client.send_template(PHONE, message, to="5511987654321")).wamid
        await client.send_template(PHONE, message, to="5511987654321")
        with pytest.raises(AmbiguousSendError):
            await client.send_template(PHONE, message, to="5511987654321")
    # 1 s backoff after 130429 (its slot has passed by then), 0.1 s pacing for each later send
    assert clock.sleeps == pytest.approx([1.0, 0.1, 0.1])


async def test_async_paging(clock: FakeClock) -> None:
    script = Scripted(
        page(["a"], "https://graph.test/v23.0/W/phone_numbers?after=C1", "C1"),
        page(["b"], None, None),
    )
    async with async_client(script, clock) as client:
        assert [p.id async for p in client.iter_phone_numbers("W")] == ["a", "b"]


def test_unexpected_error_classes_keep_their_cause(clock: FakeClock) -> None:
    script = Scripted(httpx.Response(404, text="no such route"))
    with make_client(script, clock) as client, pytest.raises(UnexpectedResponseError) as raised:
        client.get_waba("W")
    assert raised.value.http_status == 404

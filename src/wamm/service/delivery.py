"""Webhook delivery from the durable outbox.

The dispatcher leases due deliveries, POSTs them (alone or batched per app) with
`X-Hub-Signature-256`, and records every attempt. A 2xx acknowledges; anything else (a 3xx too:
redirects are never followed), a timeout or a refused connection schedules a retry with
exponential backoff in virtual time, until the retry window closes. A new callback URL is
verified with Meta's `hub.challenge` handshake before its first POST. Finished rows older than
the retention period are pruned. Between claims it also applies the template changes time
brings (`template_clock`: due recategorisations, archival), which may queue webhooks.

The store hands out a message's next update only once the earlier ones are finished (event
order), and each app has its own `concurrency` POST slots (one hanging receiver delays only its
app). Claimed rows name this process; those of a process that died (or whose lease ran out)
are due again.

The work can be split between processes: `deliver=False` keeps time only (template changes,
pruning) and `keep_time=False` only delivers. `wamm serve` with a delivery process (the default
on a SQLite file with a second CPU, or `--delivery-process`) runs the first itself and the
second in its delivery process (`wamm worker --for-server`), on the other core.
A drain in a process that does not deliver waits for the outbox through the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import aiohttp

from wamm.core.settings import WebhookSettings
from wamm.core.webhook_wire import SIGNATURE_HEADER, envelope_bytes, sign
from wamm.service.runtime import Runtime
from wamm.service.status_payloads import materialize
from wamm.service.template_clock import TemplateClock
from wamm.store.base import Attempt, ClaimLimits, Delivery

log = logging.getLogger("wamm.delivery")
CLAIM_LIMIT = 1000
IDLE_POLL_SECONDS = 0.25  # also picks up rows written by other processes
DRAIN_POLL_SECONDS = 0.01  # a drain's wait for another process's deliveries, between looks
RECLAIM_SECONDS = 5.0  # how often to look for rows a dead (or hung) worker leased
PRUNE_BATCH = 500  # finished deliveries deleted per transaction
PRUNE_EVERY_SECONDS = 60.0  # virtual time between prunes once the old rows are gone
USER_AGENT = "facebookexternalua"
ERROR_TEXT_LIMIT = 300
CHALLENGE_READ_LIMIT = 1024  # more than any echoed challenge: a longer body is wrong anyway
MAX_DOUBLINGS = 64  # far past any retry_max_seconds / retry_initial_seconds the settings allow


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    latency_ms: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def retry_at(delivery: Delivery, now: float, policy: WebhookSettings) -> float | None:
    """When to try again after a failed attempt, or None once the retry window is over."""
    doublings = min(delivery.attempts - 1, MAX_DOUBLINGS)  # a float past 2**1023 overflows
    backoff = min(policy.retry_initial_seconds * 2**doublings, policy.retry_max_seconds)
    next_at = now + backoff
    return next_at if next_at - delivery.due_at <= policy.retry_window_seconds else None


async def wait_event(event: asyncio.Event, timeout: float) -> None:
    """Until `event` is set or `timeout` seconds pass. Not `asyncio.wait_for`: on Python 3.11 it
    swallows a cancellation that arrives as the event is set, and `Dispatcher.stop` hangs."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await event.wait()


def http_error(status: int) -> str:
    """The recorded error of an answer that is not a 2xx."""
    redirect = " (redirects are not followed)" if 300 <= status < 400 else ""
    return f"HTTP {status}{redirect}"


def _short(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return text[:ERROR_TEXT_LIMIT]


class Dispatcher:
    """Runs inside `wamm serve` (or `wamm worker`) as one asyncio task."""

    def __init__(
        self,
        rt: Runtime,
        *,
        deliver: bool = True,
        keep_time: bool = True,
        poll_seconds: float = IDLE_POLL_SECONDS,
    ) -> None:
        self.rt = rt
        self.delivers = deliver
        self._keeps_time = keep_time
        self._poll_seconds = poll_seconds
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._posts: Counter[str] = Counter()  # app id -> its POSTs in flight
        # (app, url, verify token) -> the handshake; concurrent deliveries share one.
        self._verifications: dict[tuple[str, str, str], asyncio.Task[PostResult]] = {}
        self._idle = asyncio.Event()
        self._next_reclaim = 0.0  # at start first: rows a dead process held are due again
        self._pruned_before = -math.inf  # every finished row older than this is gone
        self._templates = TemplateClock(rt)  # recategorisations and archival as time passes

    # --- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": USER_AGENT},
            connector=aiohttp.TCPConnector(limit=0, force_close=False),
        )
        self._task = asyncio.create_task(self._run(), name="wamm-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._inflight):
            task.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def drain(self, timeout: float) -> dict[str, int]:
        """Wait until nothing is due or in flight (or `timeout` real seconds pass)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.rt.notify_outbox()
            self._idle.clear()
            await wait_event(self._idle, left)
            if await self._quiet():
                break
            if not self.delivers:  # another process delivers: look again in a moment
                await asyncio.sleep(DRAIN_POLL_SECONDS)
        return await self.rt.store.delivery_counts()

    async def _quiet(self) -> bool:
        """Nothing due, in flight (here, or anywhere when another process delivers) or left
        to do by this process's clock."""
        if self._inflight or (self._keeps_time and (self._prune_due() or self._templates.due())):
            return False
        if self.delivers:
            return not await self._anything_due()
        return not await self.rt.store.deliveries_outstanding(self.rt.now())

    # --- the loop ---------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self.rt.outbox_ready.clear()  # a wake-up from here on starts another round
            if self.delivers and (claimed := await self._claimed()):
                self._launch(claimed)
                continue
            if self._keeps_time and await self._keep_time():
                continue
            if not self._inflight:
                self._idle.set()
            await self._sleep()

    async def _claimed(self) -> list[Delivery]:
        try:
            return await self._claim()
        except Exception:
            log.exception("claiming deliveries failed")
            return []

    async def _anything_due(self) -> bool:
        """Whether a delivery is due now (a read)."""
        due = await self.rt.store.next_delivery_at()
        return due is not None and due <= self.rt.now()

    async def _keep_time(self) -> bool:
        """One step of the work time brings (pruning, template changes); True if it did one."""
        if await self._prune():
            return True
        if self._templates.due():
            await self._template_changes()
            return True
        return False

    async def _claim(self) -> list[Delivery]:
        """Each app gets its own `concurrency` POST slots: a receiver that hangs holds only
        its own app's, and the other apps' rows are claimed beside it."""
        policy = self.rt.settings.webhooks
        real_now = time.time()
        if real_now >= self._next_reclaim:
            self._next_reclaim = real_now + RECLAIM_SECONDS
            if reclaimed := await self.rt.store.reclaim_leases(real_now):
                log.info(
                    "%d webhook update(s) left in flight by a stopped worker are due again",
                    reclaimed,
                )
        per_app = min(CLAIM_LIMIT, policy.concurrency * policy.batch_size)
        limits = ClaimLimits(
            per_app=per_app,
            apps={
                app_id: min(per_app, (policy.concurrency - posts) * policy.batch_size)
                for app_id, posts in self._posts.items()
            },
        )
        lease = policy.timeout_seconds * 2 + 30
        return await self.rt.store.claim_deliveries(self.rt.now(), real_now, lease, limits)

    def _launch(self, claimed: list[Delivery]) -> None:
        """One POST per `batch_size` claimed updates of an app. A claim holds at most one
        update per message (the later ones wait in the outbox), so POSTs may run in any order."""
        size = self.rt.settings.webhooks.batch_size
        by_app: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in claimed:
            by_app[delivery.app_id].append(delivery)
        for app_id, rows in by_app.items():
            for start in range(0, len(rows), size):
                task = asyncio.create_task(self._deliver(rows[start : start + size]))
                self._posts[app_id] += 1
                self._inflight.add(task)
                task.add_done_callback(functools.partial(self._finished, app_id))

    def _finished(self, app_id: str, task: asyncio.Task[None]) -> None:
        """A POST slot is free, and the next updates of its messages may be ready."""
        self._inflight.discard(task)
        self._posts[app_id] -= 1
        if not self._posts[app_id]:
            del self._posts[app_id]
        self.rt.notify_outbox()

    def _retention_cutoff(self) -> float:
        return self.rt.now() - self.rt.settings.webhooks.retention_seconds

    def _prune_due(self) -> bool:
        """Whether virtual time moved enough since the last prune (back too: after a reset)."""
        return abs(self._retention_cutoff() - self._pruned_before) >= PRUNE_EVERY_SECONDS

    async def _prune(self) -> bool:
        """Delete one batch of finished deliveries older than the retention period, between
        claims (never on the send path); True while more are left."""
        if not self._prune_due():
            return False
        cutoff = self._retention_cutoff()
        try:
            removed = await self.rt.store.prune_deliveries(cutoff, PRUNE_BATCH)
        except Exception:  # tried again once virtual time moves on
            log.exception("pruning finished deliveries failed")
            removed = 0
        if removed < PRUNE_BATCH:
            self._pruned_before = cutoff
        return removed == PRUNE_BATCH

    async def _template_changes(self) -> None:
        try:
            await self._templates.run()
        except Exception:  # tried again once virtual time moves on
            log.exception("applying template changes failed")

    async def _sleep(self) -> None:
        """Until woken (a send, a finished POST), the next delivery is due, or the idle poll
        interval passes. Rows due now but not claimed wait for a slot of their app, or are
        another process's: they are polled for, not spun on."""
        rt = self.rt
        timeout = self._poll_seconds
        if not (self.delivers and self._keeps_time):
            # Keeping time only: woken by clock changes (sends never need it). Delivering for
            # another process's sends: they cannot wake it, the next poll finds them.
            await wait_event(rt.outbox_ready, timeout)
            return
        next_at = await rt.store.next_delivery_at()
        if next_at is not None and rt.clock.rate > 0 and next_at > rt.now():
            timeout = min(timeout, (next_at - rt.now()) / rt.clock.rate)
        # Sends wake the dispatcher only for deliveries due before it would wake anyway.
        rt.dispatcher_wake_at = (
            rt.now() + timeout * rt.clock.rate
            if rt.clock.rate > 0
            else next_at
            if next_at is not None
            else math.inf
        )
        try:
            await wait_event(rt.outbox_ready, timeout)
        finally:
            rt.dispatcher_wake_at = -math.inf

    # --- one POST ---------------------------------------------------------------------------

    async def _deliver(self, rows: list[Delivery]) -> None:
        try:
            await self._attempt(rows)
        except Exception as error:  # a bug must not strand the rows: they are retried
            log.exception("delivering %d update(s) failed", len(rows))
            await self._record(rows, "", PostResult(None, 0.0, f"internal error: {error!r}"))

    async def _attempt(self, rows: list[Delivery]) -> None:
        app = self.rt.catalog.apps.get(rows[0].app_id)
        targets = {a.id: url for a, url in self.rt.catalog.webhook_targets(rows[0].waba_id)}
        url = targets.get(rows[0].app_id) if app else None
        if app is None or url is None:
            result = PostResult(None, 0.0, "the app has no callback URL for this WABA")
        else:
            result = await self._verify(app.id, url, app.verify_token or "")
            await materialize(self.rt, rows)
            if result.ok and not all(row.value for row in rows):
                result = PostResult(None, 0.0, "the message of a status update is missing")
            if result.ok:
                body = envelope_bytes(rows)
                result = await self._post(url, body, sign(app.secret, body))
        await self._record(rows, url or "", result)

    async def _post(self, url: str, body: bytes, signature: str) -> PostResult:
        timeout = aiohttp.ClientTimeout(total=self.rt.settings.webhooks.timeout_seconds)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        started = time.perf_counter()
        try:
            async with self.session.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as failure:
            return PostResult(None, (time.perf_counter() - started) * 1000, _short(failure))
        latency = (time.perf_counter() - started) * 1000
        return PostResult(status, latency, None if 200 <= status < 300 else http_error(status))

    async def _verify(self, app_id: str, url: str, verify_token: str) -> PostResult:
        """Meta's handshake before the first use of a callback: echo `hub.challenge`."""
        key = (app_id, url, verify_token)
        task = self._verifications.get(key)
        if task is None:
            timeout = self.rt.settings.webhooks.timeout_seconds
            task = asyncio.create_task(verify_callback(self.session, url, verify_token, timeout))
            self._verifications[key] = task
        result = await asyncio.shield(task)
        if not result.ok:  # try the handshake again next time
            self._verifications.pop(key, None)
        return result

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the dispatcher is not started")
        return self._session

    async def _record(self, rows: list[Delivery], url: str, result: PostResult) -> None:
        rt = self.rt
        now, real_now = rt.now(), time.time()
        outcomes, attempts = [], []
        for row in rows:
            row.attempts += 1
            # A finished row keeps the time of its last attempt: retention counts from it.
            if result.ok:
                row.state, row.delivered_at, row.last_error = "delivered", now, None
                row.next_attempt_at = now
            else:
                next_at = retry_at(row, now, rt.settings.webhooks)
                row.state = "pending" if next_at is not None else "failed"
                row.next_attempt_at = next_at if next_at is not None else now
                row.last_error = result.error
            outcomes.append(row)
            attempts.append(
                Attempt(
                    delivery_id=row.id,
                    at=now,
                    real_at=real_now,
                    url=url,
                    status_code=result.status_code,
                    latency_ms=round(result.latency_ms, 3),
                    error=result.error,
                    batch_size=len(rows),
                )
            )
        await rt.store.finish_deliveries(outcomes, attempts)
        if not result.ok:
            log.info(
                "webhook to %s failed (%s); %d update(s) rescheduled", url, result.error, len(rows)
            )


async def _body_start(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, read only until it is longer than `limit` bytes (a hostile receiver cannot
    make wamm buffer a huge answer)."""
    body = b""
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > limit:
            break
    return body


async def verify_callback(
    session: aiohttp.ClientSession, url: str, verify_token: str, timeout: float
) -> PostResult:
    """GET url?hub.mode=subscribe&hub.challenge=C&hub.verify_token=T: verified when the answer
    is a 200 whose body is exactly C (a redirect is not followed)."""
    challenge = str(secrets.randbelow(10**9))
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    started = time.perf_counter()
    try:
        async with session.get(
            url,
            params=params,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
        ) as response:
            body = await _body_start(response, CHALLENGE_READ_LIMIT)
            status = response.status
    except Exception as error:  # any failure of the handshake (bad URL, ...) fails verification
        latency = (time.perf_counter() - started) * 1000
        return PostResult(None, latency, f"callback verification failed: {_short(error)}")
    latency = (time.perf_counter() - started) * 1000
    if status != 200:
        return PostResult(status, latency, f"callback verification failed: {http_error(status)}")
    if body != challenge.encode():
        problem = "the response body was not the hub.challenge value"
        return PostResult(status, latency, f"callback verification failed: HTTP 200, {problem}")
    return PostResult(status, latency, None)

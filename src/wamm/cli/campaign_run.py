"""Running `wamm campaign`: sends on a thread pool through one SDK `Client` (its rate limiter,
retries and idempotency guard), each outcome journaled as it completes, and a clean stop on
Ctrl-C / SIGTERM: no new send starts, the sends in flight finish and are recorded."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from types import FrameType

from wamm.cli.common import error_fields
from wamm.cli.journal import ACCEPTED, FAILED, NOT_SENT, SENDING, UNRESOLVED, Journal, Outcome
from wamm.cli.recipients import Row
from wamm.cli.sending import TemplateSend
from wamm.client import (
    AmbiguousSendError,
    AuthError,
    Client,
    NetworkError,
    RateLimitError,
    RetryPolicy,
    WhatsAppError,
)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(Exception):
    """Raised in a send waiting for its slot (or its retry) once the campaign stops: the
    request has not left."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived (`signum`)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Tally:
    """This run's counts, updated from the sending threads."""

    accepted: int = 0
    failed: int = 0
    unresolved: int = 0
    not_sent: int = 0
    rate_limited: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, outcome: Outcome) -> None:
        """Count one recipient's outcome."""
        with self._lock:
            setattr(self, outcome.state, getattr(self, outcome.state) + 1)
            if outcome.state == FAILED and outcome.error is not None:
                self.errors[error_label(outcome.error)] += 1

    def rate_limit_answer(self) -> None:
        """The API answered a send with a rate-limit error."""
        with self._lock:
            self.rate_limited += 1


def error_label(error: dict[str, object]) -> str:
    """`131049 SendError`, or the class alone for errors without a code."""
    code = error.get("code")
    return f"{code} {error['class']}" if code is not None else str(error["class"])


@dataclass(frozen=True)
class CountingRetry(RetryPolicy):
    """The SDK's retry policy, counting the rate-limit answers it is asked about."""

    tally: Tally | None = None

    def delay(self, error: WhatsAppError, attempt: int) -> float | None:
        """`RetryPolicy.delay`, after counting a rate-limit answer."""
        if isinstance(error, RateLimitError) and self.tally is not None:
            self.tally.rate_limit_answer()
        return super().delay(error, attempt)


@contextlib.contextmanager
def interrupting_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in the main thread, once: later ones are
    ignored while the sends in flight finish."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del frame
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.signal(s, interrupt) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop_signal, handler in previous.items():
            signal.signal(stop_signal, handler)


class CampaignRun:
    """One run of a campaign over the recipients not done yet."""

    def __init__(
        self,
        how: TemplateSend,
        journal: Journal,
        tally: Tally,
        advance: Callable[[], None],
    ) -> None:
        self.how = how
        self.journal = journal
        self.tally = tally
        self.advance = advance
        self.stop = threading.Event()
        self.halted_by: WhatsAppError | None = None  # an error every further send would get
        self.interrupted_by: int | None = None  # the signal

    def sleep(self, seconds: float) -> None:
        """The client's sleep: pacing and backoff, cut short (`Stopped`) by a stop."""
        if self.stop.wait(seconds):
            raise Stopped

    def run(self, client: Client, rows: list[Row], concurrency: int) -> None:
        """Send to `rows`, `concurrency` at a time, until done, halted or interrupted."""
        pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="campaign")
        try:
            with interrupting_signals():
                futures = [pool.submit(self._send_one, client, row) for row in rows]
                for future in as_completed(futures):
                    future.result()
        except Interrupted as interruption:
            self.interrupted_by = interruption.signum
        finally:
            self.stop.set()
            pool.shutdown(wait=True, cancel_futures=True)

    def _send_one(self, client: Client, row: Row) -> None:
        if self.stop.is_set():
            return
        self.journal.record(Outcome(row.address, SENDING))
        outcome = self._outcome(client, row)
        self.journal.record(outcome)
        self.tally.add(outcome)
        self.advance()

    def _outcome(self, client: Client, row: Row) -> Outcome:
        key = f"{self.journal.campaign_id}:{row.address}"
        try:
            result = self.how.send(client, row.address, row.values, idempotency_key=key)
        except Stopped:
            return Outcome(row.address, NOT_SENT)
        except AmbiguousSendError as error:
            return Outcome(row.address, UNRESOLVED, error=error_fields(error))
        except (NetworkError, AuthError) as error:  # unreachable, or the token: every send
            self._halt(error)  # would fail the same way; the recipient stays to be sent
            return Outcome(row.address, NOT_SENT, error=error_fields(error))
        except WhatsAppError as error:
            return Outcome(row.address, FAILED, error=error_fields(error))
        return Outcome(row.address, ACCEPTED, wamid=result.wamid)

    def _halt(self, error: WhatsAppError) -> None:
        if self.halted_by is None:
            self.halted_by = error
        self.stop.set()

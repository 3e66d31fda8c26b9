"""The store interface both backends implement (SQLite by default, PostgreSQL to scale out)."""

from __future__ import annotations

import os
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import msgspec

from wamm.core.media import Blob
from wamm.core.model import (
    App,
    BlockedUser,
    Business,
    InboundMessage,
    Message,
    PhoneNumber,
    Template,
    Token,
    User,
    Waba,
)
from wamm.core.pricing import EntryPoint
from wamm.core.settings import Settings


class Subscription(msgspec.Struct, kw_only=True):
    waba_id: str
    app_id: str
    override_callback_uri: str | None = None


Entity = App | Business | Waba | PhoneNumber | Token | Template | User | Subscription


class CatalogData(msgspec.Struct, kw_only=True):
    """Every read-mostly entity, loaded once at start into the in-process catalog."""

    settings: Settings | None = None
    clock_time: float | None = None
    apps: list[App] = msgspec.field(default_factory=list)
    businesses: list[Business] = msgspec.field(default_factory=list)
    wabas: list[Waba] = msgspec.field(default_factory=list)
    phone_numbers: list[PhoneNumber] = msgspec.field(default_factory=list)
    tokens: list[Token] = msgspec.field(default_factory=list)
    templates: list[Template] = msgspec.field(default_factory=list)
    subscriptions: list[Subscription] = msgspec.field(default_factory=list)
    # Users seeded or changed through the control API (the others derive from their phone).
    custom_users: list[User] = msgspec.field(default_factory=list)
    # (phone_number_id, user phone, opened_at) of every customer-service window.
    windows: list[tuple[str, str, float]] = msgspec.field(default_factory=list)
    # (phone_number_id, user phone, referral_at, entry_opened_at) of every ad / Page entry.
    entry_points: list[tuple[str, str, float, float | None]] = msgspec.field(default_factory=list)
    blocked: list[BlockedUser] = msgspec.field(default_factory=list)  # by `block_users`
    version: int = 0  # the catalog version this snapshot was read at (shared stores)
    epoch: int = 0  # how many resets the store has seen (see `Store.reset`)


class MessageQuery(msgspec.Struct, kw_only=True):
    limit: int = 25
    after_seq: int | None = None
    phone_number_id: str | None = None
    recipient: str | None = None
    route: str | None = None
    wamid: str | None = None
    template: str | None = None  # the template's name


class InboundQuery(msgspec.Struct, kw_only=True):
    limit: int = 25
    after_seq: int | None = None
    phone_number_id: str | None = None
    user_phone: str | None = None


class Delivery(msgspec.Struct, kw_only=True, gc=False):
    """One webhook update for one app: pending until a POST carrying it gets a 2xx."""

    id: int = 0
    app_id: str
    waba_id: str
    field: str
    value: bytes  # the JSON of `changes[].value`; empty for a status (built when delivered)
    wamid: str | None = None
    message_seq: int | None = None
    event_index: int | None = None  # a status webhook: which of the message's events
    event_at: float
    due_at: float
    next_attempt_at: float
    state: str = "pending"  # pending | inflight | delivered | failed
    attempts: int = 0
    delivered_at: float | None = None
    last_error: str | None = None
    # The reset epoch of the claim: after a reset, ids name other rows and the outcome is void.
    epoch: int = 0


class ClaimLimits(msgspec.Struct, frozen=True, kw_only=True):
    """How many ready rows one claim may lease: per app its cap in `apps` (0: none, the app
    has no free POST slot) or else `per_app`; `per_app` rows at most are looked at (and, on
    PostgreSQL, locked while the claim runs), so concurrent workers take different rows."""

    per_app: int
    apps: dict[str, int] = msgspec.field(default_factory=dict)


class Attempt(msgspec.Struct, kw_only=True, gc=False):
    delivery_id: int
    at: float  # virtual time
    real_at: float
    url: str
    status_code: int | None
    latency_ms: float
    error: str | None
    batch_size: int


class DeliveryQuery(msgspec.Struct, kw_only=True):
    limit: int = 100
    after_id: int | None = None
    id: int | None = None
    state: str | None = None
    wamid: str | None = None
    app_id: str | None = None
    field: str | None = None


class TokenRequest(msgspec.Struct, frozen=True):
    key: str
    now: float
    rate: float
    capacity: float


class Interaction(msgspec.Struct, kw_only=True):
    """A user action on a delivered message (reply, link click), counted in analytics."""

    waba_id: str
    wamid: str | None
    kind: str
    at: float
    data: dict[str, object] = msgspec.field(default_factory=dict)


class DayCountQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which messages template analytics count: one WABA's, sent with one of `template_ids`
    (named `template_names`) on `route`, created in [created_from, created_to); events at or
    before `now` only, a read only within `read_within` seconds of its send."""

    waba_id: str
    template_names: tuple[str, ...]
    template_ids: tuple[str, ...]
    route: str
    created_from: float
    created_to: float
    now: float
    read_within: float


class DayCounts(msgspec.Struct, frozen=True, kw_only=True):
    """Messages of one template with the same pricing and the same days (00:00 UTC, None
    without the event) of their sent, delivered and read events; how many of each event of
    them counts."""

    template_id: str
    pricing_category: str
    in_window: bool
    entry_point: bool  # sent inside a free entry point window
    sent_day: int | None
    delivered_day: int | None
    read_day: int | None
    sent: int
    delivered: int
    read: int


def new_lease_owner() -> str:
    """This process's name on the rows it leases: its PID and a random instance token."""
    return f"{os.getpid()}-{secrets.token_hex(8)}"


class Store(ABC):
    """Persistence. Every method is a complete unit: it commits before it returns.

    A `shared` store serves several processes: they notice each other's changes through
    `catalog_version` and share rate limits through `take_token`.
    """

    shared: bool = False
    lease_owner: str = ""

    async def catalog_version(self) -> int:
        """A number that changes whenever read-mostly state changes (shared stores)."""
        return 0

    async def take_token(self, request: TokenRequest) -> tuple[bool, float]:
        """Take one token from a shared rate-limit bucket (shared stores only): whether one was
        taken, and the tokens left. Concurrent takes may share one round trip."""
        raise NotImplementedError("only shared stores keep rate limits")

    async def take_tokens(self, requests: Sequence[TokenRequest]) -> list[tuple[bool, float]]:
        """`take_token` for each request in turn, each only if a token was taken for every one
        before it (one not tried answers False): whether each was taken, and its bucket's
        tokens left. All of them in one round trip, as concurrent takes share it."""
        raise NotImplementedError("only shared stores keep rate limits")

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:  # noqa: ARG002 - named locks matter for shared stores only
        """Run the block alone among the processes sharing the store (a no-op for one)."""
        yield

    @asynccontextmanager
    async def catalog_writes_held(self) -> AsyncIterator[None]:
        """While the block runs, this process commits no change of read-mostly state (shared
        stores; a no-op for one). A catalog reload runs in it: every change this process has
        already applied in memory is then in the reload's snapshot, so none is undone."""
        yield

    @property
    @abstractmethod
    def send_transactions(self) -> int:
        """How many transactions have written sends so far. Concurrent sends share one (group
        commit), so under load this grows far slower than the number of sends."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the database does not answer."""

    @abstractmethod
    async def load_catalog(self) -> CatalogData: ...

    @abstractmethod
    async def write(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings | None = None,
        clock_time: float | None = None,
    ) -> None:
        """Upsert `entities` (and optionally settings / virtual time) in one transaction."""

    @abstractmethod
    async def advance_clock_time(self, seconds: float, current: float) -> float:
        """Move the stored virtual time `seconds` on from what it is (`current` if none is
        stored yet), in one transaction: processes sharing the store advance one clock,
        whatever each had seen of it. The new time."""

    @abstractmethod
    async def delete_subscription(self, waba_id: str, app_id: str) -> None: ...

    @abstractmethod
    async def reset(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings,
        clock_time: float,
        counters: Mapping[str, int],
    ) -> int:
        """Replace the whole state, in one transaction, by `entities`, `settings`, the virtual
        time and the next value of each sequence in `counters`; returns the new reset epoch.

        Every reset starts a new epoch: sequence numbers start again, so writes begun under an
        older epoch (`reserve`, `add_message`) raise `ResetDuringRequest` instead of committing.
        """

    @abstractmethod
    async def reserve(self, counter: str, count: int, epoch: int) -> int:
        """Durably reserve `count` numbers of a named sequence for reset epoch `epoch`; returns
        the first."""

    @abstractmethod
    async def add_message(
        self, message: Message, new_user: User | None, deliveries: Sequence[Delivery], epoch: int
    ) -> None:
        """Persist an accepted message and its webhook updates (group-committed): only if the
        store is still at reset epoch `epoch`, else `ResetDuringRequest` for this message."""

    @abstractmethod
    async def add_deliveries(self, deliveries: Sequence[Delivery]) -> None: ...

    @abstractmethod
    async def claim_deliveries(
        self, now: float, real_now: float, lease_seconds: float, limits: ClaimLimits
    ) -> list[Delivery]:
        """Lease, to this process (`lease_owner`), pending deliveries due by `now` whose earlier
        updates (of the same message or field, to the same app) are all finished."""

    @abstractmethod
    async def reclaim_leases(self, real_now: float) -> int:
        """Make in-flight rows due again whose holder is gone: their lease ran out by
        `real_now`, or (shared stores) their owner process died. Returns how many."""

    @abstractmethod
    async def finish_deliveries(
        self, outcomes: Sequence[Delivery], attempts: Sequence[Attempt]
    ) -> None:
        """Store the new state of attempted deliveries and their attempt records (dropped
        when the deliveries were claimed before a reset: their rows are gone)."""

    @abstractmethod
    async def prune_deliveries(self, before: float, limit: int) -> int:
        """Delete up to `limit` delivered or failed deliveries last attempted before `before`
        (virtual time), with their attempts; returns how many deliveries went."""

    @abstractmethod
    async def requeue_failed(self, query: DeliveryQuery, now: float) -> int:
        """Make the failed deliveries that match `query`'s filters due at `now`, with a new
        retry window; returns how many."""

    @abstractmethod
    async def next_delivery_at(self) -> float | None:
        """The earliest `next_attempt_at` of a pending delivery no earlier update holds back."""

    @abstractmethod
    async def deliveries_outstanding(self, now: float) -> bool:
        """Whether any process holds a delivery or one is ready at virtual time `now` (a drain
        waits for another process's)."""

    @abstractmethod
    async def list_deliveries(self, query: DeliveryQuery) -> list[Delivery]:
        """Deliveries newest first."""

    @abstractmethod
    async def attempts_of(self, delivery_ids: Sequence[int]) -> list[Attempt]: ...

    @abstractmethod
    async def delivery_counts(self) -> dict[str, int]: ...

    @abstractmethod
    async def add_interaction(self, interaction: Interaction) -> None: ...

    @abstractmethod
    async def interactions_between(
        self, waba_id: str, start: float, end: float
    ) -> list[Interaction]: ...

    @abstractmethod
    async def messages_between(
        self, waba_id: str, start: float, end: float, template_names: Sequence[str] | None = None
    ) -> list[Message]:
        """Messages of a WABA created in [start, end), oldest first; only those sent with one
        of `template_names` when given."""

    @abstractmethod
    async def day_counts(self, query: DayCountQuery) -> list[DayCounts]:
        """Template analytics' status events of the messages `query` names, counted in SQL
        by template, pricing and event days."""

    @abstractmethod
    async def messages_with_status(self, waba_id: str, status: str) -> list[Message]:
        """Messages of a WABA whose send answer is `status` (held sends, few and rare)."""

    @abstractmethod
    async def replace_messages(
        self, messages: Sequence[Message], deliveries: Sequence[Delivery]
    ) -> None:
        """Store new status and events of existing messages, with their new webhook updates,
        in one transaction (held sends released or dropped)."""

    @abstractmethod
    async def get_message(self, wamid: str) -> Message | None: ...

    @abstractmethod
    async def messages_by_seq(self, seqs: Sequence[int]) -> dict[int, Message]: ...

    @abstractmethod
    async def count_marketing(self, phone: str, since: float) -> int:
        """Marketing messages to `phone` since `since` that count toward the user limit."""

    @abstractmethod
    async def find_user_by_bsuid(self, bsuid: str) -> User | None:
        """The user whose BSUID or parent BSUID is `bsuid`."""

    @abstractmethod
    async def list_users(self, limit: int, after_phone: str | None) -> list[User]: ...

    @abstractmethod
    async def list_messages(self, query: MessageQuery) -> list[Message]:
        """Messages newest first."""

    @abstractmethod
    async def open_window(
        self, phone_number_id: str, user_phone: str, at: float, entry: EntryPoint | None = None
    ) -> None:
        """The user wrote at `at`; `entry`: through an ad or Page button, the entry state to
        keep (an answer that opens its free window is recorded by `add_message`)."""

    @abstractmethod
    async def add_inbound(self, message: InboundMessage) -> None:
        """Keep a message a user sent to a business number."""

    @abstractmethod
    async def get_inbound(self, wamid: str) -> InboundMessage | None: ...

    @abstractmethod
    async def list_inbound(self, query: InboundQuery) -> list[InboundMessage]:
        """Inbound messages newest first."""

    @abstractmethod
    async def mark_inbound_read(self, message: InboundMessage, at: float, *, typing: bool) -> None:
        """`message` and the earlier unread messages of its conversation are read at `at`;
        with `typing`, a typing indicator starts on it at `at`."""

    @abstractmethod
    async def put_blob(self, blob: Blob, content: bytes, budget: int) -> bool:
        """Store (or replace) `blob` with its bytes, first deleting the blobs expired by
        `blob.created_at`; False, and nothing written, if the unexpired blobs would then hold
        more than `budget` bytes."""

    @abstractmethod
    async def get_blob(self, blob_id: str) -> Blob | None:
        """A blob's description (expired ones too: the caller judges by its clock)."""

    @abstractmethod
    async def blob_content(self, blob_id: str) -> bytes | None: ...

    @abstractmethod
    async def delete_blob(self, blob_id: str) -> bool:
        """Delete a blob; False if there was none."""

    @abstractmethod
    async def change_blocks(
        self, blocked: Sequence[BlockedUser], unblocked: Sequence[tuple[str, str]]
    ) -> None:
        """Store new blocks and remove the (phone_number_id, user phone) pairs `unblocked`."""

    @abstractmethod
    async def close(self) -> None: ...

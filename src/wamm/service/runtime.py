"""The running state of one wamm process: store, catalog, settings, clock, ids and users."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import math
from collections.abc import Mapping, Sequence

from wamm.core import ids, pricing
from wamm.core.audiences import AudienceIndex
from wamm.core.clock import Clock
from wamm.core.errors import ResetDuringRequest
from wamm.core.model import BlockedUser, User
from wamm.core.pricing import EntryPoint
from wamm.core.settings import Settings
from wamm.service.business_use_case import BusinessUseCases
from wamm.service.catalog import Catalog
from wamm.service.limits import RateLimits
from wamm.service.users import Users
from wamm.store import open_store
from wamm.store.base import CatalogData, Entity, Store

log = logging.getLogger("wamm")

# Sequence numbers are reserved from the store in blocks: durable, unique across processes.
BLOCK_SIZES = {"message": 1000}
DEFAULT_BLOCK = 50
YOUNG_COLLECTION_THRESHOLD = 20_000  # allocations between young collections (see settle_heap)


class IdAllocator:
    """Sequence numbers of the current reset epoch (blocks of an older one are worthless: a
    reset starts every sequence again).

    When a block runs out under load, every send in flight finds it empty at once: one of them
    reserves the next block and the others wait for that reservation, rather than each writing
    a reservation of its own (64 write transactions in a row at 64 connections)."""

    def __init__(self, store: Store, epoch: int = 0) -> None:
        self._store = store
        self.epoch = epoch
        self._next: dict[str, int] = {}
        self._end: dict[str, int] = {}
        self._refills: dict[str, asyncio.Future[None]] = {}

    async def next(self, counter: str) -> int:
        value = self._next.get(counter, 0)
        while value >= self._end.get(counter, 0):
            await asyncio.shield(self._refill(counter))
            value = self._next.get(counter, 0)
        self._next[counter] = value + 1
        return value

    def _refill(self, counter: str) -> asyncio.Future[None]:
        """The reservation of `counter`'s next block, started by the first caller to need it."""
        refill = self._refills.get(counter)
        if refill is None:
            refill = self._refills[counter] = asyncio.ensure_future(self._reserve(counter))
            refill.add_done_callback(functools.partial(self._refilled, counter))
        return refill

    def _refilled(self, counter: str, refill: asyncio.Future[None]) -> None:
        if self._refills.get(counter) is refill:
            del self._refills[counter]
        if not refill.cancelled():
            refill.exception()  # its waiters raise it; none left (all cancelled) is no error

    async def _reserve(self, counter: str) -> None:
        size, epoch = BLOCK_SIZES.get(counter, DEFAULT_BLOCK), self.epoch
        start = await self._store.reserve(counter, size, epoch)
        if epoch != self.epoch:  # reset while the block was reserved
            raise ResetDuringRequest
        self._next[counter], self._end[counter] = start, start + size

    def restart(self, epoch: int) -> None:
        """Forget every block: the store was reset to `epoch`."""
        self.epoch = epoch
        self._next.clear()
        self._end.clear()


class Runtime:
    audiences: AudienceIndex  # follows the settings

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        settings: Settings,
        clock: Clock,
        data: CatalogData | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        self.ids = IdAllocator(store, data.epoch if data is not None else 0)
        self.limits = RateLimits(store)
        self.business_use_cases = BusinessUseCases(self.limits)
        self.outbox_ready = asyncio.Event()
        # The virtual time the dispatcher sleeps until (-inf while it works, so no wake-up).
        self.dispatcher_wake_at = -math.inf
        self.users = Users(store, audiences=self._audience_index)
        # (phone_number_id, user phone) -> when the user last wrote
        self.windows: dict[tuple[str, str], float] = {}
        # (phone_number_id, user phone) -> the user's latest ad / Page button entry
        self.entry_points: dict[tuple[str, str], EntryPoint] = {}
        # phone_number_id -> user phone -> the business's block of that user
        self.blocked: dict[str, dict[str, BlockedUser]] = {}
        self.version = 0
        if data is not None:
            self._take_state(data)

    def _take_state(self, data: CatalogData) -> None:
        """Adopt users, windows, the catalog version and the reset epoch of a snapshot."""
        self.users = Users(self.store, data.custom_users, self._audience_index)
        self.windows = {(phone_id, user): at for phone_id, user, at in data.windows}
        self.entry_points = {
            (phone_id, user): EntryPoint(referral_at, opened_at)
            for phone_id, user, referral_at, opened_at in data.entry_points
        }
        self.blocked = {}
        for block in data.blocked:
            self.blocked.setdefault(block.phone_number_id, {})[block.phone] = block
        self.version = data.version
        if data.epoch != self.ids.epoch:  # the store was reset (here or by another process)
            self.ids.restart(data.epoch)
            self.clear_limits()

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings
        self.audiences = AudienceIndex(settings.audiences, settings.rng_seed)

    def _audience_index(self) -> AudienceIndex:
        return self.audiences

    def clear_limits(self) -> None:
        """Forget this process's rate-limit buckets and the usage it last reported."""
        self.limits.clear()
        self.business_use_cases.clear()

    @property
    def epoch(self) -> int:
        """The reset epoch this process works in: a request captures it when it starts."""
        return self.ids.epoch

    async def refresh_if_changed(self) -> bool:
        """Reload read-mostly state if another process changed it (shared stores)."""
        if await self.store.catalog_version() == self.version:
            return False
        async with self.store.catalog_writes_held():
            data = await self.store.load_catalog()
            self.catalog = Catalog.from_data(data)
            self.settings = data.settings or Settings()
            if self.settings.clock != "realtime" or self.clock.mode != self.settings.clock:
                self.clock = make_clock(self.settings, data.clock_time)
            self._take_state(data)
        self.notify_outbox()
        settle_heap()
        return True

    @classmethod
    async def open(cls, database_url: str, *, shared: bool = False) -> Runtime:
        """`shared`: one of several processes serving a SQLite file (see `open_store`)."""
        store = await open_store(database_url, shared=shared)
        data = await store.load_catalog()
        settings = data.settings or Settings()
        clock = make_clock(settings, data.clock_time)
        return cls(store, Catalog.from_data(data), settings, clock, data)

    def now(self) -> float:
        return self.clock.now()

    def notify_outbox(self) -> None:
        """Wake the webhook dispatcher: deliveries may be due."""
        self.outbox_ready.set()

    def window_opened_at(self, phone_number_id: str, user_phone: str) -> float | None:
        return self.windows.get((phone_number_id, user_phone))

    async def open_window(
        self, phone_number_id: str, user_phone: str, at: float, referral: bool = False
    ) -> None:
        """The user wrote at `at` (`referral`: through an ad or a Page button)."""
        key = (phone_number_id, user_phone)
        entry = pricing.after_referral(self.entry_points.get(key), at) if referral else None
        await self.store.open_window(phone_number_id, user_phone, at, entry)
        self.windows[key] = at
        if entry is not None:
            self.entry_points[key] = entry

    def entry_point(self, phone_number_id: str, user_phone: str) -> EntryPoint | None:
        return self.entry_points.get((phone_number_id, user_phone))

    def set_entry_point(self, phone_number_id: str, user_phone: str, entry: EntryPoint) -> None:
        """Remember an entry's new state (the store learns it with the answer's message)."""
        self.entry_points[(phone_number_id, user_phone)] = entry

    def is_blocked(self, phone_number_id: str, user_phone: str) -> bool:
        """Whether the business blocked the user on this number (`block_users`)."""
        return user_phone in self.blocked.get(phone_number_id, ())

    async def change_blocks(
        self, blocked: Sequence[BlockedUser], unblocked: Sequence[tuple[str, str]]
    ) -> None:
        if not blocked and not unblocked:
            return
        await self.store.change_blocks(blocked, unblocked)
        for block in blocked:
            self.blocked.setdefault(block.phone_number_id, {})[block.phone] = block
        for phone_number_id, user_phone in unblocked:
            self.blocked.get(phone_number_id, {}).pop(user_phone, None)

    @property
    def rng_seed(self) -> int:
        return self.settings.rng_seed

    async def object_id(self, kind: str) -> tuple[int, str]:
        """A new sequence number and Graph id for an object of `kind`."""
        seq = await self.ids.next(kind)
        return seq, ids.object_id(self.rng_seed, kind, seq)

    def clock_for(self, settings: Settings) -> Clock:
        """The clock `settings` imply: the current one unless its clock settings differ."""

        def key(s: Settings) -> tuple[str, float | None, float]:
            return s.clock, s.clock_start, s.clock_factor

        return self.clock if key(settings) == key(self.settings) else make_clock(settings, None)

    async def change_settings(self, settings: Settings, clock: Clock | None = None) -> None:
        # The store first, memory after: a catalog reload in between would undo the change.
        clock = clock or self.clock_for(settings)
        await self.store.write([], settings=settings, clock_time=clock.now())
        self.clock = clock
        if (settings.pair_limit, settings.marketing_limit, settings.business_use_case) != (
            self.settings.pair_limit,
            self.settings.marketing_limit,
            self.settings.business_use_case,
        ):
            self.clear_limits()  # new limits start from full buckets
        self.settings = settings

    @property
    def _shares_manual_clock(self) -> bool:
        """A manual clock on a store other processes share: its time is the stored one."""
        return self.store.shared and self.clock.mode == "manual"

    async def advance_clock(self, seconds: float) -> float:
        if self._shares_manual_clock:
            # From the shared time, which another process may have moved since this one last
            # looked: two advances through two processes add up.
            now = await self.store.advance_clock_time(seconds, self.clock.now())
            self.clock = make_clock(self.settings, now)
        else:
            await self.store.write([], clock_time=self.clock.now() + seconds)
            now = self.clock.advance(seconds)
        self.notify_outbox()
        return now

    async def replace_state(
        self,
        entities: Sequence[Entity],
        settings: Settings,
        clock: Clock,
        counters: Mapping[str, int],
    ) -> None:
        """Reset: replace the whole state by `entities` (in one store transaction) and start a
        new reset epoch, so that requests in flight cannot write into the new state."""
        epoch = await self.store.reset(
            entities, settings=settings, clock_time=clock.now(), counters=counters
        )
        catalog, custom_users = Catalog(), []
        for entity in entities:
            if isinstance(entity, User):
                custom_users.append(entity)
            else:
                catalog.put(entity)
        self.catalog, self.settings, self.clock = catalog, settings, clock
        self._take_state(CatalogData(custom_users=custom_users, epoch=epoch))
        self.notify_outbox()

    async def close(self, *, save_clock: bool = True) -> None:
        """`save_clock=False` for a process that only follows another's clock. A manual clock
        on a shared store is stored by every advance: a process that closes leaves it as it
        is (its own may be behind another process's latest advance)."""
        if save_clock and self.clock.mode != "realtime" and not self._shares_manual_clock:
            await self.store.write([], clock_time=self.clock.now())
        await self.store.close()


def make_clock(settings: Settings, saved_time: float | None) -> Clock:
    """Resume virtual time after a restart; real time always restarts from the wall clock."""
    start = settings.clock_start if saved_time is None else saved_time
    if settings.clock == "realtime":
        start = None
    return Clock.create(settings.clock, start=start, factor=settings.clock_factor)


def settle_heap() -> None:
    """Move what is alive now (the catalog, custom users) out of the garbage collector's way.

    Full collections otherwise traverse every long-lived object, find nothing to free and
    stop the event loop for tens of milliseconds: the send path's p99. Young collections are
    made rarer too: a send allocates dozens of container objects that reference counting
    frees anyway, and at Python's default threshold (700) they cost ~5 % of a send's CPU.
    """
    gc.collect()
    gc.freeze()
    young, *older = gc.get_threshold()
    if young < YOUNG_COLLECTION_THRESHOLD:
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *older)

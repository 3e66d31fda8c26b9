"""Recipients as users.

A user wamm meets through a send is fully derived from its phone number (country from the
calling code, a BSUID derived from the phone, default behaviour), so the send path never reads
users from the database: only "custom" users — seeded, or changed through the control API — are
kept in memory, loaded at start. Derived users are still written once (insert-if-new) so the
control API can list them and BSUIDs can be resolved. A phone of a generated audience derives
its behaviour from the audience (`core.audiences`).
"""

from __future__ import annotations

from collections.abc import Callable

from wamm.core import ids
from wamm.core.audiences import AudienceIndex
from wamm.core.model import User
from wamm.core.phones import country_of
from wamm.store.base import Store

MAX_REMEMBERED_WRITES = 500_000


class Users:
    def __init__(
        self,
        store: Store,
        custom: list[User] | None = None,
        audiences: Callable[[], AudienceIndex] = AudienceIndex,
    ) -> None:
        self._store = store
        self._audiences = audiences
        self._by_phone: dict[str, User] = {}
        self._by_bsuid: dict[str, User] = {}
        self._written: set[str] = set()  # derived users already inserted by this process
        for user in custom or []:
            self.remember(user)

    def remember(self, user: User) -> None:
        """Keep a custom user (seeded, or changed through the control API); a BSUID it no
        longer has stops naming it."""
        previous = self._by_phone.get(user.phone)
        if previous is not None and previous.bsuid != user.bsuid:
            self._by_bsuid.pop(previous.bsuid, None)
        self._by_phone[user.phone] = user
        self._by_bsuid[user.bsuid] = user
        if user.parent_bsuid:
            self._by_bsuid[user.parent_bsuid] = user

    def forget_write(self, phone: str) -> None:
        """The insert of a derived user did not commit: write it again next time."""
        self._written.discard(phone)

    def clear(self) -> None:
        self._by_phone.clear()
        self._by_bsuid.clear()
        self._written.clear()

    def by_phone(self, phone: str, now: float) -> tuple[User, bool]:
        """The user of `phone`, and whether it may still need inserting."""
        user = self._by_phone.get(phone)
        if user is not None:
            return user, False
        if phone in self._written:
            return self.derive(phone, now), False
        if len(self._written) >= MAX_REMEMBERED_WRITES:
            self._written.clear()  # inserts are idempotent: forgetting only costs a write
        self._written.add(phone)
        return self.derive(phone, now), True

    async def by_bsuid(self, bsuid: str) -> User | None:
        user = self._by_bsuid.get(bsuid)
        if user is None:
            user = await self._store.find_user_by_bsuid(bsuid)
        return user

    def derive(self, phone: str, now: float) -> User:
        """A user wamm meets for the first time, with a BSUID derived from the phone: reachable,
        or as its audience has it."""
        country = country_of(phone)
        user = User(
            phone=phone, country=country, bsuid=ids.generated_bsuid(country, phone), created_at=now
        )
        behaviour = self._audiences().behaviour(phone)
        if behaviour is not None:
            user.behaviour = behaviour
        return user

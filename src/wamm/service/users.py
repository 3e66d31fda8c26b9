"""Recipients as users: looked up by phone or BSUID, created on first send, cached in process."""

from __future__ import annotations

from wamm.core import ids
from wamm.core.model import User
from wamm.core.phones import country_of
from wamm.store.base import Store

MAX_CACHED = 200_000


class Users:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._by_phone: dict[str, User] = {}
        self._by_bsuid: dict[str, User] = {}

    def remember(self, user: User) -> None:
        if len(self._by_phone) >= MAX_CACHED:
            self.clear()
        self._by_phone[user.phone] = user
        self._by_bsuid[user.bsuid] = user
        if user.parent_bsuid:
            self._by_bsuid[user.parent_bsuid] = user

    def forget(self, user: User) -> None:
        self._by_phone.pop(user.phone, None)
        self._by_bsuid.pop(user.bsuid, None)
        if user.parent_bsuid:
            self._by_bsuid.pop(user.parent_bsuid, None)

    def clear(self) -> None:
        self._by_phone.clear()
        self._by_bsuid.clear()

    async def by_phone(self, phone: str) -> User | None:
        user = self._by_phone.get(phone)
        if user is None and (user := await self._store.get_user(phone)) is not None:
            self.remember(user)
        return user

    async def by_bsuid(self, bsuid: str) -> User | None:
        user = self._by_bsuid.get(bsuid)
        if user is None and (user := await self._store.find_user_by_bsuid(bsuid)) is not None:
            self.remember(user)
        return user

    @staticmethod
    def new(phone: str, now: float) -> User:
        """A user wamm meets for the first time: reachable, with a BSUID derived from the phone."""
        country = country_of(phone)
        return User(
            phone=phone, country=country, bsuid=ids.generated_bsuid(country, phone), created_at=now
        )

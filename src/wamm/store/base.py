"""The store interface both backends implement (SQLite by default, PostgreSQL to scale out)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import msgspec

from wamm.core.model import App, Business, Message, PhoneNumber, Template, Token, User, Waba
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


class MessageQuery(msgspec.Struct, kw_only=True):
    limit: int = 25
    after_seq: int | None = None
    phone_number_id: str | None = None
    recipient: str | None = None
    route: str | None = None
    status: str | None = None
    wamid: str | None = None


class Store(ABC):
    """Persistence. Every method is a complete unit: it commits before it returns."""

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
    async def reset(self) -> None:
        """Delete every row of every table (schema stays)."""

    @abstractmethod
    async def reserve(self, counter: str, count: int) -> int:
        """Durably reserve `count` numbers of a named sequence; returns the first."""

    @abstractmethod
    async def add_message(self, message: Message, new_user: User | None) -> None:
        """Persist an accepted message (group-committed with concurrent sends)."""

    @abstractmethod
    async def get_user(self, phone: str) -> User | None: ...

    @abstractmethod
    async def find_user_by_bsuid(self, bsuid: str) -> User | None:
        """The user whose BSUID or parent BSUID is `bsuid`."""

    @abstractmethod
    async def list_users(self, limit: int, after_phone: str | None) -> list[User]: ...

    @abstractmethod
    async def list_messages(self, query: MessageQuery) -> list[Message]:
        """Messages newest first."""

    @abstractmethod
    async def window_opened_at(self, phone_number_id: str, user_phone: str) -> float | None:
        """When the user last messaged this business number (customer-service window)."""

    @abstractmethod
    async def open_window(self, phone_number_id: str, user_phone: str, at: float) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

"""Database URLs in the SQLAlchemy convention.

`sqlite:///wamm.db` (relative), `sqlite:////abs/wamm.db` (absolute), `sqlite://` (in memory),
`postgresql://user@host:5432/db` (also `postgres://` and `postgresql+psycopg://`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "sqlite:///wamm.db"


class DatabaseUrlError(ValueError):
    pass


class DatabaseUnavailable(Exception):
    """The database a valid URL names cannot be opened: a missing folder, a server that does
    not answer, a refused login. The message is one line for people."""


@dataclass(frozen=True)
class DatabaseUrl:
    backend: str  # "sqlite" | "postgresql"
    target: str  # sqlite: file path or ":memory:"; postgresql: a libpq conninfo URL

    @property
    def display(self) -> str:
        return self.target if self.backend == "sqlite" else hide_password(self.target)


def hide_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def parse_database_url(url: str) -> DatabaseUrl:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise DatabaseUrlError(
            f"not a database URL: {url!r} (expected sqlite:///FILE, sqlite:// or postgresql://...)"
        )
    scheme = scheme.lower()
    if scheme in {"sqlite", "sqlite+pysqlite"}:
        if rest in {"", "/", "/:memory:"}:
            return DatabaseUrl("sqlite", ":memory:")
        if not rest.startswith("/"):
            raise DatabaseUrlError(f"SQLite URLs need three slashes: sqlite:///{rest}")
        path = rest[1:].split("?", 1)[0]
        return DatabaseUrl("sqlite", str(Path(path)))
    if scheme in {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}:
        return DatabaseUrl("postgresql", f"postgresql://{rest}")
    raise DatabaseUrlError(f"unsupported database scheme {scheme!r}: use sqlite or postgresql")

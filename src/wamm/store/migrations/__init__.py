"""Versioned schema migrations: `<backend>/NNNN_name.sql`, applied in order, each once."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The SQL statements, comment lines removed (they may contain semicolons)."""
        code = "\n".join(
            line for line in self.sql.splitlines() if not line.strip().startswith("--")
        )
        return [statement.strip() for statement in code.split(";") if statement.strip()]


def migrations_for(backend: str) -> list[Migration]:
    folder = resources.files(__package__).joinpath(backend)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append(Migration(int(version), name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)

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
        """The SQL statements, comment lines removed (they may contain semicolons), and a
        function's $$-quoted body kept whole."""
        code = "\n".join(
            line for line in self.sql.splitlines() if not line.strip().startswith("--")
        )
        statements = [""]
        for index, part in enumerate(code.split("$$")):
            if index % 2:  # inside $$ ... $$
                statements[-1] += f"$${part}$$"
            else:
                first, *others = part.split(";")
                statements[-1] += first
                statements += others
        return [statement.strip() for statement in statements if statement.strip()]


def migrations_for(backend: str) -> list[Migration]:
    folder = resources.files(__package__).joinpath(backend)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append(Migration(int(version), name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)

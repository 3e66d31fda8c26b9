"""The code blocks of a Markdown page, for tests that run documentation as a reader would.

A block is run unless the line before it is `<!-- not run: why -->`. Blocks tagged `text`,
`console`, `csv`, `yaml` or `json` are shown output or data, never run; a block after
`<!-- file: NAME -->` is a file the page's other blocks use, written where they run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN_ONLY = frozenset({"text", "console", "csv", "yaml", "json", ""})
_BLOCK = re.compile(
    r"(?:^<!-- (?:not run: (?P<why>[^>]*?)|file: (?P<file>\S+)) -->\n)?"
    r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts, its language, its code, why it is not run, and the
    name of the file it is when it is one."""

    page: str
    line: int
    lang: str
    code: str
    not_run: str | None
    file: str | None = None

    @property
    def runs(self) -> bool:
        return self.not_run is None and self.file is None and self.lang not in SHOWN_ONLY

    def __str__(self) -> str:
        return f"{self.page}:{self.line} ({self.lang})"


def blocks(page: str) -> list[Block]:
    """Every fenced block of `page` (a path from the repository root), in order."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        Block(
            page,
            text.count("\n", 0, found.start("lang")) + 1,
            found["lang"],
            found["code"],
            found["why"],
            found["file"],
        )
        for found in _BLOCK.finditer(text)
    ]

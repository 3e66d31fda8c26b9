"""What the commands that show the control API's listings share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

LimitOption = Annotated[int, typer.Option(min=1, max=1000, help="How many to show, newest first.")]


def filters(**chosen: str | None) -> dict[str, str]:
    """The listing filters the user gave (None: not given)."""
    return {name: value for name, value in chosen.items() if value is not None}


def moment(timestamp: float | None) -> str:
    """A unix time (virtual clock) as UTC for people, or '' when there is none."""
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")

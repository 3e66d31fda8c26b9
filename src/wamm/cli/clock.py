"""`wamm clock show|advance`: a running wamm's virtual clock."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from wamm.cli.common import CliCommand, UsageError, Wamm, wamm_command
from wamm.cli.views import moment

app = typer.Typer(help="Show or move a running wamm's clock.", no_args_is_help=True)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")


def parse_duration(text: str) -> float:
    """`90`, `90s`, `15m`, `2h`, `7d`, or several at once (`1h30m`), as seconds."""
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        raise UsageError(f"{text!r} is not a duration such as 90, 90s, 15m, 2h, 7d or 1h30m")
    return sum(float(number) * UNITS[unit or "s"] for number, unit in parts)


def _say(wamm: Wamm, clock: dict[str, Any], verb: str) -> None:
    wamm.output.result(
        clock,
        lambda console: console.print(f"{verb} {moment(clock['now'])} UTC ({clock['mode']} clock)"),
    )


@app.command("show", cls=CliCommand)
@wamm_command
def show(wamm: Wamm) -> None:
    """The virtual time now and the clock's mode."""
    _say(wamm, wamm.control.clock(), "now")


@app.command("advance", cls=CliCommand)
@wamm_command
def advance(
    wamm: Wamm,
    duration: Annotated[str, typer.Argument(help="How far: 90, 90s, 15m, 2h, 7d, 1h30m.")],
    drain: Annotated[
        bool, typer.Option(help="Then wait until every webhook due by then is delivered.")
    ] = True,
) -> None:
    """Move the clock forward (manual clock): what falls due happens, e.g. status webhooks."""
    clock = wamm.control.advance(parse_duration(duration))
    if drain:
        clock = {**clock, "outbox": wamm.control.drain()}
    _say(wamm, clock, "advanced to")

"""`wamm audiences list|set|numbers`: the generated audiences of a running wamm, and their
phone numbers as a recipients file for `wamm campaign`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.common import CliCommand, UsageError, Wamm, wamm_command
from wamm.cli.control import read_seed_file, send_seed

app = typer.Typer(help="The generated audiences of a running wamm.", no_args_is_help=True)

SHARES = (
    "us_share",
    "unreachable_share",
    "never_online_share",
    "offline_share",
    "never_read_share",
    "click_rate",
    "opt_out_rate",
    "marketing_limit_share",
)


@app.command("list", cls=CliCommand)
@wamm_command
def list_audiences(wamm: Wamm) -> None:
    """Every generated audience: name, size, number prefix and its shares."""
    audiences = wamm.control.audiences()
    wamm.output.result(audiences, lambda console: _table(console, audiences))


def _table(console: Console, audiences: list[dict[str, Any]]) -> None:
    table = Table("name", "size", "prefix", "shares")
    for audience in audiences:
        shares = ", ".join(f"{k}={audience[k]:g}" for k in SHARES if audience.get(k))
        table.add_row(audience["name"], str(audience["size"]), audience["prefix"], shares)
    console.print(table)
    console.print(f"{len(audiences)} audience(s)")


@app.command("set", cls=CliCommand)
@wamm_command
def set_audiences(
    wamm: Wamm,
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A YAML or JSON file with an `audiences` list (a seed file will do).",
        ),
    ],
) -> None:
    """Replace every generated audience by the `audiences` list of a file."""
    document = read_seed_file(path)
    audiences = document.get("audiences")
    if not isinstance(audiences, list):
        raise UsageError(f"{path.name} has no `audiences` list")
    stored = send_seed(path, lambda: {"data": wamm.control.set_audiences(audiences)})["data"]
    wamm.output.result(stored, lambda console: _table(console, stored))


@app.command("numbers", cls=CliCommand)
@wamm_command
def numbers(
    wamm: Wamm,
    name: Annotated[str, typer.Argument(help="The audience's name.")],
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Only the first N members (default: all).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write a recipients CSV (`phone` column) for `wamm campaign` here.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The phone numbers of an audience, in member order."""
    phones = wamm.control.audience_numbers(name, limit)
    if output is not None:
        try:
            with output.open("w", newline="") as file:
                writer = csv.writer(file)
                writer.writerow(["phone"])
                writer.writerows([phone] for phone in phones)
        except OSError as error:
            raise UsageError(f"cannot write {output}: {error.strerror}") from None
    answer = {"name": name, "count": len(phones), "numbers": phones}
    if output is not None:
        answer["output"] = str(output)

    def show(console: Console) -> None:
        if output is None:
            console.print("\n".join(phones))
        else:
            console.print(f"{len(phones)} number(s) of {name} written to {output}")

    wamm.output.result(answer, show)

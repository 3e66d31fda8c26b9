"""The `wamm` command line: the server (`serve`, `worker`), and commands that talk to a
WhatsApp API, Meta's or wamm's (see docs/cli.md)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from wamm import __version__
from wamm.cli import (
    account,
    audiences,
    clock,
    control,
    messages,
    partner,
    server,
    templates,
    users,
    waba,
    webhooks,
)
from wamm.cli.campaign import campaign
from wamm.cli.common import CliCommand
from wamm.cli.send import send

app = typer.Typer(
    name="wamm",
    help="A self-hostable emulator of the Marketing Messages API for WhatsApp, and a client "
    "for it and for Meta's API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Markdown joins a docstring's wrapped lines (Rich mode would print their line breaks).
    rich_markup_mode="markdown",
)
app.command(cls=CliCommand)(server.serve)
app.command(cls=CliCommand)(server.worker)
app.command(cls=CliCommand)(server.migrate)
app.add_typer(templates.app, name="templates")
app.add_typer(waba.app, name="waba")
app.command(cls=CliCommand)(send)
app.command(cls=CliCommand)(campaign)
app.add_typer(webhooks.app, name="webhooks")
app.command(cls=CliCommand)(control.seed)
app.command(cls=CliCommand)(control.reset)
app.add_typer(messages.app, name="messages")
app.add_typer(clock.app, name="clock")
app.add_typer(users.app, name="users")
app.command(cls=CliCommand)(users.inbound)
app.add_typer(account.app, name="account")
app.add_typer(partner.app, name="partner")
app.add_typer(audiences.app, name="audiences")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wamm {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """wamm: run the server, or talk to one."""


def main() -> None:
    """The `wamm` console script."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app(prog_name="wamm")  # also as `python -m wamm`

"""`wamm messages list|show`: the messages a running wamm stored, with route, pricing and
status (the control API's `/_wamm/messages`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.common import CliCommand, CommandError, Wamm, wamm_command
from wamm.cli.views import LimitOption, filters, moment

app = typer.Typer(help="Messages stored by a running wamm.", no_args_is_help=True)


@app.command("list", cls=CliCommand)
@wamm_command
def list_messages(
    wamm: Wamm,
    recipient: Annotated[
        str | None, typer.Option(help="Phone number or BSUID.", show_default=False)
    ] = None,
    route: Annotated[
        str | None, typer.Option(help="marketing_messages or cloud_api.", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Status now: accepted, sent, delivered, read, failed.", show_default=False
        ),
    ] = None,
    phone_number_id: Annotated[
        str | None, typer.Option(help="The sending business number.", show_default=False)
    ] = None,
    limit: LimitOption = 20,
) -> None:
    """The newest messages first."""
    chosen = filters(
        recipient=recipient, route=route, status=status, phone_number_id=phone_number_id
    )
    messages = wamm.control.page("/messages", limit, **chosen)
    wamm.output.result(messages, lambda console: _table(console, messages))


def _table(console: Console, messages: list[dict[str, Any]]) -> None:
    table = Table("time", "wamid", "to", "template", "route", "pricing", "status")
    for message in messages:
        template = message["template"] or {}
        recipient = message["recipient"]
        table.add_row(
            moment(message["timestamp"]),
            message["wamid"],
            recipient.get("wa_id") or recipient.get("user_id") or recipient["input"],
            template.get("name") or message["type"],
            message["route"],
            message["pricing_category"] or "",
            message["status"],
        )
    console.print(table)
    console.print(f"{len(messages)} message(s)")


@app.command("show", cls=CliCommand)
@wamm_command
def show(
    wamm: Wamm,
    wamid: Annotated[
        str | None,
        typer.Argument(help="The message id; the newest message without it.", show_default=False),
    ] = None,
) -> None:
    """One message: where it went, how it is priced, and its status events."""
    if wamid is None:
        newest = wamm.control.page("/messages", 1)
        if not newest:
            raise CommandError("no message yet: send one first")
        wamid = newest[0]["wamid"]
    message = wamm.control.message(wamid)
    wamm.output.result(message, lambda console: _details(console, message))


def _details(console: Console, message: dict[str, Any]) -> None:
    table = Table("field", "value", title=f"message {message['wamid']}")
    template = message["template"]
    rows = [
        ("phone_number_id", message["phone_number_id"]),
        ("endpoint", message["endpoint"]),
        ("recipient", ", ".join(f"{k}={v}" for k, v in message["recipient"].items())),
        ("template", template and f"{template['name']} ({template['language']})"),
        ("route", message["route"]),
        ("pricing_category", message["pricing_category"]),
        ("pricing_type", message.get("pricing_type")),
        ("status", message["status"]),
        ("biz_opaque_callback_data", message["biz_opaque_callback_data"]),
    ]
    for key, value in rows:
        table.add_row(key, "" if value is None else str(value))
    console.print(table)
    events = Table("time", "status", "error", title="status events (planned and past)")
    for event in message["events"]:
        events.add_row(
            moment(event["timestamp"]), event["status"], str(event.get("error_code", ""))
        )
    console.print(events)


@app.command("conversion", cls=CliCommand)
@wamm_command
def conversion(
    wamm: Wamm,
    wamid: Annotated[str, typer.Argument(help="A message whose link the user clicked.")],
    conversion_type: Annotated[
        str,
        typer.Option(
            "--type", help="WEBSITE_PURCHASES, APP_ADD_TO_CART, ... (Meta's conversion names)."
        ),
    ],
    value: Annotated[
        float | None,
        typer.Option(help="A purchase's value, in the WABA's currency.", show_default=False),
    ] = None,
) -> None:
    """Record a conversion after a link click: MM insights report it."""
    recorded = wamm.control.conversion(wamid, conversion_type, value)
    wamm.output.result(
        recorded,
        lambda console: console.print(f"recorded {recorded['type']} for {recorded['wamid']}"),
    )

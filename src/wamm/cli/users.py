"""`wamm users` and `wamm inbound`: the simulated WhatsApp users of a running wamm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.common import CliCommand, Wamm, wamm_command
from wamm.cli.views import moment

app = typer.Typer(help="The simulated users of a running wamm.", no_args_is_help=True)

PhoneNumberOption = Annotated[
    str,
    typer.Option(
        envvar=["WAMM_PHONE_NUMBER_ID", "WHATSAPP_PHONE_NUMBER_ID"],
        help="The business phone number id the user talks to.",
    ),
]


@app.command("list", cls=CliCommand)
@wamm_command
def list_users(wamm: Wamm) -> None:
    """Every user wamm knows: phone, country, BSUID and behaviour."""
    users = wamm.control.users()
    wamm.output.result(users, lambda console: _table(console, users))


def _table(console: Console, users: list[dict[str, Any]]) -> None:
    table = Table("phone", "country", "bsuid", "marketing stopped for", "behaviour")
    for user in users:
        behaviour = user.get("behaviour") or {}
        table.add_row(
            user["phone"],
            user.get("country") or "",
            user.get("bsuid") or "",
            ", ".join(user.get("marketing_stopped") or []),
            ", ".join(f"{k}={v}" for k, v in behaviour.items() if v not in (None, False)),
        )
    console.print(table)
    console.print(f"{len(users)} user(s)")


@app.command("marketing", cls=CliCommand)
@wamm_command
def marketing(
    wamm: Wamm,
    phone: Annotated[str, typer.Argument(help="The user's phone number.")],
    phone_number_id: PhoneNumberOption,
    stop: Annotated[
        bool, typer.Option("--stop/--resume", help="Stop or resume marketing messages.")
    ] = True,
) -> None:
    """The user stops (or resumes) marketing from the business: a `user_preferences` webhook;
    marketing sends to them fail with 131050 while stopped."""
    answer = wamm.control.marketing(phone, phone_number_id, stop=stop)
    state = "stopped" if answer["marketing_stopped"] else "resumed"
    wamm.output.result(answer, lambda console: console.print(f"{phone}: marketing {state}"))


@app.command("country", cls=CliCommand)
@wamm_command
def country(
    wamm: Wamm,
    phone: Annotated[str, typer.Argument(help="The user's phone number.")],
    code: Annotated[str, typer.Argument(help="The user's country, ISO 3166 alpha-2 (e.g. IN).")],
) -> None:
    """Set the user's country: messages to them are priced by Meta's per-country rules
    (authentication templates to some countries are `authentication_international`)."""
    answer = wamm.control.set_country(phone, code)
    wamm.output.result(answer, lambda console: console.print(f"{phone}: {answer['country']}"))


@wamm_command
def inbound(
    wamm: Wamm,
    sender: Annotated[str, typer.Option("--from", help="The user's phone number.")],
    phone_number_id: PhoneNumberOption,
    text: Annotated[str, typer.Option(help="What the user writes (type text).")] = "Hello",
    message_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="text, image, audio, video, document, sticker, location, contacts, reaction, "
            "interactive, button, order, unsupported, or system (the user's BSUID changes).",
        ),
    ] = "text",
    content: Annotated[
        str | None,
        typer.Option(help="The type's object as JSON, as Meta's webhook carries it."),
    ] = None,
    data_file: Annotated[
        Path | None,
        typer.Option(help="A media message's file (default: a small sample of the kind)."),
    ] = None,
    context: Annotated[
        str | None, typer.Option(help="The wamid of the business message replied to.")
    ] = None,
    referral: Annotated[
        str | None,
        typer.Option(
            help="Meta's `referral` object as JSON: the user came from a click-to-WhatsApp ad "
            "or a post (source_url, source_id, source_type, headline, ctwa_clid, ...)."
        ),
    ] = None,
) -> None:
    """A user sends a message to the business number: the 24-hour customer-service window
    opens and an inbound `messages` webhook is queued. With `--referral`, the business's
    answer within 24 hours opens a 72-hour free entry point window."""
    answer = wamm.control.inbound(
        phone_number_id,
        sender,
        text,
        message_type=message_type,
        content=_json_option(content, "--content"),
        data=data_file.read_bytes() if data_file is not None else None,
        context=context,
        referral=_json_option(referral, "--referral"),
    )
    wamm.output.result(answer, lambda console: console.print(_inbound_line(answer)))


def _json_option(raw: str | None, name: str) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise typer.BadParameter(f"not JSON: {error}", param_hint=name) from None


def _inbound_line(answer: dict[str, Any]) -> str:
    if "dropped" in answer:
        return f"{answer['from']}: dropped ({answer['dropped']})"
    if "previous_user_id" in answer:
        return f"{answer['from']}: BSUID {answer['previous_user_id']} -> {answer['user_id']}"
    line = (
        f"{answer['from']} sent a {answer['message']['type']} message to "
        f"{answer['phone_number_id']}: the service window is open until "
        f"{moment(answer['window_expires_at'])} UTC"
    )
    entry = answer.get("entry_point")
    if entry is None:
        return line
    if entry["status"] == "open":
        return f"{line}; free entry point window open until {moment(entry['expires_at'])} UTC"
    return f"{line}; an answer by {moment(entry['reply_by'])} UTC opens a free entry point window"

"""`wamm webhooks listen`: a local receiver (the SDK's `WebhookApp` on uvicorn) that checks
every delivery's signature and prints the parsed updates; `log` and `retry`: a running wamm's
delivery log, and sending its failed deliveries again."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.asgi import PortOption, listening_socket, serve_asgi, sigterm_as_interrupt
from wamm.cli.callback import Registration, choose_app, new_verify_token, receiver_url
from wamm.cli.common import CliCommand, Output, UsageError, Wamm, compact, wamm_command
from wamm.cli.views import LimitOption, filters, moment
from wamm.client.webhooks import MessageUpdate, StatusUpdate, Update, WebhookApp
from wamm.client.webhooks.receiver import Receive, Scope, Send

app = typer.Typer(help="Receive WhatsApp webhooks.", no_args_is_help=True)


def describe(update: Update) -> str:
    """One line about `update` for a person."""
    if isinstance(update, StatusUpdate):
        return _status(update)
    if isinstance(update, MessageUpdate):
        message = update.message
        content = message.text.body if message.text else (message.button or message.type)
        return (
            f"[cyan]message[/] {message.id} from {message.from_ or message.from_user_id}: {content}"
        )
    fields = {k: v for k, v in compact(update).items() if k not in {"waba_id", "field"}}
    return f"[magenta]{update.field}[/] {type(update).__name__} {json.dumps(fields)}"


def _status(update: StatusUpdate) -> str:
    status = update.status
    who = status.recipient_id or status.recipient_user_id or status.parent_recipient_user_id
    line = f"[green]status {status.status}[/] {status.id} to {who}"
    if status.pricing is not None:
        line += f" route {update.route} pricing {status.pricing.category}"
    if status.biz_opaque_callback_data is not None:
        line += f" callback_data {status.biz_opaque_callback_data}"
    error = update.error
    return line if error is None else f"{line} [red]error {error.code}: {error.message}[/]"


class Printer:
    """Prints every update a `WebhookApp` accepted, and every POST it refused."""

    def __init__(self, hooks: WebhookApp, output: Output) -> None:
        self.hooks = hooks
        self.output = output
        hooks.on(Update)(self.show)

    def show(self, update: Update) -> None:
        """Print one verified update: a line of text, or a JSON line with its type."""
        if self.output.as_json:
            typer.echo(json.dumps({"type": type(update).__name__, **compact(update)}))
            return
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        self.output.console.print(f"[dim]{stamp}[/] {describe(update)}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app: the `WebhookApp`, watching the status it answers POSTs with."""

        async def watch(message: MutableMapping[str, Any]) -> None:
            refused = message.get("type") == "http.response.start" and message["status"] != 200
            if refused and scope.get("method") == "POST":
                self.output.note(f"[red]refused a POST: HTTP {message['status']}[/]")
            await send(message)

        await self.hooks(scope, receive, watch)


@app.command("listen", cls=CliCommand)
@wamm_command
def listen(
    wamm: Wamm,
    app_id: Annotated[
        str | None,
        typer.Option(help="The app to receive for (default: the only app).", show_default=False),
    ] = None,
    app_secret: Annotated[
        str | None,
        typer.Option(
            envvar="WAMM_APP_SECRET",
            help="The app secret webhooks are signed with (default: the app's, from wamm).",
            show_default=False,
        ),
    ] = None,
    verify_token: Annotated[
        str | None,
        typer.Option(
            envvar="WAMM_VERIFY_TOKEN",
            help="The token of the hub.challenge handshake (default: a random one).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: PortOption = 9000,
    callback_url: Annotated[
        str | None,
        typer.Option(
            help="The URL wamm posts to (default: http://HOST:PORT/).", show_default=False
        ),
    ] = None,
    register: Annotated[
        bool,
        typer.Option(help="Become the app's callback on the wamm server (--base-url)."),
    ] = True,
    keep: Annotated[
        bool, typer.Option(help="Stay the app's callback after stopping (default: restore).")
    ] = False,
) -> None:
    """Receive webhooks on http://HOST:PORT/ (any path): answer the verification handshake,
    refuse POSTs with a bad X-Hub-Signature-256, print every update (--json: one JSON line
    each). Stop with Ctrl-C.

    By default the receiver makes itself the callback of the app (--app-id, or wamm's only
    app), with the app's secret, and puts the previous callback back when it stops (--keep:
    leave it). With --no-register it only listens, and needs --app-secret and
    --verify-token. A port that is taken exits with code 3."""
    sock = listening_socket(host, port)
    if not register:
        _listen(wamm.output, sock, _required(app_secret, "--app-secret"), verify_token)
        return
    chosen = choose_app(wamm.control, app_id)
    url = callback_url or receiver_url(host, port)
    registration = Registration(wamm.control, chosen, url, verify_token or new_verify_token())
    with sigterm_as_interrupt():
        _listen(
            wamm.output,
            sock,
            app_secret or chosen["secret"],
            registration.verify_token,
            when_started=lambda: _register(wamm.output, registration),
        )
    if not keep:
        wamm.output.note(registration.restore())


def _listen(
    output: Output,
    sock: socket.socket,
    app_secret: str,
    verify_token: str | None,
    when_started: Callable[[], None] | None = None,
) -> None:
    printer = Printer(WebhookApp(app_secret, _required(verify_token, "--verify-token")), output)
    host, port = sock.getsockname()[:2]
    output.note(f"listening for webhooks on http://{host}:{port}/ (Ctrl-C to stop)")
    serve_asgi(printer, sock, log_level="warning", access_log=False, when_started=when_started)


def _register(output: Output, registration: Registration) -> None:
    registration.register()
    output.note(
        f"registered {registration.url} as the webhook callback of app "
        f"{registration.app['id']} ({registration.app['name']})"
    )


def _required(value: str | None, option: str) -> str:
    if not value:
        raise UsageError(f"{option} is required with --no-register", param_hint=option)
    return value


WamidOption = Annotated[str | None, typer.Option(help="One message's updates.", show_default=False)]
AppIdOption = Annotated[str | None, typer.Option(help="One app's deliveries.", show_default=False)]
FieldOption = Annotated[
    str | None,
    typer.Option(help="messages, message_template_status_update, ...", show_default=False),
]


@app.command("log", cls=CliCommand)
@wamm_command
def log(
    wamm: Wamm,
    state: Annotated[
        str | None,
        typer.Option(help="pending, delivered or failed.", show_default=False),
    ] = None,
    wamid: WamidOption = None,
    app_id: AppIdOption = None,
    field: FieldOption = None,
    limit: LimitOption = 20,
) -> None:
    """The webhook deliveries of a running wamm, newest first: state, attempts, errors."""
    chosen = filters(state=state, wamid=wamid, app_id=app_id, field=field)
    deliveries = wamm.control.page("/webhooks", limit, **chosen)
    wamm.output.result(deliveries, lambda console: _deliveries(console, deliveries))


@app.command("retry", cls=CliCommand)
@wamm_command
def retry(
    wamm: Wamm,
    wamid: WamidOption = None,
    app_id: AppIdOption = None,
    field: FieldOption = None,
) -> None:
    """Send failed deliveries again (all of them, or those the filters select): they are due
    at once, with a new retry window."""
    answer = wamm.control.retry_webhooks(**filters(wamid=wamid, app_id=app_id, field=field))
    wamm.output.result(
        answer,
        lambda console: console.print(f"{answer['requeued']} failed delivery(ies) re-queued"),
    )


def _deliveries(console: Console, deliveries: list[dict[str, Any]]) -> None:
    table = Table(
        "id", "event time", "app", "field", "wamid", "state", "attempts", "next", "last error"
    )
    for delivery in deliveries:
        table.add_row(
            str(delivery["id"]),
            moment(delivery["event_at"]),
            delivery["app_id"],
            delivery["field"],
            delivery["wamid"] or "",
            delivery["state"],
            str(delivery["attempt_count"]),
            moment(delivery["next_attempt_at"]) if delivery["state"] == "pending" else "",
            delivery["last_error"] or "",
        )
    console.print(table)
    console.print(f"{len(deliveries)} delivery(ies)")

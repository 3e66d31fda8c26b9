"""`wamm send`: one message, a template or a text."""

from __future__ import annotations

from typing import Annotated

import typer

from wamm.cli.common import Graph, UsageError, graph_command
from wamm.cli.params import split_pair
from wamm.cli.sending import (
    ENDPOINT_HELP,
    Endpoint,
    LanguageOption,
    PolicyOption,
    TemplateSend,
    addressing,
)
from wamm.client import Client, SendResult


@graph_command
def send(
    graph: Graph,
    to: Annotated[str, typer.Option(help="Phone number, or BSUID (e.g. BR.1349...).")],
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Template name.", show_default=False)
    ] = None,
    language: LanguageOption = "en_US",
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Template value KEY=VALUE: 1=Ana (body {{1}}), first_name=Ana, header=..., "
            "button.0=suffix (URL button 0). Repeat for each.",
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="Send this text instead of a template (Cloud API).")
    ] = None,
    endpoint: Annotated[
        Endpoint | None,
        typer.Option(
            help=f"{ENDPOINT_HELP} Templates: marketing_messages unless given.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    product_policy: PolicyOption = None,
    callback_data: Annotated[
        str | None, typer.Option(help="biz_opaque_callback_data, echoed in status webhooks.")
    ] = None,
) -> None:
    """Send one message: a template (--template, through the Marketing Messages API unless
    --endpoint messages) or a text (--text, Cloud API)."""
    if (template is None) == (text is None):
        raise UsageError("give either --template or --text")
    if text is not None and (endpoint is Endpoint.marketing_messages or product_policy):
        raise UsageError("a text goes through the Cloud API: no marketing_messages options")
    with graph.client() as client:
        if text is not None:
            result = _text(client, graph.phone(), to, text, callback_data)
        else:
            endpoint = endpoint or Endpoint.marketing_messages
            how = TemplateSend(graph.phone(), template or "", language, endpoint, product_policy)
            values = dict(split_pair(pair) for pair in param or ())
            result = how.send(client, to, values, callback_data=callback_data)
    graph.output.result(result, lambda console: console.print(_accepted(result)))


def _text(client: Client, phone: str, to: str, text: str, callback_data: str | None) -> SendResult:
    to_phone, recipient = addressing(to)
    return client.send_message(
        phone,
        "text",
        {"body": text},
        to=to_phone,
        recipient=recipient,
        biz_opaque_callback_data=callback_data,
    )


def _accepted(result: SendResult) -> str:
    contact = result.contacts[0] if result.contacts else None
    who = contact and (contact.wa_id or contact.user_id or contact.input)
    status = result.messages[0].message_status if result.messages else None
    return f"[green]{status or 'sent'}[/] {result.wamid} to {who}"

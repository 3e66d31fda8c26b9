"""`wamm partner ...`: a partner's client WABAs, the intent API that asks a client to accept
the Marketing Messages terms (and, on wamm, the client signing), and max price enrolment."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.common import CliCommand, Graph, Wamm, graph_command, wamm_command
from wamm.client import Waba
from wamm.client.models import EndBusinessResults

app = typer.Typer(
    help="Partner onboarding: client WABAs, MM terms requests, max price enrolment.",
    no_args_is_help=True,
)

BusinessArgument = Annotated[str, typer.Argument(help="A business portfolio id.")]
EndBusinesses = Annotated[list[str], typer.Argument(help="End business ids (at most 15).")]


@app.command("clients", cls=CliCommand)
@graph_command
def clients(
    graph: Graph,
    business_id: BusinessArgument,
    status: Annotated[
        list[str] | None,
        typer.Option(
            help="Only WABAs with this marketing_messages_onboarding_status (repeatable), "
            "e.g. ELIGIBLE.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The WABAs client businesses share with the partner portfolio BUSINESS_ID."""
    with graph.client() as client:
        wabas = list(client.iter_client_wabas(business_id, onboarding_status=status or None))
    graph.output.result(wabas, lambda console: _render_wabas(console, business_id, wabas))


def _render_wabas(console: Console, business_id: str, wabas: list[Waba]) -> None:
    table = Table("id", "name", "onboarding status", title=f"client WABAs of {business_id}")
    for waba in wabas:
        table.add_row(waba.id, waba.name or "", waba.marketing_messages_onboarding_status or "")
    console.print(table)
    console.print(f"{len(wabas)} WABA(s)")


@app.command("onboard", cls=CliCommand)
@graph_command
def onboard(
    graph: Graph,
    end_business_id: BusinessArgument,
    solution_id: Annotated[
        str | None, typer.Option(help="The partner's solution id.", show_default=False)
    ] = None,
) -> None:
    """Ask a client business to accept the Marketing Messages terms (the intent API); the
    token's portfolio is the partner."""
    with graph.client() as client:
        answer = client.onboard_to_marketing_messages(end_business_id, solution_id=solution_id)
    line = f"request {answer.request_id} sent to business {end_business_id}"
    graph.output.result(answer, lambda console: console.print(line))


@app.command("sign", cls=CliCommand)
@wamm_command
def sign(wamm: Wamm, business_id: BusinessArgument) -> None:
    """(wamm) The business accepts the Marketing Messages terms: its WABAs become ONBOARDED
    and `MM_LITE_TERMS_SIGNED` webhooks are queued."""
    answer = wamm.control.mm_terms(business_id, "signed")
    line = f"{business_id}: terms signed, WABAs {', '.join(answer['wabas']) or 'none'}"
    wamm.output.result(answer, lambda console: console.print(line))


@app.command("agreement", cls=CliCommand)
@graph_command
def agreement(
    graph: Graph,
    business_id: BusinessArgument,
    signer_name: Annotated[
        str | None, typer.Option(help="Send the agreement to this signer.", show_default=False)
    ] = None,
    signer_email: Annotated[
        str | None, typer.Option(help="The signer's email address.", show_default=False)
    ] = None,
) -> None:
    """Show the portfolio's max price agreement, or send it with --signer-name and
    --signer-email."""
    with graph.client() as client:
        if signer_name is None and signer_email is None:
            answer = client.get_max_price_agreement(business_id)
        else:
            answer = client.request_max_price_agreement(
                business_id, signer_name or "", signer_email or ""
            )
    signer = f" ({answer.signer_name} <{answer.signer_email}>)" if answer.signer_email else ""
    line = f"max price agreement of {business_id}: {answer.status}{signer}"
    graph.output.result(answer, lambda console: console.print(line))


@app.command("accept", cls=CliCommand)
@wamm_command
def accept(wamm: Wamm, business_id: BusinessArgument) -> None:
    """(wamm) The signer accepts the portfolio's pending max price agreement."""
    answer = wamm.control.accept_max_price_agreement(business_id)
    line = f"max price agreement of {business_id}: {answer['status']}"
    wamm.output.result(answer, lambda console: console.print(line))


@app.command("enrol", cls=CliCommand)
@graph_command
def enrol(graph: Graph, partner_id: BusinessArgument, end_business_ids: EndBusinesses) -> None:
    """Allowlist client businesses of PARTNER_ID for max price."""
    with graph.client() as client:
        answer = client.enrol_max_price_end_businesses(partner_id, end_business_ids)
    graph.output.result(answer, lambda console: _render_results(console, answer))


@app.command("remove", cls=CliCommand)
@graph_command
def remove(graph: Graph, partner_id: BusinessArgument, end_business_ids: EndBusinesses) -> None:
    """Take end businesses off PARTNER_ID's max price allowlist."""
    with graph.client() as client:
        answer = client.remove_max_price_end_businesses(partner_id, end_business_ids)
    graph.output.result(answer, lambda console: _render_results(console, answer))


def _render_results(console: Console, answer: EndBusinessResults) -> None:
    for result in answer.results:
        reason = f": {result.reason}" if result.reason else ""
        console.print(f"{result.end_business_id} {result.status}{reason}")


@app.command("enrolled", cls=CliCommand)
@graph_command
def enrolled(graph: Graph, partner_id: BusinessArgument) -> None:
    """The end businesses PARTNER_ID allowlisted for max price."""
    with graph.client() as client:
        page = client.list_max_price_end_businesses(partner_id)

    def render(console: Console) -> None:
        table = Table("end business", "name", "enrolled", title=f"max price of {partner_id}")
        for item in page.data:
            table.add_row(item.end_business_id, item.end_business_name or "", item.enrolled_time)
        console.print(table)

    graph.output.result(page, render)

"""`wamm waba show|set`: a WABA's Marketing Messages settings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wamm.cli.common import CliCommand, Graph, UsageError, graph_command
from wamm.client import Waba

app = typer.Typer(
    help="Show and change a WABA's Marketing Messages settings.", no_args_is_help=True
)


@app.command("show", cls=CliCommand)
@graph_command
def show(graph: Graph) -> None:
    """Show the WABA's MM onboarding, the Cloud API marketing switch, creative features and
    insights."""
    with graph.client() as client:
        waba = client.get_waba(graph.waba())
    graph.output.result(waba, lambda console: _render(console, waba))


def _render(console: Console, waba: Waba) -> None:
    table = Table("setting", "value", title=f"WABA {waba.id}")
    owner = waba.owner_business_info
    rows = [
        ("name", waba.name),
        ("marketing_messages_onboarding_status", waba.marketing_messages_onboarding_status),
        ("owner business", owner and f"{owner.name} ({owner.id})"),
        ("disable_marketing_messages_on_cloud_api", waba.disable_marketing_messages_on_cloud_api),
        ("is_enabled_for_insights", waba.is_enabled_for_insights),
    ]
    features = waba.degrees_of_freedom_spec
    if features is not None:
        rows.extend(("creative feature " + k, v) for k, v in features.as_dict().items())
    for key, value in rows:
        table.add_row(key, "" if value is None else str(value))
    console.print(table)


@app.command("set", cls=CliCommand)
@graph_command
def set_settings(
    graph: Graph,
    marketing_on_cloud_api: Annotated[
        bool | None,
        typer.Option(
            "--marketing-on-cloud-api/--no-marketing-on-cloud-api",
            help="Allow marketing templates on the Cloud API (/messages), or disable them "
            "(disable_marketing_messages_on_cloud_api).",
            show_default=False,
        ),
    ] = None,
    insights: Annotated[
        bool | None,
        typer.Option(
            "--insights/--no-insights", help="is_enabled_for_insights.", show_default=False
        ),
    ] = None,
    creative_feature: Annotated[
        list[str] | None,
        typer.Option(help="FEATURE=OPT_IN or FEATURE=OPT_OUT (repeat for several)."),
    ] = None,
) -> None:
    """Change the WABA's settings (only those given), then show them."""
    features = dict(_feature(item) for item in creative_feature or ())
    if marketing_on_cloud_api is None and insights is None and not features:
        raise UsageError("nothing to change: give at least one option")
    disable = None if marketing_on_cloud_api is None else not marketing_on_cloud_api
    with graph.client() as client:
        client.update_waba(
            graph.waba(),
            disable_marketing_messages_on_cloud_api=disable,
            creative_features=features or None,
            is_enabled_for_insights=insights,
        )
        waba = client.get_waba(graph.waba())
    graph.output.result(waba, lambda console: _render(console, waba))


def _feature(item: str) -> tuple[str, str]:
    key, _, value = item.partition("=")
    if not value:
        raise UsageError(f"{item!r} is not FEATURE=STATUS", param_hint="--creative-feature")
    return key.strip(), value.strip().upper()

"""What `wamm serve` prints once it is ready: where it listens and what to use."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from wamm import __version__
from wamm.core.model import PhoneNumber
from wamm.core.onboarding import onboarding_status
from wamm.core.versions import DEFAULT_API_VERSION
from wamm.service.runtime import Runtime
from wamm.service.webhook_admin import callback_warning


def print_banner(
    runtime: Runtime, base_url: str, database: str, generated_admin_token: str | None = None
) -> None:
    """`generated_admin_token`: the token `wamm serve` made up for the control API (it
    listens off loopback and none was given), printed once here."""
    console = Console(highlight=False, soft_wrap=True)
    catalog = runtime.catalog
    graph = f"{base_url}/{DEFAULT_API_VERSION}"
    console.print(
        f"[bold green]wamm {__version__}[/] listening on [bold]{base_url}[/] "
        f"(database: {database}, clock: {runtime.clock.mode})"
    )
    console.print(f"  Graph API base URL: [bold]{graph}[/]")
    for token in catalog.tokens.values():
        console.print(
            f"  Access token: [bold]{token.value}[/]  ({', '.join(sorted(token.scopes))})"
        )
    tree = Tree("  Businesses")
    for business in catalog.businesses.values():
        node = tree.add(f"{business.name} [dim]{business.id}[/] MM terms: {business.mm_terms}")
        for waba in (w for w in catalog.wabas.values() if w.business_id == business.id):
            waba_node = node.add(
                f"WABA {waba.name} [bold]{waba.id}[/] ({onboarding_status(business, waba)})"
            )
            for phone in (p for p in catalog.phone_numbers.values() if p.waba_id == waba.id):
                waba_node.add(
                    f"phone number id [bold]{phone.id}[/] (+{phone.display_phone_number})"
                )
            names = sorted({t.name for t in catalog.live_templates(waba.id)})
            if names:
                waba_node.add(f"templates: {', '.join(names)}")
    console.print(tree)
    first_token = next(iter(catalog.tokens.values()), None)
    first_phone = next(iter(catalog.phone_numbers.values()), None)
    if first_token and first_phone:
        console.print(
            f"  Try: curl -s {graph}/{first_phone.id}/marketing_messages "
            f"-H 'Authorization: Bearer {first_token.value}' -H 'Content-Type: application/json' "
            '-d \'{"messaging_product":"whatsapp","to":"5511987654321","type":"template",'
            '"template":{"name":"summer_sale","language":{"code":"en_US"},'
            '"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},'
            '{"type":"text","text":"20%"}]},{"type":"button","sub_type":"url",'
            '"index":"0","parameters":[{"type":"text","text":"summer"}]}]}}\''
        )
    console.print(f"  Control API: {base_url}/_wamm/state   Messages: {base_url}/_wamm/messages")
    if generated_admin_token:
        console.print(
            f"  Admin token for the control API: [bold]{generated_admin_token}[/] (generated: "
            "wamm listens off loopback; set --admin-token or WAMM_ADMIN_TOKEN to choose one)"
        )
    console.print(f"  Inspector (open in a browser): [bold]{base_url}/_wamm/ui/[/]")
    warning = callback_warning(runtime)
    if warning:
        console.print(f"  [yellow]Webhooks:[/] {escape(warning)}")
    if first_token and first_phone:
        _print_environment(console, base_url, first_token.value, first_phone, generated_admin_token)


def _print_environment(
    console: Console, base_url: str, token: str, phone: PhoneNumber, admin_token: str | None
) -> None:
    """The lines that point the `wamm` CLI and the SDK at this server."""
    console.print("  For the wamm CLI and SDK (from a checkout: `python3 dev wamm ...`):")
    admin = f" WAMM_ADMIN_TOKEN={admin_token}" if admin_token else ""
    console.print(f"    export WAMM_BASE_URL={base_url} WAMM_TOKEN={token}{admin}", markup=False)
    console.print(
        f"    export WAMM_WABA_ID={phone.waba_id} WAMM_PHONE_NUMBER_ID={phone.id}", markup=False
    )

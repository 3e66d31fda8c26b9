"""`wamm account quality|alert|capability|error`: account-level webhooks of a running wamm (a
number's quality and messaging limit, account alerts, capability changes, system errors)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wamm.cli.common import CliCommand, UsageError, Wamm, wamm_command

app = typer.Typer(
    help="Change a number's quality or the account's limits; send account webhooks.",
    no_args_is_help=True,
)

PhoneNumberOption = Annotated[
    str,
    typer.Option(
        envvar=["WAMM_PHONE_NUMBER_ID", "WHATSAPP_PHONE_NUMBER_ID"],
        help="The business phone number id.",
    ),
]
WabaOption = Annotated[
    str,
    typer.Option(envvar=["WAMM_WABA_ID", "WHATSAPP_WABA_ID"], help="WhatsApp Business Account."),
]


def _queued(wamm: Wamm, answer: dict[str, Any], what: str) -> None:
    line = f"{what}: {answer['deliveries']} webhook delivery(ies) queued"
    wamm.output.result(answer, lambda console: console.print(line))


@app.command("quality", cls=CliCommand)
@wamm_command
def quality(
    wamm: Wamm,
    phone_number_id: PhoneNumberOption,
    rating: Annotated[
        str | None, typer.Option(help="GREEN, YELLOW, RED or UNKNOWN.", show_default=False)
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(help="Messaging limit tier: TIER_250, TIER_2K, ...", show_default=False),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            help="Send this event only (FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE, ONBOARDING, "
            "THROUGHPUT_UPGRADE); default: those the change implies.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Set the number's quality rating and / or messaging limit tier: `phone_number_quality_update`
    webhooks (FLAGGED when it turns RED, DOWNGRADE / UPGRADE when the tier moves)."""
    if rating is None and tier is None and event is None:
        raise UsageError("nothing to change: give --rating, --tier or --event")
    answer = wamm.control.phone_quality(
        phone_number_id, quality_rating=rating, messaging_limit_tier=tier, event=event
    )
    events = ", ".join(answer["events"]) or "no event"
    line = (
        f"{answer['id']}: {answer['quality_rating']}, {answer['messaging_limit_tier']} ({events}; "
        f"{answer['deliveries']} webhook delivery(ies) queued)"
    )
    wamm.output.result(answer, lambda console: console.print(line))


@app.command("error", cls=CliCommand)
@wamm_command
def error(
    wamm: Wamm,
    code: Annotated[int, typer.Argument(help="An error code, e.g. 131000 or 130429.")],
    phone_number_id: PhoneNumberOption,
    details: Annotated[
        str | None, typer.Option(help="error_data.details (default: the code's own).")
    ] = None,
) -> None:
    """A `messages` webhook with a system-level error (`value.errors`), outside any status."""
    answer = wamm.control.system_error(phone_number_id, code, details)
    _queued(wamm, answer, f"error {code}")


@app.command("alert", cls=CliCommand)
@wamm_command
def alert(
    wamm: Wamm,
    alert_type: Annotated[
        str, typer.Argument(help="e.g. INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED, OBA_APPROVED.")
    ],
    waba_id: WabaOption,
    severity: Annotated[str, typer.Option(help="CRITICAL, WARNING or INFORMATIONAL.")] = "WARNING",
    status: Annotated[str, typer.Option(help="ACTIVE or NONE.")] = "ACTIVE",
    description: Annotated[str, typer.Option(help="alert_description.")] = "",
    entity_type: Annotated[str, typer.Option(help="BUSINESS, PHONE_NUMBER, ...")] = "BUSINESS",
    entity_id: Annotated[
        str | None, typer.Option(help="Default: the WABA's business portfolio.")
    ] = None,
) -> None:
    """An `account_alerts` webhook to the WABA."""
    answer = wamm.control.account_alert(
        waba_id,
        alert_type,
        alert_severity=severity,
        alert_status=status,
        alert_description=description,
        entity_type=entity_type,
        entity_id=entity_id,
    )
    _queued(wamm, answer, f"alert {alert_type}")


@app.command("capability", cls=CliCommand)
@wamm_command
def capability(
    wamm: Wamm,
    waba_id: WabaOption,
    per_business: Annotated[
        str | None,
        typer.Option(
            help="max_daily_conversations_per_business: 250, 2000, 10000, 100000, -1 or a tier "
            "name (TIER_2K); becomes the tier of the portfolio's numbers.",
            show_default=False,
        ),
    ] = None,
    per_phone: Annotated[
        int | None,
        typer.Option(help="max_daily_conversation_per_phone (legacy).", show_default=False),
    ] = None,
    numbers_per_business: Annotated[
        int | None, typer.Option(help="max_phone_numbers_per_business.", show_default=False)
    ] = None,
    numbers_per_waba: Annotated[
        int | None, typer.Option(help="max_phone_numbers_per_waba.", show_default=False)
    ] = None,
) -> None:
    """A `business_capability_update` to every WABA of the portfolio."""
    given: dict[str, int | str | None] = {
        "max_daily_conversations_per_business": _limit(per_business),
        "max_daily_conversation_per_phone": per_phone,
        "max_phone_numbers_per_business": numbers_per_business,
        "max_phone_numbers_per_waba": numbers_per_waba,
    }
    capabilities = {key: value for key, value in given.items() if value is not None}
    if not capabilities:
        raise UsageError("nothing to change: give at least one capability option")
    answer = wamm.control.business_capability(waba_id, **capabilities)
    _queued(wamm, answer, f"capabilities of {', '.join(answer['wabas'])}")


def _limit(text: str | None) -> int | str | None:
    """A messaging limit as a number when it is one, else the tier name as given."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text

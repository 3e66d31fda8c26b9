"""What `wamm send` and `wamm campaign` share: the template options and one template send
through the SDK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

from wamm.cli.params import components
from wamm.client import Client, SendResult, TemplateMessage
from wamm.core.phones import is_bsuid


class Endpoint(StrEnum):
    """Where template sends go."""

    marketing_messages = "marketing_messages"
    messages = "messages"


class ProductPolicy(StrEnum):
    """`product_policy` of a Marketing Messages send."""

    CLOUD_API_FALLBACK = "CLOUD_API_FALLBACK"
    STRICT = "STRICT"


TemplateOption = Annotated[str, typer.Option("--template", "-t", help="Template name.")]
LanguageOption = Annotated[str, typer.Option("--language", "-l", help="Template language.")]
ENDPOINT_HELP = "marketing_messages: the Marketing Messages API; messages: the Cloud API."
EndpointOption = Annotated[Endpoint, typer.Option(help=ENDPOINT_HELP, case_sensitive=False)]
PolicyOption = Annotated[
    ProductPolicy | None,
    typer.Option(
        help="For marketing_messages: fall back to the Cloud API when MM cannot deliver "
        "(CLOUD_API_FALLBACK, the API's default) or never (STRICT).",
        case_sensitive=False,
        show_default=False,
    ),
]


def addressing(address: str) -> tuple[str | None, str | None]:
    """(`to`, `recipient`) of a send to `address`: a phone number, or a BSUID."""
    return (None, address) if is_bsuid(address) else (address, None)


@dataclass(frozen=True)
class TemplateSend:
    """One template, sent from one business number through one endpoint."""

    phone_number_id: str
    template: str
    language: str
    endpoint: Endpoint
    product_policy: ProductPolicy | None = None

    def __post_init__(self) -> None:
        if self.product_policy is not None and self.endpoint is not Endpoint.marketing_messages:
            raise typer.BadParameter(
                "only marketing_messages sends have a product policy", param_hint="--product-policy"
            )

    def send(
        self,
        client: Client,
        address: str,
        values: Mapping[str, str],
        *,
        idempotency_key: str | None = None,
        callback_data: str | None = None,
    ) -> SendResult:
        """Send the template with `values` (see `wamm.cli.params`) to `address`, a phone
        number or a BSUID."""
        message = TemplateMessage(self.template, self.language, components(values))
        to, recipient = addressing(address)
        if self.endpoint is Endpoint.messages:
            return client.send_template(
                self.phone_number_id,
                message,
                to=to,
                recipient=recipient,
                biz_opaque_callback_data=callback_data,
                idempotency_key=idempotency_key,
            )
        return client.send_marketing(
            self.phone_number_id,
            message,
            to=to,
            recipient=recipient,
            product_policy=self.product_policy,
            biz_opaque_callback_data=callback_data,
            idempotency_key=idempotency_key,
        )

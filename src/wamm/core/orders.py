"""The action of the two payment messages, from Meta's Payments API pages (India and Brazil):
`order_details` asks the user to pay for an order, `order_status` reports its later state.

Amounts are `{value, offset}` pairs worth value / offset (`{"value": 1050, "offset": 100}` is
10.50). An itemised order must add up as Meta requires: the subtotal is the sum of each item's
price (its `sale_amount` when given, else its `amount`) times its quantity, and the total is
subtotal + tax + shipping - discount. How a payment method is configured (`payment_settings`)
is the payment provider's business: wamm checks its shape and stores it as sent.
"""

from __future__ import annotations

import copy
import re
from fractions import Fraction
from typing import Any

from wamm.core.content_cursor import Id, Node, Text, compact, read_fields

# Meta: English letters, digits, underscores, dashes or dots, at most 35 characters.
_REFERENCE_ID = re.compile(r"[A-Za-z0-9_.-]{1,35}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_GOODS = ("digital-goods", "physical-goods")
# India's pages spell the partial state with a dash, Brazil's with an underscore.
ORDER_STATUSES = frozenset(
    {
        "pending",
        "processing",
        "partially-shipped",
        "partially_shipped",
        "shipped",
        "completed",
        "canceled",
    }
)
# An order starts pending; its later states come in order_status messages.
_NEW_ORDER_STATUS = ("pending",)

_PAYMENT_FIELDS = (Text("payment_type"), Text("payment_configuration"))
_ITEM_FIELDS = (
    Id("retailer_id", required=True),
    Text("name", required=True),
    Text("country_of_origin"),
    Text("importer_name"),
)
_AMOUNT_TEXTS = (Text("description"), Text("discount_program_name"))
# The order's charges besides its subtotal, with their sign in the total.
_CHARGES = {"tax": 1, "shipping": 1, "discount": -1}
_EXPIRATION_FIELDS = (Text("description"),)
_STATUS_FIELDS = (
    Text("status", required=True, allowed=ORDER_STATUSES),
    Text("description", 120),
)


def order_details_action(action: Node) -> dict[str, Any]:
    name = action.choice("name", ("review_and_pay",))
    parameters = action.child("parameters")
    normalised: dict[str, Any] = {
        "reference_id": _reference_id(parameters),
        "type": parameters.choice("type", _GOODS),
        **read_fields(parameters, _PAYMENT_FIELDS),
        "currency": _currency(parameters),
        "total_amount": _amount(parameters, "total_amount"),
    }
    if parameters.has("payment_settings"):
        settings = parameters.children("payment_settings")
        normalised["payment_settings"] = [_payment_setting(setting) for setting in settings]
    order = parameters.optional_child("order")
    if order is not None:
        normalised["order"] = _order(order)
        _check_total(parameters, normalised)
    return {"name": name, "parameters": normalised}


def order_status_action(action: Node) -> dict[str, Any]:
    name = action.choice("name", ("review_order",))
    parameters = action.child("parameters")
    order = read_fields(parameters.child("order"), _STATUS_FIELDS)
    return {"name": name, "parameters": {"reference_id": _reference_id(parameters), "order": order}}


def _reference_id(parameters: Node) -> str:
    reference = parameters.string("reference_id")
    if not _REFERENCE_ID.fullmatch(reference):
        raise parameters.invalid(
            "reference_id", "must be 1 to 35 English letters, digits, underscores, dashes or dots"
        )
    return reference


def _currency(parameters: Node) -> str:
    currency = parameters.string("currency")
    if not _CURRENCY.fullmatch(currency):
        raise parameters.invalid("currency", "must be an ISO 4217 code such as INR or BRL")
    return currency


def _payment_setting(setting: Node) -> dict[str, Any]:
    """`{"type": "pix_dynamic_code", "pix_dynamic_code": {...}}`: a type and its object."""
    kind = setting.text("type")
    return {"type": kind, kind: copy.deepcopy(dict(setting.child(kind).fields))}


def _amount(parent: Node, key: str) -> dict[str, Any]:
    amount = parent.child(key)
    return {
        "value": amount.integer("value", least=0),
        "offset": amount.integer("offset", least=1),
        **read_fields(amount, _AMOUNT_TEXTS),
    }


def _worth(amount: dict[str, Any]) -> Fraction:
    return Fraction(amount["value"], amount["offset"])


def _order(order: Node) -> dict[str, Any]:
    status = order.choice("status", _NEW_ORDER_STATUS)
    items = [_item(item) for item in order.children("items")]
    normalised = compact(
        {
            "status": status,
            **read_fields(order, (Id("catalog_id"),)),
            "items": items,
            "subtotal": _amount(order, "subtotal"),
            "tax": _amount(order, "tax"),
            "shipping": _amount(order, "shipping") if order.has("shipping") else None,
            "discount": _amount(order, "discount") if order.has("discount") else None,
            "expiration": _expiration(order),
        }
    )
    items_worth = sum(
        (_worth(item.get("sale_amount", item["amount"])) * item["quantity"] for item in items),
        Fraction(0),
    )
    if items_worth != _worth(normalised["subtotal"]):
        raise order.child("subtotal").invalid(
            "value", "must equal the sum of the items' amounts times their quantities"
        )
    return normalised


def _item(item: Node) -> dict[str, Any]:
    normalised = read_fields(item, _ITEM_FIELDS)
    normalised["amount"] = _amount(item, "amount")
    if item.has("sale_amount"):
        normalised["sale_amount"] = _amount(item, "sale_amount")
    normalised["quantity"] = item.integer("quantity", least=1)
    if item.has("importer_address"):
        normalised["importer_address"] = copy.deepcopy(dict(item.child("importer_address").fields))
    return normalised


def _expiration(order: Node) -> dict[str, Any] | None:
    expiration = order.optional_child("expiration")
    if expiration is None:
        return None
    timestamp = str(expiration.integer("timestamp", least=0))
    return {"timestamp": timestamp, **read_fields(expiration, _EXPIRATION_FIELDS)}


def _check_total(parameters: Node, normalised: dict[str, Any]) -> None:
    order = normalised["order"]
    expected = _worth(order["subtotal"]) + sum(
        (sign * _worth(order[key]) for key, sign in _CHARGES.items() if key in order),
        Fraction(0),
    )
    if _worth(normalised["total_amount"]) != expected:
        raise parameters.child("total_amount").invalid(
            "value", "must equal order.subtotal + order.tax + order.shipping - order.discount"
        )

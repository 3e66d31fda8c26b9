"""Template values from `KEY=VALUE` pairs (`wamm send --param`) or CSV columns
(`wamm campaign`), one grammar for both:

| key | value of |
|---|---|
| `1`, `2`, ... (also `body.1`, `param_1`) | the body's positional variables `{{1}}`, `{{2}}`, ... |
| `first_name` (also `body.first_name`) | the body's named variable `{{first_name}}` |
| `header` (also `header.1`, `header.NAME`) | the header's text variable |
| `button.0`, `button.1`, ... | the variable of URL button 0, 1, ... (its URL suffix) |
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wamm.cli.common import UsageError
from wamm.client import parameters as p
from wamm.client.parameters import SendComponent

_NAME = r"[a-z_][a-z0-9_]*"
_KEY = re.compile(
    rf"^(?:header(?:\.(?P<header>[1-9][0-9]*|{_NAME}))?"
    rf"|button\.(?P<button>[0-9]+)"
    rf"|(?:body\.|param_)?(?P<position>[1-9][0-9]*)"
    rf"|(?:body\.)?(?P<name>{_NAME}))$"
)
_NOT_NAMES = re.compile(r"^(?:header|button|body|param_[0-9]*)$")


class ParameterKeyError(UsageError):
    """A key outside the grammar above, or values that cannot go together."""


@dataclass(frozen=True)
class Slot:
    """Where one value goes: `part` is body, header or button; `name` a variable name, or
    None for a positional one; `index` the position (body), or the button index."""

    part: str
    index: int = 0
    name: str | None = None


def slot(key: str) -> Slot:
    """The slot of `key` (see the module's table)."""
    match = _KEY.match(key.strip())
    if match is None or _NOT_NAMES.match(match["name"] or ""):
        raise ParameterKeyError(
            f"{key!r} is not a template value key: use 1, 2, ... or a variable name for the "
            "body, header or header.NAME for the header, button.N for URL button N"
        )
    if match["position"]:
        return Slot("body", int(match["position"]))
    if match["name"]:
        return Slot("body", name=match["name"])
    if match["button"]:
        return Slot("button", int(match["button"]))
    header = match["header"]
    return Slot("header", name=header if header and not header.isdigit() else None)


def split_pair(pair: str) -> tuple[str, str]:
    """`KEY=VALUE` as (key, value); the value may contain `=`."""
    key, equals, value = pair.partition("=")
    if not equals:
        raise ParameterKeyError(f"{pair!r} is not KEY=VALUE (for example 1=Ana or first_name=Ana)")
    slot(key)
    return key.strip(), value


def components(values: Mapping[str, str]) -> list[SendComponent]:
    """The send components carrying `values` (keyed as in the module's table); empty values
    are left out."""
    slots = [(slot(key), value) for key, value in values.items() if value != ""]
    built = [*_headers(slots), *_bodies(slots)]
    buttons = sorted((s.index, v) for s, v in slots if s.part == "button")
    built.extend(p.button(index, "url", p.text(value)) for index, value in buttons)
    return built


def _headers(slots: Iterable[tuple[Slot, str]]) -> list[SendComponent]:
    headers = [p.header(p.text(v, name=s.name)) for s, v in slots if s.part == "header"]
    if len(headers) > 1:
        raise ParameterKeyError("a template has one header variable at most")
    return headers


def _bodies(slots: Iterable[tuple[Slot, str]]) -> list[SendComponent]:
    body = [(s, v) for s, v in slots if s.part == "body"]
    if not body:
        return []
    named = [p.text(v, name=s.name) for s, v in body if s.name is not None]
    positional = [p.text(v) for s, v in sorted(body, key=lambda sv: sv[0].index) if not s.name]
    if named and positional:
        raise ParameterKeyError("a template's body variables are all named or all positional")
    return [p.body(*(named or positional))]

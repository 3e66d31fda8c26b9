"""Sample values ("example") a template must carry for review: variable samples of headers and
bodies, media header handles and button samples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import as_list, as_object, as_str
from wamm.core.templates.errors import reject
from wamm.core.templates.limits import SUBCODE_MISSING_EXAMPLE
from wamm.core.templates.readers import member
from wamm.core.templates.rules import Rules
from wamm.core.templates.variables import var


@dataclass(frozen=True, slots=True)
class ExampleKeys:
    positional: str
    named: str
    nested: bool  # positional samples are a list of lists (body) rather than a list (header)


BODY_EXAMPLES = ExampleKeys("body_text", "body_text_named_params", nested=True)
HEADER_EXAMPLES = ExampleKeys("header_text", "header_text_named_params", nested=False)


def _example(component: Mapping[str, Any], field: str, key: str) -> Any:
    """`component.example[key]`, or None when the component has no such sample."""
    example = component.get("example")
    return None if example is None else as_object(example, f"{field}.example").get(key)


def check_examples(
    component: Mapping[str, Any],
    field: str,
    names: tuple[str, ...],
    rules: Rules,
    *,
    keys: ExampleKeys,
    subcode: int,
) -> None:
    """Every variable needs a sample (2388043); a sample for no variable is a format error."""
    if not names:
        return
    key = keys.named if rules.named else keys.positional
    given = _example(component, field, key)
    if given is None:
        raise reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example.{key} is required: every variable needs a sample value.",
        )
    samples_field = f"{field}.example.{key}"
    samples = as_list(given, samples_field)
    if rules.named:
        _check_named_samples(samples, samples_field, names, subcode)
        return
    if keys.nested:
        samples = as_list(samples[0], f"{samples_field}[0]") if samples else []
        samples_field += "[0]"
    _check_positional_samples(samples, samples_field, names, subcode)


def _check_positional_samples(
    samples: list[Any], field: str, names: tuple[str, ...], subcode: int
) -> None:
    for index, sample in enumerate(samples):
        as_str(sample, f"{field}[{index}]")
    if len(samples) != len(names):
        raise reject(
            SUBCODE_MISSING_EXAMPLE if len(samples) < len(names) else subcode,
            f"{field} has {len(samples)} sample value(s) but the text has "
            f"{len(names)} variable(s).",
        )


def _check_named_samples(
    samples: list[Any], field: str, names: tuple[str, ...], subcode: int
) -> None:
    given = []
    for index, raw in enumerate(samples):
        entry_field = f"{field}[{index}]"
        entry = as_object(raw, entry_field)
        given.append(member(entry, "param_name", entry_field, as_str))
        member(entry, "example", entry_field, as_str)
    missing = [name for name in names if name not in given]
    if missing:
        raise reject(SUBCODE_MISSING_EXAMPLE, f"{field} has no sample for {var(missing[0])}.")
    unused = [name for name in given if name not in names]
    if unused:
        raise reject(
            subcode, f"{field} has a sample for {var(unused[0])}, which the text doesn't use."
        )


def check_header_handle(component: Mapping[str, Any], field: str, fmt: str) -> None:
    """A media header needs an uploaded sample's handle."""
    handles = _example(component, field, "header_handle")
    if not handles:
        raise reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example.header_handle is required for {fmt} headers: upload a sample "
            "with the Resumable Upload API and give its handle.",
        )
    for index, handle in enumerate(as_list(handles, f"{field}.example.header_handle")):
        as_str(handle, f"{field}.example.header_handle[{index}]")


def button_example(button: Mapping[str, Any], field: str) -> str:
    """A button's sample: `example` as a string or a list whose first item is used."""
    value = button.get("example")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        raise reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example is required: give a sample value for the button's variable.",
        )
    return as_str(value, f"{field}.example")

"""Template variables (core/templates/variables.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import body, create, expect_error, named_body, text_of
from wamm.core.templates import parse_create


@pytest.mark.parametrize(
    ("component", "parameter_format", "subcode", "mention"),
    [
        (body("Hi {{1}, welcome"), "POSITIONAL", 2388072, "unmatched braces"),
        (body("Hi {{1}}}} welcome", "a"), "POSITIONAL", 2388072, "unmatched braces"),
        (body("Hi {{ }} welcome"), "POSITIONAL", 2388072, "invalid variable {{ }}"),
        (body("Hi {{#}} welcome"), "POSITIONAL", 2388072, "invalid variable {{#}}"),
        (body("Hi {{First}} welcome"), "NAMED", 2388072, "invalid variable {{First}}"),
        (body("Hi {{2}} welcome", "a"), "POSITIONAL", 2388072, "numbered {{1}} to {{1}}"),
        (body("Hi {{1}} and {{3}} ok", "a", "b"), "POSITIONAL", 2388072, "{{1}}, {{3}}"),
        (body("Hi {{1}} and {{1}} ok", "a", "b"), "POSITIONAL", 2388072, "each once"),
        (body("Hi {{1}} and {{name}} ok"), "POSITIONAL", 2388072, "mixes"),
        (body("Hi {{name}} welcome"), "POSITIONAL", 2388072, "parameter_format is POSITIONAL"),
        (body("Hi {{1}} welcome", "a"), "NAMED", 2388072, "parameter_format is NAMED"),
        (named_body("Hi {{name}} and {{name}} ok", name="a"), "NAMED", 2388072, "more than once"),
        (body("{{1}}, welcome back", "a"), "POSITIONAL", 2388299, "can't start or end"),
        (body("  Welcome back {{1}}  ", "a"), "POSITIONAL", 2388299, "can't start or end"),
        (body("Hi {{1}}{{2}} ok", "a", "b"), "POSITIONAL", 2388299, "{{1}} and {{2}} next"),
        (body("Hi {{1}} \n {{2}} ok", "a", "b"), "POSITIONAL", 2388299, "next to each other"),
        (
            body("Hi {{1}}, {{2}}, {{3}}!", "a", "b", "c"),
            "POSITIONAL",
            2388293,
            "3 variables but only 1 words",
        ),
        (body("Hi {{1}} ok"), "POSITIONAL", 2388043, "components[0].example.body_text"),
        (
            body("Hi {{1}} and {{2}} ok", "a"),
            "POSITIONAL",
            2388043,
            "components[0].example.body_text[0] has 1 sample value(s) but the text has 2",
        ),
        (body("Hi {{1}} ok", "a", "b"), "POSITIONAL", 2388072, "has 2 sample value(s)"),
        (
            {"type": "BODY", "text": "Hi {{1}} ok", "example": {"body_text": "a"}},
            "POSITIONAL",
            None,
            "components[0].example.body_text must be a JSON array",
        ),
        (
            {"type": "BODY", "text": "Hi {{1}} ok", "example": {"body_text": [[7]]}},
            "POSITIONAL",
            None,
            "components[0].example.body_text[0][0]",
        ),
        (
            named_body("Hi {{name}} and {{city}} ok", name="a"),
            "NAMED",
            2388043,
            "no sample for {{city}}",
        ),
        (
            named_body("Hi {{name}} ok", name="a", city="b"),
            "NAMED",
            2388072,
            "sample for {{city}}, which the text doesn't use",
        ),
        (
            {
                "type": "BODY",
                "text": "Hi {{name}} ok",
                "example": {"body_text_named_params": [{"example": "a"}]},
            },
            "NAMED",
            None,
            "components[0].example.body_text_named_params[0].param_name",
        ),
    ],
)
def test_variable_rules(
    component: dict[str, Any], parameter_format: str, subcode: int | None, mention: str
) -> None:
    request = create([component], parameter_format=parameter_format)
    error = expect_error(lambda: parse_create(request), 100, subcode, mention)
    assert "components[0]" in text_of(error)


@pytest.mark.parametrize(
    "text",
    [
        "Hi {{1}}, your {{2}} order ships today.",
        "Hi {1}, single braces are just text",
        "Order #{{1}} for {{2}} is ready.",
        "Dear {{1}}\nYour code is {{2}}. Thanks!",
    ],
)
def test_variable_layouts_that_are_fine(text: str) -> None:
    samples = ("a", "b")[: text.count("{{")]
    assert parse_create(create([body(text, *samples)])).components[0]["text"] == text

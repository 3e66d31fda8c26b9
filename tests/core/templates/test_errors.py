"""Template error envelopes as Graph renders them (core/templates/errors.py)."""

from __future__ import annotations

import pytest

from tests.core.templates.builders import (
    SEED,
    SEED_BODY,
    buttons,
    create,
    expect_error,
    quick_reply,
    send_body,
    text,
)
from wamm.core.errors import GraphError
from wamm.core.templates import (
    check_send_components,
    duplicate_error,
    limit_error,
    name_being_deleted_error,
    parse_create,
)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("pt_BR", "Portuguese (BR)"),
        ("es", "Spanish"),
        ("es_MX", "Spanish (MEX)"),
        ("ar_EG", "Arabic (EGY)"),
    ],
)
def test_duplicate_error_names_the_language_as_meta_does(code: str, name: str) -> None:
    user_msg = duplicate_error(code).body("t")["error"]["error_user_msg"]
    assert user_msg.startswith(f"There is already {name} content for this template.")


@pytest.mark.parametrize(
    ("error", "subcode", "title", "mention"),
    [
        (limit_error(250), 2388019, "Message Template Limit Exceeded", "250 message templates"),
        (
            name_being_deleted_error("pt_BR"),
            2388023,
            "Message Template Language Is Being Deleted",
            "Portuguese (BR) content",
        ),
    ],
)
def test_service_errors(error: GraphError, subcode: int, title: str, mention: str) -> None:
    rendered = error.body("t")["error"]
    assert (rendered["message"], rendered["code"], rendered["error_subcode"]) == (
        "Invalid parameter",
        100,
        subcode,
    )
    assert rendered["error_user_title"] == title
    assert mention in rendered["error_user_msg"]
    assert "error_data" not in rendered


def test_rejected_content_envelope_names_the_field() -> None:
    request = create([SEED_BODY, buttons(quick_reply(), quick_reply("x" * 26))])
    error = expect_error(lambda: parse_create(request), 100, 2388040)
    assert error.body("t") == {
        "error": {
            "message": "Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": 2388040,
            "is_transient": False,
            "error_user_title": "Character limit exceeded",
            "error_user_msg": (
                "components[1].buttons[1].text is 26 characters long; the limit is 25."
            ),
            "fbtrace_id": "t",
        }
    }


def test_a_missing_parameter_is_named_in_the_message() -> None:
    """Graph's wording: "(#100) The parameter name is required." and no `error_data`."""
    error = expect_error(lambda: parse_create(create(name=None)), 100)
    assert error.body("t") == {
        "error": {
            "message": "(#100) The parameter name is required.",
            "type": "OAuthException",
            "code": 100,
            "fbtrace_id": "t",
        }
    }


def test_send_error_envelope() -> None:
    error = expect_error(lambda: check_send_components(SEED, [send_body(text("Ana"))]), 132000)
    assert error.body("t") == {
        "error": {
            "message": (
                "(#132000) Number of parameters does not match the expected number of params"
            ),
            "type": "OAuthException",
            "code": 132000,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "body: number of localizable_params (1) does not match the "
                "expected number of params (2)",
            },
            "fbtrace_id": "t",
        }
    }

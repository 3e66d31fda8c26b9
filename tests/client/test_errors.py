"""The exception classes come from wamm's error catalogue: one table, both directions."""

from __future__ import annotations

import json

import pytest

from wamm.client import errors
from wamm.client.errors import (
    AuthError,
    BSUIDNotSupportedError,
    GraphAPIError,
    MarketingTemplatesDisabledError,
    ParameterError,
    RateLimitError,
    SendError,
    TemplateError,
    UnexpectedResponseError,
    ValidationError,
    decode_error,
    error_class,
    validating,
)
from wamm.core.errors import CATALOGUE, ErrorKind, GraphError, NotEmulated


def test_every_catalogue_family_has_a_class() -> None:
    families = {kind.family for kind in CATALOGUE.values()}
    assert families <= {cls.family for cls in errors.GRAPH_ERROR_CLASSES}


@pytest.mark.parametrize("kind", list(CATALOGUE.values()), ids=lambda k: str(k.code))
def test_each_code_maps_to_its_family(kind: ErrorKind) -> None:
    cls = error_class(kind.code)
    assert cls.family == kind.family
    assert kind.code in cls.codes()


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (130429, RateLimitError),
        (131056, RateLimitError),
        (80007, RateLimitError),
        (131063, MarketingTemplatesDisabledError),
        (131062, BSUIDNotSupportedError),
        (132001, TemplateError),
        (132015, TemplateError),
        (190, AuthError),
        (100, ParameterError),
        (131047, SendError),
        (132068, TemplateError),  # not in the catalogue: every 132xxx is a template error
        (999999, GraphAPIError),
        (131064, GraphAPIError),  # 131xxx mixes families
    ],
)
def test_issue_examples(code: int, cls: type[GraphAPIError]) -> None:
    assert error_class(code) is cls


def test_special_send_errors_are_send_errors() -> None:
    assert issubclass(MarketingTemplatesDisabledError, SendError)
    assert issubclass(BSUIDNotSupportedError, SendError)


def test_decoding_the_server_s_own_envelope() -> None:
    rendered = GraphError(131056).body("trace-1")
    error = decode_error(400, json.dumps(rendered).encode(), {})
    assert isinstance(error, RateLimitError)
    assert error.code == 131056
    assert error.http_status == 400
    assert error.fbtrace_id == "trace-1"
    assert error.details == CATALOGUE[131056].details
    assert error.is_transient
    assert [error.retry_after(n) for n in range(4)] == [1.0, 4.0, 16.0, 64.0]
    assert "131056" in str(error)


def test_envelope_is_transient_wins_and_retry_after_header() -> None:
    body = b'{"error": {"message": "x", "code": 100, "is_transient": true}}'
    error = decode_error(400, body, {"retry-after": "7"})
    assert isinstance(error, ParameterError)
    assert error.is_transient
    assert error.retry_after(0) == 7.0
    assert RateLimitError("m", code=130429, http_status=400).retry_after(2) is None


def test_str_carries_metas_explanation_for_people() -> None:
    rendered = GraphError(
        100, subcode=2388024, user_title="Title Meta Shows", user_msg="What to do about it."
    ).body("trace-2")
    error = decode_error(400, json.dumps(rendered).encode(), {})
    assert str(error) == (
        f"{rendered['error']['message']}: Title Meta Shows - What to do about it. "
        "(HTTP 400, fbtrace_id trace-2)"
    )


@pytest.mark.parametrize(
    ("status", "transient", "processed"),
    [(502, True, True), (429, True, False), (404, False, False), (200, False, True)],
)
def test_non_graph_answers(status: int, transient: bool, processed: bool) -> None:
    error = decode_error(status, b"<html>bad gateway</html>", {"retry-after": "soon"})
    assert isinstance(error, UnexpectedResponseError)
    assert (error.is_transient, error.may_have_been_processed) == (transient, processed)
    assert error.retry_after(0) is None
    assert "bad gateway" in str(error)


def test_local_checks_let_through_what_wamm_does_not_emulate() -> None:
    with validating():
        raise NotEmulated(131051, "Group messages (recipient_type group) are not supported.")


def test_local_checks_turn_rule_errors_into_validation_errors() -> None:
    with pytest.raises(ValidationError) as refused, validating():
        raise GraphError(131009, "Param interactive.action.cards must hold 2 to 10 items.")
    assert (refused.value.code, str(refused.value)) == (
        131009,
        "Param interactive.action.cards must hold 2 to 10 items.",
    )

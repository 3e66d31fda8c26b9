"""Schemathesis against a real wamm: every operation of /_wamm/openapi.json, fed data generated
from the document (valid and invalid), answers JSON as the document describes it and never a
server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from wamm.testing.server import WammServer, running_wamm

Case = schemathesis.Case[Any]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
pytestmark = pytest.mark.subprocess
MAX_EXAMPLES = 5  # per operation and mode (valid, invalid data): the run stays well under a minute
# Operations the fuzzer leaves alone, and why.
NOT_FUZZED = {
    # empties every table: later cases would find no WABA, phone number or token
    ("POST", "/_wamm/reset"),
    # wamm calls the URL in the body (hub.challenge handshake): the suite contacts no host but
    # loopback, and a generated URL names any host
    ("POST", "/_wamm/apps/{app_id}/webhook"),
    ("POST", "/v{version}/{waba_id}/subscribed_apps"),
    # waits up to its timeout for webhook deliveries to settle
    ("POST", "/_wamm/webhooks/drain"),
}
# Meta answers these codes with HTTP 500 (its error table); any other 5xx is a wamm bug.
SERVER_ERROR_CODES = frozenset({134102})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[WammServer]:
    """A wamm process on an empty database, so serving the demo seed."""
    with running_wamm(tmp_path) as started:
        yield started


def template_ids(server: WammServer) -> list[str]:
    response = httpx.get(
        f"{server.graph_url}/{server.waba_id}/message_templates",
        params={"fields": "id"},
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=10,
    )
    response.raise_for_status()
    return [template["id"] for template in response.json()["data"]]


def served_schema(server: WammServer) -> schemathesis.BaseSchema:
    """The document the server serves (its `servers` names it), with the demo seed's ids as
    path parameters so that generated calls reach real nodes."""
    config = schemathesis.Config.from_dict(
        {
            "parameters": {
                "path.node_id": server.waba_id,  # the node whose reads take the most fields
                "path.waba_id": server.waba_id,
                "path.phone_number_id": server.phone_number_id,
                "path.template_id": template_ids(server)[0],
                "path.business_id": server.business_id,
            }
        }
    )
    schema: schemathesis.BaseSchema = schemathesis.openapi.from_url(
        f"{server.base_url}/_wamm/openapi.json", config=config
    )
    for method, path in NOT_FUZZED:
        schema = schema.exclude(method=method, path=path)
    return schema


def a_json_answer(
    _ctx: schemathesis.CheckContext, response: schemathesis.Response, _case: Case
) -> None:
    assert response.headers.get("content-type") == ["application/json"], response.headers
    response.json()


def no_server_error_but_metas(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case
) -> None:
    if response.status_code >= 500 and response.json()["error"]["code"] in SERVER_ERROR_CODES:
        return
    not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error_but_metas,
    a_json_answer,
    content_type_conformance,
    response_schema_conformance,  # 2xx answers match the document's schemas
]


def fuzz(operation: Operation, mode: GenerationMode, token: str) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def each(case: Case) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=10
        )

    each()


def test_every_operation_answers_json_and_never_a_server_error(server: WammServer) -> None:
    failures = []
    for result in served_schema(server).get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, server.token)
            except Unsatisfiable:  # nothing of it can be invalid (no parameters, any string)
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as error:  # schemathesis groups its failures
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)

"""Graph conventions every endpoint shares: paths, tokens, permissions, envelopes, bodies."""

from __future__ import annotations

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error

UNKNOWN_OBJECT = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to "
    "missing permissions, or does not support this operation. Please read the Graph API "
    "documentation at https://developers.facebook.com/docs/graph-api"
)
PHONE_NODE = "WhatsAppBusinessPhoneNumber"


@pytest.mark.parametrize("prefix", ["/v23.0", "/v16.0", "/v25.0", "/v99.9", ""])
async def test_paths_work_with_any_version_prefix_and_unversioned(
    graph: Graph, prefix: str
) -> None:
    response = await graph.http.get(
        f"{prefix}/{sd.SIGNED_WABA}", headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert response.status_code == 200
    assert response.json() == {"id": sd.SIGNED_WABA, "name": "Acme WA"}


async def test_access_token_query_parameter_is_accepted(graph: Graph) -> None:
    response = await graph.http.get(f"/v23.0/{sd.SIGNED_WABA}", params={"access_token": sd.TOKEN})
    assert response.status_code == 200


async def test_missing_token_is_190(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, token=None)
    assert response.status_code == 401
    assert error_of(response) == {
        "message": "An access token is required to request this resource.",
        "type": "OAuthException",
        "code": 190,
    }


async def test_unknown_token_is_190(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, token="nope")
    assert response.status_code == 401
    assert error_of(response) == {
        "message": "Invalid OAuth access token - Cannot parse access token",
        "type": "OAuthException",
        "code": 190,
    }


async def test_expired_token_is_190_with_subcode_463(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(), token=sd.EXPIRED_TOKEN
    )
    assert response.status_code == 401
    assert error_of(response) == {
        "message": "Error validating access token: Session has expired.",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
    }


async def test_sending_without_messaging_permission_is_10(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(), token=sd.MANAGEMENT_ONLY
    )
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == 10
    assert error["message"] == "(#10) Application does not have permission for this action"


async def test_managing_without_management_permission_is_200(graph: Graph) -> None:
    response = await graph.get(f"{sd.SIGNED_WABA}/message_templates", token=sd.MESSAGING_ONLY)
    assert response.status_code == 403
    assert error_of(response) == {
        "message": "(#200) Requires whatsapp_business_management permission to manage the object",
        "type": "OAuthException",
        "code": 200,
    }


@pytest.mark.parametrize(
    ("method", "path", "object_id"),
    [
        ("get", "999999999999", "999999999999"),
        ("post", "999999999999/messages", "999999999999"),
        ("delete", sd.SIGNED_WABA, sd.SIGNED_WABA),
        ("get", sd.SIGNED_PHONE + "/messages", sd.SIGNED_PHONE),
        ("get", "999999999999/no_such_edge/deeper", "999999999999"),
    ],
)
async def test_unknown_objects_and_operations_are_100_subcode_33(
    graph: Graph, method: str, path: str, object_id: str
) -> None:
    response = await getattr(graph, method)(path)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": UNKNOWN_OBJECT.format(method=method, id=object_id),
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
    }


@pytest.mark.parametrize(
    ("path", "field", "node_type"),
    [
        (sd.SIGNED_WABA + "/foo", "foo", "WhatsAppBusinessAccount"),
        (sd.SIGNED_PHONE + "/foo", "foo", PHONE_NODE),
        (sd.SIGNED_PHONE + "/message_templates", "message_templates", PHONE_NODE),
    ],
)
async def test_an_unknown_edge_is_a_nonexisting_field_of_the_node_type(
    graph: Graph, path: str, field: str, node_type: str
) -> None:
    response = await graph.get(path)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f"(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})",
        "type": "OAuthException",
        "code": 100,
    }


@pytest.mark.parametrize(
    ("method", "path", "components"),
    [
        ("get", sd.SIGNED_WABA + "/foo/bar", "/foo/bar"),
        ("get", sd.SIGNED_WABA + "/message_templates/123", "/123"),
        ("post", sd.SIGNED_PHONE + "/messages/extra/more", "/extra/more"),
        ("get", sd.SIGNED_PHONE + "/message_qrdls/ANED2T5QRU7HG1/extra", "/extra"),
    ],
)
async def test_deeper_unknown_paths_are_2500(
    graph: Graph, method: str, path: str, components: str
) -> None:
    response = await getattr(graph, method)(path)
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f"Unknown path components: {components}",
        "type": "OAuthException",
        "code": 2500,
    }


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_methods_graph_has_no_operation_for_are_unsupported_requests(
    graph: Graph, method: str
) -> None:
    response = await graph.http.request(
        method, f"/v23.0/{sd.SIGNED_WABA}", headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f"Unsupported {method.lower()} request. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api",
        "type": "GraphMethodException",
        "code": 100,
    }


async def test_objects_outside_the_token_s_wabas_look_unknown(graph: Graph) -> None:
    send = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(), token=sd.OTHER_WABA_TOKEN
    )
    read = await graph.get(sd.SIGNED_WABA, token=sd.OTHER_WABA_TOKEN)
    for response, method, object_id in (
        (send, "post", sd.SIGNED_PHONE),
        (read, "get", sd.SIGNED_WABA),
    ):
        assert response.status_code == 400
        assert error_of(response)["message"] == UNKNOWN_OBJECT.format(method=method, id=object_id)


async def test_malformed_json_is_100_not_500(graph: Graph) -> None:
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/messages",
        content=b'{"messaging_product": ',
        headers={"Authorization": f"Bearer {sd.TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 100
    assert error["error_data"]["details"].startswith("The request body is not valid JSON")


async def test_json_that_is_not_an_object_is_100(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", [1, 2])
    assert response.status_code == 400
    assert error_of(response)["error_data"]["details"] == (
        "The request body must be a JSON object, got array."
    )


async def test_oversized_body_is_413_with_a_graph_error(graph: Graph) -> None:
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/messages",
        content=b"x" * (4 * 1024 * 1024 + 1),
        headers={"Authorization": f"Bearer {sd.TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == 100


async def test_unsupported_content_type_is_100(graph: Graph) -> None:
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/messages",
        content=b"<xml/>",
        headers={"Authorization": f"Bearer {sd.TOKEN}", "Content-Type": "application/xml"},
    )
    assert response.status_code == 400
    assert (
        "Unsupported Content-Type 'application/xml'"
        in (error_of(response)["error_data"]["details"])
    )


@pytest.mark.parametrize(
    ("content_type", "body", "problem"),
    [
        ("multipart/form-data", b"to=1", "Missing boundary in multipart."),
        ("multipart/form-data; boundary=", b"abc", "Invalid multipart data."),
        ("multipart/form-data; boundary=xyz", b"--abc\r\nbad\r\n", "Invalid multipart data."),
    ],
)
async def test_broken_multipart_body_is_100_not_500(
    graph: Graph, content_type: str, body: bytes, problem: str
) -> None:
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/messages",
        content=body,
        headers={"Authorization": f"Bearer {sd.TOKEN}", "Content-Type": content_type},
    )
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        f"The multipart/form-data body is malformed: {problem}"
    )


async def test_json_nested_too_deeply_is_100_not_500(graph: Graph) -> None:
    response = await graph.http.post(
        f"/v23.0/{sd.SIGNED_PHONE}/messages",
        content=b'{"to": ' + b"[" * 100_000,
        headers={"Authorization": f"Bearer {sd.TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert error_of(response)["error_data"] == {
        "messaging_product": "whatsapp",
        "details": "The request body is not valid JSON: nested too deeply.",
    }


async def test_unknown_field_is_100(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields="name,bogus")
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "(#100) Tried accessing nonexisting field (bogus) on node type "
        "(WhatsAppBusinessAccount)",
        "type": "OAuthException",
        "code": 100,
    }


async def test_fields_select_and_id_is_always_present(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields="currency")
    assert response.json() == {"currency": "USD", "id": sd.SIGNED_WABA}
    nested = await graph.get(sd.SIGNED_WABA, fields="owner_business_info{name}")
    assert nested.json() == {"owner_business_info": {"name": "Acme"}, "id": sd.SIGNED_WABA}


async def test_fields_syntax_errors_are_100(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields="name,owner_business_info{name")
    assert response.status_code == 400
    assert error_of(response)["code"] == 100


async def test_fields_nested_too_deeply_is_100_not_500(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields="name{" * 3000 + "}" * 3000)
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "Syntax error in fields: brackets nested deeper than 32 levels"
    )
    nested = await graph.get(sd.SIGNED_WABA, fields="owner_business_info" + "{name" * 32 + "}" * 32)
    assert nested.status_code == 200


async def test_trace_id_is_in_body_and_header(graph: Graph) -> None:
    response = await graph.get(sd.SIGNED_WABA, token="nope")
    assert response.headers["x-fb-trace-id"] == response.json()["error"]["fbtrace_id"]

"""Bad or hostile input is a Graph error, never a 500 or unbounded memory: Meta's text limits,
the request-body cap, NUL characters, lone UTF-16 surrogates, and Graph's auth conventions
(`appsecret_proof`, `access_token` in a POST body). Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send, text_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from wamm.core.auth import appsecret_proof

MESSAGES = f"/v23.0/{sd.SIGNED_PHONE}/messages"
AUTH = {"Authorization": f"Bearer {sd.TOKEN}"}
MIB = 1024 * 1024
# A template with a text header: its body variables take 1,024 characters, not 32,768.
HEADED = {
    "name": "headed_note",
    "language": "en_US",
    "category": "UTILITY",
    "components": [
        {
            "type": "HEADER",
            "format": "TEXT",
            "text": "For {{1}}",
            "example": {"header_text": ["Ana"]},
        },
        {"type": "BODY", "text": "Order {{1}} shipped.", "example": {"body_text": [["#1"]]}},
    ],
}


@pytest.fixture
def seed_document() -> dict[str, Any]:
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["templates"].append(HEADED)
    return document


def text_params(*texts: str, component: str = "body") -> dict[str, Any]:
    return {"type": component, "parameters": [{"type": "text", "text": t} for t in texts]}


def parameter_error(path: str, limit: int, length: int) -> dict[str, Any]:
    return {
        "message": "(#131009) Parameter value is not valid",
        "type": "OAuthException",
        "code": 131009,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": f"{path} must be at most {limit} characters long, got {length}.",
        },
    }


# --- Meta's length limits and the request-body cap ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "components", "path", "limit"),
    [
        # summer_sale's body is its only component: 32,768 characters per variable.
        (
            "summer_sale",
            [text_params("Ana", "x" * 32_769)],
            "template.components[0].parameters[1].text",
            32_768,
        ),
        (
            "headed_note",
            [text_params("Ana", component="header"), text_params("y" * 1025)],
            "template.components[1].parameters[0].text",
            1024,
        ),
        (
            "headed_note",
            [text_params("z" * 61, component="header"), text_params("1")],
            "template.components[0].parameters[0].text",
            60,
        ),
    ],
)
async def test_a_parameter_over_metas_limit_is_131009(
    graph: Graph, name: str, components: list[dict[str, Any]], path: str, limit: int
) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(name, components))
    assert response.status_code == 400
    assert error_of(response) == parameter_error(path, limit, limit + 1)


async def test_a_parameter_at_metas_limit_is_sent(graph: Graph) -> None:
    components = [text_params("Ana", "x" * 32_768)]
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(components=components))
    assert response.status_code == 200, response.text


async def test_a_fallback_value_counts_as_parameter_text(graph: Graph) -> None:
    date = {"type": "date_time", "date_time": {"fallback_value": "d" * 1025}}
    components = [text_params("Ana", component="header"), {"type": "body", "parameters": [date]}]
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send("headed_note", components)
    )
    assert error_of(response) == parameter_error(
        "template.components[1].parameters[0].date_time.fallback_value", 1024, 1025
    )


async def test_an_authentication_code_is_at_most_15_characters(graph: Graph) -> None:
    code = "1234567890123456"
    components = [
        text_params(code),
        {
            "type": "button",
            "sub_type": "url",
            "index": 0,
            "parameters": [{"type": "text", "text": "1"}],
        },
    ]
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send("login_code", components)
    )
    assert error_of(response) == parameter_error(
        "template.components[0].parameters[0].text", 15, 16
    )


async def test_a_4_mib_parameter_is_refused_by_the_body_cap_then_by_the_limit(
    graph: Graph,
) -> None:
    huge = "x" * (39 * MIB // 10)
    send = template_send(components=[text_params("Ana", huge)])
    capped = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
    assert capped.status_code == 413
    assert error_of(capped) == invalid_parameter_error(
        "The request body is larger than 1048576 bytes."
    )
    await graph.http.post("/_wamm/seed", json={"settings": {"max_request_bytes": 8 * MIB}})
    limited = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
    assert error_of(limited) == parameter_error(
        "template.components[0].parameters[1].text", 32_768, len(huge)
    )


async def test_the_body_cap_is_a_setting(graph: Graph) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"max_request_bytes": 4096}})
    send = text_send(biz_opaque_callback_data="c" * 500, text={"body": "b" * 4000})
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert error_of(response)["error_data"]["details"] == (
        "The request body is larger than 4096 bytes."
    )
    state = (await graph.http.get("/_wamm/state")).json()
    assert state["settings"]["max_request_bytes"] == 4096


async def test_a_body_cap_out_of_range_is_a_seed_error(graph: Graph) -> None:
    response = await graph.http.post("/_wamm/seed", json={"settings": {"max_request_bytes": 10}})
    assert response.status_code == 400
    assert response.json()["error"]["error_data"]["path"] == "$.settings.max_request_bytes"


# --- NUL characters and lone surrogates ---------------------------------------------------------


async def test_nul_in_a_message_text_is_100(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send(text={"body": "a\0b"}))
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "Param text.body must not contain NUL characters."
    )


async def test_nul_in_a_template_parameter_is_100(graph: Graph) -> None:
    send = template_send(components=[text_params("Ana", "20\0%")])
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", send)
    assert error_of(response) == invalid_parameter_error(
        "Param template.components[0].parameters[1].text must not contain NUL characters."
    )


async def test_nul_in_a_new_template_is_100_and_nothing_is_stored(graph: Graph) -> None:
    body = {**HEADED, "name": "nul_note"}
    body["components"] = [{"type": "BODY", "text": "Hello\0 there"}]
    response = await graph.post(f"{sd.SIGNED_WABA}/message_templates", body)
    assert error_of(response) == invalid_parameter_error(
        "Param components[0].text must not contain NUL characters."
    )
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name="nul_note")
    assert listed.json()["data"] == []


async def test_nul_in_a_form_body_or_query_is_100(graph: Graph) -> None:
    form = await graph.http.post(
        MESSAGES, data={"messaging_product": "whatsapp", "to": "55\0", "type": "text"}, headers=AUTH
    )
    assert error_of(form) == invalid_parameter_error("Param to must not contain NUL characters.")
    query = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name="summer\0")
    assert error_of(query) == invalid_parameter_error("Param name must not contain NUL characters.")


async def test_an_escaped_backslash_before_u0000_is_text(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send(text={"body": "\\u0000"}))
    assert response.status_code == 400  # outside the service window, but past the NUL check
    assert error_of(response)["code"] == 131047


LONE_SURROGATE_TEMPLATE = '{"name": "\\ud800", "language": {"code": "en_US"}}'


@pytest.mark.parametrize("where", ["json", "form", "query"])
async def test_a_lone_surrogate_escape_is_a_graph_error(graph: Graph, where: str) -> None:
    fields = {"messaging_product": "whatsapp", "to": sd.BR_PHONE, "type": "template"}
    if where == "json":
        raw = json.dumps(fields)[:-1] + ', "template": ' + LONE_SURROGATE_TEMPLATE + "}"
        headers = {**AUTH, "Content-Type": "application/json"}
        response = await graph.http.post(MESSAGES, content=raw.encode(), headers=headers)
    elif where == "form":
        data = {**fields, "template": LONE_SURROGATE_TEMPLATE}
        response = await graph.http.post(MESSAGES, data=data, headers=AUTH)
    else:
        params = {**fields, "template": LONE_SURROGATE_TEMPLATE}
        response = await graph.http.post(MESSAGES, params=params, headers=AUTH)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert error_of(response)["code"] == 100


async def test_a_recipient_starting_with_a_minus_is_refused(graph: Graph) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send(to="-5511987654321"))
    assert error_of(response) == invalid_parameter_error(
        "Param to must be a phone number in international format, got '-5511987654321'."
    )


@pytest.mark.parametrize(
    ("content_type", "raw", "problem"),
    [
        ("application/json", b'{"apps": [{"id": "7", "secret": "\\ud800"}]}', "surrogates"),
        ("application/yaml", b'apps:\n- {id: "7", secret: "\\ud800"}\n', "surrogates"),
        ("application/json", b'{"apps": [{"id": "7", "secret": "a\\u0000"}]}', "NUL characters"),
    ],
)
async def test_unwritable_text_in_a_seed_is_a_seed_error(
    graph: Graph, content_type: str, raw: bytes, problem: str
) -> None:
    response = await graph.http.post(
        "/_wamm/seed", content=raw, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["error_data"]["path"] == "$.apps[0].secret"
    assert error["error_data"]["details"].endswith(problem)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/_wamm/messages", {"recipient": "55\0"}),
        ("/_wamm/webhooks", {"wamid": "wamid.\0"}),
        ("/_wamm/users", {"country": "B\0"}),
        ("/_wamm/messages/wamid.%00", {}),
    ],
)
async def test_nul_in_control_api_filters_is_100(
    graph: Graph, path: str, params: dict[str, str]
) -> None:
    response = await graph.http.get(path, params=params)
    assert response.status_code == 400
    assert error_of(response)["code"] == 100
    assert "must not contain NUL characters" in error_of(response)["error_data"]["details"]


# --- appsecret_proof and access_token ------------------------------------------------------------

PROOF = appsecret_proof(sd.APP_SECRET, sd.TOKEN)
INVALID_PROOF = {
    "message": "Invalid appsecret_proof provided in the API argument",
    "type": "GraphMethodException",
    "code": 100,
}
MISSING_PROOF = {
    "message": "API calls from the server require an appsecret_proof argument",
    "type": "GraphMethodException",
    "code": 100,
}


async def require_proof(graph: Graph) -> None:
    app = {"id": sd.APP_ID, "secret": sd.APP_SECRET, "require_appsecret_proof": True}
    response = await graph.http.post("/_wamm/seed", json={"apps": [app]})
    assert response.status_code == 200, response.text


def test_the_proof_is_the_hex_hmac_sha256_of_the_token_keyed_by_the_secret() -> None:
    assert appsecret_proof("secret", "token") == (
        "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
    )


async def test_a_correct_proof_is_accepted_in_the_query_or_the_body(graph: Graph) -> None:
    got = await graph.get(sd.SIGNED_WABA, appsecret_proof=PROOF)
    assert got.status_code == 200, got.text
    sent = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(appsecret_proof=PROOF))
    assert sent.status_code == 200, sent.text


@pytest.mark.parametrize("token", [sd.TOKEN, sd.MESSAGING_ONLY])  # the second has no app
async def test_a_wrong_proof_is_refused(graph: Graph, token: str) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(appsecret_proof="ab" * 32), token=token
    )
    assert response.status_code == 400
    assert error_of(response) == INVALID_PROOF


async def test_an_app_that_requires_the_proof_gets_it_checked(graph: Graph) -> None:
    await require_proof(graph)
    missing = await graph.get(sd.SIGNED_WABA)
    assert missing.status_code == 400
    assert error_of(missing) == MISSING_PROOF
    assert (await graph.get(sd.SIGNED_WABA, appsecret_proof=PROOF)).status_code == 200
    state = (await graph.http.get("/_wamm/state")).json()
    assert [app["require_appsecret_proof"] for app in state["apps"]] == [True]


async def test_access_token_is_accepted_in_a_json_or_form_body(graph: Graph) -> None:
    json_body = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(access_token=sd.TOKEN), token=None
    )
    assert json_body.status_code == 200, json_body.text
    form = {
        "messaging_product": "whatsapp",
        "to": sd.BR_PHONE,
        "type": "template",
        "template": json.dumps(template_send()["template"]),
        "access_token": sd.TOKEN,
    }
    form_body = await graph.http.post(MESSAGES, data=form)
    assert form_body.status_code == 200, form_body.text


async def test_a_bad_access_token_in_a_body_is_190(graph: Graph) -> None:
    response = await graph.post(
        f"{sd.SIGNED_PHONE}/messages", template_send(access_token="nope"), token=None
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == 190

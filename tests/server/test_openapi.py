"""The OpenAPI document at /_wamm/openapi.json: valid OpenAPI 3.1, open without the admin
token, and describing exactly the Graph operations and control routes wamm implements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts, get_spec_version

from wamm import __version__
from wamm.core.ad_objects import Ad, AdAccount, AdCampaign, AdSet
from wamm.core.media import Media
from wamm.core.model import App, Business, PhoneNumber, Template, Waba
from wamm.core.uploads import UploadSession
from wamm.server.app import CONTROL_PREFIX, build_app
from wamm.server.routes.control import ROUTES
from wamm.server.routes.graph import OPERATIONS, ROOT_OPERATIONS

GRAPH_PREFIX = "/v{version}/"
HTTP_METHODS = frozenset({"get", "post", "delete", "put", "patch", "head", "options", "trace"})
NODE_NAMES: dict[type, str] = {
    Waba: "WhatsAppBusinessAccount",
    PhoneNumber: "PhoneNumber",
    Template: "Template",
    Business: "Business",
    App: "App",
    Media: "Media",
    UploadSession: "UploadSession",
    Ad: "Ad",
    AdSet: "AdSet",
    AdCampaign: "Campaign",
    AdAccount: "AdAccount",
}


@pytest.fixture
async def document() -> dict[str, Any]:
    """The served document, from a server guarded by an admin token the request lacks (and
    no runtime: the document needs none)."""
    transport = httpx.ASGITransport(app=build_app(admin_token="admin-secret"))
    async with httpx.AsyncClient(transport=transport, base_url="http://wamm.test:8000") as client:
        response = await client.get("/_wamm/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    served: dict[str, Any] = response.json()
    return served


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, METHOD, operation) for every operation of the document."""
    return [
        (path, method.upper(), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert get_spec_version(document) == consts.OPENAPIV31
    validate(document)


def test_the_document_names_this_server_and_version(document: dict[str, Any]) -> None:
    assert document["info"]["version"] == __version__
    assert document["servers"] == [
        {"url": "http://wamm.test:8000", "description": "this wamm server"}
    ]


def test_every_graph_operation_is_documented_and_nothing_more(document: dict[str, Any]) -> None:
    documented, roots = set(), set()
    for path, method, operation in operations(document):
        if path.startswith(GRAPH_PREFIX):
            segments = path.removeprefix(GRAPH_PREFIX).split("/")
            if not segments[0].startswith("{"):  # a path that names no object
                roots.add(("/".join(segments), method))
                continue
            edge = segments[1] if len(segments) > 1 else None
            if len(segments) == 3:  # an item of the edge, as in message_qrdls/{code}
                edge = f"{edge}/{{id}}"
            documented |= {(node, edge, method) for node in operation["x-wamm-nodes"]}
    implemented = {(NODE_NAMES[node], edge, method) for node, edge, method in OPERATIONS}
    assert documented == implemented
    assert roots == set(ROOT_OPERATIONS)


def test_every_control_route_is_documented_and_nothing_more(document: dict[str, Any]) -> None:
    documented = {
        (path, method)
        for path, method, _ in operations(document)
        if not path.startswith(GRAPH_PREFIX)
    }
    implemented = {
        (CONTROL_PREFIX + route.path, method)
        for route in ROUTES
        for method in route.methods or ()
        if method != "HEAD"  # Starlette adds HEAD to every GET route
    }
    assert documented == implemented


def test_open_routes_are_the_unguarded_ones(document: dict[str, Any]) -> None:
    open_paths = {
        path for path, _, operation in operations(document) if operation.get("security") == []
    }
    assert open_paths == {
        "/_wamm/openapi.json",
        "/_wamm/health",
        "/_wamm/ready",
        "/_wamm/media/samples/{template_id}",
        "/_wamm/media/profile_pictures/{phone_number_id}",
        "/_wamm/qr/{phone_number_id}/{name}",
        "/v{version}/oauth/access_token",  # the client credentials are the proof
    }

"""Every public name of the SDK has a docstring, and both clients expose the same methods."""

from __future__ import annotations

import inspect

import wamm.client
from tests.docstrings import undocumented
from wamm.client import (
    AsyncClient,
    Client,
    GraphApi,
    app_operations,
    media,
    operations,
    partner_operations,
    phone_operations,
)
from wamm.client.api import Endpoint, Pager


def test_every_public_name_has_a_docstring() -> None:
    assert undocumented(wamm.client) == []


def test_both_clients_expose_every_method() -> None:
    methods = {n for n, v in vars(GraphApi).items() if isinstance(v, (Endpoint, Pager))}
    defined = {
        name
        for module in (operations, phone_operations, app_operations, media, partner_operations)
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert defined <= methods, f"operations no client exposes: {sorted(defined - methods)}"
    for name in methods:
        assert getattr(Client, name) is getattr(AsyncClient, name)
        assert getattr(GraphApi, name).__doc__
    with Client("t") as client:
        assert client.send_marketing.__name__ == "send_marketing"
        assert "marketing_messages" in (client.send_marketing.__doc__ or "")
        assert (client.iter_templates.__doc__ or "").startswith("Every item")

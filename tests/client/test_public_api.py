"""Every public name of the SDK has a docstring, and both clients expose the same methods."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import wamm.client
from wamm.client import (
    AsyncClient,
    Client,
    GraphApi,
    app_operations,
    media,
    operations,
    phone_operations,
)
from wamm.client.api import Endpoint, Pager


def public_modules(package: Any) -> Iterator[Any]:
    yield package
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(info.name)


def defined_here(module: Any) -> Iterator[tuple[str, Any]]:
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value) or inspect.isfunction(value):
            yield f"{module.__name__}.{name}", value


def members(cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            yield name, value.fget
        elif inspect.isfunction(value) or isinstance(value, (Endpoint, Pager, classmethod)):
            yield name, value


def undocumented(package: Any) -> list[str]:
    """The public modules, classes, functions and methods of `package` without a docstring
    (a dataclass's generated signature does not count as one)."""
    missing = []
    for module in public_modules(package):
        if not (module.__doc__ or "").strip():
            missing.append(module.__name__)
        for qualified, value in defined_here(module):
            if not _own_doc(value):
                missing.append(qualified)
            if inspect.isclass(value):
                missing += [
                    f"{qualified}.{name}"
                    for name, member in members(value)
                    if not (getattr(member, "__doc__", None) or "").strip()
                ]
    return missing


def _own_doc(value: Any) -> str | None:
    doc: str | None = vars(value).get("__doc__") if inspect.isclass(value) else value.__doc__
    if inspect.isclass(value) and dataclasses.is_dataclass(value) and doc:
        generated = f"{value.__name__}{inspect.signature(value)}".replace(" -> None", "")
        return None if doc == generated else doc
    return doc


def test_every_public_name_has_a_docstring() -> None:
    assert undocumented(wamm.client) == []


def test_both_clients_expose_every_method() -> None:
    methods = {n for n, v in vars(GraphApi).items() if isinstance(v, (Endpoint, Pager))}
    defined = {
        name
        for module in (operations, phone_operations, app_operations, media)
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

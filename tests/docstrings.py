"""The public names of a package that lack a docstring: the check shared by the SDK's and the
pytest plugin's public-API tests."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

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

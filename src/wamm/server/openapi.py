"""wamm's OpenAPI document (`wamm/data/openapi.yaml`), as served at `/_wamm/openapi.json`."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

import wamm

OPENAPI_PATH = Path(wamm.__file__).resolve().parent / "data" / "openapi.yaml"


@functools.cache
def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return loaded


def openapi_document(base_url: str) -> dict[str, Any]:
    """The document with this package's version and `base_url` (the server answering) as its
    one server; the Graph paths carry their `/v{version}` prefix themselves."""
    document = copy.deepcopy(_document())
    document["info"]["version"] = wamm.__version__
    document["servers"] = [{"url": base_url.rstrip("/"), "description": "this wamm server"}]
    return document

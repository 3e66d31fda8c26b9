"""The bulk authentication request, POST /{waba_id}/upsert_message_templates: one template
name, several languages, the same components; each language is an ordinary create request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_list, required
from wamm.core.errors import invalid_parameter
from wamm.core.templates.create import TemplateSpec, parse_create
from wamm.core.templates.readers import decoded, enum

UPSERT_CATEGORIES = ("AUTHENTICATION",)


def parse_upsert(body: Mapping[str, Any]) -> list[TemplateSpec]:
    """One validated create request per language, in the order the languages are given."""
    enum(required(body, "category"), "category", UPSERT_CATEGORIES)
    languages = as_list(decoded(required(body, "languages")), "languages")
    if not languages:
        raise invalid_parameter("Param languages must list at least one language.")
    if len(set(map(str, languages))) != len(languages):
        raise invalid_parameter("Param languages lists a language twice.")
    common = {key: value for key, value in body.items() if key != "languages"}
    return [parse_create({**common, "language": language}) for language in languages]

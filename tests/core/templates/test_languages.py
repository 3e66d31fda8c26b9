"""Language names as Meta's supported-languages page spells them (core/templates/languages)."""

from __future__ import annotations

import pytest

from wamm.core.templates import LANGUAGES
from wamm.core.templates.languages import LANGUAGE_NAMES, language_name


def test_every_supported_language_has_a_name() -> None:
    assert set(LANGUAGE_NAMES) == LANGUAGES


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en_US", "English (US)"),
        ("en_GB", "English (UK)"),
        ("en", "English"),
        ("pt_BR", "Portuguese (BR)"),
        ("pt_PT", "Portuguese (POR)"),
        ("es", "Spanish"),
        ("es_ES", "Spanish (SPA)"),
        ("es_MX", "Spanish (MEX)"),
        ("zh_TW", "Chinese (TAI)"),
        ("ar_EG", "Arabic (EGY)"),
        ("prs_AF", "Dari"),
        ("ky_KG", "Kyrgyz (Kyrgyzstan)"),
    ],
)
def test_names_follow_metas_page(code: str, name: str) -> None:
    assert language_name(code) == name


def test_a_code_meta_does_not_list_is_named_by_its_code() -> None:
    assert language_name("xx_YY") == "xx_YY"

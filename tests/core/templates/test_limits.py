"""Template tables (core/templates/limits.py)."""

from __future__ import annotations

from wamm.core.templates import LANGUAGES


def test_languages_cover_the_documented_codes() -> None:
    assert {"en_US", "pt_BR", "es_MX", "zh_CN", "fil", "prs_AF"} <= LANGUAGES
    assert len(LANGUAGES) == 111

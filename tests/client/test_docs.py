"""docs/sdk.md cannot rot: every ```python block runs, in order, in one namespace, against
`wamm serve` with its demo seed (WAMM_BASE_URL points at it)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import running_wamm

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text())


def test_the_page_has_examples() -> None:
    assert len(python_blocks()) >= 8


def test_examples_run_against_wamm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_wamm(tmp_path) as server:
        monkeypatch.setenv("WAMM_BASE_URL", server.base_url)
        namespace: dict[str, Any] = {"__name__": "sdk_docs"}
        for number, block in enumerate(python_blocks(), start=1):
            code = compile(block, f"docs/sdk.md block {number}", "exec")
            exec(code, namespace)
    printed = capsys.readouterr().out
    assert "ONBOARDED" in printed
    assert "100 2388299" in printed
    assert "131063 400" in printed
    assert "delivered marketing_messages" in printed
    assert "not-a-number ValidationError" in printed
    assert "template analytics DAILY 1" in printed

"""The copyable suite in examples/ runs as its README says: `pytest examples` from the
checkout, with the plugin loaded from wamm's entry point, warnings as errors, and without the
test tools of wamm's own suite (pytest-asyncio is left out, as a user would not have it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wamm.testing.process import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
PYTEST_WITHOUT_ASYNCIO = [sys.executable, "-m", "pytest", "-q", "-p", "no:asyncio"]


def test_the_examples_pass() -> None:
    done = subprocess.run(
        [*PYTEST_WITHOUT_ASYNCIO, "-p", "no:cacheprovider", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout

"""The copyable suite in examples/ runs as a user would run it: `pytest examples`, with the
plugin loaded from wamm's entry point, warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wamm.testing.process import subprocess_env

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_examples_pass() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "."],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=300,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout

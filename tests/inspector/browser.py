"""Chromium for the browser tests: the system's package (Playwright's own download is not
used), driven by Playwright. Missing, the tests skip with the reason, or fail where
WAMM_REQUIRE_BROWSER is set (CI: `.ci/run` installs Chromium and sets it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import require

CHROMIUM = Path(os.environ.get("WAMM_CHROMIUM", "/usr/bin/chromium"))
# Set to a directory to keep the screenshots there too (docs/images is how docs get theirs).
SCREENSHOT_COPIES = os.environ.get("WAMM_INSPECTOR_SCREENSHOTS")


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}: `apt-get install chromium`, or set WAMM_CHROMIUM"
    return None


def require_browser() -> None:
    """Skip with the reason, or fail when a browser is mandatory (CI)."""
    require("a browser", browser_problem(), "WAMM_REQUIRE_BROWSER")


def keep_screenshot(path: Path) -> None:
    """Copy a screenshot to WAMM_INSPECTOR_SCREENSHOTS when that is set."""
    if SCREENSHOT_COPIES:
        shutil.copy(path, Path(SCREENSHOT_COPIES) / path.name)

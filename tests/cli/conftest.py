"""The `wamm` command line, run as a user runs it: `python -m wamm ...` in a subprocess,
against the plugin's `wamm_server` (the demo seed, manual clock)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wamm.testing.process import subprocess_env, wamm_command
from wamm.testing.server import WammServer

CLI_TIMEOUT = 60


@dataclass(frozen=True)
class Result:
    """A finished command: exit code and output."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout, parsed as JSON."""
        return json.loads(self.stdout)


Cli = Callable[..., Result]


def cli_env(server: WammServer, **extra: str) -> dict[str, str]:
    """The environment of a command aimed at `server`'s first business (no other WAMM_*)."""
    base = {k: v for k, v in subprocess_env().items() if not k.startswith(("WAMM_", "WHATSAPP_"))}
    return {
        **base,
        "WAMM_BASE_URL": server.base_url,
        "WAMM_TOKEN": server.token,
        "WAMM_WABA_ID": server.waba_id,
        "WAMM_PHONE_NUMBER_ID": server.phone_number_id,
        **extra,
    }


def run_cli(*args: str, env: dict[str, str], cwd: Path | None = None) -> Result:
    """Run `python -m wamm ARGS` to completion."""
    done = subprocess.run(
        wamm_command(*args),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env=env,
        cwd=cwd,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(wamm_server: WammServer, tmp_path: Path) -> Cli:
    """`cli(*args, **env)`: run a command against `wamm_server` in `tmp_path`."""

    def run(*args: str, **env: str) -> Result:
        return run_cli(*args, env=cli_env(wamm_server, **env), cwd=tmp_path)

    return run


def no_traceback(result: Result) -> None:
    """A user's mistake is explained, never shown as a Python traceback."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr

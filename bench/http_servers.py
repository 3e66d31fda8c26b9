"""The ASGI servers a benchmark can put in front of the bare app and of wamm.

uvicorn is what `wamm serve` runs (with wamm's connection guards, wamm.server.connections);
granian (a Rust HTTP server, `pip install granian`, the `bench` extra) is the alternative
measured against it: the same app, the same socket options the benchmark can set, one process
and uvloop for both. wamm under granian is `wamm.server.app:app_from_environment`, the factory
`wamm serve --workers N` hands its own processes, configured through the same environment.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

SERVERS = ("uvicorn", "granian")
BENCH_DIR = Path(__file__).resolve().parent


def granian_command(target: str, host: str, port: int) -> list[str]:
    """One granian process serving the ASGI factory `target` with uvloop, no access log."""
    return [
        sys.executable,
        *("-m", "granian", "--interface", "asgi", "--factory", "--no-ws"),
        *("--host", host, "--port", str(port), "--workers", "1", "--loop", "uvloop"),
        *("--log-level", "info", "--no-access-log", target),
    ]


def check_available(server: str) -> None:
    """Exit with the install hint when `server` cannot be imported."""
    if server not in SERVERS:
        sys.exit(f"unknown HTTP server {server!r} (one of {', '.join(SERVERS)})")
    if server == "granian" and importlib.util.find_spec("granian") is None:
        sys.exit("granian is not installed: pip install -e '.[bench]' (or python3 dev bench)")


def wamm_granian(host: str, port: int, url: str, seed: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment of wamm (one process, dispatcher on) under granian."""
    env = {
        **os.environ,
        "WAMM_DATABASE_URL": url,
        "WAMM_SEED": str(seed),
        "WAMM_DEMO": "0",
        "WAMM_DISPATCH": "1",
    }
    env.pop("WAMM_ADMIN_TOKEN", None)
    return granian_command("wamm.server.app:app_from_environment", host, port), env


def bare_granian(host: str, port: int, body_bytes: int) -> tuple[list[str], dict[str, str]]:
    """The command and environment of bench/bare_app.py's app under granian."""
    env = {
        **os.environ,
        "BARE_BODY_BYTES": str(body_bytes),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
    }
    return granian_command("bare_app:app_from_environment", host, port), env

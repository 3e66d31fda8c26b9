"""Processes for tests and benchmarks: free loopback ports, `python -m wamm ...` commands, and
starting and stopping exactly one process by its PID (never by name)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

STOP_TIMEOUT = 10.0
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wamm_command(*args: str) -> list[str]:
    """`python -m wamm ARGS` with this interpreter."""
    return [sys.executable, "-m", "wamm", *args]


def subprocess_env(**extra: str) -> dict[str, str]:
    """This process's environment for a child: unbuffered output and a wide console (so rich
    does not wrap lines), plus `extra`."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **extra}


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop exactly this process: SIGTERM, then SIGKILL if it does not exit in time. A
    process left suspended (SIGSTOP) is continued first so that it can terminate."""
    if process.poll() is not None:
        return
    if os.name == "posix":
        process.send_signal(signal.SIGCONT)
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def kill_process(process: subprocess.Popen[bytes]) -> None:
    """Crash this process: SIGKILL exactly it (by its PID, no shutdown code runs) and reap it."""
    if process.poll() is not None:
        raise AssertionError(f"the process had already exited ({process.returncode})")
    process.kill()
    process.wait(timeout=STOP_TIMEOUT)
    if os.name == "posix" and process.returncode != -signal.SIGKILL:
        raise AssertionError(f"expected death by SIGKILL, got {process.returncode}")


@contextlib.contextmanager
def running_process(
    command: list[str],
    log_path: Path,
    env: dict[str, str] | None = None,
    *,
    new_session: bool = False,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command` with its output (stdout and stderr) in `log_path`; stop exactly it on
    exit. `new_session`: in a process group of its own (which the processes it starts join)."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env or subprocess_env(),
            start_new_session=new_session,
        )
        try:
            yield process
        finally:
            stop_process(process)

"""A wamm server for a benchmark: `wamm serve` on a loopback port with a seed, every process it
started found and stopped by its PID."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import send_path as sp
from http_servers import wamm_granian
from procstat import read_stat, tree_pids

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
STARTUP_SECONDS = 60.0  # a multi-process server until every process answers


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


def process_identity(pid: int) -> str | None:
    stat = read_stat(pid)
    return stat[19] if stat is not None else None  # the start time, against PID reuse


def stop_leftovers(identities: dict[int, str]) -> None:
    """Terminate, by PID, descendants that outlived their parent (only if the PID still names
    the process seen before: the start time matches)."""
    for pid, started in identities.items():
        if process_identity(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
    deadline = time.monotonic() + sp.STOP_TIMEOUT
    while time.monotonic() < deadline and any(
        process_identity(pid) == started for pid, started in identities.items()
    ):
        time.sleep(0.1)
    for pid, started in identities.items():
        if process_identity(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


@contextlib.contextmanager
def wamm_server(
    url: str,
    seed: Path,
    log_path: Path,
    workers: int = 1,
    http_server: str = "uvicorn",
    delivery_process: bool | None = None,
) -> Iterator[Server]:
    """`python -m wamm serve` (with `--workers N` above 1, `--[no-]delivery-process` if asked,
    else its default), or wamm under granian (one process), stopped by its PID at the end."""
    port = sp.free_port()
    command = [
        sys.executable,
        *("-m", "wamm", "serve", "--host", sp.HOST, "--port", str(port)),
        *("--database", url, "--seed", str(seed), "--no-access-log", "--no-demo"),
    ]
    env = dict(os.environ)
    if workers > 1:
        command += ["--workers", str(workers)]
    if delivery_process is not None:
        command += ["--delivery-process" if delivery_process else "--no-delivery-process"]
    if http_server == "granian":
        command, env = wamm_granian(sp.HOST, port, url, seed)
    env |= {"PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    identities: dict[int, str] = {}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            sp.wait_ready(process, port, log_path)
            if workers > 1:
                wait_for_workers(process, port, workers, log_path)
            wait_for_delivery_process(process, port, log_path)
            for pid in tree_pids(process.pid)[1:]:
                identities[pid] = process_identity(pid) or ""
            yield Server(port, process.pid)
        except Exception:
            print(f"--- {log_path.name} ---\n{log_path.read_text()[-4000:]}", file=sys.stderr)
            raise
        finally:
            for pid in tree_pids(process.pid)[1:]:
                identities[pid] = process_identity(pid) or ""
            sp.stop(process)
            stop_leftovers(identities)


def wait_for_delivery_process(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until the server's delivery process (if it starts one) delivers: its start-up (a second
    or two of CPU) would otherwise fall into the first measured window."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}:\n{log.read_text()}")
        status, body = sp.http_call(port, "GET", "/_wamm/ready")
        if status == 200 and json.loads(body).get("delivery_process_delivering") is not False:
            return
        time.sleep(0.05)
    sys.exit(f"the delivery process did not start in {STARTUP_SECONDS:.0f}s:\n{log.read_text()}")


def wait_for_workers(process: subprocess.Popen[bytes], port: int, workers: int, log: Path) -> None:
    """Until uvicorn has forked every worker and each one has opened the store (its log says
    "Application startup complete" once per process)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}:\n{log.read_text()}")
        started = log.read_text(errors="replace").count("Application startup complete")
        if started >= workers:
            sp.http_call(port, "GET", "/_wamm/ready")
            return
        time.sleep(0.1)
    sys.exit(f"not every one of {workers} server processes started:\n{log.read_text()[-4000:]}")

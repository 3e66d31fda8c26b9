"""README.md as a newcomer follows it: every shell and Python block runs, in order, against
`wamm serve` with the demo seed. The blocks assume the server of `python3 dev serve` at
127.0.0.1:8000; here the server listens on a free port, which is the only change made to the
text. Shell blocks run with bash from a folder that looks like the checkout (its `.venv` and
`dev`), so that `. .venv/bin/activate` and `python3 dev wamm` work as written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.doc_blocks import ROOT, Block, blocks
from wamm.testing.process import free_port, running_process, subprocess_env
from wamm.testing.server import WammServer, running_wamm, wait_until_healthy

README = "README.md"
BLOCK_TIMEOUT = 120


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WammServer]:
    with running_wamm(tmp_path_factory.mktemp("readme-server")) as server:
        yield server


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A working directory that looks like the checkout's root to the blocks."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "dev").symlink_to(ROOT / "dev")
    return tmp_path


def as_run_here(block: Block, server: WammServer) -> str:
    return block.code.replace("127.0.0.1:8000", server.base_url.removeprefix("http://"))


def reader_env(server: WammServer) -> dict[str, str]:
    """A shell with nothing of wamm's set, except where the wamm-only commands find the
    server (`http://127.0.0.1:8000` by default, the port `dev serve` uses)."""
    env = {k: v for k, v in subprocess_env().items() if not k.startswith(("WAMM_", "WHATSAPP_"))}
    return {**env, "WAMM_BASE_URL": server.base_url}


def run_block(
    block: Block, server: WammServer, directory: Path
) -> subprocess.CompletedProcess[str]:
    code = as_run_here(block, server)
    if block.lang == "sh":
        command = ["bash", "-euo", "pipefail", "-c", code]
    elif "def test_" in code:  # a test to run with the pytest plugin
        (directory / "test_from_readme.py").write_text(code)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."]
    else:
        command = [sys.executable, "-c", code]
    return subprocess.run(
        command,
        cwd=directory,
        env=reader_env(server),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
        check=False,
    )


RUNNABLE = [block for block in blocks(README) if block.runs]


def test_the_readme_runs_its_examples() -> None:
    assert {block.lang for block in RUNNABLE} == {"sh", "python"}
    assert len(RUNNABLE) >= 5


@pytest.mark.parametrize("block", RUNNABLE, ids=str)
def test_block_runs_as_written(block: Block, demo_server: WammServer, checkout: Path) -> None:
    done = run_block(block, demo_server, checkout)
    assert done.returncode == 0, f"{block} failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr


def test_dev_serve_starts_the_demo_and_ends_by_sigterm(tmp_path: Path) -> None:
    """The quick start's server command: the demo world on SQLite, the banner's export lines,
    and a stop by SIGTERM that reads as one (143 in a shell), not exit code 241."""
    port = free_port()
    command = [sys.executable, str(ROOT / "dev"), "serve", "--port", str(port)]
    command += ["--database", f"sqlite:///{tmp_path / 'wamm.db'}"]
    log = tmp_path / "dev-serve.log"
    with running_process(command, log) as process:
        server = WammServer(f"http://127.0.0.1:{port}", process, log, tmp_path / "wamm.db")
        wait_until_healthy(server)
        state = httpx.get(f"{server.base_url}/_wamm/state", timeout=10).json()
        assert [b["name"] for b in state["businesses"]][:1] == ["Acme"]
        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
    printed = log.read_text()
    assert f"export WAMM_BASE_URL=http://127.0.0.1:{port} WAMM_TOKEN=wamm-demo-token" in printed

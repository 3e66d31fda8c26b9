"""README.md and docs/ as a reader follows them: every shell and Python block not marked
`<!-- not run: why -->` runs, in order, against `wamm serve` with the demo seed (one server per
page). The blocks assume the server of `python3 dev serve` at 127.0.0.1:8000; here the server
listens on a free port, which is the only change made to the text. Shell blocks run with bash
from a folder that looks like the checkout (its `.venv` and `dev`), so that
`. .venv/bin/activate` and `python3 dev wamm` work as written; a Python block with a test in it
runs with pytest and wamm's plugin. docs/sdk.md's Python blocks share one namespace: they run
in tests/client/test_docs.py."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.doc_blocks import ROOT, Block, blocks
from wamm.testing.process import free_port, running_process, subprocess_env
from wamm.testing.server import WammServer, running_wamm, wait_until_healthy

BLOCK_TIMEOUT = 120
SDK_PAGE = "docs/sdk.md"
PAGES = [
    "README.md",
    "examples/README.md",
    *sorted(f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")),
]


def runnable(page: str) -> list[Block]:
    return [
        block
        for block in blocks(page)
        if block.runs and not (page == SDK_PAGE and block.lang == "python")
    ]


@pytest.fixture(scope="module")
def server_of(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], WammServer]]:
    """One demo server per page, started for the page's first block and kept for the rest."""
    servers: dict[str, WammServer] = {}
    with contextlib.ExitStack() as stack:

        def server(page: str) -> WammServer:
            if page not in servers:
                directory = tmp_path_factory.mktemp("docs-server")
                servers[page] = stack.enter_context(running_wamm(directory))
            return servers[page]

        yield server


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A working directory that looks like the checkout's root to the blocks."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "dev").symlink_to(ROOT / "dev")
    return tmp_path


def as_run_here(block: Block, server: WammServer) -> str:
    """The block's code, preceded for a shell block by the `export` lines of the page's earlier
    shell blocks: a reader types them once in the terminal they keep using."""
    code = block.code
    if block.lang == "sh":
        earlier = [b for b in blocks(block.page) if b.lang == "sh" and b.line < block.line]
        exports = [
            line for b in earlier for line in b.code.splitlines() if line.startswith("export ")
        ]
        code = "\n".join([*exports, code])
    return code.replace("127.0.0.1:8000", server.base_url.removeprefix("http://"))


def write_page_files(page: str, directory: Path) -> None:
    for block in blocks(page):
        if block.file is not None:
            (directory / block.file).write_text(block.code)


def reader_env(server: WammServer, page: str) -> dict[str, str]:
    """A shell with nothing of wamm's set, except where the wamm-only commands find the
    server (`http://127.0.0.1:8000` by default, the port `dev serve` uses). The README's
    reader starts from a fresh clone (no `wamm` on the PATH: the README says how to get it);
    the reader of docs/ has followed the README and has `wamm` installed."""
    env = {k: v for k, v in subprocess_env().items() if not k.startswith(("WAMM_", "WHATSAPP_"))}
    venv_bin = str(Path(sys.executable).parent)
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry != venv_bin]
    if page != "README.md":
        path.insert(0, venv_bin)
    return {**env, "PATH": os.pathsep.join(path), "WAMM_BASE_URL": server.base_url}


def run_block(
    block: Block, server: WammServer, directory: Path
) -> subprocess.CompletedProcess[str]:
    code = as_run_here(block, server)
    if block.lang == "sh":
        command = ["bash", "-euo", "pipefail", "-c", code]
    elif "def test_" in code:  # a test to run with the pytest plugin
        (directory / "test_from_docs.py").write_text(code)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."]
    else:
        command = [sys.executable, "-c", code]
    return subprocess.run(
        command,
        cwd=directory,
        env=reader_env(server, block.page),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
        check=False,
    )


RUNNABLE = [block for page in PAGES for block in runnable(page)]


def test_the_readme_runs_its_examples() -> None:
    readme = runnable("README.md")
    assert {block.lang for block in readme} == {"sh", "python"}
    assert len(readme) >= 5


def test_every_block_is_run_shown_or_says_why_not() -> None:
    """A block in a language the runner cannot run must be marked, so none is skipped silently."""
    unknown = [
        b for page in PAGES for b in blocks(page) if b.runs and b.lang not in {"sh", "python"}
    ]
    assert unknown == []


@pytest.mark.parametrize("block", RUNNABLE, ids=str)
def test_block_runs_as_written(
    block: Block, server_of: Callable[[str], WammServer], checkout: Path
) -> None:
    write_page_files(block.page, checkout)
    done = run_block(block, server_of(block.page), checkout)
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

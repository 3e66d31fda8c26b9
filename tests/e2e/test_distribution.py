"""wamm as a package: the sdist builds, the wheel built from it installs into a clean virtual
environment, and the installed `wamm` prints its version and serves the demo world.

Everything happens offline: the build uses the hatchling of the test environment, and the clean
environment takes wamm's dependencies from the test environment's site-packages (a `.pth` line)
instead of downloading them; wamm itself comes only from the wheel."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import venv
from pathlib import Path

import httpx

import wamm
from wamm.testing.process import free_port, running_process, subprocess_env
from wamm.testing.server import WammServer, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_environment(directory: Path) -> Path:
    """A new virtual environment whose only wamm will be the wheel's; returns its bin folder."""
    venv.EnvBuilder(with_pip=True).create(directory)
    bin_dir = directory / "bin"
    purelib = run(
        bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    )
    dependencies = sysconfig.get_path("purelib")  # read after the new one's own packages
    (Path(purelib.strip()) / "wamm_test_dependencies.pth").write_text(dependencies + "\n")
    return bin_dir


def test_the_sdist_and_its_wheel_install_and_run(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT)
    (sdist,) = dist.glob("wamm-*.tar.gz")
    (wheel,) = dist.glob("wamm-*.whl")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"} <= names
    assert not [name for name in names if name.startswith((".venv", ".git/", "dist/"))]

    bin_dir = clean_environment(tmp_path / "clean")
    run(bin_dir / "pip", "install", "--no-index", "--no-deps", wheel)
    assert run(bin_dir / "wamm", "--version").strip() == f"wamm {wamm.__version__}"
    located = run(bin_dir / "python", "-c", "import wamm; print(wamm.__file__)")
    assert Path(located.strip()).is_relative_to(tmp_path / "clean")

    port = free_port()
    log = tmp_path / "serve.log"
    command = [str(bin_dir / "wamm"), "serve", "--port", str(port)]
    command += ["--database", f"sqlite:///{tmp_path / 'wamm.db'}"]
    with running_process(command, log) as process:
        server = WammServer(f"http://127.0.0.1:{port}", process, log, tmp_path / "wamm.db")
        wait_until_healthy(server)
        state = httpx.get(f"{server.base_url}/_wamm/state", timeout=10).json()
        assert [business["name"] for business in state["businesses"]][:1] == ["Acme"]
        # The inspector's templates and vendored scripts are inside the wheel.
        inspector = httpx.get(f"{server.base_url}/_wamm/ui/", timeout=10)
        assert inspector.status_code == 200, inspector.text
        htmx = httpx.get(f"{server.base_url}/_wamm/ui/static/vendor/htmx-2.0.8.min.js")
        assert htmx.status_code == 200 and htmx.content.startswith(b"var htmx=")

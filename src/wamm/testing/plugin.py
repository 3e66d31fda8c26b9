"""The wamm pytest plugin, installed with wamm (entry point `wamm` in `pytest11`).

Fixtures (see docs/testing.md):

- `wamm_server`: a `python -m wamm serve` process on a free loopback port with a temporary
  SQLite file, started once per session and reset to `wamm_seed` before each test;
- `wamm_seed`: the seed of a test (the demo seed with a manual clock, unless the ini option
  `wamm_seed`, the marker `@pytest.mark.wamm_seed(...)` or an overriding fixture says otherwise);
- `wamm_client` / `wamm_async_client`: the SDK's clients bound to the server;
- `wamm_webhooks`: a receiver in a background thread, registered as the app's callback;
- `wamm_clock`: advance the virtual clock and deliver what fell due, in one call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from wamm.testing.seeds import demo_seed, load_seed

# The plugin is loaded by every pytest run where wamm is installed: what the fixtures need
# (httpx, aiohttp, the SDK) is imported when a test first asks for one of them.
if TYPE_CHECKING:
    from wamm.client import AsyncClient, Client
    from wamm.client.control import Control
    from wamm.testing.server import WammServer
    from wamm.testing.threaded import ThreadedReceiver

SEED_OPTION = "wamm_seed"
MARKER = (
    "wamm_seed(seed): the seed wamm_server resets to for this test: a mapping, or a YAML / JSON "
    "file (a path relative to the test file)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `wamm_seed` ini option."""
    parser.addini(
        SEED_OPTION,
        "Seed file (YAML or JSON, relative to the ini file) wamm_server resets to before each "
        "test; default: the demo seed with a manual clock.",
        type="paths",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the `wamm_seed` marker."""
    config.addinivalue_line("markers", MARKER)


class WammClock:
    """The server's virtual clock, for tests on a manual clock (the default seed's)."""

    def __init__(self, control: Control) -> None:
        self.control = control

    def now(self) -> float:
        """The server's current (virtual) unix time."""
        now: float = self.control.clock()["now"]
        return now

    def advance(self, seconds: float) -> dict[str, int]:
        """Move time forward by `seconds`, then wait until every webhook that fell due is
        delivered (or rescheduled); returns the outbox by state."""
        return self.control.settle(seconds)


def _marker_seed(marker: pytest.Mark, test_file: Path) -> dict[str, Any]:
    (value,) = marker.args
    if isinstance(value, Mapping):
        return dict(value)
    return load_seed(test_file.parent / value)


@pytest.fixture
def wamm_seed(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The seed `wamm_server` resets to before the test: the `wamm_seed` marker's, else the
    `wamm_seed` ini option's file, else `wamm.testing.demo_seed()`. Override this fixture to
    build one in code (it may ask for the original `wamm_seed` and change it)."""
    marker = request.node.get_closest_marker(SEED_OPTION)
    if marker is not None:
        return _marker_seed(marker, request.path)
    paths: list[Path] = request.config.getini(SEED_OPTION)
    return load_seed(paths[0]) if paths else demo_seed()


@pytest.fixture(scope="session")
def wamm_session_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WammServer]:
    """The session's wamm process (empty SQLite database); `wamm_server` resets it per test."""
    from wamm.testing.server import running_wamm  # noqa: PLC0415 - loaded once it is needed

    # Deliveries in the server's own process, whatever WAMM_DELIVERY_PROCESS says: a drain
    # right after a clock advance needs no second process to notice the new time first.
    with running_wamm(
        tmp_path_factory.mktemp("wamm"), "--no-demo", "--no-delivery-process"
    ) as server:
        yield server


@pytest.fixture
def wamm_server(wamm_session_server: WammServer, wamm_seed: dict[str, Any]) -> WammServer:
    """The running wamm, reset to `wamm_seed`: `base_url`, `graph_url`, the seed's `token`,
    `waba_id`, `phone_number_id`, `app_id`, `app_secret`, `control` (the control API) and
    `point_pywa(wa)`."""
    server = wamm_session_server.with_seed(wamm_seed)
    server.reset(wamm_seed)
    return server


@pytest.fixture
def wamm_client(wamm_server: WammServer) -> Iterator[Client]:
    """The SDK's blocking `Client`, with the seed's token, bound to `wamm_server`."""
    with wamm_server.client() as client:
        yield client


@pytest.fixture
def wamm_async_client(wamm_server: WammServer) -> Iterator[AsyncClient]:
    """The SDK's `AsyncClient`, bound to `wamm_server`. It keeps no connection open between
    requests, so any event loop may use it (pytest-asyncio, anyio, `asyncio.run`)."""
    client = wamm_server.async_client()
    yield client
    loop = asyncio.new_event_loop()  # its own loop: the test's may be gone, or still set
    try:
        loop.run_until_complete(client.aclose())
    finally:
        loop.close()


@pytest.fixture
def wamm_webhooks(wamm_server: WammServer) -> Iterator[ThreadedReceiver]:
    """A webhook receiver on a free loopback port, in a background thread, registered as the
    seed app's callback: `statuses()`, `updates()`, `deliveries()`, `wait_for(...)`."""
    with wamm_server.receive_webhooks() as hooks:
        yield hooks


@pytest.fixture
def wamm_clock(wamm_server: WammServer) -> WammClock:
    """`advance(seconds)`: move the virtual clock and deliver the webhooks that fell due."""
    return WammClock(wamm_server.control)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the log of every wamm server a failed test used to its report."""
    report: pytest.TestReport = yield
    if report.failed:
        from wamm.testing.server import WammServer  # noqa: PLC0415 - as above

        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        servers = {v.log_path: v for v in funcargs.values() if isinstance(v, WammServer)}
        for server in servers.values():
            report.sections.append((f"wamm server log ({server.base_url})", server.log()))
    return report

"""The fault matrix at test sizes (docs/reliability.md): real `wamm serve` processes and webhook
receivers on loopback, driven by the scenarios of `wamm.testing.faults`, which
`python3 dev bench faults` runs larger for the figures.

Each scenario runs once per module (and backend); the tests below assert its figures: no
acknowledged send lost to kill -9, every status delivered at least once and in life-cycle
order, one slow receiver delaying only its own app, no 5xx while resets run, delivered webhooks
pruned after the retention period.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.conftest import postgres_schema
from wamm.testing import faults
from wamm.testing.arrivals import Arrivals
from wamm.testing.faults import KillFigures, ReceiverFigures, ResetFigures, SlowFigures

pytestmark = pytest.mark.faults

T = TypeVar("T")
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
KILL_AFTER = 200  # acknowledged sends before the SIGKILL
RECOVERY_LIMIT = 20.0  # seconds from the restart (start-up included) until every status is in
FAIR_LIMIT = 2.0  # real seconds for the healthy app's statuses while the other app's hang
RESETS = 20  # enough for today's sequence collisions to show on both backends, every run
MESSAGES = 20


@contextlib.contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "postgres":
        with postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'faults.db'}"


def once_per_backend(
    factory: pytest.TempPathFactory, scenario: Callable[[Path, str], T]
) -> Callable[[str], T]:
    """`scenario(directory, database_url)` run at most once per backend; later calls reuse
    its figures."""
    figures: dict[str, T] = {}

    def run(backend: str) -> T:
        if backend not in figures:
            directory = factory.mktemp(f"faults-{backend}")
            with database(backend, directory) as url:
                figures[backend] = scenario(directory, url)
        return figures[backend]

    return run


# --- kill -9 under load ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], KillFigures]:
    def scenario(directory: Path, url: str) -> KillFigures:
        return faults.kill_under_load(
            directory, url, kill_after=KILL_AFTER, recovery_limit=RECOVERY_LIMIT
        )

    return once_per_backend(tmp_path_factory, scenario)


@pytest.mark.parametrize("backend", ["sqlite", POSTGRES])
def test_kill_9_under_load_loses_no_acknowledged_send(
    killed: Callable[[str], KillFigures], backend: str
) -> None:
    figures = killed(backend)
    assert figures.acked >= KILL_AFTER
    assert figures.leased_at_kill > 0  # webhooks were in flight too
    assert (figures.lost, figures.found) == (0, figures.acked)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_kill_9_under_load_every_status_arrives_within_seconds_of_the_restart(
    killed: Callable[[str], KillFigures], backend: str
) -> None:
    figures = killed(backend)
    assert figures.arrivals.complete, figures
    assert figures.recovery_seconds is not None
    assert figures.recovery_seconds < RECOVERY_LIMIT


# --- the receiver fails ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> ReceiverFigures:
    directory = tmp_path_factory.mktemp("outage")
    with database("sqlite", directory) as url:
        return faults.receiver_down_then_back(directory, url, messages=MESSAGES, outage=60.0)


def test_receiver_down_then_back_gets_every_status_once_in_order(outage: ReceiverFigures) -> None:
    every_status_once = Arrivals(MESSAGES, 3 * MESSAGES, 3 * MESSAGES, 0, 0)
    assert outage.arrivals == every_status_once
    # The clock moves 10 s at a time: attempts at 10, then 5, 10, 20 and 40 s after each
    # failure (20, 30, 50, 90). Back at 60, the receiver gets everything at 90.
    assert outage.virtual_wait == 30.0


@pytest.fixture(scope="module")
def errors(tmp_path_factory: pytest.TempPathFactory) -> ReceiverFigures:
    directory = tmp_path_factory.mktemp("errors")
    with database("sqlite", directory) as url:
        return faults.receiver_errors_then_ok(directory, url, messages=MESSAGES, failures=MESSAGES)


def test_receiver_500_then_ok_gets_every_status_at_the_first_retry(
    errors: ReceiverFigures,
) -> None:
    assert errors.arrivals.complete
    assert errors.arrivals.duplicates == 0
    assert errors.virtual_wait == faults.RETRY_SECONDS


def test_receiver_500_then_ok_keeps_each_message_in_event_order(errors: ReceiverFigures) -> None:
    assert errors.arrivals.out_of_order == 0


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> SlowFigures:
    directory = tmp_path_factory.mktemp("slow")
    with database("sqlite", directory) as url:
        return faults.slow_receiver(directory, url, messages=40, limit=FAIR_LIMIT)


def test_slow_receiver_gets_every_status_at_least_once(slow: SlowFigures) -> None:
    assert slow.slow.arrivals.complete
    assert slow.slow.virtual_wait is not None


def test_slow_receiver_does_not_delay_another_apps_webhooks(slow: SlowFigures) -> None:
    assert slow.other_seconds is not None
    assert slow.other_seconds < FAIR_LIMIT


# --- reset under load --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reset_runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ResetFigures]:
    def scenario(directory: Path, url: str) -> ResetFigures:
        return faults.reset_under_load(directory, url, resets=RESETS, sends_between=20)

    return once_per_backend(tmp_path_factory, scenario)


@pytest.mark.parametrize("backend", ["sqlite", POSTGRES])
def test_reset_under_load_keeps_every_send_acknowledged_after_it(
    reset_runs: Callable[[str], ResetFigures], backend: str
) -> None:
    figures = reset_runs(backend)
    assert len(figures.during.acked) >= RESETS * 20
    assert figures.after_found == len(figures.after.acked) > 0


@pytest.mark.parametrize("backend", ["sqlite", POSTGRES])
def test_reset_under_load_answers_sends_200_or_the_transient_503_only(
    reset_runs: Callable[[str], ResetFigures], backend: str
) -> None:
    """A send racing a reset may be refused with Meta's transient code 2 (HTTP 503, see
    docs/control-api.md); never a 500 or a 401 (the state is replaced in one transaction)."""
    figures = reset_runs(backend)
    assert figures.reset_failures == 0
    assert set(figures.during.by_status) <= {200, 503}
    assert set(figures.after.by_status) == {200}


# --- retention ---------------------------------------------------------------------------------


def test_delivered_webhooks_are_pruned_after_the_retention_period(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as url:
        figures = faults.retention(tmp_path, url, messages=5)
    assert figures.delivered == 15
    assert figures.left == 0

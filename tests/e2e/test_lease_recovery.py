"""A `wamm serve` on PostgreSQL killed with SIGKILL while its webhook POSTs are in flight: a new
process on the same database delivers them within seconds, not when their lease (~50 s with the
default `webhooks.timeout_seconds`) runs out. The dead process's advisory lock on its lease-owner
name went with its connection, which is how the new one knows the rows are abandoned.

The clock is manual and was advanced before the kill (virtual time is stored), so the restarted
process finds the same rows due. Processes are stopped by their PID only.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import postgres_schema
from tests.e2e.conftest import (
    LiveServer,
    free_port,
    running_process,
    threaded_holding_receiver,
    wamm_command,
    webhook_seed,
    write_seed,
)
from wamm.testing.seeds import WammIds
from wamm.testing.server import wait_until_healthy

pytestmark = pytest.mark.postgres

HOUR = 3600
AUDIENCE = [f"55119000060{i:02d}" for i in range(4)]
RECOVERY_SECONDS = 10.0  # the restarted process reclaims at start; the old lease was 50 s


@contextlib.contextmanager
def serving(directory: Path, database_url: str, *extra: str) -> Iterator[LiveServer]:
    port = free_port()
    log_path = directory / f"wamm-{port}.log"
    command = wamm_command(
        *("serve", "--host", "127.0.0.1", "--port", str(port), "--database", database_url),
        *("--no-demo", *extra),
    )
    with running_process(command, log_path) as process:
        ids = WammIds.from_seed(sd.seed())
        server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, directory, ids)
        wait_until_healthy(server)
        yield server


def test_a_restart_delivers_what_a_killed_process_had_in_flight_within_seconds(
    tmp_path: Path,
) -> None:
    with postgres_schema() as database_url, threaded_holding_receiver() as receiver:
        seed = write_seed(tmp_path, webhook_seed(receiver.url))
        with serving(tmp_path, database_url, "--seed", str(seed)) as first:
            wamids = {
                first.graph(f"{sd.SIGNED_PHONE}/messages", template_send(to=phone))["messages"][0][
                    "id"
                ]
                for phone in AUDIENCE
            }
            receiver.hold()
            first.control.advance(2 * HOUR)
            deadline = time.monotonic() + 15
            while len(receiver.held()) < len(wamids) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(receiver.held()) == len(wamids), first.log_path.read_text()
            first.kill()  # each message's `sent` is in flight, leased by the dead process
        receiver.release()

        with serving(tmp_path, database_url) as second:
            restarted = time.monotonic()
            summary = second.control.drain(RECOVERY_SECONDS)
            recovered_in = time.monotonic() - restarted
            assert summary == {"delivered": 3 * len(wamids)}, second.log_path.read_text()
        assert recovered_in < RECOVERY_SECONDS
        arrived = Counter((s["id"], s["status"]) for s in receiver.statuses())
        life = ("sent", "delivered", "read")
        assert arrived == Counter({(wamid, s): 1 for wamid in wamids for s in life})

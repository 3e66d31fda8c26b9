"""A reset on PostgreSQL never deadlocks with a reader: a transaction that read one table and
goes on to read another (as a catalog reload does) must not block the reset, nor the reset it."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from tests import seed_data as sd
from tests.conftest import postgres_schema
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed, reset_to_seed

pytestmark = pytest.mark.postgres
# Generous: the reset needs milliseconds; a reset waiting on the reader's lock never finishes.
RESET_TIMEOUT = 10.0


async def test_a_reset_runs_beside_a_reader_between_two_tables() -> None:
    with postgres_schema() as url:
        runtime = await Runtime.open(url)
        try:
            await apply_seed(runtime, sd.seed())
            async with await psycopg.AsyncConnection.connect(url) as reader:
                # The reader holds a share lock on a table listed late in a reset ...
                await reader.execute("SELECT count(*) FROM subscriptions")
                applied = await asyncio.wait_for(reset_to_seed(runtime, sd.seed()), RESET_TIMEOUT)
                # ... and then reads a table listed early: it is not waiting on the reset.
                cursor = await reader.execute("SELECT count(*) FROM apps")
                assert await cursor.fetchone() == (1,)  # its snapshot: the seed's one app
                await reader.commit()
        finally:
            await runtime.close()
    assert applied["app"] == 1

"""The rate-limit buckets the server processes of one SQLite file share (`shared_buckets`):
the same grants as one process's in-memory buckets, exact across processes, bounded in size."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wamm.core.ratelimit import TokenBuckets
from wamm.store.base import TokenRequest
from wamm.store.shared_buckets import SUFFIX, SharedBuckets

KEYS = ["number:1", "number:2", "pair:1:551190000001", "pair:1:551190000002"]
TAKES = st.lists(
    st.tuples(
        st.integers(0, len(KEYS) - 1),
        st.floats(0.0, 5.0),  # seconds since the take before
        st.sampled_from([0.0, 0.2, 1.0, 80.0]),  # rate per second
        st.integers(1, 45),  # capacity
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(takes=TAKES)
def test_takes_grant_what_one_processs_buckets_grant(
    tmp_path_factory: pytest.TempPathFactory, takes: list[tuple[int, float, float, int]]
) -> None:
    path = tmp_path_factory.mktemp("buckets") / "db"
    shared, model, now = SharedBuckets(str(path)), TokenBuckets(), 1000.0
    try:
        for key_index, elapsed, rate, capacity in takes:
            now += elapsed
            key = KEYS[key_index]
            got = shared.take_chain([TokenRequest(key, now, rate, capacity)])
            assert got == [model.take(key, now, rate, capacity)]
    finally:
        shared.close()


def test_a_chain_stops_at_its_first_refusal(tmp_path: Path) -> None:
    buckets = SharedBuckets(str(tmp_path / "db"))
    try:
        number, pair = TokenRequest("number:n", 10.0, 0.0, 1), TokenRequest("pair:p", 10.0, 0.0, 2)
        assert buckets.take_chain([number, pair]) == [(True, 0.0), (True, 1.0)]
        assert buckets.take_chain([number, pair]) == [(False, 0.0), (False, 1.0)]  # pair untried
        assert buckets.take_chain([pair]) == [(True, 0.0)]
    finally:
        buckets.close()


def _take_many(path: str, count: int) -> int:
    buckets = SharedBuckets(path)
    try:
        request = TokenRequest("number:busy", 50.0, 0.0, 150)
        return sum(buckets.take_chain([request])[0][0] for _ in range(count))
    finally:
        buckets.close()


def test_processes_taking_at_once_get_no_more_than_the_bucket_holds(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    SharedBuckets(path).close()  # the file laid out before the processes race
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        granted = pool.starmap(_take_many, [(path, 200)] * 3)
    assert sum(granted) == 150


def test_a_bucket_full_again_gives_its_record_to_another_key(tmp_path: Path) -> None:
    buckets = SharedBuckets(str(tmp_path / "db"), slots=2)
    try:
        for key in ("a", "b"):  # both records hold a bucket refilling until t = 1
            assert buckets.take_chain([TokenRequest(key, 0.0, 1.0, 1)])[0][0]
        # No record free or full again: the nearest to full is taken, and forgets its bucket.
        assert buckets.take_chain([TokenRequest("c", 0.5, 1.0, 1)])[0] == (True, 0.0)
        taken = [buckets.take_chain([TokenRequest(k, 0.5, 1.0, 1)])[0][0] for k in "ab"]
        assert sorted(taken) == [False, True]
        # Once full again every record may be taken: the table never fills up for good.
        assert all(buckets.take_chain([TokenRequest(k, 9.0, 1.0, 1)])[0][0] for k in "defg")
    finally:
        buckets.close()


def test_clearing_fills_every_bucket(tmp_path: Path) -> None:
    buckets = SharedBuckets(str(tmp_path / "db"))
    try:
        request = TokenRequest("number:n", 10.0, 0.0, 1)
        assert buckets.take_chain([request])[0][0] is True
        buckets.clear()
        assert buckets.take_chain([request])[0] == (True, 0.0)
    finally:
        buckets.close()


def test_a_file_of_another_layout_is_laid_out_again(tmp_path: Path) -> None:
    path = tmp_path / "db"
    (tmp_path / "db-buckets").write_bytes(b"\x01" * 100)
    buckets = SharedBuckets(str(path), slots=8)
    try:
        assert (tmp_path / "db-buckets").stat().st_size == 8 * 32
        assert buckets.take_chain([TokenRequest("k", 1.0, 0.0, 1)])[0] == (True, 0.0)
    finally:
        buckets.close()


def test_a_take_waits_while_another_holds_the_lock(tmp_path: Path) -> None:
    # The lock is first tried without letting the GIL go; a held lock must still be waited for.
    path = str(tmp_path / "db")
    buckets = SharedBuckets(path)
    other = os.open(path + SUFFIX, os.O_RDWR)  # its own open file: its own lock, as a process's
    results: list[list[tuple[bool, float]]] = []
    taker = threading.Thread(
        target=lambda: results.append(buckets.take_chain([TokenRequest("n", 1.0, 0.0, 1)]))
    )
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        taker.start()
        taker.join(timeout=0.2)
        assert taker.is_alive()  # waiting for the lock, not taking without it
        fcntl.flock(other, fcntl.LOCK_UN)
        taker.join()
        assert results == [[(True, 0.0)]]
    finally:
        os.close(other)
        buckets.close()

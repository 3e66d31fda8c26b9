"""The live message list: the events a page's stream sends, polled without sleeping."""

from __future__ import annotations

import pytest

from tests import seed_data as sd
from tests.conftest import Graph
from tests.inspector.conftest import rows, summer_sale
from wamm.server.inspector.live import (
    Event,
    MessageFilters,
    MessageWatch,
    parse_cursor,
    stream,
)
from wamm.service.runtime import Runtime


async def send(graph: Graph, to: str = sd.BR_PHONE) -> str:
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", summer_sale(to=to))
    assert response.status_code == 200, response.text
    wamid: str = response.json()["messages"][0]["id"]
    return wamid


def shown(events: list[Event], name: str) -> list[dict[str, str]]:
    return [row for e in events if e.name == name for row in rows(e.data, "message-row")]


async def test_a_new_message_then_its_status_changes(runtime: Runtime, graph: Graph) -> None:
    now = runtime.now()
    watch = MessageWatch(MessageFilters(), since=0, as_of=now)
    assert await watch.poll(runtime) == []
    wamid = await send(graph)

    events = await watch.poll(runtime)
    assert [e.name for e in events] == ["message"]
    (row,) = shown(events, "message")
    assert (row["data-wamid"], row["data-status"]) == (wamid, "accepted")
    assert "hx-swap-oob" not in row  # new rows go on top of the list
    assert parse_cursor(events[0].cursor) == (watch.since, now)
    assert await watch.poll(runtime) == []  # sent once

    await runtime.advance_clock(3600)
    events = await watch.poll(runtime)
    assert [e.name for e in events] == ["status", "clock"]
    (row,) = shown(events, "status")
    assert (row["data-wamid"], row["data-status"], row["hx-swap-oob"]) == (wamid, "read", "true")
    assert events[1].data == "2026-01-01 01:00:00 UTC"
    assert await watch.poll(runtime) == []


async def test_a_reconnected_stream_sends_only_what_changed_since_its_cursor(
    runtime: Runtime, graph: Graph
) -> None:
    first = await send(graph)
    watch = MessageWatch(MessageFilters(), since=0, as_of=runtime.now())
    (event,) = await watch.poll(runtime)
    cursor = parse_cursor(event.cursor)
    assert cursor is not None
    second = await send(graph)
    await runtime.advance_clock(3600)

    resumed = MessageWatch(MessageFilters(), *cursor)  # the browser's Last-Event-ID
    events = await resumed.poll(runtime)
    assert [(r["data-wamid"], r["data-status"]) for r in shown(events, "message")] == [
        (second, "read")
    ]
    assert [r["data-wamid"] for r in shown(events, "status")] == [first]


async def test_filters_apply_to_new_messages(runtime: Runtime, graph: Graph) -> None:
    watch = MessageWatch(
        MessageFilters.from_query({"recipient": sd.US_PHONE, "status": " ", "template": ""}),
        since=0,
        as_of=runtime.now(),
    )
    assert watch.filters == MessageFilters(recipient=sd.US_PHONE)
    await send(graph)
    assert await watch.poll(runtime) == []
    wamid = await send(graph, sd.US_PHONE)
    assert [r["data-wamid"] for r in shown(await watch.poll(runtime), "message")] == [wamid]
    only_failed = MessageWatch(MessageFilters(status="failed"), since=0, as_of=runtime.now())
    assert await only_failed.poll(runtime) == []


def test_events_are_written_as_server_sent_events() -> None:
    event = Event("message", "<tr>\n<td>x</td>\n</tr>", "7:1767225600.5")
    assert event.encode() == (
        "event: message\nid: 7:1767225600.5\ndata: <tr>\ndata: <td>x</td>\ndata: </tr>\n\n"
    )


@pytest.mark.parametrize("text", [None, "", "7", "x:1", "7:nan", "7:inf", "7:1:2"])
def test_a_bad_cursor_is_refused(text: str | None) -> None:
    assert parse_cursor(text) is None


async def test_a_stream_ends_after_its_time_and_asks_for_a_quick_reconnect(
    runtime: Runtime, graph: Graph
) -> None:
    await send(graph)
    watch = MessageWatch(MessageFilters(), since=0, as_of=runtime.now())
    chunks = [chunk async for chunk in stream(runtime, watch, seconds=0, tick=0)]
    assert chunks[0] == "retry: 250\n\n"
    assert [chunk.split("\n", 1)[0] for chunk in chunks[1:]] == ["event: message"]

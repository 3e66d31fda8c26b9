"""`fields=` parsing and selection, cursor paging."""

from __future__ import annotations

import pytest

from wamm.core.errors import GraphError
from wamm.core.fields import (
    FieldRequest,
    PageRequest,
    decode_cursor,
    encode_cursor,
    page_request,
    paged_body,
    paginate,
    parse_fields,
    select,
)


def test_parse_nested_and_modifiers() -> None:
    parsed = parse_fields(
        "name, owner{name,id},pricing_analytics.start(1).end(2).granularity(DAILY)"
    )
    assert parsed == (
        FieldRequest("name"),
        FieldRequest("owner", {}, (FieldRequest("name"), FieldRequest("id"))),
        FieldRequest("pricing_analytics", {"start": "1", "end": "2", "granularity": "DAILY"}),
    )


def test_modifier_values_may_hold_brackets_and_commas() -> None:
    parsed = parse_fields('x.dimensions(["COUNTRY","PHONE"])')
    assert parsed == (FieldRequest("x", {"dimensions": '["COUNTRY","PHONE"]'}),)


@pytest.mark.parametrize("text", ["a{b", "a}", "a.b", "a b", "a.b(c", "{a}"])
def test_syntax_errors_are_100(text: str) -> None:
    with pytest.raises(GraphError) as caught:
        parse_fields(text)
    assert caught.value.code == 100


def test_blank_means_default() -> None:
    assert parse_fields(None) is None
    assert parse_fields("  ") is None


def test_select_orders_id_and_omits_missing_values() -> None:
    getters = {"a": lambda _: 1, "b": lambda _: None, "c": lambda _: {"x": 1, "y": 2}}
    assert select("N", "7", getters, None, ("a", "b")) == {"id": "7", "a": 1}
    assert list(select("N", "7", getters, parse_fields("c{y},a"), ())) == ["c", "a", "id"]
    assert select("N", "7", getters, parse_fields("c{y}"), ()) == {"c": {"y": 2}, "id": "7"}


def test_unknown_field_names_the_node_type() -> None:
    with pytest.raises(GraphError) as caught:
        select("WhatsAppBusinessAccount", "1", {}, parse_fields("nope"), ())
    assert caught.value.message == (
        "(#100) Tried accessing nonexisting field (nope) on node type (WhatsAppBusinessAccount)"
    )


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor(42), "after") == 42
    for bad in ("%%%", encode_cursor(1)[:-2] + "zz", "d2hhdDo1"):
        with pytest.raises(GraphError):
            decode_cursor(bad, "after")


def test_page_request_limits() -> None:
    assert page_request({}) == PageRequest()
    assert page_request({"limit": "5000"}).limit == 1000
    assert page_request({"limit": "0"}).limit == 25
    for bad in ({"limit": "x"}, {"limit": "-1"}):
        with pytest.raises(GraphError):
            page_request(bad)


def test_paginate_forward_and_backward() -> None:
    items = list(range(10, 0, -1))  # positions 10..1, newest first

    def position(item: int) -> int:
        return item

    first = paginate(items, position, PageRequest(limit=4))
    assert (first.items, first.has_next, first.has_previous) == ([10, 9, 8, 7], True, False)
    second = paginate(items, position, PageRequest(limit=4, after=7))
    assert (second.items, second.has_next, second.has_previous) == ([6, 5, 4, 3], True, True)
    back = paginate(items, position, PageRequest(limit=4, before=6))
    assert (back.items, back.has_next, back.has_previous) == ([10, 9, 8, 7], True, False)
    body = paged_body(second.items, second, position, "http://h/x", {"limit": "4"})
    assert body["paging"]["next"] == f"http://h/x?limit=4&after={encode_cursor(3)}"
    assert body["paging"]["previous"] == f"http://h/x?limit=4&before={encode_cursor(6)}"

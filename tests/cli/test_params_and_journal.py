"""In-process pieces of the command line: the template value grammar and the campaign
journal's recovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wamm.cli.common import UsageError
from wamm.cli.journal import ACCEPTED, NOT_SENT, SENDING, UNRESOLVED, Journal, Outcome
from wamm.cli.params import ParameterKeyError, components, split_pair
from wamm.cli.recipients import read_recipients
from wamm.client.errors import ValidationError

CAMPAIGN = {"template": "summer_sale", "endpoint": "marketing_messages"}


def wire(values: dict[str, str]) -> list[dict[str, object]]:
    return [component.to_dict() for component in components(values)]


def test_positional_values_go_in_order() -> None:
    assert wire({"param_2": "20%", "1": "Ana", "body.3": "x", "button.0": "s", "header": "H"}) == [
        {"type": "header", "parameters": [{"type": "text", "text": "H"}]},
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Ana"},
                {"type": "text", "text": "20%"},
                {"type": "text", "text": "x"},
            ],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "0",
            "parameters": [{"type": "text", "text": "s"}],
        },
    ]


def test_named_values_and_empty_cells() -> None:
    assert wire({"first_name": "Ana", "body.code": "X1", "header.sale": "", "button.1": ""}) == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Ana", "parameter_name": "first_name"},
                {"type": "text", "text": "X1", "parameter_name": "code"},
            ],
        }
    ]
    assert wire({"header.sale": "Big"})[0]["parameters"] == [
        {"type": "text", "text": "Big", "parameter_name": "sale"}
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"First Name": "x"}, "not a template value key"),
        ({"button": "x"}, "not a template value key"),
        ({"param_0": "x"}, "not a template value key"),
        ({"1": "a", "name": "b"}, "all named or all positional"),
        ({"header": "a", "header.1": "b"}, "one header variable"),
    ],
)
def test_bad_keys(values: dict[str, str], message: str) -> None:
    with pytest.raises(ParameterKeyError, match=message):
        components(values)


def test_pairs() -> None:
    assert split_pair("2=a=b") == ("2", "a=b")
    assert split_pair(" code =X") == ("code", "X")
    with pytest.raises(ParameterKeyError, match="is not KEY=VALUE"):
        split_pair("Ana")


def test_a_bad_value_is_the_recipients_own_failure() -> None:
    with pytest.raises(ValidationError):
        components({"1": "   "})


def test_recipients_drop_repeats_and_pad_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\ufeffPhone,Param_1\n5511987654321,Ana\n\n5511987654321,Again\n447700900123\n")
    loaded = read_recipients(path)
    assert [(r.address, r.values) for r in loaded.rows] == [
        ("5511987654321", {"param_1": "Ana"}),
        ("447700900123", {"param_1": ""}),
    ]
    assert loaded.duplicates == 1


def test_the_journal_resumes_and_cuts_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "c.state.jsonl"
    first = Journal.open(path, CAMPAIGN)
    for outcome in [
        Outcome("a", SENDING),
        Outcome("a", ACCEPTED, wamid="wamid.A"),
        Outcome("b", SENDING),  # the process died here: b may have been accepted
        Outcome("c", SENDING),
        Outcome("c", NOT_SENT),
    ]:
        first.record(outcome)
    first.close()
    with path.open("a") as file:
        file.write('{"recipient": "d", "sta')  # torn by a crash

    again = Journal.open(path, CAMPAIGN)
    again.close()
    assert again.campaign_id == first.campaign_id
    assert {r: o.state for r, o in again.outcomes.items()} == {
        "a": ACCEPTED,
        "b": UNRESOLVED,
        "c": NOT_SENT,
    }
    assert [again.state_of(r) for r in "abcd"] == ["accepted", "unresolved", "pending", "pending"]
    assert path.read_text().endswith("}\n")


def test_the_journal_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "c.state.jsonl"
    Journal.open(path, CAMPAIGN).close()
    with pytest.raises(Exception, match="belongs to another campaign"):
        Journal.open(path, {**CAMPAIGN, "template": "other"})
    path.write_text(json.dumps({"not": "a journal"}) + "\n")
    with pytest.raises(Exception, match="is not a wamm campaign state file"):
        Journal.open(path, CAMPAIGN)


def test_a_state_file_that_cannot_be_opened_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "c.state.jsonl").mkdir()
    with pytest.raises(UsageError) as raised:
        Journal.open(tmp_path / "c.state.jsonl", CAMPAIGN)
    assert raised.value.format_message() == (
        f"Invalid value for --state: cannot use the state file {tmp_path / 'c.state.jsonl'}: "
        f"[Errno 21] Is a directory: '{tmp_path / 'c.state.jsonl'}'"
    )

"""`wamm campaign`: reports, live counts, and resuming after an interruption without ever
sending twice to a recipient already accepted."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, Result, cli_env, no_traceback
from tests.client.silent import silent_server
from wamm.testing.process import stop_process, wamm_command
from wamm.testing.seeds import demo_seed
from wamm.testing.server import WammServer, running_wamm

ANA_BSUID = "BR.13491208655302741918"
SALE = ("--template", "summer_sale")
INTERRUPT_TIMEOUT = 30.0


def write_recipients(path: Path, phones: list[str]) -> Path:
    """A recipients file for summer_sale: phone, param_1, param_2, button.0."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["phone", "param_1", "param_2", "button.0"])
        writer.writerows(
            [phone, f"Customer {i}", "20%", "summer"] for i, phone in enumerate(phones)
        )
    return path


def audience(count: int, prefix: str = "4477009") -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(count)]


def accepted_per_recipient(server: WammServer) -> Counter[str]:
    return Counter(m["recipient"].get("input") for m in server.control.messages())


def test_a_campaign_prints_a_summary_and_writes_reports(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    (tmp_path / "audience.csv").write_text(
        "phone,recipient,param_1,param_2,button.0\n"
        "5511987654321,,Ana,20%,summer\n"
        ",BR.13491208655302741918,Ana,10%,summer\n"
        "447700900123,,Oliver,15%,summer\n"
        "447700900123,,Oliver again,15%,summer\n"
        "not-a-number,,Nobody,5%,summer\n"
    )
    human = cli("campaign", *SALE, "--recipients", "audience.csv", "--report", "report.csv")
    assert human.code == 0, human.stderr
    assert "campaign summary" in human.stdout and "100 ValidationError" in human.stdout
    assert "\r" not in human.stderr and "━" not in human.stderr  # no live bar without a TTY
    with (tmp_path / "report.csv").open() as file:
        rows = {row["recipient"]: row for row in csv.DictReader(file)}
    assert {r: rows[r]["status"] for r in rows} == {
        "5511987654321": "accepted",
        ANA_BSUID: "accepted",
        "447700900123": "accepted",
        "not-a-number": "failed",
    }
    assert rows["not-a-number"]["error_class"] == "ValidationError"
    assert rows[ANA_BSUID]["wamid"].startswith("wamid.")
    assert sum(accepted_per_recipient(wamm_server).values()) == 3

    again = cli(
        "campaign", *SALE, "--recipients", "audience.csv", "--report", "report.json", "--json"
    )
    assert again.code == 0, again.stderr
    assert again.json()["report"] == "report.json"
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["accepted"] == 3 and report["summary"]["this_run"]["sent"] == 0
    assert report["summary"]["duplicate_rows"] == 1
    assert report["campaign"]["template"] == "summer_sale"
    assert sum(accepted_per_recipient(wamm_server).values()) == 3  # nothing sent twice


def test_json_output_and_retrying_failures(cli: Cli, tmp_path: Path) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321", "x"])
    first = cli("campaign", *SALE, "--recipients", "a.csv", "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert (summary["accepted"], summary["failed"]) == (1, 1)
    assert summary["state"] == "a.state.jsonl"

    retried = cli("campaign", *SALE, "--recipients", "a.csv", "--json", "--retry-failed")
    assert retried.json()["this_run"] == {**retried.json()["this_run"], "sent": 1, "failed": 1}


def test_a_state_file_of_another_campaign_is_refused(cli: Cli, tmp_path: Path) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    assert cli("campaign", *SALE, "--recipients", "a.csv").code == 0
    other = cli("campaign", "--template", "flash_deal", "--recipients", "a.csv")
    assert other.code == 2
    assert "belongs to another campaign" in other.stderr
    no_traceback(other)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name\nAna\n", "no phone, to or recipient column"),
        ("phone,first name\n5511987654321,Ana\n", "'first name' is not a template value key"),
        ("phone,param_1\n,Ana\n", "row 2: no phone number or recipient"),
    ],
)
def test_recipients_file_mistakes_exit_2(
    cli: Cli, tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "bad.csv").write_text(content)
    result = cli("campaign", *SALE, "--recipients", "bad.csv")
    assert result.code == 2, result.stderr
    assert message in result.stderr
    no_traceback(result)


def test_a_bad_token_halts_the_campaign_and_leaves_everyone_to_send(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    write_recipients(tmp_path / "a.csv", audience(5))
    halted = cli("campaign", *SALE, "--recipients", "a.csv", "--json", WAMM_TOKEN="wrong")
    assert halted.code == 1
    assert halted.json()["error"]["code"] == 190
    resumed = cli("campaign", *SALE, "--recipients", "a.csv", "--json")
    assert resumed.code == 0, resumed.stderr
    assert resumed.json()["accepted"] == 5
    assert accepted_per_recipient(wamm_server) == Counter(audience(5))


def rate_limited_seed() -> dict[str, Any]:
    """The demo seed on a real-time clock, Acme's number limited to 2 messages/s."""
    seed = demo_seed()
    seed["settings"]["clock"] = "realtime"
    seed["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 2
    return seed


@pytest.mark.wamm_seed(rate_limited_seed())
def test_rate_limit_answers_are_counted_and_retried(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    write_recipients(tmp_path / "a.csv", audience(4))
    result = cli("campaign", *SALE, "--recipients", "a.csv", "--json", "--concurrency", "4")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["accepted"] == 4
    assert summary["this_run"]["rate_limited"] >= 1  # 130429, retried by the SDK
    assert accepted_per_recipient(wamm_server) == Counter(audience(4))


def start_campaign(server: WammServer, directory: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        wamm_command("campaign", *SALE, "--recipients", "a.csv", *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(server),
        cwd=directory,
    )


def wait_for_accepted(state: Path, count: int) -> None:
    deadline = time.monotonic() + INTERRUPT_TIMEOUT
    while time.monotonic() < deadline:
        if state.exists() and state.read_text().count('"accepted"') >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} accepted in {state}")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_an_interrupted_campaign_resumes_without_sending_twice(
    tmp_path: Path, wamm_server: WammServer, stop_signal: signal.Signals
) -> None:
    everyone = audience(40)
    write_recipients(tmp_path / "a.csv", everyone)
    slow = start_campaign(wamm_server, tmp_path, "--rate", "8", "--concurrency", "4", "--json")
    try:
        wait_for_accepted(tmp_path / "a.state.jsonl", 10)
        slow.send_signal(stop_signal)
        stdout, stderr = slow.communicate(timeout=INTERRUPT_TIMEOUT)
    finally:
        stop_process(slow)  # type: ignore[arg-type]
    assert slow.returncode == 128 + stop_signal, stderr
    first = Result(slow.returncode, stdout, stderr).json()
    assert first["interrupted"] and 10 <= first["accepted"] < 40
    assert first["pending"] == 40 - first["accepted"]

    resumed = start_campaign(wamm_server, tmp_path, "--rate", "200", "--json")
    stdout, stderr = resumed.communicate(timeout=INTERRUPT_TIMEOUT)
    assert resumed.returncode == 0, stderr
    assert json.loads(stdout)["this_run"]["sent"] == 40 - first["accepted"]
    assert accepted_per_recipient(wamm_server) == Counter(everyone)  # each exactly once


# --- options, paths and the ways a campaign can stop ------------------------------------------


def stored(server: WammServer) -> list[dict[str, Any]]:
    """The server's messages, oldest first."""
    return list(reversed(server.control.messages()))


def test_the_report_s_directory_is_created(cli: Cli, tmp_path: Path) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    done = cli("campaign", *SALE, "--recipients", "a.csv", "--report", "out/summer.json")
    assert done.code == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "summer.json",
        "summer.state.jsonl",
    ]


@pytest.mark.parametrize(
    ("option", "path", "message"),
    [
        (
            "--report",
            "a.csv/summer.json",
            "Invalid value for --report: cannot create the directory a.csv: File exists",
        ),
        (
            "--state",
            "a.csv/runs/summer.jsonl",
            "Invalid value for --state: cannot create the directory a.csv/runs: Not a directory",
        ),
    ],
)
def test_an_unusable_report_or_state_path_stops_before_sending(
    cli: Cli, tmp_path: Path, wamm_server: WammServer, option: str, path: str, message: str
) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    result = cli("campaign", *SALE, "--recipients", "a.csv", option, path)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert stored(wamm_server) == []


def test_an_explicit_state_file_is_created_and_resumed(cli: Cli, tmp_path: Path) -> None:
    write_recipients(tmp_path / "a.csv", audience(2))
    state = ("--state", "runs/summer.jsonl")
    first = cli("campaign", *SALE, "--recipients", "a.csv", *state, "--json")
    assert first.code == 0, first.stderr
    assert (first.json()["state"], first.json()["accepted"]) == ("runs/summer.jsonl", 2)
    header = json.loads((tmp_path / "runs" / "summer.jsonl").read_text().splitlines()[0])
    assert header["campaign"]["template"] == "summer_sale"
    assert not (tmp_path / "a.state.jsonl").exists()
    again = cli("campaign", *SALE, "--recipients", "a.csv", *state, "--json")
    assert again.json()["this_run"]["sent"] == 0


def test_endpoint_messages_goes_through_the_cloud_api(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    done = cli("campaign", *SALE, "--recipients", "a.csv", "--endpoint", "messages", "--json")
    assert (done.code, done.json()["accepted"]) == (0, 1), done.stderr
    (message,) = stored(wamm_server)
    assert (message["endpoint"], message["route"]) == ("messages", "cloud_api")


def test_product_policy_is_sent_and_kept_in_the_state(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    args = ("campaign", *SALE, "--recipients", "a.csv")
    strict = cli(*args, "--product-policy", "strict", "--json")
    assert (strict.code, strict.json()["accepted"]) == (0, 1), strict.stderr
    (message,) = stored(wamm_server)
    assert (message["product_policy"], message["route"]) == ("STRICT", "marketing_messages")
    other = cli(*args)  # the same state file, without the policy
    assert other.code == 2
    assert "belongs to another campaign ({'product_policy': ('STRICT', None)}" in other.stderr
    cloud = cli(*args, "--endpoint", "messages", "--product-policy", "STRICT")
    assert (cloud.code, cloud.stderr) == (
        2,
        "Error: Invalid value for --product-policy: only marketing_messages sends have a "
        "product policy\n",
    )


def test_language_picks_the_translation(cli: Cli, tmp_path: Path) -> None:
    write_recipients(tmp_path / "a.csv", ["5511987654321"])
    done = cli(
        "campaign", *SALE, "--recipients", "a.csv", "--language", "pt_BR", "--report", "r.json"
    )
    assert done.code == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["campaign"]["language"] == "pt_BR"
    (row,) = report["recipients"]
    assert (row["status"], row["error_code"], row["error_class"]) == (
        "failed",
        132001,
        "TemplateError",
    )
    assert row["error_details"] == "template name (summer_sale) does not exist in pt_BR"


def test_a_send_without_an_answer_is_unresolved_and_resent_only_when_asked(
    cli: Cli, tmp_path: Path, wamm_server: WammServer
) -> None:
    everyone = audience(3)
    write_recipients(tmp_path / "a.csv", everyone)
    args = ("campaign", *SALE, "--recipients", "a.csv", "--json")
    with silent_server(hang_up=True) as nobody_answers:
        lost = cli(*args, WAMM_BASE_URL=nobody_answers)
    assert lost.code == 0, lost.stderr
    assert (lost.json()["unresolved"], lost.json()["pending"]) == (3, 0)
    lines = [json.loads(line) for line in (tmp_path / "a.state.jsonl").read_text().splitlines()]
    assert {line["state"] for line in lines[1:]} == {"sending", "unresolved"}
    assert lines[-1]["error"]["class"] == "AmbiguousSendError"

    kept = cli(*args)
    assert (kept.json()["this_run"]["sent"], kept.json()["unresolved"]) == (0, 3)
    resent = cli(*args, "--resend-unresolved")
    assert resent.code == 0, resent.stderr
    assert (resent.json()["this_run"]["sent"], resent.json()["accepted"]) == (3, 3)
    assert accepted_per_recipient(wamm_server) == Counter(everyone)


def test_a_server_that_goes_away_halts_the_campaign_with_exit_3(tmp_path: Path) -> None:
    everyone = audience(60)
    write_recipients(tmp_path / "a.csv", everyone)
    database = tmp_path / "wamm.db"
    report = ("--report", "r.json", "--json")
    with running_wamm(tmp_path, database_path=database) as server:
        campaign = start_campaign(server, tmp_path, "--rate", "10", "--concurrency", "2", *report)
        try:
            wait_for_accepted(tmp_path / "r.state.jsonl", 5)
            stop_process(server.process)
            stdout, stderr = campaign.communicate(timeout=INTERRUPT_TIMEOUT)
        finally:
            stop_process(campaign)  # type: ignore[arg-type]
    assert campaign.returncode == 3, stderr
    halted = json.loads(stdout)
    assert halted["error"]["class"] == "NetworkError"
    assert halted["error"]["message"].startswith(f"cannot reach {server.base_url}: ConnectError")
    assert halted["accepted"] >= 5 and halted["pending"] > 0 and not halted["interrupted"]
    assert halted["accepted"] + halted["unresolved"] + halted["pending"] == 60

    with running_wamm(tmp_path, database_path=database) as again:  # the same database
        resumed = start_campaign(again, tmp_path, "--rate", "200", *report)
        stdout, stderr = resumed.communicate(timeout=INTERRUPT_TIMEOUT)
        stored_once = Counter(m["recipient"]["input"] for m in again.control.messages())
    assert resumed.returncode == 0, stderr
    assert json.loads(stdout)["this_run"]["sent"] == halted["pending"]
    rows = json.loads((tmp_path / "r.json").read_text())["recipients"]
    unresolved = {row["recipient"] for row in rows if row["status"] == "unresolved"}
    assert len(unresolved) == halted["unresolved"]  # may have been accepted: not resent
    assert set(everyone) - unresolved <= set(stored_once)
    assert set(stored_once.values()) == {1}  # nobody got it twice

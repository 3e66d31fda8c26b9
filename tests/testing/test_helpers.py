"""The pieces behind the plugin: seeds and their ids, the control client, the threaded
receiver, and processes stopped by PID."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import wamm.testing
from tests.docstrings import undocumented
from wamm import client
from wamm.client import TemplateMessage
from wamm.client import control as control_module
from wamm.client import parameters as p
from wamm.client.control import Control, ControlError
from wamm.server.app import read_seed
from wamm.testing import control as legacy_control
from wamm.testing.process import free_port, kill_process, stop_process
from wamm.testing.seeds import SeedFileError, WammIds, demo_seed, load_seed
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver


def test_the_demo_seed_for_tests() -> None:
    seed = demo_seed()
    assert seed["settings"]["clock"] == "manual"
    assert all(
        waba["subscribed_apps"] == ["900000000000001"]
        for business in seed["businesses"]
        for waba in business["wabas"]
    )
    seed["users"].clear()
    assert demo_seed()["users"], "each call returns a fresh copy"


def test_ids_of_a_seed() -> None:
    seed = demo_seed()
    assert WammIds.from_seed(seed) == WammIds(
        token="wamm-demo-token",
        business_id="800000000000001",
        waba_id="102290129340398",
        phone_number_id="106540352242922",
        app_id="900000000000001",
        app_secret="demo-app-secret",
    )
    assert WammIds.from_seed(seed, "800000000000002").waba_id == "102290129340399"
    assert WammIds.from_seed({}) == WammIds()
    with pytest.raises(LookupError, match="no business 'Nope' \\(it has: Acme, Globex"):
        WammIds.from_seed(seed, "Nope")


def test_load_seed_explains_bad_files(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- 1\n")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    with pytest.raises(SeedFileError, match="is not a YAML / JSON mapping"):
        load_seed(tmp_path / "list.yaml")
    with pytest.raises(SeedFileError, match="cannot read seed file"):
        load_seed(tmp_path / "broken.yaml")
    with pytest.raises(SeedFileError, match="cannot read template file"):
        load_seed(tmp_path / "missing.yaml", "template file")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name: [a\nb: c\n",
            "line 2, column 2: expected ',' or ']', but got ':' (while parsing a flow sequence "
            "at line 1, column 7)",
        ),
        ("a: b\n  c: d\n", "line 2, column 4: mapping values are not allowed here"),
        (
            "a:\n\t- b\n",
            "line 2, column 1: found character '\\t' that cannot start any token (while "
            "scanning for the next token)",
        ),
        (
            "a: \x01\n",
            "unacceptable character #x0001: special characters are not allowed at position 3",
        ),
    ],
    ids=["flow", "mapping", "tab", "control-character"],
)
def test_a_yaml_error_is_one_line_with_its_position(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(SeedFileError) as raised:
        load_seed(path)
    assert str(raised.value) == f"cannot read seed file {path}: {problem}"


def test_json_seed_files_are_read_as_the_server_reads_them(tmp_path: Path) -> None:
    """One reader: `1e1` in a `.json` seed is the number 10.0 for the plugin and the CLI, as
    for the server (YAML 1.1 alone would read it as the string '1e1')."""
    path = tmp_path / "seed.json"
    path.write_text('{"settings": {"rng_seed": 7, "template_review_seconds": 1e1}}')
    assert (
        load_seed(path)
        == read_seed(path)
        == {"settings": {"rng_seed": 7, "template_review_seconds": 10.0}}
    )


def test_every_public_name_has_a_docstring() -> None:
    assert undocumented(wamm.testing) == []


def test_control_follows_the_cursor(
    wamm_server: WammServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    promo = TemplateMessage("max_price_promo", components=[p.body(p.text("Ana"))])
    audience = [f"44770090{i:04d}" for i in range(5)]
    with wamm_server.client() as client:
        report = client.send_campaign(wamm_server.phone_number_id, promo, audience)
    assert report.summary.accepted == 5
    monkeypatch.setattr(control_module, "PAGE_LIMIT", 2)
    assert sorted(m["recipient"]["input"] for m in wamm_server.control.messages()) == audience


def test_the_control_client_is_the_sdks_and_still_importable_from_testing() -> None:
    assert legacy_control.Control is client.Control is Control
    assert legacy_control.ControlError is client.ControlError is ControlError


def test_control_errors(wamm_server: WammServer) -> None:
    with pytest.raises(ControlError) as raised:
        wamm_server.control.message("wamid.nothing")
    assert raised.value.status_code == 404 and b'"error"' in raised.value.body
    unreachable = Control(f"http://127.0.0.1:{free_port()}", timeout=1)
    assert not unreachable.health()
    with pytest.raises(ControlError) as refused:
        unreachable.state()
    assert refused.value.status_code == 0


def test_the_threaded_receiver_checks_signatures_and_can_fail(
    wamm_server: WammServer, wamm_webhooks: ThreadedReceiver
) -> None:
    assert wamm_webhooks.verifications == 1  # the handshake when it became the callback
    wamm_webhooks.fail_next(500)
    wamm_server.control(
        "POST",
        "/inbound",
        json={
            "phone_number_id": wamm_server.phone_number_id,
            "from": "5511987654321",
            "text": "Hi",
        },
    )
    wamm_server.control.drain()
    assert wamm_webhooks.deliveries() == []  # answered 500: wamm will retry
    wamm_server.control.settle(60)  # the retry falls due
    (update,) = wamm_webhooks.updates()
    assert type(update).__name__ == "MessageUpdate"
    assert wamm_webhooks.changes("messages") and not wamm_webhooks.changes("account_update")
    with pytest.raises(TimeoutError, match="received 1 deliveries"):
        wamm_webhooks.wait_for(lambda hooks: len(hooks.deliveries()) > 1, timeout=0.1)


def test_processes_are_stopped_by_pid() -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kill_process(sleeper)
    with pytest.raises(AssertionError, match="already exited"):
        kill_process(sleeper)
    stop_process(sleeper)  # already gone: nothing to do
    patient = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_process(patient)
    assert patient.returncode is not None

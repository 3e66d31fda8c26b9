"""The pytest plugin as its users get it: the `wamm` entry point loads it into their own pytest
runs (here: `pytester` sessions in a subprocess, each with its own wamm server)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

# Each inner session gets its own ini: warnings are errors, pytest-asyncio stays out.
INI = "[pytest]\nfilterwarnings = error\naddopts = -p no:asyncio -p no:cacheprovider\n"

FIXTURES_TOGETHER = """
import asyncio

from wamm.client import TemplateMessage
from wamm.client import parameters as p

SALE = TemplateMessage("flash_deal", "en_US", [
    p.body(p.text("Ana", name="first_name"), p.text("X1", name="code")),
])


def test_the_server_describes_the_demo_seed(wamm_server):
    assert wamm_server.base_url.startswith("http://127.0.0.1:")
    assert wamm_server.graph_url == wamm_server.base_url + "/v25.0"
    assert (wamm_server.token, wamm_server.waba_id) == ("wamm-demo-token", "102290129340398")
    assert wamm_server.phone_number_id == "106540352242922"
    assert (wamm_server.app_id, wamm_server.app_secret) == ("900000000000001", "demo-app-secret")
    assert wamm_server.ids_for("Initech").phone_number_id == "106540352242924"
    assert wamm_server.control.clock() == {"mode": "manual", "now": 1767225600.0}


def test_a_send_and_its_webhooks(wamm_server, wamm_client, wamm_webhooks, wamm_clock):
    sent = wamm_client.send_marketing(wamm_server.phone_number_id, SALE, to="5511987654321")
    assert wamm_webhooks.statuses() == []  # the clock has not moved
    assert wamm_clock.advance(3600) == {"delivered": 3}
    statuses = [u.status.status for u in wamm_webhooks.status_updates()]
    assert statuses == ["sent", "delivered", "read"]
    assert wamm_webhooks.wait_for(lambda hooks: len(hooks.deliveries()) == 3, timeout=1)
    assert wamm_clock.now() == 1767225600.0 + 3600
    assert [m["wamid"] for m in wamm_server.control.messages()] == [sent.wamid]
    assert len(wamm_server.control.webhooks(state="delivered")) == 3


def test_every_test_starts_from_the_seed(wamm_server):
    assert wamm_server.control.messages() == []
    assert wamm_server.control.clock()["now"] == 1767225600.0


def test_the_async_client(wamm_server, wamm_async_client):
    async def onboarding():
        waba = await wamm_async_client.get_waba(wamm_server.waba_id)
        return waba.marketing_messages_onboarding_status

    assert asyncio.run(onboarding()) == "ONBOARDED"
    assert asyncio.run(onboarding()) == "ONBOARDED"  # another loop: no connection is kept


def test_pywa_re_pointed(wamm_server):
    import httpx
    from pywa import WhatsApp
    from pywa.types import templates as t

    with httpx.Client() as session:
        wa = wamm_server.point_pywa(WhatsApp(
            phone_id=wamm_server.phone_number_id, token=wamm_server.token,
            waba_id=wamm_server.waba_id, session=session,
        ))
        sent = wa.send_template(
            to="5511987654321", name="max_price_promo", language=t.TemplateLanguage.ENGLISH_US,
            params=[t.BodyText.params("Ana")], use_mm_lite_api=True,
        )
    assert wamm_server.control.message(sent.id)["route"] == "marketing_messages"
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makeini(INI)
    return pytester.runpytest_subprocess(*args)


def test_the_entry_point_names_the_plugin() -> None:
    (point,) = [ep for ep in entry_points(group="pytest11") if ep.name == "wamm"]
    assert point.value == "wamm.testing.plugin"


def test_the_fixtures_work_together(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_together=FIXTURES_TOGETHER)
    run(pytester).assert_outcomes(passed=5)


def test_without_the_plugin_there_are_no_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_server(wamm_server):\n    pass\n")
    result = run(pytester, "-p", "no:wamm")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'wamm_server' not found*"])


SEED_FILE = """
settings: {clock: manual, clock_start: 1000, template_review: auto}
apps: [{id: "900000000000009", secret: "file-secret"}]
businesses:
  - id: "800000000000009"
    name: Filed
    mm_terms: signed
    wabas:
      - id: "102290129340409"
        name: Filed WA
        subscribed_apps: ["900000000000009"]
        phone_numbers:
          - {id: "106540352242929", display_phone_number: "15550783889", verified_name: Filed}
tokens:
  - {value: file-token, app_id: "900000000000009",
     scopes: [whatsapp_business_messaging, whatsapp_business_management],
     wabas: ["102290129340409"]}
"""

SEED_CHOICES = """
import pytest


def test_the_ini_option(wamm_server):
    assert (wamm_server.token, wamm_server.phone_number_id) == ("file-token", "106540352242929")
    assert wamm_server.control.clock()["now"] == 1000


@pytest.mark.wamm_seed({"settings": {"clock": "manual", "clock_start": 5},
                        "apps": [{"id": "1", "secret": "marked"}]})
def test_a_marker_with_a_mapping(wamm_server):
    assert wamm_server.app_secret == "marked"
    assert wamm_server.control.clock()["now"] == 5
    with pytest.raises(LookupError, match="no token"):
        wamm_server.token


@pytest.mark.wamm_seed("seeds/world.yaml")
def test_a_marker_with_a_file_beside_the_test(wamm_server):
    assert wamm_server.app_secret == "file-secret"
"""


def test_the_seed_comes_from_the_ini_option_or_a_marker(pytester: pytest.Pytester) -> None:
    pytester.mkdir("seeds")
    pytester.path.joinpath("seeds", "world.yaml").write_text(SEED_FILE)
    pytester.makeini(INI + "wamm_seed = seeds/world.yaml\n")
    pytester.makepyfile(test_seeds=SEED_CHOICES)
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_a_conftest_can_change_the_default_seed(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import pytest\n\n"
        "@pytest.fixture\n"
        "def wamm_seed(wamm_seed):\n"
        "    wamm_seed['users'].append({'phone': '5511900000099', 'name': 'Zoe'})\n"
        "    return wamm_seed\n"
    )
    pytester.makepyfile(
        "def test_zoe(wamm_server):\n"
        "    users = wamm_server.control('GET', '/users')['data']\n"
        "    assert 'Zoe' in [u['name'] for u in users]\n"
    )
    run(pytester).assert_outcomes(passed=1)


def test_a_failing_test_shows_the_server_log(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_fails(wamm_server):\n    assert False\n")
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*wamm server log (http://127.0.0.1:*", "*listening on*"])


def test_a_bad_seed_fails_the_test_with_the_servers_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "import pytest\n\n"
        "@pytest.mark.wamm_seed({'settings': {'clock': 'sometimes'}})\n"
        "def test_bad(wamm_server):\n    pass\n"
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Invalid seed at $.settings.clock*"])

"""`wamm partner ...`: a partner lists its clients' WABAs, asks one to accept the MM terms
(the client signs through the control API), and enrols a client for max price."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import Cli, no_traceback
from wamm.testing.seeds import demo_seed

PARTNER = "800000000000010"
PARTNER_TOKEN = "partner-token"
ACME, GLOBEX = "800000000000001", "800000000000002"
GLOBEX_WABA = "102290129340399"
AS_PARTNER = {"WAMM_TOKEN": PARTNER_TOKEN}


@pytest.fixture
def wamm_seed() -> dict[str, Any]:
    """The demo seed with a partner portfolio whose clients are Acme and Globex."""
    seed = demo_seed()
    for business in seed["businesses"]:
        if business["id"] in (ACME, GLOBEX):
            business["client_of"] = [PARTNER]
    seed["businesses"].append({"id": PARTNER, "name": "Partner Solutions"})
    seed["tokens"].append(
        {
            "value": PARTNER_TOKEN,
            "scopes": ["whatsapp_business_management", "business_management"],
            "business_id": PARTNER,
        }
    )
    return seed


def test_a_partner_onboards_a_client(cli: Cli) -> None:
    eligible = cli("partner", "clients", PARTNER, "--status", "ELIGIBLE", "--json", **AS_PARTNER)
    assert eligible.code == 0, eligible.stderr
    assert [w["id"] for w in eligible.json()] == [GLOBEX_WABA]

    sent = cli("partner", "onboard", GLOBEX, **AS_PARTNER)
    assert sent.code == 0, sent.stderr
    assert sent.stdout.startswith("request ") and f"sent to business {GLOBEX}" in sent.stdout
    signed = cli("partner", "sign", GLOBEX, "--json")
    assert signed.json()["mm_terms"] == "signed"

    table = cli("partner", "clients", PARTNER, **AS_PARTNER)
    assert "ONBOARDED" in table.stdout and "ELIGIBLE" not in table.stdout
    again = cli("partner", "onboard", GLOBEX, **AS_PARTNER)
    assert again.code == 1 and "Invalid recipient type" in again.stderr
    no_traceback(again)


def test_a_partner_enrols_a_client_for_max_price(cli: Cli) -> None:
    refused = cli("partner", "enrol", PARTNER, ACME, **AS_PARTNER)
    assert refused.code == 1 and "Agreement required" in refused.stderr
    sent = cli(
        "partner",
        "agreement",
        PARTNER,
        "--signer-name",
        "Jane Doe",
        "--signer-email",
        "jane@bsp.example",
        **AS_PARTNER,
    )
    assert "pending (Jane Doe <jane@bsp.example>)" in sent.stdout, sent.stderr
    assert cli("partner", "accept", PARTNER).code == 0
    shown = cli("partner", "agreement", PARTNER, "--json", **AS_PARTNER)
    assert shown.json()["status"] == "accepted"

    enrolled = cli("partner", "enrol", PARTNER, ACME, "1", **AS_PARTNER)
    assert f"{ACME} enrolled" in enrolled.stdout
    assert "1 rejected: The business does not own or share" in enrolled.stdout
    listed = cli("partner", "enrolled", PARTNER, "--json", **AS_PARTNER)
    assert [e["end_business_name"] for e in listed.json()["data"]] == ["Acme"]
    removed = cli("partner", "remove", PARTNER, ACME, "--json", **AS_PARTNER)
    assert removed.json() == {"results": [{"end_business_id": ACME, "status": "removed"}]}

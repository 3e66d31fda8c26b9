"""A 100,000-recipient Marketing Messages campaign to a generated audience, twice: the funnel it
produces, how long it takes, and whether the second run gives exactly the same outcome.

In process (the ASGI app called directly, no sockets) on a temporary SQLite file, manual clock:
the seed is bench/send_path.py's business with a marketing template that has a URL button and an
audience shaped like docs/seed.md's funnel example, `--size` members. Every member gets one send
(the clock moves a second every 1,000 sends, Meta's default throughput), one at a time: a
message's draws are keyed by its sequence number, so the same outcome per recipient needs the
same order of sends (concurrent sends give the same shares, not the same recipients). Then two
virtual days pass. The outcome is read back as a user would: `GET /_wamm/messages` (every page)
for the statuses and failure codes, and `template_analytics` for sent / delivered / read /
clicks.

    python3 bench/audience_funnel.py [--size 100000] [--runs 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import in_process as ip
import send_path as sp

DAY = 86400
SENDS_PER_SECOND = 1000
TEMPLATE = "spring_promo"
FUNNEL_SEED = sp.ROOT / "examples" / "spring_funnel.yaml"  # docs/seed.md's funnel example


def funnel_seed(size: int) -> dict[str, Any]:
    document = sp.bench_seed([])
    import yaml  # noqa: PLC0415 - after ensure_project_python

    funnel = yaml.safe_load(FUNNEL_SEED.read_text())
    document["settings"] |= funnel["settings"]
    waba = document["businesses"][0]["wabas"][0]
    waba["is_enabled_for_insights"] = True
    waba["templates"].append(
        {
            "name": TEMPLATE,
            "language": "en_US",
            "category": "MARKETING",
            "components": [
                {"type": "BODY", "text": "Spring is here: 20% off everything"},
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "URL", "text": "Shop", "url": "https://shop.test/s"}],
                },
            ],
        }
    )
    document["audiences"] = [{**audience, "size": size} for audience in funnel["audiences"]]
    return document


def send_body(to: str) -> bytes:
    template = {"name": TEMPLATE, "language": {"code": "en_US"}}
    body = {"messaging_product": "whatsapp", "to": to, "type": "template", "template": template}
    return json.dumps(body).encode()


async def read_back(
    app: Any, template_id: str, start: str
) -> tuple[Counter[str], dict[str, int], str]:
    """Outcomes by status (failures by code), template analytics totals, and a digest of every
    message's wamid, status and error."""
    import httpx  # noqa: PLC0415

    outcomes: Counter[str] = Counter()
    digest = hashlib.sha256()
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {sp.TOKEN}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://wamm.test") as http:
        query: dict[str, Any] = {"limit": 1000}
        while True:
            page = (await http.get("/_wamm/messages", params=query)).json()
            for message in page["data"]:
                codes = [e["error_code"] for e in message["events"] if "error_code" in e]
                code = codes[-1] if codes else None
                outcomes[message["status"] if code is None else f"failed {code}"] += 1
                digest.update(f"{message['wamid']} {message['status']} {code}\n".encode())
            if "paging" not in page:
                break
            query["after"] = page["paging"]["cursors"]["after"]
        analytics = await http.get(
            f"/{sp.API_VERSION}/{sp.WABA_ID}/template_analytics",
            params={
                "template_ids": f"[{template_id}]",
                "start": start,
                "end": "2026-01-10",
                "granularity": "DAILY",
                "product_type": "MARKETING_MESSAGES_API_FOR_WHATSAPP",
            },
            headers=headers,
        )
    totals: Counter[str] = Counter()
    for point in analytics.json()["data"][0]["data_points"]:
        totals.update({key: point[key] for key in ("sent", "delivered", "read")})
        totals["clicked"] += sum(c["count"] for c in point["clicked"] if c["type"] == "url_button")
    digest.update(json.dumps(sorted(totals.items())).encode())
    return outcomes, dict(totals), digest.hexdigest()


async def one_run(workdir: Path, size: int) -> tuple[Counter[str], dict[str, int], str, float]:
    from wamm.core import seed as schema  # noqa: PLC0415 - after ensure_project_python
    from wamm.server.app import build_app  # noqa: PLC0415
    from wamm.service.runtime import Runtime, settle_heap  # noqa: PLC0415
    from wamm.service.seeding import apply_seed  # noqa: PLC0415

    runtime = await Runtime.open(f"sqlite:///{workdir / 'funnel.db'}")
    try:
        document = funnel_seed(size)
        await apply_seed(runtime, schema.parse_text(json.dumps(document).encode()))
        settle_heap()
        app = build_app(runtime)
        (audience,) = runtime.settings.audiences
        phones = list(audience.phones(runtime.settings.rng_seed, 0, size))
        template_id = next(t.id for t in runtime.catalog.templates.values() if t.name == TEMPLATE)
        started = time.perf_counter()
        for first in range(0, size, SENDS_PER_SECOND):
            bodies = [send_body(p) for p in phones[first : first + SENDS_PER_SECOND]]
            await ip.send_phase(app, bodies, 0, len(bodies), 1)
            await runtime.advance_clock(1)
        await runtime.advance_clock(2 * DAY)
        seconds = time.perf_counter() - started
        start = document["settings"]["clock_start"][:10]
        outcomes, totals, digest = await read_back(app, template_id, start)
        return outcomes, totals, digest, seconds
    finally:
        await runtime.close()


def report(size: int, outcomes: Counter[str], totals: dict[str, int], seconds: float) -> None:
    print(f"\n{size:,} recipients: sent and two virtual days passed in {seconds:.1f} s")
    for outcome, count in sorted(outcomes.items(), key=lambda item: -item[1]):
        print(f"  {outcome:<14} {count:>9,}  {100 * count / size:6.2f} %")
    clicks = totals.get("clicked", 0)
    reads = totals.get("read", 0)
    print(
        f"  template analytics: sent {totals.get('sent', 0):,}, delivered "
        f"{totals.get('delivered', 0):,}, read {reads:,}, URL clicks {clicks:,} "
        f"({100 * clicks / max(reads, 1):.1f} % of reads)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="audience members (<= 1M)")
    parser.add_argument("--runs", type=int, default=2, help="identical runs to compare (1-3)")
    args = parser.parse_args()
    if not 1_000 <= args.size <= 1_000_000 or not 1 <= args.runs <= 3:
        sys.exit("--size must be 1,000 to 1,000,000 and --runs 1 to 3")
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    digests = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="wamm-funnel-") as tmp:
            outcomes, totals, digest, seconds = uvloop.run(one_run(Path(tmp), args.size))
        report(args.size, outcomes, totals, seconds)
        print(f"  run {run + 1} outcome digest {digest[:16]}")
        digests.append(digest)
    same = len(set(digests)) == 1
    print(f"\nreproducible across {args.runs} run(s): {'PASS' if same else 'FAIL'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""`wamm seed` and `wamm reset`: a running wamm server's state, through its control API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from wamm.cli.common import UsageError, Wamm, wamm_command
from wamm.client.control import ControlError
from wamm.core.seed import DEMO_SEED_PATH, SeedFileError
from wamm.core.seed import load_file as load_seed

SeedFile = Annotated[
    Path | None,
    typer.Argument(
        exists=True, dir_okay=False, help="Seed file (YAML or JSON).", show_default=False
    ),
]


def read_seed_file(path: Path) -> dict[str, Any]:
    """The mapping in a seed (or other YAML / JSON) file; a file that cannot be read is a usage
    error."""
    try:
        return load_seed(path)
    except SeedFileError as error:
        raise UsageError(str(error)) from None


def _seed_problem(error: ControlError) -> str | None:
    """The server's "Invalid seed at PATH: problem" when it refused a seed, else None."""
    if error.status_code != 400:
        return None
    try:
        answer = json.loads(error.body)["error"]
    except (ValueError, KeyError, TypeError):
        return None
    return str(answer["message"]) if answer.get("type") == "WammSeedError" else None


def send_seed(path: Path, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`call()`; a seed the server refuses (nothing was changed) is a usage error."""
    try:
        return call()
    except ControlError as error:
        problem = _seed_problem(error)
        if problem is None:
            raise
        raise UsageError(f"{path.name}: {problem}") from None


def _applied(wamm: Wamm, verb: str, answer: dict[str, Any]) -> None:
    counts = ", ".join(f"{n} {kind}" for kind, n in answer.get("applied", {}).items())
    wamm.output.result(
        answer, lambda console: console.print(f"{verb} {wamm.control.base_url}: {counts or '-'}")
    )


@wamm_command
def seed(
    wamm: Wamm, seed_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]
) -> None:
    """Apply a seed file to a running wamm (an upsert: existing ids are updated, nothing is
    deleted; a bad seed changes nothing). See docs/seed.md."""
    document = read_seed_file(seed_file)
    _applied(wamm, "seeded", send_seed(seed_file, lambda: wamm.control.seed(document)))


@wamm_command
def reset(
    wamm: Wamm,
    seed_file: SeedFile = None,
    demo: Annotated[
        bool, typer.Option(help="Apply the demo seed (what `wamm serve` starts with).")
    ] = False,
    keep_callbacks: Annotated[
        bool,
        typer.Option(help="Give the apps the new state still has their webhook callbacks back."),
    ] = False,
) -> None:
    """Replace the whole state of a running wamm by SEED_FILE (or --demo; nothing: empty), in
    one step: a bad seed is refused and changes nothing. Webhook callbacks set since the seed
    are part of the state: the command says which ones the reset dropped (--keep-callbacks
    sets them again, without a handshake)."""
    if seed_file is not None and demo:
        raise UsageError("give a seed file or --demo, not both")
    path = DEMO_SEED_PATH if demo else seed_file
    before = _callbacks(wamm)
    if path is None:
        answer = wamm.control.reset(None)
    else:
        document = read_seed_file(path)
        answer = send_seed(path, lambda: wamm.control.reset(document))
    answer["callbacks"] = _carry_callbacks(wamm, before, keep_callbacks)
    _applied(wamm, "reset", answer)


def _callbacks(wamm: Wamm) -> dict[str, dict[str, Any] | None]:
    """Each app's callback (`{"url", "verify_token"}` or None), by app id."""
    return {app["id"]: app["webhook"] for app in wamm.control.state()["apps"]}


def _carry_callbacks(
    wamm: Wamm, before: dict[str, dict[str, Any] | None], keep: bool
) -> dict[str, list[str]]:
    """Set again (`keep`) or report the callbacks the reset dropped."""
    after = _callbacks(wamm)
    carried: dict[str, list[str]] = {"kept": [], "dropped": []}
    for app_id, webhook in before.items():
        if webhook is None or after.get(app_id, webhook) is not None:
            continue  # none before, or the seed gave one (or dropped the app)
        if keep:
            wamm.control.set_webhook(
                app_id, webhook["url"], webhook["verify_token"] or "", verify=False
            )
        carried["kept" if keep else "dropped"].append(app_id)
        verb = "kept" if keep else "dropped (--keep-callbacks keeps it)"
        wamm.output.note(f"the webhook callback of app {app_id}, {webhook['url']}, was {verb}")
    return carried

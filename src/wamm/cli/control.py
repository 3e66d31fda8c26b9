"""`wamm seed` and `wamm reset`: a running wamm server's state, through its control API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wamm.cli.common import UsageError, Wamm, wamm_command
from wamm.core.seed import SeedFileError
from wamm.core.seed import load_file as load_seed
from wamm.testing.seeds import DEMO_SEED_PATH

SeedFile = Annotated[
    Path | None,
    typer.Argument(
        exists=True, dir_okay=False, help="Seed file (YAML or JSON).", show_default=False
    ),
]


def _read(path: Path) -> dict[str, Any]:
    try:
        return load_seed(path)
    except SeedFileError as error:
        raise UsageError(str(error)) from None


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
    deleted). See docs/seed.md."""
    _applied(wamm, "seeded", wamm.control.seed(_read(seed_file)))


@wamm_command
def reset(
    wamm: Wamm,
    seed_file: SeedFile = None,
    demo: Annotated[
        bool, typer.Option(help="Apply the demo seed (what `wamm serve` starts with).")
    ] = False,
) -> None:
    """Empty every table of a running wamm, then apply SEED_FILE (or --demo) if given."""
    if seed_file is not None and demo:
        raise UsageError("give a seed file or --demo, not both")
    path = DEMO_SEED_PATH if demo else seed_file
    _applied(wamm, "reset", wamm.control.reset(_read(path) if path is not None else None))

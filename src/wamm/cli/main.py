"""The `wamm` command line."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from wamm import __version__
from wamm.cli.banner import print_banner
from wamm.server.app import ServerConfig, create_app
from wamm.store.url import DEFAULT_URL, DatabaseUrlError, parse_database_url

app = typer.Typer(
    name="wamm",
    help="A self-hostable emulator of the Marketing Messages API for WhatsApp.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wamm {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """wamm: run the server, or talk to one."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
    database: Annotated[
        str,
        typer.Option(
            envvar="WAMM_DATABASE_URL",
            help="Database URL: sqlite:///wamm.db (relative), sqlite:////abs/path.db, sqlite:// "
            "(memory) or postgresql://user@host/db.",
        ),
    ] = DEFAULT_URL,
    seed: Annotated[
        Path | None,
        typer.Option(
            envvar="WAMM_SEED",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Seed file (YAML or JSON) applied at start (an upsert: existing ids are updated).",
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(help="Apply the demo seed when the database is empty and no --seed is given."),
    ] = True,
    admin_token: Annotated[
        str | None,
        typer.Option(
            envvar="WAMM_ADMIN_TOKEN",
            help="Require this bearer token on the /_wamm control API.",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Start the wamm server (Graph API + control API)."""
    try:
        parsed = parse_database_url(database)
    except DatabaseUrlError as exc:
        raise typer.BadParameter(str(exc), param_hint="--database") from None
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    base_url = f"http://{host}:{port}"
    config = ServerConfig(
        database_url=database,
        seed_path=seed,
        demo_if_empty=demo,
        admin_token=admin_token,
        on_ready=lambda runtime: print_banner(runtime, base_url, parsed.display),
    )
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level=log_level.lower(),
        access_log=access_log,
        server_header=False,
    )


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()

"""`wamm serve` and `wamm worker`: run the emulator.

The server's modules are imported by these commands only, so that the client commands of the
same program start quickly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvicorn

from wamm import __version__
from wamm.cli.admin_token import control_token
from wamm.cli.asgi import PortOption, listening_socket, serve_asgi
from wamm.cli.common import EXIT_NETWORK, EXIT_USAGE, ListenError, Output, UsageError
from wamm.cli.descriptors import raise_descriptor_limit
from wamm.store.url import (
    DEFAULT_URL,
    DatabaseUnavailable,
    DatabaseUrl,
    DatabaseUrlError,
    parse_database_url,
)

T = TypeVar("T")
LOG_LEVELS = ("debug", "info", "warning", "error")
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_MAX_CONNECTIONS = 1000
SeedOption = Annotated[
    Path | None,
    typer.Option(
        envvar="WAMM_SEED",
        exists=True,
        dir_okay=False,
        readable=True,
        help="Seed file (YAML or JSON): `serve` applies it at every start (an upsert: existing "
        "ids are updated), `migrate` only to an empty database.",
    ),
]
DemoOption = Annotated[
    bool,
    typer.Option(help="Apply the demo seed when the database is empty and no --seed is given."),
]
DatabaseOption = Annotated[
    str,
    typer.Option(
        envvar="WAMM_DATABASE_URL",
        help="Database URL: sqlite:///wamm.db (relative), sqlite:////abs/path.db, sqlite:// "
        "(memory) or postgresql://user@host/db.",
    ),
]


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: PortOption = 8000,
    database: DatabaseOption = DEFAULT_URL,
    seed: SeedOption = None,
    demo: DemoOption = True,
    admin_token: Annotated[
        str | None,
        typer.Option(
            envvar="WAMM_ADMIN_TOKEN",
            help="Require this bearer token on the /_wamm control API (generated when "
            "listening off loopback without one).",
        ),
    ] = None,
    request_timeout: Annotated[
        float,
        typer.Option(
            envvar="WAMM_REQUEST_TIMEOUT",
            min=0.1,
            help="Seconds a client has to send a whole request; then its connection is closed.",
        ),
    ] = DEFAULT_REQUEST_TIMEOUT,
    max_connections: Annotated[
        int,
        typer.Option(
            envvar="WAMM_MAX_CONNECTIONS",
            min=1,
            help="Connections served at once (per process); requests beyond get HTTP 503.",
        ),
    ] = DEFAULT_MAX_CONNECTIONS,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Server processes (more than one: PostgreSQL, or a SQLite file here)."
        ),
    ] = 1,
    dispatch: Annotated[
        bool,
        typer.Option(
            help="Deliver webhooks from this process (turn off when `wamm worker`s do it).",
        ),
    ] = True,
    delivery_process: Annotated[
        bool | None,
        typer.Option(
            envvar="WAMM_DELIVERY_PROCESS",
            help="POST webhooks from a second process the server starts and watches (one "
            "server process, a database file); this one keeps time and answers drains.",
            show_default="on for a SQLite file, with 2 CPUs or more",
        ),
    ] = None,
) -> None:
    """Start the wamm server (Graph API + control API). A port that is taken exits with
    code 3."""
    from wamm.cli.banner import print_banner  # noqa: PLC0415 - see the module's docstring
    from wamm.server.app import (  # noqa: PLC0415
        ServerConfig,
        check_startup,
        create_app,
        prepare_database,
    )
    from wamm.server.connections import ConnectionLimits, guarded_protocol  # noqa: PLC0415

    display = _database_display(database)
    _configure_logging(log_level)
    url = parse_database_url(database)
    if workers > 1:
        _check_shareable(url)
    separate_delivery = _separate_delivery(delivery_process, url, workers, dispatch)
    raise_descriptor_limit()
    sock = _listening(host, port)
    admin_token, generated = _control_token(sock, admin_token)
    base_url = f"http://{host}:{port}"
    config = ServerConfig(
        database_url=database,
        seed_path=seed,
        demo_if_empty=demo,
        admin_token=admin_token,
        dispatch=dispatch,
        delivery_process=separate_delivery,
        log_level=log_level.lower(),
        on_ready=lambda runtime: print_banner(
            runtime, base_url, display, admin_token if generated else None
        ),
    )
    options: dict[str, Any] = {
        "log_level": log_level.lower(),
        "access_log": access_log,
        "server_header": False,
        "http": guarded_protocol(ConnectionLimits(request_timeout, max_connections)),
    }
    if workers == 1:
        _prepared(check_startup(config))  # opens the database; the server seeds it
        serve_asgi(create_app(config), sock, **options)
        return
    sock.close()  # uvicorn binds it again, for its worker processes
    _prepared(prepare_database(config))  # seed once, before the workers start
    _export_for_workers(database, admin_token, dispatch)
    uvicorn.run(
        "wamm.server.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        **options,
    )


def _check_shareable(url: DatabaseUrl) -> None:
    """Several server processes share a PostgreSQL database, or a SQLite file through locks
    and a bucket file beside it (POSIX `flock`); not an in-memory database."""
    if url.backend != "sqlite":
        return
    if url.target == ":memory:":
        problem = "an in-memory database lives in one process"
    elif os.name != "posix":
        problem = "SQLite files are shared through POSIX file locks"
    else:
        return
    raise typer.BadParameter(
        f"several server processes need a database file or PostgreSQL ({problem})",
        param_hint="--workers",
    )


def _separate_delivery(asked: bool | None, url: DatabaseUrl, workers: int, dispatch: bool) -> bool:
    """Whether a delivery process POSTs the webhooks: by default for a SQLite file on a machine
    with a second core to run it (it measured faster there, docs/performance.md); asked for, it
    needs a database another process can open and one server process."""
    in_memory = url.target == ":memory:"
    if asked is None:
        sqlite_file = url.backend == "sqlite" and not in_memory
        return dispatch and sqlite_file and workers == 1 and _usable_cpus() > 1
    if asked and (in_memory or workers > 1):
        reason = "an in-memory database" if in_memory else "several server processes"
        raise typer.BadParameter(
            f"no delivery process with {reason} (run `wamm worker`s beside a shared database)",
            param_hint="--delivery-process",
        )
    return asked and dispatch


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _listening(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port`; a port that is taken exits with code 3, an
    unknown host with 2."""
    try:
        return listening_socket(host, port)
    except ListenError as error:
        Output(as_json=False).fail(error, EXIT_NETWORK)
    except UsageError as error:
        Output(as_json=False).fail(error, EXIT_USAGE)


def _control_token(sock: socket.socket, given: str | None) -> tuple[str | None, bool]:
    """The admin token for the address `sock` is bound to (see `control_token`); a placeholder
    exits with code 2."""
    try:
        return control_token(sock.getsockname()[0], given)
    except UsageError as error:
        sock.close()
        Output(as_json=False).fail(error, EXIT_USAGE)


def _prepared(preparation: Coroutine[Any, Any, T]) -> T:
    """Open the database and check or apply the seed before the server starts: a database
    that cannot be opened or a bad seed is one line, exit code 2."""
    from wamm.core.seed import SeedError  # noqa: PLC0415 - see the module's docstring

    try:
        return asyncio.run(preparation)
    except SeedError as error:
        Output(as_json=False).fail(UsageError(f"invalid seed: {error}"), EXIT_USAGE)
    except DatabaseUnavailable as error:
        Output(as_json=False).fail(UsageError(f"--database: {error}"), EXIT_USAGE)


def worker(
    database: Annotated[
        str, typer.Option(envvar="WAMM_DATABASE_URL", help="The database the servers use.")
    ] = DEFAULT_URL,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    for_server: Annotated[
        bool,
        typer.Option(hidden=True, help="Run as a `wamm serve`'s delivery process."),
    ] = False,
    ready_fd: Annotated[
        int | None,
        typer.Option(hidden=True, help="A pipe to write one byte to once delivering."),
    ] = None,
) -> None:
    """Deliver webhooks (and fire timed events) without serving HTTP; run any number of
    workers beside `wamm serve --no-dispatch` on a shared PostgreSQL database."""
    display = _database_display(database)
    _configure_logging(log_level)
    if not for_server:
        typer.echo(f"wamm {__version__} worker delivering webhooks from {display}")
    from wamm.service.worker import run_worker  # noqa: PLC0415 - see the module's docstring

    with contextlib.suppress(KeyboardInterrupt):
        _prepared(run_worker(database, for_server=for_server, ready_fd=ready_fd))


def migrate(
    database: DatabaseOption = DEFAULT_URL,
    seed: SeedOption = None,
    demo: DemoOption = True,
) -> None:
    """Create or upgrade the database, apply the seed if the database is empty, and exit:
    run it once before the servers of a deployment, which then start without --seed (a
    server restarting never seeds again). A database that holds a state is left as it is."""
    from wamm.server.app import ServerConfig, migrate_database  # noqa: PLC0415

    display = _database_display(database)
    config = ServerConfig(database_url=database, seed_path=seed, demo_if_empty=demo)
    applied = _prepared(migrate_database(config))
    if applied is not None:
        source = "the demo seed" if seed is None else str(seed)
        typer.echo(f"database {display} is ready: seeded from {source}")
    elif seed is not None or demo:
        typer.echo(f"database {display} is ready: it already holds a state, no seed applied")
    else:
        typer.echo(f"database {display} is ready")


def _database_display(url: str) -> str:
    try:
        return parse_database_url(url).display
    except DatabaseUrlError as exc:
        raise typer.BadParameter(str(exc), param_hint="--database") from None


def _configure_logging(level: str) -> None:
    if level.lower() not in LOG_LEVELS:
        message = f"invalid --log-level {level!r}: use {', '.join(LOG_LEVELS)}"
        Output(as_json=False).fail(UsageError(message), EXIT_USAGE)
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


def _export_for_workers(database: str, admin_token: str | None, dispatch: bool) -> None:
    os.environ["WAMM_DATABASE_URL"] = database
    os.environ["WAMM_DEMO"] = "0"
    os.environ.pop("WAMM_SEED", None)
    os.environ["WAMM_DISPATCH"] = "1" if dispatch else "0"
    os.environ["WAMM_SHARED_DATABASE"] = "1"  # a SQLite store shares its limits and locks
    if admin_token:
        os.environ["WAMM_ADMIN_TOKEN"] = admin_token

"""The ASGI application: Graph API, control API, and the runtime's life cycle."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.routing import Mount

from wamm.core import seed as schema
from wamm.server import inspector
from wamm.server.delivery_process import DeliveryProcess
from wamm.server.routes import control
from wamm.server.routes.graph import GraphApp
from wamm.service.delivery import Dispatcher
from wamm.service.follow import following
from wamm.service.runtime import Runtime, settle_heap
from wamm.service.seeding import apply_seed, check_seed
from wamm.store.url import DEFAULT_URL

log = logging.getLogger("wamm")
CONTROL_PREFIX = "/_wamm"


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    seed_path: Path | None = None
    demo_if_empty: bool = True
    admin_token: str | None = None
    on_ready: Callable[[Runtime], None] | None = None
    dispatch: bool = True  # run the webhook dispatcher in this process
    # Deliver in a process of its own (`DeliveryProcess`); this one keeps time and drains.
    delivery_process: bool = False
    log_level: str = "info"  # the delivery process's
    shared: bool = False  # one of `wamm serve --workers N`'s processes on a SQLite file


class WammApp(GraphApp):
    """The ASGI app: the Graph API (raw ASGI, the hot path) beside the control API and the
    life cycle (Starlette)."""

    def __init__(self, control_app: Starlette) -> None:
        # The state's values as a plain dict: Starlette's `State` answers attribute reads
        # through `__getattr__` after a failed lookup, which the send path would pay each time.
        values: dict[str, Any] = {}
        self.state = control_app.state = State(values)
        super().__init__(lambda: values["runtime"], control_app, CONTROL_PREFIX)


def build_app(
    runtime: Runtime | None = None,
    *,
    admin_token: str | None = None,
    dispatcher: Dispatcher | None = None,
    lifespan: Any = None,
) -> WammApp:
    """The app around an already opened runtime (tests), or one a lifespan opens."""
    routes = [*control.ROUTES, Mount("/ui", routes=inspector.ROUTES)]
    control_app = Starlette(
        routes=[Mount(CONTROL_PREFIX, routes=routes)],
        exception_handlers={HTTPException: control.no_such_route},
        lifespan=lifespan,
    )
    app = WammApp(control_app)
    app.state.runtime = runtime
    app.state.dispatcher = dispatcher
    app.state.delivery_process = None  # a DeliveryProcess when `wamm serve` runs one
    app.state.admin_token = admin_token
    return app


def read_seed(path: Path) -> Any:
    """A seed file's document: JSON for `*.json` files (and JSON text), YAML otherwise."""
    return schema.parse_text(path.read_bytes(), as_json=schema.is_json_name(path.name))


async def open_runtime(config: ServerConfig) -> Runtime:
    """Open the store, then apply `--seed FILE`, or the demo seed to an empty database."""
    runtime = await Runtime.open(config.database_url, shared=config.shared)
    try:
        if config.seed_path is not None:
            await apply_seed(runtime, read_seed(config.seed_path))
        elif config.demo_if_empty and not runtime.catalog.businesses:
            await apply_seed(runtime, read_seed(schema.DEMO_SEED_PATH))
            log.info("empty database: applied the demo seed")
    except BaseException:
        await runtime.close()
        raise
    settle_heap()
    return runtime


async def check_startup(config: ServerConfig) -> None:
    """Open the database (`DatabaseUnavailable` if it cannot be) and refuse a bad `--seed
    FILE` (SeedError) before the server starts, so that `wamm serve` can say so in one line:
    the seed is checked against the database's current content, as applying it will be, and
    nothing is written."""
    document = None if config.seed_path is None else read_seed(config.seed_path)
    runtime = await Runtime.open(config.database_url)
    try:
        if document is not None:
            check_seed(runtime, document)
    finally:
        await runtime.close()


async def migrate_database(config: ServerConfig) -> Path | None:
    """Create or upgrade the database; apply the seed (`--seed FILE`, else the demo unless
    turned off) only if it holds no business yet. The seed applied, if any."""
    runtime = await Runtime.open(config.database_url)
    try:
        if runtime.catalog.businesses:
            return None
        path = config.seed_path or (schema.DEMO_SEED_PATH if config.demo_if_empty else None)
        if path is not None:
            await apply_seed(runtime, read_seed(path))
        return path
    finally:
        await runtime.close()


async def prepare_database(config: ServerConfig) -> None:
    """Migrate and seed once, then report (the parent of several server processes)."""
    runtime = await open_runtime(config)
    try:
        if config.on_ready is not None:
            config.on_ready(runtime)
    finally:
        await runtime.close()


def create_app(config: ServerConfig) -> WammApp:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = app.state.runtime = await open_runtime(config)
        dispatcher = app.state.dispatcher = _dispatcher(runtime, config)
        courier = DeliveryProcess(config.database_url, config.log_level)
        if dispatcher is not None:
            await dispatcher.start()
            if not dispatcher.delivers:
                await courier.start()
                app.state.delivery_process = courier
        if config.on_ready is not None:
            config.on_ready(runtime)
        try:
            async with following(runtime):
                yield
        finally:
            await courier.stop()  # before the runtime closes: the server writes the clock last
            if dispatcher is not None:
                await dispatcher.stop()
            await runtime.close()

    return build_app(admin_token=config.admin_token, lifespan=lifespan)


def _dispatcher(runtime: Runtime, config: ServerConfig) -> Dispatcher | None:
    if not config.dispatch:
        return None
    return Dispatcher(runtime, deliver=not config.delivery_process)


def config_from_environment() -> ServerConfig:
    """The configuration `wamm serve --workers N` hands to its worker processes."""
    seed = os.environ.get("WAMM_SEED")
    return ServerConfig(
        database_url=os.environ.get("WAMM_DATABASE_URL", DEFAULT_URL),
        seed_path=Path(seed) if seed else None,
        demo_if_empty=os.environ.get("WAMM_DEMO", "1") == "1",
        admin_token=os.environ.get("WAMM_ADMIN_TOKEN") or None,
        dispatch=os.environ.get("WAMM_DISPATCH", "1") == "1",
        shared=os.environ.get("WAMM_SHARED_DATABASE") == "1",
    )


def app_from_environment() -> WammApp:
    """ASGI factory for worker processes (`uvicorn --factory`)."""
    return create_app(config_from_environment())
